"""Importing Keras (and so TensorFlow) on demand, and keeping native libraries' chatter off the terminal."""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_native_stderr():
    """Drop what C/C++ code writes to file descriptor 2 inside the block (sys.stderr redirection cannot)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras():
    """Import and return keras; TensorFlow's start-up log lines are dropped, errors still raise."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with quiet_native_stderr():
        import keras
        import keras.src.backend  # noqa: F401  (the backend's own import prints too)
    return keras
