"""Real closet photos from ../shared/photos (CC0): every one opens and converts, and `add` takes a folder of them."""

import json

from conftest import SHARED_PHOTOS, run_cli

from wardrobe.vision.photo import PHOTO_SUFFIXES, open_photo, to_fmnist

VALIDATION = SHARED_PHOTOS / "validation"


def test_every_validation_photo_converts(real_photos):
    photos = sorted(p for p in VALIDATION.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES)
    assert len(photos) > 300
    for path in photos:
        converted = to_fmnist(open_photo(path))
        assert converted.pixels.shape == (28, 28)
        assert 0.01 <= converted.mask.mean() <= 1.0, path
        assert converted.pixels.max() > 0, path


def test_add_a_folder_of_real_photos(real_photos, use_tiny_model, tmp_path):
    folder = tmp_path / "closet"
    for garment in ("pants", "shoes", "dress"):
        (folder / garment).mkdir(parents=True)
        for photo in sorted((VALIDATION / garment).glob("*.jpg"))[:4]:
            (folder / garment / photo.name).symlink_to(photo)
    result = run_cli("add", "--json", str(folder))
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 12 and all("id" in r and r["colours"] for r in records)


# What the shipped networks scored on ../shared/photos/validation (341 photos; 315 slot-, 290 class-scored), measured
# with `wardrobe evaluate --photos ../shared/photos/validation --json` from the repository root (the same on three
# runs here). Measure again and update these when the model or the photo head changes.
MEASURED = {"slot_accuracy": 0.9397, "class_accuracy": 0.9241, "all_folders_accuracy": 0.9179}
SPREAD = 0.015  # a floor 1.5 points under each: about 5 of the 315 slot-scored photos read otherwise


def test_shipped_photo_network_reads_closet_photos(real_photos, private_home):
    """A floor just under what was measured (above), so a regression of a few photos fails: the paper's 28x28
    path alone scored 0.79 slot."""
    result = run_cli("evaluate", "--photos", str(VALIDATION), "--json", timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["classifier"].startswith("efficientnet-lite0-") and report["head"] == "shipped"
    assert (report["slot_scored"], report["class_scored"], report["all_scored"]) == (315, 290, 341)
    for figure, measured in MEASURED.items():
        assert report[figure] >= measured - SPREAD, (figure, report[figure], measured)
    assert report["folders"]["hat"]["predicted"].get("Hat", 0) >= 13  # of 14; a category the paper's network never had
