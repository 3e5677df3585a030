"""Category names and numbers as users type them."""

import pytest

from wardrobe.domain import (
    CATEGORIES,
    SLOT_NAMES,
    Prediction,
    UnknownCategory,
    category_slug,
    parse_category,
    slot_of,
)


@pytest.mark.parametrize("text,label", [
    ("t-shirt", 0), ("T-shirt/top", 0), ("TSHIRT", 0), ("trouser", 1), ("Trousers", 1), ("pullover", 2),
    ("dress", 3), ("coat", 4), ("sandal", 5), ("shirt", 6), ("sneaker", 7), ("bag", 8),
    ("ankle-boot", 9), ("Ankle Boot", 9), ("ankle_boot", 9), ("0", 0), ("9", 9), (" 3 ", 3),
])
def test_parse_category_accepts_names_and_numbers(text, label):
    assert parse_category(text) == label


@pytest.mark.parametrize("text", ["scarf", "13", "-1", "", "99999999999999999999"])
def test_parse_category_refuses_the_unknown_and_lists_choices(text):
    with pytest.raises(UnknownCategory, match="ankle-boot"):
        parse_category(text)


def test_every_slug_parses_back():
    assert [parse_category(category_slug(i)) for i in range(len(CATEGORIES))] == list(range(len(CATEGORIES)))
    assert CATEGORIES[:10][-1] == "Ankle boot" and CATEGORIES[10:] == ("Shorts", "Skirt", "Hat")


def test_closet_categories_have_slots_and_fashion_mnist_numbers_stay():
    assert [parse_category(name) for name in ("shorts", "Skirt", "hat", "9", "12")] == [10, 11, 12, 9, 12]
    assert (slot_of(10), slot_of(11), slot_of(12)) == ("bottom", "bottom", "accessory")
    assert all(slot_of(i) in SLOT_NAMES for i in range(len(CATEGORIES)))


def test_prediction_top_is_sorted():
    p = Prediction((0.1, 0.5, 0.0, 0.3, 0.1, 0, 0, 0, 0, 0))
    assert p.label == 1 and p.confidence == 0.5
    assert p.top(2) == [(1, 0.5), (3, 0.3)]


def test_unsure_is_said_plainly():
    from wardrobe.domain import describe, is_unsure

    sure = [0.0] * 10
    sure[4] = 0.9
    sure[2] = 0.1
    assert not is_unsure(sure) and describe(sure) == "Coat"
    tied = [0.0] * 10
    tied[2], tied[4], tied[0] = 0.41, 0.38, 0.21
    assert is_unsure(tied) and describe(tied) == "unsure: Pullover 41% / Coat 38%"
    low = [0.1] * 10
    assert is_unsure(low)
