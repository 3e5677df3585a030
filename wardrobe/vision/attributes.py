"""A garment's attributes (kind, pattern, material, main colour): small calibrated heads over what a photo shows.

Kind, pattern and material are read from the photo network's features; the main colour from colour statistics
of the garment (its mask, its core, the background around it), so that the floor or the bed cannot decide it.
Each head answers "unknown" (None) when its calibrated probability is under the head's own threshold.
Inference is plain numpy; fitting lives in wardrobe.training.attributes.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.domain import ATTRIBUTES, PALETTE, kind_fits
from wardrobe.files import atomic_write_bytes
from wardrobe.vision import morphology
from wardrobe.vision.colours import palette_shares

COLOUR_FEATURES = 3 * len(PALETTE) + 64 + 6


def attribute_features(closeup_features: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """What an item keeps so that its attributes can be read again without its photo: close-up features, colours."""
    return np.concatenate([np.asarray(closeup_features, np.float32).ravel(), np.asarray(colours, np.float32).ravel()])


def split_attribute_features(stored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, F + COLOUR_FEATURES) -> close-up features (the photo network's F), colour statistics."""
    return stored[:, :-COLOUR_FEATURES], stored[:, -COLOUR_FEATURES:]


def closeup(image: Image.Image, mask: np.ndarray, size: int) -> np.ndarray:
    """(size, size, 3) uint8: a square from the middle of the garment, half its shorter side, at the resolution of
    `image` (the whole-photo framing shrinks stripes and checks below what the network can see); `mask` may be at a
    smaller scale than `image`."""
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    h, w = mask.shape
    sy, sx = image.height / h, image.width / w
    y0, y1, x0, x1 = rows[0] * sy, (rows[-1] + 1) * sy, cols[0] * sx, (cols[-1] + 1) * sx
    side = max(16.0, 0.5 * min(y1 - y0, x1 - x0))
    cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
    box = (max(0, int(cx - side / 2)), max(0, int(cy - side / 2)),
           min(image.width, int(cx + side / 2)), min(image.height, int(cy + side / 2)))
    return np.asarray(image.crop(box).resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)


def _palette_histogram(pixels: np.ndarray) -> np.ndarray:
    # 1,200 pixels give a share to within a few points, in a third of the time of 3,000.
    return palette_shares(pixels, 1200).astype(np.float32)


def colour_features(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(COLOUR_FEATURES,) float32: palette shares of the garment, of its core and of the background; a coarse
    4x4x4 colour histogram of the core; the core's mean and spread of RGB (0-1)."""
    h, w = mask.shape
    core = morphology.erode(mask, max(1, min(h, w) // 30))
    yy, xx = np.mgrid[0:h, 0:w]
    central = (np.abs(yy - h / 2) < h * 0.3) & (np.abs(xx - w / 2) < w * 0.3)
    if (core & central).sum() >= 50:
        core = core & central
    elif core.sum() < 50:
        core = mask
    background = ~morphology.dilate(mask, 2)
    core_pixels = rgb[core]
    coarse = np.zeros(64, np.float32)
    if len(core_pixels):
        q = (core_pixels // 64).astype(np.int64)
        coarse = (np.bincount((q[:, 0] * 4 + q[:, 1]) * 4 + q[:, 2], minlength=64) / len(core_pixels)).astype(np.float32)
    stats = np.zeros(6, np.float32)
    if len(core_pixels):
        stats = np.concatenate([core_pixels.mean(0), core_pixels.std(0)]).astype(np.float32) / 255.0
    return np.concatenate([_palette_histogram(rgb[mask]), _palette_histogram(core_pixels),
                           _palette_histogram(rgb[background]), coarse, stats]).astype(np.float32)


@dataclass
class AttributeHead:
    """One attribute's standardised linear head: its classes, the inputs it reads and its 'unknown' threshold."""

    classes: tuple[str, ...]
    inputs: str  # what it reads, joined by "+": "photo" (the photo's features), "closeup" (the close-up's), "colour"
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (C, D)
    intercept: np.ndarray  # (C,)
    sure: float  # calibrated probability under which the head answers "unknown"

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = ((np.asarray(x, np.float32) - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class AttributeHeads:
    """The heads of every attribute, for one photo network (its sha256)."""

    heads: dict[str, AttributeHead]
    network: str
    info: dict = field(default_factory=dict)

    def fits(self, network: str) -> bool:
        return self.network == network

    def read(self, features: np.ndarray, closeups: np.ndarray, colours: np.ndarray,
             labels: list[int]) -> list[dict[str, str | None]]:
        """Each photo's attributes ({attribute: value or None for unknown}), its kind one that fits its category."""
        out: list[dict[str, str | None]] = [{} for _ in labels]
        sources = {"photo": features, "closeup": closeups, "colour": colours}
        for attribute, head in self.heads.items():
            probs = head.probabilities(np.hstack([sources[part] for part in head.inputs.split("+")]))
            for i, row in enumerate(probs):
                if attribute == "kind":  # only kinds of the item's category; their share of the probability decides
                    row = np.where([kind_fits(k, labels[i]) for k in head.classes], row, 0.0)
                best = int(np.argmax(row))
                out[i][attribute] = head.classes[best] if row[best] >= head.sure else None
        return out

    def save(self, path: Path) -> None:
        """A plain .npz (no pickles), whole or not at all."""
        arrays, meta = {}, {"network": self.network, "info": self.info, "heads": {}}
        for name, head in self.heads.items():
            meta["heads"][name] = {"classes": list(head.classes), "inputs": head.inputs, "sure": head.sure}
            for part in ("mean", "scale", "coef", "intercept"):
                arrays[f"{name}.{part}"] = np.asarray(getattr(head, part), np.float32)
        buffer = io.BytesIO()
        np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
        atomic_write_bytes(path, buffer.getvalue(), sync=True)

    @classmethod
    def load(cls, path: Path) -> AttributeHeads:
        """Read heads written by save(); ValueError when the file is not that."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                heads = {name: AttributeHead(tuple(m["classes"]), m["inputs"], *(data[f"{name}.{p}"] for p in
                         ("mean", "scale", "coef", "intercept")), float(m["sure"])) for name, m in meta["heads"].items()}
        except (OSError, KeyError, ValueError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path}: not attribute heads ({exc})") from exc
        for name, head in heads.items():
            if name not in ATTRIBUTES or head.coef.shape != (len(head.classes), head.mean.shape[0]) \
                    or head.intercept.shape != (len(head.classes),) \
                    or not set(head.inputs.split("+")) <= {"photo", "closeup", "colour"}:
                raise ValueError(f"{path}: attribute head {name!r} has inconsistent shapes")
        return cls(heads, str(meta["network"]), dict(meta.get("info", {})))
