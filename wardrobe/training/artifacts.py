"""The shipped files of a model: float16 weights for Keras, a LiteRT model for inference, and their card.

Weights are stored as float16 arrays in a plain .npz (loaded with allow_pickle=False, so a file can
never run code) and the architecture is rebuilt from the card; this halves the repository's growth per
model version against a float32 .keras file, with the same predictions (checked when publishing).
"""

from __future__ import annotations

import platform
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from wardrobe.domain import CATEGORIES, FMNIST_CLASSES
from wardrobe.training.backend import import_keras
from wardrobe.vision import card as cards
from wardrobe.vision.photo import CONVERSION_VERSION

# dynamic: int8 weights, float activations; int8: weights and activations, ranges calibrated on sample inputs
LITERT_VARIANTS = ("float32", "float16", "dynamic", "int8")
DEFAULT_LITERT = "dynamic"


def save_weights(model, path: Path) -> None:
    arrays = {f"w{i:04d}": np.asarray(w).astype(np.float16) for i, w in enumerate(model.get_weights())}
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def build_from_card(card: dict):
    """The Keras model the card describes, without weights."""
    from wardrobe.training.resnet import build_resnet50

    arch = card["architecture"]
    return build_resnet50(stem=arch["stem"], blocks=tuple(arch["blocks"]), base_filters=arch["width"], weight_decay=0)


def load_keras(model_dir: Path):
    """The shipped network as a float32 Keras model (for evaluation and fine-tuning), checked against its card."""
    path, card = cards.verified_artifact(model_dir, "weights")
    model = build_from_card(card)
    try:
        with np.load(path, allow_pickle=False) as data:
            weights = [data[f"w{i:04d}"].astype(np.float32) for i in range(len(data.files))]
        model.set_weights(weights)
    except (ValueError, KeyError, OSError) as exc:
        raise cards.ModelError(f"{path}: weights do not fit the architecture on the card ({exc})") from exc
    return model, card


def with_embedding(model):
    """A model with two outputs: probabilities and the pooled embedding."""
    keras = import_keras()
    return keras.Model(model.inputs, [model.outputs[0], model.get_layer("embedding").output])


def to_litert(model, path: Path, variant: str = DEFAULT_LITERT, outputs=with_embedding,
              calibration: np.ndarray | None = None) -> None:
    """Convert a Keras model, with the outputs `outputs(model)` gives it, to a LiteRT flatbuffer.

    int8 needs `calibration`, inputs like those the model will read (float32, one per row), to fix each
    activation's range; its input and outputs stay float32.
    """
    import_keras()
    import tensorflow as tf

    if variant not in LITERT_VARIANTS:
        raise ValueError(f"variant must be one of {LITERT_VARIANTS}")
    if variant == "int8" and (calibration is None or len(calibration) == 0):
        raise ValueError("int8 needs sample inputs to calibrate on")
    saved = Path(tempfile.mkdtemp(prefix="wardrobe-export-"))
    try:
        outputs(model).export(str(saved / "model"), format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(str(saved / "model"))
        if variant in ("float16", "dynamic", "int8"):
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if variant == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if variant == "int8":
            converter.representative_dataset = lambda: ([np.asarray(x, np.float32)[None]] for x in calibration)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        Path(path).write_bytes(converter.convert())
    finally:
        shutil.rmtree(saved, ignore_errors=True)


def architecture_of(model) -> dict:
    """Stem, blocks and width of a model built by build_resnet50, read from its layers."""
    names = [layer.name for layer in model.layers]
    blocks = [len({n.split("_")[1] for n in names if n.startswith(f"stage{s}_block")}) for s in range(1, 5)]
    width = model.get_layer("stage1_block1_conv1").filters
    return {"family": "resnet-bottleneck", "stem": "conv" if "conv1" in names else "paper",
            "blocks": blocks, "width": width, "name": model.name}


def publish_model(model, out_dir: Path, metrics: dict, name: str = "resnet50", evaluate=None) -> dict:
    """Write weights and the default LiteRT model into out_dir and switch its card to them; returns the card.

    evaluate, when given, maps a predict function to (accuracy, predictions) on held-out data, and the
    card records each artifact's accuracy and its agreement with the float32 Keras model.
    """
    keras = import_keras()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged_weights = out_dir / ".staged.npz"
    staged_lite = out_dir / ".staged.tflite"
    save_weights(model, staged_weights)
    to_litert(model, staged_lite, DEFAULT_LITERT)
    embedding = model.get_layer("embedding").output
    card = {
        "name": name,
        "architecture": architecture_of(model),
        "parameters": int(model.count_params()),
        "class_names": list(CATEGORIES[:FMNIST_CLASSES]),
        "input": {"shape": [28, 28, 1], "dtype": "float32", "range": [0, 255],
                  "meaning": "Fashion-MNIST-domain grayscale: garment bright on black, rescaled inside the model"},
        "output": {"probabilities": "predictions", "embedding": {"layer": "embedding", "size": int(embedding.shape[-1])}},
        "preprocessing_version": CONVERSION_VERSION,
        **metrics,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"python": platform.python_version(), "keras": keras.__version__,
                     "backend": keras.backend.backend(), "numpy": np.__version__},
        "artifacts": {"weights": {"format": "npz float16, architecture from this card"},
                      "litert": {"format": f"LiteRT flatbuffer, {DEFAULT_LITERT} quantisation"}},
    }
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        card["versions"]["tensorflow"] = tf.__version__
    if evaluate is not None:
        from wardrobe.vision.classifier import LiteRTNetwork

        reference_accuracy, reference = evaluate(lambda x: model.predict(x, batch_size=256, verbose=0))
        restored = build_from_card(card)
        with np.load(staged_weights, allow_pickle=False) as data:
            restored.set_weights([data[f"w{i:04d}"].astype(np.float32) for i in range(len(data.files))])
        for kind, predict in (("weights", lambda x: restored.predict(x, batch_size=256, verbose=0)),
                              ("litert", lambda x: LiteRTNetwork(staged_lite).predict(x)[0])):
            accuracy, predictions = evaluate(predict)
            card["artifacts"][kind].update({"test_accuracy": round(accuracy, 4), "agreement_with_float32": round(
                float(np.mean(predictions.argmax(1) == reference.argmax(1))), 4)})
    return cards.publish(out_dir, {"weights": staged_weights, "litert": staged_lite}, card)
