"""Photos in the terminal: a graphics protocol (Sixel, Kitty's TGP) where the terminal has one, half blocks where not."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    """The photo, reduced to at most LARGEST pixels a side; None when it cannot be read (stamp: its mtime)."""
    try:
        with Image.open(path) as opened:
            opened.draft("RGB", (LARGEST, LARGEST))  # JPEG: decode at a fraction of the size
            image = opened.convert("RGB")
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
def _cell_style(upper: tuple | None, lower: tuple | None) -> Style:
    """The style of a cell showing pixel `upper` over pixel `lower` (either may be None: no pixel there)."""
    if upper and lower:
        return Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower))
    return Style(color=Color.from_rgb(*(upper or lower)))


@lru_cache(maxsize=128)
def _half_blocks(path: Path | None, stamp: float, width: int, height: int) -> tuple[Strip, ...]:
    image = load_photo(path)
    if image is None:
        return tuple(Strip([Segment("░" * width, MISSING)], width) for _ in range(height))
    # Each cell shows two pixels (upper and lower half), so a cell is about square in pixels: scale to fit, up or down.
    scale = min(width / image.width, 2 * height / image.height)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    # 32 levels a channel look the same in a cell and let neighbouring cells share their styles.
    pixels = image.resize((w, h), Image.Resampling.BILINEAR).point(lambda v: v & 0xF8).load()
    left, top = (width - w) // 2, (2 * height - h) // 2
    blank = Segment(" ")
    lines = []
    for row in range(height):
        cells: list[Segment] = []
        for col in range(width):
            x, y = col - left, 2 * row - top
            upper = pixels[x, y] if 0 <= x < w and 0 <= y < h else None
            lower = pixels[x, y + 1] if 0 <= x < w and 0 <= y + 1 < h else None
            cell = Segment("▀" if upper else "▄", _cell_style(upper, lower)) if upper or lower else blank
            if cells and cells[-1].style is cell.style and cells[-1].text[-1] == cell.text:
                cells[-1] = Segment(cells[-1].text + cell.text, cell.style)  # fewer segments draw faster
            else:
                cells.append(cell)
        lines.append(Strip(cells, width))
    return tuple(lines)


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

    def __init__(self, path: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.path = path

    def show(self, path: Path | None) -> None:
        self.path = path
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        lines = half_blocks(self.path, width, height)
        return lines[y] if 0 <= y < len(lines) else Strip.blank(width)


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
