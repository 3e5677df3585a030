"""Domain randomisation: make Fashion-MNIST images look like converted closet photos, for training.

A converted phone photo differs from a catalogue image in ways the network should not care about: the
garment is rotated or skewed, its silhouette is ragged where the background cut missed, wrinkles and prints
add texture, light garments come out dark inside with bright outlines. These augmentations put such
differences into training, on Fashion-MNIST's own images, with no real photo involved.
"""

from __future__ import annotations

import math

import numpy as np


def _affine(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from scipy import ndimage

    angle = math.radians(rng.uniform(-25, 25))
    scale = rng.uniform(0.8, 1.1)
    stretch = math.exp(rng.uniform(-0.25, 0.25))
    shear = rng.uniform(-0.2, 0.2)
    c, s = math.cos(angle), math.sin(angle)
    forward = np.array([[c, -s], [s, c]]) @ np.array([[scale * stretch, shear], [0, scale / stretch]])
    inverse = np.linalg.inv(forward)
    centre = np.array([13.5, 13.5])
    offset = centre - inverse @ centre
    return ndimage.affine_transform(image.astype(np.float32), inverse, offset=offset, order=1, cval=0.0)


def _texture(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Low-frequency wrinkles: random noise at 7x7 upsampled to 28x28."""
    from scipy import ndimage

    coarse = rng.normal(0, 1, (7, 7))
    return ndimage.zoom(coarse, (shape[0] / 7, shape[1] / 7), order=1)


def _retrim(image: np.ndarray) -> np.ndarray:
    """Trim to the garment and resize its longest edge to 28, centred, as the photo conversion does."""
    from PIL import Image

    mask = image > 10
    if mask.sum() < 10:
        return image
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    scale = 28.0 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = Image.fromarray(crop.clip(0, 255).astype(np.uint8)).resize(size, Image.Resampling.BILINEAR)
    canvas = np.zeros((28, 28), dtype=np.float32)
    y, x = (28 - size[1]) // 2, (28 - size[0]) // 2
    canvas[y : y + size[1], x : x + size[0]] = np.asarray(small, dtype=np.float32)
    return canvas


def photo_like(images: np.ndarray, rng: np.random.Generator, probability: float = 0.5) -> np.ndarray:
    """Return a copy of the uint8 batch (N, 28, 28) where each image, with `probability`, looks photographed."""
    from scipy import ndimage

    out = images.copy()
    for i in np.flatnonzero(rng.random(len(images)) < probability):
        image = _affine(images[i], rng)
        mask = image > 20
        if rng.random() < 0.5:  # ragged silhouette: the background cut erodes or grows the edge
            mask = ndimage.binary_dilation(mask) if rng.random() < 0.5 else ndimage.binary_erosion(mask)
            image = np.where(mask, np.maximum(image, 30), 0)
        if rng.random() < 0.6:  # wrinkles and prints
            image = image * (1 + 0.35 * _texture(image.shape, rng))
        if rng.random() < 0.3:  # a light garment: dark inside once negated, with a bright outline
            outline = mask & ~ndimage.binary_erosion(mask, iterations=1)
            image = np.where(mask, 255 - image * rng.uniform(0.5, 0.9), 0)
            image[outline] = rng.uniform(200, 255)
        gamma = math.exp(rng.uniform(-0.4, 0.4))
        image = 255 * (np.clip(image, 0, 255) / 255) ** gamma
        out[i] = _retrim(np.where(mask, image, 0)).clip(0, 255).astype(np.uint8)
    return out
