"""Helpers for the terminal UI tests: a small closet without any model, a history with fixed times, screen text."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console

from wardrobe.domain import CATEGORIES
from wardrobe.store.repository import Inventory, NewItem

# (category, colour, probabilities the classifier gave when it was unsure: {category: probability})
CLOSET = [(0, "red", None), (0, "white", None), (6, "blue", {6: 0.35, 2: 0.3, 4: 0.2}), (1, "navy", None),
          (1, "black", None), (3, "pink", None), (7, "white", None), (9, "brown", None), (4, "beige", None),
          (8, "black", None), (11, "blue", {11: 0.38, 10: 0.3, 3: 0.2}), (12, "black", None)]
UNSURE_IDS = [3, 11]
# What the attribute heads read of some of them (item id: attributes); the others are read as nothing more.
READ = {1: {"kind": "t-shirt", "pattern": "printed", "colour": "red"}, 3: {"pattern": "checked", "colour": "blue"},
        4: {"kind": "jeans", "material": "denim", "colour": "navy"},
        8: {"kind": "boot", "material": "leather", "colour": "brown"}, 9: {"kind": "coat", "colour": "beige"}}
RGB = {"red": (200, 30, 40), "white": (250, 250, 250), "blue": (50, 100, 200), "navy": (30, 40, 90),
       "black": (20, 20, 20), "pink": (235, 150, 180), "brown": (110, 70, 40), "beige": (215, 195, 160)}


def make_closet(home: Path) -> Path:
    """An inventory of twelve items with real thumbnail files (no network or model needed); items 3 and 11 unsure;
    what the attribute heads read of five of them (READ)."""
    inventory = Inventory(home / "inventory.sqlite3")
    rng = np.random.default_rng(0)
    new = []
    for n, (label, colour, unsure) in enumerate(CLOSET, start=1):
        thumb = f"thumbnails/{n:02d}/{n:064x}.jpg"
        (home / thumb).parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (60, 80), (230, 230, 230))
        image.paste(RGB[colour], (15, 15, 45, 65))
        image.save(home / thumb)
        probabilities = [0.1 / (len(CATEGORIES) - 1)] * len(CATEGORIES)
        for category, p in (unsure or {label: 0.9}).items():
            probabilities[category] = p
        new.append(NewItem(sha256=f"{n:064x}", photo_file=thumb, thumbnail_file=thumb, original_name=f"item{n}.jpg",
                           predicted_label=label, probabilities=probabilities, conversion_version="v",
                           model_version="m", embedding=rng.standard_normal(2048).astype(np.float32).tobytes(),
                           colours=[colour], attributes=READ.get(n, {})))
    inventory.add_items(new)
    inventory.close()
    return home


def add_history(home: Path) -> None:
    """Twelve ratings, two wears and two plans of the default user, at fixed times (screenshots stay the same
    day after day)."""
    from wardrobe.services import Stylist, Wardrobe

    wardrobe = Wardrobe(home)
    stylist = Stylist(wardrobe, "default", seed=3)
    for n, proposal in enumerate(stylist.suggest(6) + stylist.suggest(6)):
        stylist.rate(proposal.id, n % 3 != 1)
    stylist.wear([1, 4, 7])
    stylist.wear([6, 8])
    wardrobe.close()
    con = db(home)
    con.execute("UPDATE ratings SET created_at = datetime('2026-03-01 08:00', '+' || id || ' hours')")
    con.execute("UPDATE wears SET worn_at = datetime('2026-03-02 09:00', '+' || (id > 3) || ' days')")
    con.commit()
    add_plans(home)


def add_plans(home: Path) -> None:
    """Two plans of the default user: 2026-03-05 (work, 8C rain) and 2026-03-07 (stored as `wardrobe plan` keeps them)."""
    from datetime import date

    from wardrobe.store.plans import PlanStore

    inventory = Inventory(home / "inventory.sqlite3")
    plans = PlanStore(inventory.sessions)
    plans.keep(1, date(2026, 3, 5), [2, 5, 7, 10], "work", "8C rain")
    plans.keep(1, date(2026, 3, 7), [6, 8, 9])
    inventory.close()


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "inventory.sqlite3")


async def settle(pilot, app) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
