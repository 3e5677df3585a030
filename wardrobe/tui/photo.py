"""Photos in the terminal: a graphics protocol (Sixel, Kitty's TGP) where the terminal has one, half blocks where not."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

LARGEST = 400  # pixels kept of a photo: a 200-column terminal shows at most 200 x 2 * rows half-block pixels
MISSING = Style(color="grey37")


@lru_cache(maxsize=64)
def _load(path: str, stamp: float) -> Image.Image | None:
    """The photo, reduced to at most LARGEST pixels a side; None when it cannot be read (stamp: its mtime).

    Opened as `add` opens photos (allowed formats, size and shape checked before decoding, JPEGs decoded at a
    fraction of their size): a huge thumbnail an older import let in is a grey box, not gigabytes.
    """
    from wardrobe.vision.photo import open_photo

    try:
        image = open_photo(path, longest=LARGEST)
        image.thumbnail((LARGEST, LARGEST))
        return image
    except Exception:  # noqa: BLE001  a damaged or vanished photo is a grey box, never a traceback
        return None


def load_photo(path: Path | None) -> Image.Image | None:
    if path is None:
        return None
    try:
        stamp = Path(path).stat().st_mtime
    except OSError:
        return None
    return _load(str(path), stamp)


@lru_cache(maxsize=1 << 16)
def _cell_style(upper: int, lower: int) -> Style:
    """The style of a cell showing pixel `upper` over pixel `lower` (0xRRGGBB; -1: no pixel there; not both)."""
    colour = _colour(upper if upper >= 0 else lower)
    return Style(color=colour, bgcolor=_colour(lower) if upper >= 0 and lower >= 0 else None)


@lru_cache(maxsize=1 << 15)  # 32 levels a channel: every colour a photo can have
def _colour(rgb: int) -> Color:
    return Color.from_rgb(rgb >> 16, (rgb >> 8) & 255, rgb & 255)


@lru_cache(maxsize=128)
def _half_blocks(path: Path | None, stamp: float, width: int, height: int) -> tuple[Strip, ...]:
    image = load_photo(path)
    if image is None:
        return tuple(Strip([Segment("░" * width, MISSING)], width) for _ in range(height))
    # Each cell shows two pixels (upper and lower half), so a cell is about square in pixels: scale to fit, up or down.
    scale = min(width / image.width, 2 * height / image.height)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    # 32 levels a channel look the same in a cell and let neighbouring cells share their styles.
    rgb = np.asarray(image.resize((w, h), Image.Resampling.BILINEAR), dtype=np.int32) & 0xF8
    canvas = np.full((2 * height, width), -1, dtype=np.int32)  # packed 0xRRGGBB, -1 where no pixel
    left, top = (width - w) // 2, (2 * height - h) // 2
    canvas[top : top + h, left : left + w] = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    lines = []
    for uppers, lowers in zip(canvas[0::2].tolist(), canvas[1::2].tolist()):
        cells: list[Segment] = []
        run, key = 0, None
        for cell in zip(uppers, lowers):  # runs of equal cells become one segment: fewer segments draw faster
            if cell != key and run:
                cells.append(_segment(key, run))
                run = 0
            key, run = cell, run + 1
        if run:
            cells.append(_segment(key, run))
        lines.append(Strip(cells, width))
    return tuple(lines)


def _segment(cell: tuple[int, int], run: int) -> Segment:
    upper, lower = cell
    if upper < 0 and lower < 0:
        return Segment(" " * run)
    return Segment(("▀" if upper >= 0 else "▄") * run, _cell_style(upper, lower))


def half_blocks(path: Path | None, width: int, height: int) -> tuple[Strip, ...]:
    """`height` lines, `width` cells wide, the photo as large as fits; a grey box when it cannot be read."""
    try:
        stamp = Path(path).stat().st_mtime if path else 0.0
    except OSError:
        stamp = 0.0
    return _half_blocks(path, stamp, max(width, 1), max(height, 1))


class Photo(Widget):
    """Shows one photo as large as the widget allows; drawn again at the new size when the widget is resized.

    Lines are handed to Textual as ready strips: a photo is thousands of differently coloured cells, too many to
    go through Rich text quickly.
    """

    DEFAULT_CSS = "Photo { width: 16; height: 8; }"

    def __init__(self, path: Path | None = None, anchor_bottom: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.path = path
        self.anchor_bottom = anchor_bottom  # the photo sits on the widget's last line (a caption goes right under it)
        self._lines: tuple[Strip, ...] = ()
        self._below = 0  # empty lines under the photo, as drawn centred
        self._drawn: tuple | None = None  # (path, width, height) the lines were drawn for

    def show(self, path: Path | None) -> None:
        self.path = path
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        # Once per photo and size, not per line: looking the photo up (a stat and a cache key) costs more than a line.
        if self._drawn != (self.path, width, height):
            # Cells without a pixel take this widget's own background, not the terminal's default.
            base = self.rich_style
            self._lines = tuple(line.apply_style(base) for line in half_blocks(self.path, width, height))
            self._drawn = (self.path, width, height)
            self._below = 0
            if self.anchor_bottom:
                while self._below < len(self._lines) and not self._lines[-1 - self._below].text.strip():
                    self._below += 1
        y -= self._below
        return self._lines[y] if 0 <= y < len(self._lines) else Strip.blank(width, self.rich_style)


def graphics_widget():
    """The textual-image widget class when this terminal speaks Sixel or TGP, else None (use half blocks).

    textual-image asks the terminal what it supports when imported, which only works before Textual
    takes over the terminal: call this before the app runs.
    """
    import os

    if os.environ.get("WARDROBE_IMAGES", "auto") == "halfblock":
        return None
    try:
        from textual_image import renderable
        from textual_image.widget import Image
    except Exception:  # no such package, or a terminal that answered strangely: half blocks always work
        return None
    if renderable.Image in (renderable.SixelImage, renderable.TGPImage):
        return Image
    return None


def photo_widget(path: Path | None, graphics=None, **kwargs) -> Widget:
    """A widget showing the photo at path: graphics protocol widget if given, else half blocks."""
    if graphics is not None and path is not None and Path(path).is_file():
        return graphics(str(path), **kwargs)
    return Photo(path, **kwargs)
