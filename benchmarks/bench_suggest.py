"""How fast are proposals on a big closet? Median `suggest` latency in-process and as a command.

Run: python benchmarks/bench_suggest.py [--home DIR] [--photos ../shared/photos/train] [--repeat 20]
The closet is the photos added with their predicted classes (reused if --home already holds them);
../shared/photos/train added whole is a closet of about 3,000 items.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "train")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="wardrobe-bench-"))
    wardrobe = Wardrobe(home, args.model)
    if not wardrobe.items():
        print(f"adding {args.photos} to {home} ...", file=sys.stderr)
        list(wardrobe.add(wardrobe.find_inputs([args.photos])))
    stylist = Stylist(wardrobe, "bench", seed=0)
    stylist.suggest(3)  # warm: imports, first query
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        stylist.suggest(3)
        times.append(time.perf_counter() - start)
    command = []
    for _ in range(max(3, args.repeat // 4)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), "--user", "bench", "suggest"],
                       check=True, capture_output=True)
        command.append(time.perf_counter() - start)
    print(f"closet: {len(stylist.taste.wearable(stylist.user_id))} active items")
    print(f"suggest in-process: median {1000 * statistics.median(times):.0f} ms, "
          f"max {1000 * max(times):.0f} ms over {len(times)} runs (target: well under 100 ms)")
    print(f"`wardrobe suggest` command: median {statistics.median(command):.2f} s wall (Python start-up included)")


if __name__ == "__main__":
    main()
