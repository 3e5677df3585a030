"""Proposing outfits: sample valid ones, score them with the user's model, mix the best with a few uncertain ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wardrobe.outfits.compose import Closet
from wardrobe.outfits.features import ItemTable, outfit_features
from wardrobe.outfits.preference import PreferenceModel

CANDIDATES = 1200
NEIGHBOURS_PER_LIKE = 40
MAX_SHARED = 2  # two outfits of one batch share at most this many pieces


@dataclass
class Proposal:
    row: np.ndarray
    item_ids: list[int]
    key: str
    probability: float
    explore: bool


def explore_share(ratings: int) -> float:
    """Before any rating the prior is trusted; then a share of uncertain outfits that shrinks as taste is learned."""
    if ratings == 0:
        return 0.0
    return 0.3 if ratings < 10 else 0.2 if ratings < 30 else 0.1


def propose(closet: Closet, model: PreferenceModel, n: int, rng: np.random.Generator,
            recent_keys: set[str] = frozenset(), liked: list[list[int]] = (), table: ItemTable | None = None,
            candidates: int = CANDIDATES) -> list[Proposal]:
    """Up to n distinct outfits, best first, of which a share are exploration (uncertain) picks."""
    if closet.missing() or n <= 0:
        return []
    table = table or ItemTable(closet)
    pools = [closet.sample(candidates, rng)]
    for item_ids in list(liked)[-10:]:
        row = closet.row_for(item_ids)
        if row is not None:
            pools.append(closet.neighbours(row, NEIGHBOURS_PER_LIKE, rng))
    rows = np.concatenate(pools)
    keys = [closet.key(r) for r in rows]
    unique: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in recent_keys and key not in unique:
            unique[key] = i
    if not unique:  # everything was shown recently: repeat rather than propose nothing
        unique = {key: i for i, key in reversed(list(enumerate(keys)))}
    index = np.array(list(unique.values()))
    rows = rows[index]
    keys = [keys[i] for i in index]
    features = outfit_features(table, rows)
    score = model.score(features)
    probability = 1.0 / (1.0 + np.exp(-score))

    n_explore = int(round(n * explore_share(model.ratings)))
    chosen: list[int] = []

    def fits(i: int) -> bool:
        pieces = set(rows[i][rows[i] >= 0])
        return all(len(pieces & set(rows[j][rows[j] >= 0])) <= MAX_SHARED for j in chosen)

    for i in np.argsort(-score):
        if len(chosen) >= n - n_explore:
            break
        if fits(i):
            chosen.append(int(i))
    exploit = len(chosen)
    # Exploration: the outfits the learned model is least sure of, among those the prior does not reject.
    uncertainty = -np.abs(model.learned_logit(features)) + 0.3 * np.minimum(model.prior_logit(features), 0)
    for i in np.argsort(-uncertainty):
        if len(chosen) >= n:
            break
        if int(i) not in chosen and fits(i):
            chosen.append(int(i))
    return [Proposal(rows[i], closet.item_ids(rows[i]), keys[i], float(probability[i]), k >= exploit)
            for k, i in enumerate(chosen)]
