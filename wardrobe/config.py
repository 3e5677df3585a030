"""Where things live: the home folder (inventory, photo library) and the model folders."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
SHIPPED_MODEL_DIR = PACKAGE_ROOT.parent / "model"


def home_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--home, else $WARDROBE_HOME, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_HOME"):
        return Path(os.environ["WARDROBE_HOME"]).expanduser()
    import platformdirs

    return platformdirs.user_data_path("wardrobe", appauthor=False)


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
