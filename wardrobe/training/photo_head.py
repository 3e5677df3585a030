"""Fitting the shipped photo head on labelled photo folders and Fashion-MNIST, and fine-tuning the photo network."""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from wardrobe.vision.features import read_photo_features
from wardrobe.vision.head import (
    BALANCE,
    FMNIST_SAMPLE,
    FMNIST_WEIGHT,
    C,
    PhotoHead,
    balanced_weights,
    fit_head,
    fit_temperature,
    with_temperature,
)
from wardrobe.vision.photo import PhotoError, find_photos

CALIBRATION_FOLDS = 5
HELD_SHARE = 0.15  # of the labelled photos (by file name hash) that judge each epoch of a fine-tuning
CALIBRATION_PHOTOS = 256  # an int8 photo network's activation ranges are measured on this many photos


def in_share(name: str, share: float) -> bool:
    """Whether a photo (by file name) falls in the first `share` of a fixed hash split; the rest is the complement."""
    return zlib.crc32(name.encode()) % 1000 < round(share * 1000)


def fmnist_sample(data_dir: Path | None, sample: int = FMNIST_SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """A fixed sample of Fashion-MNIST's training images (never its validation or test images) and their labels."""
    from wardrobe.training import fmnist

    data = fmnist.load(data_dir)
    train_idx, _ = fmnist.split_validation(data["train_labels"])
    chosen = np.random.default_rng(0).choice(train_idx, min(sample, len(train_idx)), replace=False)
    return data["train_images"][chosen], data["train_labels"][chosen].astype(np.int64)


def fmnist_features(classifier, data_dir: Path | None, sample: int = FMNIST_SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """Photo-network features of fmnist_sample's images, seen as catalogue shots."""
    from wardrobe.vision.photonet import fmnist_as_photo

    images, labels = fmnist_sample(data_dir, sample)
    features = [classifier.photo_outputs(fmnist_as_photo(images[s : s + 64], classifier.photo_size))[0]
                for s in range(0, len(images), 64)]
    return np.concatenate(features), labels


def taught_labels(allowed: list[list[int]], imagenet: np.ndarray, features: np.ndarray, fm_x: np.ndarray,
                  fm_y: np.ndarray, network: str) -> np.ndarray:
    """teach_labels, with a first-pass head fitted on the photos of one-category folders and Fashion-MNIST."""
    single = np.array([len(a) == 1 for a in allowed], dtype=bool)
    first = fit_head(np.concatenate([features[single], fm_x]),
                     np.concatenate([[a[0] for a, s in zip(allowed, single) if s], fm_y]).astype(np.int64),
                     np.concatenate([np.ones(single.sum()), np.full(len(fm_y), FMNIST_WEIGHT)]), network)
    return teach_labels(allowed, imagenet, features, first.probabilities)


def teach_labels(allowed: list[list[int]], imagenet: np.ndarray, features: np.ndarray,
                 first_pass: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The one category each labelled photo teaches, from its folder's allowed categories (-1: none).

    One category: that one. Footwear (shoes: Sandal, Sneaker or Ankle boot): the ImageNet classes that stand
    for each (sandal; running shoe, loafer, clog; cowboy boot). Any other choice (longsleeve: T-shirt,
    Pullover or Shirt): the first-pass head's likeliest of them.
    """
    from wardrobe.vision.photonet import FOOTWEAR, group_logits

    labels = np.full(len(allowed), -1, dtype=np.int64)
    footwear = np.array(list(FOOTWEAR))
    shoe_scores = group_logits(imagenet, FOOTWEAR) if len(imagenet) else np.zeros((0, len(FOOTWEAR)))
    undecided = [i for i, classes in enumerate(allowed) if len(classes) > 1 and not set(classes) <= set(FOOTWEAR)]
    guesses = first_pass(features[undecided]) if undecided else np.zeros((0, 0))
    for i, classes in enumerate(allowed):
        if len(classes) == 1:
            labels[i] = classes[0]
        elif classes and set(classes) <= set(FOOTWEAR):
            order = [k for k in np.argsort(-shoe_scores[i]) if footwear[k] in classes]
            labels[i] = footwear[order[0]]
    for row, i in enumerate(undecided):
        labels[i] = max(allowed[i], key=lambda c: guesses[row][c])
    return labels


def _fit_calibrated(x: np.ndarray, y: np.ndarray, w: np.ndarray, network: str, photos: int, c: float = C,
                    judged: np.ndarray | None = None) -> PhotoHead:
    """Fit on everything, with the temperature that held-out folds of the first `photos` rows (the photos) agree with.

    judged (a mask over those rows) limits the agreement to photos the network itself never learnt from: a
    fine-tuned network is surer of its own training photos than of a user's.
    """
    from sklearn.model_selection import StratifiedKFold

    counts = np.bincount(y[:photos])
    folds = int(min(CALIBRATION_FOLDS, counts[counts > 0].min())) if photos else 0
    head = fit_head(x, y, w, network, c)
    if folds < 2:
        return head
    logits = np.zeros((photos, head.coef.shape[0]), np.float32)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for train, held in splitter.split(x[:photos], y[:photos]):
        rest = np.concatenate([train, np.arange(photos, len(y))])
        logits[held] = fit_head(x[rest], y[rest], w[rest], network, c).logits(x[held])
    if judged is not None and judged.sum() >= 50:
        logits, y = logits[judged], y[:photos][judged]
    return with_temperature(head, fit_temperature(logits, y[:photos]))


def labelled_photos(folders: list[Path], mapping: dict[str, dict], share: float = 1.0) -> list[tuple[Path, list[int]]]:
    """Photos of labelled subfolders (in the hash split's first `share`), each with its folder's allowed categories."""
    from wardrobe.training.evaluate import folder_entry

    found = []
    for folder in folders:
        for path, problem in find_photos([folder]):
            if problem is None and path.parent != Path(folder) and in_share(path.name, share):
                entry = folder_entry(path.relative_to(folder).parts[0], mapping)
                if entry is not None and entry["classes"]:
                    found.append((path, list(entry["classes"])))
    return found


def fit_shipped_head(photo_dir: Path, model_dir: Path, folders: list[Path], mapping: dict[str, dict],
                     share: float = 1.0, data_dir: Path | None = None,
                     progress: Callable[[int], None] | None = None) -> dict:
    """Fit the photo network's head on labelled photo folders and Fashion-MNIST, calibrate it, and publish it.

    The head is written next to the photo network under a content-named file and the card switched to it
    atomically.
    """
    from wardrobe.vision import card as cards
    from wardrobe.vision.classifier import Classifier

    chosen = labelled_photos(folders, mapping, share)
    if not chosen:
        raise ValueError(f"{', '.join(map(str, folders))}: no photos in labelled subfolders")
    classifier = Classifier(model_dir, photo_dir, personal_head=None, need_head=False)
    network = classifier.network
    features, imagenet, kept = read_photo_features(classifier, [p for p, _ in chosen], progress)
    allowed = [chosen[i][1] for i in kept]
    fm_x, fm_y = fmnist_features(classifier, data_dir)
    labels = taught_labels(allowed, imagenet, features, fm_x, fm_y, network)
    taught = labels >= 0
    x = np.concatenate([features[taught], fm_x])
    y = np.concatenate([labels[taught], fm_y])
    w = np.concatenate([balanced_weights(labels[taught]), np.full(len(fm_y), FMNIST_WEIGHT)])
    card = cards.read_card(photo_dir)
    tuned = card.get("fine_tuned")
    judged = None
    if tuned:  # calibrate on the photos the fine-tuning held out
        tuned_share = 1 - tuned.get("held_share", HELD_SHARE)
        judged = np.array([not in_share(chosen[i][0].name, tuned_share) for i in kept], dtype=bool)[taught]
    head = _fit_calibrated(x, y, w, network, int(taught.sum()), judged=judged)
    head.info = {**head.info, "photos": int(taught.sum()),
                 "temperature_from": "photos the fine-tuning held out" if judged is not None else "all photos",
                 "fmnist_images": int(len(fm_y)), "fmnist_weight": FMNIST_WEIGHT,
                 "c": C, "balance": BALANCE,
                 "per_category": {str(k): int(v) for k, v in zip(*np.unique(labels[taught], return_counts=True))},
                 "share": share, "split": "crc32(file name) % 1000 < share * 1000"}
    staged = Path(photo_dir) / ".staged-head.npz"
    head.save(staged)
    card["artifacts"]["head"] = {
        "format": "npz: calibrated linear head over the photo network's features, with the features it learnt from",
        "network": network, "fitted_on": [str(f) for f in folders], **head.info}
    cards.publish(Path(photo_dir), {"head": staged}, card)
    return {"photos": int(taught.sum()), "skipped": int(len(chosen) - taught.sum()), "fmnist_images": int(len(fm_y)),
            "per_category": head.info["per_category"], "temperature": head.info.get("temperature"),
            "model": str(photo_dir)}


def evenly_spaced(count: int, total: int) -> np.ndarray:
    """Indices of `count` items spread over `total` (all of them when there are fewer)."""
    return np.unique(np.linspace(0, total - 1, min(count, total)).round().astype(int)) if total else np.zeros(0, int)


def calibration_photos(folders: list[Path], count: int = CALIBRATION_PHOTOS,
                       log: Callable[[str], None] = lambda message: print(message, file=sys.stderr)):
    """calibration(size) for an int8 export: `count` photos spread over the folders, framed as the app frames them."""
    from wardrobe.vision.views import read_framed

    paths = [path for path, problem in find_photos(folders) if problem is None]
    if not paths:
        raise ValueError(f"{', '.join(map(str, folders))}: no photos to calibrate on")

    def calibration(size: int) -> np.ndarray:
        framed = []
        for i in evenly_spaced(count, len(paths)):
            try:
                framed.append(read_framed(paths[i], size))
            except PhotoError as exc:
                log(f"wardrobe: {paths[i]}: skipped ({exc})")
        if not framed:
            raise ValueError("none of the photos to calibrate on could be read")
        return np.stack(framed)

    return calibration


def fine_tune_photo_network(out_dir: Path, folders: list[Path], mapping: dict[str, dict], variant: str = "lite0",
                            weights: Path | None = None, precision: str = "float16", top_stages: int = 2,
                            epochs: int = 4, data_dir: Path | None = None,
                            progress: Callable[[int], None] | None = None,
                            log: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
                            calibration: Callable[[int], np.ndarray] | None = None) -> dict:
    """Build the photo network from its ImageNet weights with its top stages fine-tuned on labelled photo folders
    (and the Fashion-MNIST sample the head also learns from), then publish it like `photo-network` does.

    The labels are those the head is taught (teach_labels); HELD_SHARE of the photos, by file-name hash, is held
    out to pick the best epoch. Its head must be fitted afterwards (`train-head`), as for any new network.
    An int8 export calibrates on photos spread over these unless `calibration` is given.
    """
    from wardrobe.domain import CATEGORIES
    from wardrobe.training import photonet_finetune as tuning
    from wardrobe.training.photonet_export import export_photo_network
    from wardrobe.vision.photonet import fmnist_as_photo
    from wardrobe.vision.views import read_framed

    chosen = labelled_photos(folders, mapping)
    if not chosen:
        raise ValueError(f"{', '.join(map(str, folders))}: no photos in labelled subfolders")
    fm_images, fm_y = fmnist_sample(data_dir)

    sample: list[np.ndarray] = []

    def tune(model, state: dict, size: int) -> dict:
        lower, top = tuning.split(model, state, top_stages)
        framed, kept = [], []
        for i, (path, _) in enumerate(chosen):
            try:
                framed.append(read_framed(path, size))
                kept.append(i)
            except PhotoError as exc:
                log(f"wardrobe: {path}: skipped ({exc})")
        if not framed:
            raise ValueError("none of the labelled photos could be read")
        photos = np.stack(framed)
        if precision == "int8" and calibration is None:
            sample.append(photos[evenly_spaced(CALIBRATION_PHOTOS, len(photos))])
        seen = tuning.run_lower(lower, photos, progress=progress)
        mirrored = tuning.run_below(lower, photos[:, :, ::-1], progress=progress)
        del photos
        fm = tuning.run_lower(lower, fmnist_as_photo(fm_images, size))
        labels = taught_labels([chosen[i][1] for i in kept], seen.imagenet, seen.features, fm.features, fm_y,
                               "fine-tuning")
        taught = labels >= 0
        held = np.array([not in_share(chosen[i][0].name, 1 - HELD_SHARE) for i in kept], dtype=bool)
        none = np.zeros(len(fm_y), bool)
        report = tuning.train_top(
            top, np.concatenate([seen.activations[taught], fm.activations]),
            np.concatenate([mirrored[taught], fm.activations]), np.concatenate([labels[taught], fm_y]),
            np.concatenate([balanced_weights(labels[taught]), np.full(len(fm_y), FMNIST_WEIGHT)]),
            np.concatenate([held[taught], none]), len(CATEGORIES), epochs, log)
        return {**report, "top_stages": top_stages, "photos": int(taught.sum()), "fmnist_images": int(len(fm_y)),
                "fmnist_weight": FMNIST_WEIGHT, "fitted_on": [str(f) for f in folders],
                "held_share": HELD_SHARE, "held_out": f"crc32(file name) % 1000 >= {round((1 - HELD_SHARE) * 1000)}"}

    return export_photo_network(out_dir, variant, weights, precision, fine_tune=tune,
                                calibration=calibration or (lambda size: sample[0]))
