"""Every row of an inventory as plain records (dump) and back (load, merging by photo hash), for export and import.

Records refer to each other by content, never by database id: items by sha256, users by name, outfits by
"ref" (their position in the dump), so that they mean the same in any database. Fields:
  users              name, created_at
  items              sha256, photo, thumbnail, original_name, added_at, predicted_label, probabilities,
                     conversion_version, model_version, user_label, colours, state, owner (a user name or
                     null: shared), embedding, photo_features and attribute_features (base64 of the stored bytes, or
                     null), attributes (what the heads read) and user_attributes (the user's tags): {kind, pattern,
                     material, colour: a name}, warmth (0-3 as the user said, or null); attributes, user_attributes
                     and warmth absent in archives made before them
  corrections        item (sha256), label, source, created_at
  outfits            ref, user, items (sha256 each; null for an item no longer in the inventory), key, score,
                     explore, proposed_at, occasion and weather (what it was proposed for; null or absent: none)
  ratings            user, outfit (ref), value, created_at
  wears              user, item (sha256), worn_at
  preference_models  user, params (the model's numbers), updated_at
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker, undefer

from wardrobe.domain import clean_attributes
from wardrobe.store.archive import ArchiveRefused
from wardrobe.store.dialects import ITEMS_LOCK, exclusive, insert_or_skip
from wardrobe.store.tables import CorrectionRow, ItemRow, OutfitRow, PreferenceModelRow, RatingRow, UserRow, WearRow


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
                             .options(undefer(ItemRow.embedding), undefer(ItemRow.photo_features),
                                      undefer(ItemRow.attribute_features))):
            sha[row.id] = row.sha256
            out["items"].append({
                "sha256": row.sha256, "photo": row.photo_file, "thumbnail": row.thumbnail_file,
                "original_name": row.original_name, "added_at": _time(row.added_at),
                "predicted_label": row.predicted_label, "probabilities": row.probabilities,
                "conversion_version": row.conversion_version, "model_version": row.model_version,
                "user_label": row.user_label, "colours": row.colours, "state": row.state, "owner": row.owner,
                "embedding": _b64(row.embedding), "photo_features": _b64(row.photo_features),
                "attributes": clean_attributes(row.attributes), "user_attributes": clean_attributes(row.user_attributes),
                "attribute_features": _b64(row.attribute_features), "warmth": row.warmth})
        out["corrections"] = [{"item": sha[c.item_id], "label": c.label, "source": c.source,
                               "created_at": _time(c.created_at)}
                              for c in s.scalars(sa.select(CorrectionRow).order_by(CorrectionRow.id))]
        ref: dict[int, int] = {}
        out["outfits"] = []
        for o in s.scalars(sa.select(OutfitRow).order_by(OutfitRow.id)):
            ref[o.id] = len(ref) + 1
            out["outfits"].append({"ref": ref[o.id], "user": users[o.user_id], "items": [sha.get(i) for i in o.item_ids],
                                   "key": o.key, "score": o.score, "explore": bool(o.explore),
                                   "proposed_at": _time(o.proposed_at), "occasion": o.occasion, "weather": o.weather})
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


def load(sessions: sessionmaker[Session], tables: dict[str, list[dict]]) -> dict:
    """Merge checked records (records.check_tables) into the inventory in one transaction; what is already there
    (same photo, user, outfit, rating, wear) is kept as it is. Returns counts of new rows."""
    try:
        with sessions.begin() as s:
            return _load(s, tables)
    except (sa.exc.IntegrityError, sa.exc.DataError) as exc:
        raise ArchiveRefused(f"a record breaks the inventory's rules ({' '.join(str(exc.orig).split())[:160]}); "
                             "nothing imported") from exc


def _added(s: Session, statement, key) -> int:
    """How many rows an insert that may skip some added (rowcount is not reliable across drivers)."""
    return len(s.execute(statement.returning(key)).all())


def _load(s: Session, tables: dict[str, list[dict]]) -> dict:
    exclusive(s, ITEMS_LOCK)  # as add: inserting items takes turns
    counts = dict.fromkeys(tables, 0)
    for user in tables["users"]:
        counts["users"] += _added(s, insert_or_skip(s, UserRow, ["name"]).values(**user), UserRow.id)
    user_id = dict(s.execute(sa.select(UserRow.name, UserRow.id)).all())

    for item in tables["items"]:
        values = {**{k: v for k, v in item.items() if k != "owner"}, "owner_id": user_id.get(item["owner"])}
        counts["items"] += _added(s, insert_or_skip(s, ItemRow, ["sha256"]).values(**values), ItemRow.id)
    wanted = [item["sha256"] for item in tables["items"]]
    item_id = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        item_id.update(s.execute(sa.select(ItemRow.sha256, ItemRow.id).where(ItemRow.sha256.in_(chunk))).all())

    for c in tables["corrections"]:
        counts["corrections"] += _added(s, insert_or_skip(s, CorrectionRow, ["item_id", "created_at"]).values(
            item_id=item_id[c["item"]], label=c["label"], source=c["source"], created_at=c["created_at"]), CorrectionRow.id)

    existing = {(u, k, t): i for i, u, k, t in s.execute(sa.select(OutfitRow.id, OutfitRow.user_id, OutfitRow.key,
                                                                   OutfitRow.proposed_at))}
    outfit_id: dict[int, int] = {}
    for o in tables["outfits"]:
        uid, ids = user_id[o["user"]], [item_id[sha] for sha in o["items"] if sha is not None]
        key = "-".join(str(i) for i in sorted(ids)) if ids else o["key"]  # the key names item ids: this inventory's
        if (uid, key, o["proposed_at"]) in existing:
            outfit_id[o["ref"]] = existing[(uid, key, o["proposed_at"])]
            continue
        outfit_id[o["ref"]] = s.scalar(sa.insert(OutfitRow).values(
            user_id=uid, item_ids=ids, key=key, score=o["score"], explore=o["explore"],
            proposed_at=o["proposed_at"], occasion=o["occasion"], weather=o["weather"]).returning(OutfitRow.id))
        counts["outfits"] += 1

    for r in tables["ratings"]:
        counts["ratings"] += _added(s, insert_or_skip(s, RatingRow, ["user_id", "outfit_id"]).values(
            user_id=user_id[r["user"]], outfit_id=outfit_id[r["outfit"]], value=r["value"],
            created_at=r["created_at"]), RatingRow.id)

    worn = set(s.execute(sa.select(WearRow.user_id, WearRow.item_id, WearRow.worn_at)).all())
    for w in tables["wears"]:
        wear = (user_id[w["user"]], item_id[w["item"]], w["worn_at"])
        if wear not in worn:
            worn.add(wear)
            s.add(WearRow(user_id=wear[0], item_id=wear[1], worn_at=wear[2]))
            counts["wears"] += 1

    for m in tables["preference_models"]:
        counts["preference_models"] += _added(s, insert_or_skip(s, PreferenceModelRow, ["user_id"]).values(
            user_id=user_id[m["user"]], params=m["params"], updated_at=m["updated_at"]), PreferenceModelRow.user_id)
    return counts
