"""Valid outfits: (top + bottom, or a one-piece) + footwear, optionally an outer layer, a bag and a hat."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from wardrobe.domain import SLOT_NAMES, SLOTS, item_name

# Columns of an outfit row: indices into the closet's items, -1 where the outfit has nothing.
MAIN, BOTTOM, FOOTWEAR, OUTER, BAG, ACCESSORY = range(6)
COLUMNS = ("main", "bottom", "footwear", "outer", "bag", "accessory")
OPTIONAL = ((OUTER, "outer"), (BAG, "bag"), (ACCESSORY, "accessory"))
OPTIONAL_SHARE = 0.4  # how often a sampled outfit carries a coat, a bag and a hat, when the closet has them
_REQUIRED = ("top", "bottom", "one-piece", "footwear")
_COLUMN_OF_SLOT = {"top": MAIN, "one-piece": MAIN, "bottom": BOTTOM, "footwear": FOOTWEAR, "outer": OUTER,
                   "bag": BAG, "accessory": ACCESSORY}


@dataclass(frozen=True)
class ClosetItem:
    """What the recommender knows of one wearable item."""

    id: int
    label: int
    colours: tuple[str, ...] = ()
    embedding: np.ndarray | None = None
    days_since_worn: float | None = None
    warmth: int = 1  # 0 for the heat .. 3 for the cold (weather.warmth)
    rain_ok: bool = True  # False where it is known not to suit rain (sandals, suede)
    pattern: str | None = None  # solid, striped, ... (None: not known)
    material: str | None = None  # denim, leather, knit, other (None: not known)
    kind: str | None = None  # t-shirt, jeans, ... (None: not known, or not one its category can be)
    colour: str | None = None  # the colour it is named by, as domain.Item.main_colour (None: not known)

    @property
    def slot(self) -> str:
        return SLOTS[self.label]

    @property
    def name(self) -> str:
        """What a person calls it ("navy striped shirt"), as domain.Item.name."""
        return item_name(self.label, self.kind, self.pattern, self.material, self.colour)


class Closet:
    """The wearable items of one user, grouped by outfit slot, with random valid outfits drawn from them."""

    outer_required = False  # every outfit carries an outer layer (the weather asks for one: outfits.dress)

    def __init__(self, items: list[ClosetItem]):
        self.items = list(items)
        self.ids = np.array([i.id for i in self.items], dtype=np.int64)
        self.position = {int(i): k for k, i in enumerate(self.ids)}  # item id -> index
        by_slot: dict[str, list[int]] = {}
        for index, item in enumerate(self.items):
            by_slot.setdefault(item.slot, []).append(index)
        self.slot = {name: np.array(by_slot.get(name, []), dtype=np.int64)
                     for name in SLOT_NAMES}

    def missing(self) -> str | None:
        """Why no outfit can be made, or None when one can."""
        if not len(self.slot["footwear"]):
            return "no footwear (sandal, sneaker or ankle boot) in the closet"
        if not (len(self.slot["top"]) and len(self.slot["bottom"])) and not len(self.slot["one-piece"]):
            return "neither a top with trousers nor a dress in the closet"
        return None

    def without(self, item_ids) -> "Closet":
        """This closet with these items left out of sampling, unless the closet cannot dress without them.

        Rows stay indices into the same items, so an ItemTable of this closet serves the result too.
        """
        left_out = np.isin(self.ids, np.fromiter(item_ids, dtype=np.int64))
        if not left_out.any():
            return self
        out = copy.copy(self)
        out.slot = {name: pool[~left_out[pool]] for name, pool in self.slot.items()}
        required = _REQUIRED + (("outer",) if self.outer_required else ())
        if out.missing() or (self.outer_required and not len(out.slot["outer"])):
            # e.g. the only shoes were worn today: keep what the outfit cannot do without
            out.slot.update({name: self.slot[name] for name in required if not len(out.slot[name])})
        return out

    def allowed(self, rows: np.ndarray) -> np.ndarray:
        """Which rows use only items this closet samples from."""
        usable = np.zeros(len(self.items) + 1, dtype=bool)
        for pool in self.slot.values():
            usable[pool] = True
        usable[-1] = True  # the empty piece
        ok = usable[rows].all(1)
        return ok & (rows[:, OUTER] >= 0) if self.outer_required else ok

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n random valid outfits as rows of item indices (see COLUMNS)."""
        rows = np.full((n, len(COLUMNS)), -1, dtype=np.int64)
        if self.missing():
            return rows[:0]
        tops, bottoms, dresses = self.slot["top"], self.slot["bottom"], self.slot["one-piece"]
        separates = len(tops) * len(bottoms)
        # Separates and one-pieces in proportion to how many of each the closet allows, neither below 20%.
        share = 0.0 if not len(dresses) else 1.0 if not separates else float(
            np.clip(len(dresses) / (len(dresses) + np.sqrt(separates)), 0.2, 0.8))
        one_piece = rng.random(n) < share
        k = int(one_piece.sum())
        if k:
            rows[one_piece, MAIN] = rng.choice(dresses, k)
        if n - k:
            rows[~one_piece, MAIN] = rng.choice(tops, n - k)
            rows[~one_piece, BOTTOM] = rng.choice(bottoms, n - k)
        rows[:, FOOTWEAR] = rng.choice(self.slot["footwear"], n)
        for column, slot in OPTIONAL:
            if len(self.slot[slot]):
                carry = rng.random(n) < (1.0 if column == OUTER and self.outer_required else OPTIONAL_SHARE)
                rows[carry, column] = rng.choice(self.slot[slot], int(carry.sum()))
        return rows

    def neighbours(self, row: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
        """n outfits that differ from `row` in one piece: swapped, or an optional piece added or dropped."""
        out = np.repeat(row[None, :], n, axis=0)
        is_one_piece = row[BOTTOM] < 0
        choices = [(MAIN, "one-piece" if is_one_piece else "top"), (FOOTWEAR, "footwear"),
                   *OPTIONAL] + ([] if is_one_piece else [(BOTTOM, "bottom")])
        choices = [(c, s) for c, s in choices if len(self.slot[s])]
        picked = rng.integers(len(choices), size=n)
        dropped = rng.random(n) < 0.3
        for k, (column, slot) in enumerate(choices):
            chosen = picked == k
            if column in (OUTER, BAG, ACCESSORY) and row[column] >= 0:
                out[chosen & dropped, column] = -1
                chosen &= ~dropped
            out[chosen, column] = rng.choice(self.slot[slot], int(chosen.sum()))
        return out

    def key(self, row: np.ndarray) -> str:
        """The outfit's identity: its item ids, sorted."""
        return "-".join(str(i) for i in sorted(int(self.ids[j]) for j in row if j >= 0))

    def identities(self, rows: np.ndarray) -> list[bytes]:
        """What key() says of each row, compact and computed at once (for telling thousands of rows apart)."""
        ids = np.sort(np.where(rows >= 0, self.ids[rows], -1), axis=1)
        return [r.tobytes() for r in ids]

    @staticmethod
    def identity(key: str) -> bytes:
        """The identity of the outfit whose key() this is."""
        ids = sorted(int(i) for i in key.split("-") if i)
        return np.array([-1] * (len(COLUMNS) - len(ids)) + ids, dtype=np.int64).tobytes()

    def item_ids(self, row: np.ndarray) -> list[int]:
        return [int(self.ids[j]) for j in row if j >= 0]

    def row_for(self, item_ids: list[int]) -> np.ndarray | None:
        """The row of an outfit given by item ids, or None if one of them is no longer wearable."""
        position = self.position
        row = np.full(len(COLUMNS), -1, dtype=np.int64)
        for item_id in item_ids:
            if item_id not in position:
                return None
            index = position[item_id]
            slot = self.items[index].slot
            column = _COLUMN_OF_SLOT.get(slot)
            if column is None:
                return None
            row[column] = index
        return row
