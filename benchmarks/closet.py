"""The benchmarks' closet: a Wardrobe whose inventory holds a photo folder (added once; reused if the home has it)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def photo_closet(home: Path | None, photos: Path, model: Path | None = None, prefix: str = "wardrobe-bench-"):
    """A Wardrobe at home (a fresh temporary one when None) with the photos of `photos` added as `add` adds them."""
    from wardrobe.services import Wardrobe

    home = home or Path(tempfile.mkdtemp(prefix=prefix))
    wardrobe = Wardrobe(home, model)
    if not wardrobe.items():
        if not photos.is_dir():
            raise SystemExit(f"{photos}: photo folder not found (pass --photos DIR)")
        print(f"adding {photos} to {home} ...", file=sys.stderr)
        list(wardrobe.add(wardrobe.find_inputs([photos])))
    return wardrobe
