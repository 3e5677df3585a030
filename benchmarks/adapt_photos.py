"""Personal adaptation, measured: corrections from ../shared/photos/train, accuracy on ../shared/photos/validation.

For each number of corrections per folder (0, 10, 50, all) a fresh inventory gets that many train photos added
with the user's label, `retrain --classifier` adapts the model, and the pipeline is scored on validation
(slot and class accuracy) and on the Fashion-MNIST test set (to check it did not forget).

The label a user gives: the folder's class where it has one; for folders with several (longsleeve, shoes) the
shipped model's most probable class among them; shorts as Trouser (the nearest); skirt and hat have no class
and get no label.

Run: python benchmarks/adapt_photos.py [--per-folder 0,10,50,all] [--epochs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe.services import Wardrobe  # noqa: E402
from wardrobe.services.adaptation import retrain_classifier  # noqa: E402
from wardrobe.services.evaluation import evaluate_photo_folder  # noqa: E402
from wardrobe.vision.classifier import Classifier  # noqa: E402
from wardrobe.vision.evaluate import evaluate_fmnist, load_mapping  # noqa: E402
from wardrobe.vision.photo import open_photo, to_fmnist  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"


def user_labels(train: Path, mapping: dict, classifier: Classifier) -> dict[Path, int]:
    labels = {}
    for folder in sorted(p for p in train.iterdir() if p.is_dir()):
        entry = mapping.get(folder.name)
        if not entry:
            continue
        classes = entry["classes"] or ([1] if folder.name == "shorts" else [])
        if not classes:
            continue
        for photo in sorted(folder.glob("*.jpg")):
            if len(classes) == 1:
                labels[photo] = classes[0]
            else:
                probabilities, _ = classifier.predict(to_fmnist(open_photo(photo)).pixels[None])
                labels[photo] = max(classes, key=lambda c: probabilities[0][c])
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--per-folder", default="0,10,50,all")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    mapping = load_mapping(None)
    shipped = Wardrobe(Path(tempfile.mkdtemp()), args.model).model_dir
    labels = user_labels(PHOTOS / "train", mapping, Classifier(shipped))
    by_folder: dict[str, list[Path]] = {}
    for photo in labels:
        by_folder.setdefault(photo.parent.name, []).append(photo)
    rows = []
    for spec in args.per_folder.split(","):
        home = Path(tempfile.mkdtemp(prefix="wardrobe-adapt-"))
        try:
            wardrobe = Wardrobe(home, None)
            wardrobe.model_dir = shipped
            chosen = [p for photos in by_folder.values()
                      for p in (photos if spec == "all" else photos[: int(spec)])]
            started = time.perf_counter()
            for label in sorted({labels[p] for p in chosen}):
                group = [p for p in chosen if labels[p] == label]
                list(wardrobe.add(wardrobe.find_inputs(group), label=label))
            result = retrain_classifier(wardrobe, epochs=args.epochs, log=lambda m: None) if chosen else {
                "adopted": False, "corrections": 0}
            model_dir = wardrobe.model_dir
            photos = evaluate_photo_folder(PHOTOS / "validation", model_dir)
            classifier = Classifier(model_dir)
            test = evaluate_fmnist(lambda x: classifier.predict(x[..., 0])[0])
            rows.append({"per_folder": spec, "corrections": len(chosen), "adopted": result["adopted"],
                         "slot_accuracy": photos["slot_accuracy"], "class_accuracy": photos["class_accuracy"],
                         "fmnist_test_accuracy": test["accuracy"], "seconds": round(time.perf_counter() - started),
                         "folders": {k: (v["slot_accuracy"], v["class_accuracy"]) for k, v in photos["folders"].items()},
                         "before_after": {k: result.get(k) for k in ("before", "after")}})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'per folder':>10} {'corrections':>11} {'adopted':>7} {'slot':>6} {'class':>6} {'F-MNIST test':>12}")
    for r in rows:
        print(f"{r['per_folder']:>10} {r['corrections']:>11} {str(r['adopted']):>7} {r['slot_accuracy']:>6.3f} "
              f"{r['class_accuracy']:>6.3f} {r['fmnist_test_accuracy']:>12.4f}")


if __name__ == "__main__":
    main()
