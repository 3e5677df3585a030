"""Proposing outfits: sample valid ones, score them with the user's model, mix the best with a few exploring ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from wardrobe.outfits.compose import Closet
from wardrobe.outfits.dress import DayRules
from wardrobe.outfits.explain import Liked, why
from wardrobe.outfits.features import ItemTable, all_feature_names, outfit_features
from wardrobe.outfits.preference import PreferenceModel
from wardrobe.weather.value import Weather

CANDIDATES = 1200
NEIGHBOURS_PER_LIKE = 40
LOOK_CLOSER, NEIGHBOURS_PER_BEST = 20, 20  # the best candidates left open by the repeat rule, and their neighbours
MAX_SHARED = 2  # two outfits of one batch share at most this many pieces
WINDOWS = ((20, 6), (30, 9))  # no piece in more than 6 of any 20 consecutive proposals, nor 9 of 30 (under a third)...
EXPLORE_EVERY = 10  # ...and at least one exploring proposal in every 10, once there are ratings
NOVELTY = 1.0  # an exploring pick's bonus (in logits) for each piece not proposed lately


@dataclass
class Proposal:
    row: np.ndarray
    item_ids: list[int]
    key: str
    probability: float
    explore: bool
    why: str = ""


@dataclass
class Seen:
    """What the variety rules look at: the user's recent proposals, likes and wear."""

    recent_keys: set[str] = field(default_factory=set)  # outfits shown lately, not shown again
    recent_items: list[list[int]] = field(default_factory=list)  # item ids of the last proposals, oldest first
    since_explore: int = 0  # proposals since the last exploring one
    worn_today: set[int] = field(default_factory=set)  # item ids, not proposed again today
    liked: list[list[int]] = field(default_factory=list)  # item ids of liked outfits, oldest first


def explore_share(ratings: int) -> float:
    """Before any rating the prior is trusted; then a share of exploring picks that shrinks as taste is learned."""
    if ratings == 0:
        return 0.0
    return 0.3 if ratings < 10 else 0.2 if ratings < 30 else 0.1


def explore_plan(n: int, ratings: int, since_explore: int) -> list[bool]:
    """Which of the next n proposals explore: one every 1/share proposals, counted across calls, so that a
    share rounding to none in a small batch still explores (never more than EXPLORE_EVERY - 1 in a row)."""
    share = explore_share(ratings)
    if not share:
        return [False] * n
    every = min(EXPLORE_EVERY, max(1, round(1 / share)))
    plan, gap = [], since_explore
    for _ in range(n):
        plan.append(gap + 1 >= every)
        gap = 0 if plan[-1] else gap + 1
    return plan


def _positions(closet: Closet, outfits: list[list[int]]) -> list[int]:
    """Where the items of these outfits (by id) are in the closet; items no longer wearable are left out."""
    return [closet.position[i] for ids in outfits for i in ids if i in closet.position]


class _Windows:
    """How often each piece was in the last proposals (those being chosen included), for each of WINDOWS."""

    def __init__(self, closet: Closet, recent_items: list[list[int]]):
        longest = max(length for length, _ in WINDOWS)
        self.shown = [np.array(_positions(closet, [ids]), dtype=np.int64) for ids in list(recent_items)[-(longest - 1):]]
        self.size = len(closet.items) + 1  # the last entry, the empty piece, is never counted

    def excess(self, rows: np.ndarray) -> np.ndarray:
        """Per row, how far its pieces would go over the limits if it were proposed next."""
        out = np.zeros(len(rows))
        for length, most in WINDOWS:
            counts = np.zeros(self.size)
            for pieces in self.shown[-(length - 1):]:
                counts[pieces] += 1
            out += np.maximum(counts[rows] + 1 - most, 0).sum(1)
        return out

    def add(self, row: np.ndarray) -> None:
        self.shown.append(row[row >= 0])


def _distinct(closet: Closet, rows: np.ndarray, skip: set[bytes]) -> tuple[np.ndarray, list[bytes]]:
    """The rows closet samples from, each outfit once, leaving out those whose identity is in `skip`."""
    rows = rows[closet.allowed(rows)]
    unique: dict[bytes, int] = {}
    for i, identity in enumerate(closet.identities(rows)):
        if identity not in skip and identity not in unique:
            unique[identity] = i
    return rows[np.array(list(unique.values()), dtype=np.int64)], list(unique)


def _candidates(closet: Closet, liked: list[list[int]], skip: set[bytes], rng: np.random.Generator,
                candidates: int) -> tuple[np.ndarray, list[bytes]]:
    """Distinct candidate rows (random valid outfits and neighbours of liked ones) and their identities."""
    pools = [closet.sample(candidates, rng)]
    for item_ids in list(liked)[-10:]:
        row = closet.row_for(item_ids)
        if row is not None:
            pools.append(closet.neighbours(row, NEIGHBOURS_PER_LIKE, rng))
    rows, keys = _distinct(closet, np.concatenate(pools), skip)
    if not keys:  # everything was shown recently: repeat rather than propose nothing
        rows, keys = _distinct(closet, np.concatenate(pools), set())
    return rows, keys


def _closer_look(closet: Closet, rows: np.ndarray, keys: list[bytes], score: np.ndarray, open_: np.ndarray,
                 skip: set[bytes], rng: np.random.Generator) -> tuple[np.ndarray, list[bytes]]:
    """Neighbours of the best candidates that the repeat rule leaves open: a local search that finds good
    outfits among the other pieces where random samples are thin."""
    best = np.flatnonzero(open_)[np.argsort(-score[open_])[:LOOK_CLOSER]]
    if not len(best):
        return rows[:0], []
    near = np.concatenate([closet.neighbours(rows[i], NEIGHBOURS_PER_BEST, rng) for i in best])
    return _distinct(closet, near, skip | set(keys))


def _liked(closet: Closet, table: ItemTable, liked: list[list[int]], model: PreferenceModel) -> Liked:
    """What the liked outfits (of pieces still wearable) had, for the why line."""
    rows = [r for r in (closet.row_for(ids) for ids in liked) if r is not None]
    items = Counter(i for ids in liked for i in ids)
    if not rows:
        return Liked(np.zeros(len(all_feature_names()), dtype=np.int64), items)
    return Liked((model.for_day(outfit_features(table, np.stack(rows))) > 0).sum(0), items)


def propose(closet: Closet, model: PreferenceModel, n: int, rng: np.random.Generator, seen: Seen | None = None,
            table: ItemTable | None = None, candidates: int = CANDIDATES, rules: DayRules | None = None,
            weather: Weather | None = None, occasion: str | None = None) -> list[Proposal]:
    """Up to n distinct outfits, best first except for exploring picks where the plan puts them.

    Variety: pieces worn today are left out (unless the outfit cannot be made without them); a piece that
    would go over a limit of WINDOWS is taken only when no candidate avoids it. `rules`, the day's weather
    (outfits.dress), keep every candidate to the pieces it allows; the model scores them for the day's `weather`
    and `occasion` (its taste for them).
    """
    seen = seen or Seen()
    if closet.missing() or n <= 0:
        return []
    table = table or ItemTable(closet)
    wearable = (rules.apply(closet) if rules is not None else closet).without(seen.worn_today)
    window = _Windows(closet, seen.recent_items)
    skip = {Closet.identity(key) for key in seen.recent_keys}
    rows, keys = _candidates(wearable, seen.liked, skip, rng, candidates)
    # Scored for the day with the crossed weights folded in (model.day_coef): the crossed features themselves are
    # built only for the outfits chosen, for their why.
    features = outfit_features(table, rows)
    score = model.score(features, weather, occasion)
    more, more_keys = _closer_look(wearable, rows, keys, score, window.excess(rows) == 0, skip, rng)
    if more_keys:
        more_features = outfit_features(table, more)
        rows, keys = np.concatenate([rows, more]), keys + more_keys
        features = np.concatenate([features, more_features])
        score = np.concatenate([score, model.score(more_features, weather, occasion)])
    # Exploration: the best outfits with pieces not proposed lately, whose own weights the model has yet to learn.
    shown = np.zeros(len(closet.items) + 1, dtype=bool)
    shown[_positions(closet, seen.recent_items)] = True
    shown[-1] = True  # the empty piece is nothing new
    novelty = score + NOVELTY * (~shown[rows]).sum(1)
    rank = {False: np.argsort(np.argsort(-score)), True: np.argsort(np.argsort(-novelty))}
    usable = np.ones(len(rows), dtype=bool)  # not chosen yet, and sharing at most MAX_SHARED pieces with those chosen
    liked = _liked(closet, table, seen.liked, model)
    typical = model.for_day(features.mean(0), weather, occasion)[0]  # the crossed features are linear in the rest
    out = []
    for explore in explore_plan(n, model.ratings, seen.since_explore):
        if not usable.any():
            break
        # Fewest pieces over the window first, then the best (or least sure) of those.
        order = np.where(usable, window.excess(rows) * (len(rows) + 1) + rank[explore], np.iinfo(np.int64).max)
        i = int(np.argmin(order))
        row = rows[i]
        window.add(row)
        pieces = row[row >= 0]
        usable &= np.isin(rows, pieces).sum(1) <= MAX_SHARED
        usable[i] = False
        probability = float(1.0 / (1.0 + np.exp(-score[i])))
        reason = why(model, model.for_day(features[i], weather, occasion)[0], [closet.items[j] for j in pieces], liked,
                     typical, explore)
        out.append(Proposal(row, closet.item_ids(row), closet.key(row), probability, explore, reason))
    return out
