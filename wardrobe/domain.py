"""Plain data shared by every layer: the closet's categories, their outfit slots, items and predictions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

CATEGORIES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
    # What real closets hold and Fashion-MNIST lacks; numbers from 10 on, so stored labels 0-9 keep their meaning.
    "Shorts",
    "Skirt",
    "Hat",
)
FMNIST_CLASSES = 10  # the paper's network knows the first ten categories, Fashion-MNIST's classes

SLOTS: dict[int, str] = {
    0: "top",
    1: "bottom",
    2: "top",
    3: "one-piece",
    4: "outer",
    5: "footwear",
    6: "top",
    7: "footwear",
    8: "bag",
    9: "footwear",
    10: "bottom",
    11: "bottom",
    12: "accessory",
}
SLOT_NAMES = ("top", "bottom", "one-piece", "outer", "footwear", "bag", "accessory")

# Named garment colours (sRGB); vision names each item's dominant colours with these, outfits reason about them.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 20),
    "white": (240, 240, 240),
    "grey": (128, 128, 128),
    "navy": (30, 40, 90),
    "blue": (50, 100, 200),
    "light blue": (150, 190, 230),
    "red": (200, 30, 40),
    "pink": (235, 150, 180),
    "orange": (240, 130, 30),
    "yellow": (240, 220, 60),
    "green": (50, 140, 60),
    "olive": (110, 110, 50),
    "brown": (110, 70, 40),
    "beige": (215, 195, 160),
    "purple": (120, 60, 150),
}
NEUTRALS = frozenset({"black", "white", "grey", "navy", "beige"})

# A garment's attributes beyond its category (the names a person uses: "navy striped shirt", "black denim jeans").
ATTRIBUTES = ("kind", "pattern", "material", "colour")
PATTERNS = ("solid", "striped", "checked", "dotted", "floral", "printed")
MATERIALS = ("denim", "leather", "knit", "other")
_TOPS, _FEET = (0, 2, 6), (5, 7, 9)
# Finer garment types, each with the categories it can be (a kind never contradicts the item's category).
KINDS: dict[str, tuple[int, ...]] = {
    "t-shirt": _TOPS, "polo": _TOPS, "tank top": _TOPS, "long-sleeve top": _TOPS, "shirt": _TOPS, "blouse": _TOPS,
    "bodysuit": _TOPS, "sweater": _TOPS, "hoodie": _TOPS, "sweatshirt": _TOPS,
    "jacket": (4,), "blazer": (4,), "coat": (4,),
    "jeans": (1,), "trousers": (1,), "leggings": (1,), "shorts": (10,), "skirt": (11,), "dress": (3,),
    "sneaker": _FEET, "boot": _FEET, "sandal": _FEET, "shoe": _FEET, "hat": (12,),
}
ATTRIBUTE_VALUES: dict[str, tuple[str, ...]] = {
    "kind": tuple(KINDS), "pattern": PATTERNS, "material": MATERIALS, "colour": tuple(PALETTE),
}
_PATTERN_WORDS = {"striped": "striped", "checked": "checked", "dotted": "polka-dot", "floral": "floral",
                  "printed": "printed"}
_NOUNS = {0: "top", 1: "trousers", 2: "pullover", 3: "dress", 4: "coat", 5: "sandals", 6: "shirt", 7: "sneakers",
          8: "bag", 9: "ankle boots", 10: "shorts", 11: "skirt", 12: "hat"}


def clean_attributes(values) -> dict[str, str]:
    """Only known attributes with allowed values (a database row or an archive may hold anything)."""
    if not isinstance(values, dict):
        return {}
    return {a: v for a, v in values.items() if a in ATTRIBUTE_VALUES and v in ATTRIBUTE_VALUES[a]}


def kind_fits(kind: str, label: int) -> bool:
    """Whether a garment of this category can be of this kind."""
    return label in KINDS.get(kind, ())


class UnknownAttribute(ValueError):
    """A value that is not one of an attribute's names; str() lists them."""


# Words people use for the names above.
_ATTRIBUTE_ALIASES = {
    "plaid": "checked", "tartan": "checked", "check": "checked", "checks": "checked", "gingham": "checked",
    "stripe": "striped", "stripes": "striped", "dots": "dotted", "polka-dot": "dotted", "spotted": "dotted",
    "flowers": "floral", "flowery": "floral", "print": "printed", "graphic": "printed", "plain": "solid",
    "jean": "jeans", "tee": "t-shirt", "tshirt": "t-shirt", "trainer": "sneaker", "trainers": "sneaker",
    "cardigan": "sweater", "jumper": "sweater", "pullover": "sweater", "cap": "hat", "gray": "grey",
    "knitted": "knit", "suede": "leather", "pants": "trousers", "heels": "shoe",
}


def parse_attribute(attribute: str, text: str) -> str:
    """A user's spelling of an attribute value ('Navy', 'tank-top', 'plaid') -> its name; UnknownAttribute if none."""
    names = ATTRIBUTE_VALUES[attribute]
    wanted = _slug(text)
    wanted = _slug(_ATTRIBUTE_ALIASES.get(wanted, wanted))
    for name in names:
        if _slug(name) in (wanted, wanted.rstrip("s")) or _slug(name).rstrip("s") == wanted:
            return name
    raise UnknownAttribute(f"{text!r} is not a {attribute}; choose one of: {', '.join(names)}")


def item_name(label: int, kind: str | None = None, pattern: str | None = None, material: str | None = None,
              colour: str | None = None) -> str:
    """What a person calls the piece: 'navy striped shirt', 'black denim jeans', 'yellow jacket'."""
    words = [colour] if colour else []
    if pattern in _PATTERN_WORDS:
        words.append(_PATTERN_WORDS[pattern])
    if material in ("denim", "leather") or (material == "knit" and kind not in ("sweater",)):
        words.append(material)
    words.append(kind if kind and kind_fits(kind, label) else _NOUNS[label])
    return " ".join(words)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# Every spelling a user may type: "t-shirt", "T-shirt/top", "tshirt", "ankle boot", "ankle-boot", "3"...
_ALIASES: dict[str, int] = {}
for _index, _name in enumerate(CATEGORIES):
    _ALIASES[_slug(_name)] = _index
    _ALIASES[_slug(_name).replace("-", "")] = _index
    _ALIASES[str(_index)] = _index
_ALIASES.update({"t-shirt": 0, "tshirt": 0, "top": 0, "trousers": 1, "pants": 1, "jeans": 1, "hoodie": 2, "jacket": 4,
                 "boot": 9, "boots": 9, "handbag": 8, "short": 10, "skirts": 11, "cap": 12, "hats": 12})


class UnknownCategory(ValueError):
    """A category name or number that is not one of the closet's categories."""


def parse_category(text: str) -> int:
    """Return the category number for a name (any case, '-' or ' ') or a number (0-12)."""
    stripped = text.strip()
    if re.fullmatch(r"[+-]?\d+", stripped):
        if stripped.isdigit() and int(stripped) < len(CATEGORIES):
            return int(stripped)
    else:
        key = _slug(stripped)
        for candidate in (key, key.replace("-", "")):
            if candidate in _ALIASES:
                return _ALIASES[candidate]
    choices = ", ".join(f"{i} {category_slug(i)}" for i in range(len(CATEGORIES)))
    raise UnknownCategory(f"unknown category {text!r}; use a name or number: {choices}")


def slot_of(label: int) -> str:
    """The outfit slot of a category number (top, bottom, one-piece, outer, footwear, bag, accessory)."""
    return SLOTS[label]


def category_slug(label: int) -> str:
    """Short lowercase name of a class, as users type it (e.g. 'ankle-boot')."""
    return _slug(CATEGORIES[label]).replace("t-shirt-top", "t-shirt")


# Calibrated on held-out closet photos (see the README): a photo is "unsure" when its category's probability is
# under UNSURE_BELOW, or when the probability of its outfit slot (all categories of that slot together) is under
# SLOT_SURE, so that a sure answer rarely puts a piece in the wrong slot of an outfit.
UNSURE_BELOW = 0.4
SLOT_SURE = 0.85


def slot_confidence(probabilities) -> float:
    """The probability that the piece belongs to the slot of its most probable category."""
    top = max(range(len(probabilities)), key=probabilities.__getitem__)
    return float(sum(p for i, p in enumerate(probabilities) if SLOTS[i] == SLOTS[top]))


def is_unsure(probabilities) -> bool:
    """Not confident of the category, or of the outfit slot: the item deserves a look."""
    return bool(max(probabilities) < UNSURE_BELOW or slot_confidence(probabilities) < SLOT_SURE)


def describe(probabilities) -> str:
    """'Coat' when sure, 'unsure: Pullover 41% / Coat 38%' when not."""
    order = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])
    if not is_unsure(probabilities):
        return CATEGORIES[order[0]]
    return "unsure: " + " / ".join(f"{CATEGORIES[i]} {probabilities[i]:.0%}" for i in order[:2])


@dataclass(frozen=True)
class Prediction:
    """What the classifier said about one image."""

    probabilities: tuple[float, ...]
    embedding: tuple[float, ...] | None = None

    @property
    def label(self) -> int:
        return max(range(len(self.probabilities)), key=self.probabilities.__getitem__)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        order = sorted(range(len(self.probabilities)), key=lambda i: -self.probabilities[i])
        return [(i, self.probabilities[i]) for i in order[:k]]

    @property
    def unsure(self) -> bool:
        return is_unsure(self.probabilities)


@dataclass
class Item:
    """One garment in the inventory."""

    id: int
    sha256: str
    original_name: str
    added_at: datetime
    predicted_label: int
    probabilities: list[float]
    conversion_version: str
    model_version: str
    user_label: int | None = None
    colours: list[str] = field(default_factory=list)
    photo_path: str = ""
    thumbnail_path: str = ""
    state: str = "active"
    owner: str | None = None  # the user it belongs to; None: shared by the household
    warmth: int | None = None  # 0 (for the heat) to 3 (for the cold) as the user said; None: the default
    attributes: dict[str, str] = field(default_factory=dict)  # what the heads read (unknown ones absent)
    user_attributes: dict[str, str] = field(default_factory=dict)  # what the user tagged: wins over the heads

    def attribute(self, name: str) -> str | None:
        return self.user_attributes.get(name) or self.attributes.get(name)

    @property
    def kind(self) -> str | None:
        kind = self.attribute("kind")
        return kind if kind and kind_fits(kind, self.label) else None

    @property
    def pattern(self) -> str | None:
        return self.attribute("pattern")

    @property
    def material(self) -> str | None:
        return self.attribute("material")

    @property
    def main_colour(self) -> str | None:
        """The colour a person names the piece by; the first dominant colour where no head has read it."""
        if self.attribute("colour"):
            return self.attribute("colour")
        # Read before there were attribute heads: the most common colour of its mask is all there is.
        return self.colours[0] if self.colours and not self.attributes else None

    @property
    def name(self) -> str:
        return item_name(self.label, self.kind, self.pattern, self.material, self.main_colour)

    @property
    def label(self) -> int:
        """The user's label wins over the prediction."""
        return self.user_label if self.user_label is not None else self.predicted_label

    @property
    def category(self) -> str:
        return CATEGORIES[self.label]

    @property
    def confidence(self) -> float:
        return self.probabilities[self.predicted_label]

    @property
    def unsure(self) -> bool:
        """Flagged for review: the prediction is unsure and the user has not labelled it."""
        return self.user_label is None and is_unsure(self.probabilities)
