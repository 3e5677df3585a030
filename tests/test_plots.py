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
    matrix = np.diag([50] * 10) + np.eye(10, k=1, dtype=int) * 5
    path = confusion_png(tmp_path / "c.png", matrix, [f"class {i}" for i in range(10)], "title")
    image = np.asarray(Image.open(path).convert("RGB"))
    # a mistake cell (row 0, column 1) is shaded red: 5 of 55 is close to a tenth of the row
    cell = image[70 + 28, 110 + 56 + 40]
    assert cell[0] == 255 and cell[1] < 120
