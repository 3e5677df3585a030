"""One command line timed under several checkouts and homes, run by turns so that each sees the same load.

Each --case is NAME=REPO:HOME: `python -m wardrobe --home HOME ARGS...` run with REPO as the working directory (so
REPO's wardrobe package is the one imported: another checkout, e.g. `git archive COMMIT | tar -x -C DIR`, is the
code before a change). Wall time of the whole process, start-up included; median and mean per case.

Run: python benchmarks/compare_commands.py --runs 20 --case before=/tmp/base:/tmp/home-a --case now=.:/tmp/home-b
     -- --user bench suggest
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", required=True, metavar="NAME=REPO:HOME")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the command line after --")
    options = parser.parse_args()
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    cases = {}
    for case in options.case:
        name, _, where = case.partition("=")
        repo, _, home = where.partition(":")
        cases[name] = (Path(repo).resolve(), Path(home).resolve())
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(options.runs):
        for name, (repo, home) in cases.items():
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), *args], cwd=repo,
                                  capture_output=True, text=True)
            times[name].append(time.perf_counter() - start)
            if done.returncode:
                raise SystemExit(f"{name}: exit {done.returncode}: {done.stderr.strip()[:300]}")
    first = statistics.median(next(iter(times.values())))
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<16} median {median:.3f} s ({median / first:.2f}x), mean {statistics.mean(values):.3f} s "
              f"over {len(values)} runs")


if __name__ == "__main__":
    main()
