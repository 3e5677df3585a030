"""Training the ResNet-50 on Fashion-MNIST: augmentation, schedule, per-epoch checkpoints, resume and export."""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from wardrobe.domain import FMNIST_CLASSES
from wardrobe.files import atomic_write_text
from wardrobe.training import fmnist
from wardrobe.training.artifacts import publish_model
from wardrobe.training.backend import import_keras
from wardrobe.training.randomise import photo_like

# Named architectures: the paper's ResNet-50, and a light one for phones (ResNet-26 at a quarter of the width).
ARCHITECTURES = {
    "resnet50": {"blocks": (3, 4, 6, 3), "width": 64},
    "lite": {"blocks": (2, 2, 2, 2), "width": 16},
}

HISTORY_FIELDS = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds", "elapsed"]


@dataclass
class TrainConfig:
    """Everything that defines a training run; stored in the run folder so a resume continues the same run."""

    epochs: int = 30
    batch_size: int = 128
    arch: str = "resnet50"
    stem: str = "conv"
    learning_rate: float = 0.1
    warmup_epochs: float = 1.0
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    translate: int = 2
    flip: bool = True
    erase_probability: float = 0.5
    photo_like: float = 0.0  # share of images made to look like converted photos (vision/domain.py)
    val_per_class: int = 500
    seed: int = 0
    blocks: tuple[int, ...] = (3, 4, 6, 3)  # bottleneck blocks per stage: [3, 4, 6, 3] is ResNet-50
    width: int = 64  # filters of the first stage's bottleneck
    limit: int = 0  # use only this many training images (tests, smoke runs); 0 = all
    # Devices the run started on: each step takes batch_size images per device (the global batch), and the
    # learning rate grows with it; a resume on other devices keeps the global batch, so the same schedule.
    replicas: int = 1

    @property
    def global_batch(self) -> int:
        return self.batch_size * self.replicas

    @classmethod
    def for_arch(cls, arch: str, **settings) -> "TrainConfig":
        """Settings for a named architecture (its blocks and width), with the given overrides."""
        if arch not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {arch!r}; choose from {', '.join(ARCHITECTURES)}")
        return cls(arch=arch, **{**ARCHITECTURES[arch], **settings})

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "blocks" in values:
            values["blocks"] = tuple(values["blocks"])
        return cls(**values)


def augment(images: np.ndarray, rng: np.random.Generator, config: TrainConfig) -> np.ndarray:
    """Random translation (zero padding), horizontal flip and random erasing of a uint8 batch (N, 28, 28)."""
    n, h, w = images.shape
    out = images
    if config.translate:
        p = config.translate
        padded = np.zeros((n, h + 2 * p, w + 2 * p), dtype=images.dtype)
        padded[:, p : p + h, p : p + w] = images
        dy, dx = rng.integers(0, 2 * p + 1, size=(2, n))
        rows = dy[:, None] + np.arange(h)[None, :]
        cols = dx[:, None] + np.arange(w)[None, :]
        out = padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    else:
        out = images.copy()
    if config.flip:
        flip = rng.random(n) < 0.5
        out[flip] = out[flip, :, ::-1]
    if config.erase_probability:
        for i in np.flatnonzero(rng.random(n) < config.erase_probability):
            area = rng.uniform(0.02, 0.25) * h * w
            ratio = math.exp(rng.uniform(math.log(0.3), math.log(3.3)))
            eh, ew = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
            if 0 < eh < h and 0 < ew < w:
                y, x = rng.integers(0, h - eh + 1), rng.integers(0, w - ew + 1)
                out[i, y : y + eh, x : x + ew] = rng.integers(0, 256, size=(eh, ew), dtype=np.uint8)
    return out


def _keras_parts():
    """Keras objects defined lazily so importing this module does not import TensorFlow."""
    keras = import_keras()

    if hasattr(_keras_parts, "cache"):
        return _keras_parts.cache

    @keras.saving.register_keras_serializable(package="wardrobe")
    class WarmupCosine(keras.optimizers.schedules.LearningRateSchedule):
        """Linear warm-up from peak/10 to peak, then cosine decay to zero at the last step."""

        def __init__(self, peak, warmup_steps, total_steps):
            self.peak, self.warmup_steps, self.total_steps = float(peak), int(warmup_steps), int(total_steps)

        def __call__(self, step):
            ops = keras.ops
            step = ops.cast(step, "float32")
            warm = self.peak * (0.1 + 0.9 * step / max(self.warmup_steps, 1))
            progress = (step - self.warmup_steps) / max(self.total_steps - self.warmup_steps, 1)
            cosine = 0.5 * self.peak * (1.0 + ops.cos(math.pi * ops.clip(progress, 0.0, 1.0)))
            return ops.where(step < self.warmup_steps, warm, cosine)

        def get_config(self):
            return {"peak": self.peak, "warmup_steps": self.warmup_steps, "total_steps": self.total_steps}

    class AugmentedBatches(keras.utils.PyDataset):
        """Shuffled, augmented batches of (pixels, smoothed one-hot labels), reshuffled each epoch."""

        def __init__(self, images, labels, config: TrainConfig, epoch: int = 0):
            super().__init__(workers=1, use_multiprocessing=False, max_queue_size=8)
            self.images, self.labels, self.config = images, labels, config
            self.epoch = epoch
            self._order()

        def _order(self):
            self.rng = np.random.default_rng((self.config.seed, self.epoch))
            self.order = self.rng.permutation(len(self.images))

        def __len__(self):
            return math.ceil(len(self.images) / self.config.global_batch)

        def __getitem__(self, index):
            pick = self.order[index * self.config.global_batch : (index + 1) * self.config.global_batch]
            rng = np.random.default_rng((self.config.seed, self.epoch, index))
            x = augment(self.images[pick], rng, self.config)
            if self.config.photo_like:
                x = photo_like(x, rng, self.config.photo_like)
            y = np.eye(FMNIST_CLASSES, dtype="float32")[self.labels[pick]]
            return x[..., None].astype("float32"), y

        def on_epoch_end(self):
            self.epoch += 1
            self._order()

    _keras_parts.cache = (keras, WarmupCosine, AugmentedBatches)
    return _keras_parts.cache


def compile_model(model, config: TrainConfig, steps_per_epoch: int) -> None:
    keras, WarmupCosine, _ = _keras_parts()
    schedule = WarmupCosine(
        config.learning_rate * config.global_batch / 128,
        warmup_steps=round(config.warmup_epochs * steps_per_epoch),
        total_steps=config.epochs * steps_per_epoch,
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.9, nesterov=True),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
    )


class RunFolder:
    """The files of one run: config, latest checkpoint, best model, history."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.config = self.path / "config.json"
        self.checkpoint = self.path / "checkpoint.keras"
        self.best = self.path / "best.keras"
        self.history = self.path / "history.csv"

    def read_history(self) -> list[dict]:
        if not self.history.is_file():
            return []
        with open(self.history, newline="") as f:
            return [{k: float(v) if k != "epoch" else int(v) for k, v in row.items()} for row in csv.DictReader(f)]

    def write_history(self, rows: list[dict]) -> None:
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=HISTORY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(self.history, buffer.getvalue())


def _save_atomically(model, target: Path) -> None:
    tmp = target.with_name(f".{target.stem}.tmp.keras")
    model.save(tmp)
    tmp.replace(target)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class DevicesUnavailable(ValueError):
    """--devices asks for more devices than there are (or the backend cannot spread training over them)."""


def strategy_for(devices: int | None):
    """A tf.distribute strategy over `devices` replicas: GPUs where there are (None: all of them), else the CPU
    split into that many logical devices (which must happen before TensorFlow starts using the CPU)."""
    import_keras()
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    devices = devices or max(len(gpus), 1)
    if devices == 1:
        return tf.distribute.get_strategy()  # the default: one device, exactly as without --devices
    if import_keras().backend.backend() != "tensorflow":
        raise DevicesUnavailable("training on several devices needs Keras' TensorFlow backend")
    if gpus:
        if devices > len(gpus):
            raise DevicesUnavailable(f"--devices {devices}: this machine has {len(gpus)} GPUs")
        return tf.distribute.MirroredStrategy([f"/gpu:{k}" for k in range(devices)])
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    except RuntimeError:
        pass  # TensorFlow already started: the logical devices it has are the ones there are
    found = len(tf.config.list_logical_devices("CPU"))
    if found < devices:
        raise DevicesUnavailable(f"--devices {devices}: no GPU here, and the CPU is already split into {found}")
    return tf.distribute.MirroredStrategy([f"/cpu:{k}" for k in range(devices)],
                                          cross_device_ops=tf.distribute.ReductionToOneDevice())


def train(config: TrainConfig, run_dir: Path, data_dir=None, verbose: int | None = None,
          devices: int | None = None) -> RunFolder:
    """Train (or resume) the run in run_dir until config.epochs on `devices` replicas (None: every GPU, else
    the CPU), data-parallel; returns the run folder."""
    keras, _, AugmentedBatches = _keras_parts()
    from wardrobe.training.resnet import build_resnet50

    strategy = strategy_for(devices)  # first: the CPU can be split only before TensorFlow uses it
    replicas = strategy.num_replicas_in_sync
    run = RunFolder(run_dir)
    run.path.mkdir(parents=True, exist_ok=True)
    if run.config.is_file():
        stored = TrainConfig.from_dict(json.loads(run.config.read_text()))
        if {**asdict(stored), "replicas": 0} != {**asdict(config), "replicas": 0}:
            _log(f"resuming run {run.path.name} with its stored settings: {asdict(stored)}")
        config = stored
    else:
        config = TrainConfig.from_dict({**asdict(config), "replicas": replicas})
        atomic_write_text(run.config, json.dumps(asdict(config), indent=2) + "\n")
    if config.global_batch % replicas:
        raise DevicesUnavailable(f"this run's global batch ({config.global_batch}) cannot be split over {replicas} "
                                 "devices; resume it on a number of devices that divides it")

    data = fmnist.load(data_dir)
    train_idx, val_idx = fmnist.split_validation(data["train_labels"], config.val_per_class, config.seed)
    if config.limit:
        train_idx = train_idx[: config.limit]
        val_idx = val_idx[: max(config.limit // 5, 10)]
    x_train, y_train = data["train_images"][train_idx], data["train_labels"][train_idx]
    x_val = data["train_images"][val_idx][..., None].astype("float32")
    y_val = np.eye(FMNIST_CLASSES, dtype="float32")[data["train_labels"][val_idx]]

    history = run.read_history()
    done = len(history)
    if done >= config.epochs:
        _log(f"run {run.path.name} already finished its {config.epochs} epochs")
        return run
    batches = AugmentedBatches(x_train, y_train, config, epoch=done)
    with strategy.scope():
        if done and run.checkpoint.is_file():
            model = keras.models.load_model(run.checkpoint)
            _log(f"resumed run {run.path.name} after epoch {done}/{config.epochs}")
        else:
            history, done = [], 0
            model = build_resnet50(stem=config.stem, blocks=tuple(config.blocks), base_filters=config.width,
                                   weight_decay=config.weight_decay, synchronized=replicas > 1)
            compile_model(model, config, len(batches))
    devices_used = [d for d in _visible_devices() if d != "cpu"]
    _log(f"training {model.name} ({model.count_params():,} parameters) on {len(x_train):,} images, "
         f"validating on {len(x_val):,}; device: {', '.join(devices_used) or 'CPU'}"
         + (f"; {replicas} replicas, {config.global_batch} images a step" if replicas > 1 else ""))

    class EpochEnd(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            seconds = time.perf_counter() - self.started
            lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
            row = {"epoch": epoch + 1, "loss": logs.get("loss"), "accuracy": logs.get("accuracy"),
                   "val_loss": logs.get("val_loss"), "val_accuracy": logs.get("val_accuracy"),
                   "learning_rate": lr, "seconds": round(seconds, 1),
                   "elapsed": round((history[-1]["elapsed"] if history else 0) + seconds, 1)}
            best_so_far = max((r["val_accuracy"] for r in history), default=-1)
            # Best first, then the checkpoint, then the history that says both exist.
            if row["val_accuracy"] > best_so_far:
                _save_atomically(model, run.best)
            _save_atomically(model, run.checkpoint)
            history.append(row)
            run.write_history(history)
            left = (config.epochs - epoch - 1) * seconds
            _log(f"epoch {epoch + 1}/{config.epochs}: loss {row['loss']:.4f} acc {row['accuracy']:.4f} | "
                 f"val loss {row['val_loss']:.4f} val acc {row['val_accuracy']:.4f} | lr {lr:.4g} | "
                 f"{seconds:.0f} s, about {left / 60:.0f} min left")

    if verbose is None:
        verbose = 1 if sys.stdout.isatty() else 2
    model.fit(batches, validation_data=(x_val, y_val), epochs=config.epochs, initial_epoch=done,
              callbacks=[EpochEnd()], verbose=verbose)
    return run


def _visible_devices() -> list[str]:
    keras = import_keras()

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return [d.device_type.lower() for d in tf.config.list_physical_devices()]
    if keras.backend.backend() == "torch":
        import torch

        return ["gpu"] if torch.cuda.is_available() else ["cpu"]
    return ["cpu"]


def export(run_dir: Path, out_dir: Path, data_dir=None) -> dict:
    """Publish the run's best model (chosen on validation) to out_dir with its card; the test set is read here only."""
    keras, _, _ = _keras_parts()
    from wardrobe.training.resnet import build_resnet50

    run = RunFolder(run_dir)
    if not run.best.is_file():
        raise FileNotFoundError(f"{run.best}: this run has no finished epoch yet; train it first")
    config = TrainConfig.from_dict(json.loads(run.config.read_text()))
    history = run.read_history()
    best = max(history, key=lambda r: r["val_accuracy"])
    trained = keras.models.load_model(run.best)
    # A fresh, uncompiled copy: the shipped file holds weights and architecture, no optimizer state.
    model = build_resnet50(stem=config.stem, blocks=tuple(config.blocks), base_filters=config.width, weight_decay=0)
    model.set_weights(trained.get_weights())

    data = fmnist.load(data_dir)
    test_x = data["test_images"][..., None].astype("float32")

    def evaluate(predict):
        probabilities = predict(test_x)
        return float(np.mean(probabilities.argmax(1) == data["test_labels"])), probabilities

    test_accuracy, _ = evaluate(lambda x: model.predict(x, batch_size=256, verbose=0))
    _, val_idx = fmnist.split_validation(data["train_labels"], config.val_per_class, config.seed)
    return publish_model(model, out_dir, name=config.arch, evaluate=evaluate, metrics={
        "validation_accuracy": round(best["val_accuracy"], 4),
        "validation_images": int(len(val_idx[: max(config.limit // 5, 10)] if config.limit else val_idx)),
        "test_accuracy": round(test_accuracy, 4),
        "test_images": int(len(data["test_labels"])),
        "epochs": int(best["epoch"]),
        "epochs_planned": config.epochs,
        "train_seconds": round(best["elapsed"], 1),
        "train_accuracy": round(best["accuracy"], 4),
        "training": asdict(config),
    })
