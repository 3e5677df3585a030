"""The one place a photo is decoded and its views are made: the 28x28 Fashion-MNIST conversion, the framed colour
photo and the garment's close-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from wardrobe.vision.attributes import closeup
from wardrobe.vision.photo import DECODED_EDGE, Converted, open_photo, open_scaled, to_fmnist
from wardrobe.vision.photonet import fitted, pad_square

# The close-up is cut from the photo decoded with at least this many pixels on its longest edge. From the views'
# copy (a 400x533 phone photo decoded at half scale) stripes and checks were blurred away: on 341 validation photos
# labelled by looking, pattern read right 0.865 (unknown 4.7%) from a full-scale close-up, 0.83 from a half-scale one.
DETAIL_EDGE = 400


@dataclass
class PhotoViews:
    image: Image.Image  # the decoded RGB photo, at least decoded_edge(size) pixels on its longest edge where it has them
    converted: Converted  # the paper's network's 28x28 view, with the mask that made it
    framed: np.ndarray  # (size, size, 3) uint8: what the photo network sees
    reduced: bool = False  # the JPEG was decoded at a reduced scale (the photo has more pixels than `image`)


def decoded_edge(size: int) -> int:
    """The longest edge a photo is decoded with for views of this framing size (JPEGs at a reduced scale)."""
    return max(size, DECODED_EDGE)


def photo_views(image: Image.Image, size: int, reduced: bool = False) -> PhotoViews:
    """Both views of a decoded photo, each resized once from it: the framing to `size`, the conversion's working copy
    to its own size (made from the framing's smaller copy instead, the paper's network read 0.3 points fewer of
    3,409 closet photos right, for no saving: one resize either way)."""
    return PhotoViews(image, to_fmnist(image), pad_square(fitted(image, size), size), reduced)


def read_views(source: Path | bytes, size: int) -> PhotoViews:
    """Open a photo (a file or its bytes) safely and make both views (PhotoError when it cannot be used)."""
    image, scale = open_scaled(source, longest=decoded_edge(size))
    return photo_views(image, size, reduced=scale > 1)


def read_framed(source: Path | bytes, size: int) -> np.ndarray:
    """The photo network's view alone, decoded and framed as read_views frames it (for fitting and re-reading)."""
    image = open_photo(source, longest=decoded_edge(size))
    return pad_square(fitted(image, size), size)


def read_closeup(source: Path | bytes, views: PhotoViews, size: int) -> np.ndarray:
    """(size, size, 3) uint8: the garment's close-up (attributes.closeup, where views' mask found the garment), cut
    from the photo (the same `source` the views were made of) decoded again at DETAIL_EDGE, unless the views' copy
    already has that many pixels or is the whole photo."""
    detail = views.image
    if views.reduced and max(detail.size) < DETAIL_EDGE:
        detail = open_photo(source, longest=DETAIL_EDGE)
    return closeup(detail, views.converted.mask, size)
