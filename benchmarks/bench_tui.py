"""How long from a key press on the outfit screen to the next outfit fully on screen? Median over many presses.

Run: python benchmarks/bench_tui.py [--home DIR] [--photos ../shared/photos/validation] [--size 80x24] [--presses 30]
The app runs headless; every frame Textual hands to the terminal is rendered to the text a terminal would be sent
(what a real terminal's writer costs is left out). A press's latency is the time from posting the key to the
end of the last frame drawn because of it; proposals are queued ahead, as in use.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from closet import photo_closet  # noqa: E402


async def measure(home: Path, size: tuple[int, int], presses: int, key: str) -> list[float]:
    from textual._compositor import CompositorUpdate

    from wardrobe.settings import Settings
    from wardrobe.tui.app import make_app

    app = make_app(Settings.resolve(home=home), user="bench", seed=0)
    frames: list[float] = []
    display = app._display

    def drawn(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)  # the escape codes a terminal would be sent
        frames.append(time.perf_counter())

    app._display = drawn
    latencies = []
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        while screen.current is None or len(screen.queue) < 2:  # the first proposals, fetched in a worker
            await pilot.pause(0.1)
        for _ in range(presses + 3):
            while len(screen.queue) < 1 or screen.fetching:  # in use, the queue is refilled between presses
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            shown = screen.current
            frames.clear()
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause(0.3)  # every frame the press caused is drawn by then
            assert screen.current is not shown, "the press did not show another outfit"
            latencies.append(max(frames) - start if frames else float("nan"))
    return latencies[3:]  # the first presses pay for first-time layout and CSS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--key", default="s", help="s skips, l likes, d dislikes")
    args = parser.parse_args()
    wardrobe = photo_closet(args.home, args.photos)
    home = wardrobe.home
    wardrobe.close()
    width, height = (int(v) for v in args.size.split("x"))
    latencies = asyncio.run(measure(home, (width, height), args.presses, args.key))
    ms = sorted(1000 * v for v in latencies)
    print(f"{args.size}, key {args.key!r}, {len(ms)} presses: median {statistics.median(ms):.0f} ms, "
          f"90th percentile {ms[int(0.9 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms")


if __name__ == "__main__":
    main()
