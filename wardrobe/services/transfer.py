"""Export the inventory and its photos as one archive; import one, merging by photo hash (a move or a backup)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from wardrobe.services.intake import Intake
from wardrobe.services.inventory import Wardrobe
from wardrobe.store.archive import TABLES, ArchiveReader, ArchiveRefused, ArchiveWriter, sweep_temporaries
from wardrobe.store.errors import HomeUnusable, StoreError, os_problem
from wardrobe.store.library import THUMBNAIL_SIZE, thumbnail_jpeg
from wardrobe.store.records import check_tables
from wardrobe.store.repository import utcnow
from wardrobe.store.transfer import dump, load
from wardrobe.vision.photo import MAX_PHOTO_BYTES, PhotoError, open_photo
from wardrobe.vision.safe_open import UnusableFile, read_regular

MAX_THUMBNAIL_BYTES = 1 << 20  # what export copies of a thumbnail (ours are 256 pixels a side, some 10 KB)


class ExportRefused(ValueError):
    """An export target that must not be written: inside the home, not a regular file, or existing without --force."""


class ExportFailed(StoreError):
    """The library changed while it was being exported; nothing was written."""


def export_target(wardrobe: Wardrobe, path: Path, force: bool = False) -> Path:
    """The archive path, refused (ExportRefused) inside the home or the library, where something that is not a
    regular file is, or where a file is and force is not given."""
    path = Path(path).expanduser()
    resolved = path.resolve() if path.is_symlink() else path.parent.resolve() / path.name
    for root in dict.fromkeys((wardrobe.home, wardrobe.library.home)):
        if resolved.is_relative_to(Path(root).expanduser().resolve()):
            raise ExportRefused(f"{path} lies inside the wardrobe's home or library ({root}): an export there could "
                                "replace the inventory or a photo; choose a path outside it")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise ExportRefused(f"{path} exists and is not a regular file; choose another path")
        if not force:
            raise ExportRefused(f"{path} exists; `wardrobe export --force` replaces it")
    return path


def _library_bytes(wardrobe: Wardrobe, stored: str, limit: int) -> bytes | None:
    """A library file's bytes (a regular file inside the library, at most limit bytes), None where there is none."""
    if not wardrobe.library.is_inside(stored):
        return None
    try:
        return read_regular(wardrobe.library.photo_path(stored), limit)
    except UnusableFile:
        return None


def _leave_out(tables: dict[str, list[dict]], shas: set[str]) -> None:
    """Drop items (by sha256) and what refers to them only: outfits keep null for them, as for a removed item."""
    tables["items"] = [item for item in tables["items"] if item["sha256"] not in shas]
    for table, field in (("corrections", "item"), ("wears", "item")):
        tables[table] = [row for row in tables[table] if row[field] not in shas]
    for outfit in tables["outfits"]:
        outfit["items"] = [None if sha in shas else sha for sha in outfit["items"]]


def export_archive(wardrobe: Wardrobe, path: Path, force: bool = False) -> dict:
    """Write every row and every photo to the archive at path (replaced whole, never half-written).

    Items whose photo is missing from the library or no longer matches its hash are left out (an archive that
    holds them could not be imported), and so are taste models this version cannot use (`retrain` rebuilds them).
    Returns the count of each table's rows, of files written, of items and taste models left out.
    """
    from wardrobe.outfits.preference import PreferenceModel

    path = export_target(wardrobe, path, force)
    tables = dump(wardrobe.inventory.sessions)
    damaged = {item["sha256"] for item in tables["items"]
               if (data := _library_bytes(wardrobe, item["photo"], MAX_PHOTO_BYTES)) is None
               or hashlib.sha256(data).hexdigest() != item["sha256"]}
    _leave_out(tables, damaged)
    models = len(tables["preference_models"])
    tables["preference_models"] = [m for m in tables["preference_models"] if PreferenceModel.problem(m["params"]) is None]
    sweep_temporaries(path.parent)
    try:
        writer = ArchiveWriter(path)
    except OSError as exc:
        raise os_problem(path.parent, exc, "write into") from exc
    files = 0
    try:
        counts = {table: len(tables[table]) for table in TABLES}
        writer.add_manifest(counts, utcnow().isoformat())
        for table in TABLES:
            writer.add_table(table, tables[table])
        for item in tables["items"]:
            photo = _library_bytes(wardrobe, item["photo"], MAX_PHOTO_BYTES)
            if photo is None or hashlib.sha256(photo).hexdigest() != item["sha256"]:
                raise ExportFailed(f"the photo of an item ({item['photo']}) changed during the export; nothing was "
                                   "written; run it again")
            writer.add_bytes(item["photo"], photo)
            thumbnail = _library_bytes(wardrobe, item["thumbnail"], MAX_THUMBNAIL_BYTES)
            if thumbnail is not None:
                writer.add_bytes(item["thumbnail"], thumbnail)
            files += 1 + (thumbnail is not None)
        writer.close()
    except OSError as exc:
        writer.abandon()
        raise os_problem(path, exc) from exc
    except BaseException:
        writer.abandon()
        raise
    return {**counts, "files": files, "missing_photos": len(damaged),
            "damaged_taste_models": models - len(tables["preference_models"])}


def import_archive(wardrobe: Wardrobe, path: Path) -> dict:
    """Merge an archive into the inventory: every record checked, every photo checked against its hash and opened
    as a photo, thumbnails made afresh from the photos; then photos into the library and rows in one transaction.
    Items already there (same photo) are kept as they are. Returns the count of new rows per table.

    A hostile or damaged archive is refused whole (ArchiveRefused) before anything is put in the library.
    """
    from wardrobe.outfits.preference import PreferenceModel

    if wardrobe.inventory.read_only:
        raise HomeUnusable(f"the home {wardrobe.home} is read-only: nothing can be imported")
    with ArchiveReader(Path(path).expanduser()) as reader:
        # A taste model of another version or other features (an archive made before an upgrade) is left out, not
        # refused: the user's ratings come in, and the model is rebuilt from them when next used (Stylist.model).
        tables = check_tables(reader.rows, lambda params: None if PreferenceModel.outdated(params)
                              else PreferenceModel.problem(params))
        models = tables["preference_models"]
        tables["preference_models"] = [m for m in models if not PreferenceModel.outdated(m["params"])]
        with wardrobe.library.writing():
            counts = _take_in(wardrobe, reader, tables)
        return {**counts, "outdated_taste_models": len(models) - len(tables["preference_models"])}


def _take_in(wardrobe: Wardrobe, reader: ArchiveReader, tables: dict[str, list[dict]]) -> dict:
    """Check and stage every photo (nothing in place yet), then move them into place and insert the rows; a
    failure anywhere takes back what this import put in."""
    library = wardrobe.library
    staged: list[list] = []  # [sha256, name, staged photo, staged thumbnail]
    created: list[str] = []
    try:
        try:
            for number, item in enumerate(tables["items"], 1):
                photo, thumbnail = _checked_photo(reader, item, number)
                sha, name = item["sha256"], item["photo_file"]
                staged.append([sha, name, library.stage(sha, name, photo), None])
                staged[-1][3] = library.stage_thumbnail(sha, thumbnail)
            while staged:
                sha, name, photo, thumbnail = staged[-1]
                library.store(sha, name, photo, thumbnail, created)
                staged.pop()
        except OSError as exc:
            raise os_problem(library.photos, exc) from exc
        counts = load(wardrobe.inventory.sessions, tables)
    except BaseException:
        for _, _, photo, thumbnail in staged:
            library.discard(photo)
            library.discard(thumbnail)
        Intake(wardrobe).take_back(created, check=True)
        raise
    return {**counts, "files": len(created)}


def _checked_photo(reader: ArchiveReader, item: dict, number: int) -> tuple[bytes, bytes]:
    """An item's photo from the archive, checked against its hash and opened as a photo, and its thumbnail made
    from it (the archive's own thumbnail is never trusted nor read)."""
    where = f"items record {number}"
    photo = reader.read(item["photo_file"], MAX_PHOTO_BYTES)
    if photo is None:
        raise ArchiveRefused(f"{where}: its photo {item['photo_file']} is not in the archive; nothing imported")
    if hashlib.sha256(photo).hexdigest() != item["sha256"]:
        raise ArchiveRefused(f"{where}: its photo does not match its sha256; nothing imported")
    try:
        thumbnail = thumbnail_jpeg(open_photo(photo, longest=THUMBNAIL_SIZE))
    except PhotoError as exc:
        raise ArchiveRefused(f"{where}: its photo cannot be used ({exc}); nothing imported") from exc
    return photo, thumbnail
