"""Fitting the photo head: the shipped one from labelled photo folders, a personal one from the user's corrections."""

from __future__ import annotations

import shutil
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from wardrobe.services.inventory import Wardrobe
from wardrobe.vision.head import FMNIST_SAMPLE, PHOTO_WEIGHT, PhotoHead, fit_head, folder_labels, split_corrections
from wardrobe.vision.photo import CONVERSION_VERSION, PhotoError, find_photos, open_photo, to_fmnist

MIN_CORRECTIONS = 10
MAX_FMNIST_DROP = 0.01  # the adapted classifier may lose at most one point on Fashion-MNIST's validation split
FMNIST_CHECK = 1000  # validation images the Fashion-MNIST check reads


class NotEnoughCorrections(Exception):
    """Too few labelled photos to adapt and to judge the result."""


def in_share(name: str, share: float) -> bool:
    """Whether a photo (by file name) falls in the first `share` of a fixed hash split; the rest is the complement."""
    return zlib.crc32(name.encode()) % 1000 < round(share * 1000)


def reset_classifier(wardrobe: Wardrobe) -> bool:
    """Go back to the shipped photo head; returns whether a personal one was removed."""
    folder = wardrobe.personal_head.parent
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    wardrobe.forget_classifier()
    return True


def _pixels(paths: list[Path], progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, list[int]]:
    """Convert photos; returns the 28x28 images and the indices of the ones that could be read."""
    images, kept = [], []
    for i, path in enumerate(paths):
        try:
            images.append(to_fmnist(open_photo(path)).pixels)
            kept.append(i)
        except PhotoError as exc:
            print(f"wardrobe: {path}: skipped ({exc})", file=sys.stderr)
        if progress:
            progress(1)
    return np.array(images, dtype=np.uint8).reshape(-1, 28, 28), kept


def _fmnist_embeddings(classifier, data_dir: Path | None) -> dict[str, np.ndarray]:
    """Embeddings of a fixed sample of Fashion-MNIST's training split and of its validation split."""
    from wardrobe.vision import fmnist

    data = fmnist.load(data_dir)
    train_idx, val_idx = fmnist.split_validation(data["train_labels"])
    rng = np.random.default_rng(0)
    train_idx = rng.choice(train_idx, min(FMNIST_SAMPLE, len(train_idx)), replace=False)
    val_idx = rng.choice(val_idx, min(FMNIST_CHECK, len(val_idx)), replace=False)
    _, train_emb = classifier.network_outputs(data["train_images"][train_idx])
    val_softmax, val_emb = classifier.network_outputs(data["train_images"][val_idx])
    return {"train": train_emb, "train_labels": data["train_labels"][train_idx].astype(np.int64),
            "validation": val_emb, "validation_softmax": val_softmax,
            "validation_labels": data["train_labels"][val_idx].astype(np.int64)}


def _fit(photo_emb, photo_labels, fm: dict, network: str) -> PhotoHead:
    x = np.concatenate([np.asarray(photo_emb, np.float32).reshape(-1, fm["train"].shape[1]), fm["train"]])
    y = np.concatenate([photo_labels, fm["train_labels"]])
    w = np.concatenate([np.full(len(photo_labels), PHOTO_WEIGHT), np.ones(len(fm["train_labels"]))])
    return fit_head(x, y, w, network)


def head_photos(photos: Path, share: float = 1.0) -> list[Path]:
    """The photos in labelled subfolders of `photos` that fall in the hash split's first `share`."""
    entries = [p for p, problem in find_photos([photos]) if problem is None and p.parent != Path(photos)]
    return [p for p in entries if in_share(p.name, share)]


def fit_shipped_head(model_dir: Path, photos: Path, mapping: dict[str, dict], share: float = 1.0,
                     data_dir: Path | None = None, progress: Callable[[int], None] | None = None) -> dict:
    """Fit a model's photo head on labelled photo folders (the `share` of them a hash split picks) and publish it.

    The head is written next to the network under a content-named file and the card switched to it
    atomically; its photo embeddings travel with it so that personal refits still know them.
    """
    from wardrobe.vision import card as cards
    from wardrobe.vision.classifier import Classifier

    chosen = head_photos(photos, share)
    folders = [p.relative_to(photos).parts[0] for p in chosen]
    if not chosen:
        raise ValueError(f"{photos}: no photos in labelled subfolders")
    classifier = Classifier(model_dir)
    network = classifier.card["artifacts"]["litert"]["sha256"]
    pixels, kept = _pixels(chosen, progress)
    softmax, embeddings = classifier.network_outputs(pixels)
    labels = folder_labels([folders[i] for i in kept], softmax, mapping)
    taught = labels >= 0
    fm = _fmnist_embeddings(classifier, data_dir)
    head = _fit(embeddings[taught], labels[taught], fm, network)
    head.photo_embeddings = embeddings[taught].astype(np.float16)
    head.photo_labels = labels[taught]
    per_folder: dict[str, int] = {}
    for i, ok in zip(kept, taught):
        if ok:
            per_folder[folders[i]] = per_folder.get(folders[i], 0) + 1
    fmnist_validation = float(np.mean(head.probabilities(fm["validation"]).argmax(1) == fm["validation_labels"]))
    head.info = {"photos": int(taught.sum()), "per_folder": per_folder, "share": share,
                 "split": "crc32(file name) % 1000 < share * 1000", "fmnist_sample": len(fm["train_labels"]),
                 "photo_weight": PHOTO_WEIGHT, "conversion": CONVERSION_VERSION}
    staged = Path(model_dir) / ".staged-head.npz"
    head.save(staged)
    card = cards.read_card(model_dir)
    card["artifacts"]["head"] = {
        "format": "npz: linear head over the flip-averaged embedding, with the photo embeddings it learnt from",
        "network": network, "fitted_on": str(photos), **head.info,
        "fmnist_validation_accuracy": round(fmnist_validation, 4)}
    cards.publish(Path(model_dir), {"head": staged}, card)
    return {"photos": int(taught.sum()), "skipped": int(len(chosen) - taught.sum()), "per_folder": per_folder,
            "fmnist_validation_accuracy": round(fmnist_validation, 4), "model": str(model_dir)}


def _corrected(wardrobe: Wardrobe) -> tuple[np.ndarray, np.ndarray]:
    items = [item for item in wardrobe.items() if item.user_label is not None]
    pixels, kept = _pixels([wardrobe.home / item.photo_path for item in items])
    return pixels, np.array([items[i].user_label for i in kept], dtype=np.int64)


def retrain_classifier(wardrobe: Wardrobe, data_dir: Path | None = None,
                       log=lambda message: print(message, file=sys.stderr)) -> dict:
    """Refit the photo head with the user's corrections; adopt it only if it beats the current one on held-back ones.

    The candidate learns from the shipped head's photos, 80% of the corrections and Fashion-MNIST; it must
    be right more often on the other 20% and lose at most a point on Fashion-MNIST validation images.
    Once adopted, the head is refitted on all corrections and saved in the user's home.
    """
    photos, labels = _corrected(wardrobe)
    if len(labels) < MIN_CORRECTIONS:
        raise NotEnoughCorrections(f"{len(labels)} corrected photos; adapting needs at least {MIN_CORRECTIONS} "
                                   "(label items with `wardrobe relabel ID CATEGORY` or `wardrobe add --label`)")
    current = wardrobe.classifier
    network = current.card["artifacts"]["litert"]["sha256"]
    train_idx, held_idx = split_corrections(labels)
    log(f"reading {len(labels)} corrected photos and Fashion-MNIST ...")
    softmax, embeddings = current.network_outputs(photos)
    fm = _fmnist_embeddings(current, data_dir)
    shipped = current.shipped_head
    base_emb = shipped.photo_embeddings if shipped is not None else np.zeros((0, embeddings.shape[1]), np.float16)
    base_labels = shipped.photo_labels if shipped is not None else np.zeros(0, np.int64)

    def scores(head):
        # No head yet (a network not fitted to photos): the network's own softmax is what classifies now.
        photo = head.probabilities(embeddings[held_idx]) if head is not None else softmax[held_idx]
        catalogue = head.probabilities(fm["validation"]) if head is not None else fm["validation_softmax"]
        return {"held_back": float(np.mean(photo.argmax(1) == labels[held_idx])),
                "fmnist_validation": float(np.mean(catalogue.argmax(1) == fm["validation_labels"]))}

    log(f"fitting on {len(train_idx)} corrections (holding back {len(held_idx)}) and {len(base_labels)} shipped photos")
    candidate = _fit(np.concatenate([base_emb, embeddings[train_idx]]),
                     np.concatenate([base_labels, labels[train_idx]]), fm, network)
    before, after = scores(current.head), scores(candidate)
    better = after["held_back"] > before["held_back"]
    kept_fmnist = after["fmnist_validation"] >= before["fmnist_validation"] - MAX_FMNIST_DROP
    result = {"corrections": int(len(labels)), "trained_on": int(len(train_idx)), "held_back": int(len(held_idx)),
              "before": before, "after": after, "adopted": bool(better and kept_fmnist)}
    if result["adopted"]:
        final = _fit(np.concatenate([base_emb, embeddings]), np.concatenate([base_labels, labels]), fm, network)
        final.photo_embeddings, final.photo_labels = base_emb, base_labels
        final.info = {"corrections": int(len(labels)), "shipped_photos": int(len(base_labels)),
                      "conversion": CONVERSION_VERSION, "checked": {"before": before, "after": after}}
        final.save(wardrobe.personal_head)
        wardrobe.forget_classifier()
        result["reclassified"] = reclassify(wardrobe)
    return result


def reclassify(wardrobe: Wardrobe) -> int:
    """Predict every item again with the current classifier (users' labels stay as they are)."""
    items = wardrobe.items()
    pixels, kept = _pixels([wardrobe.home / item.photo_path for item in items])
    if not kept:
        return 0
    probabilities, embeddings = wardrobe.classifier.predict(pixels)
    wardrobe.inventory.update_predictions(
        [(items[i].id, [round(float(v), 6) for v in p], e.astype(np.float32).tobytes())
         for i, p, e in zip(kept, probabilities, embeddings)], wardrobe.classifier.version)
    return len(kept)
