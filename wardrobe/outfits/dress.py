"""Dressing for the weather: the pieces a day rules out, the outer layer it asks for, and what the closet lacks.

Cold (felt below 12 °C): an outer layer (a jacket or coat; below 5 °C a coat) when the closet has one, nothing for
the heat (shorts, sandals, tank tops). Hot (from 24 °C): no warm outer layer (a coat, a jacket) and no warm top or
dress (knits, hoodies). Rain or snow: nothing known to suit rain badly (sandals, suede). Rules with a fallback: where
the closet cannot keep one, the outfits take the least unfit pieces it has and `lacking` says what was missing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from wardrobe.outfits.compose import OUTER, Closet, ClosetItem
from wardrobe.weather.value import Weather

OUTER_WARMTH = {"freezing": 3, "cold": 2}  # the outer layer a cold day asks for
HOT_MOST = 1  # on a hot day, nothing warmer than this above the waist
_NEEDED = {("bottom", "cold"): "trousers or skirt", ("footwear", "cold"): "closed shoes",
           ("top", "cold"): "top with sleeves", ("one-piece", "cold"): "dress for the cold",
           ("top", "hot"): "light top", ("one-piece", "hot"): "light dress",
           ("footwear", "wet"): "shoes", ("one-piece", "wet"): "dress"}


def unfit(item: ClosetItem, weather: Weather) -> list[str]:
    """Why the weather rules this piece out ("cold", "hot", "wet"); empty when it may be worn."""
    why, band = [], weather.band
    if band in ("freezing", "cold") and item.warmth == 0:
        why.append("cold")
    if band == "hot" and item.slot in ("top", "one-piece", "outer") and item.warmth > HOT_MOST:
        why.append("hot")
    if weather.wet and not item.rain_ok:
        why.append("wet")
    return why


@dataclass
class DayRules:
    """What the weather asks of one closet's outfits: the pieces they may hold (by index), whether they need an outer
    layer, and what the closet lacked for the day (said to the user)."""

    weather: Weather
    allowed: np.ndarray  # per item of the closet
    outer_needed: bool = False
    lacking: list[str] = field(default_factory=list)

    def apply(self, closet: Closet) -> Closet:
        """The closet sampling only from allowed pieces, with an outer layer in every outfit when one is needed."""
        out = copy.copy(closet)
        out.slot = {name: pool[self.allowed[pool]] for name, pool in closet.slot.items()}
        out.outer_required = self.outer_needed and bool(len(out.slot["outer"]))
        return out

    def keeps(self, rows: np.ndarray) -> np.ndarray:
        """Which outfit rows keep the rules (as far as the closet allows)."""
        allowed = np.append(self.allowed, True)  # the empty piece
        ok = allowed[rows].all(1)
        return ok & (rows[:, OUTER] >= 0) if self.outer_needed else ok


def rules_for(closet: Closet, weather: Weather) -> DayRules:
    """The day's rules for this closet, falling back to the least unfit pieces where it has nothing fit."""
    items, band = closet.items, weather.band
    reasons = [unfit(item, weather) for item in items]
    allowed = np.array([not r for r in reasons], dtype=bool)
    lacking: list[str] = []
    when = "rain" if weather.wet and not weather.snow else "snow" if weather.snow else ""
    degrees = f"{weather.temperature:.0f} °C"

    def restore(slot: str) -> None:
        """Let the least unfit pieces of a slot back in, and say what the closet lacked."""
        pool = closet.slot[slot]
        fewest = min(len(reasons[i]) for i in pool)
        kept = [i for i in pool if len(reasons[i]) == fewest]
        allowed[kept] = True
        for why in sorted({w for i in kept for w in reasons[i]}):  # what even the pieces let back in are unfit for
            what = _NEEDED.get((slot, why), slot)
            lacking.append(f"no {what} for {when if why == 'wet' else degrees}")

    if len(closet.slot["footwear"]) and not allowed[closet.slot["footwear"]].any():
        restore("footwear")
    separates = all(allowed[closet.slot[s]].any() for s in ("top", "bottom"))
    if not separates and not allowed[closet.slot["one-piece"]].any():
        # Neither separates nor a dress keep the rules: let back in what makes an outfit with the least lacking.
        if len(closet.slot["top"]) and len(closet.slot["bottom"]):
            for slot in ("top", "bottom"):
                if not allowed[closet.slot[slot]].any():
                    restore(slot)
        elif len(closet.slot["one-piece"]):
            restore("one-piece")
    outer = closet.slot["outer"]
    needed = OUTER_WARMTH.get(band)
    if needed is not None:
        fit = [i for i in outer if items[i].warmth >= needed and allowed[i]]
        if not fit:
            lacking.append(f"no {'coat' if needed == 3 else 'jacket or coat'} for {degrees}")
            warmest = max((items[i].warmth for i in outer if allowed[i]), default=None)
            fit = [i for i in outer if allowed[i] and items[i].warmth == warmest]
        allowed[outer] = False
        allowed[fit] = True
        return DayRules(weather, allowed, bool(fit), lacking)
    return DayRules(weather, allowed, False, lacking)
