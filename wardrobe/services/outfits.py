"""Outfit use cases for one user: suggest, rate, wear, laundry and retire, retrain the taste model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from wardrobe.domain import Item
from wardrobe.outfits.compose import COLUMNS, Closet, ClosetItem
from wardrobe.outfits.features import ItemTable, outfit_features, project
from wardrobe.outfits.preference import PreferenceModel
from wardrobe.outfits.recommend import propose
from wardrobe.services.inventory import NotFound, Wardrobe
from wardrobe.store.repository import utcnow
from wardrobe.store.taste import TasteStore, Wearable

REPLAY = 200  # earlier ratings revisited after each new one


@dataclass
class OutfitProposal:
    id: int
    items: list[Item]
    probability: float
    explore: bool


class CannotDress(Exception):
    """The closet cannot make a valid outfit; the message says what is missing."""


def _closet_item(w: Wearable, now: datetime | None, embedding: np.ndarray | None = None) -> ClosetItem:
    if embedding is None and w.embedding:
        embedding = np.frombuffer(w.embedding, dtype=np.float32)
    days = (now - w.last_worn).total_seconds() / 86400 if (now and w.last_worn) else None
    return ClosetItem(w.id, w.label, tuple(w.colours), embedding, days)


class Stylist:
    """One user's outfits and taste, over a Wardrobe's inventory."""

    def __init__(self, wardrobe: Wardrobe, user: str = "default", seed: int | None = None):
        self.wardrobe = wardrobe
        self.user = user
        self.taste = TasteStore(wardrobe.inventory.sessions)
        self.user_id = self.taste.user_id(user)
        self.rng = np.random.default_rng(seed)
        self._projected: dict[int, np.ndarray] = {}  # item id -> projected embedding, kept between calls

    def closet(self) -> Closet:
        """The active items as the recommender sees them; embeddings are read and projected once per item."""
        wearables = self.taste.wearable(self.user_id, skip_embeddings=set(self._projected))
        for w in wearables:
            if w.id not in self._projected and w.embedding:
                self._projected[w.id] = project(np.frombuffer(w.embedding, dtype=np.float32))
        now = utcnow()
        return Closet([_closet_item(w, now, self._projected.get(w.id)) for w in wearables])

    def model(self) -> PreferenceModel:
        return PreferenceModel.from_dict(self.taste.load_model(self.user_id))

    def suggest(self, n: int = 3) -> list[OutfitProposal]:
        """n outfits for today, best first, recorded so they can be rated by id."""
        closet = self.closet()
        if (why := closet.missing()) is not None:
            raise CannotDress(f"cannot make an outfit yet: {why}")
        liked = [r.item_ids for r in self.taste.ratings(self.user_id, limit=50) if r.value > 0]
        proposals = propose(closet, self.model(), n, self.rng, set(self.taste.recent_keys(self.user_id)), liked)
        ids = self.taste.record_outfits(self.user_id, [(p.item_ids, p.key, p.probability, p.explore) for p in proposals])
        by_id = self.wardrobe.inventory.by_ids(i for p in proposals for i in p.item_ids)
        return [OutfitProposal(i, [by_id[x] for x in p.item_ids], p.probability, p.explore)
                for i, p in zip(ids, proposals)]

    def _features(self, outfits: list[list[int]]) -> np.ndarray:
        """Features of rated outfits from their items as they are now (recency is left to the prior)."""
        wanted = {i for ids in outfits for i in ids}
        known = {item.id: _closet_item(Wearable(item.id, item.label, item.colours, None, blob), None)
                 for item, blob in self.wardrobe.inventory.with_embeddings(wanted)}
        closet = Closet(list(known.values()))
        rows = [closet.row_for([i for i in ids if i in known]) for ids in outfits]
        width = len(COLUMNS)
        rows = np.stack([r if r is not None else np.full(width, -1) for r in rows]) if rows else np.zeros((0, width), int)
        return outfit_features(ItemTable(closet), rows)

    def rate(self, outfit_id: int, like: bool) -> None:
        """Store a like or dislike and learn from it at once."""
        found = self.taste.outfit(outfit_id)
        if found is None:
            raise NotFound(f"no outfit with id {outfit_id}; `wardrobe suggest` proposes some")
        owner, item_ids = found
        if owner != self.user_id:
            raise NotFound(f"outfit {outfit_id} was proposed to another user; use --user to rate as them")
        history = self.taste.ratings(self.user_id, limit=REPLAY)
        features = self._features([item_ids] + [r.item_ids for r in history])
        model = self.model()
        model.learn(features[:1], np.array([int(like)]),
                    replay=(features[1:], np.array([int(r.value > 0) for r in history])))
        self.taste.add_rating(self.user_id, outfit_id, 1 if like else -1, model.to_dict())

    def retrain(self) -> dict:
        """Rebuild this user's model from all their stored ratings."""
        history = self.taste.ratings(self.user_id)
        liked = np.array([int(r.value > 0) for r in history])
        model = PreferenceModel()
        features = self._features([r.item_ids for r in history])
        model.fit(features, liked)
        self.taste.save_model(self.user_id, model.to_dict())
        agreement = float(np.mean((model.learned_logit(features) > 0) == (liked > 0))) if len(liked) else None
        return {"user": self.user, "ratings": len(history), "likes": int(liked.sum()), "train_agreement": agreement}

    def wear(self, item_ids: list[int]) -> list[int]:
        found = self.taste.add_wears(self.user_id, item_ids)
        missing = sorted(set(item_ids) - set(found))
        if missing:
            raise NotFound(f"no item with id {', '.join(map(str, missing))}; the others were logged" if found
                           else f"no item with id {', '.join(map(str, missing))}")
        return found


def all_users(wardrobe: Wardrobe) -> list[dict]:
    return TasteStore(wardrobe.inventory.sessions).users()


def set_state(wardrobe: Wardrobe, item_ids: list[int], state: str) -> list[int]:
    found = TasteStore(wardrobe.inventory.sessions).set_state(item_ids, state)
    missing = sorted(set(item_ids) - set(found))
    if missing:
        raise NotFound(f"no item with id {', '.join(map(str, missing))}")
    return found
