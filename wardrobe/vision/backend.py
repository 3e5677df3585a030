"""Importing Keras (and so TensorFlow) on demand, without TensorFlow's start-up chatter on the terminal."""

from __future__ import annotations

import os
import sys


def import_keras():
    """Import and return keras; TensorFlow's C++ log lines printed during the import are dropped."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)  # C++ code writes to fd 2 directly; sys.stderr redirection would not catch it
        import keras
        import keras.src.backend  # noqa: F401  (the backend's own import prints too)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return keras
