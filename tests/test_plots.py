"""The PNG charts: gridlines at round values, and no crash on degenerate data."""

import numpy as np
from PIL import Image

from wardrobe.vision.plots import _nice_step, confusion_png, line_chart


def test_gridline_steps_are_round():
    assert _nice_step(0.07) == 0.1 and _nice_step(0.013) == 0.02 and _nice_step(60.0) == 100.0
    assert _nice_step(0.004) == 0.005 and _nice_step(1.0) == 1.0


def test_charts_of_flat_single_and_empty_series(tmp_path):
    cases = {"flat": ([1, 2, 3], [0.5, 0.5, 0.5]), "single": ([1], [0.9]), "zero": ([1, 2], [0.0, 0.0])}
    for name, series in cases.items():
        path = line_chart(tmp_path / f"{name}.png", {name: series}, name, "epoch", "accuracy")
        assert Image.open(path).size == (800, 500)
    assert Image.open(line_chart(tmp_path / "empty.png", {}, "empty", "x", "y")).size == (800, 500)


def test_confusion_png_shows_every_class(tmp_path):
    """Each class's row of the matrix, found by its own shades (no layout constant): row i has 100 - e right and e
    mistaken for class i+1 (e = i+1), so every cell has a shade of its own. The ten right cells lie on a diagonal
    of equal squares, each mistake cell beside them where its predicted class's column is, and each row and column
    is labelled."""
    n = 10
    mistakes = np.arange(1, n + 1)
    matrix = np.diag(100 - mistakes)
    matrix[np.arange(n), (np.arange(n) + 1) % n] = mistakes
    path = confusion_png(tmp_path / "c.png", matrix, [f"class {i}" for i in range(n)], "title")
    image = np.asarray(Image.open(path).convert("RGB")).astype(int)

    def cell(colour) -> tuple[int, int, int, int]:
        ys, xs = np.nonzero((image == colour).all(axis=2))
        assert len(ys) > 1000, colour  # most of a cell (its count is written over it)
        return xs.min(), ys.min(), xs.max(), ys.max()

    right = [cell((shade, shade, 255)) for shade in (255 - 200 * (100 - mistakes) / 100).astype(int)]
    sizes = {(x1 - x0, y1 - y0) for x0, y0, x1, y1 in right}
    assert len(sizes) == 1 and len({w for w, h in sizes} | {h for w, h in sizes}) == 1  # equal squares
    steps = {(b[0] - a[0], b[1] - a[1]) for a, b in zip(right, right[1:])}
    assert len(steps) == 1 and next(iter(steps))[0] == next(iter(steps))[1] > 0  # on the diagonal, in order
    for i, e in enumerate(mistakes):  # a mistake's full red at a tenth of its row: 255 - 200 * min(1, e / 10)
        x0, y0, _, _ = cell((255, 255 - 20 * e, 255 - 20 * e))
        assert (x0, y0) == (right[(i + 1) % n][0], right[i][1]), i  # row i, the column of class i + 1
    left, top = right[0][0], right[0][1]
    bottom = right[-1][3]
    for x0, y0, x1, y1 in right:  # a label left of each row and under each column
        assert (image[y0:y1, :left - 4] < 100).all(axis=2).any(), (x0, y0)
        assert (image[bottom + 4:, x0:x1] < 100).all(axis=2).any(), (x0, y0)
    assert (image[:top, left:] < 100).all(axis=2).any()  # the title above
