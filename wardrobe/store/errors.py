"""What can go wrong with the home folder and its inventory, as exceptions whose str() is one line for users."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The home folder or its inventory cannot be used; the message says why and what to do."""


class HomeUnusable(StoreError):
    """The home cannot be written: not a folder, read-only, no permission, or the disk is full."""


class InventoryDamaged(StoreError):
    """The inventory database fails its check (or is not a database at all): nothing is written into it."""


class InventoryBusy(StoreError):
    """Another wardrobe held the inventory longer than the busy timeout."""


class BadDatabaseURL(StoreError):
    """--database names no database this app can use (not a URL, an unknown kind, its driver not installed)."""


class ServerUnreachable(StoreError):
    """The database server cannot be reached, or refuses the login."""


class UnsafePath(StoreError):
    """A stored path that does not resolve inside the photo library (a tampered row): refused."""


def damaged(path: Path, why: str) -> InventoryDamaged:
    return InventoryDamaged(
        f"the inventory {path} is damaged ({why}); nothing was written to it. Restore a copy of it, or move it "
        f"aside and add your photos again (those in {path.parent / 'photos'} stay); `wardrobe doctor` checks the rest")


def os_problem(path: Path, exc: OSError, doing: str = "write") -> HomeUnusable:
    """One line for an OSError met while writing into the home."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return HomeUnusable(f"cannot {doing} {path}: the disk is full; free some space and run the command again")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "read-only file system" if exc.errno == errno.EROFS else "permission denied"
        return HomeUnusable(f"cannot {doing} {path}: {why}; reading commands (list, show, users) still work; "
                            "use --home DIR for a writable home")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return HomeUnusable(f"cannot {doing} {path}: a file is in the way where a folder should be; "
                            "point --home (or WARDROBE_HOME) at a folder")
    return HomeUnusable(f"cannot {doing} {path}: {exc.strerror or exc}")


def from_sqlite(path: Path, exc: BaseException) -> StoreError | None:
    """The StoreError an sqlite3 (DBAPI) error stands for, or None for errors that are the program's own."""
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    if isinstance(exc, sqlite3.IntegrityError) or isinstance(exc, sqlite3.ProgrammingError):
        return None
    if "readonly" in text or "read-only" in text:
        return HomeUnusable(f"the inventory {path} is read-only; reading commands (list, show, users) work, changes "
                            "need a writable home (check its permissions, or use --home DIR)")
    if "disk is full" in text or "database or disk is full" in text:
        return HomeUnusable(f"cannot write {path}: the disk is full; free some space and run the command again")
    if "locked" in text or "busy" in text:
        return InventoryBusy(f"the inventory {path} is busy: another wardrobe has held it for 30 s; try again")
    if "unable to open" in text or "disk i/o" in text:
        return HomeUnusable(f"cannot open the inventory {path} ({text}); check that its folder exists and can be "
                            "written, or use --home DIR")
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError) or \
            "malformed" in text or "not a database" in text or "no such table" in text or "no such column" in text:
        return damaged(path, text)
    return None
