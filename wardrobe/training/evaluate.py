"""Measuring the classifier: on the Fashion-MNIST test set, and on folders of labelled real photos."""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from wardrobe import config
from wardrobe.domain import CATEGORIES, FMNIST_CLASSES, SLOTS, UnknownCategory, is_unsure, parse_category
from wardrobe.training import fmnist
from wardrobe.vision.photo import PhotoError, find_photos

# The paper's own figures (its Table 1 and text): test accuracy after 10, 100 and 200 epochs, batch 128,
# no augmentation; the train accuracy it quotes is for the 200-epoch run. None: not given in the paper.
PAPER_TABLE = [
    {"epochs": 10, "train_accuracy": None, "test_accuracy": 0.8732, "time": None},
    {"epochs": 100, "train_accuracy": None, "test_accuracy": 0.9037, "time": None},
    {"epochs": 200, "train_accuracy": 0.976, "test_accuracy": 0.9066, "time": None},
]
DEFAULT_MAPPING = config.DATA_DIR / "photo-folders.json"


def confusion(truth: np.ndarray, predicted: np.ndarray, n: int = 10) -> np.ndarray:
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def summarise(matrix: np.ndarray) -> dict:
    """Accuracy, per-class precision and recall, and the most confused pairs of a confusion matrix."""
    correct = np.diag(matrix)
    precision = correct / matrix.sum(0).clip(min=1)
    recall = correct / matrix.sum(1).clip(min=1)
    off = [(int(matrix[i, j]), i, j) for i in range(len(matrix)) for j in range(len(matrix)) if i != j]
    return {
        "accuracy": round(float(correct.sum() / max(matrix.sum(), 1)), 4),
        "per_class": [{"label": i, "category": CATEGORIES[i], "precision": round(float(precision[i]), 4),
                       "recall": round(float(recall[i]), 4), "support": int(matrix[i].sum())}
                      for i in range(len(matrix))],
        "most_confused": [{"true": CATEGORIES[i], "predicted": CATEGORIES[j], "count": c}
                          for c, i, j in sorted(off, reverse=True)[:5]],
        "confusion": matrix.tolist(),
    }


def evaluate_fmnist(predict, data_dir=None) -> dict:
    """predict: (N, 28, 28, 1) float32 -> (N, 10) probabilities. The test set is read here."""
    data = fmnist.load(data_dir)
    x = data["test_images"][..., None].astype(np.float32)
    start = time.perf_counter()
    probabilities = predict(x)
    seconds = time.perf_counter() - start
    result = summarise(confusion(data["test_labels"], probabilities.argmax(1)))
    result.update({"images": len(x), "seconds": round(seconds, 2), "images_per_s": round(len(x) / seconds, 1)})
    return result


def load_mapping(path: Path | None) -> dict[str, dict]:
    """Folder name -> {"classes": [...], "slot": str | None}, from a mapping file (default: data/photo-folders.json)."""
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read the folder mapping ({exc})") from exc
    folders = raw.get("folders", raw)
    mapping = {}
    for name, entry in folders.items():
        classes = [parse_category(str(c)) for c in entry.get("classes", [])]
        mapping[name.lower()] = {"classes": classes, "slot": entry.get("slot")}
    return mapping


def folder_entry(name: str, mapping: dict[str, dict]) -> dict | None:
    if name.lower() in mapping:
        return mapping[name.lower()]
    try:  # a folder named after a category ("coat", "ankle-boot", "3") needs no mapping
        label = parse_category(name)
    except UnknownCategory:
        return None
    return {"classes": [label], "slot": SLOTS[label]}


def evaluate_photos(classifier, folder: Path, mapping: dict[str, dict], progress=None) -> dict:
    """Slot, class and all-folder accuracy of the whole pipeline on labelled subfolders, and how well "unsure" warns."""
    from wardrobe.vision.views import read_views

    entries = [(p, problem) for p, problem in find_photos([folder])]
    labelled = []
    for path, problem in entries:
        if problem is None and path.parent != folder:
            entry = folder_entry(path.relative_to(folder).parts[0], mapping)
            if entry is not None:
                labelled.append((path, path.relative_to(folder).parts[0], entry))
    if not labelled:
        raise ValueError(f"{folder}: no labelled subfolders (known: {', '.join(sorted(mapping))}, or category names)")

    def views(path):
        try:
            return read_views(path, classifier.photo_size)
        except PhotoError:
            return None
        finally:
            if progress:
                progress(1)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(views, [p for p, _, _ in labelled]))
    readable = [i for i, v in enumerate(found) if v is not None]
    reading = classifier.read(np.stack([found[i].converted.pixels for i in readable]),
                              np.stack([found[i].framed for i in readable]))
    seconds = time.perf_counter() - start
    predicted = {i: p for i, p in zip(readable, reading.probabilities)}
    per_folder: dict[str, dict] = {}
    hits: dict[str, list[bool]] = {"class": [], "slot": [], "all": []}
    unsure_slot_hits: list[tuple[bool, bool]] = []  # (flagged unsure, slot right) for each slot-scored photo
    for i, (path, name, entry) in enumerate(labelled):
        stats = per_folder.setdefault(name, {"photos": 0, "unreadable": 0, "class_hits": 0, "slot_hits": 0,
                                             "unsure": 0, "classes": entry["classes"], "slot": entry["slot"],
                                             "predicted": Counter()})
        stats["photos"] += 1
        if i not in predicted:
            stats["unreadable"] += 1
            continue
        probabilities = predicted[i]
        label = int(probabilities.argmax())
        unsure = is_unsure(probabilities)
        stats["unsure"] += unsure
        stats["predicted"][CATEGORIES[label]] += 1
        if entry["classes"]:
            hit = label in entry["classes"]
            hits["all"].append(hit)
            stats["class_hits"] += hit
            if all(c < FMNIST_CLASSES for c in entry["classes"]):
                hits["class"].append(hit)
        if entry["slot"]:
            hit = SLOTS[label] == entry["slot"]
            hits["slot"].append(hit)
            stats["slot_hits"] += hit
            unsure_slot_hits.append((unsure, hit))
    folders = {}
    for name, s in sorted(per_folder.items()):
        n = s["photos"] - s["unreadable"]
        folders[name] = {
            "photos": s["photos"], "unreadable": s["unreadable"], "unsure": s["unsure"],
            "class_accuracy": round(s["class_hits"] / n, 4) if s["classes"] and n else None,
            "slot_accuracy": round(s["slot_hits"] / n, 4) if s["slot"] and n else None,
            "predicted": dict(s["predicted"].most_common()),
        }
    flagged = [u for u, _ in unsure_slot_hits]
    sure_errors = [not hit for u, hit in unsure_slot_hits if not u]
    mean = lambda values: round(float(np.mean(values)), 4) if values else None  # noqa: E731
    return {
        "photos": len(labelled), "seconds": round(seconds, 2),
        "class_accuracy": mean(hits["class"]), "slot_accuracy": mean(hits["slot"]),
        "all_folders_accuracy": mean(hits["all"]),
        "class_scored": len(hits["class"]), "slot_scored": len(hits["slot"]), "all_scored": len(hits["all"]),
        "unsure": {"flagged_share": mean(flagged), "slot_error_when_sure": mean(sure_errors),
                   "slot_error_when_unsure": mean([not hit for u, hit in unsure_slot_hits if u])},
        "folders": folders,
    }
