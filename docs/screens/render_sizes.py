"""Draw every TUI screen at 80x24 and 160x48 (docs/screens/sizes/NAME-WxH.png) from the test closet
(tests/tui_support), through Textual's SVG export shown in headless chromium.

    .venv/bin/python docs/screens/render_sizes.py [REPO] [OUT]
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

SCREENS = {"outfits": [], "closet": ["c"], "history": ["h", "right"], "stats": ["t"], "review": ["e"],
           "photo": ["c", "enter"], "relabel": ["c", "r"], "tag": ["c", "enter", "t"], "find": ["c", "slash"], "add": ["a"],
           "help": ["question_mark"]}
SIZES = ((80, 24), (160, 48))
# The calendar opens on today: drawn on the day after the test closet's wears, as the snapshot tests draw it.
CLOCK = {"history": datetime(2026, 3, 4, 12)}


async def shoot(make_app, home: Path, out: Path, name: str, keys: list[str], size: tuple[int, int]) -> None:
    from wardrobe.services.stylist import Stylist
    from wardrobe.store.repository import utcnow

    if name in CLOCK:
        Stylist.now = staticmethod(lambda: CLOCK[name])
    app = make_app(home)
    async with app.run_test(size=size) as pilot:
        for _ in range(30):
            await pilot.pause()
        await app.workers.wait_for_complete()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(5):
            await pilot.pause()
        app.save_screenshot(str(out / f"{name}-{size[0]}x{size[1]}.svg"))
    Stylist.now = staticmethod(utcnow)


def to_png(out: Path) -> None:
    """Each SVG shown in chromium and saved as a PNG of 96 colours (a third of the bytes, the same to the eye)."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as manager:
        browser = manager.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        for svg in sorted(out.glob("*.svg")):
            page.goto(svg.as_uri())
            box = page.locator("svg").bounding_box()
            page.set_viewport_size({"width": int(box["width"]) + 2, "height": int(box["height"]) + 2})
            png = svg.with_suffix(".png")
            page.locator("svg").screenshot(path=str(png))
            svg.unlink()
            Image.open(png).convert("RGB").quantize(96).save(png, optimize=True)
        browser.close()


def main() -> None:
    repo = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent / "sizes"
    out.mkdir(parents=True, exist_ok=True)
    sys.path[:0] = [str(repo), str(repo / "tests")]
    os.environ["WARDROBE_IMAGES"] = "halfblock"
    os.environ["TZ"] = "UTC"  # the calendar's days, as on the machine that drew them last
    time.tzset()
    from tui_support import add_history, make_closet

    from wardrobe.settings import Settings
    from wardrobe.tui.app import make_app

    home = Path(tempfile.mkdtemp()) / "home"
    make_closet(home)
    add_history(home)

    async def every_screen() -> None:
        for name, keys in SCREENS.items():
            for size in SIZES:
                await shoot(lambda h: make_app(Settings.resolve(home=h), seed=1), home, out, name, keys, size)

    asyncio.run(every_screen())
    to_png(out)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
