"""Keys that choose a category: letters a-m in the review, numbers 0-12 (as `wardrobe relabel` takes) in the dialog."""

from __future__ import annotations

from wardrobe.domain import CATEGORIES

CATEGORY_LETTERS = "abcdefghijklm"  # one letter per category, in category order


def category_from_digits(typed: str) -> tuple[int | None, bool]:
    """The category typed so far as digits, and whether no longer number could follow (choose it at once).

    "3" is Dress at once; "1" could still become 10-12, so it is Trouser only once enter confirms it.
    """
    if not typed.isdigit() or int(typed) >= len(CATEGORIES) or (len(typed) > 1 and typed[0] == "0"):
        return None, True
    number = int(typed)
    longer = any(str(n).startswith(typed) and n != number for n in range(len(CATEGORIES)))
    return number, not longer
