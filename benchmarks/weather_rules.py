"""Do proposals keep the weather's rules? A simulated year of weather on a real closet, checked piece by piece.

Each day of the year simulate_taste.simulated_year() draws (a temperate year: frost in winter, heat in summer,
rain on a third of days) gets 5 proposals for its weather and occasion. The user rates them with a taste that pulls
against the rules (they like shorts, sandals and outfits without a coat), so the taste model learns to want what the
rules forbid. Each proposal is checked by rules restated here from the warmth tables (not by outfits/dress.py):

  cold (felt < 12 °C): no piece for the heat (warmth 0); an outer layer at least as warm as the day asks (a jacket,
  below 5 °C a coat) or, without one, the warmest the closet has; hot (felt >= 24 °C): no outer layer, top or dress
  warmer than light; rain or snow: no piece known to suit rain badly (sandals, suede).

A proposal breaks a rule only when the closet could have kept it (it had a fit piece for that slot, or for a
whole outfit). Goal: 0 such proposals.

--control proposes without telling the stylist the weather (the checker's own test: it must find breaks then).

Run: python benchmarks/weather_rules.py [--home DIR] [--photos ../shared/photos/validation] [--days 365] [--control]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from closet import photo_closet  # noqa: E402
from simulate_taste import simulated_year  # noqa: E402

from wardrobe.services import Stylist  # noqa: E402


def slots_fit(closet, fit) -> dict[str, bool]:
    """Whether the closet has a fit piece for each slot, and a fit way to dress the body (separates or a dress)."""
    has = {slot: any(fit(item) for item in closet.items if item.slot == slot)
           for slot in ("top", "bottom", "one-piece", "footwear", "outer")}
    has["body"] = (has["top"] and has["bottom"]) or has["one-piece"]
    return has


def breaks(closet, pieces, weather) -> list[str]:
    """The rules this outfit breaks that the closet could have kept."""
    band, out = weather.band, []
    body = [p for p in pieces if p.slot in ("top", "bottom", "one-piece")]
    feet = [p for p in pieces if p.slot == "footwear"]
    outer = [p for p in pieces if p.slot == "outer"]
    if band in ("freezing", "cold"):
        warm_enough = slots_fit(closet, lambda i: i.warmth > 0)
        if any(p.warmth == 0 for p in body) and warm_enough["body"]:
            out.append("a piece for the heat in the cold")
        if any(p.warmth == 0 for p in feet) and warm_enough["footwear"]:
            out.append("shoes for the heat in the cold")
        outers = [i.warmth for i in closet.items if i.slot == "outer"]
        if outers:
            wanted = min(3 if band == "freezing" else 2, max(outers))
            if not outer or outer[0].warmth < wanted:
                out.append("no outer layer warm enough, though the closet had one")
    if band == "hot":
        if any(p.warmth > 1 for p in outer):
            out.append("a warm outer layer in the heat")
        light = slots_fit(closet, lambda i: i.warmth <= 1)
        if any(p.warmth > 1 for p in body if p.slot != "bottom") and \
                ((light["top"] and any(i.slot == "bottom" for i in closet.items)) or light["one-piece"]):
            out.append("a warm top or dress in the heat")
    if weather.wet:
        dry = slots_fit(closet, lambda i: i.rain_ok)
        if any(not p.rain_ok for p in feet) and dry["footwear"]:
            out.append("shoes unfit for rain")
        if any(not p.rain_ok for p in body) and dry["body"]:
            out.append("a piece unfit for rain")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="inventory to use (default: a fresh temporary one)")
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=5)
    parser.add_argument("--control", action="store_true", help="propose without the weather (rules off)")
    args = parser.parse_args()
    wardrobe = photo_closet(args.home, args.photos, prefix="wardrobe-rules-")
    stylist = Stylist(wardrobe, f"rules-{int(time.time())}", seed=0)
    closet = stylist.closet()
    by_id = {item.id: item for item in closet.items}
    rng = np.random.default_rng(0)
    proposals = broken = 0
    per_band, broke_by, lacking = Counter(), Counter(), Counter()
    started = time.perf_counter()
    for weather, occasion in simulated_year()[: args.days]:
        for p in stylist.suggest(args.per_day, None if args.control else weather, occasion):
            pieces = [by_id[item.id] for item in p.items]
            found = breaks(closet, pieces, weather)
            proposals += 1
            per_band[weather.band] += 1
            broken += bool(found)
            broke_by.update(found)
            lacking.update(p.lacking)
            # A taste against the rules: shorts, sandals, and no coat.
            against = any(item.label in (5, 10) for item in p.items) or all(i.slot != "outer" for i in pieces)
            stylist.rate(p.id, bool(against or rng.random() < 0.2))
    report = {"control (no weather given)": args.control, "items": len(closet.items), "days": args.days,
              "proposals": proposals, "per_band": dict(per_band),
              "breaking_a_rule_the_closet_could_keep": broken, "share": round(broken / max(proposals, 1), 4),
              "rules_broken": dict(broke_by), "what_the_closet_lacked": dict(lacking),
              "outer_pieces_by_warmth": dict(Counter(i.warmth for i in closet.items if i.slot == "outer")),
              "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
