"""What do our input pipeline and augmentation cost? `wardrobe train`'s data path against a bare `model.fit`.

Both fit the same model on the same Fashion-MNIST arrays in the same process, for the same number of steps:
(a) bare: `model.fit(x, y)` on in-memory arrays, no augmentation; (b) ours: the AugmentedBatches PyDataset that
`wardrobe train` uses (translation, flips, random erasing, label smoothing targets). It also times our
evaluation path against a bare `model.predict`. Target: the pipeline costs at most 15%.

Run: python benchmarks/bench_train.py [--arch resnet50|lite] [--steps 60] [--batch-size 128]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe.training import fmnist  # noqa: E402
from wardrobe.training.evaluate import evaluate_fmnist  # noqa: E402
from wardrobe.training.resnet import build_resnet50  # noqa: E402
from wardrobe.training.train import TrainConfig, _keras_parts, compile_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="resnet50")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    keras, _, AugmentedBatches = _keras_parts()
    config = TrainConfig.for_arch(args.arch, batch_size=args.batch_size)
    data = fmnist.load(args.data)
    n = args.steps * args.batch_size
    x, y = data["train_images"][:n], data["train_labels"][:n]
    model = build_resnet50(blocks=config.blocks, base_filters=config.width, weight_decay=config.weight_decay)
    compile_model(model, config, args.steps)
    x_in = x[..., None].astype("float32")
    y_in = np.eye(10, dtype="float32")[y]
    # Build and trace both paths once, outside the timings.
    warm = 4 * args.batch_size
    model.fit(AugmentedBatches(x[:warm], y[:warm], config), epochs=1, verbose=0)
    model.fit(x_in[:warm], y_in[:warm], batch_size=args.batch_size, epochs=1, verbose=0)
    results = {}
    for name in ("bare", "ours", "bare", "ours"):  # interleaved, so drift hits both alike
        start = time.perf_counter()
        if name == "bare":
            model.fit(x_in, y_in, batch_size=args.batch_size, epochs=1, verbose=0, shuffle=True)
        else:
            model.fit(AugmentedBatches(x, y, config), epochs=1, verbose=0)
        results.setdefault(name, []).append(n / (time.perf_counter() - start))
    bare, ours = max(results["bare"]), max(results["ours"])
    print(f"training, {args.arch}, batch {args.batch_size}, {args.steps} steps per run (best of 2):")
    print(f"  bare model.fit on arrays      {bare:8.1f} images/s")
    print(f"  wardrobe train's pipeline     {ours:8.1f} images/s   cost {1 - ours / bare:+.1%} (target <= 15%)")
    test_x = data["test_images"][..., None].astype("float32")
    start = time.perf_counter()
    model.predict(test_x, batch_size=256, verbose=0)
    bare_predict = len(test_x) / (time.perf_counter() - start)
    ours_eval = evaluate_fmnist(lambda v: model.predict(v, batch_size=256, verbose=0), args.data)["images_per_s"]
    print(f"evaluation on the {len(test_x):,} test images:")
    print(f"  bare model.predict            {bare_predict:8.1f} images/s")
    print(f"  wardrobe evaluate's path      {ours_eval:8.1f} images/s   cost {1 - ours_eval / bare_predict:+.1%}")


if __name__ == "__main__":
    main()
