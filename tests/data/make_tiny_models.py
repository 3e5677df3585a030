"""Rebuild the tiny test models in tests/data through the real export paths (needs the [train] extra).

`python tests/data/make_tiny_models.py` writes tiny-model/ (a ResNet of the paper's shape, one block per stage and
4 base filters) and tiny-photo-model/ (a tiny EfficientNet-Lite exported to LiteRT, with a head over its features).
The suite reads these committed copies, so most tests need neither TensorFlow nor the seconds an export takes;
the export paths themselves are tested by the `model` tests, which build their own.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def build_tiny_model(out: Path, seed: int = 0) -> Path:
    from wardrobe.training.artifacts import publish_model
    from wardrobe.training.backend import import_keras
    from wardrobe.training.resnet import build_resnet50

    import_keras().utils.set_random_seed(seed)
    model = build_resnet50(blocks=(1, 1, 1, 1), base_filters=4, weight_decay=0)
    publish_model(model, out, {"validation_accuracy": None, "test_accuracy": None, "epochs": 0})
    return out


def build_tiny_photo_model(out: Path, weights: Path) -> Path:
    from wardrobe.domain import CATEGORIES
    from wardrobe.training.photonet_export import export_photo_network
    from wardrobe.vision import card as cards
    from wardrobe.vision.head import fit_head

    card = export_photo_network(out, "lite0", weights, "float32")
    network = card["artifacts"]["litert"]["sha256"]
    rng = np.random.default_rng(0)
    labels = np.arange(10 * len(CATEGORIES)) % len(CATEGORIES)
    features = rng.normal(0, 1, (len(labels), 32)) + labels[:, None] * 0.3
    head = fit_head(features, labels, np.ones(len(labels)), network)
    head.save(out / ".staged-head.npz")
    card["artifacts"]["head"] = {"format": "npz", "network": network}
    cards.publish(out, {"head": out / ".staged-head.npz"}, card)
    return out


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from torchfile import tiny_efficientnet_state, write_state_dict

    for name in ("tiny-model", "tiny-photo-model"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    build_tiny_model(HERE / "tiny-model")
    with tempfile.TemporaryDirectory() as work:
        weights = write_state_dict(Path(work) / "tiny-lite.pth", tiny_efficientnet_state())
        build_tiny_photo_model(HERE / "tiny-photo-model", weights)
    print(f"wrote {HERE / 'tiny-model'} and {HERE / 'tiny-photo-model'}")


if __name__ == "__main__":
    main()
