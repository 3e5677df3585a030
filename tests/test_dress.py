"""Dressing for the day: warmth and rain-fitness, `wardrobe tag --warmth`, the weather's rules with their fallback,
`suggest --weather/--occasion`, and occasions kept apart by the taste model."""

import json
from types import SimpleNamespace

import pytest
from conftest import run_cli, stock_closet

from wardrobe.domain import CATEGORIES
from wardrobe.weather.warmth import CATEGORY_WARMTH, KIND_WARMTH, default_warmth, rain_fit, warmth_of


def test_every_category_and_kind_has_a_warmth_and_the_user_wins():
    assert set(CATEGORY_WARMTH) == set(range(len(CATEGORIES))) and set(CATEGORY_WARMTH.values()) <= {0, 1, 2, 3}
    coat, sandal, shorts, pullover = (CATEGORIES.index(c) for c in ("Coat", "Sandal", "Shorts", "Pullover"))
    assert (default_warmth(coat), default_warmth(sandal), default_warmth(shorts), default_warmth(pullover)) == (3, 0, 0, 2)
    assert default_warmth(coat, "blazer") == 1 and default_warmth(coat, "Jacket") == 2
    assert default_warmth(0, "Tank top") == 0 and default_warmth(0, "tank_top") == 0 and default_warmth(9, "boots") == 2
    assert default_warmth(0, "other") == 1 and default_warmth(0, "something new") == 1
    assert warmth_of(0, None, 3) == 3 and warmth_of(coat, "coat", 0) == 0
    assert set(KIND_WARMTH) >= {"t-shirt", "polo", "tank-top", "long-sleeve-top", "shirt", "blouse", "bodysuit",
                                "sweater", "hoodie", "sweatshirt", "jacket", "blazer", "coat", "jeans", "trousers",
                                "leggings", "shorts", "skirt", "dress", "sneaker", "boot", "sandal", "shoe", "hat"}
    assert not rain_fit(sandal) and not rain_fit(7, "sandal") and not rain_fit(9, None, "Suede")
    assert rain_fit(7) and rain_fit(9, "boot", "leather") and rain_fit(sandal, "sneaker")


@pytest.fixture
def stocked(private_home):
    return stock_closet(private_home, {0: 2, 1: 1, 7: 1, 4: 1})


def test_tag_warmth_is_kept_shown_and_undone(stocked):
    tee = next(i for i, item in stocked.items() if item.predicted_label == 0)
    [record] = json.loads(run_cli("tag", str(tee), "--warmth", "3", "--json").stdout)
    assert (record["id"], record["warmth"], record["warmth_yours"]) == (tee, 3, True)
    shown = run_cli("show", str(tee))
    assert "warmth      3 (for the cold; yours)" in shown.stdout
    plain = run_cli("tag", str(tee), "--warmth", "default")
    assert plain.returncode == 0 and "warmth 1 (light; the default)" in plain.stdout
    assert json.loads(run_cli("show", str(tee), "--json").stdout)["warmth_yours"] is False
    for args, code in (((str(tee), "--warmth", "4"), 2), ((str(tee),), 2), (("999", "--warmth", "1"), 3)):
        result = run_cli("tag", *args)
        assert result.returncode == code and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_item_without_a_kind_yet_takes_its_categorys_warmth():
    from wardrobe.services.records import item_warmth

    assert item_warmth(SimpleNamespace(label=4, warmth=None)) == 3
    assert item_warmth(SimpleNamespace(label=4, warmth=None, kind="blazer")) == 1
    assert item_warmth(SimpleNamespace(label=4, warmth=2, kind="blazer")) == 2
