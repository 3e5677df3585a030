"""`wardrobe doctor`: check the home, inventory, library, model and taste models; repair what can be repaired."""

from __future__ import annotations

import os
from dataclasses import dataclass

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
        count = len(wardrobe.items())
    except StoreError as exc:
        return Finding("inventory", False, str(exc))
    return Finding("inventory", True, f"{wardrobe.inventory.where}: intact, {count} items")


def _library(wardrobe: Wardrobe, repair: bool) -> list[Finding]:
    items = wardrobe.inventory.list()
    outside = sorted(i for i, rel in wardrobe.inventory.stored_paths().items()
                     if not safe_relative(rel) or not wardrobe.library.is_inside(rel))
    missing = sorted(item.id for item in items if item.id not in outside
                     and not (wardrobe.library.home / item.photo_path).is_file())
    findings = [
        Finding("stored paths", not outside, "every photo path lies inside the library" if not outside else
                f"items {', '.join(map(str, outside))} name files outside the library (refused; `wardrobe remove` "
                "them)"),
        Finding("photos", not missing, "every item's photo is there" if not missing else
                f"photos of items {', '.join(map(str, missing))} are missing; `wardrobe remove` them or add them again"),
    ]
    swept = wardrobe.library.sweep_temporary() if repair else 0
    leftovers = [p for folder in (wardrobe.library.photos, wardrobe.library.thumbnails) if folder.is_dir()
                 for p in folder.glob("*/.*.tmp")]
    findings.append(Finding("temporary files", not leftovers, f"removed {swept}" if swept else
                            (f"{len(leftovers)} left by an interrupted add (`--repair` removes them)" if leftovers
                             else "none left behind"), repaired=bool(swept)))
    known = {r for item in items for r in (item.photo_path, item.thumbnail_path)}
    orphans = [p for folder in (wardrobe.library.photos, wardrobe.library.thumbnails) if folder.is_dir()
               for p in folder.glob("*/*") if p.is_file() and not p.name.startswith(".")
               and str(p.relative_to(wardrobe.library.home)) not in known]
    removed = 0
    if repair:
        import time

        for p in orphans:
            if p.stat().st_mtime < time.time() - STALE_SECONDS:  # younger ones may belong to a running add
                p.unlink(missing_ok=True)
                removed += 1
    findings.append(Finding("library files", not orphans or removed == len(orphans),
                            f"removed {removed} files no item refers to" if removed else
                            (f"{len(orphans)} files no item refers to (`--repair` removes them)" if orphans
                             else "every file belongs to an item"), repaired=bool(removed)))
    return findings


def _model(wardrobe: Wardrobe) -> Finding:
    from wardrobe.vision.card import ModelError, verified_artifact

    try:
        _, card = verified_artifact(wardrobe.model_dir, "litert")
        for kind in card["artifacts"]:
            verified_artifact(wardrobe.model_dir, kind)
    except ModelError as exc:
        return Finding("model", False, str(exc))
    return Finding("model", True, f"{wardrobe.model_dir}: every file matches its card")


def _taste(wardrobe: Wardrobe, repair: bool) -> list[Finding]:
    from wardrobe.services.stylist import Stylist, TasteDamaged, all_users

    findings = []
    for user in all_users(wardrobe):
        stylist = Stylist(wardrobe, user["name"])
        try:
            stylist.model()
            findings.append(Finding(f"taste of {user['name']}", True, f"{user['ratings']} ratings"))
        except TasteDamaged as exc:
            if repair:
                stylist.retrain()
                findings.append(Finding(f"taste of {user['name']}", True, "rebuilt from the stored ratings",
                                        repaired=True))
            else:
                findings.append(Finding(f"taste of {user['name']}", False, str(exc)))
    return findings


def examine(wardrobe: Wardrobe, repair: bool = False) -> list[Finding]:
    """Every check in turn; with repair, fix what can be fixed without losing anything a user made."""
    findings = [_home(wardrobe)]
    if not findings[0].ok and "is a file" in findings[0].detail:
        return findings
    inventory = _inventory(wardrobe)
    findings.append(inventory)
    if inventory.ok:
        findings += _library(wardrobe, repair and not getattr(wardrobe.inventory, "read_only", False))
        findings += _taste(wardrobe, repair)
    findings.append(_model(wardrobe))
    return findings
