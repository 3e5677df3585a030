"""Archive records checked, field by field, against the rules the store's own writes follow, before anything is written."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np

from wardrobe.config import BadName, check_user_name
from wardrobe.domain import ATTRIBUTE_VALUES, CATEGORIES, FMNIST_CLASSES, PALETTE
from wardrobe.store.archive import TABLES, ArchiveRefused
from wardrobe.store.library import photo_suffix
from wardrobe.store.taste import STATES
from wardrobe.weather.value import Weather

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_OUTFIT_ITEMS = 32
# An outfit's key as the recommender writes it: its item ids, sorted, joined by '-' (recomputed on import).
OUTFIT_KEY = re.compile(r"(?:(?:0|[1-9][0-9]{0,17})(?:-(?:0|[1-9][0-9]{0,17})){0,%d})?" % (MAX_OUTFIT_ITEMS - 1))
PROBABILITIES = (FMNIST_CLASSES, len(CATEGORIES))  # items added before Shorts, Skirt and Hat have ten
MAX_NAME = 1024  # an original file name (the store keeps a path's last part)
MAX_BLOB = 64 << 10  # an embedding of 2048 float32 is 8 KB
MAX_REF = 2**63 - 1
SOURCES = ("add", "relabel")  # what wrote a correction
VERSION_LENGTHS = {"conversion_version": 40, "model_version": 80}  # the columns' VARCHAR sizes
OCCASION_LENGTH = 100


class Checker:
    """Typed reading of one table's records; str(refusal) names the table, the record and the field."""

    def __init__(self, table: str):
        self.table, self.number = table, 0

    def refuse(self, why: str) -> ArchiveRefused:
        return ArchiveRefused(f"{self.table} record {self.number}: {why}; nothing imported")

    def value(self, row: dict, field: str, optional: bool = False):
        value = row.get(field)
        if value is None and not optional:
            raise self.refuse(f"{field} is missing")
        return value

    def text(self, row: dict, field: str, limit: int, printable: bool = False, optional: bool = False) -> str | None:
        value = self.value(row, field, optional)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > limit:
            raise self.refuse(f"{field} is not text of at most {limit} characters")
        if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise self.refuse(f"{field} holds a NUL or a lone surrogate")
        if printable and not value.isprintable():
            raise self.refuse(f"{field} holds control characters")
        return value

    def integer(self, row: dict, field: str, allowed: range, optional: bool = False) -> int | None:
        value = self.value(row, field, optional)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise self.refuse(f"{field} is not a whole number from {allowed.start} to {allowed.stop - 1}")
        return value

    def real(self, row: dict, field: str) -> float:
        value = self.value(row, field)
        if not is_number(value):
            raise self.refuse(f"{field} is not a finite number")
        return float(value)

    def flag(self, row: dict, field: str) -> bool:
        value = self.value(row, field)
        if not isinstance(value, bool):
            raise self.refuse(f"{field} is not true or false")
        return value

    def time(self, row: dict, field: str) -> datetime:
        value = self.value(row, field)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is not None:
            raise self.refuse(f"{field} is not a time as the inventory keeps them (ISO 8601, UTC, no offset)")
        return moment

    def blob(self, row: dict, field: str, dtype) -> bytes | None:
        """Base64 of an array of finite numbers of dtype (an embedding, photo features), or None."""
        value = self.value(row, field, optional=True)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > MAX_BLOB * 4 // 3 + 4:
            raise self.refuse(f"{field} is not base64 of at most {MAX_BLOB} bytes")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self.refuse(f"{field} is not base64") from None
        size = np.dtype(dtype).itemsize
        if not data or len(data) % size or not np.isfinite(np.frombuffer(data, dtype=dtype)).all():
            raise self.refuse(f"{field} is not a vector of finite {np.dtype(dtype).name} numbers")
        return data

    def attributes(self, row: dict, field: str) -> dict[str, str]:
        """An item's attributes ({kind, pattern, material, colour: a name of its vocabulary}); absent or null: none
        (archives made before attributes lack them)."""
        value = self.value(row, field, optional=True)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(
                isinstance(v, str) and v in ATTRIBUTE_VALUES.get(a, ()) for a, v in value.items()):
            raise self.refuse(f"{field} are not names of {', '.join(ATTRIBUTE_VALUES)} as `wardrobe tag --help` "
                              "lists them")
        return dict(value)

    def sha(self, row: dict, field: str, known: Iterable[str] | None = None) -> str:
        value = self.value(row, field)
        if not isinstance(value, str) or not SHA256.fullmatch(value):
            raise self.refuse(f"{field} is not a sha256")
        if known is not None and value not in known:
            raise self.refuse(f"{field} names no item of the archive")
        return value

    def user(self, row: dict, field: str, known: Iterable[str] | None, optional: bool = False) -> str | None:
        value = self.value(row, field, optional)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.refuse(f"{field} is not a user name")
        try:
            check_user_name(value)
        except BadName as exc:
            raise self.refuse(str(exc)) from None
        if known is not None and value not in known:
            raise self.refuse(f"{field} names no user of the archive")
        return value


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_tables(rows: Callable[[str], Iterable[dict]], taste_problem: Callable[[dict], str | None]) -> dict[str, list[dict]]:
    """Every table's records (rows(table) yields them, as read) checked and typed; ArchiveRefused, naming the table,
    record and field, at the first one that the store's own writes could not have made. What passes cannot crash a
    later command. Rows keep referring to each other by content (users by name, items by sha256, outfits by ref);
    taste_problem says what is wrong with a taste model's numbers (None: nothing)."""
    out: dict[str, list[dict]] = {}
    for table in TABLES:
        check = _CHECKS[table]
        c = Checker(table)
        seen: dict = {}
        out[table] = []
        for c.number, row in enumerate(rows(table), 1):
            out[table].append(check(c, row, out, seen, taste_problem))
    return {table: out[table] for table in TABLES}


def _unique(c: Checker, seen: dict, key, what: str) -> None:
    if key in seen:
        raise c.refuse(f"{what} appears twice in the archive")
    seen[key] = True


def _user(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    name = c.user(row, "name", None)
    _unique(c, seen, name, f"user {name!r}")
    return {"name": name, "created_at": c.time(row, "created_at")}


def _users(out) -> set[str]:
    if "_users" not in out:
        out["_users"] = {u["name"] for u in out["users"]}
    return out["_users"]


def _item(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    sha = c.sha(row, "sha256")
    _unique(c, seen, sha, f"sha256 {sha}")
    photo = c.text(row, "photo", 200)
    if photo != f"photos/{sha[:2]}/{sha}{photo_suffix(photo)}":
        raise c.refuse(f"photo {photo!r:.80} is not where the library keeps this photo")
    if c.text(row, "thumbnail", 200) != f"thumbnails/{sha[:2]}/{sha}.jpg":
        raise c.refuse("thumbnail is not where the library keeps this photo's thumbnail")
    predicted = c.integer(row, "predicted_label", range(len(CATEGORIES)))
    probabilities = c.value(row, "probabilities")
    if not isinstance(probabilities, list) or len(probabilities) not in PROBABILITIES \
            or not all(is_number(p) and 0 <= p <= 1 for p in probabilities) or predicted >= len(probabilities):
        raise c.refuse(f"probabilities are not {' or '.join(map(str, PROBABILITIES))} numbers from 0 to 1 "
                       "(one per category, the predicted one among them)")
    colours = c.value(row, "colours")
    if not isinstance(colours, list) or len(colours) > len(PALETTE) or not all(
            isinstance(name, str) and name in PALETTE for name in colours) or len(set(colours)) != len(colours):
        raise c.refuse(f"colours are not distinct names among {', '.join(PALETTE)}")
    state = c.value(row, "state")
    if state not in STATES:
        raise c.refuse(f"state {state!r:.40} is not one of {', '.join(STATES)}")
    return {"sha256": sha, "photo_file": photo, "thumbnail_file": f"thumbnails/{sha[:2]}/{sha}.jpg",
            "original_name": c.text(row, "original_name", MAX_NAME), "added_at": c.time(row, "added_at"),
            "predicted_label": predicted, "probabilities": [float(p) for p in probabilities],
            **{field: c.text(row, field, limit, printable=True) for field, limit in VERSION_LENGTHS.items()},
            "user_label": c.integer(row, "user_label", range(len(CATEGORIES)), optional=True),
            "colours": list(colours), "state": state, "owner": c.user(row, "owner", _users(out), optional=True),
            "embedding": c.blob(row, "embedding", np.float32), "photo_features": c.blob(row, "photo_features", np.float16),
            "attributes": c.attributes(row, "attributes"), "user_attributes": c.attributes(row, "user_attributes"),
            "attribute_features": c.blob(row, "attribute_features", np.float16),
            "warmth": c.integer(row, "warmth", range(4), optional=True)}


def _items(out) -> set[str]:
    if "_items" not in out:
        out["_items"] = {i["sha256"] for i in out["items"]}
    return out["_items"]


def _correction(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    source = c.value(row, "source")
    if source not in SOURCES:
        raise c.refuse(f"source {source!r:.40} is not one of {', '.join(SOURCES)}")
    return {"item": c.sha(row, "item", _items(out)), "label": c.integer(row, "label", range(len(CATEGORIES))),
            "source": source, "created_at": c.time(row, "created_at")}


def _outfit(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    ref = c.integer(row, "ref", range(1, MAX_REF))
    _unique(c, seen, ref, f"outfit ref {ref}")
    shas = c.value(row, "items")
    if not isinstance(shas, list) or len(shas) > MAX_OUTFIT_ITEMS or not all(
            sha is None or isinstance(sha, str) and sha in _items(out) for sha in shas):
        raise c.refuse(f"items are not up to {MAX_OUTFIT_ITEMS} items of the archive (sha256, or null for one removed)")
    key = c.text(row, "key", 20 * MAX_OUTFIT_ITEMS)
    if not OUTFIT_KEY.fullmatch(key):
        raise c.refuse("key is not an outfit's item ids joined by '-'")
    weather = c.value(row, "weather", optional=True)
    if weather is not None and (not isinstance(weather, dict) or len(weather) > 8 or Weather.from_dict(weather) is None):
        raise c.refuse("weather is not a day's weather (temperature, rain, wind, snow, source)")
    return {"ref": ref, "user": c.user(row, "user", _users(out)), "items": list(shas), "key": key,
            "score": c.real(row, "score"),
            "explore": c.flag(row, "explore"), "proposed_at": c.time(row, "proposed_at"),
            "occasion": check_occasion(c, row),
            "weather": None if weather is None else Weather.from_dict(weather).to_dict()}


def check_occasion(c: Checker, row: dict) -> str | None:
    text = c.text(row, "occasion", OCCASION_LENGTH, printable=True, optional=True)
    if text is not None and not text.strip():
        raise c.refuse("occasion is empty")
    return text


def _rating(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    if "_outfits" not in out:
        out["_outfits"] = {o["ref"]: o["user"] for o in out["outfits"]}
    ref = c.integer(row, "outfit", range(1, MAX_REF))
    if ref not in out["_outfits"]:
        raise c.refuse("outfit names no outfit of the archive")
    user = c.user(row, "user", _users(out))
    if user != out["_outfits"][ref]:
        raise c.refuse("the outfit was proposed to another user")
    value = c.value(row, "value")
    if isinstance(value, bool) or value not in (-1, 1):
        raise c.refuse("value is not 1 (like) or -1 (dislike)")
    return {"user": user, "outfit": ref, "value": int(value), "created_at": c.time(row, "created_at")}


def _wear(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    return {"user": c.user(row, "user", _users(out)), "item": c.sha(row, "item", _items(out)),
            "worn_at": c.time(row, "worn_at")}


def _taste(c: Checker, row: dict, out, seen, taste_problem) -> dict:
    user = c.user(row, "user", _users(out))
    _unique(c, seen, user, f"a taste model of {user!r}")
    params = c.value(row, "params")
    problem = taste_problem(params) if isinstance(params, dict) else "not an object"
    if problem:
        raise c.refuse(f"params are not a taste model this version uses ({problem})")
    return {"user": user, "params": params, "updated_at": c.time(row, "updated_at")}


_CHECKS = {"users": _user, "items": _item, "corrections": _correction, "outfits": _outfit, "ratings": _rating,
           "wears": _wear, "preference_models": _taste}
