"""Personal adaptation: retrain the classifier on the user's corrections; switch only if it is better."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np

from wardrobe.services.inventory import Wardrobe
from wardrobe.vision.photo import PhotoError, open_photo, to_fmnist

PERSONAL = "model-personal"
MIN_CORRECTIONS = 10
MAX_FMNIST_DROP = 0.01  # the adapted model may lose at most one point on Fashion-MNIST's validation split


class NotEnoughCorrections(Exception):
    """Too few labelled photos to adapt and to judge the result."""


def personal_dir(wardrobe: Wardrobe) -> Path:
    return wardrobe.home / PERSONAL


def reset_classifier(wardrobe: Wardrobe) -> bool:
    """Go back to the shipped model; returns whether a personal model was removed."""
    folder = personal_dir(wardrobe)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


def _corrected(wardrobe: Wardrobe) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for item in wardrobe.items():
        if item.user_label is None:
            continue
        try:
            images.append(to_fmnist(open_photo(wardrobe.home / item.photo_path)).pixels)
        except PhotoError as exc:
            print(f"wardrobe: item {item.id}: skipped ({exc})", file=sys.stderr)
            continue
        labels.append(item.user_label)
    return np.array(images, dtype=np.uint8).reshape(-1, 28, 28), np.array(labels, dtype=np.int64)


def retrain_classifier(wardrobe: Wardrobe, epochs: int = 3, data_dir: Path | None = None,
                       log=lambda message: print(message, file=sys.stderr)) -> dict:
    """Fine-tune the current model on all corrections; adopt it only if it beats the current one on held-back ones."""
    from wardrobe.vision import fmnist
    from wardrobe.vision.artifacts import load_keras, publish_model
    from wardrobe.vision.finetune import fine_tune, split_corrections

    photos, labels = _corrected(wardrobe)
    if len(labels) < MIN_CORRECTIONS:
        raise NotEnoughCorrections(f"{len(labels)} corrected photos; adapting needs at least {MIN_CORRECTIONS} "
                                   "(label items with `wardrobe relabel ID CATEGORY` or `wardrobe add --label`)")
    train_idx, held_idx = split_corrections(labels)
    model, card = load_keras(wardrobe.model_dir)
    data = fmnist.load(data_dir)
    fm_train, fm_val = fmnist.split_validation(data["train_labels"])

    def accuracy(net, x, y):
        return float(np.mean(net.predict(x[..., None].astype(np.float32), batch_size=256, verbose=0).argmax(1) == y))

    before = {"held_back": accuracy(model, photos[held_idx], labels[held_idx]),
              "fmnist_validation": accuracy(model, data["train_images"][fm_val], data["train_labels"][fm_val])}
    log(f"fine-tuning on {len(train_idx)} corrected photos (holding back {len(held_idx)}), "
        f"mixed with Fashion-MNIST, {epochs} epochs ...")
    fine_tune(model, photos[train_idx], labels[train_idx], data["train_images"][fm_train],
              data["train_labels"][fm_train], epochs=epochs)
    after = {"held_back": accuracy(model, photos[held_idx], labels[held_idx]),
             "fmnist_validation": accuracy(model, data["train_images"][fm_val], data["train_labels"][fm_val])}
    better = after["held_back"] > before["held_back"]
    kept_fmnist = after["fmnist_validation"] >= before["fmnist_validation"] - MAX_FMNIST_DROP
    result = {"corrections": int(len(labels)), "trained_on": int(len(train_idx)), "held_back": int(len(held_idx)),
              "before": before, "after": after, "adopted": bool(better and kept_fmnist)}
    if result["adopted"]:
        metrics = {k: card.get(k) for k in ("validation_accuracy", "test_accuracy", "epochs", "training")}
        metrics["adapted"] = {"from": card["artifacts"]["litert"]["sha256"][:12], **result}
        publish_model(model, personal_dir(wardrobe), metrics, name=f"{card.get('name', 'model')}-personal")
        wardrobe.model_dir = personal_dir(wardrobe)
        wardrobe._classifier = None
        result["reclassified"] = reclassify(wardrobe)
    return result


def reclassify(wardrobe: Wardrobe) -> int:
    """Predict every item again with the current model (users' labels stay as they are)."""
    items = wardrobe.items()
    pixels, kept = [], []
    for item in items:
        try:
            pixels.append(to_fmnist(open_photo(wardrobe.home / item.photo_path)).pixels)
            kept.append(item)
        except PhotoError:
            continue
    if not kept:
        return 0
    probabilities, embeddings = wardrobe.classifier.predict(np.stack(pixels))
    wardrobe.inventory.update_predictions(
        [(item.id, [round(float(v), 6) for v in p], e.astype(np.float32).tobytes())
         for item, p, e in zip(kept, probabilities, embeddings)], wardrobe.classifier.version)
    return len(kept)
