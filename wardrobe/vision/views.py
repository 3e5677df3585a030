"""The one place a photo is decoded and its views are made: the 28x28 Fashion-MNIST conversion and the framed colour photo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.vision.photo import DECODED_EDGE, Converted, open_photo, to_fmnist
from wardrobe.vision.photonet import fitted, pad_square


@dataclass
class PhotoViews:
    image: Image.Image  # the decoded RGB photo, at least decoded_edge(size) pixels on its longest edge where it has them
    converted: Converted  # the paper's network's 28x28 view, with the mask that made it
    framed: np.ndarray  # (size, size, 3) uint8: what the photo network sees


def decoded_edge(size: int) -> int:
    """The longest edge a photo is decoded with for views of this framing size (JPEGs at a reduced scale)."""
    return max(size, DECODED_EDGE)


def photo_views(image: Image.Image, size: int) -> PhotoViews:
    """Both views of a decoded photo, each resized once from it: the framing to `size`, the conversion's working copy
    to its own size (made from the framing's smaller copy instead, the paper's network read 0.3 points fewer of
    3,409 closet photos right, for no saving: one resize either way)."""
    return PhotoViews(image, to_fmnist(image), pad_square(fitted(image, size), size))


def read_views(source: Path | bytes, size: int) -> PhotoViews:
    """Open a photo (a file or its bytes) safely and make both views (PhotoError when it cannot be used)."""
    return photo_views(open_photo(source, longest=decoded_edge(size)), size)


def read_framed(source: Path | bytes, size: int) -> np.ndarray:
    """The photo network's view alone, decoded and framed as read_views frames it (for fitting and re-reading)."""
    image = open_photo(source, longest=decoded_edge(size))
    return pad_square(fitted(image, size), size)
