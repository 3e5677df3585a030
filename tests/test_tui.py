"""The terminal UI driven like a user: keys pressed with Textual's Pilot, the database checked, screens snapshotted."""

import shutil
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from wardrobe.store.repository import Inventory, NewItem
from wardrobe.tui.app import make_app

CLOSET = [(0, "red"), (0, "white"), (6, "blue"), (1, "navy"), (1, "black"), (3, "pink"),
          (7, "white"), (9, "brown"), (4, "beige"), (8, "black")]


@pytest.fixture
def home(private_home):
    """An inventory of ten labelled items with real thumbnail files (no network or model needed)."""
    inventory = Inventory(private_home / "inventory.sqlite3")
    rng = np.random.default_rng(0)
    new = []
    for n, (label, colour) in enumerate(CLOSET, start=1):
        thumb = f"thumbnails/{n:02d}/{n:064x}.jpg"
        (private_home / thumb).parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (60, 80), (230, 230, 230))
        image.paste({"red": (200, 30, 40), "white": (250, 250, 250), "blue": (50, 100, 200), "navy": (30, 40, 90),
                     "black": (20, 20, 20), "pink": (235, 150, 180), "brown": (110, 70, 40),
                     "beige": (215, 195, 160)}[colour], (15, 15, 45, 65))
        image.save(private_home / thumb)
        probabilities = [0.02] * 10
        probabilities[label] = 0.82 if n != 3 else 0.3
        new.append(NewItem(sha256=f"{n:064x}", photo_file=thumb, thumbnail_file=thumb, original_name=f"item{n}.jpg",
                           predicted_label=label, probabilities=probabilities, conversion_version="v",
                           model_version="m", embedding=rng.standard_normal(2048).astype(np.float32).tobytes(),
                           colours=[colour]))
    inventory.add_items(new)
    inventory.close()
    return private_home


def db(home):
    return sqlite3.connect(home / "inventory.sqlite3")


async def settle(pilot, app):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_like_dislike_skip_and_wear_reach_the_database(home):
    app = make_app(home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        first = app.screen.current
        assert first is not None and len(first.items) >= 3
        await pilot.press("l")
        second = app.screen.current
        assert second is not None and second.id != first.id  # the next proposal appears at once
        await pilot.press("d")
        await pilot.press("s")
        await pilot.press("w")
        await settle(pilot, app)
        worn = [item.id for item in app.screen.current.items]
    ratings = db(home).execute("SELECT outfit_id, value FROM ratings ORDER BY id").fetchall()
    assert ratings == [(first.id, 1), (second.id, -1)]
    assert sorted(r[0] for r in db(home).execute("SELECT item_id FROM wears")) == sorted(worn)


async def test_closet_laundry_relabel_and_delete(home):
    app = make_app(home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("L")  # the first item goes to the laundry
        await pilot.press("down", "r")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # relabel the second item as Dress (3)
        await pilot.pause()
        await pilot.press("down", "delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    con = db(home)
    assert con.execute("SELECT state FROM items WHERE id = 1").fetchone() == ("laundry",)
    assert con.execute("SELECT user_label FROM items WHERE id = 2").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM items WHERE id = 3").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM items").fetchone() == (9,)


async def test_delete_can_be_cancelled(home):
    app = make_app(home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
    assert db(home).execute("SELECT count(*) FROM items").fetchone() == (10,)


async def test_switching_user(home):
    app = make_app(home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"alice", "enter")
        await settle(pilot, app)
        assert app.stylist.user == "alice"
        await pilot.press("l")
        await settle(pilot, app)
    rows = db(home).execute("SELECT users.name FROM ratings JOIN users ON users.id = ratings.user_id").fetchall()
    assert rows == [("alice",)]


def test_outfit_screen_snapshot(home, snap_compare):
    async def ready(pilot):
        await settle(pilot, pilot.app)
    assert snap_compare(make_app(home, seed=7), terminal_size=(80, 24), run_before=ready)


def test_closet_screen_snapshot(home, snap_compare):
    assert snap_compare(make_app(home, seed=7), press=["c"], terminal_size=(80, 24))


def test_stats_screen_snapshot(home, snap_compare):
    assert snap_compare(make_app(home, seed=7), press=["h"], terminal_size=(80, 24))


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_runs_in_a_real_terminal(home, tmp_path):
    """`wardrobe tui` in tmux at 80x24: the outfit screen and its key help appear, and q quits."""
    session = f"wardrobe-test-{int(time.time() * 1000)}"
    command = f"{sys.executable} -m wardrobe --home {home} tui"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        screen = ""
        for _ in range(100):
            time.sleep(0.2)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                    text=True).stdout
            if "Outfit " in screen and "Dislike" in screen:
                break
        (tmp_path / "screen.txt").write_text(screen)
        assert "you'll like it" in screen and "Dislike" in screen, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        for _ in range(50):
            time.sleep(0.1)
            if subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode != 0:
                break
        else:
            pytest.fail("q did not quit the app")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


async def test_retrain_runs_in_a_worker_and_rebuilds_the_model(home):
    app = make_app(home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("l", "d")
        await settle(pilot, app)
        db(home).execute("DELETE FROM preference_models").connection.commit()
        await pilot.press("R")
        await settle(pilot, app)
    params = db(home).execute("SELECT params FROM preference_models").fetchone()
    assert params is not None and '"ratings": 2' in params[0]


async def test_an_empty_closet_says_what_is_missing(private_home):
    app = make_app(private_home, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        title = str(app.screen.query_one("#outfit-title").render())
        assert "no footwear" in title and "wardrobe add" in title
        assert not app.screen.fetching
