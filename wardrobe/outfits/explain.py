"""Why an outfit was proposed, in words: the taste model's largest feature contributions, or "exploring"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from wardrobe.outfits.compose import ClosetItem
from wardrobe.outfits.features import item_bucket
from wardrobe.outfits.preference import PRIOR_WEIGHT, PreferenceModel

EXPLORING = "new: exploring"  # the why of an exploration pick: pieces the taste model knows little about
SHOWN = 2  # reasons named at most
SMALLEST = 0.05  # contributions (in logit units) below this are not reasons
_PHRASES = {
    "contrast:range": "light against dark", "contrast:std": "light against dark",
    "chroma:mean": "bright colours", "chroma:bright_pieces": "bright colours", "colours:non_neutral": "colourful pieces",
    "likeness:mean": "pieces that look alike", "likeness:max": "pieces that look alike",
    "recency:mean": "pieces worn lately", "recency:max": "pieces worn lately",
    "form:one_piece": "one piece", "form:outer": "a coat on top", "form:bag": "a bag", "form:accessory": "a hat",
    "form:pieces": "many pieces",
}
# Reasons a person can point at, said with how many liked outfits had them.
_COUNTED = ("pair:", "colour:", "count:", "item:", "form:one_piece", "form:outer", "form:bag", "form:accessory")


@dataclass
class Liked:
    """How many liked outfits had each feature (per feature, as numbered in the model) and each item (by id)."""

    features: np.ndarray
    items: Counter = field(default_factory=Counter)


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _piece(colour: str, items: list[ClosetItem]) -> int | None:
    """Which piece of the outfit has this main colour (None: none has)."""
    return next((k for k, i in enumerate(items) if i.colour == colour), None)


def _named(colour: str, items: list[ClosetItem]) -> str | None:
    """'the navy striped shirt': the piece of the outfit whose main colour this is, by name (None: no such piece)."""
    k = _piece(colour, items)
    return None if k is None else f"the {items[k].name}"


def _goes_with(colours: list[str], items: list[ClosetItem]) -> str | None:
    """'the navy striped shirt goes with the white sneakers' (pieces in outfit order), or None when a colour is no
    piece's main colour."""
    found = [_piece(c, items) for c in colours]
    if None in found:
        return None
    first, second = (items[k].name for k in sorted(found))
    plural = first.endswith("s") and not first.endswith("ss")  # "the black jeans go with"
    return f"the {first} {'go' if plural else 'goes'} with the {second}"


_DAYS = {"cold": "in the cold", "hot": "in the heat", "wet": "in the rain"}


def _specific(name: str) -> bool:
    """A reason a person can point at (a colour, a pair, a piece), also when it is crossed with the day."""
    return name.rpartition("×")[2].startswith(_COUNTED)


def _phrase(name: str, items: list[ClosetItem], liked: Liked, k: int,
            occasions: list[str] = ()) -> tuple[str, int, set[str]] | None:
    """The words for feature `name` (number k) of this outfit, how many liked outfits had it (0: not said) and the
    shorter phrases these words already say ("the navy shirt goes with the white sneakers" says "the navy shirt")."""
    if "×" in name:  # crossed with the day: "a coat in the cold", "black for work"
        day, _, inner = name.partition("×")
        said = _phrase(inner, items, Liked(np.zeros_like(liked.features)), k)
        slot = int(day[len("occasion"):]) if day.startswith("occasion") else -1
        where = _DAYS.get(day) or (f"for {occasions[slot]}" if 0 <= slot < len(occasions) else None)
        return None if said is None or where is None else (f"{said[0]} {where}", 0, set())
    kind, _, value = name.partition(":")
    times = int(liked.features[k]) if name.startswith(_COUNTED) else 0
    if kind == "pair":
        colours = value.split("+")
        named = _goes_with(colours, items)
        if named is None:
            return " with ".join(colours), times, set(colours)
        return named, times, {_named(c, items) for c in colours} | set(colours)
    if kind == "colour":
        return _named(value, items) or value, times, set()
    if kind == "count":
        return _article(value.lower()), times, set()
    if kind == "item":  # the piece itself: a hashed bucket may hold other items too
        found = next((i for i in items if item_bucket(i.id) == int(value)), None)
        return None if found is None else (f"the {found.name} (#{found.id})", liked.items[found.id],
                                           {f"the {found.name}"})
    return (_PHRASES[name], times, set()) if name in _PHRASES else None


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _rested(items: list[ClosetItem]) -> str | None:
    """How long the outfit's pieces have rested, in words ("not worn for 3 weeks"), or None if one was just worn."""
    worn = [i.days_since_worn for i in items if i.days_since_worn is not None]
    if not worn:
        return "none of it worn yet"
    least = min(worn)
    if least >= 14:
        return f"not worn for {round(least / 7)} weeks"
    if least >= 2:
        return f"not worn for {int(least)} days"
    return None


def _prior_reasons(model: PreferenceModel, features: np.ndarray, items: list[ClosetItem]) -> str:
    """What the built-in prior saw in it (before ratings, or when nothing learnt stands out)."""
    value = dict(zip(model.names, features))
    reasons = []
    if value["colours:non_neutral"] <= 2:
        reasons.append("calm colours")
    if value["contrast:range"] >= 0.3:
        reasons.append("light against dark")
    if value["recency:max"] == 0 and (rested := _rested(items)):
        reasons.append(rested)
    return ", ".join(reasons) or "a plain pick"


def why(model: PreferenceModel, features: np.ndarray, items: list[ClosetItem], liked: Liked, typical: np.ndarray,
        explore: bool = False) -> str:
    """One line: the largest learned reasons for this outfit (features is its row), each with how many of the
    user's liked outfits had it, or EXPLORING for an exploration pick.

    A reason is what lifts this outfit's score above a typical outfit's (`typical`, the mean features of
    the candidates): the contributions weight * (feature - typical) of a linear model.
    """
    if explore:
        return EXPLORING
    blend = model.ratings / (model.ratings + PRIOR_WEIGHT)
    features, typical = model.full(features), model.full(typical)
    # Only what this outfit has more of than a typical one is a reason in words: an outfit without a shirt,
    # from a user who dislikes shirts, gains from the absence, and "a shirt" would name what is not there.
    contribution = np.where(features > typical, blend * model.coef * (features - typical), 0.0)
    merged: dict[str, list] = {}  # phrase -> [contribution, liked count, specific, phrases it says already]
    for k in np.argsort(-contribution)[:12]:
        if contribution[k] < SMALLEST:
            break
        said = _phrase(model.names[k], items, liked, k, model.occasions)
        if said is None:
            continue
        entry = merged.setdefault(said[0], [0.0, 0, _specific(model.names[k]), said[2]])
        entry[0] += contribution[k]
        entry[1] = max(entry[1], said[1])
    # Reasons a person can point at (colours, pairs, pieces) before general ones (bright colours, contrast).
    ranked = sorted(merged.items(), key=lambda kv: (not kv[1][2], -kv[1][0]))
    said_already = {c for _, entry in ranked for c in entry[3]}
    ranked = [(p, e) for p, e in ranked if p not in said_already][:SHOWN]  # "navy with white" says "navy" already
    if not ranked:
        return _prior_reasons(model, features, items)
    return "; ".join(p + (f", liked {_times(e[1])}" if e[1] else "") for p, e in ranked)
