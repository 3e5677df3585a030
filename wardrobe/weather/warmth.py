"""How warm each piece is (0 for the heat, 1 light, 2 warm, 3 for the cold) and whether it suits rain.

Defaults per category and, where an item has them (issue 21's attributes), per kind or knit material; the user's own
warmth (`wardrobe tag ID --warmth N`) wins over all. Rain-fitness is known only where it is clear: sandals and leather
shoes are not for rain.
"""

from __future__ import annotations

import re

from wardrobe.domain import CATEGORIES

WARMTH_LEVELS = range(4)
WARMTH_WORDS = ("for the heat", "light", "warm", "for the cold")
# By category number, in domain.CATEGORIES' order.
CATEGORY_WARMTH: dict[int, int] = {
    0: 1,  # T-shirt/top
    1: 1,  # Trouser
    2: 2,  # Pullover
    3: 1,  # Dress
    4: 3,  # Coat
    5: 0,  # Sandal
    6: 1,  # Shirt
    7: 1,  # Sneaker
    8: 1,  # Bag (the weather asks nothing of it)
    9: 2,  # Ankle boot
    10: 0,  # Shorts
    11: 1,  # Skirt
    12: 1,  # Hat
}
# By kind, the finer type within a category (domain.KINDS, as issue 21's heads and `tag --kind` name it); an item
# without a kind takes its category's.
KIND_WARMTH: dict[str, int] = {
    "t-shirt": 1, "polo": 1, "tank-top": 0, "long-sleeve-top": 1, "shirt": 1, "blouse": 1, "bodysuit": 1,
    "sweater": 2, "hoodie": 2, "sweatshirt": 2, "jacket": 2, "blazer": 1, "coat": 3,
    "jeans": 1, "trousers": 1, "leggings": 1, "shorts": 0, "skirt": 1, "dress": 1,
    "sneaker": 1, "boot": 2, "sandal": 0, "shoe": 1, "hat": 1,
}
KNIT_WARMTH = 2  # a knit of no known kind (a knitted dress, a top that is a jumper) is warm
NOT_FOR_RAIN_CATEGORIES = frozenset({5})  # Sandal
NOT_FOR_RAIN_KINDS = frozenset({"sandal"})
# Suede is not among issue 21's materials (denim, leather, knit); what it can say is "leather shoe": the loafers and
# dress shoes that suede and thin leather make, which rain spoils. Leather boots and sneakers are kept for rain.
NOT_FOR_RAIN_LEATHER_KINDS = frozenset({"shoe"})
NOT_FOR_RAIN_MATERIALS = frozenset({"suede"})  # should a later vocabulary name it
assert set(CATEGORY_WARMTH) == set(range(len(CATEGORIES)))


def kind_key(kind: str | None) -> str | None:
    """A kind as the tables name it: 'Tank top' and 'tank_top' are 'tank-top'; 'sandals' is 'sandal'."""
    if not kind:
        return None
    key = re.sub(r"[^a-z0-9]+", "-", str(kind).lower()).strip("-")
    if key not in KIND_WARMTH and key.endswith("s") and key[:-1] in KIND_WARMTH:
        key = key[:-1]
    return key



def default_warmth(label: int, kind: str | None = None, material: str | None = None) -> int:
    """The warmth a piece of this category (and kind, and material, where known) has unless its owner says otherwise."""
    key = kind_key(kind) or ""
    if key in KIND_WARMTH:
        return KIND_WARMTH[key]
    if (material or "").strip().lower() == "knit":
        return max(CATEGORY_WARMTH[label], KNIT_WARMTH)
    return CATEGORY_WARMTH[label]


def warmth_of(label: int, kind: str | None = None, override: int | None = None, material: str | None = None) -> int:
    return override if override in WARMTH_LEVELS else default_warmth(label, kind, material)


def rain_fit(label: int, kind: str | None = None, material: str | None = None) -> bool:
    """False where a piece is known not to suit rain (sandals, leather shoes, suede); True otherwise."""
    key, made_of = kind_key(kind), (material or "").strip().lower()
    if key in NOT_FOR_RAIN_KINDS or made_of in NOT_FOR_RAIN_MATERIALS:
        return False
    if made_of == "leather" and key in NOT_FOR_RAIN_LEATHER_KINDS:
        return False
    return not (label in NOT_FOR_RAIN_CATEGORIES and (key is None or key == "other"))
