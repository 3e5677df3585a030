"""Draw the TUI's screens as PNG files for the README: a real closet, real photos, every cell drawn as it is.

    .venv/bin/python docs/screens/render_screens.py [PHOTOS_DIR]   # default ../shared/photos/validation

Adds a few photos of each folder to a temporary home with the shipped model (as `wardrobe add` does), rates some
outfits, then renders each screen at 100x30 cells. Cells are drawn here with Pillow (block characters as
rectangles), rather than through an SVG converter, so what the PNG shows is what a terminal shows.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from rich.console import Console
from rich.segment import Segment
from rich.terminal_theme import MONOKAI

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = (100, 30)
CELL_W, CELL_H, FONT_PX = 10, 20, 16
# Block characters as (left, top, right, bottom) fractions of the cell filled with the foreground colour.
BLOCKS = {"█": (0, 0, 1, 1), "▀": (0, 0, 1, 0.5), "▄": (0, 0.5, 1, 1), "▌": (0, 0, 0.5, 1), "▐": (0.5, 0, 1, 1)}
BLOCKS.update({c: (0, 1 - n / 8, 1, 1) for n, c in enumerate("▁▂▃▄▅▆▇", start=1)})
BLOCKS.update({c: (0, 0, n / 8, 1) for n, c in enumerate("▏▎▍▌▋▊▉", start=1)})
SCREENS = {"outfits": [], "closet": ["c"], "photo": ["c", "down", "enter"], "review": ["e"], "history": ["h"],
           "stats": ["t"], "help": ["question_mark"], "add": ["a"]}


def cells_png(segments: list[Segment], path: Path, size: tuple[int, int] = SIZE) -> None:
    """Draw a console's recorded segments, one cell at a time."""
    width, height = size
    image = Image.new("RGB", (width * CELL_W, height * CELL_H), MONOKAI.background_color.rgb)
    draw = ImageDraw.Draw(image)
    fonts = {False: ImageFont.truetype(FONT, FONT_PX), True: ImageFont.truetype(BOLD, FONT_PX)}
    for y, line in enumerate(Segment.split_lines(segments)):
        x = 0
        for segment in line:
            if segment.control:
                continue  # cursor moves: the lines are already in order
            style = segment.style
            fg = style.color.get_truecolor(MONOKAI).rgb if style and style.color else MONOKAI.foreground_color.rgb
            bg = style.bgcolor.get_truecolor(MONOKAI, foreground=False).rgb if style and style.bgcolor else None
            if style and style.reverse:
                fg, bg = bg or MONOKAI.background_color.rgb, fg
            for char in segment.text:
                box = (x * CELL_W, y * CELL_H, (x + 1) * CELL_W - 1, (y + 1) * CELL_H - 1)
                if bg:
                    draw.rectangle(box, fill=bg)
                if char in BLOCKS:
                    left, top, right, bottom = BLOCKS[char]
                    draw.rectangle((box[0] + left * CELL_W, box[1] + top * CELL_H, box[0] + right * CELL_W - 1,
                                    box[1] + bottom * CELL_H - 1), fill=fg)
                elif char != " ":
                    draw.text((box[0], box[1] + 1), char, font=fonts[bool(style and style.bold)], fill=fg)
                x += 1
    image.save(path, optimize=True)


async def shoot(home: Path) -> None:
    from wardrobe.tui.app import make_app

    for name, keys in SCREENS.items():
        app = make_app(home, seed=5)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            console = Console(width=SIZE[0], height=SIZE[1], file=io.StringIO(), record=True, color_system="truecolor",
                              force_terminal=True, legacy_windows=False)
            console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
            cells_png(console._record_buffer, HERE / f"{name}.png")
            print(f"{HERE / name}.png")


def fill(home: Path, photos: Path) -> None:
    """Add three photos of each folder with the shipped model, rate twenty outfits and log two days of wear."""
    from wardrobe.services import Stylist, Wardrobe

    wardrobe = Wardrobe(home)
    chosen = [p for folder in sorted(photos.iterdir()) if folder.is_dir() for p in sorted(folder.glob("*.jpg"))[:3]]
    list(wardrobe.add(wardrobe.find_inputs(chosen)))
    stylist = Stylist(wardrobe, "default", seed=5)
    for n in range(4):
        for k, proposal in enumerate(stylist.suggest(5)):
            stylist.rate(proposal.id, (n + k) % 3 != 0)
        if n % 2:
            stylist.wear([item.id for item in proposal.items])
    wardrobe.close()


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "photos" / "validation"
    with tempfile.TemporaryDirectory() as tmp:
        fill(Path(tmp), source)
        asyncio.run(shoot(Path(tmp)))
