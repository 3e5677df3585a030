"""The user's own attribute heads: refitted on their tags under the photo head's adoption rule, and items read again.

An item keeps the features its attributes were read from (the photo's, the close-up's, the colour statistics),
so reading them again after a refit, a reset or an upgrade needs no network pass; an item added before the
attribute heads is read once from its photo.
"""

from __future__ import annotations

import numpy as np

from wardrobe.services.adaptation import MIN_CORRECTIONS, cross_checked
from wardrobe.services.inventory import Wardrobe
from wardrobe.vision.attributes import (
    COLOUR_FEATURES,
    AttributeHead,
    AttributeHeads,
    attribute_features,
    colour_features,
    split_attribute_features,
)
from wardrobe.vision.head import LEFT_ALONE, PhotoHead, personal_refit
from wardrobe.vision.photo import PhotoError, read_photo
from wardrobe.vision.views import read_closeup, read_views


def _as_photo_head(head: AttributeHead) -> PhotoHead:
    return PhotoHead(head.mean, head.scale, head.coef, head.intercept, network="")


def _refit(head: AttributeHead, x: np.ndarray, labels: np.ndarray) -> AttributeHead:
    moved = personal_refit(_as_photo_head(head), x, labels)
    return AttributeHead(head.classes, head.inputs, head.mean, head.scale, moved.coef, moved.intercept, head.sure)


def _inputs(wardrobe: Wardrobe, read_missing: bool) -> tuple[list, dict[str, np.ndarray], dict[int, bytes]]:
    """Items whose attributes can be read, what the heads read of each, and attribute features read anew."""
    classifier = wardrobe.classifier
    rows = wardrobe.inventory.attribute_inputs()
    network = classifier.network_version
    items, photo, kept, fresh = [], [], [], {}
    for item, photo_blob, kept_blob in rows:
        if not photo_blob or item.model_version.split("+")[0] != network:
            continue  # its photo features come first: `retrain --classifier` or `doctor --repair` reads them
        stored = np.frombuffer(kept_blob, np.float16).astype(np.float32) if kept_blob else None
        if stored is None or len(stored) != len(photo_blob) // 2 + COLOUR_FEATURES:
            if not read_missing:
                continue
            stored = _read_from_photo(wardrobe, item)
            if stored is None:
                continue
            fresh[item.id] = stored.astype(np.float16).tobytes()
        items.append(item)
        photo.append(np.frombuffer(photo_blob, np.float16).astype(np.float32))
        kept.append(stored)
    if not items:
        return [], {}, fresh
    closeups, colours = split_attribute_features(np.stack(kept))
    return items, {"photo": np.stack(photo), "closeup": closeups, "colour": colours}, fresh


def _read_from_photo(wardrobe: Wardrobe, item) -> np.ndarray | None:
    classifier = wardrobe.classifier
    try:
        data = read_photo(wardrobe.library.home / item.photo_path)  # read once: both views and the close-up from it
        views = read_views(data, classifier.photo_size)
        close = read_closeup(data, views, classifier.photo_size)
    except (PhotoError, OSError):
        return None
    close = classifier.photo_outputs(close[None])[0][0]
    return attribute_features(close, colour_features(views.converted.work, views.converted.mask))


def _columns(sources: dict[str, np.ndarray], head: AttributeHead) -> np.ndarray:
    return np.hstack([sources[part] for part in head.inputs.split("+")])


def reread_attributes(wardrobe: Wardrobe, read_missing: bool = False) -> int:
    """Read every item's attributes again with the current heads (from stored features; with read_missing, the
    photos of items that lack them); returns how many items were read."""
    classifier = wardrobe.classifier
    if classifier.attribute_heads is None:
        return 0
    items, sources, fresh = _inputs(wardrobe, read_missing)
    if not items:
        return 0
    read = classifier.attribute_heads.read(sources["photo"], sources["closeup"], sources["colour"],
                                           [item.label for item in items])
    wardrobe.inventory.update_attributes([(item.id, {k: v for k, v in values.items() if v is not None},
                                           fresh.get(item.id)) for item, values in zip(items, read)])
    return len(items)


def retrain_attributes(wardrobe: Wardrobe, dry_run: bool = False) -> dict:
    """For each attribute the user tagged at least MIN_CORRECTIONS items of: refit the shipped head on their items
    and adopt it only under the photo head's rule (adaptation.cross_checked); save the adopted ones, then read
    every item again."""
    classifier = wardrobe.classifier
    shipped = classifier.shipped_attribute_heads
    if shipped is None:
        return {"adopted": [], "checked": {}, "reason": "no attribute heads are shipped with this photo network"}
    items, sources, _ = _inputs(wardrobe, read_missing=False)
    chosen, checked = dict(shipped.heads), {}
    for attribute, head in shipped.heads.items():
        index = {value: i for i, value in enumerate(head.classes)}
        labels = np.array([index.get(item.user_attributes.get(attribute), LEFT_ALONE) for item in items], np.int64)
        tagged = int(np.sum(labels != LEFT_ALONE))
        if tagged < MIN_CORRECTIONS:
            checked[attribute] = {"tags": tagged, "adopt": False, "failed": [f"fewer than {MIN_CORRECTIONS} tags"]}
            continue
        x = _columns(sources, head)
        own = head.probabilities(x).argmax(1)
        check = cross_checked(x, labels, own,
                              lambda xs, ys, h=head: (lambda z: _refit(h, xs, ys).probabilities(z).argmax(1)))
        checked[attribute] = {"tags": tagged, **check}
        if check["adopt"]:
            chosen[attribute] = _refit(head, x, labels)
    adopted = [a for a, c in checked.items() if c.get("adopt")]
    result = {"adopted": adopted, "checked": checked, "dry_run": dry_run}
    if dry_run:
        return result
    path = wardrobe.personal_attributes
    if adopted:
        AttributeHeads(chosen, shipped.network, {"adopted": adopted}).save(path)
    elif path.exists():
        path.unlink()
    wardrobe.forget_classifier()
    result["reread"] = reread_attributes(wardrobe)
    return result


def reset_attributes(wardrobe: Wardrobe) -> dict:
    """Back to the shipped attribute heads; every item read again (from its photo where it has no features)."""
    path = wardrobe.personal_attributes
    removed = path.exists()
    if removed:
        path.unlink()
    wardrobe.forget_classifier()
    return {"removed": removed, "reread": reread_attributes(wardrobe, read_missing=True)}
