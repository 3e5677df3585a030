"""Outfit use cases for one user: suggest, rate, wear, laundry and retire, retrain the taste model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from wardrobe.config import check_user_name
from wardrobe.domain import Item
from wardrobe.outfits.compose import COLUMNS, Closet, ClosetItem
from wardrobe.outfits.dress import rules_for
from wardrobe.outfits.features import ItemTable, outfit_features, project
from wardrobe.outfits.preference import DamagedPreferences, PreferenceModel
from wardrobe.outfits.recommend import Seen, propose
from wardrobe.services.days import BadDate, local_day, local_noon
from wardrobe.services.inventory import NotFound, Wardrobe, storable
from wardrobe.store.plans import PlanStore
from wardrobe.store.repository import utcnow
from wardrobe.store.taste import Rated, TasteStore, Wearable
from wardrobe.weather import Weather
from wardrobe.weather.warmth import rain_fit, warmth_of

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
    weather: Weather | None = None  # the weather it is for (None: proposed without weather)
    occasion: str | None = None
    lacking: list[str] = field(default_factory=list)  # what the closet lacked for the weather ("no coat for 2 °C")


class BadOccasion(ValueError):
    """An occasion name that cannot be used; the message says why."""


def check_occasion(name: str | None) -> str | None:
    """An occasion as the user names it ("work", "Weekend"), trimmed and lower-cased; None or blank: none."""
    if name is None or not name.strip():
        return None
    text = " ".join(name.split()).lower()
    if len(text) > 100 or not text.isprintable() or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise BadOccasion(f"occasion {ascii(name)[:40]} cannot be used: at most 100 printable characters")
    return text


class CannotDress(Exception):
    """The closet cannot make a valid outfit; the message says what is missing."""


class TasteDamaged(Exception):
    """A user's stored preference model is damaged; the message says how to rebuild it."""


def _closet_item(w: Wearable, now: datetime | None, embedding: np.ndarray | None = None) -> ClosetItem:
    if embedding is None and w.embedding:
        embedding = np.frombuffer(w.embedding, dtype=np.float32)
    days = (now - w.last_worn).total_seconds() / 86400 if (now and w.last_worn) else None
    return ClosetItem(w.id, w.label, tuple(w.colours), embedding, days, warmth_of(w.label, w.kind, w.warmth, w.material),
                      rain_fit(w.label, w.kind, w.material), w.pattern, w.material, w.kind, w.colour)


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
        """The user's taste model; one made by an earlier version (other features), or none where there are ratings
        (an import leaves an outdated one out), is rebuilt from the ratings first, as `wardrobe retrain` would, so
        that an upgrade does not forget a taste."""
        stored = self.taste.load_model(self.user_id)
        try:
            model = PreferenceModel.from_dict(stored)
        except DamagedPreferences as exc:
            raise TasteDamaged(f"{self.user}'s taste model is damaged ({exc}); `wardrobe retrain --user "
                               f"{self.user}` rebuilds it from the stored ratings") from exc
        if stored is not None and (stored.get("version") != model.VERSION or stored.get("features") != model.names):
            model = self._rebuild()[0]
        elif stored is None and self.user_id is not None and self.taste.ratings(self.user_id, limit=1):
            model = self._rebuild()[0]  # ratings without a model: one left out of an import or an export
        return model

    def taste_problem(self) -> str | None:
        """What keeps this user's stored taste model from being used (None: nothing, or no model yet)."""
        stored = self.taste.load_model(self.user_id)
        return None if stored is None else PreferenceModel.problem(stored)

    def suggest(self, n: int = 3, weather: Weather | None = None, occasion: str | None = None, day: date | None = None
                ) -> list[OutfitProposal]:
        """n outfits for today (or `day`, a day to come), best first, recorded so they can be rated by id.

        With `weather`, the outfits keep its rules (outfits.dress) as far as the closet can, and each proposal says
        what the closet lacked; the occasion and the weather are recorded with the outfits (their ratings teach
        the taste for them).
        """
        occasion = check_occasion(occasion)
        closet, kept_out = self._closet(day)
        if (why := closet.missing()) is not None:
            raise CannotDress(f"cannot make an outfit yet: {why}")
        rules = rules_for(closet, weather) if weather is not None else None
        proposals = propose(closet, self.model(), n, self.rng, self._seen(kept_out), rules=rules, weather=weather,
                            occasion=occasion)
        ids = self.taste.record_outfits(self._created(), [(p.item_ids, p.key, p.probability, p.explore) for p in proposals],
                                        occasion, weather.to_dict() if weather is not None else None)
        by_id = self.wardrobe.inventory.by_ids(i for p in proposals for i in p.item_ids)
        lacking = rules.lacking if rules is not None else []
        return [OutfitProposal(i, [by_id[x] for x in p.item_ids], p.probability, p.explore, p.why, weather, occasion,
                               list(lacking)) for i, p in zip(ids, proposals)]

    def occasions(self) -> list[str]:
        """The occasions this user asked outfits for, the latest first (what the TUI and the phone offer)."""
        return self.taste.occasions(self.user_id) if self.user_id is not None else []

    def scorer(self, closet: Closet, table: ItemTable | None = None, weather: Weather | None = None,
               occasion: str | None = None) -> Callable[[np.ndarray], np.ndarray]:
        """How likely this user is to like each outfit (rows of `closet`) on a day of this weather and occasion: the
        taste model's probability for the day, and 0 for an outfit the day's weather rules out (outfits.dress, as far
        as this closet can keep them)."""
        table, model, occasion = table or ItemTable(closet), self.model(), check_occasion(occasion)
        rules = rules_for(closet, weather) if weather is not None else None

        def score(rows: np.ndarray) -> np.ndarray:
            p = model.probability(outfit_features(table, rows), weather, occasion)
            return np.where(rules.keeps(rows), p, 0.0) if rules is not None else p

        return score

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
        if self.user_id is None or found.user_id != self.user_id:
            raise NotFound(f"outfit {outfit_id} was proposed to another user; use --user to rate as them")
        rated = Rated(outfit_id, found.item_ids, 1 if like else -1, utcnow(), found.occasion, found.weather)

        def learn(stored: dict | None, history: list[Rated], items: dict[int, Wearable], replaced: bool) -> dict:
            try:
                model = PreferenceModel.from_dict(stored)
            except DamagedPreferences:
                model, replaced = PreferenceModel(), True  # rebuilt from every rating, this one included
            if (stored is not None and PreferenceModel.problem(stored) is not None) or (stored is None and history):
                # Another version's, or none for ratings that came without one: rebuilt too, not silently forgotten.
                model, replaced = PreferenceModel(), True
            # Earlier ratings first: a rebuilt model gives the occasions their slots in the order they were rated.
            features = self._day_features(model, history + [rated], items)
            liked = np.array([int(r.value > 0) for r in history])
            if replaced:
                model.fit(features, np.append(liked, int(like)))
            else:
                model.learn(features[-1:], np.array([int(like)]), replay=(features[:-1], liked))
            return model.to_dict()

        return self.taste.rate(self.user_id, outfit_id, 1 if like else -1, learn, replay=REPLAY,
                               skip_embeddings=set(self._projected),
                               usable=lambda stored: PreferenceModel.problem(stored) is None)

    def _day_features(self, model: PreferenceModel, ratings: list[Rated],
                      found: dict[int, Wearable] | None = None) -> np.ndarray:
        """Features of rated outfits with the day each was proposed for (its weather and occasion), as `model`
        weighs them; occasions new to the model get their slots."""
        features = self._features([r.item_ids for r in ratings], found)
        return model.for_day(features, [Weather.from_dict(r.weather) for r in ratings], [r.occasion for r in ratings],
                             learn=True)

    def _rebuild(self) -> tuple[PreferenceModel, np.ndarray, np.ndarray]:
        """This user's model rebuilt from all their stored ratings and saved; with the features and likes it learnt."""
        history = self.taste.ratings(self.user_id)
        liked = np.array([int(r.value > 0) for r in history])
        model = PreferenceModel()
        features = self._day_features(model, history)
        model.fit(features, liked)
        if self.user_id is not None:
            self.taste.save_model(self.user_id, model.to_dict())
        return model, features, liked

    def retrain(self) -> dict:
        """Rebuild this user's model from all their stored ratings (whatever state the stored one is in)."""
        model, features, liked = self._rebuild()
        agreement = float(np.mean((model.learned_logit(features) > 0) == (liked > 0))) if len(liked) else None
        return {"user": self.user, "ratings": len(liked), "likes": int(liked.sum()), "train_agreement": agreement}

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
