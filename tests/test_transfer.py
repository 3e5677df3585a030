"""Export and import: every row and photo survives SQLite -> PostgreSQL -> SQLite; merges by hash; hostile archives."""

import hashlib
import io
import json
import tarfile

import numpy as np
import pytest
from conftest import garment_photo, run_cli
from PIL import Image

from wardrobe.outfits.preference import PreferenceModel
from wardrobe.services import Wardrobe
from wardrobe.services.transfer import export_archive, import_archive
from wardrobe.store.archive import ArchiveRefused
from wardrobe.store.repository import NewItem
from wardrobe.store.taste import TasteStore
from wardrobe.store.transfer import dump
from wardrobe.weather import Weather

LABELS = (0, 1, 7, 3, 8, 2)


def _fill(service: Wardrobe, tmp_path, count: int = len(LABELS), start: int = 0) -> list[int]:
    """Items with real photo files (some owned), a relabel, outfits, ratings, wear and a taste model."""
    rng = np.random.default_rng(start)
    new = []
    for k in range(start, start + count):
        photo = garment_photo(tmp_path / f"photo{k}.png", colour=(40 * k % 256, 90, 200 - 30 * k % 200))
        data = photo.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        photo_file, thumb = service.library.put(sha, photo.name, data, b"thumb" + bytes([k]))
        new.append(NewItem(sha256=sha, photo_file=photo_file, thumbnail_file=thumb, original_name=f"shirt {k}.png",
                           predicted_label=LABELS[k % len(LABELS)], probabilities=[1 / 13] * 13,
                           conversion_version="v", model_version="m", colours=["blue", "white"],
                           embedding=rng.standard_normal(16).astype(np.float32).tobytes(),
                           photo_features=rng.standard_normal(8).astype(np.float16).tobytes(),
                           owner_id=service.user_id("alice") if k % 3 == 0 else None,
                           attributes={"pattern": "striped", "colour": "navy"} if k % 2 else {},
                           attribute_features=rng.random(6).astype(np.float16).tobytes()))
    items = service.inventory.add_items(new)
    ids = [item.id for item in items]
    service.inventory.relabel(ids[1], 12)
    service.inventory.set_user_attributes(ids[1], {"kind": "hat", "material": "knit"})
    taste = TasteStore(service.inventory.sessions)
    bob = taste.user_id("bob")
    service.inventory.set_warmth(ids[1], 3)
    outfits = taste.record_outfits(bob, [(ids[:3], "-".join(map(str, sorted(ids[:3]))), 0.25, False)])
    outfits += taste.record_outfits(bob, [(ids[2:5], "-".join(map(str, sorted(ids[2:5]))), 0.75, True)], "work",
                                    Weather(8.0, rain=True, source="forecast").to_dict())
    model = PreferenceModel()
    model.coef[:2], model.ratings = (0.5, -0.25), 1
    taste.add_rating(bob, outfits[0], 1, model.to_dict())
    taste.add_rating(bob, outfits[1], -1)
    taste.add_wears(bob, ids[:2])
    return ids


def _rows(service: Wardrobe) -> dict:
    tables = dump(service.inventory.sessions)
    for user in tables["users"]:
        if user["name"] == "default":
            user["created_at"] = None  # every inventory makes its own default user when it is created
    return tables


def _library(service: Wardrobe) -> dict:
    root = service.library.home
    return {str(p.relative_to(root)): p.read_bytes() for folder in ("photos", "thumbnails")
            for p in (root / folder).rglob("*") if p.is_file()}


def test_round_trip_through_each_database_keeps_every_row_and_photo(tmp_path, location):
    """SQLite -> the location (another SQLite file, or PostgreSQL) -> SQLite: every row and every photo's bytes."""
    source = Wardrobe(tmp_path / "a")
    _fill(source, tmp_path)
    export_archive(source, tmp_path / "a.tar")
    server = Wardrobe(tmp_path / "b", database=location.get("url") or f"sqlite:///{location['path']}")
    assert server.inventory.where.endswith("inv.sqlite3") == ("path" in location)
    counts = import_archive(server, tmp_path / "a.tar")
    assert counts["items"] == len(LABELS) and counts["ratings"] == 2 and counts["files"] == 2 * len(LABELS)
    export_archive(server, tmp_path / "b.tar")
    back = Wardrobe(tmp_path / "c")
    import_archive(back, tmp_path / "b.tar")
    assert _rows(server) == _rows(source) == _rows(back)
    assert _library(back).keys() == _library(source).keys() and len(_library(source)) == 2 * len(LABELS)
    photos = {name: data for name, data in _library(source).items() if name.startswith("photos/")}
    assert {name: data for name, data in _library(back).items() if name.startswith("photos/")} == photos
    for name, data in _library(back).items():  # thumbnails are made afresh from the photos, never copied
        if name.startswith("thumbnails/"):
            assert data.startswith(b"\xff\xd8") and max(Image.open(io.BytesIO(data)).size) <= 256
    assert back.inventory.list()[1].user_label == 12 and back.inventory.list()[0].owner == "alice"
    assert back.inventory.list()[1].warmth == 3
    assert [(r.occasion, r.weather and r.weather["temperature"]) for r in TasteStore(back.inventory.sessions).ratings(
        TasteStore(back.inventory.sessions).user_id("bob", create=False))] == [(None, None), ("work", 8.0)]
    for service in (source, server, back):
        service.close()


def test_import_into_a_non_empty_inventory_merges_by_photo_hash(tmp_path):
    source = Wardrobe(tmp_path / "a")
    _fill(source, tmp_path)
    export_archive(source, tmp_path / "a.tar")
    target = Wardrobe(tmp_path / "b")
    mine = _fill(target, tmp_path / "..", count=3, start=4)  # photos 4 and 5 are in both; 6 only here
    target.inventory.relabel(mine[0], 9)
    counts = import_archive(target, tmp_path / "a.tar")
    assert counts["items"] == 4 and len(target.inventory.list()) == 7
    assert target.inventory.get(mine[0]).user_label == 9  # an item already here keeps what it has
    again = import_archive(target, tmp_path / "a.tar")
    assert sum(again.values()) == 0  # importing twice adds nothing
    assert len(TasteStore(target.inventory.sessions).ratings(TasteStore(target.inventory.sessions).user_id("bob"))) == 4
    source.close()
    target.close()


def _archive(path, members: list[tuple[str, bytes]], links: tuple = ()) -> str:
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return str(path)


MANIFEST = json.dumps({"format": "wardrobe-export", "version": 1, "counts": {}}).encode()
EMPTY = [(f"{t}.jsonl", b"") for t in ("users", "items", "corrections", "outfits", "ratings", "wears", "preference_models")]


@pytest.fixture
def exported(tmp_path):
    source = Wardrobe(tmp_path / "source")
    _fill(source, tmp_path, count=2)
    export_archive(source, tmp_path / "good.tar")
    source.close()
    return tmp_path / "good.tar"


def _hostile(kind: str, tmp_path, good) -> str:
    path = tmp_path / f"{kind}.tar"
    if kind == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        path.write_bytes(b"\x00not an archive" * 100)
    elif kind == "traversal":
        _archive(path, [("manifest.json", MANIFEST), *EMPTY, ("../../escaped.txt", b"x")])
    elif kind == "absolute":
        _archive(path, [("manifest.json", MANIFEST), *EMPTY, (str(tmp_path / "escaped.txt"), b"x")])
    elif kind == "symlink":
        _archive(path, [("manifest.json", MANIFEST), *EMPTY], links=[("photos/aa/x.png", "/etc/passwd")])
    elif kind == "version":
        _archive(path, [("manifest.json", MANIFEST.replace(b'"version": 1', b'"version": 99')), *EMPTY])
    elif kind == "wrong-hash":
        with tarfile.open(good) as tar:
            members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
        _archive(path, [(n, d if not n.startswith("photos/") else d + b"!") for n, d in members])
    elif kind == "bad-row":
        items = json.dumps({"sha256": "a" * 64, "photo": "../../../etc/passwd", "state": "active"}).encode()
        _archive(path, [("manifest.json", MANIFEST), *[(n, items if n == "items.jsonl" else d) for n, d in EMPTY]])
    return str(path)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "traversal", "absolute", "symlink", "version", "wrong-hash",
                                  "bad-row"])
def test_hostile_archives_are_refused_in_one_line(kind, tmp_path, exported, private_home):
    result = run_cli("import", _hostile(kind, tmp_path, exported))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("wardrobe: ") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    assert json.loads(run_cli("list", "--json").stdout) == []
    assert not [p for p in private_home.rglob("*") if p.is_file() and p.parent.name not in (private_home.name,)]


def test_a_refused_archive_leaves_no_files_behind(tmp_path, exported):
    target = Wardrobe(tmp_path / "target")
    with tarfile.open(exported) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    broken = [(n, d.replace(b'"value":-1', b'"value":5') if n == "ratings.jsonl" else d) for n, d in members]
    with pytest.raises(ArchiveRefused):  # a rating of 5 breaks the inventory's rules after the photos were written
        import_archive(target, _archive(tmp_path / "broken.tar", broken))
    assert _library(target) == {} and target.inventory.list() == []
    target.close()


def test_export_and_import_from_the_command_line(tmp_path, exported):
    imported = run_cli("import", str(exported))
    assert imported.returncode == 0 and "imported 2 new items" in imported.stderr, imported.stderr
    again = run_cli("export", str(tmp_path / "again.tar"))
    assert again.returncode == 0 and "exported 2 items" in again.stderr, again.stderr
    assert run_cli("export", str(tmp_path / "no" / "such" / "folder.tar")).returncode == 7
