"""Where the pieces of an outfit go: in slot order, on the grid that shows their photos largest."""

from __future__ import annotations

import math

from wardrobe.domain import slot_of

# Head to toe: a hat, the outer layer, the top (or a one-piece), what covers the legs, shoes; then what is carried.
SLOT_ORDER = ("accessory", "outer", "top", "one-piece", "bottom", "footwear", "bag")
PHOTO_ASPECT = 3 / 4  # width over height of a typical garment photo
TEXT_LINES = 3  # lines under each photo: category and id, then colours on two
CARD_FRAME = (2, 2)  # columns and lines a card's border takes around its photo and caption


def by_slot(items: list) -> list:
    """The items head to toe (hat, outer layer, top or one-piece, bottom, footwear), then the bag; stable within a slot."""
    return sorted(items, key=lambda item: SLOT_ORDER.index(slot_of(item.label)))


def best_columns(count: int, width: int, height: int, gap: int = 1, aspect: float = PHOTO_ASPECT) -> int:
    """How many columns make `count` photos largest in a width x height cell area (half blocks: 2 pixels a cell)."""
    if count <= 1:
        return 1
    best, best_score = count, (-1.0, 0)
    for columns in range(count, 0, -1):
        rows = math.ceil(count / columns)
        cell_w = (width - gap * (columns - 1)) / columns - CARD_FRAME[0]
        cell_h = height / rows - TEXT_LINES - CARD_FRAME[1]
        if cell_w < 1 or cell_h < 1:
            continue
        size = min(cell_w, 2 * cell_h * aspect)  # the photo's width in pixels once it fits its cell
        # Half a cell is no difference to the eye: then fewer empty cells (3 + 3 rather than 5 + 1), then fewer rows.
        score = (round(size * 2) / 2, -(rows * columns - count))
        if score > best_score:
            best, best_score = columns, score
    return best
