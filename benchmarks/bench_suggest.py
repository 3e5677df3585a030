"""How fast are proposals and ratings on a big closet? Median `suggest` and `rate` latency in-process and as commands.

Run: python benchmarks/bench_suggest.py [--home DIR] [--photos ../shared/photos/train] [--ratings 360] [--repeat 20]
The closet is the photos added with their predicted classes (reused if --home already holds them);
../shared/photos/train added whole is a closet of about 3,000 items. The user "bench" first gets --ratings
ratings (as a person in the TUI would: suggest 5, rate each), so that `rate` pays for replaying earlier ones.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe.services import Stylist, Wardrobe  # noqa: E402


def command(home: Path, *argv: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), "--user", "bench", *argv],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "train")
    parser.add_argument("--ratings", type=int, default=360, help="ratings the user has before timing")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="wardrobe-bench-"))
    wardrobe = Wardrobe(home, args.model)
    if not wardrobe.items():
        print(f"adding {args.photos} to {home} ...", file=sys.stderr)
        list(wardrobe.add(wardrobe.find_inputs([args.photos])))
    stylist = Stylist(wardrobe, "bench", seed=0)
    rated = len(stylist.taste.ratings(stylist.user_id))
    while rated < args.ratings:  # likes whatever holds something black: a taste to learn
        for p in stylist.suggest(5):
            stylist.rate(p.id, any("black" in item.colours for item in p.items))
            rated += 1
    stylist.suggest(3)  # warm: imports, first query
    suggest, rate = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proposals = stylist.suggest(3)
        suggest.append(time.perf_counter() - start)
        start = time.perf_counter()
        stylist.rate(proposals[0].id, True)
        rate.append(time.perf_counter() - start)
    runs = max(3, args.repeat // 4)
    suggest_cli = [command(home, "suggest") for _ in range(runs)]
    last = stylist.suggest(runs)
    rate_cli = [command(home, "rate", str(p.id), "like") for p in last]
    python = [command(home, "--version") for _ in range(runs)]
    print(f"closet: {len(stylist.taste.wearable(stylist.user_id))} active items, user with "
          f"{len(stylist.taste.ratings(stylist.user_id))} ratings")
    for name, times in (("suggest", suggest), ("rate", rate)):
        print(f"{name} in-process: median {1000 * statistics.median(times):.0f} ms, "
              f"max {1000 * max(times):.0f} ms over {len(times)} runs (target: under 100 ms)")
    for name, times in (("suggest", suggest_cli), ("rate", rate_cli), ("--version", python)):
        print(f"`wardrobe {name}` command: median {statistics.median(times):.2f} s wall over {len(times)} runs "
              "(Python start-up included; target: under 0.5 s)")


if __name__ == "__main__":
    main()
