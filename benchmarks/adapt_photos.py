"""Personal adaptation, measured: corrections from ../shared/photos/train, accuracy on ../shared/photos/validation.

The model's shipped photo head is fitted on one half of train/ (`wardrobe train-head --share 0.5`); the other
half stands in for the user's corrections. For each number of corrections per folder (0, 10, 50, all) a fresh
inventory gets that many of those photos added with the user's label, `retrain --classifier` refits the head,
and the pipeline is scored on validation (slot and class accuracy) and on the Fashion-MNIST test set (to check
that it did not forget).

The label a user gives: the folder's class where it has one; for folders with several (longsleeve, shoes) the
network's most probable class among them; shorts as Trouser (the nearest); skirt and hat get no label.

Run: python benchmarks/adapt_photos.py [--model DIR] [--share 0.5] [--per-folder 0,10,50,all] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe import config  # noqa: E402
from wardrobe.services import Wardrobe  # noqa: E402
from wardrobe.services.adaptation import in_share, retrain_classifier  # noqa: E402
from wardrobe.services.evaluation import evaluate_photo_folder  # noqa: E402
from wardrobe.vision.classifier import Classifier  # noqa: E402
from wardrobe.vision.evaluate import evaluate_fmnist, load_mapping  # noqa: E402
from wardrobe.vision.head import folder_labels  # noqa: E402
from wardrobe.vision.photo import open_photo, to_fmnist  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"


def user_labels(train: Path, mapping: dict, classifier: Classifier, share: float) -> dict[Path, int]:
    """The photos outside the head's share, with the label a user would give each."""
    photos = sorted(p for p in train.glob("*/*.jpg") if not in_share(p.name, share))
    softmax, _ = classifier.network_outputs(np.stack([to_fmnist(open_photo(p)).pixels for p in photos]))
    labels = folder_labels([p.parent.name for p in photos], softmax, mapping)
    return {p: int(label) for p, label in zip(photos, labels) if label >= 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--per-folder", default="0,10,50,all")
    parser.add_argument("--share", type=float, default=0.5, help="the share of train/ the shipped head was fitted on")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    mapping = load_mapping(None)
    shipped = config.model_dir(args.model)
    labels = user_labels(PHOTOS / "train", mapping, Classifier(shipped), args.share)
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
            result = retrain_classifier(wardrobe, log=lambda m: None) if chosen else {
                "adopted": False, "corrections": 0}
            photos = evaluate_photo_folder(PHOTOS / "validation", shipped, personal_head=wardrobe.personal_head)
            classifier = Classifier(shipped, personal_head=wardrobe.personal_head)
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
