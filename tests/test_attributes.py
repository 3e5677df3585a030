"""Attributes (kind, pattern, material, main colour): names, heads, reading at add time, refits from tags, repair."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import garment_photo, run_cli
from PIL import Image

from wardrobe.domain import Item, UnknownAttribute, item_name, parse_attribute
from wardrobe.vision.attributes import AttributeHead, AttributeHeads, colour_features


def test_names_are_what_a_person_says():
    assert item_name(6, "shirt", "striped", "other", "navy") == "navy striped shirt"
    assert item_name(1, "jeans", "solid", "denim", "black") == "black denim jeans"
    assert item_name(4, "jacket", None, None, "yellow") == "yellow jacket"
    assert item_name(4) == "coat"
    # A kind that contradicts the category is not used: the category's noun is.
    assert item_name(1, "sweater", "dotted", None, "red") == "red polka-dot trousers"


def test_an_items_own_tags_win_and_an_unread_colour_stays_unknown():
    item = Item(1, "0" * 64, "a.jpg", None, 6, [0.0] * 13, "v", "m", colours=["grey"],
                attributes={"kind": "shirt", "pattern": "checked", "colour": "red"},
                user_attributes={"colour": "navy"})
    assert item.name == "navy checked shirt"
    unsure = Item(2, "1" * 64, "b.jpg", None, 6, [0.0] * 13, "v", "m", colours=["grey"], attributes={"kind": "shirt"})
    assert unsure.main_colour is None and unsure.name == "shirt"
    older = Item(3, "2" * 64, "c.jpg", None, 6, [0.0] * 13, "v", "m", colours=["grey"])
    assert older.main_colour == "grey"  # read before the heads: its first dominant colour


@pytest.mark.parametrize("attribute, text, name", [("colour", "Navy", "navy"), ("kind", "tank-top", "tank top"),
                                                   ("pattern", "plaid", "checked"), ("kind", "sneakers", "sneaker"),
                                                   ("material", "suede", "leather"), ("colour", "gray", "grey")])
def test_spellings_people_type_are_understood(attribute, text, name):
    assert parse_attribute(attribute, text) == name


def test_an_unknown_value_lists_the_names():
    with pytest.raises(UnknownAttribute, match="choose one of: solid, striped"):
        parse_attribute("pattern", "zebra")


def _head(classes, dims, inputs="photo", sure=0.0, seed=0):
    rng = np.random.default_rng(seed)
    return AttributeHead(tuple(classes), inputs, np.zeros(dims, np.float32), np.ones(dims, np.float32),
                         rng.normal(size=(len(classes), dims)).astype(np.float32), np.zeros(len(classes), np.float32),
                         sure)


def test_heads_save_load_and_refuse_a_damaged_file(tmp_path):
    heads = AttributeHeads({"pattern": _head(["solid", "striped"], 6, "photo+closeup"),
                            "kind": _head(["t-shirt", "jeans"], 3)}, "abc")
    heads.save(tmp_path / "a.npz")
    back = AttributeHeads.load(tmp_path / "a.npz")
    x = np.ones((2, 3), np.float32)
    assert back.read(x, x, np.zeros((2, 0)), [0, 1]) == heads.read(x, x, np.zeros((2, 0)), [0, 1])
    (tmp_path / "b.npz").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ValueError, match="not attribute heads"):
        AttributeHeads.load(tmp_path / "b.npz")


def test_a_kind_is_one_its_category_can_be_and_unsure_is_unknown():
    head = _head(["jeans", "t-shirt"], 2, sure=0.6)
    head.coef = np.array([[5, 0], [0, 5]], np.float32)  # feature 0 says jeans, feature 1 t-shirt
    heads = AttributeHeads({"kind": head}, "n")
    x = np.array([[1, 0], [1, 0], [0.1, 0]], np.float32)
    read = heads.read(x, x, np.zeros((3, 0)), [1, 0, 1])  # Trouser, T-shirt/top, Trouser
    assert read[0]["kind"] == "jeans"
    assert read[1]["kind"] is None  # a T-shirt/top cannot be jeans, and the head is not sure of t-shirt
    assert read[2]["kind"] == "jeans"  # 0.62 jeans: over the bar of 0.6, only just
    head.sure = 0.7
    assert heads.read(x, x, np.zeros((3, 0)), [1, 0, 1])[2]["kind"] is None


def test_training_photos_are_the_labelled_and_the_folders_that_name_a_kind(tmp_path):
    from wardrobe.training.attributes import folder_sizes, labelled_for_training

    for name in ("train/t-shirt/a.jpg", "train/pants/b.jpg", "train/pants/c.jpg", "extra/polo/d.jpg",
                 "validation/t-shirt/e.jpg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    labels = {"train/pants/b.jpg": {"kind": "jeans"}, "validation/t-shirt/e.jpg": {"kind": "t-shirt"},
              "train/gone.jpg": {"kind": "hat"}}
    assert labelled_for_training(tmp_path, labels) == ["extra/polo/d.jpg", "train/pants/b.jpg", "train/t-shirt/a.jpg"]
    assert folder_sizes(tmp_path) == {"train/pants": 2, "train/t-shirt": 1}


def test_the_closet_prior_weighs_each_labelled_photo_by_its_folders_size():
    from wardrobe.training.attributes import closet_prior

    photos = ["train/pants/1.jpg", "train/pants/2.jpg", "train/hat/3.jpg", "extra/polo/4.jpg"]
    labels = {"train/pants/1.jpg": {"kind": "jeans"}, "train/pants/2.jpg": {"kind": "trousers"},
              "train/hat/3.jpg": {"kind": "hat"}, "extra/polo/4.jpg": {"kind": "polo"}}
    prior = closet_prior(photos, labels, "kind", ("jeans", "trousers", "hat", "polo"), {"train/pants": 400,
                                                                                      "train/hat": 100})
    # pants: 400 photos, two labelled (200 each); hat: 100; polo (extra/, not a closet's folder): only the one
    # photo's worth every value gets.
    assert np.allclose(prior, np.array([201, 201, 101, 1]) / 504)
    assert closet_prior(photos, labels, "kind", ("jeans", "hat"), {}) is None


def test_a_head_moved_to_a_closet_prior_names_the_common_value_more_often():
    from wardrobe.training.attributes import fit_attribute_head

    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0, 1, (100, 2)), rng.normal(1, 1, (100, 2))]).astype(np.float32)
    values = ["polo"] * 100 + ["t-shirt"] * 100
    plain, _ = fit_attribute_head(x, values, ("polo", "t-shirt"), "pattern", "photo")
    moved, report = fit_attribute_head(x, values, ("polo", "t-shirt"), "pattern", "photo",
                                       prior=np.array([0.1, 0.9]))
    assert report["closet_prior"]
    said = [head.probabilities(x).argmax(1).mean() for head in (plain, moved)]  # share named t-shirt
    assert 0.4 < said[0] < 0.6 and said[1] > said[0] + 0.2


def test_unknown_is_calibrated_on_the_photos_labelled_by_looking_not_the_folders():
    """Folder photos (easy catalogue shots) would make the head look surer than it is on closet photos."""
    from wardrobe.training.attributes import fit_attribute_head

    rng = np.random.default_rng(1)
    easy = np.vstack([rng.normal(-3, 0.5, (100, 2)), rng.normal(3, 0.5, (100, 2))])
    hard = np.vstack([rng.normal(-0.3, 1.5, (30, 2)), rng.normal(0.3, 1.5, (30, 2))])
    x = np.vstack([easy, hard]).astype(np.float32)
    values = ["polo"] * 100 + ["t-shirt"] * 100 + ["polo"] * 30 + ["t-shirt"] * 30
    looked = np.array([False] * 200 + [True] * 60)
    _, everything = fit_attribute_head(x, values, ("polo", "t-shirt"), "kind", "photo")
    _, on_looked = fit_attribute_head(x, values, ("polo", "t-shirt"), "kind", "photo", looked=looked)
    assert everything["judged_on"] == 260 and on_looked["judged_on"] == 60
    assert on_looked["sure"] > everything["sure"] + 0.2 and on_looked["cv_unknown"] > everything["cv_unknown"]


def test_the_garment_not_the_floor_decides_the_colour_statistics():
    rgb = np.zeros((120, 90, 3), np.uint8)
    rgb[:] = (200, 170, 120)  # a beige floor
    rgb[30:90, 25:65] = (30, 40, 90)  # a navy garment
    mask = np.zeros((120, 90), bool)
    mask[30:90, 25:65] = True
    features = colour_features(rgb, mask)
    core = features[15:30]
    assert core.argmax() == 3  # navy: the core of the garment, not the floor around it
    assert features[30:45].argmax() == 13  # beige: what lies around it, for the head to discount


def _striped(path: Path, colour, stripes: bool) -> Path:
    garment_photo(path, colour=colour)
    if stripes:
        pixels = np.array(Image.open(path))
        pixels[100:300:12, 100:200] = (250, 250, 250)
        Image.fromarray(pixels).save(path)
    return path


@pytest.fixture
def attribute_model(tiny_photo_model, tiny_model, tmp_path, monkeypatch):
    """The tiny photo network with attribute heads fitted on drawn garments (striped or not, navy or red)."""
    from wardrobe.training.attributes import fit_attribute_heads, photo_inputs
    from wardrobe.vision import card as cards
    from wardrobe.vision.classifier import Classifier

    photo_dir = Path(shutil.copytree(tiny_photo_model, tmp_path / "photo-model"))
    root = tmp_path / "drawn"
    (root / "t-shirt").mkdir(parents=True)
    labels = {}
    for i in range(24):
        stripes, colour = i % 2 == 0, ((30, 40, 90), (200, 30, 40))[i // 2 % 2]
        name = f"t-shirt/{i}.png"
        _striped(root / name, tuple(c + i for c in colour), stripes)
        labels[name] = {"pattern": "striped" if stripes else "solid", "colour": "navy" if colour[0] < 100 else "red",
                        "material": "other", "kind": "t-shirt"}
    classifier = Classifier(tiny_model, photo_dir)
    inputs = photo_inputs(classifier, root, sorted(labels))
    heads, _ = fit_attribute_heads(inputs, labels, classifier.network)
    staged = photo_dir / ".staged-attributes.npz"
    heads.save(staged)
    card = cards.read_card(photo_dir)
    card["artifacts"]["attributes"] = {"network": classifier.network}
    cards.publish(photo_dir, {"attributes": staged}, card)
    monkeypatch.setenv("WARDROBE_MODEL", str(tiny_model))
    monkeypatch.setenv("WARDROBE_PHOTO_MODEL", str(photo_dir))
    return root


def _items(home):
    from wardrobe.services import Wardrobe

    wardrobe = Wardrobe(home)
    try:
        return wardrobe.inventory.attribute_inputs()
    finally:
        wardrobe.close()


def test_add_reads_and_keeps_attributes_and_doctor_repairs_items_without(attribute_model, private_home, tmp_path):
    assert run_cli("add", str(attribute_model)).returncode == 0
    rows = _items(private_home)
    assert len(rows) == 24 and all(blob for _, _, blob in rows)
    assert all(set(item.attributes) <= {"kind", "pattern", "material", "colour"} for item, _, _ in rows)
    assert any(item.attributes for item, _, _ in rows)
    # An inventory from before the heads: its items lack attributes until doctor --repair reads them.
    import sqlite3

    with sqlite3.connect(private_home / "inventory.sqlite3") as db:
        db.execute("UPDATE items SET attributes = NULL, attribute_features = NULL")
    found = run_cli("doctor")
    assert "24 items have no kind, pattern, material or colour yet" in found.stdout
    repaired = run_cli("doctor", "--repair")
    assert repaired.returncode == 0 and "read the attributes of 24 items" in repaired.stdout
    assert all(blob for _, _, blob in _items(private_home))


def test_retrain_refits_attributes_from_tags_and_reset_goes_back(attribute_model, private_home):
    from wardrobe.services import Wardrobe

    assert run_cli("add", str(attribute_model)).returncode == 0
    wardrobe = Wardrobe(private_home)
    # This user calls every one of them checked: twelve tags are enough to judge a refit.
    with wardrobe.inventory.sessions.begin() as s:
        from wardrobe.store.tables import ItemRow

        for row in s.query(ItemRow).limit(12):
            row.user_attributes = {"pattern": "checked"}
    wardrobe.close()
    result = run_cli("retrain", "--classifier", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "error" in report  # no category corrections: the photo head is left alone, said so
    pattern = report["attributes"]["checked"]["pattern"]
    assert pattern["tags"] == 12 and pattern["corrections"]["checked"] == 12
    personal = private_home / "model-personal" / "attributes.npz"
    assert personal.is_file() == ("pattern" in report["attributes"]["adopted"])
    assert report["attributes"]["checked"]["colour"]["failed"] == ["fewer than 10 tags"]
    reset = run_cli("retrain", "--classifier", "--reset", "--json")
    assert reset.returncode == 0 and not personal.exists()
    assert json.loads(reset.stdout)["attributes"]["reread"] == 24


def test_too_few_tags_and_corrections_are_refused_in_one_line(attribute_model, private_home):
    assert run_cli("add", str(attribute_model)).returncode == 0
    result = run_cli("retrain", "--classifier")
    assert result.returncode == 2 and "nor has any attribute 10 tags" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_damaged_personal_attribute_file_is_named_with_the_way_out(attribute_model, private_home):
    assert run_cli("add", str(attribute_model / "t-shirt" / "0.png")).returncode == 0
    personal = private_home / "model-personal" / "attributes.npz"
    personal.parent.mkdir(exist_ok=True)
    personal.write_bytes(b"garbage")
    result = run_cli("add", str(attribute_model / "t-shirt" / "1.png"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "retrain --classifier --reset" in result.stderr + result.stdout
