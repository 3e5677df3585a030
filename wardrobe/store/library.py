"""The photo library: each photo copied under its content hash, with a thumbnail, written atomically."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path, PurePosixPath

from PIL import Image

from wardrobe.files import atomic_write_bytes, exclusive_lock, shared_lock, write_beside

THUMBNAIL_SIZE = 256
FOLDERS = ("photos", "thumbnails")
STALE_SECONDS = 15 * 60  # a temporary file this old belongs to no running `add`: a killed one left it
LOCK_NAME = ".writers.lock"  # in the library's folder: held (shared) by each add and import while it writes


def safe_relative(stored: str) -> str:
    """A stored library path if it is one (photos/... or thumbnails/..., relative, no '..'), else ''."""
    path = PurePosixPath(str(stored))
    if path.is_absolute() or len(path.parts) < 2 or path.parts[0] not in FOLDERS or ".." in path.parts \
            or "\\" in str(stored) or "\x00" in str(stored):
        return ""
    return str(path)


def photo_suffix(name: str) -> str:
    """The suffix a stored photo keeps: the name's, lower case, if it is plain letters and digits; else .img."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ".img"


class PhotoLibrary:
    """Files under LIBRARY/photos and LIBRARY/thumbnails (LIBRARY: --library, else the home), named by sha256."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.photos = self.home / "photos"
        self.thumbnails = self.home / "thumbnails"

    def photo_path(self, relative: str) -> Path:
        """The file a stored path names, which must lie inside the library (else UnsafePath)."""
        from wardrobe.store.errors import UnsafePath

        if not safe_relative(relative):
            raise UnsafePath(f"stored path {relative!r} is not inside the photo library; refused")
        path = self.home / relative
        root = self.home.resolve()
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root / folder) for folder in FOLDERS):
            raise UnsafePath(f"stored path {relative!r} leads outside the photo library; refused")
        return path

    def is_inside(self, relative: str) -> bool:
        from wardrobe.store.errors import UnsafePath

        try:
            self.photo_path(relative)
        except UnsafePath:
            return False
        return True

    def _place(self, folder: Path, sha256: str, suffix: str) -> Path:
        return folder / sha256[:2] / f"{sha256}{suffix}"

    def places(self, sha256: str, name: str) -> tuple[Path, Path]:
        """Where a photo (named by its hash and its name's suffix) and its thumbnail are kept."""
        return self._place(self.photos, sha256, photo_suffix(name)), self._place(self.thumbnails, sha256, ".jpg")

    def stage(self, sha256: str, name: str, data: bytes) -> Path:
        """Write a photo's bytes to a hidden temporary file beside its place, for store() to move into place.

        Worker processes stage what they read, so that a photo's bytes never travel back to the parent.
        A staged file that nobody stores is removed by discard(), or after a kill by sweep_temporary().
        """
        return write_beside(self.places(sha256, name)[0], data)

    def stage_thumbnail(self, sha256: str, data: bytes) -> Path:
        """As stage(), for a thumbnail."""
        return write_beside(self._place(self.thumbnails, sha256, ".jpg"), data)

    def store(self, sha256: str, name: str, staged: Path, thumbnail_jpeg: bytes | Path | None,
              created: list[str] | None = None) -> tuple[str, str]:
        """Move a staged photo into place and write its thumbnail (bytes, or staged too); return both paths relative
        to home. Idempotent: files already in place are kept (staged copies are removed).

        The paths of files this call wrote (not those already there) are appended to `created`, so a
        caller whose transaction fails can take back exactly what it put in.
        """
        photo, thumb = self.places(sha256, name)
        if photo.exists():
            self.discard(staged)
        else:
            os.replace(staged, photo)
            if created is not None:
                created.append(str(photo.relative_to(self.home)))
        if isinstance(thumbnail_jpeg, Path) and thumb.exists():
            self.discard(thumbnail_jpeg)
        elif thumbnail_jpeg is not None and not thumb.exists():
            if isinstance(thumbnail_jpeg, Path):
                os.replace(thumbnail_jpeg, thumb)
            else:
                atomic_write_bytes(thumb, thumbnail_jpeg)
            if created is not None:
                created.append(str(thumb.relative_to(self.home)))
        return str(photo.relative_to(self.home)), str(thumb.relative_to(self.home))

    @staticmethod
    def discard(staged: Path | None) -> None:
        if staged is not None:
            try:
                Path(staged).unlink(missing_ok=True)
            except OSError:
                pass  # left for sweep_temporary

    def put(self, sha256: str, name: str, photo: bytes | None, thumbnail: bytes | None,
            created: list[str] | None = None) -> tuple[str, str]:
        """As stage() then store(), from bytes; where a photo is not given, only its place is returned.

        The places come from the hash (which the caller checked) and the name's suffix, never from the name.
        """
        if photo is None:
            paths = self.places(sha256, name)
            return str(paths[0].relative_to(self.home)), str(paths[1].relative_to(self.home))
        return self.store(sha256, name, self.stage(sha256, name, photo), thumbnail, created)

    def delete(self, *relative: str) -> list[str]:
        """Delete stored files; paths outside the library are never touched. Returns those refused."""
        refused = []
        for rel in relative:
            if not rel:
                continue
            if self.is_inside(rel):
                (self.home / rel).unlink(missing_ok=True)
            else:
                refused.append(rel)
        return refused

    def writing(self):
        """Held by every process that writes into the library (add, import): see unclaimed()."""
        return shared_lock(self.home / LOCK_NAME)

    def unclaimed(self):
        """Yields whether no add or import is writing into the library now (none can start until the block ends):
        then every temporary or unreferenced file is a leftover that no running process can still claim."""
        return exclusive_lock(self.home / LOCK_NAME)

    def sweep_temporary(self, older_than: float = STALE_SECONDS) -> int:
        """Remove temporary files a killed `add` left in the library; returns how many."""
        removed = 0
        cutoff = time.time() - older_than
        for folder in (self.photos, self.thumbnails):
            if not folder.is_dir():
                continue
            for tmp in folder.glob("*/.*.tmp"):
                try:
                    if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                        tmp.unlink()
                        removed += 1
                except OSError:
                    pass  # a read-only home: left for a later start
        return removed


def thumbnail_jpeg(image: Image.Image) -> bytes:
    """The thumbnail the library keeps for a photo, as JPEG bytes (made in worker threads)."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()



