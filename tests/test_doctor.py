"""`wardrobe doctor`: exit 0 on a healthy home; each problem of the library named, `--repair` removing leftovers,
and `--json`. (A damaged inventory, taste model or dropped table: test_damaged_state.py, test_untrusted_input.py.)"""

import json
import os
import sqlite3
import time

import pytest
from conftest import garment_photo, run_cli

CHECKS = {"home", "inventory", "stored paths", "photos", "temporary files", "library files", "model"}


@pytest.fixture
def healthy(use_tiny_model, private_home, tmp_path):
    """A home with three items added from photos: every check passes."""
    for n in range(3):
        garment_photo(tmp_path / f"p{n}.png", colour=(60 * n, 90, 150))
    assert run_cli("add", str(tmp_path)).returncode == 0
    return private_home


def findings(*args: str) -> tuple[int, dict[str, dict]]:
    result = run_cli("doctor", "--json", *args)
    return result.returncode, {f["check"]: f for f in json.loads(result.stdout)}


def photo_of(home, item_id: int):
    [name] = sqlite3.connect(home / "inventory.sqlite3").execute("SELECT photo_file FROM items WHERE id = ?",
                                                                 (item_id,)).fetchone()
    return home / name


def test_a_healthy_home_is_exit_0_and_every_check_says_ok(healthy):
    result = run_cli("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * len(lines)
    assert "intact, 3 items" in result.stdout and "every file belongs to an item" in result.stdout
    code, found = findings()
    assert code == 0 and all(f["ok"] and not f["repaired"] for f in found.values())
    assert set(found) >= CHECKS and [line[10:26].strip() for line in lines] == list(found)
    assert set(found["home"]) == {"check", "ok", "detail", "repaired"}


def test_a_missing_photo_and_a_path_outside_the_library_are_named(healthy, tmp_path):
    photo_of(healthy, 2).unlink()
    outside = garment_photo(tmp_path / "elsewhere.png")
    con = sqlite3.connect(healthy / "inventory.sqlite3")
    con.execute("UPDATE items SET photo_file = ? WHERE id = 3", (os.path.relpath(outside, healthy),))
    con.commit()
    result = run_cli("doctor")
    assert result.returncode == 8
    assert "PROBLEM   photos           photos of items 2 are missing; `wardrobe remove` them" in result.stdout
    assert "PROBLEM   stored paths     items 3 name files outside the library" in result.stdout, result.stdout
    code, found = findings()
    assert code == 8 and not found["photos"]["ok"] and not found["stored paths"]["ok"]
    assert found["inventory"]["ok"] and found["model"]["ok"]
    assert outside.exists()  # never read, never removed
    code, found = findings("--repair")  # nothing a user made is repaired away: both problems stay
    assert code == 8 and not found["photos"]["ok"] and not found["stored paths"]["ok"]
    assert sqlite3.connect(healthy / "inventory.sqlite3").execute("SELECT count(*) FROM items").fetchone() == (3,)


def test_orphans_and_temporary_files_are_reported_then_removed_by_repair(healthy):
    folder = healthy / "photos" / "zz"
    folder.mkdir()
    orphan, thumb, temporary = folder / ("ab" * 32 + ".png"), healthy / "thumbnails" / "zz" / "x.jpg", folder / ".a.png.1.tmp"
    thumb.parent.mkdir()
    for path in (orphan, thumb, temporary):
        path.write_bytes(b"left behind")
        old = time.time() - 7200
        os.utime(path, (old, old))
    kept = photo_of(healthy, 1)
    result = run_cli("doctor")
    assert result.returncode == 8
    assert "PROBLEM   temporary files  1 left by an interrupted add or import (`--repair` removes them)" in result.stdout
    assert "PROBLEM   library files    2 files no item refers to (`--repair` removes them)" in result.stdout
    assert orphan.exists() and thumb.exists() and temporary.exists()  # doctor alone changes nothing
    repaired = run_cli("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "repaired  temporary files  removed 1" in repaired.stdout
    assert "repaired  library files    removed 2 files no item refers to" in repaired.stdout
    assert not orphan.exists() and not thumb.exists() and not temporary.exists() and kept.exists()
    code, found = findings()
    assert code == 0 and found["library files"]["detail"] == "every file belongs to an item"
