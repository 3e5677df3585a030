"""The export archive: a tar of JSON-lines tables and the photo files, written atomically, read without trusting it.

Format (version 1), members in this order:
  manifest.json            {"format": "wardrobe-export", "version": 1, "created_at": ISO time, "counts": {table: n}}
  TABLE.jsonl              one JSON object per line, for each table of TABLES (fields: see wardrobe/store/transfer.py)
  photos/ab/SHA256.EXT     each item's photo, byte for byte (named by its content hash)
  thumbnails/ab/SHA256.jpg its thumbnail
Rows refer to each other by content, never by database id: items by sha256, users by name, outfits by "ref".
The archive is a plain (uncompressed) tar: a compressed one could inflate without bound, and photos do not shrink.
A reader opens only a regular file, never extracts by member name, reads only the members it expects, each
within a size cap by its kind, tables line by line, and refuses the whole archive (ArchiveRefused, one line)
when anything else is there: a name that could lead anywhere else, a link or a device, an oversized member
or line, a version not its own, a truncated or damaged archive.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import tarfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from wardrobe.files import NotRegularFile, open_regular_file

FORMAT, VERSION = "wardrobe-export", 1
TABLES = ("users", "items", "corrections", "outfits", "ratings", "wears", "preference_models")
MAX_LINE = 1 << 20  # an item's line, embedding included, is some 20 KB
MAX_MANIFEST = 64 << 10
MAX_TABLE = {"items": 512 << 20}  # some 25,000 items with a 2048-d embedding each
MAX_OTHER_TABLE = 64 << 20
MAX_MEMBERS = 400_000  # a photo and a thumbnail per item, plus the tables
MAX_HEADER = 64 << 10  # a pax or GNU long-name header: names and times, never megabytes
TEMPORARY_MARK = "wardrobe-export"  # in the names of the temporary files a writer leaves while it runs
COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz", b"\x28\xb5\x2f\xfd": "zstd",
              b"\x5d\x00\x00": "lzma"}
_MEMBER = re.compile(r"manifest\.json|(?:%s)\.jsonl|photos/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,16}"
                     r"|thumbnails/[0-9a-f]{2}/[0-9a-f]{64}\.jpg" % "|".join(TABLES))
_FOLDER = re.compile(r"(?:photos|thumbnails)(?:/[0-9a-f]{2})?/?")


class ArchiveRefused(Exception):
    """An archive that is not a wardrobe export this version can read, or looks hostile; nothing was imported."""


class ArchiveWriter:
    """Writes an archive to a temporary file beside `path`, moved into place by close() (never half a file).

    While it runs the writer holds a lock on its temporary file, so that a later writer can tell a file a killed
    one left behind (no lock: removed by sweep_temporaries) from one still being written.
    """

    def __init__(self, path: Path):
        from wardrobe.files import locked_temp_beside

        self.path = Path(path)
        self.file, self.tmp = locked_temp_beside(self.path, TEMPORARY_MARK)
        try:
            self.tar = tarfile.open(fileobj=self.file, mode="w", format=tarfile.PAX_FORMAT)
        except BaseException:
            self.abandon()
            raise

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        self.tar.addfile(info, io.BytesIO(data))

    def add_table(self, table: str, rows: Iterable[dict]) -> int:
        lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for row in rows]
        self.add_bytes(f"{table}.jsonl", "".join(line + "\n" for line in lines).encode())
        return len(lines)

    def add_manifest(self, counts: dict[str, int], created_at: str) -> None:
        self.add_bytes("manifest.json", json.dumps({"format": FORMAT, "version": VERSION, "created_at": created_at,
                                                    "counts": counts}, indent=1).encode())

    def close(self) -> None:
        """Finish the archive, flush it to disk and move it into place (replacing what was there)."""
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        os.replace(self.tmp, self.path)
        self.file.close()

    def abandon(self) -> None:
        """Remove the temporary file; never raises (a full disk may be why the archive is abandoned)."""
        try:
            self.file.close()  # not tar.close(): that would write the archive's end, which a full disk refuses
        except OSError:
            pass
        try:
            self.tmp.unlink(missing_ok=True)
        except OSError:
            pass


def sweep_temporaries(folder: Path) -> int:
    """Remove the temporary files that killed writers left in folder (those no running writer holds); how many."""
    from wardrobe.files import unlock_stale

    removed = 0
    try:
        leftovers = list(Path(folder).glob(f".*.{TEMPORARY_MARK}-*.tmp"))
    except OSError:
        return 0
    for leftover in leftovers:
        removed += unlock_stale(leftover)
    return removed


class _Header(tarfile.TarInfo):
    """A tar header whose extended headers (pax, GNU long names) are refused before they are read when oversized."""

    def _proc_member(self, tar):
        if self.type in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME,
                         tarfile.GNUTYPE_LONGLINK) and self.size > MAX_HEADER:
            raise ArchiveRefused(f"an extended tar header of {self.size} bytes; refused, nothing imported")
        return super()._proc_member(tar)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not finite")
    return value


def parse_json(data: bytes | str):
    """JSON as the archive may hold it: no NaN or infinities; ValueError for anything else (deep nesting too)."""
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


class ArchiveReader:
    """Reads an archive's manifest, tables and photo files, refusing anything it does not expect."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.file = self._open()
        try:
            self._index()
            self.manifest = self._manifest()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open(self):
        try:
            f = open_regular_file(self.path)
        except FileNotFoundError as exc:
            raise ArchiveRefused(f"{self.path}: no such file") from exc
        except IsADirectoryError as exc:
            raise ArchiveRefused(f"{self.path} is a folder, not an archive") from exc
        except NotRegularFile as exc:
            raise ArchiveRefused(f"{self.path} is not a regular file (a device, pipe or socket); nothing imported") \
                from exc
        except OSError as exc:
            raise ArchiveRefused(f"{self.path}: cannot be read ({_why(exc)})") from exc
        try:
            head = f.read(8)
            f.seek(0)
        except OSError as exc:
            f.close()
            raise ArchiveRefused(f"{self.path}: cannot be read ({_why(exc)})") from exc
        for magic, kind in COMPRESSED.items():
            if head.startswith(magic):
                f.close()
                raise ArchiveRefused(f"{self.path.name} is compressed ({kind}); wardrobe imports the plain .tar that "
                                     "`wardrobe export` writes: decompress it first; nothing imported")
        return f

    def _index(self) -> None:
        self.members: dict[str, tarfile.TarInfo] = {}
        try:
            self.tar = tarfile.open(fileobj=self.file, mode="r:", tarinfo=_Header)
            while (member := self.tar.next()) is not None:
                self._admit(member)
        except ArchiveRefused:
            raise
        except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeError) as exc:
            raise ArchiveRefused(f"{self.path.name}: not a wardrobe archive, or truncated ({_why(exc)}); "
                                 "nothing imported") from exc

    def _admit(self, member: tarfile.TarInfo) -> None:
        name = member.name
        if len(self.members) >= MAX_MEMBERS:
            raise ArchiveRefused(f"{self.path.name}: more than {MAX_MEMBERS} members; refused, nothing imported")
        if not (member.isfile() or member.isdir()):
            raise ArchiveRefused(f"{self.path.name}: member {name!r} is a link or a device, not a file; refused, "
                                 "nothing imported")
        if member.isdir() and _FOLDER.fullmatch(name):
            return
        if member.isdir() or not _MEMBER.fullmatch(name):
            raise ArchiveRefused(f"{self.path.name}: member {name!r} is not part of a wardrobe export (it could lead "
                                 "outside the library); refused, nothing imported")
        if name in self.members:
            raise ArchiveRefused(f"{self.path.name}: member {name!r} appears twice; refused, nothing imported")
        self.members[name] = member

    def _manifest(self) -> dict:
        data = self.read("manifest.json", MAX_MANIFEST)
        if data is None:
            raise ArchiveRefused(f"{self.path.name}: manifest.json is missing: not a wardrobe export")
        try:
            manifest = parse_json(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArchiveRefused(f"{self.path.name}: manifest.json is not valid JSON; nothing imported") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveRefused(f"{self.path.name}: not a wardrobe export (its manifest does not say so)")
        if manifest.get("version") != VERSION or isinstance(manifest.get("version"), bool):
            raise ArchiveRefused(f"{self.path.name}: export format version {manifest.get('version')!r:.40}; this "
                                 f"wardrobe reads version {VERSION}; nothing imported")
        counts = manifest.get("counts")
        if not isinstance(counts, dict):
            raise ArchiveRefused(f"{self.path.name}: its manifest has no counts; nothing imported")
        return manifest

    def close(self) -> None:
        tar = getattr(self, "tar", None)
        if tar is not None:
            tar.close()
        self.file.close()

    def read(self, name: str, limit: int) -> bytes | None:
        """A member's bytes, None when the archive has no such file; refused when larger than limit."""
        member = self.members.get(name)
        if member is None:
            return None
        if member.size > limit:
            raise ArchiveRefused(f"{self.path.name}: {name} is {member.size} bytes, more than {limit} are allowed; "
                                 "nothing imported")
        try:
            data = self.tar.extractfile(member).read()
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ArchiveRefused(f"{self.path.name}: {name} cannot be read (truncated or damaged: {_why(exc)}); "
                                 "nothing imported") from exc
        if len(data) != member.size:
            raise ArchiveRefused(f"{self.path.name}: {name} is truncated; nothing imported")
        return data

    def size(self, name: str) -> int | None:
        """A member's size in bytes as its header says; None when the archive has no such file."""
        member = self.members.get(name)
        return None if member is None else member.size

    def rows(self, table: str) -> Iterator[dict]:
        """A table's records, one JSON object per line, read line by line (never the whole member at once)."""
        name = f"{table}.jsonl"
        member = self.members.get(name)
        if member is None:
            raise ArchiveRefused(f"{self.path.name}: {name} is missing; nothing imported")
        limit = MAX_TABLE.get(table, MAX_OTHER_TABLE)
        if member.size > limit:
            raise ArchiveRefused(f"{self.path.name}: {name} is {member.size} bytes, more than {limit} are allowed; "
                                 "nothing imported")
        stream = self.tar.extractfile(member)
        number, seen = 0, 0
        while True:
            try:
                line = stream.readline(MAX_LINE + 1)
            except (tarfile.TarError, EOFError, OSError) as exc:
                raise ArchiveRefused(f"{self.path.name}: {name} cannot be read (truncated or damaged: {_why(exc)}); "
                                     "nothing imported") from exc
            if not line:
                break
            number, seen = number + 1, seen + len(line)
            where = f"{self.path.name}: {name} line {number}"
            if len(line) > MAX_LINE:
                raise ArchiveRefused(f"{where} is longer than {MAX_LINE} bytes; nothing imported")
            if not line.strip():
                raise ArchiveRefused(f"{where} is blank: not written by `wardrobe export`; nothing imported")
            try:
                row = parse_json(line)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ArchiveRefused(f"{where} is not valid JSON ({_why(exc)}); nothing imported") from exc
            if not isinstance(row, dict):
                raise ArchiveRefused(f"{where} is not an object; nothing imported")
            yield row
        if seen != member.size:
            raise ArchiveRefused(f"{self.path.name}: {name} is truncated; nothing imported")
        expected = self.manifest["counts"].get(table)
        if expected != number:
            raise ArchiveRefused(f"{self.path.name}: {name} holds {number} records, its manifest says {expected!r:.20}; "
                                 "nothing imported")


def _why(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__
