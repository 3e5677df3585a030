"""The terminal UI driven like a user: keys pressed with Textual's Pilot, the database checked, screens snapshotted."""

import sys
import time

import pytest
from tui_support import db, settle

from wardrobe.settings import Settings
from wardrobe.tui.app import make_app


async def test_like_dislike_skip_and_wear_reach_the_database(home):
    app = make_app(Settings.resolve(home=home), seed=1)
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
    app = make_app(Settings.resolve(home=home), seed=1)
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
    assert con.execute("SELECT count(*) FROM items").fetchone() == (11,)


async def test_delete_can_be_cancelled(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
    assert db(home).execute("SELECT count(*) FROM items").fetchone() == (12,)


async def test_switching_user(home):
    app = make_app(Settings.resolve(home=home), seed=1)
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


def test_runs_in_a_real_terminal(home, tmp_path, tmux):
    """`wardrobe tui` in tmux at 80x24: outfits and keys appear, a user switch from the closet works, q quits."""
    session = f"wardrobe-test-{int(time.time() * 1000)}"
    command = f"{sys.executable} -m wardrobe --home {home} tui"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)

    def keys(*sent: str) -> None:
        tmux("send-keys", "-t", session, *sent)

    def shows(*wanted: str, tries: int = 100) -> str:
        screen = ""
        for _ in range(tries):
            time.sleep(0.2)
            screen = tmux("capture-pane", "-p", "-t", session, check=False).stdout
            if all(w in screen for w in wanted):
                break
        (tmp_path / "screen.txt").write_text(screen)
        return screen

    try:
        screen = shows("you'll like it", "Dislike", "q Quit")
        assert "you'll like it" in screen and "Dislike" in screen and "q Quit" in screen, screen
        keys("c")
        screen = shows("Relabel", "item1.jpg")
        assert "Relabel" in screen, screen
        keys("u")
        shows("Switch to user")
        keys("bob", "Enter")
        screen = shows("user: bob")
        assert "user: bob" in screen and "Relabel" in screen, screen  # the closet, for bob: no crash (issue 12)
        keys("q")
        for _ in range(50):
            time.sleep(0.1)
            if tmux("has-session", "-t", session, check=False).returncode != 0:
                break
        else:
            pytest.fail("q did not quit the app")
    finally:
        tmux("kill-session", "-t", session, check=False)


async def test_retrain_runs_in_a_worker_and_rebuilds_the_model(home):
    """R rebuilds the taste in a thread of its own: while it runs (held here), keys still move the outfits on."""
    import threading

    app = make_app(Settings.resolve(home=home), seed=1)
    started, release, threads = threading.Event(), threading.Event(), []
    retrain = app.stylist.retrain

    def held():
        threads.append(threading.current_thread())
        started.set()
        assert release.wait(30), "the test never let the retrain finish"
        return retrain()

    app.stylist.retrain = held
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("l", "d")
        await settle(pilot, app)
        db(home).execute("DELETE FROM preference_models").connection.commit()
        await pilot.press("R")
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.05)
        assert started.is_set()
        shown = app.screen.current.id
        await pilot.press("s")  # the app answers while the retrain is still running
        await pilot.pause()
        assert app.screen.current.id != shown and not release.is_set()
        release.set()
        await settle(pilot, app)
        notices = [n.message for n in app._notifications]
    assert threads and threads[0] is not threading.main_thread()
    assert notices[-2:] == ["rebuilding default's taste from all ratings...", "taste rebuilt from 2 ratings (1 liked)"]
    params = db(home).execute("SELECT params FROM preference_models").fetchone()
    assert params is not None and '"ratings": 2' in params[0]


async def test_an_empty_closet_says_what_is_missing(private_home):
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        title = str(app.screen.query_one("#outfit-title").render())
        assert "no footwear" in title and "wardrobe add" in title
        assert not app.screen.fetching


async def test_each_outfit_shows_its_own_pieces_whether_cards_are_reused_or_not(home):
    """The next outfit redraws the cards in place where it has as many pieces; never a stale or extra piece."""
    from wardrobe.tui.layout import by_slot
    from wardrobe.tui.outfits_screen import PieceCard
    from wardrobe.tui.photo import Photo

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen, reused, counts = app.screen, 0, set()
        for _ in range(12):
            before = {id(card) for card in screen.query(PieceCard)}
            await pilot.press("s")
            await settle(pilot, app)
            shown = [card for card in screen.query(PieceCard) if card.display]
            items = by_slot(screen.current.items)
            counts.add(len(items))
            assert [card.item.id for card in shown] == [item.id for item in items]
            for card, item in zip(shown, items):
                assert card.query_one(Photo).path == app.wardrobe.thumbnail_file(item)
                assert item.name in str(card.query_one(".category").render())
            reused += {id(card) for card in shown} <= before
    assert reused >= 6  # most presses redraw the cards they had
    assert len(counts) >= 2  # and outfits of different sizes came and went


async def test_a_card_not_composed_yet_is_replaced_not_a_crash(home):
    """A key pressed just after cards were mounted meets cards without their photo yet: no error reaches the user."""
    from wardrobe.tui.layout import by_slot
    from wardrobe.tui.outfits_screen import PieceCard

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        bare = [card for card in screen.query(PieceCard) if card.display][0]
        await bare.query_one(".photo").remove()  # as between mounting a card and composing it
        screen.remember_photo_size(screen.shown_count)
        items = by_slot(screen.current.items)
        assert bare.show(items[0], app.wardrobe.thumbnail_file(items[0])) is False
        await pilot.press("s")
        await settle(pilot, app)
        shown = [card for card in screen.query(PieceCard) if card.display]
        assert [card.item.id for card in shown] == [item.id for item in by_slot(screen.current.items)]
        assert all(card.query(".photo") for card in shown)


def test_half_blocks_draw_each_pixel_pair_in_its_cell(tmp_path):
    from PIL import Image

    from wardrobe.tui.photo import half_blocks

    # A 2x4 photo (scaled 1:1 into 2 columns x 2 lines): red over green, blue over white; black over black, etc.
    image = Image.new("RGB", (2, 4))
    pixels = [[(255, 0, 0), (0, 0, 255)], [(0, 255, 0), (255, 255, 255)], [(0, 0, 0), (8, 8, 8)], [(0, 0, 0), (8, 8, 8)]]
    for y, row in enumerate(pixels):
        for x, value in enumerate(row):
            image.putpixel((x, y), value)
    image.save(tmp_path / "p.png")
    lines = half_blocks(tmp_path / "p.png", 2, 2)
    cells = [[(s.text, s.style.color.triplet, s.style.bgcolor.triplet) for s in line] for line in lines]
    assert cells[0] == [("▀", (248, 0, 0), (0, 248, 0)), ("▀", (0, 0, 248), (248, 248, 248))]
    assert cells[1] == [("▀", (0, 0, 0), (0, 0, 0)), ("▀", (8, 8, 8), (8, 8, 8))]
    wide = half_blocks(tmp_path / "p.png", 6, 2)  # room to spare: centred, blank cells either side, runs merged
    assert [s.text for s in wide[1]] == ["  ", "▀", "▀", "  "]


@pytest.mark.slow  # six seconds of Pilot
async def test_closet_retire_and_the_kind_and_state_filters(home):
    """x retires the item under the cursor (and x again brings it back); f steps through the categories, v through
    the states: each shows exactly the items that match, and says so."""
    from tui_support import CLOSET

    from wardrobe.domain import CATEGORIES

    def state(item_id):
        return db(home).execute("SELECT state FROM items WHERE id = ?", (item_id,)).fetchone()[0]

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        await pilot.press("x")
        await pilot.pause()
        assert state(1) == "retired" and screen.selected().id == 1 and screen.selected().state == "retired"
        await pilot.press("x")
        await pilot.pause()
        assert state(1) == "active"
        await pilot.press("down", "down", "L", "down", "x")  # item 3 to the laundry, item 4 retired
        await pilot.pause()
        assert (state(3), state(4)) == ("laundry", "retired")
        assert [n.message for n in app._notifications if n.severity == "error"] == []

        for label in (0, 3, 9, len(CATEGORIES) - 1):  # f picks a category (the picker's first line is every one)
            await pilot.press("f", "home", *["down"] * (label + 1), "enter")
            await pilot.pause()
            wanted = {n for n, (category, _, _) in enumerate(CLOSET, start=1) if category == label}
            assert set(screen.items) == wanted, label
            assert f"{len(wanted)} items: {CATEGORIES[label]}, any state" in str(
                screen.query_one("#closet-filter").render())
        await pilot.press("f", "home", "enter")  # and back to every category
        await pilot.pause()
        assert set(screen.items) == set(range(1, 13))

        for wanted, name in (({1, 2, 5, 6, 7, 8, 9, 10, 11, 12}, "active"), ({3}, "laundry"), ({4}, "retired"),
                             (set(range(1, 13)), "any state")):
            await pilot.press("v")
            await pilot.pause()
            assert set(screen.items) == wanted, name
            assert f"{len(wanted)} items: every category, {name}" in str(screen.query_one("#closet-filter").render())
        await pilot.press("f", "home", "down", "enter", "v", "v", "v")  # T-shirts (1 and 2, active) that are retired
        await pilot.pause()
        assert screen.items == {} and "No item matches these filters" in str(
            screen.query_one("#closet-empty").render())


async def test_the_outfit_screen_shows_the_forecast_it_used_and_offers_occasions(home, forecast_server):
    from wardrobe.tui.outfits_screen import OutfitScreen

    settings = Settings.resolve(home=home).replace(location=(52.52, 13.41), forecast_url=forecast_server.url)
    forecast_server.default = (3.0, -1.0, 4.0, 0.0, 10.0)  # 1 °C and rain
    app = make_app(settings, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        day = str(app.screen.query_one("#outfit-day").render())
        assert day.startswith("1 °C, rain (forecast)") and app.screen.query_one("#outfit-day").display
        assert app.screen.current.weather.temperature == 1.0
        await pilot.press("O")
        await pilot.pause()
        await pilot.press(*"work", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, OutfitScreen) and app.screen.current.occasion == "work"
        assert "1 °C, rain (forecast) · work" in str(app.screen.query_one("#outfit-day").render())
        await pilot.press("l")
        await pilot.press("O")
        await pilot.pause()
        assert "used before: work" in str(app.screen.query(".hint").first().render())
        await pilot.press("escape")
    rated = db(home).execute("SELECT o.occasion, json_extract(o.weather, '$.temperature') FROM ratings r "
                             "JOIN outfits o ON o.id = r.outfit_id").fetchall()
    assert rated == [("work", 1.0)]
    assert len(forecast_server.requests) == 1

