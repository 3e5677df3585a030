"""The terminal UI's flows driven with Textual's Pilot: user switch everywhere, review, relabel keys, add, photo view."""

import json
import re

import pytest
from conftest import confident_head, garment_photo, run_cli
from tui_support import db, screen_text, settle

from wardrobe.domain import is_unsure
from wardrobe.settings import Settings
from wardrobe.tui.add_screen import AddPhotos
from wardrobe.tui.app import make_app
from wardrobe.tui.help_screen import HelpScreen
from wardrobe.tui.history_screen import HistoryScreen
from wardrobe.tui.outfits_screen import OutfitScreen
from wardrobe.tui.photo import Photo
from wardrobe.tui.photo_screen import PhotoScreen
from wardrobe.tui.review_screen import ReviewScreen

EVERY_SCREEN = {"outfits": [], "closet": ["c"], "history": ["h"], "stats": ["t"], "photo": ["c", "enter"],
                "review": ["e"], "help": ["question_mark"]}


async def go_to(pilot, app, where: str) -> None:
    await settle(pilot, app)
    await pilot.press(*EVERY_SCREEN[where])
    await settle(pilot, app)


def labels(home) -> dict[int, int | None]:
    return dict(db(home).execute("SELECT id, user_label FROM items"))


@pytest.mark.slow  # a Pilot run per case: the fast tier keeps one screen's worth elsewhere
@pytest.mark.parametrize("where", [name for name in EVERY_SCREEN if name != "help"])  # help is a modal dialog
async def test_switching_user_works_from_every_screen(rated_home, where):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, where)
        screen = app.screen
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"alice", "enter")
        await settle(pilot, app)
        assert app.is_running and app.stylist.user == "alice" and app.screen is screen
        assert [n.message for n in app._notifications] == ["now rating as alice"]
        if where in ("photo", "review"):  # these show one item and no top bar: the screen under them names the user
            assert "user: default" not in screen_text(app)
            await pilot.press("escape")
            await settle(pilot, app)
        assert "u user: alice" in screen_text(app) and "user: default" not in screen_text(app)
        if where == "history":
            assert "No history for alice" in screen_text(app)  # alice's (empty) history, not default's
        await pilot.press("o")
        await settle(pilot, app)
        assert isinstance(app.screen, OutfitScreen)
        assert "for alice" in screen_text(app)
        await pilot.press("l")
        await settle(pilot, app)
    rows = db(rated_home).execute("SELECT users.name FROM ratings JOIN users ON users.id = ratings.user_id "
                                  "WHERE users.name = 'alice'").fetchall()
    assert rows == [("alice",)]


async def test_the_closet_lists_the_users_own_and_the_shared_items(home):
    from wardrobe.services import Wardrobe
    from wardrobe.services.owners import give

    wardrobe = Wardrobe(home)
    give(wardrobe, [1, 2], "alice", by="alice", new_user=True)
    give(wardrobe, [4, 5], "bob", by="bob", new_user=True)
    wardrobe.close()
    shared = set(range(1, 13)) - {1, 2, 4, 5}
    app = make_app(Settings.resolve(home=home), user="alice", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "closet")
        assert set(app.screen.items) == {1, 2} | shared and "10 items" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"bob", "enter")
        await settle(pilot, app)
        assert set(app.screen.items) == {4, 5} | shared and "10 items" in screen_text(app)


async def test_review_keys_store_labels_as_relabel_does(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "e")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "2 unsure items left" in text and "#3 item3.jpg" in text
        assert all(name in text for name in ("Shorts", "Skirt", "Hat"))  # every category can be chosen
        await pilot.press("2")  # item 3: Shirt 35%, Pullover 30%, Coat 20% -> Pullover
        await pilot.pause()
        assert "1 unsure item left" in screen_text(app) and "#11 item11.jpg" in screen_text(app)
        await pilot.press("m")  # item 11: Hat, from the list of all categories
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)  # done: back where it was opened
    found = labels(home)
    assert found[3] == 2 and found[11] == 12
    assert sum(label is not None for label in found.values()) == 2


async def test_review_enter_accepts_the_first_and_space_leaves_it_for_later(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("space", "enter")
        await pilot.pause()
        # The end of the review says what was put off, not only what was labelled.
        assert "review done: 1 labelled, 1 left for later" in [n.message for n in app._notifications]
    found = labels(home)
    assert found[3] is None and found[11] == 11  # Skirt, its first candidate


async def test_review_with_nothing_unsure_says_so(home):
    con = db(home)
    con.execute("UPDATE items SET user_label = predicted_label")
    con.commit()
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "e")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        assert any("nothing to review" in n.message for n in app._notifications)


@pytest.mark.slow  # a Pilot run per case: the fast tier keeps one screen's worth elsewhere
@pytest.mark.parametrize("keys, label", [(["3"], 3), (["1", "2"], 12), (["1", "enter"], 1), (["1", "0"], 10),
                                         (["0"], 0)])
async def test_relabel_dialog_number_keys(home, keys, label):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "down", "r")
        await pilot.pause()
        text = screen_text(app)
        assert "Relabel #2 item2.jpg" in text and "12  Hat" in text
        assert app.screen.query_one("#relabel-photo", Photo).path is not None  # it shows the item
        await pilot.press(*keys)
        await pilot.pause()
    assert labels(home)[2] == label


async def test_enter_in_the_closet_opens_the_photo_with_its_predictions(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PhotoScreen)
        text = screen_text(app)
        assert "#3 item3.jpg" in text and "slot: top" in text and "unsure" in text
        assert "Shirt" in text and "Pullover" in text and "Coat" in text  # top 3
        photo = app.screen.query_one(Photo)
        assert photo.size.height >= 20 and photo.size.width >= 40  # as large as the terminal allows
        await pilot.press("r", "4")  # relabel from the photo view
        await pilot.pause()
        assert "Coat (your label)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PhotoScreen)
    assert labels(home)[3] == 4


async def test_photos_grow_with_the_terminal(home):
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        small = [p.size for p in app.screen.query(Photo)]
        await pilot.resize_terminal(160, 48)
        await settle(pilot, app)
        large = [p.size for p in app.screen.query(Photo)]
    assert small and len(large) == len(small)
    assert all(b.width > 1.5 * a.width and b.height > 1.5 * a.height for a, b in zip(small, large))


@pytest.mark.slow  # a Pilot run per case: the fast tier keeps one screen's worth elsewhere
@pytest.mark.parametrize("damage", ["missing", "corrupt"])
async def test_a_missing_or_corrupt_photo_is_a_grey_box(home, damage):
    [thumb] = home.glob("thumbnails/03/*.jpg")
    if damage == "missing":
        thumb.unlink()
    else:
        thumb.write_bytes(b"not a jpeg")
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "down", "down")
        await pilot.pause()
        assert "░░░░" in screen_text(app) and "#3 item3.jpg" in screen_text(app)  # the closet's side panel
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PhotoScreen) and "#3 item3.jpg" in screen_text(app)
        assert "░░░░" in screen_text(app)
        assert not [n.message for n in app._notifications if n.severity == "error"]
        await pilot.press("escape", "up")  # a photo that is there draws no grey box
        await pilot.pause()
        assert "#2 item2.jpg" in screen_text(app) and "░░░░" not in screen_text(app)


async def test_help_lists_every_key(home):
    from wardrobe.tui.app import WardrobeApp
    from wardrobe.tui.closet_screen import ClosetScreen

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for cls in (WardrobeApp, OutfitScreen, ClosetScreen, PhotoScreen, ReviewScreen, HistoryScreen):
            for binding in cls.BINDINGS:
                assert binding.description in text, binding.description
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.slow  # a Pilot run per case: the fast tier keeps one screen's worth elsewhere
@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@pytest.mark.parametrize("where", ["outfits", "closet", "history", "stats"])
async def test_footer_keeps_quit_and_help(rated_home, where, size):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=size) as pilot:
        await go_to(pilot, app, where)
        lines = screen_text(app).splitlines()
    assert "? Keys" in lines[-1] and "q Quit" in lines[-1]
    assert "o Outfits" in lines[0] and "a Add" in lines[0] and "e Review" in lines[0] and "user: default" in lines[0]


async def test_empty_closet_says_how_to_add(private_home):
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert "wardrobe add PATH" in screen_text(app) and "Press a" in screen_text(app)
        await pilot.press("c")
        await settle(pilot, app)
        assert "wardrobe add PATH" in screen_text(app) and "Press a" in screen_text(app)
        for key in ("enter", "r", "L", "x", "delete", "f", "escape", "h", "t", "e"):  # nothing to act on: no traceback
            await pilot.press(key)
            await settle(pilot, app)
        assert app.is_running
        notices = [(n.message, n.severity) for n in app._notifications]
    # DataScreen.read and .change turn any exception into an error notice: there must be none.
    assert notices == [("nothing to review: no item is unsure", "information")], notices
    rows = _rows(private_home)
    assert rows["items"] == rows["ratings"] == rows["wears"] == []


@pytest.mark.slow  # a Pilot run per case: the fast tier keeps one screen's worth elsewhere
@pytest.mark.parametrize("where", list(EVERY_SCREEN))
async def test_a_tiny_terminal_shows_what_fits(rated_home, where):
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    before = _rows(rated_home)
    async with app.run_test(size=(24, 8)) as pilot:
        await go_to(pilot, app, where)
        await pilot.resize_terminal(10, 4)
        await settle(pilot, app)
        assert app.is_running
        lines = screen_text(app).splitlines()
        errors = [n.message for n in app._notifications if n.severity == "error"]
    assert len(lines) == 4 and all(len(line) <= 10 for line in lines) and "".join(lines).strip(), lines
    assert errors == []  # DataScreen.read and .change turn any exception into an error notice: there must be none
    assert _rows(rated_home) == before


def _unsure_in_db(home) -> list[int]:
    return [i for i, label, probabilities in db(home).execute("SELECT id, user_label, probabilities FROM items")
            if label is None and is_unsure(json.loads(probabilities))]


@pytest.mark.parametrize("head", ["tiny", "confident"])
async def test_add_prompt_adds_photos_then_reviews_the_unsure_ones(private_home, use_tiny_model, tmp_path, monkeypatch,
                                                                  head):
    """The tiny model is unsure of every photo (about 0.12): the review opens on all three. A head that is sure of
    them: no review, back where the prompt was opened."""
    monkeypatch.chdir(tmp_path)  # a short relative path to type (each key press costs the pilot a frame)
    if head == "confident":
        confident_head(private_home)
    folder = tmp_path / "new photos"
    folder.mkdir()
    for n in range(3):
        garment_photo(folder / f"shirt{n}.jpg", colour=(40 * n, 60, 150))
    (folder / "broken.jpg").write_bytes(b"not a photo")
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddPhotos)
        await pilot.press(*"new", "tab")  # the folder's name is completed
        await pilot.pause()
        assert app.screen.query_one("#add-path").value == "new photos/"
        await pilot.press("enter")
        await settle(pilot, app)
        await settle(pilot, app)
        # broken.jpg could not be added: the dialog stays and names it with its reason, as the CLI does
        assert isinstance(app.screen, AddPhotos)
        failures = str(app.screen.query_one("#add-failures").render())
        assert "broken.jpg: not an image Wardrobe can read" in failures, failures
        await pilot.press("escape")
        await settle(pilot, app)
        notices = [n.message for n in app._notifications]
        if head == "tiny":
            assert _unsure_in_db(private_home) == [1, 2, 3]
            assert isinstance(app.screen, ReviewScreen) and app.screen.pending == [1, 2, 3]
            assert notices == ["added 3, already there 0, failed 1; 3 to review"]
        else:
            assert _unsure_in_db(private_home) == []
            assert isinstance(app.screen, OutfitScreen)
            assert notices == ["added 3, already there 0, failed 1"]
    assert db(private_home).execute("SELECT count(*) FROM items").fetchone() == (3,)


async def test_add_prompt_refuses_a_bad_path_and_stays_open(private_home):
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"/no/such/folder", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AddPhotos)
        assert "no such file or folder: /no/such/folder" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddPhotos)


async def test_add_prompt_says_when_the_model_is_missing(private_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARDROBE_MODEL", str(tmp_path / "no-model"))
    monkeypatch.setenv("WARDROBE_PHOTO_MODEL", str(tmp_path / "no-photo-model"))
    garment_photo(tmp_path / "shirt.jpg")
    app = make_app(Settings.resolve(home=private_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"shirt.jpg", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, AddPhotos)
        assert "not added:" in screen_text(app)
    assert json.loads(run_cli("list", "--json").stdout) == []  # nothing was added to the empty home
    assert not list(private_home.glob("photos/**/*.*")) and not list(private_home.glob("thumbnails/**/*.*"))


@pytest.mark.parametrize("how", ["tiny", "label", "confident"])
def test_cli_add_offers_the_review_when_photos_are_unsure(private_home, use_tiny_model, tmp_path, how):
    """The tiny model is unsure of every photo: add points to the review. With --label, or a head sure of every
    photo, nothing is unsure and add says nothing of a review."""
    for n in range(3):
        garment_photo(tmp_path / f"shirt{n}.jpg", colour=(60 * n, 60, 150))
    if how == "confident":
        confident_head(private_home)
    added = run_cli("add", *(["--label", "t-shirt"] if how == "label" else []), str(tmp_path))
    assert added.returncode == 0, added.stderr
    unsure = [item["id"] for item in json.loads(run_cli("list", "--unsure", "--json").stdout)]
    if how == "tiny":
        assert unsure == [1, 2, 3] and _unsure_in_db(private_home) == [1, 2, 3]
        assert "; 3 unsure: `wardrobe tui`, then e, reviews them" in added.stderr, added.stderr
    else:
        assert unsure == [] and _unsure_in_db(private_home) == []
        assert "added 3," in added.stderr and "unsure" not in added.stderr, added.stderr


async def test_acting_on_an_item_removed_meanwhile_is_a_notice(home):
    """Each key acts on the item under the cursor, which another terminal removed just before: a notice that names
    it, and nothing changed (the closet is read again after each refusal, so the cursor moves on: remove anew)."""
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        gone = []
        for keys in (["L"], ["x"], ["delete", "y"], ["r", "3"]):
            item = app.screen.selected().id
            con = db(home)
            con.execute("DELETE FROM items WHERE id = ?", (item,))  # another terminal removes it
            con.commit()
            gone.append(item)
            before = _rows(home)
            await pilot.press(*keys)
            await pilot.pause()
            assert _rows(home) == before, keys
        assert app.is_running
        notices = [(n.message, n.severity) for n in app._notifications]
    # Each refusal names the item that is gone; any other exception (an AttributeError...) would not.
    assert [message.split(":")[0] for message, _ in notices] == [
        "not set to laundry", "not set to retired", "not deleted", "not relabelled"], notices
    assert gone == [1, 2, 3, 4]
    for (message, severity), item in zip(notices, gone):
        assert re.search(rf": no item with id {item}\b", message) and severity == "error", message


def _rows(home) -> dict:
    """Every row of the tables a user's keys change."""
    con = db(home)
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("items", "ratings", "wears", "users")}


async def test_the_why_of_a_proposal_is_shown_under_its_title(rated_home):
    """With ratings, the stylist gives its own reasons (no patched ones): the line under the title is that one."""
    app = make_app(Settings.resolve(home=rated_home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        shown = []
        for _ in range(4):
            current = app.screen.current
            assert current.why or current.explore  # every proposal says why, or that it explores
            lines = screen_text(app).splitlines()
            assert lines[2].strip() == (current.why or "exploring")
            shown.append(current.why)
            await pilot.press("s")
            await settle(pilot, app)
    assert any(shown)  # a reason from the taste model, not only "exploring"
