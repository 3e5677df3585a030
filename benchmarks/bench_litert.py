"""LiteRT variants of the shipped network: size, load time, speed and Fashion-MNIST test accuracy.

For each variant (float32, float16, dynamic-range int8) it reports file size, images/s through our
Classifier wrapper and through a bare `invoke` loop on the same arrays in the same run (our overhead),
test accuracy and agreement with the float32 Keras model, whose own `predict` speed is the baseline.

Run: python benchmarks/bench_litert.py [--model model/] [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe import config  # noqa: E402
from wardrobe.training import fmnist  # noqa: E402
from wardrobe.training.artifacts import LITERT_VARIANTS, load_keras, to_litert, with_embedding  # noqa: E402
from wardrobe.vision.classifier import BATCH, LiteRTNetwork  # noqa: E402


def bare_invoke(path: Path, x: np.ndarray) -> tuple[float, np.ndarray]:
    """The plainest LiteRT loop: fixed batch, set, invoke, get. Returns (seconds, probabilities)."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path), num_threads=2)
    index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(index, [BATCH, 28, 28, 1])
    interpreter.allocate_tensors()
    out = next(o["index"] for o in interpreter.get_output_details() if o["shape"][-1] == 10)
    padded = np.concatenate([x, np.zeros((-len(x) % BATCH, 28, 28, 1), np.float32)])
    results = []
    start = time.perf_counter()
    for s in range(0, len(padded), BATCH):
        interpreter.set_tensor(index, padded[s : s + BATCH])
        interpreter.invoke()
        results.append(interpreter.get_tensor(out).copy())
    return time.perf_counter() - start, np.concatenate(results)[: len(x)]


def _pct(value) -> str:
    return "" if value is None else f"{value:+.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=config.model_dir())
    parser.add_argument("--data", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = fmnist.load(args.data)
    x = data["test_images"][..., None].astype(np.float32)
    y = data["test_labels"]
    model, card = load_keras(args.model)
    net = with_embedding(model)
    net.predict(x[:256], batch_size=BATCH, verbose=0)
    start = time.perf_counter()
    reference = net.predict(x, batch_size=BATCH, verbose=0)[0]
    keras_s = time.perf_counter() - start
    rows = [{"variant": "keras float32 (predict)", "mb": None, "images_per_s": round(len(x) / keras_s),
             "accuracy": round(float(np.mean(reference.argmax(1) == y)), 4), "agreement": 1.0}]
    folder = Path(tempfile.mkdtemp(prefix="wardrobe-litert-"))
    for variant in LITERT_VARIANTS:
        path = folder / f"{variant}.tflite"
        to_litert(model, path, variant)
        start = time.perf_counter()
        wrapped = LiteRTNetwork(path, threads=2)
        load_s = time.perf_counter() - start
        wrapped.predict(x[:BATCH])
        start = time.perf_counter()
        probabilities, _ = wrapped.predict(x)
        ours_s = time.perf_counter() - start
        bare_s, bare = bare_invoke(path, x)
        rows.append({
            "variant": f"litert {variant}", "mb": round(path.stat().st_size / 1e6, 1), "load_s": round(load_s, 3),
            "images_per_s": round(len(x) / ours_s), "bare_invoke_images_per_s": round(len(x) / bare_s),
            "overhead": round(ours_s / bare_s - 1, 3),
            "accuracy": round(float(np.mean(probabilities.argmax(1) == y)), 4),
            "agreement": round(float(np.mean(probabilities.argmax(1) == reference.argmax(1))), 4),
            "same_as_bare": bool(np.allclose(probabilities, bare, atol=1e-5)),
        })
    # The shipped file through the app's own Classifier (what `wardrobe classify` calls), next to a bare loop.
    from wardrobe.vision.card import verified_artifact
    from wardrobe.vision.classifier import Classifier

    shipped_path, _ = verified_artifact(args.model, "litert")
    classifier = Classifier(args.model)
    pixels = data["test_images"]
    classifier.fmnist_probabilities(pixels[:BATCH])
    start = time.perf_counter()
    shipped = classifier.fmnist_probabilities(pixels)
    ours_s = time.perf_counter() - start
    bare_s, _ = bare_invoke(shipped_path, x)
    rows.append({"variant": "shipped, via Classifier", "mb": round(shipped_path.stat().st_size / 1e6, 1),
                 "images_per_s": round(len(x) / ours_s), "bare_invoke_images_per_s": round(len(x) / bare_s),
                 "overhead": round(ours_s / bare_s - 1, 3),
                 "accuracy": round(float(np.mean(shipped.argmax(1) == y)), 4),
                 "agreement": round(float(np.mean(shipped.argmax(1) == reference.argmax(1))), 4)})
    if args.json:
        print(json.dumps({"model": card["architecture"], "rows": rows}, indent=2))
        return
    print(f"{'variant':<26} {'MB':>6} {'img/s':>7} {'bare img/s':>10} {'overhead':>8} {'test acc':>8} {'agree':>6}")
    for r in rows:
        print(f"{r['variant']:<26} {r['mb'] or '':>6} {r['images_per_s']:>7} {r.get('bare_invoke_images_per_s', ''):>10} "
              f"{_pct(r.get('overhead')):>8} "
              f"{r['accuracy']:>8} {r['agreement']:>6}")


if __name__ == "__main__":
    main()
