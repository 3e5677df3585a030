"""`wardrobe doctor`: check the home, inventory, library, model and taste models; repair what can be repaired."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from wardrobe.files import sha256_regular
from wardrobe.services.inventory import Wardrobe
from wardrobe.store.errors import StoreError
from wardrobe.store.library import STALE_SECONDS, safe_relative


@dataclass
class Finding:
    """One check: what was looked at, whether it is fine, what is wrong or was done."""

    check: str
    ok: bool
    detail: str
    repaired: bool = False


def _home(wardrobe: Wardrobe) -> Finding:
    home = wardrobe.home
    if home.exists() and not home.is_dir():
        return Finding("home", False, f"{home} is a file, not a folder: point --home at a folder")
    if home.is_dir() and not os.access(home, os.W_OK):
        return Finding("home", False, f"{home} is read-only: reading commands work, changes do not")
    return Finding("home", True, str(home))


def _inventory(wardrobe: Wardrobe) -> Finding:
    from wardrobe.store.database import check_file

    try:
        if wardrobe.database is None:
            check_file(wardrobe.home / "inventory.sqlite3")
        missing = wardrobe.inventory.missing_schema()
        if missing:
            return Finding("inventory", False, f"{wardrobe.inventory.where} is damaged: it lacks {', '.join(missing)}; "
                                               "restore a copy of it, or move it aside and add your photos again")
        count = len(wardrobe.items())
    except StoreError as exc:
        return Finding("inventory", False, str(exc))
    return Finding("inventory", True, f"{wardrobe.inventory.where}: intact, {count} items")


def _changed(wardrobe: Wardrobe, item) -> bool:
    """Whether an item's photo file no longer holds what was added (replaced, damaged, or not a regular file)."""
    try:
        return sha256_regular(wardrobe.library.home / item.photo_path) != item.sha256
    except OSError:
        return True


def _library(wardrobe: Wardrobe, repair: bool) -> list[Finding]:
    items = wardrobe.inventory.list()
    outside = sorted(i for i, rel in wardrobe.inventory.stored_paths().items()
                     if not safe_relative(rel) or not wardrobe.library.is_inside(rel))
    missing = sorted(item.id for item in items if item.id not in outside
                     and not (wardrobe.library.home / item.photo_path).is_file())
    changed = sorted(item.id for item in items if item.id not in outside and item.id not in missing
                     and _changed(wardrobe, item))
    findings = [
        Finding("stored paths", not outside, "every photo path lies inside the library" if not outside else
                f"items {', '.join(map(str, outside))} name files outside the library (refused; `wardrobe remove` "
                "them)"),
        Finding("photos", not missing and not changed, "every item's photo is there, as it was added"
                if not missing and not changed else "; ".join(
                    ([f"photos of items {', '.join(map(str, missing))} are missing"] if missing else [])
                    + ([f"photos of items {', '.join(map(str, changed))} are not what was added (replaced or damaged)"]
                       if changed else [])) + "; `wardrobe remove` them and add them again"),
    ]
    with wardrobe.library.unclaimed() as unclaimed:
        # While no add or import runs (none can start meanwhile), every leftover is one; else only old ones are.
        findings += _leftovers(wardrobe, items, repair, 0 if unclaimed else STALE_SECONDS)
    return findings


def _leftovers(wardrobe: Wardrobe, items, repair: bool, older_than: float) -> list[Finding]:
    folders = [folder for folder in (wardrobe.library.photos, wardrobe.library.thumbnails) if folder.is_dir()]
    swept = wardrobe.library.sweep_temporary(older_than) if repair else 0
    leftovers = [p for folder in folders for p in folder.glob("*/.*.tmp")]
    findings = [Finding("temporary files", not leftovers, f"removed {swept}" if swept and not leftovers else
                        (f"{len(leftovers)} left by an interrupted add or import" + _why_left(repair, "removes them")
                         if leftovers else "none left behind"), repaired=bool(swept))]
    known = {r for item in items for r in (item.photo_path, item.thumbnail_path)}
    orphans = [p for folder in folders for p in folder.glob("*/*") if p.is_file() and not p.name.startswith(".")
               and str(p.relative_to(wardrobe.library.home)) not in known]
    removed = 0
    if repair:
        for p in orphans:
            try:
                if p.stat().st_mtime < time.time() - older_than:
                    p.unlink(missing_ok=True)
                    removed += 1
            except OSError:
                pass
    left = len(orphans) - removed
    findings.append(Finding("library files", not left, f"removed {removed} files no item refers to"
                            + (f"; {left} left" + _why_left(repair, "") if left else "") if removed else
                            (f"{left} files no item refers to" + _why_left(repair, "removes them") if left
                             else "every file belongs to an item"), repaired=bool(removed)))
    return findings


def _why_left(repair: bool, what: str) -> str:
    if not repair:
        return f" (`--repair` {what})"
    return (f": younger than {STALE_SECONDS // 60} minutes while an add or import is running, they may be its own; "
            "run `wardrobe doctor --repair` again once it has finished")


def _models(wardrobe: Wardrobe) -> list[Finding]:
    """Both networks: every file against its card (the paper's training weights may be absent: only training
    reads them, and a wheel leaves them out), then both loaded as `add` loads them."""
    from wardrobe.vision.card import ModelError, verified_artifact

    findings = []
    for name, folder, network in (("model", wardrobe.model_dir, "paper"), ("photo model", wardrobe.photo_model_dir, "photo")):
        try:
            _, card = verified_artifact(folder, "litert", network)
            absent = [kind for kind, entry in card["artifacts"].items()
                      if kind == "weights" and not (folder / entry["file"]).exists()]
            for kind in card["artifacts"]:
                if kind not in absent:
                    verified_artifact(folder, kind, network)
        except ModelError as exc:
            findings.append(Finding(name, False, str(exc)))
            continue
        note = " (its training weights are not installed: only training reads them)" if absent else ""
        findings.append(Finding(name, True, f"{folder}: every file matches its card{note}"))
    if all(f.ok for f in findings):
        try:
            size = wardrobe.classifier.photo_size  # both LiteRT networks and the photo head, loaded as add loads them
            findings.append(Finding("networks", True, f"both load; the photo network reads {size}x{size} photos"))
        except ModelError as exc:
            findings.append(Finding("networks", False, str(exc)))
    return findings


def _taste(wardrobe: Wardrobe, repair: bool) -> list[Finding]:
    from wardrobe.services.stylist import Stylist, all_users

    findings = []
    for user in all_users(wardrobe):
        stylist = Stylist(wardrobe, user["name"])
        problem = stylist.taste_problem()
        if problem is None:
            findings.append(Finding(f"taste of {user['name']}", True, f"{user['ratings']} ratings"))
        elif repair:
            stylist.retrain()
            findings.append(Finding(f"taste of {user['name']}", True, f"rebuilt from the stored ratings ({problem})",
                                    repaired=True))
        else:
            findings.append(Finding(f"taste of {user['name']}", False, f"{problem}: its learned taste is not used; "
                                    f"`wardrobe doctor --repair` or `wardrobe retrain --user {user['name']}` rebuilds "
                                    "it from the stored ratings"))
    return findings


def _attributes(wardrobe: Wardrobe, repair: bool) -> Finding:
    """Items whose kind, pattern, material and colour were never read (added before the attribute heads)."""
    from wardrobe.services.attribute_tags import reread_attributes
    from wardrobe.vision.card import ModelError

    try:
        if wardrobe.classifier.attribute_heads is None:
            return Finding("attributes", True, "no attribute heads ship with this photo network")
    except ModelError:
        return Finding("attributes", True, "not read: the model check below says why")
    unread = [item for item, _, blob in wardrobe.inventory.attribute_inputs() if not blob]
    if not unread:
        return Finding("attributes", True, "every item's attributes were read")
    if repair:
        read = reread_attributes(wardrobe, read_missing=True)
        return Finding("attributes", True, f"read the attributes of {len(unread)} items from their photos "
                       f"({read} items read again in all)", repaired=True)
    return Finding("attributes", False, f"{len(unread)} items have no kind, pattern, material or colour yet "
                   "(`--repair` reads them from their photos)")


def _checked(name: str, check, *args) -> list[Finding]:
    """A check's findings; a store error met while checking (a damaged table) is itself the finding."""
    try:
        found = check(*args)
    except StoreError as exc:
        return [Finding(name, False, str(exc))]
    return found if isinstance(found, list) else [found]


def examine(wardrobe: Wardrobe, repair: bool = False) -> list[Finding]:
    """Every check in turn; with repair, fix what can be fixed without losing anything a user made."""
    findings = [_home(wardrobe)]
    if not findings[0].ok and "is a file" in findings[0].detail:
        return findings
    inventory = _inventory(wardrobe)
    findings.append(inventory)
    if inventory.ok:
        findings += _checked("library", _library, wardrobe, repair and not getattr(wardrobe.inventory, "read_only", False))
        findings += _checked("taste", _taste, wardrobe, repair)
        writable = repair and not getattr(wardrobe.inventory, "read_only", False)
        findings += _checked("attributes", _attributes, wardrobe, writable)
    findings += _models(wardrobe)
    return findings
