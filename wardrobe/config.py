"""Where things live: the home folder, the database, the photo library and the model folders."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
# What ships with the app lives in the repository's top-level model/ and data/ folders; a wheel carries
# them inside the package as wardrobe/_shipped/ (mapped in by the build, see setup.py).
PACKAGED = PACKAGE_ROOT / "_shipped"


def shipped(name: str) -> Path:
    """The shipped model/ or data/ folder: inside the installed package, else beside it in a clone."""
    packaged = PACKAGED / name
    return packaged if packaged.is_dir() else PACKAGE_ROOT.parent / name


def shipped_model_dirs() -> list[Path]:
    return [PACKAGED / "model", PACKAGE_ROOT.parent / "model"]


SHIPPED_MODEL_DIR = shipped("model")
DATA_DIR = shipped("data")


def home_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--home, else $WARDROBE_HOME, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_HOME"):
        return Path(os.environ["WARDROBE_HOME"]).expanduser()
    import platformdirs

    return platformdirs.user_data_path("wardrobe", appauthor=False)


def database_url(explicit: str | None = None) -> str | None:
    """--database, else $WARDROBE_DATABASE_URL, else None: the SQLite file in the home."""
    return explicit or os.environ.get("WARDROBE_DATABASE_URL") or None


def library_dir(explicit: str | os.PathLike | None = None, home: Path | None = None) -> Path:
    """--library, else $WARDROBE_LIBRARY, else the home: the folder of photos/ and thumbnails/."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_LIBRARY"):
        return Path(os.environ["WARDROBE_LIBRARY"]).expanduser()
    return home if home is not None else home_dir()


def model_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--model, else $WARDROBE_MODEL, else the model shipped in the repository's model/ folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_MODEL"):
        return Path(os.environ["WARDROBE_MODEL"]).expanduser()
    return SHIPPED_MODEL_DIR


def photo_model_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--photo-model, else $WARDROBE_PHOTO_MODEL, else the photo network shipped in model/photo/."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_PHOTO_MODEL"):
        return Path(os.environ["WARDROBE_PHOTO_MODEL"]).expanduser()
    return SHIPPED_MODEL_DIR / "photo"


def user_name(explicit: str | None = None) -> str | None:
    """--user, else $WARDROBE_USER, else None (commands then mean the 'default' user, or everybody for a listing)."""
    return explicit or os.environ.get("WARDROBE_USER") or None


class BadName(ValueError):
    """A user or run name that cannot be used; the message says why."""


def check_user_name(name: str) -> str:
    """A user name as typed, refused if empty, too long or holding control characters (ESC sequences...)."""
    if not name or not name.strip():
        raise BadName("a user name cannot be empty")
    if len(name) > 100:
        raise BadName("a user name has at most 100 characters")
    if any(not ch.isprintable() for ch in name) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise BadName(f"user name {ascii(name)} holds control characters; use letters, digits and punctuation")
    return name


def check_run_name(name: str) -> str:
    """A training run's name: a plain folder name under HOME/runs (letters, digits, '.', '_', '-'), no paths."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name or "") or ".." in name:
        raise BadName(f"run name {ascii(name)} is not allowed: use up to 64 letters, digits, '.', '_' or '-', "
                      "starting with a letter or digit (it names a folder under HOME/runs)")
    return name
