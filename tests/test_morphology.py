"""The numpy morphology the photo conversion uses agrees with scipy.ndimage, on random and real-looking masks."""

import numpy as np
import pytest
from scipy import ndimage

from wardrobe.vision import morphology


def masks():
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (1, 7), (9, 1), (13, 17), (40, 31), (96, 72)]:
        for density in (0.0, 0.2, 0.5, 0.8, 1.0):
            yield rng.random(shape) < density
    # A ring (a hole to fill), a spiral (a long component) and two blobs.
    yy, xx = np.mgrid[:60, :60]
    radius = np.hypot(yy - 30, xx - 30)
    yield (radius > 10) & (radius < 20)
    spiral = np.zeros((41, 41), bool)
    spiral[::4, 1:-1] = True
    spiral[:, 1] = True
    spiral[2::8, -2] = True
    yield spiral
    yield (np.hypot(yy - 15, xx - 15) < 8) | (np.hypot(yy - 45, xx - 40) < 12)


@pytest.mark.parametrize("mask", list(masks()), ids=lambda m: f"{m.shape}-{m.mean():.2f}")
def test_agrees_with_scipy(mask):
    for k in (1, 2):
        assert np.array_equal(morphology.erode(mask, k), ndimage.binary_erosion(mask, iterations=k))
        assert np.array_equal(morphology.dilate(mask, k), ndimage.binary_dilation(mask, iterations=k))
    assert np.array_equal(morphology.opening(mask), ndimage.binary_opening(mask))
    labels, count = morphology.label(mask)
    expected, expected_count = ndimage.label(mask)
    assert count == expected_count
    assert np.array_equal(labels, expected)
    assert np.array_equal(morphology.fill_holes(mask), ndimage.binary_fill_holes(mask))
    values = np.random.default_rng(1).random(mask.shape).astype(np.float32) * mask
    for size in (3, 5):
        assert np.allclose(morphology.box_filter(values, size), ndimage.uniform_filter(values, size), atol=1e-5)
