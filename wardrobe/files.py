"""Files written whole or not at all, and their sha256: the one place for hashing and atomic writes."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path


class NotRegularFile(OSError):
    """A path that names a device, FIFO or socket where a regular file was expected."""


def open_regular_file(path: Path):
    """Open a regular file for reading (binary), refusing anything else without blocking on it (a FIFO, /dev/zero).

    Raises OSError as open() would (FileNotFoundError, IsADirectoryError, PermissionError), or NotRegularFile.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"{path}: not a regular file (a device, pipe or socket)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def temp_beside(target: Path) -> Path:
    """A new empty hidden temporary file in target's folder (created if missing), to be renamed over target."""
    target = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except FileNotFoundError:  # the folder's first file (asking first would cost every file a system call)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes, sync: bool = False) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, then renamed over.

    sync=True also flushes it to disk first (model cards and weights: a crash must not leave a torn file).
    """
    tmp = temp_beside(Path(path))
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        if sync:
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide a model card from other users of a shared install
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write a whole text file or nothing, flushed to disk (see atomic_write_bytes)."""
    atomic_write_bytes(path, text.encode("utf-8"), sync=True)


def write_beside(target: Path, data: bytes) -> Path:
    """A new hidden temporary file in target's folder holding data, for the caller to rename over target (or delete)."""
    tmp = temp_beside(Path(target))
    try:
        with open(tmp, "wb") as f:
            f.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
