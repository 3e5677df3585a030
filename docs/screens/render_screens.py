"""Draw the TUI's screens as PNG files for the README: a real closet, every cell drawn as it is.

    .venv/bin/python docs/screens/render_screens.py [PHOTOS_DIR]   # default: photos made from Fashion-MNIST

By default the photos are made here from Fashion-MNIST test images, so the screenshots hold nothing that may not be
published (the evaluation photos in ../shared/photos must never reach this repository, not even drawn in cells).
Adds three photos of each folder to a temporary home with the shipped model (as `wardrobe add` does), rates some
outfits, then renders each screen at 100x30 cells. Cells are drawn here with Pillow (block characters as
rectangles), rather than through an SVG converter, so what the PNG shows is what a terminal shows.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path

import numpy as np
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
# Garment colours per Fashion-MNIST class, one per photo of that class.
TINTS = [[(40, 60, 110), (190, 50, 50), (60, 120, 80)], [(30, 40, 70), (110, 90, 70), (60, 60, 60)],
         [(130, 30, 50), (90, 110, 140), (200, 150, 60)], [(30, 90, 140), (170, 40, 70), (40, 40, 40)],
         [(120, 80, 50), (50, 70, 60), (70, 70, 90)], [(150, 100, 60), (40, 40, 40), (190, 150, 110)],
         [(100, 140, 190), (230, 150, 150), (80, 100, 60)], [(200, 60, 40), (60, 60, 70), (40, 110, 160)],
         [(110, 60, 30), (20, 20, 20), (160, 40, 60)], [(90, 55, 30), (30, 30, 30), (140, 110, 80)]]
BACKGROUND = np.array([244, 242, 238], dtype=np.float32)
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


def make_photos(folder: Path, per_class: int = 3) -> Path:
    """Write the first `per_class` Fashion-MNIST test images of each class as colour photos, a folder per class."""
    from wardrobe.domain import category_slug
    from wardrobe.training import fmnist

    data = fmnist.load()
    for label in range(10):
        (folder / category_slug(label)).mkdir(parents=True)
        for n, index in enumerate(np.flatnonzero(data["test_labels"] == label)[:per_class]):
            gray = Image.fromarray(data["test_images"][index]).resize((252, 252), Image.Resampling.LANCZOS)
            ink = np.asarray(gray, dtype=np.float32)[..., None] / 255  # the garment is bright on black
            # Faint noise around the garment would show as a speckled halo: it becomes background.
            cover = np.clip((ink - 0.06) * 4, 0, 1)
            # Light parts of the garment get a lighter shade of its colour, so folds and prints stay visible.
            shade = np.array(TINTS[label][n % 3], dtype=np.float32) * (0.75 + 0.5 * ink)
            pixels = BACKGROUND * (1 - cover) + np.clip(shade, 0, 255) * cover
            photo = Image.new("RGB", (280, 280), tuple(int(v) for v in BACKGROUND))
            photo.paste(Image.fromarray(pixels.astype(np.uint8)), (14, 14))
            photo.save(folder / category_slug(label) / f"test{index}.png")
    return folder


async def shoot(home: Path) -> None:
    from wardrobe.settings import Settings
    from wardrobe.tui.app import make_app

    for name, keys in SCREENS.items():
        app = make_app(Settings.resolve(home=home), seed=5)
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
    """Add three photos of each folder with the shipped model, rate twenty outfits, log two wears, plan two days."""
    from datetime import timedelta

    from wardrobe.services import Stylist, Wardrobe
    from wardrobe.store.plans import PlanStore

    wardrobe = Wardrobe(home)
    folders = sorted(folder for folder in photos.iterdir() if folder.is_dir())
    list(wardrobe.add([entry for folder in folders for entry in wardrobe.find_inputs([folder])[:3]]))
    stylist = Stylist(wardrobe, "default", seed=5)
    for n in range(4):
        for k, proposal in enumerate(stylist.suggest(5)):
            stylist.rate(proposal.id, (n + k) % 3 != 0)
        if n % 2:
            stylist.wear([item.id for item in proposal.items])
    # Two plans for the calendar, stored as `wardrobe plan` keeps them; three days on, so today's outfits stay as
    # they were (pieces planned for tomorrow would be left out of them).
    plans = PlanStore(wardrobe.inventory.sessions)
    liked = [r.item_ids for r in stylist.taste.ratings(stylist.user_id) if r.value > 0]
    plans.keep(stylist.user_id, stylist.today() + timedelta(days=3), liked[0], "work", "8C rain")
    plans.keep(stylist.user_id, stylist.today() + timedelta(days=5), liked[1])
    wardrobe.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(sys.argv[1]) if len(sys.argv) > 1 else make_photos(Path(tmp) / "photos")
        fill(Path(tmp) / "home", source)
        asyncio.run(shoot(Path(tmp) / "home"))
