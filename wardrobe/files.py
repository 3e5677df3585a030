"""Files written whole or not at all, and their sha256: the one place for hashing and atomic writes."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def _lock(fd: int, exclusive: bool, wait: bool = False) -> bool:
    """flock(2) where the platform has it: True when the lock was taken, False when another process holds it.

    Where there is no locking at all (no fcntl, a file system without locks), every lock reads as taken by
    another process, so that nothing is ever removed on a guess.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover  (Windows)
        return False
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB))
    except OSError:  # BlockingIOError: held elsewhere; others: no locks here
        return False
    return True


def locked_temp_beside(target: Path, mark: str):
    """A new hidden temporary file beside target, opened for writing and locked while it stays open: (file, path).

    Its name holds `mark`, so that unlock_stale() can find what a killed writer left.
    """
    fd, tmp = tempfile.mkstemp(dir=Path(target).parent, prefix=f".{Path(target).name}.{mark}-", suffix=".tmp")
    _lock(fd, exclusive=True)
    return os.fdopen(fd, "w+b"), Path(tmp)


def unlock_stale(path: Path) -> int:
    """Remove a temporary file that no running process holds locked (its writer was killed); 1 if removed, else 0."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return 0
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or not _lock(fd, exclusive=True):
            return 0
        Path(path).unlink(missing_ok=True)
        return 1
    except OSError:
        return 0
    finally:
        os.close(fd)


def _lock_file(path: Path) -> int | None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError:
        return None  # a read-only folder: nothing is written there, nothing to lock


@contextmanager
def shared_lock(path: Path) -> Iterator[None]:
    """Hold the lock file at path shared (writers into a folder): waits while one holds it exclusively."""
    fd = _lock_file(path)
    try:
        if fd is not None:
            _lock(fd, exclusive=False, wait=True)
        yield
    finally:
        if fd is not None:
            os.close(fd)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[bool]:
    """Try to hold the lock file at path exclusively; yields whether no process holds it (and none can take it
    until the block ends). False where it cannot be told."""
    fd = _lock_file(path)
    try:
        yield fd is not None and _lock(fd, exclusive=True)
    finally:
        if fd is not None:
            os.close(fd)


def sha256_regular(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a regular file (never a FIFO or device, which would block or never end), as hex."""
    digest = hashlib.sha256()
    with open_regular_file(path) as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()
