"""Importing Keras (and so TensorFlow) on demand; a light install without them gets one line naming the extra."""

from __future__ import annotations

import os
import sys

from wardrobe.vision.card import ModelError
from wardrobe.vision.native import quiet_native_stderr

INSTALL_HINT = "pip install 'wardrobe[train]'"


class TrainingExtraMissing(ModelError):
    """Keras/TensorFlow are not installed: training and rebuilding networks need the [train] extra."""


def import_keras():
    """Import and return keras; TensorFlow's start-up log lines are dropped, errors still raise."""
    if sys.modules.get("keras") is not None:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with quiet_native_stderr():
            import keras
            import keras.src.backend  # noqa: F401  (the backend's own import prints too)
    except ImportError as exc:
        raise TrainingExtraMissing(f"this command needs Keras and TensorFlow, which the light install leaves out "
                                   f"({exc.name or exc}): {INSTALL_HINT}") from exc
    return keras
