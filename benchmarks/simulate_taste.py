"""Does it learn? Synthetic users with a hidden taste rate proposals on a real inventory.

Each user likes some colours, dislikes others, hates one colour combination, and has a soft spot (or not)
for some items; they like an outfit when its hidden utility plus a little noise clears their own bar (set so
that about a third of random outfits pass). Per round of 10 proposals we report the share liked for our
recommender (through the real services: suggest, then rate each outfit), random valid outfits, and the oracle
that knows the hidden taste. Variety, per user after 30 ratings: the share of the last 20 and 30 proposals
holding the piece proposed most often, the share of proposed pieces already in an outfit they liked, and
exploring proposals per 10.

Run: python benchmarks/simulate_taste.py [--home DIR] [--photos ../shared/photos/validation] [--users 20] [--batch 5]
The inventory is the photos added with their predicted classes (reused if --home already holds them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wardrobe.outfits.compose import Closet  # noqa: E402,F401
from wardrobe.services import Stylist, Wardrobe  # noqa: E402


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
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="wardrobe-sim-"))
    wardrobe = Wardrobe(home, args.model)
    if not wardrobe.items():
        if not args.photos.is_dir():
            raise SystemExit(f"{args.photos}: photo folder not found (pass --photos DIR)")
        print(f"adding {args.photos} to {home} ...", file=sys.stderr)
        list(wardrobe.add(wardrobe.find_inputs([args.photos])))
    per_round = {"ours": [], "random": [], "oracle": []}
    variety: list[dict] = []
    started = time.perf_counter()
    for u in range(args.users):
        stylist = Stylist(wardrobe, f"sim-{u:02d}-{int(time.time())}")
        closet = stylist.closet()
        user = SyntheticUser(closet, np.random.default_rng(1000 + u))
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
