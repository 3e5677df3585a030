"""The user's own photo head: refitted on their items, adopted only when it reads their corrections better and keeps
what they left alone, and undone."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Callable

import numpy as np

from wardrobe.domain import CATEGORIES
from wardrobe.services.inventory import Wardrobe
from wardrobe.vision.features import read_photo_features
from wardrobe.vision.head import LEFT_ALONE, PhotoHead, correction_folds, personal_refit

MIN_CORRECTIONS = 10
FOLDS = 5
ADOPT_MARGIN = 3  # corrections the refit must win beyond those it loses
KEEP = 0.98  # share of the items left alone that must keep their label
CATEGORY_KEYS = 1000  # offsets the shipped labels of items left alone from the user's labels when dealing folds


class NotEnoughCorrections(Exception):
    """Too few labelled photos to adapt and to judge the result."""


def reset_classifier(wardrobe: Wardrobe) -> dict:
    """Go back to the shipped photo head and re-predict the stored items with it."""
    folder = wardrobe.personal_head.parent
    removed = folder.exists()
    if removed:
        shutil.rmtree(folder)
    wardrobe.forget_classifier()
    return {"removed": removed, "reclassified": reclassify(wardrobe)}


def _features_of(wardrobe: Wardrobe, rows: list) -> tuple[list[int], np.ndarray, dict[int, bytes]]:
    """Photo features of (item, stored blob) rows: the stored ones, and those of items that lack them (added before
    the photo network) or whose features another photo network gave (the same size, but meaningless to this
    network's head) read once from their photos. Returns the rows that have features, the features (N, F),
    and the newly read ones as blobs to store, by row."""
    network = wardrobe.classifier.network_version
    head = wardrobe.classifier.shipped_head or wardrobe.classifier.head
    size = head.mean.shape[0] * 2 if head is not None else None  # float16 features of this network (an import's vary)

    def usable(item, blob) -> bool:
        return bool(blob) and item.model_version.split("+")[0] == network and (size is None or len(blob) == size)

    features: dict[int, np.ndarray] = {k: np.frombuffer(blob, np.float16).astype(np.float32)
                                       for k, (item, blob) in enumerate(rows) if usable(item, blob)}
    missing = [k for k, (item, blob) in enumerate(rows) if not usable(item, blob)]
    fresh: dict[int, bytes] = {}
    if missing:
        read, _, kept = read_photo_features(wardrobe.classifier, [wardrobe.library.home / rows[k][0].photo_path for k in missing])
        for j, k in enumerate(kept):
            features[missing[k]] = read[j]
            fresh[missing[k]] = read[j].astype(np.float16).tobytes()
    order = sorted(features)
    stacked = np.stack([features[k] for k in order]) if order else np.zeros((0, 0), np.float32)
    return order, stacked, fresh


def _all_features(wardrobe: Wardrobe) -> tuple[list, np.ndarray, np.ndarray]:
    """Every item that has photo features, its features, and its label: the user's, or LEFT_ALONE."""
    rows = wardrobe.inventory.photo_features()
    order, features, _ = _features_of(wardrobe, rows)
    items = [rows[k][0] for k in order]
    labels = np.array([LEFT_ALONE if item.user_label is None else item.user_label for item in items], dtype=np.int64)
    return items, features, labels


def cross_checked(features: np.ndarray, labels: np.ndarray, shipped: np.ndarray,
                  fit: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]],
                  folds: int = FOLDS) -> dict:
    """Whether a head refitted on a user's items should replace the shipped one, judged on both sides, each item by
    a refit that did not see it (any head: features (N, F), labels (N,) with LEFT_ALONE for items the user did not
    label, shipped (N,) the shipped head's label of each item; fit(features, labels) returns a predict(features)).

    - The corrections: read right more often than by the shipped head, which never saw any: the refits must win
      (right where the shipped head is wrong) more often than they lose (wrong where it was right, or an item
      left alone given another label: what a photo added later would suffer) by at least ADOPT_MARGIN and by
      1.645 standard deviations of a fair coin (a one-sided sign test at 5%).
    - The items left alone: at least KEEP of them keep the shipped head's label.
    Items are dealt round the folds by label (the shipped one for those left alone), so every fold has some of each.
    """
    labelled = labels != LEFT_ALONE
    fold = correction_folds(np.where(labelled, labels, shipped + CATEGORY_KEYS), folds)
    predicted = np.array(shipped, copy=True)
    for k in range(folds):
        held = fold == k
        if held.any() and (~held & labelled).any():
            predicted[held] = fit(features[~held], labels[~held])(features[held])
    before, after = shipped[labelled] == labels[labelled], predicted[labelled] == labels[labelled]
    kept = predicted[~labelled] == shipped[~labelled]
    wins, losses, changed = int(np.sum(after & ~before)), int(np.sum(before & ~after)), int(np.sum(~kept))
    against = losses + changed  # an item left alone that changes label counts as one the refit got wrong
    corrections = {"checked": int(labelled.sum()), "before": float(before.mean()) if len(before) else 0.0,
                   "after": float(after.mean()) if len(after) else 0.0, "wins": wins, "losses": losses,
                   "passed": bool(wins - against >= max(ADOPT_MARGIN, 1.645 * float(np.sqrt(wins + against))))}
    untouched = {"checked": int(len(kept)), "kept": float(kept.mean()) if len(kept) else 1.0, "changed": changed,
                 "needed": KEEP}
    untouched["passed"] = bool(untouched["kept"] >= KEEP)
    failed = [side for side, part in (("corrections", corrections), ("untouched", untouched)) if not part["passed"]]
    return {"folds": folds, "corrections": corrections, "untouched": untouched, "adopt": not failed, "failed": failed}


def _photo_head_fit(shipped: PhotoHead):
    """cross_checked's fit for the photo head: personal_refit from the shipped head, predicting labels."""
    return lambda features, labels: (lambda x: personal_refit(shipped, features, labels).logits(x).argmax(1))


def label_changes(items: list, before: np.ndarray, after: np.ndarray) -> list[dict]:
    """Items whose shown label goes from one category to another (those the user labelled keep theirs), by pair."""
    pairs = Counter((int(b), int(a)) for item, b, a in zip(items, before, after) if item.user_label is None and a != b)
    return [{"from": CATEGORIES[b], "to": CATEGORIES[a], "items": n}
            for (b, a), n in sorted(pairs.items(), key=lambda pair: (-pair[1], pair[0]))]


def retrain_classifier(wardrobe: Wardrobe, dry_run: bool = False,
                       log=lambda message: print(message, file=sys.stderr)) -> dict:
    """Refit the photo head on the user's items and adopt it only if it reads their corrections better and keeps
    the labels of the items they left alone (cross_checked); with dry_run, only say what would change.

    The candidate is personal_refit: the corrections as labelled, the other items as the shipped head reads
    them, near the shipped weights. Once adopted, it is saved in the user's home; if not, the shipped head
    classifies again. Either way, every stored item the current head did not predict is predicted again from its
    stored features.
    """
    items, features, labels = _all_features(wardrobe)
    corrected = int(np.sum(labels != LEFT_ALONE))
    if corrected < MIN_CORRECTIONS:
        raise NotEnoughCorrections(f"{corrected} corrected photos; adapting needs at least {MIN_CORRECTIONS} "
                                   "(label items with `wardrobe relabel ID CATEGORY` or `wardrobe add --label`)")
    shipped = wardrobe.classifier.shipped_head
    log(f"refitting the photo head on your {len(items)} items ({corrected} labelled by you), each checked by a refit "
        "that did not see it")
    check = cross_checked(features, labels, shipped.logits(features).argmax(1), _photo_head_fit(shipped))
    head = personal_refit(shipped, features, labels) if check["adopt"] else shipped
    result = {"items": len(items), "corrections": corrected, **check, "adopted": check["adopt"], "dry_run": dry_run,
              "changes": label_changes(items, np.array([item.predicted_label for item in items], np.int64),
                                       head.logits(features).argmax(1) if len(items) else np.zeros(0, np.int64))}
    if dry_run:
        return result
    if check["adopt"]:
        head.info = {**head.info, "checked": {k: check[k] for k in ("corrections", "untouched")}}
        head.save(wardrobe.personal_head)
    elif wardrobe.personal_head.exists():  # an earlier adoption no longer holds up against today's items
        shutil.rmtree(wardrobe.personal_head.parent)
    wardrobe.forget_classifier()
    result["reclassified"] = reclassify(wardrobe)
    return result


def reclassify(wardrobe: Wardrobe) -> int:
    """Predict again, from their stored photo features, the items that the current head did not predict.

    Items remember the head that predicted them (model_version), so a run killed half-way is repaired by the
    next one. Items without stored features (added before the photo network) are read once from their photos.
    """
    classifier = wardrobe.classifier
    stale = [(item, blob) for item, blob in wardrobe.inventory.photo_features() if item.model_version != classifier.version]
    order, features, fresh = _features_of(wardrobe, stale)
    if not order:
        return 0
    probabilities = classifier.decide(features)
    wardrobe.inventory.update_predictions(
        [(stale[k][0].id, [round(float(v), 6) for v in p], None, fresh.get(k)) for k, p in zip(order, probabilities)],
        classifier.version)
    return len(order)
