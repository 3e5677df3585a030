"""Category names and numbers as users type them."""

import pytest

from wardrobe.domain import CATEGORIES, Prediction, UnknownCategory, category_slug, parse_category


@pytest.mark.parametrize("text,label", [
    ("t-shirt", 0), ("T-shirt/top", 0), ("TSHIRT", 0), ("trouser", 1), ("Trousers", 1), ("pullover", 2),
    ("dress", 3), ("coat", 4), ("sandal", 5), ("shirt", 6), ("sneaker", 7), ("bag", 8),
    ("ankle-boot", 9), ("Ankle Boot", 9), ("ankle_boot", 9), ("0", 0), ("9", 9), (" 3 ", 3),
])
def test_parse_category_accepts_names_and_numbers(text, label):
    assert parse_category(text) == label


@pytest.mark.parametrize("text", ["hat", "10", "-1", "", "skirt"])
def test_parse_category_refuses_the_unknown_and_lists_choices(text):
    with pytest.raises(UnknownCategory, match="ankle-boot"):
        parse_category(text)


def test_every_slug_parses_back():
    assert [parse_category(category_slug(i)) for i in range(10)] == list(range(10))
    assert len(CATEGORIES) == 10


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
