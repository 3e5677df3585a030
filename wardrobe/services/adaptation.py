"""The user's own photo head: refitted toward their corrections, adopted only when it holds up, and undone."""

from __future__ import annotations

import shutil
import sys

import numpy as np

from wardrobe.services.inventory import Wardrobe
from wardrobe.vision.features import read_photo_features
from wardrobe.vision.head import REFIT_STRENGTH, PhotoHead, correction_folds, refit

MIN_CORRECTIONS = 10
FOLDS = 5
ADOPT_MARGIN = 3  # corrections the refit must win beyond those it loses


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


def _corrected_features(wardrobe: Wardrobe) -> tuple[np.ndarray, np.ndarray]:
    """Photo features and labels of every item the user labelled."""
    rows = [(item, blob) for item, blob in wardrobe.inventory.photo_features() if item.user_label is not None]
    order, features, _ = _features_of(wardrobe, rows)
    return features, np.array([rows[k][0].user_label for k in order], dtype=np.int64)


def cross_checked(shipped: PhotoHead, features: np.ndarray, labels: np.ndarray) -> dict:
    """How a refit toward the corrections fares on corrections it did not see, against the shipped head.

    Each fold of the corrections is predicted by a refit on the other folds; the shipped head never saw any.
    The refit is adopted only when it wins (right where the shipped head is wrong) clearly more often than it
    loses: by at least ADOPT_MARGIN and by 1.645 standard deviations of a fair coin (a one-sided sign test at
    5%), so that a few lucky corrections cannot install a worse head.
    """
    folds = correction_folds(labels, FOLDS)
    refitted = np.zeros(len(labels), np.int64)
    for k in range(FOLDS):
        held = folds == k
        if held.any():
            refitted[held] = refit(shipped, features[~held], labels[~held], REFIT_STRENGTH).logits(features[held]).argmax(1)
    before = shipped.logits(features).argmax(1) == labels
    after = refitted == labels
    wins, losses = int(np.sum(after & ~before)), int(np.sum(before & ~after))
    return {"checked": int(len(labels)), "folds": FOLDS, "before": float(before.mean()), "after": float(after.mean()),
            "wins": wins, "losses": losses,
            "adopt": wins - losses >= max(ADOPT_MARGIN, 1.645 * float(np.sqrt(wins + losses)))}


def retrain_classifier(wardrobe: Wardrobe, log=lambda message: print(message, file=sys.stderr)) -> dict:
    """Refit the photo head toward the user's corrections and adopt it only if it clearly beats the shipped one.

    The candidate is the shipped head moved toward the corrections (see head.refit); it is judged on every
    correction by refits that did not see it (cross_checked). Once adopted, it is refitted on all corrections and
    saved in the user's home; if not, the shipped head classifies again. Either way, every stored item the current
    head did not predict is predicted again from its stored features.
    """
    features, labels = _corrected_features(wardrobe)
    if len(labels) < MIN_CORRECTIONS:
        raise NotEnoughCorrections(f"{len(labels)} corrected photos; adapting needs at least {MIN_CORRECTIONS} "
                                   "(label items with `wardrobe relabel ID CATEGORY` or `wardrobe add --label`)")
    shipped = wardrobe.classifier.shipped_head
    log(f"refitting the photo head on your {len(labels)} corrections, each checked by a refit that did not see it")
    check = cross_checked(shipped, features, labels)
    result = {"corrections": int(len(labels)), "checked": check["checked"], "folds": check["folds"],
              "before": {"corrections_right": check["before"]}, "after": {"corrections_right": check["after"]},
              "wins": check["wins"], "losses": check["losses"], "adopted": check["adopt"]}
    if check["adopt"]:
        final = refit(shipped, features, labels, REFIT_STRENGTH)
        final.info = {**final.info, "checked": {k: check[k] for k in ("checked", "before", "after", "wins", "losses")}}
        final.save(wardrobe.personal_head)
    elif wardrobe.personal_head.exists():  # an earlier adoption no longer holds up against today's corrections
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
