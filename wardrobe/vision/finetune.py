"""Personal adaptation: fine-tune the network on a user's corrected photos, mixed with Fashion-MNIST so it does not forget."""

from __future__ import annotations

import math

import numpy as np

from wardrobe.domain import CATEGORIES
from wardrobe.vision.backend import import_keras
from wardrobe.vision.train import TrainConfig, augment

# Photos seen through the same augmentation as Fashion-MNIST, a little gentler on erasing.
PHOTO_AUGMENT = TrainConfig(translate=2, flip=True, erase_probability=0.25)


def split_corrections(labels: np.ndarray, share: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held back): about `share` of each class held back, at least one where a class has 3+."""
    rng = np.random.default_rng(seed)
    held = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        k = int(round(len(members) * share)) if len(members) >= 3 else 0
        held.extend(members[: max(k, 1 if len(members) >= 3 else 0)])
    held = np.sort(np.array(held, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), held), held


def fine_tune(model, photos: np.ndarray, labels: np.ndarray, fmnist_images: np.ndarray, fmnist_labels: np.ndarray,
              epochs: int = 3, batch_size: int = 64, learning_rate: float = 0.01, photo_share: float = 0.5,
              seed: int = 0, verbose: int = 0):
    """Train `model` in place on batches that are `photo_share` corrected photos and the rest Fashion-MNIST.

    An epoch is enough batches to see every photo about twice; SGD with momentum, cosine decay from a
    learning rate ten times below the original training's peak, label smoothing 0.1.
    """
    keras = import_keras()
    rng = np.random.default_rng(seed)
    per_batch = max(1, int(round(batch_size * photo_share)))
    steps = max(10, math.ceil(2 * len(photos) / per_batch))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps * epochs)
    model.compile(optimizer=keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=["accuracy"])
    eye = np.eye(len(CATEGORIES), dtype=np.float32)

    def batches():
        while True:
            pick_photos = rng.integers(0, len(photos), per_batch)
            pick_fmnist = rng.integers(0, len(fmnist_images), batch_size - per_batch)
            x = np.concatenate([augment(photos[pick_photos], rng, PHOTO_AUGMENT),
                                augment(fmnist_images[pick_fmnist], rng, TrainConfig())])
            y = np.concatenate([labels[pick_photos], fmnist_labels[pick_fmnist]])
            yield x[..., None].astype(np.float32), eye[y]

    generator = batches()
    for epoch in range(epochs):
        losses = []
        for _ in range(steps):
            x, y = next(generator)
            losses.append(float(model.train_on_batch(x, y, return_dict=True)["loss"]))
        if verbose:
            print(f"fine-tune epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}", flush=True)
    return model
