"""Opening user photos safely and converting them into the Fashion-MNIST domain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageFilter, ImageOps

from wardrobe.vision import morphology
from wardrobe.vision.safe_open import PHOTO_SUFFIXES, UnusableFile, decoder_failure, opened_image, read_regular, scan_folder

# Bump when the conversion changes: items remember which version classified them.
CONVERSION_VERSION = "fmnist-v2"  # v2: made from the photo decoded at a reduced scale and fitted to the framing size
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is plenty; larger files are refused before decoding
MAX_PHOTO_BYTES = 64 << 20  # a 60-megapixel JPEG is some 30 MB; a larger file is not a photo of a garment
WORK_SIZE = 160  # the conversion works on a copy whose longest edge is about this many pixels
# A photo is decoded with at least this many pixels on its longest edge: enough for every view of it (the photo
# network's 224x224 framing, the conversion's working copy) and for the library's 256-pixel thumbnail.
DECODED_EDGE = 256
REFINE_ROUNDS = 2

ImageFile.LOAD_TRUNCATED_IMAGES = False


class PhotoError(Exception):
    """A photo that cannot be used; str() is a one-line reason."""


@dataclass
class Converted:
    """One photo in the Fashion-MNIST domain, with what the conversion saw (for --explain and colours)."""

    pixels: np.ndarray  # (28, 28) uint8, garment bright on black
    work: np.ndarray  # (h, w, 3) uint8 RGB working copy of the photo
    mask: np.ndarray  # (h, w) bool, True on the garment


def read_photo(path: str | Path, max_bytes: int = MAX_PHOTO_BYTES) -> bytes:
    """A photo file's bytes, read once (a regular file, at most max_bytes); PhotoError when it cannot be."""
    try:
        return read_regular(Path(path), max_bytes)
    except UnusableFile as exc:
        raise PhotoError(str(exc)) from exc


def open_photo(source: str | Path | bytes, max_pixels: int = MAX_PIXELS, longest: int | None = DECODED_EDGE) -> Image.Image:
    """Open a user photo (a file, or its bytes as read_photo read them) as RGB: size- and shape-checked before
    decoding, EXIF-rotated, first frame, any mode.

    Only regular files in the allowed formats are opened (safe_open.ALLOWED_FORMATS); any failure of the
    decoder on this one photo becomes a PhotoError with a one-line reason.
    A JPEG is decoded at the smallest of the decoder's scales (1, 1/2, 1/4, 1/8) whose longest edge still has
    `longest` pixels (None: full size); other formats are decoded whole.
    """
    return open_scaled(source, max_pixels, longest)[0]


def open_scaled(source: str | Path | bytes, max_pixels: int = MAX_PIXELS,
                longest: int | None = DECODED_EDGE) -> tuple[Image.Image, int]:
    """open_photo, with the divisor the decoder reduced the photo by (1: decoded whole)."""
    data = source if isinstance(source, bytes) else read_photo(source)
    try:
        with opened_image(data, max_pixels) as image:
            try:
                if getattr(image, "n_frames", 1) > 1:
                    image.seek(0)
                scale = _draft(image, longest) if image.format in ("JPEG", "MPO") and longest else 1
                image.load()
                return _to_rgb(ImageOps.exif_transpose(image)), scale
            except Exception as exc:  # noqa: BLE001  a decoder failure is this photo's problem, not the command's
                raise PhotoError(decoder_failure(exc)) from exc
    except UnusableFile as exc:
        raise PhotoError(str(exc)) from exc


def draft_scale(size: tuple[int, int], longest: int) -> int:
    """The largest JPEG decoder scale divisor (1, 2, 4 or 8) that keeps `longest` pixels on the longest edge."""
    scale = 1
    while scale < 8 and max(size) // (2 * scale) >= longest:
        scale *= 2
    return scale


def _draft(image: Image.Image, longest: int) -> int:
    """Ask the JPEG decoder for draft_scale's reduction, and return it (the edge is the same before and after EXIF
    rotation).

    Pillow picks the largest scale at which both requested sides still fit, so ask for the reduced sides
    themselves: width // (width // scale) >= scale (and not twice it for any photo the shape checks allow)."""
    scale = draft_scale(image.size, longest)
    if scale > 1:
        width, height = image.size
        image.draft("RGB", (max(1, width // scale), max(1, height // scale)))
    return scale


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode to 8-bit RGB; transparent areas become white, as on a catalogue page."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or array.max() > 255 else 255.0
        image = Image.fromarray(np.clip(array / top * 255.0, 0, 255).astype(np.uint8), "L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    return image.convert("RGB")


def _otsu(values: np.ndarray) -> float:
    histogram, edges = np.histogram(values, bins=64)
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(histogram)
    total = weight[-1]
    mean = np.cumsum(histogram * centres)
    between = (mean[-1] * weight / total - mean) ** 2 / np.maximum(weight * (total - weight), 1)
    return float(centres[int(np.argmax(between))])


def _clean(mask: np.ndarray, min_share: float = 0.25) -> np.ndarray:
    """Open away specks, keep the big blobs (a pair of shoes is two), fill their holes."""
    mask = morphology.opening(mask)
    labels, count = morphology.label(mask)
    if count == 0:
        return mask
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    kept = sizes >= min_share * sizes[1:].max()
    kept[0] = False
    return morphology.fill_holes(kept[labels])


def _border_mask(image: np.ndarray) -> np.ndarray:
    """First guess: pixels far in colour from the photo's border (estimated per side, for uneven light)."""
    b = max(2, min(image.shape[:2]) // 20)
    sides = [image[:b].reshape(-1, 3), image[-b:].reshape(-1, 3), image[:, :b].reshape(-1, 3), image[:, -b:].reshape(-1, 3)]
    references = np.array([np.median(side, axis=0) for side in sides], dtype=np.float32)
    channels = [np.ascontiguousarray(image[..., c]) for c in range(3)]  # summing a 3-wide last axis is slow
    squared = np.full(image.shape[:2], np.inf, dtype=np.float32)
    for reference in references:
        red, green, blue = ((channel - value) ** 2 for channel, value in zip(channels, reference))
        np.minimum(squared, red + green + blue, out=squared)
    distance = morphology.box_filter(np.sqrt(squared), 3)
    return distance > max(_otsu(distance), 18.0)


def _refine(image: np.ndarray, mask: np.ndarray, rounds: int = REFINE_ROUNDS) -> np.ndarray:
    """Colour models of garment and background (3-D histograms) relabel every pixel, a few rounds.

    Like GrabCut without the graph cut: the first guess only has to be roughly right, since each round
    learns which colours belong to the garment from its interior and which to the background from
    around it, and a smoothing of the log-likelihood ratio stands in for the pairwise term.
    """
    bins = 16
    q = (image // (256 // bins)).astype(np.uint16)
    codes = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    h, w = mask.shape
    # A mild centre prior: photographers put the garment in the middle.
    rows = ((np.arange(h) - h / 2) / (h / 2)) ** 2
    cols = ((np.arange(w) - w / 2) / (w / 2)) ** 2
    centre = 0.6 * (1.0 - rows[:, None] - cols[None, :])
    border = np.zeros_like(mask)
    border[:2], border[-2:], border[:, :2], border[:, -2:] = True, True, True, True
    cleaned = True
    for done in range(1, rounds + 1):
        inside = morphology.erode(mask, 2)
        outside = ~morphology.dilate(mask, 2) | border
        if inside.sum() < 50 or outside.sum() < 50:
            break
        fg = np.bincount(codes[inside], minlength=bins**3) + 0.5
        bg = np.bincount(codes[outside], minlength=bins**3) + 0.5
        ratio = np.log(fg / fg.sum()) - np.log(bg / bg.sum())
        score = morphology.box_filter(ratio[codes], 5) + centre
        # A round's mask only tells the next round where garment and background are: opening it is enough
        # there; the blobs and holes of the last are cleaned (a third less work, nearly the same masks).
        mask, cleaned = (_clean(score > 0), True) if done == rounds else (morphology.opening(score > 0), False)
    return mask if cleaned else _clean(mask)


def garment_mask(rgb: np.ndarray) -> np.ndarray:
    """Separate the garment from its background: a border-colour first guess refined by colour models."""
    image = rgb.astype(np.float32)
    mask = _clean(_border_mask(image))
    if mask.sum() >= 0.01 * mask.size:
        mask = _refine(rgb, mask)
    if mask.sum() < 0.01 * mask.size:
        return np.ones(mask.shape, dtype=bool)
    return mask


def to_fmnist(image: Image.Image) -> Converted:
    """Convert an RGB photo into a 28x28 Fashion-MNIST-style image: garment only, trimmed, centred, negated."""
    work = image.copy()
    work.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    rgb = np.asarray(work, dtype=np.uint8)
    mask = garment_mask(rgb)
    gray = np.asarray(work.convert("L"), dtype=np.float32)
    ink = 255.0 - gray  # negated: dark cloth is bright, as in Fashion-MNIST
    inside = ink[mask]
    low, high = np.percentile(inside, 2), np.percentile(inside, 98)
    # White garments would vanish once negated; stretch the garment's own range to stay visible.
    ink = 40.0 + 215.0 * np.clip((ink - low) / max(high - low, 1.0), 0.0, 1.0)
    ink[~mask] = 0.0
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    scale = 28.0 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = Image.fromarray(crop.astype(np.uint8), "L").resize(size, Image.Resampling.LANCZOS)
    small = small.filter(ImageFilter.SHARPEN)
    canvas = Image.new("L", (28, 28), 0)
    canvas.paste(small, ((28 - size[0]) // 2, (28 - size[1]) // 2))
    return Converted(pixels=np.asarray(canvas, dtype=np.uint8), work=rgb, mask=mask)


def find_photos(paths: list[str | Path], skipped: list[tuple[Path, str]] | None = None) -> list[tuple[Path, str | None]]:
    """Expand files and folders (recursively, sorted) into photo paths, in input order.

    Each entry is (path, None) for a photo to process or (path, problem) for an input that cannot be:
    a missing path or a folder without photos. Files given by name are tried whatever their suffix.
    What a folder scan passes over (files of other types, devices and pipes, unreadable subfolders)
    is appended to `skipped` as (path, reason) when a list is given.
    """
    entries: list[tuple[Path, str | None]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = scan_folder(path, skipped if skipped is not None else [])
            if not found:
                entries.append((path, f"folder holds no photos ({', '.join(PHOTO_SUFFIXES)})"))
            entries.extend((p, None) for p in found)
        elif path.exists() or path.is_symlink():
            entries.append((path, None))
        else:
            entries.append((path, "no such file or folder"))
    return entries
