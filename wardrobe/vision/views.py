"""The two views of one photo the classifier reads: the 28x28 Fashion-MNIST conversion and the framed colour photo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.vision.photo import Converted, open_photo, to_fmnist
from wardrobe.vision.photonet import frame_photo


@dataclass
class PhotoViews:
    image: Image.Image  # the decoded RGB photo (for thumbnails)
    converted: Converted  # the paper's network's 28x28 view, with the mask that made it
    framed: np.ndarray  # (size, size, 3) uint8: what the photo network sees


def photo_views(image: Image.Image, size: int) -> PhotoViews:
    return PhotoViews(image, to_fmnist(image), frame_photo(image, size))


def read_views(path: Path, size: int) -> PhotoViews:
    """Open a photo safely and make both views (PhotoError when it cannot be used)."""
    return photo_views(open_photo(path), size)
