"""Users, proposed outfits, ratings, wear log and stored preference models (as JSON numbers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from wardrobe.domain import clean_attributes, kind_fits
from wardrobe.store.dialects import insert_or_skip
from wardrobe.store.repository import utcnow, visible_to
from wardrobe.store.tables import ItemRow, OutfitRow, PreferenceModelRow, RatingRow, UserRow, WearRow

STATES = ("active", "laundry", "retired")
DAMAGED = {"damaged": True}  # what load_model hands out for stored numbers that are not valid JSON
_LABEL = sa.func.coalesce(ItemRow.user_label, ItemRow.predicted_label)  # the user's label wins


@dataclass
class Wearable:
    """What the recommender needs of one active item (a plain row: listing thousands must stay cheap)."""

    id: int
    label: int
    colours: list[str]
    last_worn: datetime | None
    embedding: bytes | None = None
    warmth: int | None = None  # as the user said (None: the default of its category and kind)
    kind: str | None = None
    material: str | None = None
    pattern: str | None = None
    colour: str | None = None  # the colour it is named by (domain.Item.main_colour)


@dataclass
class Rated:
    outfit_id: int
    item_ids: list[int]
    value: int
    created_at: datetime
    occasion: str | None = None  # what the outfit was proposed for
    weather: dict | None = None  # the weather it was proposed for (Weather.to_dict()), or None


@dataclass
class Proposed:
    """An outfit as it was proposed: to whom, its pieces, and the occasion and weather it was for."""

    user_id: int
    item_ids: list[int]
    occasion: str | None = None
    weather: dict | None = None


def _wearable(item_id: int, label: int, colours, last_worn, warmth, read, tagged) -> Wearable:
    """A Wearable from its row: kind and material as Item has them (what the user tagged wins over what the heads
    read; a kind that does not fit the category is none), for warmth and rain-fitness."""
    read, tagged = clean_attributes(read), clean_attributes(tagged)
    kind, material = tagged.get("kind") or read.get("kind"), tagged.get("material") or read.get("material")
    colours, main = list(colours or []), tagged.get("colour") or read.get("colour")
    # As Item.main_colour: the colour read or tagged; the first dominant colour of one read before there were heads.
    named = main or (colours[0] if colours and not read else None)
    if main:  # the colour the garment is named by leads (the dominant colours of its mask may name the floor)
        colours = [main] + [c for c in colours if c != main][:2]
    return Wearable(item_id, label, colours, last_worn, None, warmth, kind if kind and kind_fits(kind, label) else None,
                    material, tagged.get("pattern") or read.get("pattern"), named)


def _lock_user(s: Session, user_id: int) -> None:
    """On a server, one rating transaction per user at a time (a row lock); SQLite's BEGIN IMMEDIATE already is."""
    s.execute(sa.select(UserRow.id).where(UserRow.id == user_id).with_for_update())


class TasteStore:
    """Everything about who likes what. Each method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    # -- users ----------------------------------------------------------------------------------------------

    def user_id(self, name: str, create: bool = True) -> int | None:
        """The user's id; created here only when `create` (callers create users when storing something)."""
        with self.sessions.begin() as s:
            found = s.scalar(sa.select(UserRow.id).where(UserRow.name == name))
            if found is not None or not create:
                return found
            # Two machines may create the same user at once: the second finds the first's row.
            s.execute(insert_or_skip(s, UserRow, ["name"]).values(name=name, created_at=utcnow()))
            return s.scalar(sa.select(UserRow.id).where(UserRow.name == name))

    def remove_user(self, user_id: int) -> None:
        """Delete a user; their ratings, wears, outfits, taste model and devices go with them (ON DELETE CASCADE)."""
        with self.sessions.begin() as s:
            s.execute(sa.delete(UserRow).where(UserRow.id == user_id))

    def users(self) -> list[dict]:
        likes = sa.func.sum(sa.case((RatingRow.value > 0, 1), else_=0))
        query = (sa.select(UserRow.id, UserRow.name, sa.func.count(RatingRow.id), likes)
                 .outerjoin(RatingRow, RatingRow.user_id == UserRow.id).group_by(UserRow.id).order_by(UserRow.id))
        with self.sessions() as s:
            wears = dict(s.execute(sa.select(WearRow.user_id, sa.func.count()).group_by(WearRow.user_id)).all())
            return [{"id": uid, "name": name, "ratings": n, "likes": int(liked or 0), "wears": wears.get(uid, 0)}
                    for uid, name, n, liked in s.execute(query).all()]

    # -- the closet as the recommender sees it ---------------------------------------------------------------

    def wearable(self, user_id: int, skip_embeddings: set[int] = frozenset()) -> list[Wearable]:
        """Active items (not in the laundry, not retired) this user sees (their own and the shared ones), with
        when they last wore them.

        Embeddings (8 KB each) are read for every item except those in `skip_embeddings`, which a caller
        that keeps them between calls already has.
        """
        last = (sa.select(WearRow.item_id, sa.func.max(WearRow.worn_at).label("last"))
                .where(WearRow.user_id == user_id).group_by(WearRow.item_id).subquery())
        query = (sa.select(ItemRow.id, _LABEL, ItemRow.colours, last.c.last, ItemRow.warmth, ItemRow.attributes,
                           ItemRow.user_attributes)
                 .outerjoin(last, last.c.item_id == ItemRow.id).where(ItemRow.state == "active", visible_to(user_id))
                 .order_by(ItemRow.id))
        with self.sessions() as s:
            found = [_wearable(i, lab, colours, worn, warmth, read, tagged)
                     for i, lab, colours, worn, warmth, read, tagged in s.execute(query).all()]
            self._add_embeddings(s, [w for w in found if w.id not in skip_embeddings])
        return found

    def items(self, item_ids, skip_embeddings: set[int] = frozenset()) -> dict[int, Wearable]:
        """These items in any state (without when they were worn), with embeddings but those in `skip_embeddings`."""
        with self.sessions() as s:
            return self._items(s, item_ids, skip_embeddings)

    @classmethod
    def _items(cls, s: Session, item_ids, skip_embeddings: set[int]) -> dict[int, Wearable]:
        ids, found = sorted(set(item_ids)), {}
        for start in range(0, len(ids), 900):
            query = sa.select(ItemRow.id, _LABEL, ItemRow.colours, ItemRow.warmth, ItemRow.attributes,
                              ItemRow.user_attributes).where(ItemRow.id.in_(ids[start : start + 900]))
            # As the closet reads them (attributes included): what a rating learns from is what was proposed.
            found.update((i, _wearable(i, lab, colours, None, warmth, read, tagged))
                         for i, lab, colours, warmth, read, tagged in s.execute(query).all())
        cls._add_embeddings(s, [w for w in found.values() if w.id not in skip_embeddings])
        return found

    @staticmethod
    def _add_embeddings(s: Session, wearables: list[Wearable]) -> None:
        by_id = {w.id: w for w in wearables}
        wanted = list(by_id)
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for i, blob in s.execute(sa.select(ItemRow.id, ItemRow.embedding).where(ItemRow.id.in_(chunk))).all():
                by_id[i].embedding = blob

    def set_state(self, item_ids: list[int], state: str) -> list[int]:
        """Set the state of these items; returns the ids that exist."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        with self.sessions.begin() as s:
            found = list(s.scalars(sa.select(ItemRow.id).where(ItemRow.id.in_(item_ids))))
            s.execute(sa.update(ItemRow).where(ItemRow.id.in_(found)).values(state=state))
            return found

    # -- outfits, ratings, wear -----------------------------------------------------------------------------

    def record_outfits(self, user_id: int, outfits: list[tuple[list[int], str, float, bool]], occasion: str | None = None,
                       weather: dict | None = None) -> list[int]:
        """Record proposed outfits (item ids, key, score, explore), all for one occasion and weather; returns their ids."""
        now = utcnow()
        with self.sessions.begin() as s:
            rows = [OutfitRow(user_id=user_id, item_ids=ids, key=key, score=score, explore=explore, proposed_at=now,
                              occasion=occasion, weather=weather)
                    for ids, key, score, explore in outfits]
            s.add_all(rows)
            s.flush()
            return [row.id for row in rows]

    def outfit(self, outfit_id: int) -> Proposed | None:
        with self.sessions() as s:
            row = s.get(OutfitRow, outfit_id)
            return Proposed(row.user_id, list(row.item_ids), row.occasion, row.weather) if row else None

    def occasions(self, user_id: int | None, limit: int = 20) -> list[str]:
        """The occasions this user's outfits were proposed for, the latest used first."""
        latest = sa.func.max(OutfitRow.id)
        with self.sessions() as s:
            return list(s.scalars(sa.select(OutfitRow.occasion).where(OutfitRow.user_id == user_id,
                                                                      OutfitRow.occasion.is_not(None))
                                  .group_by(OutfitRow.occasion).order_by(latest.desc()).limit(limit)))

    def recent_outfits(self, user_id: int | None, limit: int = 100) -> list[tuple[str, list[int], bool]]:
        """The last outfits proposed to this user, newest first: (key, item ids, explore)."""
        with self.sessions() as s:
            return [(key, list(ids), bool(explore)) for key, ids, explore in s.execute(
                sa.select(OutfitRow.key, OutfitRow.item_ids, OutfitRow.explore).where(OutfitRow.user_id == user_id)
                .order_by(OutfitRow.id.desc()).limit(limit)).all()]

    def add_rating(self, user_id: int, outfit_id: int, value: int, model: dict | None = None) -> None:
        """Store a rating (replacing this user's earlier one of the outfit) and, in the same transaction, the model."""
        with self.sessions.begin() as s:
            _lock_user(s, user_id)
            s.execute(sa.delete(RatingRow).where(RatingRow.user_id == user_id, RatingRow.outfit_id == outfit_id))
            s.add(RatingRow(user_id=user_id, outfit_id=outfit_id, value=value, created_at=utcnow()))
            if model is not None:
                self._save_model(s, user_id, model)

    def rate(self, user_id: int, outfit_id: int, value: int,
             learn: Callable[[dict | None, list[Rated], dict[int, Wearable], bool], dict],
             replay: int | None = None, skip_embeddings: set[int] = frozenset(),
             usable: Callable[[dict], bool] = lambda stored: True) -> bool:
        """Read, learn and write a user's model in one write transaction, so no concurrent rating is lost.

        `learn(stored_model, history, items, replaced)` gets the stored model (DAMAGED if unreadable),
        the user's earlier ratings (the last `replay`, or all of them when this rating replaces one or the
        model is damaged), their items (with embeddings, except those in `skip_embeddings`), and whether
        an earlier rating of this outfit is being replaced; it returns the new model. Returns whether a
        rating was replaced. A stored model that is not `usable` (made by another version) is rebuilt from
        every rating, as a damaged or a missing one is (ratings imported without their model).
        """
        with self.sessions.begin() as s:
            _lock_user(s, user_id)
            replaced = s.execute(sa.delete(RatingRow).where(RatingRow.user_id == user_id,
                                                           RatingRow.outfit_id == outfit_id)).rowcount > 0
            stored = self._load_model(s, user_id)
            everything = replaced or stored is None or stored is DAMAGED or not usable(stored)
            history = self._ratings(s, user_id, None if everything else replay)
            wanted = {i for r in history for i in r.item_ids} | set(s.get(OutfitRow, outfit_id).item_ids)
            model = learn(stored, history, self._items(s, wanted, skip_embeddings), replaced)
            s.add(RatingRow(user_id=user_id, outfit_id=outfit_id, value=value, created_at=utcnow()))
            self._save_model(s, user_id, model)
            return replaced

    def ratings(self, user_id: int | None, limit: int | None = None) -> list[Rated]:
        """This user's ratings, oldest first (the last `limit` if given)."""
        with self.sessions() as s:
            return self._ratings(s, user_id, limit)

    def ratings_between(self, user_id: int | None, start: datetime, end: datetime) -> list[Rated]:
        """This user's ratings made from `start` up to (not including) `end` (naive UTC), oldest first."""
        query = (sa.select(RatingRow.outfit_id, OutfitRow.item_ids, RatingRow.value, RatingRow.created_at)
                 .join(OutfitRow, OutfitRow.id == RatingRow.outfit_id)
                 .where(RatingRow.user_id == user_id, RatingRow.created_at >= start, RatingRow.created_at < end)
                 .order_by(RatingRow.created_at, RatingRow.id))
        with self.sessions() as s:
            return [Rated(o, list(ids), v, t) for o, ids, v, t in s.execute(query).all()]

    @staticmethod
    def _ratings(s: Session, user_id: int | None, limit: int | None) -> list[Rated]:
        query = (sa.select(RatingRow.outfit_id, OutfitRow.item_ids, RatingRow.value, RatingRow.created_at,
                           OutfitRow.occasion, OutfitRow.weather)
                 .join(OutfitRow, OutfitRow.id == RatingRow.outfit_id).where(RatingRow.user_id == user_id)
                 .order_by(RatingRow.id.desc()))
        if limit:
            query = query.limit(limit)
        return [Rated(o, list(ids), v, t, occasion, weather)
                for o, ids, v, t, occasion, weather in reversed(s.execute(query).all())]

    def add_wears(self, user_id: int, item_ids: list[int], when: datetime | None = None) -> list[int]:
        """Log these items as worn at `when` (naive UTC; now if None); returns the ids that exist."""
        when = when or utcnow()
        with self.sessions.begin() as s:
            found = list(s.scalars(sa.select(ItemRow.id).where(ItemRow.id.in_(item_ids))))
            s.add_all(WearRow(user_id=user_id, item_id=i, worn_at=when) for i in found)
            return found

    def wears(self, user_id: int, limit: int = 200) -> list[tuple[int, datetime]]:
        with self.sessions() as s:
            return [tuple(r) for r in s.execute(sa.select(WearRow.item_id, WearRow.worn_at)
                                                .where(WearRow.user_id == user_id)
                                                .order_by(WearRow.id.desc()).limit(limit)).all()]

    def wears_between(self, user_id: int | None, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
        """This user's wears from `start` up to (not including) `end` (naive UTC), oldest first."""
        with self.sessions() as s:
            return [tuple(r) for r in s.execute(sa.select(WearRow.item_id, WearRow.worn_at).where(
                WearRow.user_id == user_id, WearRow.worn_at >= start, WearRow.worn_at < end)
                .order_by(WearRow.worn_at, WearRow.id)).all()]

    # -- preference models ----------------------------------------------------------------------------------

    def load_model(self, user_id: int | None) -> dict | None:
        """The stored model's numbers; None if there is none, DAMAGED if they are not valid JSON."""
        with self.sessions() as s:
            return self._load_model(s, user_id)

    @staticmethod
    def _load_model(s: Session, user_id: int | None) -> dict | None:
        # Read as text and parse here: a damaged row must not fail inside SQLAlchemy's JSON type.
        raw = s.scalar(sa.select(sa.cast(PreferenceModelRow.params, sa.Text)).where(PreferenceModelRow.user_id == user_id))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            return DAMAGED
        return data if isinstance(data, dict) else DAMAGED

    def save_model(self, user_id: int, params: dict) -> None:
        with self.sessions.begin() as s:
            _lock_user(s, user_id)
            self._save_model(s, user_id, params)

    @staticmethod
    def _save_model(s: Session, user_id: int, params: dict) -> None:
        # Replaced without loading the old row, which may be damaged.
        s.execute(sa.delete(PreferenceModelRow).where(PreferenceModelRow.user_id == user_id))
        s.add(PreferenceModelRow(user_id=user_id, params=params, updated_at=utcnow()))
