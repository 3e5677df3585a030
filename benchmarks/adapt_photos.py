"""Personal adaptation, measured: corrections from ../shared/photos/train, accuracy on ../shared/photos/validation.

A base photo head is fitted on extra/ and one half of train/ (`wardrobe train-head --share 0.5`, in a copy of
the photo model); the other half of train/ stands in for the user's corrections. For each number of corrections
per folder (0, 10, 50, all), a fresh inventory gets that many of those photos added with the user's label,
`retrain --classifier` refits the head (adopting it only if refits that did not see them pass both sides), and the
pipeline is scored on validation. Also timed: the refit itself (`retrain_seconds`), which reads the features
stored with each item and runs no network.

The label a user gives: the folder's category; for folders with several (longsleeve, shoes) the base head's
likeliest of them.

Run: python benchmarks/adapt_photos.py [--per-folder 0,10,50,all] [--json]
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

from wardrobe import config  # noqa: E402
from wardrobe.services import Wardrobe  # noqa: E402
from wardrobe.services.adaptation import retrain_classifier  # noqa: E402
from wardrobe.services.evaluation import evaluate_photo_folder  # noqa: E402
from wardrobe.training.evaluate import folder_entry, load_mapping  # noqa: E402
from wardrobe.training.photo_head import fit_shipped_head, in_share  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-folder", default="0,10,50,all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    mapping = load_mapping(None)
    work = Path(tempfile.mkdtemp(prefix="wardrobe-adapt-"))
    try:
        photo_model = work / "photo"
        shutil.copytree(config.photo_model_dir(), photo_model)
        fit_shipped_head(photo_model, config.model_dir(), [PHOTOS / "train", PHOTOS / "extra"], mapping, share=0.5)
        base = Wardrobe(work / "base-home", photo_model_dir=photo_model)
        candidates: dict[str, list[Path]] = {}
        for path in sorted((PHOTOS / "train").glob("*/*.jpg")):
            if not in_share(path.name, 0.5):
                candidates.setdefault(path.parent.name, []).append(path)
        rows = []
        for n in args.per_folder.split(","):
            home = work / f"home-{n}"
            wardrobe = Wardrobe(home, photo_model_dir=photo_model)
            added = 0
            for folder, paths in candidates.items():
                chosen = paths if n == "all" else paths[: int(n)]
                allowed = folder_entry(folder, mapping)["classes"]
                if not chosen or not allowed:
                    continue
                if len(allowed) == 1:
                    groups = {allowed[0]: [(p, None) for p in chosen]}
                else:  # the user picks the likeliest of the folder's categories, as the base head reads it
                    groups = {}
                    for result in base.classify([(p, None) for p in chosen]):
                        if result.prediction is not None:
                            best = max(allowed, key=lambda c: result.prediction.probabilities[c])
                            groups.setdefault(best, []).append((result.path, None))
                for label, entries in groups.items():
                    added += sum(r.item is not None for r in wardrobe.add(entries, label=label))
            start = time.perf_counter()
            result = retrain_classifier(wardrobe, log=lambda m: None) if added >= 10 else {"adopted": False}
            seconds = time.perf_counter() - start
            score = evaluate_photo_folder(PHOTOS / "validation", None, None, wardrobe.personal_head, photo_model)
            rows.append({"per_folder": n, "corrections": added, "adopted": result["adopted"],
                         "retrain_seconds": round(seconds, 2), "checked": result.get("corrections"),
                         "slot_accuracy": score["slot_accuracy"], "class_accuracy": score["class_accuracy"],
                         "all_folders_accuracy": score["all_folders_accuracy"]})
            wardrobe.close()
            if not args.json:
                print(json.dumps(rows[-1]), flush=True)
        if args.json:
            print(json.dumps(rows, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
