"""Whose clothes: an owner gives items to another person or shares them with the household."""

from __future__ import annotations

from wardrobe.config import check_user_name
from wardrobe.domain import Item
from wardrobe.services.inventory import NotFound, Wardrobe, storable
from wardrobe.store.taste import TasteStore


class NotYours(LookupError):
    """An item that belongs to someone else: only its owner gives or shares it."""


class StillOwns(ValueError):
    """A user who cannot be removed yet: they own items (give or share them first)."""


def give(wardrobe: Wardrobe, item_ids: list[int], to: str | None, by: str, new_user: bool = False) -> list[Item]:
    """Give items to the user `to`, or share them with the household (`to` None), acting as the user `by`.

    Shared items and `by`'s own can be given; one that belongs to someone else is refused, and then nothing
    changes. `to` must be a user already (a typo must not make one) unless `new_user`. Returns the items as they
    are now.
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
    if to is not None and not new_user and TasteStore(wardrobe.inventory.sessions).user_id(check_user_name(to),
                                                                                          create=False) is None:
        raise NotFound(f"no user named {to}: `wardrobe users` lists them; --new-user gives to a new one; "
                       "nothing was changed")
    owner_id = wardrobe.user_id(check_user_name(to)) if to is not None else None
    return wardrobe.inventory.set_owner(ids, owner_id)


def remove_user(wardrobe: Wardrobe, name: str) -> None:
    """Remove a user with their ratings, wears, taste model and paired devices; refused while they own items."""
    taste = TasteStore(wardrobe.inventory.sessions)
    user_id = taste.user_id(check_user_name(name), create=False)
    if user_id is None:
        raise NotFound(f"no user named {name}: `wardrobe users` lists them")
    owned = [item.id for item in wardrobe.items(user=name) if item.owner == name]
    if owned:
        raise StillOwns(f"{name} owns {len(owned)} item{'s' if len(owned) != 1 else ''} ({', '.join(map(str, owned[:5]))}"
                        f"{'...' if len(owned) > 5 else ''}): give them to someone or share them first "
                        f"(`wardrobe --user {name} share ID...`); nothing was removed")
    taste.remove_user(user_id)
