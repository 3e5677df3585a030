"""Every row of an inventory as plain records (dump) and back (load, merging by photo hash), for export and import.

Records refer to each other by content, never by database id: items by sha256, users by name, outfits by
"ref" (their position in the dump), so that they mean the same in any database. Fields:
  users              name, created_at
  items              sha256, photo, thumbnail, original_name, added_at, predicted_label, probabilities,
                     conversion_version, model_version, user_label, colours, state, owner (a user name or
                     null: shared), embedding and photo_features (base64 of the stored bytes, or null)
  corrections        item (sha256), label, source, created_at
  outfits            ref, user, items (sha256 each; null for an item no longer in the inventory), key, score,
                     explore, proposed_at
  ratings            user, outfit (ref), value, created_at
  wears              user, item (sha256), worn_at
  preference_models  user, params (the model's numbers), updated_at
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker, undefer

from wardrobe.config import BadName, check_user_name
from wardrobe.store.archive import ArchiveRefused
from wardrobe.store.dialects import ITEMS_LOCK, exclusive, insert_or_skip
from wardrobe.store.tables import CorrectionRow, ItemRow, OutfitRow, PreferenceModelRow, RatingRow, UserRow, WearRow
from wardrobe.store.taste import STATES

SHA256 = re.compile(r"[0-9a-f]{64}")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _b64(blob: bytes | None) -> str | None:
    return base64.b64encode(blob).decode() if blob is not None else None


def dump(sessions: sessionmaker[Session]) -> dict[str, list[dict]]:
    """Every table as records, read in one transaction (a consistent picture while others write)."""
    with sessions() as s, s.begin():
        users = dict(s.execute(sa.select(UserRow.id, UserRow.name)).all())
        out: dict[str, list[dict]] = {"users": [{"name": u.name, "created_at": _time(u.created_at)}
                                                for u in s.scalars(sa.select(UserRow).order_by(UserRow.id))]}
        sha: dict[int, str] = {}
        out["items"] = []
        for row in s.scalars(sa.select(ItemRow).order_by(ItemRow.id)
                             .options(undefer(ItemRow.embedding), undefer(ItemRow.photo_features))):
            sha[row.id] = row.sha256
            out["items"].append({
                "sha256": row.sha256, "photo": row.photo_file, "thumbnail": row.thumbnail_file,
                "original_name": row.original_name, "added_at": _time(row.added_at),
                "predicted_label": row.predicted_label, "probabilities": row.probabilities,
                "conversion_version": row.conversion_version, "model_version": row.model_version,
                "user_label": row.user_label, "colours": row.colours, "state": row.state, "owner": row.owner,
                "embedding": _b64(row.embedding), "photo_features": _b64(row.photo_features)})
        out["corrections"] = [{"item": sha[c.item_id], "label": c.label, "source": c.source,
                               "created_at": _time(c.created_at)}
                              for c in s.scalars(sa.select(CorrectionRow).order_by(CorrectionRow.id))]
        ref: dict[int, int] = {}
        out["outfits"] = []
        for o in s.scalars(sa.select(OutfitRow).order_by(OutfitRow.id)):
            ref[o.id] = len(ref) + 1
            out["outfits"].append({"ref": ref[o.id], "user": users[o.user_id], "items": [sha.get(i) for i in o.item_ids],
                                   "key": o.key, "score": o.score, "explore": bool(o.explore),
                                   "proposed_at": _time(o.proposed_at)})
        out["ratings"] = [{"user": users[r.user_id], "outfit": ref[r.outfit_id], "value": r.value,
                           "created_at": _time(r.created_at)} for r in s.scalars(sa.select(RatingRow).order_by(RatingRow.id))]
        out["wears"] = [{"user": users[w.user_id], "item": sha[w.item_id], "worn_at": _time(w.worn_at)}
                        for w in s.scalars(sa.select(WearRow).order_by(WearRow.id))]
        out["preference_models"] = []
        for user_id, raw, updated in s.execute(sa.select(PreferenceModelRow.user_id, sa.cast(PreferenceModelRow.params,
                                               sa.Text), PreferenceModelRow.updated_at).order_by(PreferenceModelRow.user_id)):
            try:
                params = json.loads(raw)
            except (TypeError, ValueError):
                continue  # a damaged model is left behind: `wardrobe retrain` rebuilds it from the ratings
            out["preference_models"].append({"user": users[user_id], "params": params, "updated_at": _time(updated)})
        return out


class _Rows:
    """Typed reading of one archive record; a missing or mistyped field refuses the archive."""

    def __init__(self, table: str):
        self.table, self.number = table, 0

    def refuse(self, why: str) -> ArchiveRefused:
        return ArchiveRefused(f"{self.table} record {self.number}: {why}; nothing imported")

    def get(self, row: dict, field: str, kind, optional: bool = False):
        value = row.get(field)
        if value is None and optional:
            return None
        if kind is datetime:
            try:
                return datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise self.refuse(f"{field} is not a time") from None
        if kind is bytes:
            try:
                return base64.b64decode(value, validate=True)
            except (TypeError, ValueError):
                raise self.refuse(f"{field} is not base64") from None
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.refuse(f"{field} is missing or of the wrong type")
        return value

    def sha(self, row: dict, field: str) -> str:
        value = self.get(row, field, str)
        if not SHA256.fullmatch(value):
            raise self.refuse(f"{field} is not a sha256")
        return value

    def user(self, row: dict, field: str = "user", optional: bool = False) -> str | None:
        value = self.get(row, field, str, optional)
        try:
            return check_user_name(value) if value is not None else None
        except BadName as exc:
            raise self.refuse(str(exc)) from None


def load(sessions: sessionmaker[Session], tables: dict[str, list[dict]], files: dict[str, tuple[str, str]]) -> dict:
    """Merge records into the inventory in one transaction; what is already there (same photo, user, outfit,
    rating, wear) is kept as it is. `files` gives each item's library paths by sha256. Returns counts of new rows."""
    try:
        with sessions.begin() as s:
            return _load(s, tables, files)
    except (sa.exc.IntegrityError, sa.exc.DataError) as exc:
        raise ArchiveRefused(f"a record breaks the inventory's rules ({' '.join(str(exc.orig).split())[:160]}); "
                             "nothing imported") from exc


def _added(s: Session, statement, key) -> int:
    """How many rows an insert that may skip some added (rowcount is not reliable across drivers)."""
    return len(s.execute(statement.returning(key)).all())


def _load(s: Session, tables: dict[str, list[dict]], files: dict[str, tuple[str, str]]) -> dict:
    exclusive(s, ITEMS_LOCK)  # as add: inserting items takes turns
    counts = dict.fromkeys(tables, 0)
    r = _Rows("users")
    names = []
    for r.number, row in enumerate(tables["users"], 1):
        names.append((r.user(row, "name"), r.get(row, "created_at", datetime)))
    for name, created in names:
        counts["users"] += _added(s, insert_or_skip(s, UserRow, ["name"]).values(name=name, created_at=created), UserRow.id)
    user_id = dict(s.execute(sa.select(UserRow.name, UserRow.id)).all())

    def known_user(rows: _Rows, row: dict, field: str = "user", optional: bool = False) -> int | None:
        name = rows.user(row, field, optional)
        if name is not None and name not in user_id:
            raise rows.refuse(f"{field} names no user of the archive")
        return user_id.get(name)

    r = _Rows("items")
    for r.number, row in enumerate(tables["items"], 1):
        sha = r.sha(row, "sha256")
        state = r.get(row, "state", str)
        if state not in STATES:
            raise r.refuse(f"state {state!r} is not one of {', '.join(STATES)}")
        photo, thumbnail = files[sha]
        values = dict(sha256=sha, photo_file=photo, thumbnail_file=thumbnail,
                      original_name=r.get(row, "original_name", str), added_at=r.get(row, "added_at", datetime),
                      predicted_label=r.get(row, "predicted_label", int), probabilities=r.get(row, "probabilities", list),
                      conversion_version=r.get(row, "conversion_version", str),
                      model_version=r.get(row, "model_version", str), user_label=r.get(row, "user_label", int, True),
                      colours=r.get(row, "colours", list), state=state, owner_id=known_user(r, row, "owner", True),
                      embedding=r.get(row, "embedding", bytes, True), photo_features=r.get(row, "photo_features", bytes, True))
        counts["items"] += _added(s, insert_or_skip(s, ItemRow, ["sha256"]).values(**values), ItemRow.id)
    wanted = [row["sha256"] for row in tables["items"]]
    item_id = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        item_id.update(s.execute(sa.select(ItemRow.sha256, ItemRow.id).where(ItemRow.sha256.in_(chunk))).all())

    def known_item(rows: _Rows, row: dict, field: str = "item") -> int:
        sha = rows.sha(row, field)
        if sha not in item_id:
            raise rows.refuse(f"{field} names no item of the archive")
        return item_id[sha]

    r = _Rows("corrections")
    for r.number, row in enumerate(tables["corrections"], 1):
        counts["corrections"] += _added(s, insert_or_skip(s, CorrectionRow, ["item_id", "created_at"]).values(
            item_id=known_item(r, row), label=r.get(row, "label", int), source=r.get(row, "source", str),
            created_at=r.get(row, "created_at", datetime)), CorrectionRow.id)

    existing = {(u, k, t): i for i, u, k, t in s.execute(sa.select(OutfitRow.id, OutfitRow.user_id, OutfitRow.key,
                                                                   OutfitRow.proposed_at))}
    outfit_id: dict[int, int] = {}
    r = _Rows("outfits")
    for r.number, row in enumerate(tables["outfits"], 1):
        ref, uid = r.get(row, "ref", int), known_user(r, row)
        key, proposed = r.get(row, "key", str), r.get(row, "proposed_at", datetime)
        if (uid, key, proposed) in existing:
            outfit_id[ref] = existing[(uid, key, proposed)]
            continue
        shas = r.get(row, "items", list)
        items = [item_id[sha] for sha in shas if isinstance(sha, str) and sha in item_id]
        score = r.get(row, "score", (int, float))
        outfit_id[ref] = s.scalar(sa.insert(OutfitRow).values(
            user_id=uid, item_ids=items, key=key, score=float(score), explore=r.get(row, "explore", bool),
            proposed_at=proposed).returning(OutfitRow.id))
        counts["outfits"] += 1

    r = _Rows("ratings")
    for r.number, row in enumerate(tables["ratings"], 1):
        ref = r.get(row, "outfit", int)
        if ref not in outfit_id:
            raise r.refuse("outfit names no outfit of the archive")
        counts["ratings"] += _added(s, insert_or_skip(s, RatingRow, ["user_id", "outfit_id"]).values(
            user_id=known_user(r, row), outfit_id=outfit_id[ref], value=r.get(row, "value", int),
            created_at=r.get(row, "created_at", datetime)), RatingRow.id)

    worn = set(s.execute(sa.select(WearRow.user_id, WearRow.item_id, WearRow.worn_at)).all())
    r = _Rows("wears")
    for r.number, row in enumerate(tables["wears"], 1):
        wear = (known_user(r, row), known_item(r, row), r.get(row, "worn_at", datetime))
        if wear not in worn:
            worn.add(wear)
            s.add(WearRow(user_id=wear[0], item_id=wear[1], worn_at=wear[2]))
            counts["wears"] += 1

    r = _Rows("preference_models")
    for r.number, row in enumerate(tables["preference_models"], 1):
        counts["preference_models"] += _added(s, insert_or_skip(s, PreferenceModelRow, ["user_id"]).values(
            user_id=known_user(r, row), params=r.get(row, "params", dict),
            updated_at=r.get(row, "updated_at", datetime)), PreferenceModelRow.user_id)
    return counts
