"""Files users (or attackers) hand to `open_photo`: every one is refused in one line, none stops the others."""

import os
import random
import threading
import warnings
import zlib
from pathlib import Path

import pytest
from conftest import garment_photo
from PIL import Image

from wardrobe.vision.photo import PhotoError, find_photos, open_photo
from wardrobe.vision.safe_open import quiet_pillow

# Pillow's own test corpus (its source repository's Tests/images; docs/development.md says how to get it), read
# where it is named (never vendored).
PILLOW_TESTS = [Path(p) for p in os.environ.get("PILLOW_TEST_IMAGES", "").split(os.pathsep) if p]


def _formats(tmp_path) -> dict[str, Path]:
    """One small image in each format Pillow can write that the app does not open."""
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    made = {}
    for fmt in ("TIFF", "DDS", "EPS", "BMP", "ICO", "PCX", "TGA", "PPM", "SGI", "IM"):
        path = tmp_path / f"holiday-{fmt.lower()}.jpg"  # named like a photo, as an attacker would
        try:
            image.save(path, fmt)
        except Exception:  # noqa: BLE001  a format this Pillow cannot write
            continue
        made[fmt] = path
    return made


def test_only_allowed_formats_are_opened_whatever_the_name(tmp_path, monkeypatch):
    # PostScript must never reach Ghostscript: make `gs` a trap that records being run.
    trap = tmp_path / "bin"
    trap.mkdir()
    (trap / "gs").write_text(f"#!/bin/sh\ntouch {tmp_path}/gs-was-run\nexit 1\n")
    (trap / "gs").chmod(0o755)
    monkeypatch.setenv("PATH", f"{trap}{os.pathsep}{os.environ['PATH']}")
    made = _formats(tmp_path)
    assert {"TIFF", "DDS", "EPS", "BMP"} <= set(made)
    for fmt, path in made.items():
        with pytest.raises(PhotoError, match="not an image Wardrobe can read"):
            open_photo(path)
    assert not (tmp_path / "gs-was-run").exists()


def test_heic_is_named_in_the_refusal(tmp_path):
    path = tmp_path / "IMG_0001.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    with pytest.raises(PhotoError, match="HEIC"):
        open_photo(path)


def _mutations(data: bytes, rng: random.Random, n: int):
    for _ in range(n):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(buf))
            buf[i] = rng.randrange(256)
        if rng.random() < 0.3:
            buf = buf[: rng.randrange(8, len(buf))]
        yield bytes(buf)


@pytest.mark.parametrize("suffix,save", [(".jpg", {}), (".png", {}), (".webp", {}), (".gif", {}),
                                         (".png", {"optimize": True, "bits": 4})])
def test_damaged_files_only_ever_raise_photo_error(tmp_path, suffix, save):
    """The class of problem: whatever a decoder raises on one file is that file's one-line refusal."""
    good = garment_photo(tmp_path / f"good{suffix}", size=(64, 48), **save)
    rng = random.Random(zlib.crc32(f"{suffix}{sorted(save.items())}".encode()))  # the same in every process: replayable
    target = tmp_path / f"bad{suffix}"
    for data in _mutations(good.read_bytes(), rng, 60):
        target.write_bytes(data)
        try:
            open_photo(target)
        except PhotoError as exc:
            assert "\n" not in str(exc) and str(exc)
    for folder in PILLOW_TESTS:
        for path in sorted(folder.glob("*"))[:2000]:
            if path.is_file():
                try:
                    open_photo(path)
                except PhotoError:
                    pass


def test_fifos_and_devices_are_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    outcome = {}

    def attempt(path):
        try:
            open_photo(path)
        except PhotoError as exc:
            outcome[path] = str(exc)

    for path in (fifo, Path("/dev/zero"), Path("/dev/urandom")):
        worker = threading.Thread(target=attempt, args=(path,), daemon=True)
        worker.start()
        worker.join(5)
        assert not worker.is_alive(), f"{path}: open_photo hung"
        assert "not a regular file" in outcome[path]


def test_directory_given_as_a_photo(tmp_path):
    with pytest.raises(PhotoError, match="is a directory"):
        open_photo(tmp_path)


def test_every_too_large_image_gets_the_same_friendly_message(tmp_path):
    from test_photo import _png_claiming

    for w, h in ((9000, 9000), (10000, 10000), (20000, 20000), (60000, 60000)):  # 81, 100, 400, 3600 megapixels
        path = tmp_path / f"big-{w}.png"
        path.write_bytes(_png_claiming(w, h))
        with pytest.raises(PhotoError) as caught:
            open_photo(path)
        message = str(caught.value)
        assert message.startswith("image too large") and "megapixels" in message, message
        assert "DOS" not in message and "bomb" not in message


def bad_exif_jpeg(path: Path) -> Path:
    """A JPEG whose EXIF block is cut short: Pillow warns "Tag data larger than file" while reading it."""
    import io

    exif = Image.Exif()
    exif[0x0112], exif[0x010F] = 6, "x" * 200
    garment_photo(path.with_suffix(".png"), size=(80, 60))
    buffer = io.BytesIO()
    Image.open(path.with_suffix(".png")).save(buffer, "JPEG", exif=exif.tobytes()[:-150])
    path.write_bytes(buffer.getvalue())
    return path


def test_pillow_warnings_are_silenced(tmp_path):
    path = bad_exif_jpeg(tmp_path / "exif.jpg")
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        quiet_pillow()  # what importing the module does in a fresh process
        open_photo(path)
    assert not [str(w.message) for w in seen if "PIL" in (w.filename or "")]


def test_find_photos_skips_non_photos_and_reports_them(tmp_path):
    closet = tmp_path / "closet"
    (closet / "locked").mkdir(parents=True)
    garment_photo(closet / "a.jpg")
    (closet / "notes.txt").write_text("x")
    (closet / "scan.bmp").write_bytes(b"BM")
    os.mkfifo(closet / "pipe.jpg")
    skipped: list = []
    entries = find_photos([closet], skipped=skipped)
    assert [p.name for p, problem in entries] == ["a.jpg"]
    assert sorted(p.name for p, _ in skipped) == ["notes.txt", "pipe.jpg", "scan.bmp"]
    assert all(reason for _, reason in skipped)


def test_find_photos_reports_unreadable_subfolders(tmp_path, monkeypatch):
    closet = tmp_path / "closet"
    (closet / "locked").mkdir(parents=True)
    garment_photo(closet / "a.jpg")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    skipped: list = []
    entries = find_photos([closet], skipped=skipped)
    assert [p.name for p, _ in entries] == ["a.jpg"]
    assert [(p.name, reason) for p, reason in skipped] == [("locked", "folder cannot be read (permission denied)")]
