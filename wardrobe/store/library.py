"""The photo library: each photo copied under its content hash, with a thumbnail, written atomically."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image

THUMBNAIL_SIZE = 256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class PhotoLibrary:
    """Files under home/photos and home/thumbnails, named by the photo's sha256."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.photos = self.home / "photos"
        self.thumbnails = self.home / "thumbnails"

    def photo_path(self, relative: str) -> Path:
        return self.home / relative

    def _place(self, folder: Path, sha256: str, suffix: str) -> Path:
        return folder / sha256[:2] / f"{sha256}{suffix}"

    def store(self, source: Path, sha256: str, thumbnail_jpeg: bytes) -> tuple[str, str]:
        """Copy the photo and write its thumbnail; return both paths relative to home. Idempotent."""
        photo = self._place(self.photos, sha256, source.suffix.lower() or ".img")
        if not photo.exists():
            _atomic_copy(source, photo)
        thumb = self._place(self.thumbnails, sha256, ".jpg")
        if not thumb.exists():
            _atomic_write(thumbnail_jpeg, thumb)
        return str(photo.relative_to(self.home)), str(thumb.relative_to(self.home))

    def delete(self, *relative: str) -> None:
        for rel in relative:
            if rel:
                (self.home / rel).unlink(missing_ok=True)


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


def _atomic_copy(source: Path, target: Path) -> None:
    tmp = _temp_beside(target)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def thumbnail_jpeg(image: Image.Image) -> bytes:
    """The thumbnail the library keeps for a photo, as JPEG bytes (made in worker threads)."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _atomic_write(data: bytes, target: Path) -> None:
    tmp = _temp_beside(target)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
