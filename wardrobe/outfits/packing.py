"""Packing for a trip: the fewest pieces that make a different outfit the user would like for every day (greedy cover)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from wardrobe.domain import SLOT_NAMES
from wardrobe.outfits.compose import BOTTOM, FOOTWEAR, MAIN, OUTER, Closet

Scorer = Callable[[np.ndarray], np.ndarray]  # outfit rows -> each one's probability of a like on that day
LIKED = 0.5  # an outfit the taste model expects a like for
STEP = 0.1  # how far the bar of liking is lowered for days the closet has no liked outfit left for
POOL = 3000  # sampled outfits: where packing starts, what it falls back on, and the unlimited best it is measured by
LOOK_CLOSER = 20  # the best sampled outfits whose neighbours join that unlimited best (as proposals search)
PAIRS_OF = 10  # the best tops and bottoms (alone) whose pairs are weighed as one addition
OPTIONAL_SLOTS = ("outer", "bag", "accessory")
_NONE = np.zeros(0, dtype=np.int64)


class CannotPack(Exception):
    """The closet cannot make that many different outfits; the message says how many it can."""


@dataclass
class Packing:
    pieces: list[int]  # closet indices of the pieces to take
    rows: list[np.ndarray]  # each day's outfit
    probabilities: list[float]  # each day's predicted like
    best: list[float]  # each day's predicted like among the best different outfits, with no limit on pieces
    stretched: int  # days whose outfit is below LIKED: the closet offered no liked one that fitted
    best_rows: list[np.ndarray] = field(default_factory=list)  # those best outfits, one a day


def different_outfits(closet: Closet) -> int:
    """How many outfits that differ in their top, bottom or dress the closet can make (with shoes)."""
    if not len(closet.slot["footwear"]):
        return 0
    return len(closet.slot["top"]) * len(closet.slot["bottom"]) + len(closet.slot["one-piece"])


def _pair(rows: np.ndarray, size: int) -> np.ndarray:
    """What tells two outfits of a trip apart: their (top, bottom) or dress, as one number per row."""
    return rows[:, MAIN] * (size + 2) + rows[:, BOTTOM] + 1


def _by_slot(closet: Closet, pieces) -> dict[str, np.ndarray]:
    found: dict[str, list[int]] = {name: [] for name in SLOT_NAMES}
    for j in pieces:
        found[closet.items[j].slot].append(int(j))
    return {name: np.array(sorted(found[name]), dtype=np.int64) for name in SLOT_NAMES}


def _mains(tops: np.ndarray, bottoms: np.ndarray, dresses: np.ndarray) -> np.ndarray:
    """(main, bottom) choices: every top with every bottom, and each dress alone."""
    pairs = np.stack(np.meshgrid(tops, bottoms, indexing="ij"), -1).reshape(-1, 2)
    return np.concatenate([pairs, np.stack([dresses, np.full(len(dresses), -1)], 1)]).astype(np.int64)


def _grid(mains: np.ndarray, footwear: np.ndarray, *optional: np.ndarray) -> np.ndarray:
    """Every outfit of these choices (optional pieces' choices hold -1 where the outfit may go without)."""
    sizes = (len(mains), len(footwear), *map(len, optional))
    if not all(sizes):
        return np.zeros((0, 6), dtype=np.int64)
    i = np.indices(sizes).reshape(len(sizes), -1)
    return np.stack([mains[i[0], 0], mains[i[0], 1], footwear[i[1]], *(o[i[k + 2]] for k, o in enumerate(optional))],
                    axis=1)


def _optional(pieces: np.ndarray) -> np.ndarray:
    return np.append(pieces, -1)


def outfits_of(closet: Closet, pieces) -> np.ndarray:
    """Every valid outfit made of these pieces (closet indices)."""
    s = _by_slot(closet, pieces)
    return _grid(_mains(s["top"], s["bottom"], s["one-piece"]), s["footwear"], *(_optional(s[o]) for o in OPTIONAL_SLOTS))


def _with_each(closet: Closet, pieces, candidates) -> tuple[np.ndarray, np.ndarray]:
    """The outfits each candidate piece makes with `pieces` (the candidate in every one), and whose each row is."""
    s, c = _by_slot(closet, pieces), _by_slot(closet, candidates)
    optional = [_optional(s[o]) for o in OPTIONAL_SLOTS]
    mains = _mains(s["top"], s["bottom"], s["one-piece"])
    parts = [(_grid(_mains(c["top"], s["bottom"], _NONE), s["footwear"], *optional), MAIN),
             (_grid(_mains(s["top"], c["bottom"], _NONE), s["footwear"], *optional), BOTTOM),
             (_grid(_mains(_NONE, _NONE, c["one-piece"]), s["footwear"], *optional), MAIN),
             (_grid(mains, c["footwear"], *optional), FOOTWEAR)]
    for k, slot in enumerate(OPTIONAL_SLOTS):
        parts.append((_grid(mains, s["footwear"], *optional[:k], c[slot], *optional[k + 1:]), OUTER + k))
    rows = np.concatenate([rows for rows, _ in parts])
    return rows, np.concatenate([rows[:, column] for rows, column in parts])


def _options(keys: np.ndarray, p: np.ndarray, threshold: float) -> dict[int, tuple[float, int]]:
    """For each outfit pair liked at `threshold`: its best completion's probability and row."""
    liked = np.flatnonzero(p >= threshold)
    order = liked[np.lexsort((-p[liked], keys[liked]))]
    _, first = np.unique(keys[order], return_index=True)
    return {int(keys[i]): (float(p[i]), int(i)) for i in order[first]}


def _match(day_context: list[int], options: list[dict]) -> dict[int, int]:
    """Days to different outfit pairs (day -> pair), as many days as can be given one; each day tries its
    context's best pairs first (Kuhn's augmenting paths)."""
    preferences = [sorted(options[c], key=lambda k, c=c: -options[c][k][0]) for c in day_context]
    holder: dict[int, int] = {}

    def seat(day: int, tried: set[int]) -> bool:
        for key in preferences[day]:
            if key in tried:
                continue
            tried.add(key)
            if key not in holder or seat(holder[key], tried):
                holder[key] = day
                return True
        return False

    for day in range(len(day_context)):
        seat(day, set())
    return {day: key for key, day in holder.items()}


class _Trip:
    """The days of a trip and their scorers; evaluates sets of pieces."""

    def __init__(self, closet: Closet, scorers: Sequence[Scorer]):
        self.closet = closet
        self.contexts: list[Scorer] = []
        self.day_context = []
        for scorer in scorers:  # days that share a scorer (the same weather and occasion) are scored once
            if not any(scorer is known for known in self.contexts):
                self.contexts.append(scorer)
            self.day_context.append(next(k for k, known in enumerate(self.contexts) if scorer is known))
        self.need = np.bincount(self.day_context, minlength=len(self.contexts))
        self.size = len(closet.items)

    def scores(self, rows: np.ndarray) -> list[np.ndarray]:
        return [score(rows) if len(rows) else np.zeros(0) for score in self.contexts]

    def evaluate(self, pieces, thresholds) -> tuple[np.ndarray, list[np.ndarray], list[dict], dict[int, int]]:
        """The outfits these pieces make, their scores, the liked pairs per context, and the days they fill."""
        rows = outfits_of(self.closet, pieces)
        p = self.scores(rows)
        keys = _pair(rows, self.size)
        options = [_options(keys, p[c], thresholds[c]) for c in range(len(self.contexts))]
        return rows, p, options, _match(self.day_context, options)


def pack(closet: Closet, scorers: Sequence[Scorer], rng: np.random.Generator, pool: int = POOL) -> Packing:
    """The fewest pieces (greedily) that give each day (one scorer a day) a different outfit it likes.

    From three starts (the best sampled outfit, the best with a top and a bottom, the liked one of the fewest
    pieces), add the piece, or the top and bottom together, that makes the most new liked outfits per piece with
    those already packed (ties: the better liked), or, when none does, the sampled liked outfit that needs the
    fewest pieces more; then drop any piece the days can do without. The start whose packing leaves the fewest
    days without a liked outfit wins, then the one of fewer pieces, then the better liked. Days the closet has no
    liked outfit for get the best of the rest (counted in `stretched`).
    """
    days = len(scorers)
    if days == 0:
        return Packing([], [], [], [], 0)
    if (can := different_outfits(closet)) < days:
        raise CannotPack(f"the closet makes {can} different outfit{'s' if can != 1 else ''} (tops with bottoms, "
                         f"dresses, with shoes): not enough for {days} days")
    trip = _Trip(closet, scorers)
    sampled = np.unique(closet.sample(pool, rng), axis=0)
    sampled_p = trip.scores(sampled)
    mean_p = sum(w * p for w, p in zip(trip.need / days, sampled_p))  # each sampled outfit over the trip's days
    separates = np.flatnonzero(sampled[:, BOTTOM] >= 0)
    liked = np.flatnonzero(mean_p >= LIKED)
    starts = [int(np.argmax(mean_p))]
    if len(separates):
        starts.append(int(separates[np.argmax(mean_p[separates])]))
    if len(liked):
        starts.append(int(liked[np.lexsort((-mean_p[liked], (sampled[liked] >= 0).sum(1)))][0]))
    found = []
    for start in dict.fromkeys(starts):
        chosen, kept = _grow(trip, [int(j) for j in sampled[start] if j >= 0], sampled, sampled_p)
        rows, p, options, match = trip.evaluate(chosen, kept)
        picked = _order_days(trip, rows, options, match)
        probabilities = [float(p[trip.day_context[d]][i]) for d, i in enumerate(picked)]
        stretched = sum(x < LIKED for x in probabilities)
        found.append((stretched, len(chosen), -np.mean(probabilities), sorted(chosen), [rows[i] for i in picked],
                      probabilities, rows))
    _, _, _, chosen, outfits, probabilities, rows = min(found, key=lambda f: f[:3])
    best, best_rows = _unlimited_best(trip, closet, sampled, sampled_p, rows, rng)
    return Packing(chosen, outfits, probabilities, best, sum(x < LIKED for x in probabilities), best_rows)


def _grow(trip: _Trip, chosen: list[int], sampled, sampled_p) -> tuple[list[int], list[float]]:
    """Pieces added to `chosen` until every day has a different liked outfit, then those not needed dropped; and
    the bar of liking each context ended with (lowered, a step at a time, for days the closet had no liked
    outfit left for)."""
    days = len(trip.day_context)
    thresholds = [LIKED] * len(trip.contexts)
    sampled_keys = _pair(sampled, trip.size)
    while True:
        _, _, options, match = trip.evaluate(chosen, thresholds)
        if len(match) == days:
            break
        filled = np.bincount([trip.day_context[d] for d in match], minlength=len(trip.contexts))
        deficit = trip.need - filled
        added = _best_addition(trip, chosen, options, deficit, thresholds)
        if added is None:
            added = _best_sampled(sampled, sampled_keys, sampled_p, chosen, options, deficit, thresholds)
        if added is None:
            if all(t <= 0 for c, t in enumerate(thresholds) if deficit[c] > 0):  # all packed already: cannot happen
                raise CannotPack(f"the closet makes fewer than {days} different outfits")
            # Nothing liked is left to add for those days: lower their bar a step, to the best of the rest.
            thresholds = [max(t - STEP, 0.0) if deficit[c] > 0 else t for c, t in enumerate(thresholds)]
            continue
        chosen = chosen + added
    for piece in list(chosen):  # drop what the days can do without (a start piece that others made redundant)
        fewer = [j for j in chosen if j != piece]
        if len(trip.evaluate(fewer, thresholds)[3]) == days:
            chosen = fewer
    return chosen, thresholds


def _best_addition(trip: _Trip, chosen, options, deficit, thresholds) -> list[int] | None:
    """The piece, or the top and bottom together, that adds the most new liked outfit pairs per piece for the days
    still without one (ties: the better liked); None when neither adds any.

    The pair looks one step ahead: from one top and one bottom, a second top adds one outfit, a second top and a
    second bottom add three (1.5 a piece), which is how a packing grows into the grid of tops and bottoms that
    makes the most outfits of the fewest pieces.
    """
    taken = set(chosen)
    rows, owner = _with_each(trip.closet, chosen, [j for j in range(trip.size) if j not in taken])
    if not len(rows):
        return None
    keys = _pair(rows, trip.size)
    scores = trip.scores(rows)
    gains = np.zeros((len(trip.contexts), trip.size))  # per context: new liked pairs each piece makes
    best_p = np.zeros(trip.size)
    for c, p in enumerate(scores):
        new = (p >= thresholds[c]) & ~np.isin(keys, list(options[c]))
        if deficit[c] <= 0 or not new.any():
            continue
        _, first = np.unique(owner[new] * (trip.size + 2) ** 2 + keys[new], return_index=True)
        gains[c] = np.bincount(owner[new][first], minlength=trip.size)
        np.maximum.at(best_p, owner[new], p[new])
    single = np.minimum(deficit[:, None], gains).sum(0)
    choice, value = [int(np.argmax(2 * single + best_p))], float(single.max())
    pair = _best_pair(trip, chosen, gains, best_p, deficit, thresholds)
    if pair is not None and pair[1] / 2 > value:
        choice, value = pair
    return choice if value > 0 else None


def _best_pair(trip: _Trip, chosen, gains, best_p, deficit, thresholds, k: int = PAIRS_OF) -> tuple[list[int], float] | None:
    """The best top and bottom to add together (among the k best of each alone) and the new liked pairs they make."""
    slot = np.array([item.slot for item in trip.closet.items])
    ranked = np.lexsort((-best_p, -gains.sum(0)))
    outside = ~np.isin(ranked, chosen)
    tops = ranked[outside & (slot[ranked] == "top")][:k]
    bottoms = ranked[outside & (slot[ranked] == "bottom")][:k]
    if not len(tops) or not len(bottoms):
        return None
    s = _by_slot(trip.closet, chosen)
    mains = _mains(tops, bottoms, _NONE)
    rows = _grid(mains, s["footwear"], *(_optional(s[o]) for o in OPTIONAL_SLOTS))
    if not len(rows):
        return None
    which = rows[:, MAIN] * (trip.size + 1) + rows[:, BOTTOM]  # the (top, bottom) each row is made of
    combos = mains[:, 0] * (trip.size + 1) + mains[:, 1]
    total = np.zeros(len(mains))
    for c, p in enumerate(trip.scores(rows)):
        if deficit[c] <= 0:
            continue
        together = np.isin(combos, which[p >= thresholds[c]]).astype(float)  # the new top with the new bottom
        total += np.minimum(deficit[c], gains[c][mains[:, 0]] + gains[c][mains[:, 1]] + together)
    best = int(np.argmax(total + (best_p[mains[:, 0]] + best_p[mains[:, 1]]) / 4))
    return [int(mains[best, 0]), int(mains[best, 1])], float(total[best])


def _best_sampled(sampled, keys, sampled_p, chosen, options, deficit, thresholds) -> list[int] | None:
    """The pieces not yet packed of the sampled liked outfit that needs the fewest of them and gives a day without one
    a new pair (ties: the better liked); None when no sampled outfit does."""
    missing = (~np.isin(sampled, chosen) & (sampled >= 0)).sum(1)
    best, best_cost, best_p = None, np.inf, -1.0
    for c, p in enumerate(sampled_p):
        if deficit[c] <= 0:
            continue
        useful = np.flatnonzero((p >= thresholds[c]) & ~np.isin(keys, list(options[c])))
        for i in useful[np.lexsort((-p[useful], missing[useful]))][:1]:
            if (missing[i], -p[i]) < (best_cost, -best_p):
                best, best_cost, best_p = i, missing[i], p[i]
    if best is None:
        return None
    return [int(j) for j in sampled[best] if j >= 0 and j not in chosen]


def _order_days(trip: _Trip, rows, options, match) -> list[int]:
    """Each day's outfit (a row index): the pairs matched to a context are shared among its days so that a day
    repeats as few pieces of the day before as it can (ties: the better liked first)."""
    pool: dict[int, list[int]] = {}
    for day, key in sorted(match.items()):
        pool.setdefault(trip.day_context[day], []).append(key)
    picked, previous = [], set()
    for day, c in enumerate(trip.day_context):
        keys = pool[c]
        shared = [len(previous & set(rows[options[c][k][1]][rows[options[c][k][1]] >= 0].tolist())) for k in keys]
        k = min(range(len(keys)), key=lambda n: (shared[n], -options[c][keys[n]][0]))
        row = options[c][keys.pop(k)][1]
        picked.append(row)
        previous = set(rows[row][rows[row] >= 0].tolist())
    return picked


def _unlimited_best(trip: _Trip, closet, sampled, sampled_p, rows, rng) -> tuple[list[float], list[np.ndarray]]:
    """Each day's predicted like, and outfit, among the best different outfits found with no limit on pieces: the
    sampled outfits, the neighbours of the best of them (as proposals look closer), and those packed."""
    near = [closet.neighbours(sampled[i], 20, rng) for sp in sampled_p for i in np.argsort(-sp)[:LOOK_CLOSER]]
    found = np.unique(np.concatenate([sampled, *near, rows]), axis=0)
    found = found[closet.allowed(found)]
    scores = trip.scores(found)
    keys = _pair(found, trip.size)
    options = [_options(keys, s, -np.inf) for s in scores]
    match = _match(trip.day_context, options)
    best = [options[trip.day_context[d]][match[d]] for d in range(len(trip.day_context))]
    return [p for p, _ in best], [found[i] for _, i in best]
