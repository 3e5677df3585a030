"""What a piece is beyond its category: `wardrobe tag`, names everywhere, `list` by attribute, --json fields."""

import json

import pytest
from conftest import run_cli

from wardrobe.domain import ATTRIBUTE_VALUES
from wardrobe.services import Wardrobe
from wardrobe.store.repository import Inventory


def read_by_heads(home, item_id: int, **attributes) -> None:
    """Store what the attribute heads would have read for an item (as intake does at add time)."""
    from wardrobe.store.tables import ItemRow

    inventory = Inventory(home / "inventory.sqlite3")
    with inventory.sessions.begin() as s:
        s.get(ItemRow, item_id).attributes = attributes
    inventory.close()


def test_tag_sets_clears_and_wins_over_what_the_heads_read(home):
    read_by_heads(home, 3, pattern="solid", colour="blue")
    result = run_cli("tag", "3", "--pattern", "Check", "--colour", "navy")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "item 3 is now the navy checked shirt (your tags: pattern checked, colour navy)"
    result = run_cli("tag", "3", "--kind", "polo", "--clear", "colour", "--json")
    [record] = json.loads(result.stdout)
    assert (record["id"], record["kind"], record["pattern"], record["colour"], record["name"]) == \
        (3, "polo", "checked", "blue", "blue checked polo")  # the heads' colour is back
    assert run_cli("tag", "3", "--clear", "all").stdout.strip() == "item 3 is now the blue shirt (no tags of yours)"
    item = Wardrobe(home).item(3)
    assert (item.user_attributes, item.attributes) == ({}, {"pattern": "solid", "colour": "blue"})


@pytest.mark.parametrize("args,message", [
    (["--pattern", "zebra"], "'zebra' is not a pattern; choose one of: solid, striped, checked, dotted, floral, "
                             "printed"),
    (["--colour", "teal"], "'teal' is not a colour; choose one of: black, white, grey, navy"),
    (["--kind", "jeans"], "'jeans' is not a kind of Shirt; choose one of: t-shirt, polo, tank top"),
    (["--clear", "texture"], "'texture' is not an attribute; choose one of: kind, pattern, material, colour"),
    (["--kind", "polo", "--clear", "kind"], "--kind and --clear kind together"),
    ([], "nothing to tag: give --kind, --pattern, --material, --colour or --warmth"),
])
def test_a_bad_tag_is_one_line_exit_2_and_changes_nothing(home, args, message):
    result = run_cli("tag", "3", *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert Wardrobe(home).item(3).user_attributes == {}


def test_tagging_an_unknown_item_is_exit_3_and_json_says_so(home):
    result = run_cli("tag", "99", "--pattern", "solid", "--json")
    assert result.returncode == 3 and json.loads(result.stdout) == {
        "error": "no item with id 99; `wardrobe list` shows the ids", "exit": 3}
    assert run_cli("tag", "9", "--kind", "polo").returncode == 2  # a bag has no kinds


def test_tag_help_lists_every_allowed_value():
    text = " ".join(run_cli("tag", "--help").stdout.split())
    for attribute, names in ATTRIBUTE_VALUES.items():
        assert ", ".join(names) in text, attribute


def test_the_why_line_names_the_pieces_a_learnt_colour_pair_is_about():
    import numpy as np

    from wardrobe.outfits.compose import Closet, ClosetItem
    from wardrobe.outfits.explain import Liked, why
    from wardrobe.outfits.features import ItemTable, outfit_features
    from wardrobe.outfits.preference import PreferenceModel

    look = np.random.default_rng(0).standard_normal((3, 2048)).astype(np.float32)
    shirt = ClosetItem(1, 6, ("navy", "white"), look[0], pattern="striped", colour="navy")
    jeans = ClosetItem(2, 1, ("white",), look[1], kind="jeans", material="denim", colour="white")
    closet = Closet([shirt, jeans, ClosetItem(3, 7, ("black",), look[2])])
    model = PreferenceModel()
    model.ratings, model.coef[:] = 30, 0.0
    model.coef[[n.startswith("pair:") and "navy" in n and "white" in n for n in model.names]] = 3.0
    liked = Liked(np.where([n.startswith("pair:") for n in model.names], 4, 0))
    features = outfit_features(ItemTable(closet), np.array([[0, 1, 2, -1, -1, -1]]))[0]
    line = why(model, features, closet.items, liked, np.zeros_like(features))
    assert line == "the navy striped shirt goes with the white denim jeans, liked 4 times", line
    line = why(model, features, [jeans, shirt], liked, np.zeros_like(features))
    assert line.startswith("the white denim jeans go with the navy striped shirt"), line


def test_list_filters_on_what_a_piece_is_and_combines_with_the_other_filters(home):
    read_by_heads(home, 4, kind="jeans", material="denim")  # the heads read item 4 (navy trousers) as denim jeans
    read_by_heads(home, 5, kind="jeans", pattern="solid")
    run_cli("tag", "5", "--kind", "trousers")  # the user knows better
    run_cli("tag", "3", "--pattern", "striped", "--colour", "navy")
    run_cli("laundry", "4")

    def ids(*args):
        result = run_cli("list", *args, "--json")
        assert result.returncode == 0, result.stderr
        return [record["id"] for record in json.loads(result.stdout)]

    assert ids("--kind", "jeans") == [4]
    assert ids("--kind", "jeans", "--state", "active") == []
    assert ids("--material", "Denim", "--category", "trouser") == [4]
    assert ids("--colour", "navy") == [3]  # the user's; item 4's heads read no colour: it has none
    assert ids("--colour", "black") == [10, 12]  # read by no head: the first dominant colour
    assert ids("--colour", "navy", "--pattern", "striped") == [3]
    assert ids("--pattern", "striped", "--unsure") == [3]
    assert ids("--color", "gray") == []
    text = run_cli("list", "--colour", "navy")
    assert [line.split()[0] for line in text.stdout.splitlines()[1:]] == ["3"]
    assert "navy striped shirt" in text.stdout and "name" in text.stdout
    nothing = run_cli("list", "--pattern", "floral", "--colour", "red")
    assert nothing.returncode == 0 and "no red floral items in the inventory" in nothing.stderr
    bad = run_cli("list", "--pattern", "zebra")
    assert bad.returncode == 2 and "choose one of: solid, striped" in bad.stderr


def test_show_suggest_and_plan_name_the_pieces(home, march_4):
    run_cli("tag", "4", "--kind", "jeans", "--material", "denim", "--colour", "navy")
    shown = run_cli("show", "4").stdout
    assert shown.startswith("item 4: the navy denim jeans, Trouser\n"), shown
    assert "  attributes  kind jeans (yours), pattern ?, material denim (yours), colour navy (yours)\n" in shown.replace(
        "  (`wardrobe tag` corrects them)", "")
    names = {item.id: item.name for item in Wardrobe(home).items()}
    outfits = run_cli("suggest", "--n", "3")
    assert outfits.returncode == 0, outfits.stderr
    pieces = [line for line in outfits.stdout.splitlines() if line.startswith("    ")]
    assert pieces and all(f" {names[int(line.split()[0])]} " in line for line in pieces), outfits.stdout
    [record] = json.loads(run_cli("suggest", "--n", "1", "--json").stdout)
    assert all(piece["name"] == names[piece["id"]] for piece in record["items"])
    plan = run_cli("plan", "tomorrow", "--json")
    assert all(piece["name"] == names[piece["id"]] for piece in json.loads(plan.stdout)[0]["items"])


async def test_the_item_view_tags_by_keyboard_and_shows_the_new_name(home):
    from textual.widgets import Select
    from tui_support import screen_text, settle

    from wardrobe.settings import Settings
    from wardrobe.tui.app import make_app
    from wardrobe.tui.dialogs import PickAttributes
    from wardrobe.tui.photo_screen import PhotoScreen

    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("c", "down", "down", "enter")  # item 3, the blue shirt the heads read as checked
        await settle(pilot, app)
        assert isinstance(app.screen, PhotoScreen) and "blue checked shirt" in screen_text(app)
        await pilot.press("t")
        await settle(pilot, app)
        assert isinstance(app.screen, PickAttributes) and "checked (as read)" in screen_text(app)
        assert "blue (as read)" in screen_text(app) and "? (as read)" in screen_text(app)  # no kind read
        kinds = app.screen.query_one("#attribute-kind", Select)
        offered = [value for _, value in kinds._options]
        assert kinds.has_focus and "polo" in offered and "jeans" not in offered  # only the kinds of a shirt
        await pilot.press("tab", "enter", "down", "down", "enter")  # pattern: past "as read" and solid: striped
        await pilot.press("tab", "tab", "enter", *["down"] * 4, "enter")  # colour: black, white, grey, navy
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, PhotoScreen)
        text = screen_text(app)
        assert "navy striped shirt" in text and "pattern:  striped*" in text and "colour:   navy*" in text, text
    assert Wardrobe(home).item(3).user_attributes == {"pattern": "striped", "colour": "navy"}


async def test_the_closet_finds_by_what_a_piece_is_and_tags_the_selected_one(home):
    from textual.widgets import DataTable, Select
    from tui_support import screen_text, settle

    from wardrobe.settings import Settings
    from wardrobe.tui.app import make_app
    from wardrobe.tui.dialogs import PickAttributes

    run_cli("tag", "5", "--colour", "navy")
    app = make_app(Settings.resolve(home=home), seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("c", "slash")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, PickAttributes)
        dialog.query_one("#attribute-colour", Select).value = "navy"
        await pilot.click("#attributes-save")
        await settle(pilot, app)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(r) for r in range(table.row_count)]
        assert [row[0] for row in rows] == ["4", "5"] and str(rows[0][-1]) == "navy denim jeans"
        assert "2 items: every category, any state, navy" in screen_text(app)
        await pilot.press("down", "T")  # tag item 5 from the closet: its pattern, and the colour back as read
        await settle(pilot, app)
        app.screen.query_one("#attribute-pattern", Select).value = "checked"
        app.screen.query_one("#attribute-colour", Select).clear()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert [table.get_row_at(r)[0] for r in range(table.row_count)] == ["4"]  # item 5 is black again
        await pilot.press("slash", "escape")  # esc keeps the filter
        await settle(pilot, app)
        assert table.row_count == 1
        await pilot.press("slash")
        await settle(pilot, app)
        app.screen.query_one("#attribute-colour", Select).clear()
        app.screen.query_one("#attribute-pattern", Select).value = "checked"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert [table.get_row_at(r)[0] for r in range(table.row_count)] == ["3", "5"]
        assert str(table.get_row_at(1)[-1]) == "black checked trousers"
    assert Wardrobe(home).item(5).user_attributes == {"pattern": "checked"}
