"""Does it learn? Synthetic users with a hidden taste rate proposals on a real inventory.

Each user likes some colours, dislikes others, hates one colour combination, and has a soft spot (or not)
for some items; they like an outfit when its hidden utility plus a little noise clears their own bar (set so
that about a third of random outfits pass). Per round of 10 proposals we report the share liked for our
recommender (through the real services: suggest, then rate each outfit), random valid outfits, and the oracle
that knows the hidden taste. Variety, per user after 30 ratings: the share of the last 20 and 30 proposals
holding the piece proposed most often, the share of proposed pieces already in an outfit they liked, and
exploring proposals per 10.

With --day, the users' taste also depends on the day (DayUser): each suggest is for a day drawn from a simulated
year (its weather and occasion, outfits dressed for it by the weather rules); they like a coat below 10 °C and
dislike it above 20 °C, neutral colours at work and bright ones at the weekend. The oracle and random outfits of a
day are drawn under the same weather rules. --no-day-features takes the day out of the taste model (the rules stay):
what the weather and occasion features are worth.

With --patterns, the users also never wear two patterns together, nor denim on denim (PatternUser);
--no-pattern-features takes the pattern and material features out of the taste model: what they are worth.

Run: python benchmarks/simulate_taste.py [--home DIR] [--photos ../shared/photos/validation] [--users 20] [--batch 5]
     [--day [--no-day-features]] [--patterns [--no-pattern-features]]
The inventory is the photos added with their predicted classes (reused if --home already holds them). Each user's
stylist is seeded (its number), so that two versions of the code can be compared user by user.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from closet import photo_closet  # noqa: E402

from wardrobe.outfits.compose import Closet  # noqa: E402,F401
from wardrobe.services import Stylist  # noqa: E402


class SyntheticUser:
    def __init__(self, closet: Closet, rng: np.random.Generator):
        self.closet = closet
        present = sorted({c for item in closet.items for c in item.colours})
        self.favourite = set(rng.choice(present, 2, replace=False))
        rest = [c for c in present if c not in self.favourite]
        self.disliked = set(rng.choice(rest, 2, replace=False))
        self.clash = tuple(rng.choice(rest, 2, replace=False))
        self.item_taste = rng.choice([1.0, 0.0, -1.0], size=len(closet.items), p=[0.15, 0.75, 0.10])
        self.rng = rng
        self.bar = float(np.quantile(self.utility(closet.sample(3000, rng)), 0.65))

    def utility(self, rows: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows))
        for r, row in enumerate(rows):
            colours = [set(self.closet.items[j].colours[:2]) for j in row if j >= 0]
            out[r] += sum(1.0 for c in colours if c & self.favourite) - sum(1.2 for c in colours if c & self.disliked)
            out[r] += sum(self.item_taste[j] for j in row if j >= 0)
            if any(self.clash[0] in c for c in colours) and any(self.clash[1] in c for c in colours):
                out[r] -= 1.5
        return out

    def likes(self, rows: np.ndarray) -> np.ndarray:
        return self.utility(rows) + self.rng.normal(0, 0.25, len(rows)) > self.bar


NEUTRAL = frozenset({"black", "white", "grey", "navy", "beige"})
PATTERNED = frozenset({"striped", "checked", "dotted", "floral", "printed"})


class PatternUser(SyntheticUser):
    """A SyntheticUser who never wears two patterns together, nor denim on denim (as the closet reads its pieces)."""

    def __init__(self, closet: Closet, rng: np.random.Generator):
        self.patterned = np.array([item.pattern in PATTERNED for item in closet.items] + [False])
        self.denim = np.array([item.material == "denim" for item in closet.items] + [False])
        super().__init__(closet, rng)

    def utility(self, rows: np.ndarray) -> np.ndarray:
        out = super().utility(rows)
        out -= 3.0 * (self.patterned[rows].sum(1) >= 2) + 3.0 * (self.denim[rows].sum(1) >= 2)
        return out


def simulated_year(seed: int = 2026) -> list[tuple]:
    """365 days of (Weather, occasion): a temperate year (about 1 °C in January, 21 °C in July, 3 °C of day-to-day
    noise), rain on a third of days (a fifth in summer), wind on a fifth, snow when it rains below 1 °C; work on
    weekdays, the weekend otherwise."""
    from wardrobe.weather import Weather

    rng = np.random.default_rng(seed)
    days = []
    for d in range(365):
        temperature = 11 - 10 * np.cos(2 * np.pi * (d - 15) / 365) + rng.normal(0, 3)
        wet = rng.random() < (0.2 if temperature > 18 else 0.35)
        days.append((Weather(round(float(temperature), 1), rain=wet and temperature >= 1, wind=bool(rng.random() < 0.2),
                             snow=wet and temperature < 1), "work" if d % 7 < 5 else "weekend"))
    return days


class DayUser(SyntheticUser):
    """A SyntheticUser whose taste also depends on the day: a coat is liked below 10 °C and disliked above 20 °C;
    at work each neutral piece pleases and each bright one displeases, at the weekend the other way round."""

    def __init__(self, closet: Closet, rng: np.random.Generator, days: list[tuple]):
        self.days = days
        self.neutral = np.array([bool(item.colours) and item.colours[0] in NEUTRAL for item in closet.items] + [False])
        self.bright = np.array([bool(item.colours) and item.colours[0] not in NEUTRAL for item in closet.items] + [False])
        self.coat = np.array([item.label == 4 for item in closet.items] + [False])
        super().__init__(closet, rng)

    def utility(self, rows: np.ndarray, day: tuple | None = None) -> np.ndarray:
        if day is None:  # the bar: over days drawn from the year
            picks = self.rng.integers(len(self.days), size=len(rows))
            return np.array([self.utility(rows[k : k + 1], self.days[p])[0] for k, p in enumerate(picks)])
        weather, occasion = day
        out = super().utility(rows)
        coat = self.coat[rows].any(1)
        out += np.where(coat, 2.0 if weather.temperature < 10 else -2.0 if weather.temperature > 20 else 0.0, 0.0)
        sign = 1.0 if occasion == "work" else -1.0
        out += sign * 0.8 * (self.neutral[rows].sum(1) - self.bright[rows].sum(1))
        return out

    def likes(self, rows: np.ndarray, day: tuple | None = None) -> np.ndarray:
        return self.utility(rows, day) + self.rng.normal(0, 0.25, len(rows)) > self.bar


def run_day_users(wardrobe, args) -> dict:
    """DayUsers, each suggest for a day of the simulated year; per round of 10 proposals the share liked, against
    the oracle's and random outfits' of the same days (under the same weather rules)."""
    from wardrobe.outfits.dress import rules_for

    year = simulated_year()
    per_round = {"ours": [], "random": [], "oracle": []}
    stamp = int(time.time())
    for u in range(args.users):
        stylist = Stylist(wardrobe, f"sim-day-{u:02d}-{stamp}", seed=u)
        closet = stylist.closet()
        user = DayUser(closet, np.random.default_rng(1000 + u), year)
        rng = np.random.default_rng(u)
        scores = {"ours": [], "random": [], "oracle": []}  # per proposal, in order
        while len(scores["ours"]) < 10 * args.rounds:
            day = year[int(rng.integers(len(year)))]
            proposals = stylist.suggest(args.batch, *day)[: 10 * args.rounds - len(scores["ours"])]
            rows = np.stack([closet.row_for([item.id for item in p.items]) for p in proposals])
            liked = user.likes(rows, day)
            for proposal, like in zip(proposals, liked):
                stylist.rate(proposal.id, bool(like))
            dressed = rules_for(closet, day[0]).apply(closet)
            candidates = dressed.sample(1200, rng)
            best = candidates[np.argsort(-user.utility(candidates, day))[: len(proposals)]]
            scores["ours"] += [float(v) for v in liked]
            scores["oracle"] += [float(v) for v in user.likes(best, day)]
            scores["random"] += [float(v) for v in user.likes(dressed.sample(len(proposals), rng), day)]
        for key in per_round:
            per_round[key].append([float(np.mean(scores[key][10 * r : 10 * r + 10])) for r in range(args.rounds)])
    return per_round


def variety_after(history: list[tuple[list[int], bool, bool]], start: int) -> dict:
    """Variety of one user's proposals after their first `start` ratings."""
    late = history[start:]

    def top_share(window: list) -> float:
        counts: dict[int, int] = {}
        for ids, _, _ in window:
            for i in ids:
                counts[i] = counts.get(i, 0) + 1
        return max(counts.values()) / len(window) if window else 0.0

    liked_pieces: set[int] = set()
    already = total = 0
    for k, (ids, like, _) in enumerate(history):
        if k >= start:
            already += sum(i in liked_pieces for i in ids)
            total += len(ids)
        if like:
            liked_pieces |= set(ids)
    return {"top_piece_last_20": top_share(history[-20:]), "top_piece_last_30": top_share(history[-30:]),
            "pieces_already_liked": already / max(total, 1),
            "explore_per_10": 10 * sum(e for _, _, e in late) / max(len(late), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="inventory to use (default: a fresh temporary one)")
    parser.add_argument("--model", type=Path, help="model folder (default: the shipped model/)")
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "validation")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10, help="outfits per suggest call (the TUI asks for 5)")
    parser.add_argument("--day", action="store_true", help="users whose taste depends on the weather and occasion")
    parser.add_argument("--no-day-features", action="store_true",
                        help="with --day: the taste model without the weather and occasion features")
    parser.add_argument("--patterns", action="store_true",
                        help="users who never wear two patterns together, nor denim on denim")
    parser.add_argument("--no-pattern-features", action="store_true",
                        help="the taste model without the pattern and material features")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.no_pattern_features:
        from wardrobe.outfits import features

        table_init = features.ItemTable.__init__

        def blind(self, closet):
            table_init(self, closet)
            self.pattern[:], self.material[:] = 0, 0

        features.ItemTable.__init__ = blind
    if args.no_day_features:
        from wardrobe.outfits.preference import PreferenceModel

        with_day = PreferenceModel.for_day
        PreferenceModel.for_day = lambda self, features, weather=None, occasion=None, learn=False: \
            with_day(self, features, None, None, learn)

    wardrobe = photo_closet(args.home, args.photos, args.model, "wardrobe-sim-")
    per_round = {"ours": [], "random": [], "oracle": []}
    variety: list[dict] = []
    started = time.perf_counter()
    if args.day:
        per_round = run_day_users(wardrobe, args)
        means = {key: np.mean(values, axis=0) for key, values in per_round.items()}
        ratio = means["ours"] / np.maximum(means["oracle"], 1e-9)
        report = {"users": args.users, "day features": not args.no_day_features, "items": len(wardrobe.items()),
                  "seconds": round(time.perf_counter() - started, 1),
                  "like_rate_per_round": {k: [round(float(v), 3) for v in m] for k, m in means.items()},
                  "ours_over_oracle": [round(float(v), 3) for v in ratio],
                  "ours_over_oracle_from_round_4": round(float(np.mean(ratio[3:])), 3),
                  "like_rate_from_round_4": round(float(np.mean(means["ours"][3:])), 3)}
        print(json.dumps(report, indent=2))
        return
    for u in range(args.users):
        stylist = Stylist(wardrobe, f"sim-{u:02d}-{int(time.time())}", seed=u)
        closet = stylist.closet()
        user = (PatternUser if args.patterns else SyntheticUser)(closet, np.random.default_rng(1000 + u))
        rng = np.random.default_rng(u)
        rounds = {"ours": [], "random": [], "oracle": []}
        shown: set[str] = set()
        history: list[tuple[list[int], bool, bool]] = []  # (item ids, liked, explore) of every proposal
        while len(history) < 10 * args.rounds:
            proposals = stylist.suggest(args.batch)[: 10 * args.rounds - len(history)]
            liked = user.likes(np.stack([closet.row_for([item.id for item in p.items]) for p in proposals]))
            for proposal, like in zip(proposals, liked):
                stylist.rate(proposal.id, bool(like))
                history.append(([item.id for item in proposal.items], bool(like), proposal.explore))
        variety.append(variety_after(history, 30))
        for r in range(args.rounds):
            liked = [like for _, like, _ in history[10 * r : 10 * r + 10]]
            rounds["ours"].append(float(np.mean(liked)))
            rounds["random"].append(float(np.mean(user.likes(closet.sample(10, rng)))))
            candidates = [r for r in closet.sample(1200, rng) if closet.key(r) not in shown]
            best = np.array(candidates)[np.argsort(-user.utility(np.array(candidates)))[:10]]
            shown |= {closet.key(r) for r in best}
            rounds["oracle"].append(float(np.mean(user.likes(best))))
        for key in per_round:
            per_round[key].append(rounds[key])
    means = {key: np.mean(values, axis=0) for key, values in per_round.items()}
    ratio = means["ours"] / np.maximum(means["oracle"], 1e-9)
    from_round_4 = float(np.mean(ratio[3:]))
    report = {
        "users": args.users, "items": len(wardrobe.items()), "seconds": round(time.perf_counter() - started, 1),
        "like_rate_per_round": {k: [round(float(v), 3) for v in m] for k, m in means.items()},
        "ours_over_oracle": [round(float(v), 3) for v in ratio],
        "ours_over_oracle_from_round_4": round(from_round_4, 3),
        "worst_round_from_4": round(float(ratio[3:].min()), 3),
        "target": 0.8,
        "variety_after_30": {key: round(float(np.mean([v[key] for v in variety])), 3) for key in variety[0]},
        "variety_worst_user": {key: round(float(max(v[key] for v in variety)), 3)
                               for key in ("top_piece_last_20", "top_piece_last_30")},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.users} simulated users, {report['items']} items, {report['seconds']} s")
    print("round     " + " ".join(f"{r + 1:>5}" for r in range(args.rounds)))
    for key, m in means.items():
        print(f"{key:<9} " + " ".join(f"{v:5.2f}" for v in m))
    print(f"{'ours/orcl':<9} " + " ".join(f"{v:5.2f}" for v in ratio))
    verdict = "ok" if ratio[3:].min() >= 0.8 else "MISSED"
    print(f"from round 4: mean {from_round_4:.2f}, worst {ratio[3:].min():.2f} of the oracle (target 0.80) {verdict}")
    v, worst = report["variety_after_30"], report["variety_worst_user"]
    print(f"after 30 ratings: most proposed piece in {v['top_piece_last_20']:.0%} of the last 20 proposals "
          f"(worst user {worst['top_piece_last_20']:.0%}), {v['top_piece_last_30']:.0%} of the last 30 (worst "
          f"{worst['top_piece_last_30']:.0%}); {v['pieces_already_liked']:.0%} of proposed pieces were already in a "
          f"liked outfit; {v['explore_per_10']:.1f} exploring per 10 proposals")


if __name__ == "__main__":
    main()
