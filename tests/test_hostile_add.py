"""`wardrobe add` under attack: hostile files, odd names, concurrent adds, full disks, leftovers of a kill."""

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import garment_photo, run_cli
from PIL import Image
from test_hostile_photos import bad_exif_jpeg


def library_files(home: Path) -> list[Path]:
    return [p for folder in ("photos", "thumbnails") for p in (home / folder).rglob("*") if p.is_file()]


def assert_clean_stderr(stderr: str) -> None:
    """Only the app's own lines: no traceback, no library warnings."""
    assert "Traceback" not in stderr and "Warning" not in stderr and "Tag data" not in stderr, stderr
    for line in stderr.splitlines():
        assert line.startswith(("wardrobe:", "added ", "classified ")), line


@pytest.fixture
def hostile_closet(tmp_path) -> Path:
    folder = tmp_path / "closet"
    folder.mkdir()
    for i, colour in enumerate([(30, 60, 150), (180, 20, 20), (20, 150, 40), (90, 90, 20)]):
        garment_photo(folder / f"good{i}.jpg", colour=colour, size=(120, 160))
    (folder / "holiday-photo.jpg").write_bytes(b"%!PS-Adobe-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    Image.new("RGB", (30, 30)).save(folder / "scan.png", "TIFF")
    Image.new("RGB", (32, 32)).save(folder / "texture.png", "DDS")
    (folder / "cut.jpg").write_bytes((folder / "good0.jpg").read_bytes()[:300])
    bad_exif_jpeg(folder / "exif.jpg")
    (folder / "exif.png").unlink()
    garment_photo(folder / os.fsdecode(b"bad\xff\xfe.jpg"), colour=(200, 200, 30), size=(100, 140))
    garment_photo(folder / "new\nline.jpg", colour=(120, 30, 160), size=(110, 150))
    return folder


def test_one_bad_file_never_stops_an_add_and_every_refusal_is_one_line(use_tiny_model, hostile_closet, private_home):
    result = run_cli("add", str(hostile_closet))
    assert result.returncode == 1, result.stderr
    assert_clean_stderr(result.stderr)
    assert "added 7, already there 0, failed 4" in result.stderr  # 4 good + exif + non-UTF-8 + newline name
    for name in ("holiday-photo.jpg", "scan.png", "texture.png", "cut.jpg"):
        assert sum(name in line for line in result.stderr.splitlines()) == 1, name
    assert "new\\nline.jpg" in result.stdout and "bad\\xff\\xfe.jpg" in result.stdout
    assert len(result.stdout.splitlines()) == 7  # a newline in a name does not split a line
    listing = run_cli("list")
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) == 8 and "new\\nline.jpg" in listing.stdout
    assert len(library_files(private_home)) == 14  # a photo and a thumbnail per item, no stray file
    again = run_cli("add", "--json", str(hostile_closet))
    records = json.loads(again.stdout)  # valid JSON whatever the names
    assert sum(bool(r.get("duplicate")) for r in records) == 7


def test_devices_and_pipes_given_by_name_are_refused_at_once(use_tiny_model, tmp_path):
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    result = run_cli("add", "/dev/zero", str(fifo), "/dev/urandom", timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("not a regular file") == 3, result.stderr
    assert_clean_stderr(result.stderr)


def test_skipped_files_and_unreadable_folders_are_counted(use_tiny_model, tmp_path, monkeypatch):
    folder = tmp_path / "closet"
    folder.mkdir()
    garment_photo(folder / "a.jpg")
    (folder / "notes.txt").write_text("x")
    Image.new("RGB", (8, 8)).save(folder / "scan.bmp")
    for name in ("private", "z-locked"):
        (folder / name).mkdir()
        garment_photo(folder / name / "hidden.jpg", colour=(200, 30, 30))
        (folder / name).chmod(0)
    if os.geteuid() == 0:  # root reads folders whatever their permissions: refuse them as the kernel would a user
        real = os.scandir

        def scandir(path="."):
            if Path(os.fsdecode(path)).name in ("private", "z-locked"):
                raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = run_cli("add", str(folder))
    finally:
        for name in ("private", "z-locked"):
            (folder / name).chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert "skipped 2 files that are not photos: notes.txt, scan.bmp" in result.stderr
    assert (f"skipped 2 folders that cannot be read: {folder / 'private'}, {folder / 'z-locked'}"
            in result.stderr), result.stderr
    assert "added 1," in result.stderr and len(result.stdout.splitlines()) == 1  # a.jpg only


def test_concurrent_adds_of_the_same_photos_report_already_there(processes, use_tiny_model, tmp_path, private_home):
    folder = tmp_path / "closet"
    folder.mkdir()
    for i in range(5):
        garment_photo(folder / f"p{i}.png", colour=(40 * i, 80, 200 - 30 * i))
    run_cli("list")  # the inventory exists before the race (its creation is not what is tested)
    procs = [processes.popen([sys.executable, "-m", "wardrobe", "add", str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=os.environ.copy()) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e for _, e in outs]
    added = sum(int(e.split("added ")[1].split(",")[0]) for _, e in outs)
    there = sum(int(e.split("already there ")[1].split(",")[0]) for _, e in outs)
    assert added == 5 and there == 15
    assert len(library_files(private_home)) == 10


def test_a_full_disk_stops_add_with_one_line_and_no_stray_files(use_tiny_model, tmp_path, private_home, monkeypatch):
    from wardrobe.store import library

    folder = tmp_path / "closet"
    folder.mkdir()
    for i in range(4):
        garment_photo(folder / f"p{i}.jpg", colour=(50 * i, 60, 90))
    real = library.write_beside
    calls = []

    def write_beside(target, data):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(target, data)

    monkeypatch.setattr(library, "write_beside", write_beside)
    result = run_cli("add", str(folder))
    assert len(calls) >= 3  # the disk filled up half-way
    assert result.returncode == 7, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("wardrobe: ") and "disk is full" in line, line
    assert library_files(private_home) == [] and not list((private_home / "photos").rglob(".*.tmp"))
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_rows_that_fail_to_insert_take_their_files_back(use_tiny_model, tmp_path, private_home, monkeypatch):
    from wardrobe.services import Wardrobe
    from wardrobe.store.repository import Inventory

    folder = tmp_path / "closet"
    folder.mkdir()
    garment_photo(folder / "a.jpg")

    def broken(self, new_items):
        raise KeyboardInterrupt  # a Ctrl-C at the worst moment

    monkeypatch.setattr(Inventory, "add_new_items", broken)
    service = Wardrobe()
    with pytest.raises(KeyboardInterrupt):
        list(service.add(service.find_inputs([folder])))
    service.close()
    assert library_files(private_home) == []


def test_leftover_temporary_files_are_removed_on_the_next_add(use_tiny_model, tmp_path, private_home):
    from wardrobe.files import shared_lock

    stale = private_home / "photos" / "ab" / ".abc.jpg.x1.tmp"
    fresh = private_home / "photos" / "ab" / ".abd.jpg.x2.tmp"  # may belong to an add running right now
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a photo")
    fresh.write_bytes(b"half a photo")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    garment_photo(tmp_path / "a.jpg")
    with shared_lock(private_home / ".writers.lock"):  # another add is running: its young files are its own
        assert run_cli("add", str(tmp_path / "a.jpg")).returncode == 0
    assert not stale.exists() and fresh.exists()
    garment_photo(tmp_path / "b.jpg", colour=(200, 30, 30))
    assert run_cli("add", str(tmp_path / "b.jpg")).returncode == 0  # none running: every leftover is one
    assert not fresh.exists()
