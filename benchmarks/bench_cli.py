"""Start-up and throughput of the command line on this machine: --help, a cold one-photo add, a folder add.

Run: python benchmarks/bench_cli.py [--photos ../shared/photos/validation] [--repeat 5] [--json]
Each figure is the median of --repeat runs of the real `wardrobe` command in a fresh process and a fresh home.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"help_s": 0.3, "cold_add_one_s": 5.0, "add_photos_per_s": 40.0}


def timed(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), *argv],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"wardrobe {' '.join(argv)} failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.photos.is_dir():
        raise SystemExit(f"{args.photos}: photo folder not found (pass --photos DIR)")
    photos = sorted(p for p in args.photos.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))
    scratch = Path(tempfile.mkdtemp(prefix="wardrobe-bench-"))
    try:
        helps = [timed(["--help"], scratch / "h") for _ in range(args.repeat)]
        colds = [timed(["add", str(photos[0])], scratch / f"cold{i}") for i in range(args.repeat)]
        folder_runs = [timed(["add", str(args.photos)], scratch / f"folder{i}") for i in range(max(1, args.repeat // 2))]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    folder_s = statistics.median(folder_runs)
    cold_s = statistics.median(colds)
    figures = {
        "help_s": round(statistics.median(helps), 3),
        "cold_add_one_s": round(cold_s, 2),
        "add_photos": len(photos),
        "add_wall_s": round(folder_s, 2),
        "add_photos_per_s": round(len(photos) / folder_s, 1),
        # The same run without the fixed start-up cost (imports, model load) that one cold photo pays.
        "add_photos_per_s_after_startup": round(len(photos) / max(folder_s - cold_s, 1e-6), 1),
    }
    if args.json:
        print(json.dumps({"figures": figures, "targets": TARGETS}, indent=2))
        return
    for key, value in figures.items():
        target = TARGETS.get(key)
        verdict = "" if target is None else (
            "  ok" if (value >= target if key.endswith("per_s") else value <= target) else "  MISSED")
        print(f"{key:<32} {value:>8}" + (f"   target {'>=' if key.endswith('per_s') else '<='} {target}{verdict}"
                                             if target else ""))


if __name__ == "__main__":
    main()
