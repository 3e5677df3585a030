"""Photos in the terminal: a graphics protocol (Sixel, Kitty's TGP) where the terminal has one, half blocks where not."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from rich.style import Style
from rich.text import Text
from textual.widget import Widget


def half_blocks(path: Path | None, width: int, height: int) -> Text:
    """Rich text of `height` lines, `width` cells wide; a grey box when the photo is missing."""
    text = Text()
    try:
        image = Image.open(path).convert("RGB") if path else None
    except OSError:
        image = None
    if image is None:
        for row in range(height):
            text.append("░" * width, Style(color="grey37"))
            if row < height - 1:
                text.append("\n")
        return text
    image.thumbnail((width, height * 2))
    canvas = Image.new("RGB", (width, height * 2), (0, 0, 0))
    canvas.paste(image, ((width - image.width) // 2, (height * 2 - image.height) // 2))
    pixels = canvas.load()
    for y in range(0, height * 2, 2):
        for x in range(width):
            top, bottom = pixels[x, y], pixels[x, y + 1]
            text.append("▀", Style(color=f"rgb{top}", bgcolor=f"rgb{bottom}"))
        if y < height * 2 - 2:
            text.append("\n")
    return text


class Photo(Widget):
    """Shows one photo scaled to the widget's size."""

    DEFAULT_CSS = "Photo { width: 16; height: 8; }"

    def __init__(self, path: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.path = path

    def show(self, path: Path | None) -> None:
        self.path = path
        self.refresh()

    def render(self) -> Text:
        return half_blocks(self.path, max(self.size.width, 1), max(self.size.height, 1))


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
