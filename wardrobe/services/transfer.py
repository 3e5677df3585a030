"""Export the inventory and its photos as one archive; import one, merging by photo hash (a move or a backup)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from wardrobe.services.intake import Intake
from wardrobe.services.inventory import Wardrobe
from wardrobe.store.archive import TABLES, ArchiveReader, ArchiveRefused, ArchiveWriter
from wardrobe.store.errors import HomeUnusable, os_problem
from wardrobe.store.library import safe_relative
from wardrobe.store.repository import utcnow
from wardrobe.store.transfer import SHA256, dump, load


def export_archive(wardrobe: Wardrobe, path: Path) -> dict:
    """Write every row and every photo to the archive at path (replaced whole, never half-written).

    Returns the count of each table's rows, of photo files written and of photos missing from the library.
    """
    tables = dump(wardrobe.inventory.sessions)
    path = Path(path).expanduser()
    try:
        writer = ArchiveWriter(path)
    except OSError as exc:
        raise os_problem(path.parent, exc, "write into") from exc
    files, missing = 0, 0
    try:
        counts = {table: len(tables[table]) for table in TABLES}
        writer.add_manifest(counts, utcnow().isoformat())
        for table in TABLES:
            writer.add_table(table, tables[table])
        for item in tables["items"]:
            for stored in (item["photo"], item["thumbnail"]):
                try:
                    data = wardrobe.library.photo_path(stored).read_bytes() if wardrobe.library.is_inside(stored) else None
                except FileNotFoundError:
                    data = None
                if data is None:
                    missing += stored == item["photo"]
                    continue
                writer.add_bytes(safe_relative(stored), data)
                files += 1
        writer.close()
    except OSError as exc:
        writer.abandon()
        raise os_problem(path, exc) from exc
    except BaseException:
        writer.abandon()
        raise
    return {**counts, "files": files, "missing_photos": missing}


def import_archive(wardrobe: Wardrobe, path: Path) -> dict:
    """Merge an archive into the inventory: photos into the library (checked against their hash), rows in one
    transaction. Items already there (same photo) are kept as they are. Returns the count of new rows per table.

    A hostile or damaged archive is refused whole (ArchiveRefused); files written before a refusal are taken back.
    """
    if wardrobe.inventory.read_only:
        raise HomeUnusable(f"the home {wardrobe.home} is read-only: nothing can be imported")
    reader = ArchiveReader(Path(path).expanduser())
    created: list[str] = []
    try:
        tables = {table: list(reader.rows(table)) for table in TABLES}
        files = {}
        for number, row in enumerate(tables["items"], 1):
            sha = row.get("sha256")
            if not isinstance(sha, str) or not SHA256.fullmatch(sha):
                raise ArchiveRefused(f"items record {number}: sha256 is not a sha256; nothing imported")
            photo, thumbnail = (_member(reader, row.get(field)) for field in ("photo", "thumbnail"))
            if photo is not None and hashlib.sha256(photo).hexdigest() != sha:
                raise ArchiveRefused(f"items record {number}: its photo does not match its sha256; nothing imported")
            try:
                files[sha] = wardrobe.library.put(sha, str(row.get("photo") or ""), photo, thumbnail, created)
            except OSError as exc:
                raise os_problem(wardrobe.library.photos, exc) from exc
        counts = load(wardrobe.inventory.sessions, tables, files)
    except BaseException:
        Intake(wardrobe).take_back(created, check=True)
        raise
    finally:
        reader.close()
    return {**counts, "files": len(created)}


def _member(reader: ArchiveReader, stored) -> bytes | None:
    """A photo or thumbnail the archive carries under a library name; None where it has none."""
    name = safe_relative(stored) if isinstance(stored, str) else ""
    return reader.read(name) if name else None
