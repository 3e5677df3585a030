"""The export archive: a tar of JSON-lines tables and the photo files, written atomically, read without trusting it.

Format (version 1), members in this order:
  manifest.json            {"format": "wardrobe-export", "version": 1, "created_at": ISO time, "counts": {table: n}}
  TABLE.jsonl              one JSON object per line, for each table of TABLES (fields: see wardrobe/store/transfer.py)
  photos/ab/SHA256.EXT     each item's photo, byte for byte (named by its content hash)
  thumbnails/ab/SHA256.jpg its thumbnail
Rows refer to each other by content, never by database id: items by sha256, users by name, outfits by "ref".
A reader never extracts by member name: it reads the members it expects and refuses the whole archive
(ArchiveRefused, one line) when a name could lead anywhere else, a member is not a plain file, the
version is not its own, or the archive is truncated or damaged.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

FORMAT, VERSION = "wardrobe-export", 1
TABLES = ("users", "items", "corrections", "outfits", "ratings", "wears", "preference_models")
MAX_LINE = 8 << 20  # no row of ours comes near this; a longer line is not one of ours


class ArchiveRefused(Exception):
    """An archive that is not a wardrobe export this version can read, or looks hostile; nothing was imported."""


class ArchiveWriter:
    """Writes an archive to a temporary file beside `path`, moved into place by close() (never half a file)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        os.close(fd)
        self.tmp = Path(tmp)
        self.tar = tarfile.open(self.tmp, "w", format=tarfile.PAX_FORMAT)

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
        self.tar.addfile(info, io.BytesIO(data))

    def add_table(self, table: str, rows: Iterable[dict]) -> int:
        lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
        self.add_bytes(f"{table}.jsonl", "".join(line + "\n" for line in lines).encode())
        return len(lines)

    def add_manifest(self, counts: dict[str, int], created_at: str) -> None:
        self.add_bytes("manifest.json", json.dumps({"format": FORMAT, "version": VERSION, "created_at": created_at,
                                                    "counts": counts}, indent=1).encode())

    def close(self) -> None:
        self.tar.close()
        os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        self.tar.close()
        self.tmp.unlink(missing_ok=True)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name \
        and "\x00" not in name and not any(ord(c) < 32 for c in name)


class ArchiveReader:
    """Reads an archive's manifest, tables and photo files, refusing anything it does not expect."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.tar = tarfile.open(self.path, "r:*")
            self.members = {}
            for member in self.tar.getmembers():  # reads the whole index: a truncated archive fails here
                if not _safe_name(member.name):
                    raise ArchiveRefused(f"{self.path.name}: member {member.name!r} would lead outside the "
                                         "library; refused, nothing imported")
                if not (member.isfile() or member.isdir()):
                    raise ArchiveRefused(f"{self.path.name}: member {member.name!r} is a link or a device, "
                                         "not a file; refused, nothing imported")
                self.members[member.name] = member
        except ArchiveRefused:
            raise
        except FileNotFoundError as exc:
            raise ArchiveRefused(f"{self.path}: no such file") from exc
        except IsADirectoryError as exc:
            raise ArchiveRefused(f"{self.path} is a folder, not an archive") from exc
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise ArchiveRefused(f"{self.path.name}: not a wardrobe archive, or truncated ({_why(exc)}); "
                                 "nothing imported") from exc
        manifest = self._json(self.read("manifest.json"), "manifest.json")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveRefused(f"{self.path.name}: not a wardrobe export (its manifest does not say so)")
        if manifest.get("version") != VERSION:
            raise ArchiveRefused(f"{self.path.name}: export format version {manifest.get('version')!r}; this "
                                 f"wardrobe reads version {VERSION}; nothing imported")
        self.manifest = manifest

    def close(self) -> None:
        self.tar.close()

    def read(self, name: str) -> bytes | None:
        """A member's bytes, None when the archive has no such member."""
        member = self.members.get(name)
        if member is None or not member.isfile():
            return None
        try:
            data = self.tar.extractfile(member).read()
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ArchiveRefused(f"{self.path.name}: {name} cannot be read (truncated or damaged: {_why(exc)}); "
                                 "nothing imported") from exc
        if len(data) != member.size:
            raise ArchiveRefused(f"{self.path.name}: {name} is truncated; nothing imported")
        return data

    def rows(self, table: str) -> Iterator[dict]:
        data = self.read(f"{table}.jsonl")
        if data is None:
            raise ArchiveRefused(f"{self.path.name}: {table}.jsonl is missing; nothing imported")
        for number, line in enumerate(data.splitlines(), start=1):
            if len(line) > MAX_LINE:
                raise ArchiveRefused(f"{self.path.name}: {table}.jsonl line {number} is too long; nothing imported")
            if line.strip():
                row = self._json(line, f"{table}.jsonl line {number}")
                if not isinstance(row, dict):
                    raise ArchiveRefused(f"{self.path.name}: {table}.jsonl line {number} is not an object")
                yield row

    def _json(self, data: bytes | None, where: str):
        if data is None:
            raise ArchiveRefused(f"{self.path.name}: {where} is missing: not a wardrobe export")
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArchiveRefused(f"{self.path.name}: {where} is not valid JSON; nothing imported") from exc


def _why(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__
