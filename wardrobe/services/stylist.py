"""Outfit use cases for one user: suggest, rate, wear, laundry and retire, retrain the taste model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from wardrobe.config import check_user_name
from wardrobe.domain import Item
from wardrobe.outfits.compose import COLUMNS, Closet, ClosetItem
from wardrobe.outfits.features import ItemTable, outfit_features, project
from wardrobe.outfits.preference import DamagedPreferences, PreferenceModel
from wardrobe.outfits.recommend import Seen, propose
from wardrobe.services.days import BadDate, local_day, local_noon
from wardrobe.services.inventory import NotFound, Wardrobe, storable
from wardrobe.store.plans import PlanStore
from wardrobe.store.repository import utcnow
from wardrobe.store.taste import Rated, TasteStore, Wearable

REPLAY = 200  # earlier ratings revisited after each new one
RECENT = 100  # outfits proposed lately are not proposed again
LIKED = 200  # ratings whose likes feed proposals (neighbours of liked outfits, "liked 4 times")
PLANNED_NEAR = 1  # pieces planned for a day are not proposed for the days this close to it (docs/outfits.md)


@dataclass
class OutfitProposal:
    id: int
    items: list[Item]
    probability: float
    explore: bool
    why: str = ""  # one line in words: what the taste model liked about it, or "exploring"


class CannotDress(Exception):
    """The closet cannot make a valid outfit; the message says what is missing."""


class TasteDamaged(Exception):
    """A user's stored preference model is damaged; the message says how to rebuild it."""


def _closet_item(w: Wearable, now: datetime | None, embedding: np.ndarray | None = None) -> ClosetItem:
    if embedding is None and w.embedding:
        embedding = np.frombuffer(w.embedding, dtype=np.float32)
    days = (now - w.last_worn).total_seconds() / 86400 if (now and w.last_worn) else None
    return ClosetItem(w.id, w.label, tuple(w.colours), embedding, days, w.attributes)


class Stylist:
    """One user's outfits and taste, over a Wardrobe's inventory."""

    now = staticmethod(utcnow)  # the clock (naive UTC) that says which day is today; tests set a time of their own

    def __init__(self, wardrobe: Wardrobe, user: str = "default", seed: int | None = None):
        self.wardrobe = wardrobe
        self.user = check_user_name(user)
        self.taste = TasteStore(wardrobe.inventory.sessions)
        # A user is created when something is stored for them (proposals, wear), not by a refused command.
        self.user_id = self.taste.user_id(user, create=False)
        self.rng = np.random.default_rng(seed)
        self._projected: dict[int, np.ndarray] = {}  # item id -> projected embedding, kept between calls

    def closet(self) -> Closet:
        """The active items as the recommender sees them; embeddings are read and projected once per item."""
        return self._closet()[0]

    def _closet(self, day: date | None = None) -> tuple[Closet, set[int]]:
        """The closet, and the ids of its items kept out of proposals for `day` (today if None): those this user
        wore that day (their local calendar day), and those planned for another day within PLANNED_NEAR of it."""
        wearables = self.taste.wearable(self.user_id, skip_embeddings=set(self._projected))
        self._project(wearables)
        now = self.now()
        day = day or local_day(now)
        kept_out = {w.id for w in wearables if w.last_worn and local_day(w.last_worn) == day}
        kept_out |= self.planned_near(day)
        return Closet([_closet_item(w, now, self._projected.get(w.id)) for w in wearables]), kept_out

    def planned_near(self, day: date) -> set[int]:
        """The pieces planned for the other days within PLANNED_NEAR days of `day`."""
        if self.user_id is None:
            return set()
        near = timedelta(days=PLANNED_NEAR)
        return {i for plan in PlanStore(self.wardrobe.inventory.sessions).between(self.user_id, day - near, day + near)
                if plan.day != day for i in plan.item_ids}

    def _seen(self, worn_today: set[int]) -> Seen:
        recent = self.taste.recent_outfits(self.user_id, RECENT)
        since = next((k for k, (_, _, explore) in enumerate(recent) if explore), len(recent))
        liked = [r.item_ids for r in self.taste.ratings(self.user_id, limit=LIKED) if r.value > 0]
        return Seen({key for key, _, _ in recent}, [ids for _, ids, _ in reversed(recent)], since, worn_today, liked)

    def _project(self, wearables) -> None:
        """Project the embeddings not projected yet, all in one product."""
        new = {w.id: w.embedding for w in wearables if w.id not in self._projected and w.embedding}
        by_size: dict[int, list[int]] = {}
        for i, blob in new.items():
            by_size.setdefault(len(blob), []).append(i)
        for ids in by_size.values():  # one size in practice: every item's embedding comes from the same network
            projected = project(np.stack([np.frombuffer(new[i], dtype=np.float32) for i in ids]))
            self._projected.update(zip(ids, projected))

    def _created(self) -> int:
        """This user's id, creating the user now that something is stored for them."""
        if self.user_id is None:
            self.user_id = self.taste.user_id(self.user, create=True)
        return self.user_id

    def model(self) -> PreferenceModel:
        try:
            return PreferenceModel.from_dict(self.taste.load_model(self.user_id))
        except DamagedPreferences as exc:
            raise TasteDamaged(f"{self.user}'s taste model is damaged ({exc}); `wardrobe retrain --user "
                               f"{self.user}` rebuilds it from the stored ratings") from exc

    def taste_problem(self) -> str | None:
        """What keeps this user's stored taste model from being used (None: nothing, or no model yet)."""
        stored = self.taste.load_model(self.user_id)
        return None if stored is None else PreferenceModel.problem(stored)

    def suggest(self, n: int = 3, day: date | None = None, weather=None, occasion: str | None = None
                ) -> list[OutfitProposal]:
        """n outfits for today (or a day to come), best first, recorded so they can be rated by id.

        `weather` and `occasion` are the day's, as `plan` and `pack` pass them on; this build does not choose by
        them yet (the weather and occasion rules of issue 22 do).
        """
        closet, kept_out = self._closet(day)
        if (why := closet.missing()) is not None:
            raise CannotDress(f"cannot make an outfit yet: {why}")
        proposals = propose(closet, self.model(), n, self.rng, self._seen(kept_out))
        ids = self.taste.record_outfits(self._created(), [(p.item_ids, p.key, p.probability, p.explore) for p in proposals])
        by_id = self.wardrobe.inventory.by_ids(i for p in proposals for i in p.item_ids)
        return [OutfitProposal(i, [by_id[x] for x in p.item_ids], p.probability, p.explore, p.why)
                for i, p in zip(ids, proposals)]

    def scorer(self, closet: Closet, table: ItemTable | None = None, weather=None, occasion: str | None = None
               ) -> Callable[[np.ndarray], np.ndarray]:
        """How likely this user is to like each outfit (rows of `closet`) on a day of this weather and occasion.

        As for suggest, this build does not score by `weather` and `occasion` yet: the taste model alone.
        """
        table, model = table or ItemTable(closet), self.model()
        return lambda rows: model.probability(outfit_features(table, rows))

    def _features(self, outfits: list[list[int]], found: dict[int, Wearable] | None = None) -> np.ndarray:
        """Features of rated outfits from their items as they are now (recency is left to the prior).

        `found` maps item ids to items already read (embeddings of items projected before may be left out);
        else they are read here.
        """
        wanted = {i for ids in outfits for i in ids}
        found = self.taste.items(wanted, set(self._projected)) if found is None else found
        self._project(found.values())
        known = {i: _closet_item(w, None, self._projected.get(i)) for i, w in found.items() if i in wanted}
        closet = Closet(list(known.values()))
        rows = [closet.row_for([i for i in ids if i in known]) for ids in outfits]
        width = len(COLUMNS)
        rows = np.stack([r if r is not None else np.full(width, -1) for r in rows]) if rows else np.zeros((0, width), int)
        return outfit_features(ItemTable(closet), rows)

    def rate(self, outfit_id: int, like: bool) -> bool:
        """Store a like or dislike and learn from it at once; rating an outfit again replaces the earlier rating.

        Reading the model, learning and writing it happen in one write transaction, so ratings made at
        the same time (two terminals, quick keys in the TUI) are all learnt. Returns whether a rating was replaced.
        """
        found = self.taste.outfit(outfit_id) if storable([outfit_id]) else None
        if found is None:
            raise NotFound(f"no outfit with id {outfit_id}; `wardrobe suggest` proposes some")
        owner, item_ids = found
        if self.user_id is None or owner != self.user_id:
            raise NotFound(f"outfit {outfit_id} was proposed to another user; use --user to rate as them")

        def learn(stored: dict | None, history: list[Rated], items: dict[int, Wearable], replaced: bool) -> dict:
            features = self._features([item_ids] + [r.item_ids for r in history], items)
            liked = np.array([int(r.value > 0) for r in history])
            try:
                model = PreferenceModel.from_dict(stored)
            except DamagedPreferences:
                model, replaced = PreferenceModel(), True  # rebuilt from every rating, this one included
            if stored is not None and PreferenceModel.problem(stored) is not None:
                model, replaced = PreferenceModel(), True  # another version's: rebuilt too, not silently forgotten
            if replaced:
                model.fit(np.concatenate([features[1:], features[:1]]), np.append(liked, int(like)))
            else:
                model.learn(features[:1], np.array([int(like)]), replay=(features[1:], liked))
            return model.to_dict()

        return self.taste.rate(self.user_id, outfit_id, 1 if like else -1, learn, replay=REPLAY,
                               skip_embeddings=set(self._projected),
                               usable=lambda stored: PreferenceModel.problem(stored) is None)

    def retrain(self) -> dict:
        """Rebuild this user's model from all their stored ratings (whatever state the stored one is in)."""
        history = self.taste.ratings(self.user_id)
        liked = np.array([int(r.value > 0) for r in history])
        model = PreferenceModel()
        features = self._features([r.item_ids for r in history])
        model.fit(features, liked)
        if self.user_id is not None:
            self.taste.save_model(self.user_id, model.to_dict())
        agreement = float(np.mean((model.learned_logit(features) > 0) == (liked > 0))) if len(liked) else None
        return {"user": self.user, "ratings": len(history), "likes": int(liked.sum()), "train_agreement": agreement}

    def today(self) -> date:
        """This user's calendar day now (the machine's local day of the stylist's clock)."""
        return local_day(self.now())

    def wear(self, item_ids: list[int], day: date | None = None) -> list[int]:
        """Log these items as worn today, or on an earlier `day` (stored at its local noon); a later day is refused."""
        if day is not None and day > self.today():
            raise BadDate(f"{day.isoformat()} is in the future: log what you wore once you wore it")
        known = self.wardrobe.inventory.by_ids(storable(item_ids))
        if not known:
            raise NotFound(f"no item with id {', '.join(map(str, item_ids))}")
        when = None if day is None or day == self.today() else local_noon(day)
        found = self.taste.add_wears(self._created(), list(known), when)
        missing = sorted(set(item_ids) - set(found))
        if missing:
            raise NotFound(f"no item with id {', '.join(map(str, missing))}; the others were logged" if found
                           else f"no item with id {', '.join(map(str, missing))}")
        return found


def all_users(wardrobe: Wardrobe) -> list[dict]:
    return TasteStore(wardrobe.inventory.sessions).users()


def set_state(wardrobe: Wardrobe, item_ids: list[int], state: str) -> list[int]:
    found = TasteStore(wardrobe.inventory.sessions).set_state(storable(item_ids), state)
    missing = sorted(set(item_ids) - set(found))
    if missing:
        raise NotFound(f"no item with id {', '.join(map(str, missing))}")
    return found
