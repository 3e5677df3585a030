"""What comes from outside (photos that change under `add`, odd shapes, export targets, URLs) never crashes,
starves or leaks: issue 26. The archive checks are in test_untrusted_archives.py."""


import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time

import numpy as np
import pytest
from conftest import garment_photo, run_cli
from PIL import Image
from test_cli_outfits import stocked  # noqa: F401  (fixture)

from wardrobe.store import server

# -- 6. secrets in database URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u@127.0.0.1:{port}/db?password=s3cretpw",
    "postgresql+psycopg://u@127.0.0.1:{port}/db?sslpassword=s3cretpw&application_name=closet",
    "postgresql+psycopg://u:s3cretpw@127.0.0.1:{port}/db?passfile=/home/u/s3cretpw&password=s3cretpw",
])
def test_secret_query_parameters_are_never_shown(url, refused_port):
    url = url.replace("{port}", str(refused_port))
    for argv in (["list"], ["list", "--json"], ["doctor", "--json"]):
        result = run_cli("--database", url, *argv)
        assert result.returncode in (7, 8), result.stderr
        assert "s3cretpw" not in result.stdout + result.stderr, (argv, result.stdout, result.stderr)
        assert "***" in result.stdout + result.stderr
    assert server.shown(url).count("***") >= 1 and "application_name=closet" in server.shown(
        "postgresql://u@h/db?application_name=closet&password=x")


def test_a_driver_message_that_repeats_a_secret_is_masked():
    url = server.parse("postgresql://u:pw1@h/db?sslpassword=pw2")
    assert server.masked("failed for pw1 and pw2", url) == "failed for *** and ***"


# -- 3. a photo that changes while `add` runs --------------------------------------------------------------------

def _closet(folder, n=4):
    folder.mkdir()
    return [garment_photo(folder / f"p{i}.png", colour=(40 * i, 90, 200 - 30 * i), size=(90, 120)) for i in range(n)]


def _stored_photos_match_their_hash(home) -> int:
    from wardrobe.services import Wardrobe

    service = Wardrobe(home)
    items = service.items()
    for item in items:
        assert hashlib.sha256((home / item.photo_path).read_bytes()).hexdigest() == item.sha256, item.original_name
    service.close()
    return len(items)


@pytest.mark.parametrize("swap", ["resaved", "dev-zero"])
def test_a_photo_changed_during_add_is_stored_as_it_was_read(use_tiny_model, tmp_path, private_home, monkeypatch, swap):
    """The photo is replaced (re-saved, or by a link to /dev/zero) after it was read and hashed, before it is stored:
    what is stored is what was read and hashed, and nothing grows without end."""
    from wardrobe.services import Wardrobe, intake

    photos = _closet(tmp_path / "closet")
    real = intake.thumbnail_jpeg

    def thumbnail_then_swap(image):
        for photo in photos:
            if swap == "resaved":  # replaced whole, as editors and sync tools do (a reader sees old or new bytes)
                fresh = photo.with_name(f".{photo.name}.{os.getpid()}.{threading.get_ident()}.png")
                garment_photo(fresh, colour=(250, 10, 10), size=(91, 120))
                os.replace(fresh, photo)
            elif not photo.is_symlink():
                photo.unlink()
                photo.symlink_to("/dev/zero")
        return real(image)

    monkeypatch.setattr(intake, "thumbnail_jpeg", thumbnail_then_swap)
    service = Wardrobe()
    results = list(service.add(service.find_inputs([tmp_path / "closet"])))
    service.close()
    # Photos read after the swap are read as they are then: another photo, or refused as no regular file.
    errors = [r.error for r in results]
    assert all(e is None or swap == "dev-zero" and "not a regular file" in e for e in errors), errors
    assert _stored_photos_match_their_hash(private_home) == len([r for r in results if r.item]) >= 1
    assert sum(p.stat().st_size for p in (private_home / "photos").rglob("*")) < 1_000_000
    assert not list((private_home / "photos").rglob(".*.tmp"))


def test_a_photo_too_large_to_be_one_is_refused_before_it_is_read(tmp_path):
    from wardrobe.vision.photo import PhotoError, read_photo

    big = tmp_path / "big.jpg"
    with open(big, "wb") as f:
        f.truncate(65 << 20)  # sparse: no disk used
    with pytest.raises(PhotoError, match="file too large"):
        read_photo(big)


# -- 4. extreme shapes --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1, 59_000_000), (20000, 2), (2, 20000), (2100, 100)])
def test_long_thin_photos_are_refused_before_decoding(tmp_path, size):
    from test_photo import _png_claiming

    from wardrobe.vision.photo import PhotoError, open_photo

    path = tmp_path / "thin.png"
    path.write_bytes(_png_claiming(*size))
    started = time.thread_time()  # this thread's CPU time: what decoding would cost, whatever else the machine runs
    with pytest.raises(PhotoError, match="long and thin"):
        open_photo(path)
    assert time.thread_time() - started < 1


def test_a_real_long_thin_png_is_one_line_from_add(use_tiny_model, tmp_path):
    Image.new("L", (20000, 2), 200).save(tmp_path / "strip.png")  # a 1.6 GB square once padded, in ~200 bytes
    garment_photo(tmp_path / "shirt.png")
    result = run_cli("add", str(tmp_path / "strip.png"), str(tmp_path / "shirt.png"), timeout=60)
    assert result.returncode == 1 and "added 1, already there 0, failed 1" in result.stderr, result.stderr
    assert "strip.png: image too long and thin (20000x2 pixels" in result.stderr
    assert "Traceback" not in result.stderr


# -- 5. where an export may be written ----------------------------------------------------------------------------

def test_export_never_writes_over_the_home_nor_an_existing_file(tmp_path, private_home):
    from test_transfer import _fill

    from wardrobe.services import Wardrobe

    service = Wardrobe(private_home)
    _fill(service, tmp_path)
    service.close()
    database = private_home / "inventory.sqlite3"
    before = database.read_bytes()
    for target in (database, private_home / "photos" / "new.tar", private_home / "backup.tar"):
        result = run_cli("export", str(target))
        assert result.returncode == 2 and "inside the wardrobe's home" in result.stderr, result.stderr
    assert database.read_bytes() == before and run_cli("list").returncode == 0
    existing = tmp_path / "backup.tar"
    existing.write_bytes(b"my other backup")
    result = run_cli("export", str(existing))
    assert result.returncode == 2 and "--force" in result.stderr and existing.read_bytes() == b"my other backup"
    assert run_cli("export", "--force", str(existing)).returncode == 0 and tarfile.is_tarfile(existing)
    assert run_cli("export", "--force", "/dev/null").returncode == 2
    link = tmp_path / "link.tar"
    link.symlink_to(database)
    assert run_cli("export", "--force", str(link)).returncode == 2 and database.read_bytes() == before


# -- 7. leftovers, doctor, busy readers, full disks, --json errors -------------------------------------------------

def test_a_killed_export_leaves_nothing_the_next_one_does_not_remove(processes, tmp_path, private_home):
    from wardrobe.store.repository import Inventory, NewItem

    inventory = Inventory(private_home / "inventory.sqlite3")
    new = []
    for i in range(40):  # 40 MB of photos: long enough to be killed half-way
        data = os.urandom(1 << 20)
        sha = hashlib.sha256(data).hexdigest()
        (private_home / "photos" / sha[:2]).mkdir(parents=True, exist_ok=True)
        (private_home / "photos" / sha[:2] / f"{sha}.jpg").write_bytes(data)
        new.append(NewItem(sha256=sha, photo_file=f"photos/{sha[:2]}/{sha}.jpg", thumbnail_file="t",
                           original_name=f"{i}.jpg", predicted_label=0, probabilities=[0.1] * 10,
                           conversion_version="v", model_version="m", embedding=None, colours=["blue"]))
    inventory.add_items(new)
    inventory.close()
    out = tmp_path / "out"
    out.mkdir()
    export = processes.popen([sys.executable, "-m", "wardrobe", "export", str(out / "backup.tar")],
                              stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.stat().st_size > 0 for p in out.glob(".*.tmp")):
        time.sleep(0.005)
    export.send_signal(signal.SIGKILL)
    export.wait()
    assert list(out.glob(".*.tmp")), "the export was not caught half-way"
    assert run_cli("export", str(out / "other.tar")).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["other.tar"]


def test_a_running_exports_temporary_file_is_left_alone(tmp_path):
    from wardrobe.store.archive import ArchiveWriter, sweep_temporaries

    writer = ArchiveWriter(tmp_path / "a.tar")
    assert sweep_temporaries(tmp_path) == 0 and writer.tmp.exists()
    writer.abandon()


def test_after_a_killed_import_doctor_repair_removes_what_no_running_process_claims(tmp_path, private_home):
    from wardrobe.files import shared_lock

    assert run_cli("list").returncode == 0
    leftovers = [private_home / "photos" / "ab" / f"{'ab' * 32}.jpg", private_home / "photos" / "ab" / ".x.jpg.q.tmp"]
    leftovers[0].parent.mkdir(parents=True)
    for path in leftovers:
        path.write_bytes(b"half an import")  # just now: younger than any age rule
    with shared_lock(private_home / ".writers.lock"):  # an add or import is running: its files are kept
        held = run_cli("doctor", "--repair")
        assert all(p.exists() for p in leftovers) and "may be its own" in held.stdout, held.stdout
    repaired = run_cli("doctor", "--repair")
    assert not any(p.exists() for p in leftovers), repaired.stdout
    assert "removed 1 files no item refers to" in repaired.stdout and "removed 1" in repaired.stdout


def test_doctor_notices_a_photo_replaced_by_garbage(tmp_path, private_home):
    from test_transfer import _fill

    from wardrobe.services import Wardrobe

    service = Wardrobe(private_home)
    _fill(service, tmp_path)
    photo = private_home / service.items()[2].photo_path
    service.close()
    photo.write_bytes(b"garbage")
    result = run_cli("doctor")
    assert result.returncode == 8 and "are not what was added" in result.stdout, result.stdout


@pytest.mark.parametrize("params", ['{"version": 2, "coef": []}', "VERSION1", '{"NaN": 1}', '{"intercept": "0.5"}'])
def test_doctor_reports_a_taste_model_it_would_not_use_and_repair_rebuilds_it(stocked, private_home, params):  # noqa: F811
    outfits = json.loads(run_cli("suggest", "--n", "2", "--json").stdout)
    assert run_cli("rate", str(outfits[0]["id"]), "like").returncode == 0
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    good = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    damaged = {"VERSION1": json.dumps({**good, "version": "1"}), '{"NaN": 1}': json.dumps({**good, "t": float("nan")}),
               '{"intercept": "0.5"}': json.dumps({**good, "intercept": "0.5"})}.get(params, params)
    db.execute("UPDATE preference_models SET params = ?", (damaged,))
    db.commit()
    found = run_cli("doctor")
    assert found.returncode == 8 and "PROBLEM   taste of default" in found.stdout, found.stdout
    repaired = run_cli("doctor", "--repair")
    assert "repaired  taste of default" in repaired.stdout, repaired.stdout
    rebuilt = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    assert rebuilt["ratings"] == 1 and rebuilt["version"] == good["version"]


def test_doctor_reports_a_dropped_table_in_one_line(tmp_path, private_home):
    assert run_cli("list").returncode == 0
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    db.execute("DROP TABLE wears")
    db.commit()
    result = run_cli("doctor")
    assert result.returncode == 8 and "lacks table wears" in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_readers_do_not_wait_for_a_writer(processes, stocked, private_home):  # noqa: F811
    writer = processes.popen([sys.executable, "-c", "import sqlite3, sys, time\n"
                               f"db = sqlite3.connect({str(private_home / 'inventory.sqlite3')!r}, isolation_level=None)\n"
                               "db.execute('BEGIN IMMEDIATE'); db.execute('UPDATE users SET name = name')\n"
                               "print('locked', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        for argv in (["list"], ["show", "1"], ["users"], ["list", "--json"]):
            started = time.perf_counter()
            result = run_cli(*argv, timeout=25)
            assert result.returncode == 0 and time.perf_counter() - started < 15, (argv, result.stderr)
    finally:
        writer.kill()
        writer.wait()


@pytest.mark.parametrize("argv, code", [(["show", "99999", "--json"], 3), (["rate", "99999", "like", "--json"], 3),
                                        (["list", "--category", "nosuch", "--json"], 2)])
def test_a_json_command_that_fails_says_so_in_json(argv, code):
    result = run_cli(*argv)
    assert result.returncode == code
    assert json.loads(result.stdout) == {"error": result.stderr.removeprefix("wardrobe: ").strip(), "exit": code}


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB file system of its own (tmpfs), where root may mount one; skipped elsewhere."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_exit_7_for_add_and_export(use_tiny_model, tiny_disk, tmp_path):
    closet = tmp_path / "closet"
    closet.mkdir()
    for i in range(12):  # 12 photos of noise, 300 KB each: more than the disk holds
        Image.fromarray(np.random.default_rng(i).integers(0, 255, (300, 330, 3), dtype=np.uint8)).save(closet / f"{i}.png")
    added = run_cli("--home", str(tiny_disk / "home"), "add", str(closet))
    assert added.returncode == 7 and "disk is full" in added.stderr and "could not be read" not in added.stderr, \
        added.stderr
    assert not list(tiny_disk.rglob(".*.tmp"))
    home = tmp_path / "home"
    assert run_cli("--home", str(home), "add", str(closet)).returncode == 0
    exported = run_cli("--home", str(home), "export", str(tiny_disk / "backup.tar"))
    assert exported.returncode == 7 and "disk is full" in exported.stderr, exported.stderr
    assert not [p for p in tiny_disk.iterdir() if p.name != "home"]


def test_photo_features_of_another_size_are_read_again_not_stacked(use_tiny_model, tmp_path, private_home):
    from wardrobe.services import Wardrobe
    from wardrobe.services.adaptation import _features_of

    _closet(tmp_path / "closet", n=2)
    assert run_cli("add", str(tmp_path / "closet")).returncode == 0
    service = Wardrobe()
    rows = service.inventory.photo_features()
    rows[0] = (rows[0][0], b"\x00\x3c" * 3)  # three float16 ones: what an archive may carry for this network
    order, features, fresh = _features_of(service, rows)
    service.close()
    assert order == [0, 1] and features.shape[0] == 2 and 0 in fresh
