"""How few pieces does `pack` take, how well liked are its outfits, how fast is it? Measured on a real closet.

For 3, 5 and 10 days: the pieces packed, outfits per piece, the predicted like rate of the packed outfits against
the best different outfits found with no limit on pieces (both by the user's own taste model), and the time
`Planner.pack` takes (the service `wardrobe pack` calls: closet read, scoring, packing). Users: a new one (the
built-in prior only) and synthetic users of benchmarks/simulate_taste.py after 30 ratings through the real
services; for those, also the share of outfits their hidden taste likes (packed against the unlimited best).

Run: python benchmarks/bench_pack.py [--home DIR] [--photos ../shared/photos/validation] [--users 5] [--repeat 5]
The closet is the photos added with their predicted classes (reused if --home already holds them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from closet import photo_closet  # noqa: E402
from simulate_taste import SyntheticUser  # noqa: E402

from wardrobe.services import Stylist  # noqa: E402
from wardrobe.services.planner import Planner  # noqa: E402

DAYS = (3, 5, 10)


def rate(stylist: Stylist, user: SyntheticUser, closet, ratings: int) -> None:
    """`ratings` ratings as a person in the TUI gives them: suggest 5, rate each by the hidden taste."""
    done = 0
    while done < ratings:
        for proposal in stylist.suggest(5)[: ratings - done]:
            row = closet.row_for([item.id for item in proposal.items])
            stylist.rate(proposal.id, bool(user.utility(row[None])[0] > user.bar))
            done += 1


def measure(planner: Planner, days: int, repeat: int, user: SyntheticUser | None, closet) -> dict:
    times, trip = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        trip = planner.pack(date(2027, 1, 4), days)
        times.append(time.perf_counter() - start)
    out = {"days": days, "pieces": len(trip.pieces), "outfits_per_piece": days / len(trip.pieces),
           "predicted_like": float(np.mean([d.probability for d in trip.days])),
           "best_predicted_like": float(np.mean(trip.best)), "stretched": trip.stretched,
           "seconds_median": statistics.median(times), "seconds_max": max(times)}
    if user is not None:  # what the hidden taste says of the packed outfits and of the unlimited best
        for key, outfits in (("hidden_like", [d.items for d in trip.days]), ("hidden_like_best", trip.best_outfits)):
            rows = np.stack([closet.row_for([i.id for i in items]) for items in outfits])
            out[key] = float(np.mean(user.utility(rows) > user.bar))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="inventory to use (default: a fresh temporary one)")
    parser.add_argument("--model", type=Path, help="model folder (default: the shipped model/)")
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--users", type=int, default=5, help="synthetic users (each rates 30 proposals first)")
    parser.add_argument("--ratings", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per trip length")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    wardrobe = photo_closet(args.home, args.photos, args.model, "wardrobe-pack-")
    home = wardrobe.home
    results = []
    stamp = int(time.time())
    for u in range(-1, args.users):  # -1: a new user, no ratings
        stylist = Stylist(wardrobe, f"pack-{'new' if u < 0 else u}-{stamp}", seed=max(u, 0))
        closet = stylist.closet()
        user = None
        if u >= 0:
            user = SyntheticUser(closet, np.random.default_rng(1000 + u))
            rate(stylist, user, closet, args.ratings)
        planner = Planner(stylist)
        for days in DAYS:
            results.append({"user": "new" if u < 0 else f"synthetic {u}", **measure(planner, days, args.repeat, user,
                                                                                    closet)})
            print(json.dumps(results[-1]), file=sys.stderr)
    print(f"closet: {len(closet.items)} active items ({home})")
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("| user | days | pieces | outfits a piece | predicted like (packed / best, no limit) | hidden taste likes "
          "(packed / best) | seconds (median, max) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for who in ("new", "synthetic"):
        for days in DAYS:
            rows = [r for r in results if r["days"] == days and r["user"].startswith(who)]
            if not rows:
                continue

            def mean(key, rows=rows):
                return statistics.mean(r[key] for r in rows)

            hidden = (f"{mean('hidden_like'):.2f} / {mean('hidden_like_best'):.2f}" if "hidden_like" in rows[0]
                      else "")
            label = "new (prior)" if who == "new" else f"synthetic, {args.ratings} ratings (mean of {len(rows)})"
            print(f"| {label} | {days} | {mean('pieces'):.1f} (max {max(r['pieces'] for r in rows)}) | "
                  f"{mean('outfits_per_piece'):.2f} | {mean('predicted_like'):.3f} / {mean('best_predicted_like'):.3f}"
                  f" | {hidden} | {statistics.median(r['seconds_median'] for r in rows):.2f}, "
                  f"{max(r['seconds_max'] for r in rows):.2f} |")


if __name__ == "__main__":
    main()
