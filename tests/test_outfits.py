"""Outfits: validity of every proposal, features, the preference model as data, learning, the service."""

import json
import re

import numpy as np
import pytest

from wardrobe.domain import CATEGORIES, SLOTS, item_name
from wardrobe.outfits.compose import Closet, ClosetItem
from wardrobe.outfits.explain import EXPLORING
from wardrobe.outfits.features import PIECES, ItemTable, feature_names, outfit_features
from wardrobe.outfits.preference import PreferenceModel
from wardrobe.outfits.recommend import Seen, propose

COLOURS = ["black", "white", "red", "blue", "green", "beige"]


def make_closet(counts: dict[int, int], seed: int = 0) -> Closet:
    rng = np.random.default_rng(seed)
    items, next_id = [], 1
    for label, count in counts.items():
        for _ in range(count):
            colours = tuple(rng.choice(COLOURS, 2, replace=False))
            items.append(ClosetItem(next_id, label, colours, rng.standard_normal(2048).astype(np.float32)))
            next_id += 1
    return Closet(items)


FULL = {0: 6, 1: 4, 2: 3, 3: 3, 4: 2, 5: 2, 6: 3, 7: 2, 8: 2, 9: 2}


def slots_of(closet, row):
    return sorted(SLOTS[closet.items[j].label] for j in row if j >= 0)


def assert_valid(closet, row):
    slots = slots_of(closet, row)
    assert slots.count("footwear") == 1
    separates = slots.count("top") == 1 and slots.count("bottom") == 1 and "one-piece" not in slots
    one_piece = slots.count("one-piece") == 1 and "top" not in slots and "bottom" not in slots
    assert separates or one_piece, slots
    assert slots.count("outer") <= 1 and slots.count("bag") <= 1


@pytest.mark.parametrize("counts", [FULL, {0: 2, 1: 1, 7: 1}, {3: 2, 5: 1, 8: 1}, {3: 1, 0: 1, 1: 1, 9: 1, 4: 1}])
def test_every_sampled_outfit_is_valid(counts):
    closet = make_closet(counts)
    rng = np.random.default_rng(1)
    rows = closet.sample(500, rng)
    for row in rows:
        assert_valid(closet, row)
    for row in rows[:20]:
        for neighbour in closet.neighbours(row, 10, rng):
            assert_valid(closet, neighbour)


@pytest.mark.parametrize("counts,why", [({0: 3, 1: 3}, "no footwear"), ({0: 3, 7: 2, 4: 1}, "neither a top")])
def test_a_closet_that_cannot_dress_says_why(counts, why):
    closet = make_closet(counts)
    assert why in closet.missing()
    assert len(closet.sample(10, np.random.default_rng(0))) == 0


def test_features_match_their_names_and_ignore_piece_order():
    closet = make_closet(FULL)
    rows = closet.sample(50, np.random.default_rng(0))
    features = outfit_features(ItemTable(closet), rows)
    assert features.shape == (50, len(feature_names()))
    assert np.isfinite(features).all()
    names = feature_names()
    # Counting pieces per category gives back the number of pieces.
    assert np.allclose(features[:, :len(CATEGORIES)].sum(1), (rows >= 0).sum(1))
    assert np.allclose(features[:, names.index("form:pieces")] * PIECES, (rows >= 0).sum(1))
    # The same pieces in other columns: every feature but the positional form:* ones is unchanged.
    positional = [i for i, name in enumerate(names) if name.startswith("form:") and name != "form:pieces"]
    assert len(positional) == 4
    rng = np.random.default_rng(1)
    for _ in range(20):
        order = rng.permutation(rows.shape[1])
        permuted = outfit_features(ItemTable(closet), rows[:, order])
        kept = np.ones(len(names), bool)
        kept[positional] = False
        assert np.allclose(permuted[:, kept], features[:, kept], atol=1e-9), order
    moved = outfit_features(ItemTable(closet), rows[:, ::-1])  # the main piece to the accessory column...
    assert not np.allclose(moved[:, positional], features[:, positional])  # ...the positional ones do change


def test_preference_model_is_stored_as_plain_json_and_round_trips():
    closet = make_closet(FULL)
    features = outfit_features(ItemTable(closet), closet.sample(20, np.random.default_rng(0)))
    model = PreferenceModel()
    model.learn(features[:10], np.array([1, 0] * 5))
    text = json.dumps(model.to_dict())  # only numbers and names: no pickle anywhere
    again = PreferenceModel.from_dict(json.loads(text))
    assert np.allclose(model.score(features), again.score(features), atol=1e-4)
    assert again.ratings == 10


def test_a_model_from_other_features_starts_afresh():
    data = PreferenceModel().to_dict()
    data["features"] = data["features"][:-1]
    assert PreferenceModel.from_dict(data).ratings == 0


def test_it_learns_a_colour_taste_and_proposals_follow():
    closet = make_closet(FULL, seed=3)
    table = ItemTable(closet)
    rng = np.random.default_rng(0)
    red = {i for i, item in enumerate(closet.items) if "red" in item.colours}

    def liked(rows):
        return np.array([int(any(j in red for j in row if j >= 0)) for row in rows])

    model = PreferenceModel()
    before = np.mean([liked([p.row for p in propose(closet, model, 10, rng, table=table)]).mean() for _ in range(5)])
    for _ in range(4):
        rows = np.array([p.row for p in propose(closet, model, 10, rng, table=table)])
        model.learn(outfit_features(table, rows), liked(rows))
    after = np.mean([liked([p.row for p in propose(closet, model, 10, rng, table=table)]).mean() for _ in range(5)])
    assert after > before + 0.2, (before, after)


def test_proposals_are_distinct_valid_and_skip_recent_ones():
    closet = make_closet(FULL)
    rng = np.random.default_rng(0)
    first = propose(closet, PreferenceModel(), 10, rng)
    assert len({p.key for p in first}) == 10
    for p in first:
        assert_valid(closet, p.row)
        assert not p.explore  # before any rating the prior is trusted
    again = propose(closet, PreferenceModel(), 10, rng, Seen(recent_keys={p.key for p in first}))
    assert not {p.key for p in first} & {p.key for p in again}


def test_exploration_appears_once_there_are_ratings():
    closet = make_closet(FULL)
    model = PreferenceModel()
    model.ratings = 5
    proposals = propose(closet, model, 10, np.random.default_rng(0))
    assert sum(p.explore for p in proposals) == 3


def test_the_numpy_update_is_scikit_learns_sgd():
    from sklearn.linear_model import SGDClassifier

    from wardrobe.outfits.preference import ALPHA, ETA

    closet = make_closet(FULL, seed=5)
    model = PreferenceModel()
    # The day's crossed features too: a cold, wet "work" day for some outfits, none for the others.
    from wardrobe.weather import Weather

    base = outfit_features(ItemTable(closet), closet.sample(60, np.random.default_rng(2)))
    features = model.for_day(base, [Weather(5, rain=True) if k % 2 else None for k in range(60)],
                              ["work" if k % 3 else None for k in range(60)], learn=True)
    assert features.shape == (60, len(model.names)) and np.abs(features[:, base.shape[1]:]).sum() > 0
    liked = (np.random.default_rng(3).random(60) < 0.4).astype(int)
    model.learn(features[:10], liked[:10])  # start from weights that are not zero
    reference = SGDClassifier(loss="log_loss", penalty="l2", alpha=ALPHA, learning_rate="constant", eta0=ETA,
                              shuffle=False, random_state=0)
    reference.partial_fit(np.zeros((2, features.shape[1])), np.array([0, 1]), classes=np.array([0, 1]))
    reference.coef_[0], reference.intercept_[0] = model.coef, model.intercept
    reference.partial_fit(features[10:], liked[10:])
    model._steps(features[10:], liked[10:])
    assert np.allclose(model.coef, reference.coef_[0], atol=1e-9)
    assert np.isclose(model.intercept, reference.intercept_[0], atol=1e-9)
    assert np.abs(model.coef).max() > 0.01


def test_why_names_the_colour_pair_a_model_learnt_to_like():
    # One colour per piece: only the pair feature can say "a red piece and a blue piece".
    closet = Closet([ClosetItem(item.id, item.label, item.colours[:1], item.embedding, colour=item.colours[0])
                     for item in make_closet(FULL, seed=3).items])
    table = ItemTable(closet)
    rng = np.random.default_rng(0)
    rows = closet.sample(400, rng)
    colours = [set(item.colours) for item in closet.items]

    def has(row, colour):
        return any(colour in colours[j] for j in row if j >= 0)

    liked = np.array([int(has(row, "red") and has(row, "blue")) for row in rows])
    model = PreferenceModel()
    model.fit(outfit_features(table, rows), liked)
    seen = Seen(liked=[closet.item_ids(row) for row, like in zip(rows, liked) if like])
    proposals = propose(closet, model, 3, rng, seen, table=table)
    # Each colour is a piece's main colour: the pieces are named ("the blue top goes with the red trousers").
    said = re.search(r"the ([a-z -]+) goe?s? with the ([a-z -]+), liked (\d+) times", proposals[0].why)
    assert said, [p.why for p in proposals]
    names = [closet.items[j].name for j in proposals[0].row if j >= 0]
    assert {said[1].split()[0], said[2].split()[0]} == {"blue", "red"}
    assert names.index(said[1]) < names.index(said[2])  # in outfit order: the top before the trousers
    assert int(said[3]) == len(seen.liked)  # every liked outfit had the pair


def test_an_exploring_pick_says_so_and_the_first_picks_say_why_without_ratings():
    closet = make_closet(FULL)
    first = propose(closet, PreferenceModel(), 3, np.random.default_rng(0))
    assert all(p.why and p.why != EXPLORING for p in first)
    model = PreferenceModel()
    model.ratings = 5
    explored = [p for p in propose(closet, model, 10, np.random.default_rng(0)) if p.explore]
    assert explored and all(p.why == EXPLORING for p in explored)


def test_why_never_names_what_the_outfit_lacks():
    """A user who dislikes shirts gains from their absence; the why must not say "a shirt"."""
    from wardrobe.outfits.explain import Liked, why

    closet = make_closet(FULL)
    rows = closet.sample(300, np.random.default_rng(1))
    table = ItemTable(closet)
    features = outfit_features(table, rows)
    model = PreferenceModel()
    model.ratings = 30
    model.coef[:] = 0.0
    shirts = model.names.index("count:Shirt")
    model.coef[shirts] = -3.0
    without = next(k for k, row in enumerate(rows) if all(closet.items[j].label != 6 for j in row if j >= 0))
    line = why(model, features[without], [closet.items[j] for j in rows[without] if j >= 0],
               Liked(np.zeros(len(model.names))), features.mean(axis=0))
    assert "shirt" not in line.lower(), line


def test_a_piece_named_as_a_reason_counts_its_own_likes_not_its_hash_buckets():
    from collections import Counter

    from wardrobe.outfits.explain import Liked, why
    from wardrobe.outfits.features import item_bucket

    closet = make_closet(FULL)
    row = closet.sample(1, np.random.default_rng(0))[0]
    piece = closet.items[row[0]]
    model = PreferenceModel()
    model.ratings = 10
    model.coef[model.names.index(f"item:{item_bucket(piece.id)}")] = 2.0
    features = outfit_features(ItemTable(closet), row[None])[0]
    liked = Liked(np.full(len(model.names), 7), Counter({piece.id: 3}))  # 7: the bucket, shared with other items
    line = why(model, features, [closet.items[j] for j in row if j >= 0], liked, np.zeros_like(features))
    assert line.startswith(f"the {piece.name} (#{piece.id}), liked 3 times"), line
    assert piece.name == item_name(piece.label)  # nothing read of it: its category's noun
