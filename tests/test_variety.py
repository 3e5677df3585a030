"""Variety a person notices, through the service on real SQLite inventories: worn today, repeats, exploration."""

import numpy as np
import pytest
from conftest import stock_closet

from wardrobe.services import Stylist, Wardrobe
from wardrobe.store.taste import TasteStore

# 6 tops, 4 trousers, 3 dresses, 2 coats, 2 sandals, 2 sneakers, 1 bag, 1 ankle boot: enough to vary every slot.
CLOSET = {0: 6, 1: 4, 3: 3, 4: 2, 5: 2, 7: 2, 8: 1, 9: 1}


@pytest.fixture
def stylist(private_home):
    stock_closet(private_home, CLOSET)
    return Stylist(Wardrobe(private_home), seed=0)


def pieces(proposals):
    return [{item.id for item in p.items} for p in proposals]


def rate_some(stylist, n, liked=lambda ids: False, batch=5):
    while n > 0:
        for p in stylist.suggest(min(batch, n)):
            stylist.rate(p.id, liked({item.id for item in p.items}))
            n -= 1


def loved_dress(stylist) -> int:
    return min(i for i, item in stylist.wardrobe.inventory.by_ids(range(1, 40)).items() if item.label == 3)


def test_pieces_worn_today_are_not_proposed_again_today(stylist):
    from datetime import timedelta

    loved = loved_dress(stylist)
    rate_some(stylist, 20, liked=lambda ids: loved in ids)
    worn = [loved] + [item.id for item in stylist.suggest(1)[0].items if item.id != loved]
    stylist.wear(worn)
    [worn_at] = {when for _, when in stylist.taste.wears(stylist.user_id)}
    stylist.now = lambda: worn_at  # the moment of the wear: the same day, even a second before midnight
    for _ in range(6):
        for outfit in pieces(stylist.suggest(5)):
            assert not outfit & set(worn)
    stylist.now = lambda: worn_at + timedelta(days=1)  # tomorrow they may be worn again
    assert any(outfit & set(worn) for _ in range(6) for outfit in pieces(stylist.suggest(5)))


def test_the_only_shoes_are_proposed_though_worn_today_and_in_every_outfit(private_home):
    items = stock_closet(private_home, {0: 3, 1: 2, 7: 1})
    stylist = Stylist(Wardrobe(private_home), seed=0)
    shoes = next(i for i, item in items.items() if item.predicted_label == 7)
    stylist.wear([shoes])
    for _ in range(5):  # in every outfit, far over the repeat limit: the closet offers nothing else
        proposals = stylist.suggest(5)
        assert proposals and all(shoes in outfit for outfit in pieces(proposals))


def test_no_piece_in_a_third_of_any_20_or_30_proposals_even_a_loved_one(stylist):
    loved = loved_dress(stylist)
    rate_some(stylist, 40, liked=lambda ids: loved in ids)
    for _ in range(8):
        stylist.suggest(5)
    shown = [set(ids) for _, ids, _ in reversed(TasteStore(stylist.wardrobe.inventory.sessions)
                                                 .recent_outfits(stylist.user_id, 100))]
    assert sum(loved in ids for ids in shown[-40:]) >= 8  # the taste was learnt: the rule has work to do
    for length, most in ((20, 6), (30, 9)):
        for end in range(length, len(shown) + 1):
            window = shown[end - length : end]
            counts = {i: sum(i in ids for ids in window) for i in set().union(*window)}
            assert max(counts.values()) <= most, (length, end, counts)


@pytest.mark.parametrize("n", [1, 5])
def test_at_least_one_exploring_proposal_in_every_10(stylist, n):
    rate_some(stylist, 35, liked=lambda ids: min(ids) % 2 == 0)  # past 30 ratings: the smallest share, 10%
    flags = [p.explore for _ in range(40 // n) for p in stylist.suggest(n)]
    assert len(flags) == 40
    for start in range(len(flags) - 9):
        assert any(flags[start : start + 10]), (start, flags)
    assert np.mean(flags) <= 0.2  # exploring stays the exception
