"""Fine-tuning the photo network's top stages on labelled photos, on a CPU: the frozen stages below run once per
photo (and its mirror image), and the top learns from what they give. Pure Keras 3."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wardrobe.training import efficientnet

WARM_UP_EPOCHS = 3  # the new softmax learns first, on the frozen top, so its first gradients do not wreck the top
LEARNING_RATE = 1e-4
DROPOUT = 0.3
BATCH = 64


@dataclass
class Lower:
    """What the frozen stages give for a batch of photos."""

    activations: np.ndarray  # (N, h, w, c) float16: the input of the top stages
    features: np.ndarray  # (N, F): the untouched network's pooled features
    imagenet: np.ndarray  # (N, K): its closet ImageNet logits


def split(model, state: dict, top_stages: int):
    """(lower, top) of the closet model: lower gives the top's input, features and logits; top maps that input
    to the pooled features, sharing its layers (and so its weights) with `model`."""
    from wardrobe.training.backend import import_keras

    keras = import_keras()
    specs = efficientnet.block_specs(state)
    stages = specs[-1]["stage"] + 1
    if not 1 <= top_stages < stages:
        raise ValueError(f"top stages must be from 1 to {stages - 1}")
    first = next(i for i, spec in enumerate(specs) if spec["stage"] == stages - top_stages)
    names = {layer.name for layer in model.layers}
    cut = f"block{first - 1:02d}_add" if f"block{first - 1:02d}_add" in names else f"block{first - 1:02d}_project_bn"
    below = model.get_layer(cut).output
    features, logits = model.outputs
    lower = keras.Model(model.inputs, [below, features, logits], name="frozen_stages")
    top = keras.Model(below, features, name="top_stages")
    return lower, top


def _batches(model, framed: np.ndarray, batch: int, progress: Callable[[int], None] | None) -> list[np.ndarray]:
    """Each output of `model` for (N, size, size, 3) uint8 photos, in batches."""
    parts: list[list[np.ndarray]] = []
    for start in range(0, len(framed), batch):
        chunk = framed[start : start + batch]
        outputs = model.predict_on_batch(chunk.astype(np.float32))
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        parts = parts or [[] for _ in outputs]
        for found, output in zip(parts, outputs):
            found.append(np.asarray(output))
        if progress:
            progress(len(chunk))
    return [np.concatenate(found) for found in parts]


def run_lower(lower, framed: np.ndarray, batch: int = 32, progress: Callable[[int], None] | None = None) -> Lower:
    """The frozen stages on (N, size, size, 3) uint8 photos."""
    activations, features, imagenet = _batches(lower, framed, batch, progress)
    return Lower(activations.astype(np.float16), features, imagenet)


def run_below(lower, framed: np.ndarray, batch: int = 32, progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Only the top's input (float16) for (N, size, size, 3) uint8 photos: the top stages are not run for nothing."""
    from wardrobe.training.backend import import_keras

    below = import_keras().Model(lower.inputs, lower.outputs[0])
    return _batches(below, framed, batch, progress)[0].astype(np.float16)


def train_top(top, activations: np.ndarray, mirrored: np.ndarray, labels: np.ndarray, weights: np.ndarray,
              held: np.ndarray, classes: int, epochs: int, log: Callable[[str], None] = lambda message: None,
              seed: int = 0) -> dict:
    """Fine-tune the top stages (BatchNorm statistics kept) toward `labels` through a temporary softmax.

    Each epoch shows every training photo once, as itself or its mirror image at random. The epoch with the
    best accuracy on the held-out rows (`held`) wins and its weights stay in `top`.
    """
    from wardrobe.training.backend import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(activations.shape[1:])
    logits = keras.layers.Dense(classes, kernel_regularizer=keras.regularizers.L2(1e-4), name="closet_softmax")(
        keras.layers.Dropout(DROPOUT)(top(inputs)))
    net = keras.Model(inputs, logits)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train = ~held
    x, x_mirror = activations[train], mirrored[train]
    y, w = labels[train], weights[train].astype(np.float32)

    def held_accuracy() -> float:
        if not held.any():
            return float("nan")
        predicted = net.predict(activations[held].astype(np.float32), batch_size=BATCH, verbose=0).argmax(1)
        return float(np.mean(predicted == labels[held]))

    _trainable(top, False)
    net.compile(keras.optimizers.Adam(1e-3), loss)
    net.fit(x.astype(np.float32), y, sample_weight=w, batch_size=BATCH, epochs=WARM_UP_EPOCHS, verbose=0)
    history = [{"epoch": 0, "held_accuracy": held_accuracy(), "what": "softmax only, top frozen"}]
    log(f"softmax on the frozen top: held-out accuracy {history[0]['held_accuracy']:.4f}")
    _trainable(top, True)
    net.compile(keras.optimizers.Adam(LEARNING_RATE), loss)
    rng = np.random.default_rng(seed)
    best = (history[0]["held_accuracy"], 0, top.get_weights())
    for epoch in range(1, epochs + 1):
        flip = rng.random(len(x)) < 0.5
        shown = np.where(flip[:, None, None, None], x_mirror, x).astype(np.float32)
        fitted = net.fit(shown, y, sample_weight=w, batch_size=BATCH, epochs=1, verbose=0)
        history.append({"epoch": epoch, "loss": float(fitted.history["loss"][-1]), "held_accuracy": held_accuracy()})
        log(f"epoch {epoch}/{epochs}: loss {history[-1]['loss']:.4f}, held-out accuracy {history[-1]['held_accuracy']:.4f}")
        if not history[-1]["held_accuracy"] <= best[0]:  # nan (nothing held out) counts as better: the last wins
            best = (history[-1]["held_accuracy"], epoch, top.get_weights())
    top.set_weights(best[2])
    return {"epochs": epochs, "best_epoch": best[1], "held_accuracy": best[0], "history": history,
            "learning_rate": LEARNING_RATE, "warm_up_epochs": WARM_UP_EPOCHS, "dropout": DROPOUT, "batch": BATCH,
            "trained_photos": int(train.sum()), "held_photos": int(held.sum())}


def _trainable(top, on: bool) -> None:
    from wardrobe.training.backend import import_keras

    keras = import_keras()
    top.trainable = on
    for layer in top.layers:  # BatchNorm keeps ImageNet's statistics: a few thousand photos would only blur them
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
