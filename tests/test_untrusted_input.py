"""What comes from outside (photos that change under `add`, odd shapes, export targets, URLs) never crashes,
starves or leaks: issue 26. The archive checks are in test_untrusted_archives.py."""


import hashlib
import time

import pytest
from conftest import garment_photo, run_cli
from PIL import Image

from wardrobe.store import server

# -- 6. secrets in database URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u@127.0.0.1:1/db?password=s3cretpw",
    "postgresql+psycopg://u@127.0.0.1:1/db?sslpassword=s3cretpw&application_name=closet",
    "postgresql+psycopg://u:s3cretpw@127.0.0.1:1/db?passfile=/home/u/s3cretpw&password=s3cretpw",
])
def test_secret_query_parameters_are_never_shown(url):
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


@pytest.mark.parametrize("processes", [False, True])
@pytest.mark.parametrize("swap", ["resaved", "dev-zero"])
def test_a_photo_changed_during_add_is_stored_as_it_was_read(use_tiny_model, tmp_path, private_home, monkeypatch,
                                                             swap, processes):
    """The photo is replaced (re-saved, or by a link to /dev/zero) after it was read and hashed, before it is stored:
    what is stored is what was read and hashed, and nothing grows without end."""
    from wardrobe.services import Wardrobe, intake

    photos = _closet(tmp_path / "closet")
    real = intake.thumbnail_jpeg

    def thumbnail_then_swap(image):
        for photo in photos:
            if swap == "resaved":
                garment_photo(photo, colour=(250, 10, 10), size=(91, 120))
            elif not photo.is_symlink():
                photo.unlink()
                photo.symlink_to("/dev/zero")
        return real(image)

    monkeypatch.setattr(intake, "thumbnail_jpeg", thumbnail_then_swap)
    if processes:
        monkeypatch.setattr(intake, "PROCESSES_FROM", 1)  # worker processes stage the photos themselves
    service = Wardrobe()
    results = list(service.add(service.find_inputs([tmp_path / "closet"])))
    service.close()
    # Photos read after the swap are read as they are then: another photo, or refused as no regular file.
    assert all(r.error is None or swap == "dev-zero" and "not a regular file" in r.error for r in results), results
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
    started = time.perf_counter()
    with pytest.raises(PhotoError, match="long and thin"):
        open_photo(path)
    assert time.perf_counter() - started < 1


def test_a_real_long_thin_png_is_one_line_from_add(use_tiny_model, tmp_path):
    Image.new("L", (20000, 2), 200).save(tmp_path / "strip.png")  # a 1.6 GB square once padded, in ~200 bytes
    garment_photo(tmp_path / "shirt.png")
    result = run_cli("add", str(tmp_path / "strip.png"), str(tmp_path / "shirt.png"), timeout=60)
    assert result.returncode == 1 and "added 1, already there 0, failed 1" in result.stderr, result.stderr
    assert "strip.png: image too long and thin (20000x2 pixels" in result.stderr
    assert "Traceback" not in result.stderr
