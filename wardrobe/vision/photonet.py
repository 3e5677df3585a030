"""The photo network at run time: a closet photo framed as a square, read in colour by the ImageNet-pretrained network.

It returns the pooled features the photo head reads and the ImageNet logits of the few classes a closet
holds (shoes, bags, hats, garments), which name what the network saw and tell footwear and bags apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.vision.litert import LiteRTModel

FRAMING_VERSION = "square-pad-v2"  # v2: resized, then padded (v1 padded the photo, then resized the square)
BATCH = 1  # measured here: 87 images/s one at a time, 76 in eights, 59 in 32s (XNNPACK, 2 cores)

# ImageNet classes a closet photo may show, by index (names as in ImageNet's synsets, shortened).
IMAGENET_CLOSET: dict[int, str] = {
    399: "abaya", 400: "academic gown", 411: "apron", 414: "backpack", 433: "bathing cap", 445: "bikini",
    452: "bonnet", 459: "brassiere", 465: "bulletproof vest", 474: "cardigan", 501: "cloak", 502: "clog",
    514: "cowboy boot", 515: "cowboy hat", 518: "crash helmet", 568: "fur coat", 578: "gown", 601: "hoopskirt",
    608: "jean", 610: "jersey, T-shirt", 614: "kimono", 617: "lab coat", 630: "loafer", 636: "mailbag",
    638: "maillot", 639: "tank suit", 652: "military uniform", 655: "miniskirt", 658: "mitten", 667: "mortarboard",
    689: "overskirt", 697: "pajama", 728: "plastic bag", 735: "poncho", 748: "purse", 770: "running shoe",
    774: "sandal", 775: "sarong", 793: "shower cap", 796: "ski mask", 806: "sock", 808: "sombrero",
    824: "stole", 834: "suit", 841: "sweatshirt", 842: "swimming trunks", 869: "trench coat",
}
CLOSET_CLASSES = tuple(IMAGENET_CLOSET)
# Fashion-MNIST's footwear classes and its bag, by the ImageNet classes that stand for them.
FOOTWEAR = {5: (774,), 7: (770, 630, 502), 9: (514,)}  # Sandal; Sneaker (and other low shoes); Ankle boot
BAGS = (414, 636, 728, 748)


def fitted(image: Image.Image, size: int) -> Image.Image:
    """The RGB photo resized once so that its longest edge has `size` pixels (the framing's and the views' source)."""
    image = image if image.mode == "RGB" else image.convert("RGB")
    w, h = image.size
    side = max(w, h)
    if side == size:
        return image
    return image.resize((max(1, round(w * size / side)), max(1, round(h * size / side))), Image.Resampling.BILINEAR)


def pad_square(image: Image.Image, size: int) -> np.ndarray:
    """A photo already fitted to `size` padded to a square with its own border colour: (size, size, 3) uint8."""
    rgb = np.asarray(image)
    h, w = rgb.shape[:2]
    if h == w == size:
        return np.array(rgb, dtype=np.uint8)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    colour = tuple(int(v) for v in np.median(border, axis=0))
    canvas = Image.new("RGB", (size, size), colour)
    canvas.paste(image, ((size - w) // 2, (size - h) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def frame_photo(image: Image.Image, size: int) -> np.ndarray:
    """The whole photo resized to fit a size x size square, padded with its own border colour: (size, size, 3) uint8.

    Padding keeps every part of the garment (a centre crop cuts off trouser legs and dress hems). Resizing
    before padding (FRAMING_VERSION 2) works on the photo's pixels only, not on a square of mostly padding.
    """
    return pad_square(fitted(image, size), size)


def fmnist_as_photo(pixels: np.ndarray, size: int) -> np.ndarray:
    """Fashion-MNIST images (N, 28, 28), garment bright on black, as the photo network sees a catalogue shot."""
    out = np.empty((len(pixels), size, size, 3), np.uint8)
    for i, image in enumerate(pixels):
        grey = Image.fromarray(255 - np.asarray(image, np.uint8), "L").resize((size, size), Image.Resampling.BILINEAR)
        out[i] = np.asarray(grey)[..., None]
    return out


def group_logits(closet_logits: np.ndarray, groups: dict[int, tuple[int, ...]]) -> np.ndarray:
    """(N, len(CLOSET_CLASSES)) logits -> (N, len(groups)): each group's log-sum-exp."""
    columns = {c: i for i, c in enumerate(CLOSET_CLASSES)}
    out = []
    for members in groups.values():
        sub = closet_logits[:, [columns[m] for m in members]]
        top = sub.max(axis=1, keepdims=True)
        out.append((top + np.log(np.exp(sub - top).sum(axis=1, keepdims=True)))[:, 0])
    return np.stack(out, axis=1)


class PhotoNetwork:
    """The LiteRT photo network: (N, size, size, 3) uint8 -> features (N, 1280), closet ImageNet logits (N, K)."""

    def __init__(self, path: Path, batch: int = BATCH, threads: int | None = None):
        self.model = LiteRTModel(path, batch, pad=False, threads=threads)
        self.model.ready(1)  # prepared where it is made: a worker thread that reads with it only runs it
        self.size = self.model.item_shape[0]
        sizes = self.model.output_sizes()
        self._logits = sizes.index(len(CLOSET_CLASSES))
        self._features = 1 - self._logits

    def read(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        outputs = self.model.run(np.asarray(images, np.float32))
        return outputs[self._features], outputs[self._logits]
