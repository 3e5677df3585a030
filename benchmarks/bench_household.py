"""A household's figures: adds from 3 processes at once and `suggest` on 3,000 items, PostgreSQL against SQLite;
training on 2 logical CPU devices against 1.

Run: python benchmarks/bench_household.py add [--photos ../shared/photos/validation] [--database URL]
     python benchmarks/bench_household.py suggest [--items 3000] [--repeat 20] [--database URL]
     python benchmarks/bench_household.py train [--images 1024] [--batch 64]
Without --database a throwaway PostgreSQL cluster is started (initdb + pg_ctl, as tests/pgcluster.py does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


@contextmanager
def server(url: str | None):
    """The given database URL, or a fresh database on a throwaway cluster."""
    if url:
        yield lambda: url
        return
    from pgcluster import Cluster

    cluster = Cluster()
    try:
        yield cluster.create_database
    finally:
        cluster.stop()


def bench_add(args) -> dict:
    """3 processes add overlapping two-thirds of a folder at once (each photo in two of them): photos/s in total."""
    photos = sorted(p for p in args.photos.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))
    thirds = [photos[k::3] for k in range(3)]
    shares = [thirds[k] + thirds[(k + 1) % 3] for k in range(3)]
    results = {}
    with server(args.database) as new_database:
        for kind in ("sqlite", "postgresql"):
            work = Path(tempfile.mkdtemp(prefix=f"wardrobe-bench-{kind}-"))
            env = {"WARDROBE_LIBRARY": str(work / "library")}
            if kind == "postgresql":
                env["WARDROBE_DATABASE_URL"] = new_database()
            lists = []
            for k, share in enumerate(shares):
                folder = work / f"share{k}"
                folder.mkdir()
                for photo in share:
                    (folder / f"{photo.parent.name}-{photo.name}").symlink_to(photo.resolve())
                lists.append(folder)
            # One process makes the inventory first: its creation is not what is measured.
            subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(work / "home"), "list"],
                           env=_env(env), check=True, capture_output=True)
            start = time.perf_counter()
            runs = [subprocess.Popen([sys.executable, "-m", "wardrobe", "--home", str(work / "home"), "add", str(folder),
                                      "--json"], env=_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for folder in lists]
            outputs = [run.communicate() for run in runs]
            wall = time.perf_counter() - start
            failed = [err for run, (_, err) in zip(runs, outputs) if run.returncode not in (0, 1)]
            if failed:
                raise SystemExit(f"an add failed:\n{failed[0]}")
            rows = [row for out, _ in outputs for row in json.loads(out)]
            stored = {row["id"] for row in rows if "id" in row}
            results[kind] = {"photos": len(photos), "inputs": len(rows), "items": len(stored), "seconds": round(wall, 1),
                             "photos_per_s": round(len(stored) / wall, 1)}
            print(kind, results[kind], file=sys.stderr)
    return results


def bench_suggest(args) -> dict:
    """Median in-process `suggest` latency on a closet of synthetic items, written straight through the store."""
    import numpy as np

    from wardrobe.services import Stylist, Wardrobe
    from wardrobe.store.repository import NewItem

    results = {}
    rng = np.random.default_rng(0)
    labels = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], size=args.items,
                        p=[.16, .14, .08, .06, .08, .05, .1, .1, .04, .05, .05, .05, .04])
    new = [NewItem(sha256=f"{k:064x}", photo_file="p", thumbnail_file="t", original_name=f"{k}.jpg",
                   predicted_label=int(label), probabilities=[1 / 13] * 13, conversion_version="v", model_version="m",
                   embedding=rng.standard_normal(2048).astype(np.float32).tobytes(),
                   colours=[["black", "white", "navy", "red", "beige"][k % 5]]) for k, label in enumerate(labels)]
    with server(args.database) as new_database:
        for kind in ("sqlite", "postgresql"):
            home = Path(tempfile.mkdtemp(prefix=f"wardrobe-bench-{kind}-"))
            wardrobe = Wardrobe(home, database=new_database() if kind == "postgresql" else None)
            for start in range(0, len(new), 500):
                wardrobe.inventory.add_items(new[start : start + 500])
            stylist = Stylist(wardrobe, "bench", seed=0)
            stylist.suggest(3)  # warm: the first call reads and projects every embedding
            times = []
            for _ in range(args.repeat):
                begin = time.perf_counter()
                stylist.suggest(3)
                times.append(time.perf_counter() - begin)
            cold = []
            for _ in range(3):  # a fresh process's first proposal: every embedding read from the database
                begin = time.perf_counter()
                Stylist(wardrobe, "bench", seed=1).suggest(3)
                cold.append(time.perf_counter() - begin)
            wardrobe.close()
            results[kind] = {"items": args.items, "median_ms": round(1000 * statistics.median(times), 1),
                             "max_ms": round(1000 * max(times), 1), "first_call_ms": round(1000 * statistics.median(cold))}
            print(kind, results[kind], file=sys.stderr)
    results["ratio"] = round(results["postgresql"]["median_ms"] / results["sqlite"]["median_ms"], 2)
    return results


TRAIN = """
import json, sys, time
import tensorflow as tf
devices = int(sys.argv[1])
if devices > 1:
    tf.config.set_logical_device_configuration(tf.config.list_physical_devices("CPU")[0],
                                              [tf.config.LogicalDeviceConfiguration()] * devices)
from pathlib import Path
from wardrobe.training.train import RunFolder, TrainConfig, train
images, batch, out = int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
config = TrainConfig(epochs=3, batch_size=batch // devices, blocks=(1, 1, 1, 1), width=8, limit=images, val_per_class=5)
train(config, out, verbose=0, devices=devices)
seconds = [row["seconds"] for row in RunFolder(out).read_history()][1:]  # the first epoch compiles
print(json.dumps({"devices": devices, "global_batch": batch, "epoch_seconds": seconds,
                  "images_per_s": round(images / (sum(seconds) / len(seconds)), 1)}))
"""


def bench_train(args) -> dict:
    """Images/s of a tiny ResNet (one block a stage, width 8) on 1 and on 2 logical CPU devices, same global batch."""
    results = {}
    for devices in (1, 2):
        out = Path(tempfile.mkdtemp(prefix="wardrobe-bench-train-")) / "run"
        done = subprocess.run([sys.executable, "-c", TRAIN, str(devices), str(args.images), str(args.batch), str(out)],
                              capture_output=True, text=True, env=_env({"CUDA_VISIBLE_DEVICES": ""}))
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        results[f"{devices}_devices"] = json.loads(done.stdout.strip().splitlines()[-1])
        print(results[f"{devices}_devices"], file=sys.stderr)
    return results


def _env(extra: dict) -> dict:
    import os

    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["add", "suggest", "train"])
    parser.add_argument("--database", help="a PostgreSQL URL [default: a throwaway cluster]")
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    result = {"add": bench_add, "suggest": bench_suggest, "train": bench_train}[args.what](args)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
