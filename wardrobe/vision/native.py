"""Keeping native libraries' chatter (LiteRT, TensorFlow) off the terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

_lock = threading.Lock()
_inside = 0  # threads inside quiet_native_stderr now
_saved: int | None = None  # the real file descriptor 2 while they are


@contextlib.contextmanager
def quiet_native_stderr():
    """Drop what C/C++ code writes to file descriptor 2 inside the block (sys.stderr redirection cannot).

    File descriptor 2 belongs to the whole process: the first thread in sends it to /dev/null, the last one out
    gives it back. (Two threads each saving and restoring it could leave the command's stderr in /dev/null for
    good: the first to leave restored the real one, the second what it had saved, /dev/null.)
    """
    global _inside, _saved
    with _lock:
        if _inside == 0:
            sys.stderr.flush()
            _saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                os.dup2(_saved, 2)
                os.close(_saved)
                _saved = None
