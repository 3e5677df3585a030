"""Corrections that must not break what was right: `retrain --classifier` measured as a user meets it (issue 28).

Each scenario is a fresh home under /tmp with the shipped models (model/, model/photo/), filled and corrected through
the real services in-process, then `retrain --classifier` (retrain_classifier):
- validation: the 341 photos of ../shared/photos/validation added; each one the shipped head reads wrong relabelled
  to the plain category of its folder (longsleeve: Pullover, shoes: Sneaker, else the folder's one category);
- train N: the same 341 photos, all left alone, plus N photos drawn at random (seed 0) from those of train/ that
  the shipped head reads wrong, added and relabelled the same way (train/ has only 31 such photos: "all" is 31).
Measured: both sides of the adoption check; the share of the untouched items that the shipped head had right
still right; the share of the corrected items that the head now in use reads right (their own photos);
accuracy over all folders (13 categories) on train/ photos added afterwards (less the corrected ones), against a
home without corrections (the shipped head); seconds of retrain_classifier.

Photos added afterwards are scored from their photo features, read once and cached under /tmp (the same network
pass and float16 rounding as `add`, which stores them): the head in use decides from them as it would at `add`.

--candidates compares refits on the same cached features without homes (numbers in README's Corrections).
--time-items N times `wardrobe retrain --classifier` (in-process and as a command) on a home of N items.

Run: python benchmarks/correct_photos.py [--scenarios validation,10,30,all] [--candidates] [--time-items 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe import config  # noqa: E402
from wardrobe.domain import CATEGORIES  # noqa: E402
from wardrobe.services import Wardrobe  # noqa: E402
from wardrobe.services.adaptation import cross_checked, retrain_classifier  # noqa: E402
from wardrobe.training.evaluate import folder_entry, load_mapping  # noqa: E402
from wardrobe.vision.classifier import Classifier  # noqa: E402
from wardrobe.vision.features import read_photo_features  # noqa: E402
from wardrobe.vision.head import LEFT_ALONE, PhotoHead, balanced_weights, personal_refit, refit  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"
CACHE = Path(tempfile.gettempdir()) / "wardrobe-photo-features"
PLAIN = {"longsleeve": CATEGORIES.index("Pullover"), "shoes": CATEGORIES.index("Sneaker")}  # what a person would say


class Split:
    """A photo folder's photos with their features (cached), folders, allowed categories and plain category."""

    def __init__(self, name: str, classifier: Classifier, mapping: dict):
        cache = CACHE / f"{name}-{classifier.network[:12]}.npz"
        if not cache.exists():
            paths = sorted((PHOTOS / name).glob("*/*.jpg"))
            features, _, kept = read_photo_features(classifier, paths)
            CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(cache, features=features.astype(np.float16), paths=np.array([str(paths[i]) for i in kept]))
        with np.load(cache) as data:
            self.features = data["features"].astype(np.float32)
            self.paths = [Path(p) for p in data["paths"]]
        folders = [p.parent.name for p in self.paths]
        self.allowed = [folder_entry(f, mapping)["classes"] for f in folders]
        self.plain = np.array([PLAIN.get(f, a[0]) for f, a in zip(folders, self.allowed)])

    def right(self, predicted: np.ndarray, rows=None) -> np.ndarray:
        rows = range(len(self.paths)) if rows is None else rows
        return np.array([p in self.allowed[i] for p, i in zip(predicted, rows)], dtype=bool)


def _home_with(template: Path, work: Path, name: str) -> Wardrobe:
    home = work / name
    shutil.copytree(template, home)
    return Wardrobe(home)


def _folder(item) -> str:
    return item.original_name.split("/")[-2]  # names are "FOLDER/FILE" or "train/FOLDER/FILE" (see _add_named)


def _correct_wrong(wardrobe: Wardrobe, mapping: dict, only_train: bool = False) -> dict[int, int]:
    """Relabel every item the shipped head reads wrong (only those from train/ if asked) to its folder's plain
    category; the shipped head's label of every item, by id."""
    shipped = wardrobe.classifier.shipped_head
    labels = {}
    for item, blob in wardrobe.inventory.photo_features():
        labels[item.id] = int(shipped.logits(np.frombuffer(blob, np.float16).astype(np.float32)[None])[0].argmax())
        allowed = folder_entry(_folder(item), mapping)["classes"]
        if labels[item.id] not in allowed and (item.original_name.startswith("train/") or not only_train):
            wardrobe.relabel(item.id, PLAIN.get(_folder(item), allowed[0]))
    return labels


def scenario(name: str, template: Path, work: Path, train: Split, extra: list[int], mapping: dict) -> dict:
    """A copy of the validation home, `extra` train/ photos added; the photos the shipped head reads wrong relabelled
    (all for the validation scenario, else the added ones); retrain; scores."""
    wardrobe = _home_with(template, work, f"home-{name.replace(' ', '-')}")
    _add_named(wardrobe, [train.paths[i] for i in extra], "train/")
    shipped_labels = _correct_wrong(wardrobe, mapping, only_train=bool(extra))
    start = time.perf_counter()
    result = retrain_classifier(wardrobe, log=lambda message: None)
    seconds = time.perf_counter() - start
    items = wardrobe.items()
    right = {it.id: folder_entry(_folder(it), mapping)["classes"] for it in items}
    still = [it.predicted_label in right[it.id] for it in items
             if it.user_label is None and shipped_labels[it.id] in right[it.id]]
    fixed = [it.predicted_label == it.user_label for it in items if it.user_label is not None]
    rest = np.setdiff1d(np.arange(len(train.paths)), extra)
    new_shipped = train.right(wardrobe.classifier.shipped_head.logits(train.features[rest]).argmax(1), rest).mean()
    new_now = train.right(wardrobe.classifier.decide(train.features[rest]).argmax(1), rest).mean()
    wardrobe.close()
    c, u = result["corrections"], result["untouched"]
    return {"scenario": name, "items": result["items"], "corrections": c["checked"],
            "corrections_right_shipped": round(c["before"], 3), "corrections_right_refits": round(c["after"], 3),
            "won": c["wins"], "lost": c["losses"], "untouched_kept_by_refits": round(u["kept"], 3),
            "adopted": result["adopted"], "failed": result["failed"],
            "untouched_still_right": round(float(np.mean(still)), 4), "untouched_right_before": len(still),
            "corrected_read_right": round(float(np.mean(fixed)), 3),
            "train_added_after_shipped": round(float(new_shipped), 4), "train_added_after": round(float(new_now), 4),
            "changes": result["changes"], "retrain_seconds": round(seconds, 2)}


def validation_home(work: Path) -> Path:
    """A home with every validation photo added (original names keep the folder: "dress/x.jpg")."""
    template = work / "template"
    wardrobe = Wardrobe(template)
    paths = sorted((PHOTOS / "validation").glob("*/*.jpg"))
    _add_named(wardrobe, paths)
    wardrobe.close()
    return template


def _add_named(wardrobe: Wardrobe, paths: list[Path], prefix: str = "") -> None:
    if not paths:
        return
    results = list(wardrobe.add([(p, None) for p in paths]))
    with wardrobe.inventory.sessions.begin() as s:  # the folder is the truth the benchmark scores against
        from wardrobe.store.tables import ItemRow

        for path, result in zip(paths, results):
            if result.item is not None:
                s.get(ItemRow, result.item.id).original_name = f"{prefix}{path.parent.name}/{path.name}"


def candidates(validation: Split, train: Split, extra_split: Split, shipped: PhotoHead) -> list[dict]:
    """Refits compared on cached features, validation's wrong photos corrected (the validation scenario) and 30
    of train's, judged by the same two-sided check; accuracy on train/ photos not in the home."""
    onehot = np.eye(len(CATEGORIES))
    replay_labels = np.array([max(a, key=lambda k, p=p: p[k]) for a, p in
                              zip(extra_split.allowed, shipped.probabilities(extra_split.features))])

    def corrections_only(x, labels):  # the last release: the corrections alone, a weak pull to the shipped weights
        c = labels != LEFT_ALONE
        return refit(shipped, x[c], onehot[labels[c]], None, 1.0)

    def bias_only(x, labels):  # only the intercepts move, toward the corrections (least log-loss + |b - b0|^2 / 2)
        from scipy.optimize import minimize

        c = labels != LEFT_ALONE
        logits, target = shipped.logits(x[c]).astype(np.float64), onehot[labels[c]]

        def loss(b):
            z = logits + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            total = p.sum(axis=1, keepdims=True)
            return -np.sum(z * target) + np.sum(np.log(total)) + np.sum(b**2) / 2, (p / total - target).sum(0) + b

        b = minimize(loss, np.zeros(len(CATEGORIES)), jac=True, method="L-BFGS-B").x
        return PhotoHead(shipped.mean, shipped.scale, shipped.coef, shipped.intercept + b.astype(np.float32),
                         shipped.network)

    def replay(x, labels):  # the shipped training set (extra/ stands in) with the corrections added
        c = labels != LEFT_ALONE
        y = np.concatenate([labels[c], replay_labels])
        return refit(shipped, np.concatenate([x[c], extra_split.features]), onehot[y], balanced_weights(y), 1.0)

    methods = {"corrections only (last release)": corrections_only, "bias only": bias_only,
               "replay extra/ + corrections": replay}
    for strength in (1.0, 30.0, 333.3):
        methods[f"user's items, distilled, strength {strength:g}"] = (
            lambda x, labels, s=strength: personal_refit(shipped, x, labels, s))
    shipped_v = shipped.logits(validation.features).argmax(1)
    wrong_t = np.flatnonzero(~train.right(shipped.logits(train.features).argmax(1)))
    pick = np.random.default_rng(0).choice(wrong_t, 30, replace=False)
    cases = {"validation": (validation.features, np.where(validation.right(shipped_v), LEFT_ALONE, validation.plain),
                            np.arange(len(train.paths))),
             "train 30": (np.concatenate([validation.features, train.features[pick]]),
                          np.concatenate([np.full(len(validation.paths), LEFT_ALONE), train.plain[pick]]),
                          np.setdiff1d(np.arange(len(train.paths)), pick))}
    rows = []
    for case, (x, labels, rest) in cases.items():
        base = train.right(shipped.logits(train.features[rest]).argmax(1), rest).mean()
        for name, fit in methods.items():
            start = time.perf_counter()
            check = cross_checked(x, labels, shipped.logits(x).argmax(1),
                                  lambda f, y, fit=fit: (lambda z: fit(f, y).logits(z).argmax(1)))
            head = fit(x, labels)
            seconds = time.perf_counter() - start
            c, u = check["corrections"], check["untouched"]
            rows.append({"case": case, "method": name, "refits_right": round(c["after"], 3), "won": c["wins"],
                         "lost": c["losses"], "kept_by_refits": round(u["kept"], 3), "adopt": check["adopt"],
                         "train_shipped": round(float(base), 4),
                         "train_refit": round(float(train.right(head.logits(train.features[rest]).argmax(1), rest).mean()), 4),
                         "seconds": round(seconds, 1)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def time_items(template: Path, work: Path, train: Split, count: int, mapping: dict) -> dict:
    """retrain --classifier on a home of `count` items: the validation home and train/ photos up to count, every
    photo the shipped head reads wrong corrected."""
    wardrobe = _home_with(template, work, "home-timed")
    _add_named(wardrobe, train.paths[: max(count - len(wardrobe.items()), 0)], "train/")
    _correct_wrong(wardrobe, mapping)
    items = len(wardrobe.items())
    start = time.perf_counter()
    result = retrain_classifier(wardrobe, dry_run=True, log=lambda message: None)
    in_process = time.perf_counter() - start
    wardrobe.close()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wardrobe", "retrain", "--classifier", "--json"], capture_output=True,
                          text=True, env={**os.environ, "WARDROBE_HOME": str(work / "home-timed")}, cwd=REPO)
    command = time.perf_counter() - start
    return {"items": items, "corrections": result["corrections"]["checked"],
            "retrain_seconds_in_process": round(in_process, 2), "command_seconds": round(command, 2),
            "command_rc": done.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="validation,10,30,all")
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--time-items", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    mapping = load_mapping(None)
    classifier = Classifier(config.model_dir(), config.photo_model_dir())
    train = Split("train", classifier, mapping)
    report: dict = {}
    work = Path(tempfile.mkdtemp(prefix="wardrobe-correct-"))
    try:
        if args.candidates:
            report["candidates"] = candidates(Split("validation", classifier, mapping), train,
                                              Split("extra", classifier, mapping), classifier.shipped_head)
        names = [n for n in args.scenarios.split(",") if n]
        if names or args.time_items:
            template = validation_home(work)
        rows = []
        wrong = np.flatnonzero(~train.right(classifier.shipped_head.logits(train.features).argmax(1)))
        for name in names:
            extra = [] if name == "validation" else [int(i) for i in np.random.default_rng(0).choice(
                wrong, len(wrong) if name == "all" else int(name), replace=False)]
            row = scenario(name if name == "validation" else f"train {name}", template, work, train, extra, mapping)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        report["scenarios"] = rows
        if args.time_items:
            report["timing"] = time_items(template, work, train, args.time_items, mapping)
            print(json.dumps(report["timing"]), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
