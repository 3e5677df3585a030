"""Whose clothes: an owner gives items to another person or shares them with the household."""

from __future__ import annotations

from wardrobe.config import check_user_name
from wardrobe.domain import Item
from wardrobe.services.inventory import NotFound, Wardrobe, storable


class NotYours(LookupError):
    """An item that belongs to someone else: only its owner gives or shares it."""


def give(wardrobe: Wardrobe, item_ids: list[int], to: str | None, by: str) -> list[Item]:
    """Give items to the user `to`, or share them with the household (`to` None), acting as the user `by`.

    Shared items and `by`'s own can be given; one that belongs to someone else is refused, and then nothing
    changes. Returns the items as they are now.
    """
    by = check_user_name(by)
    ids = list(dict.fromkeys(item_ids))
    found = wardrobe.inventory.by_ids(storable(ids))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no item with id {', '.join(map(str, missing))}; `wardrobe list` shows the ids")
    others = [i for i in ids if found[i].owner not in (None, by)]
    if others:
        owner = found[others[0]].owner
        raise NotYours(f"item {others[0]} belongs to {owner}: only they can give or share it "
                       f"(`wardrobe --user {owner} ...`); nothing was changed")
    owner_id = wardrobe.user_id(check_user_name(to)) if to is not None else None
    return wardrobe.inventory.set_owner(ids, owner_id)
