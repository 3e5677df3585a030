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
    (["--pattern", "stripes"], "'stripes' is not a pattern; choose one of: solid, striped, checked, dotted, floral, "
                               "printed"),
    (["--colour", "teal"], "'teal' is not a colour; choose one of: black, white, grey, navy"),
    (["--kind", "jeans"], "'jeans' is not a kind of Shirt; choose one of: t-shirt, polo, tank top"),
    (["--clear", "texture"], "'texture' is not an attribute; choose one of: kind, pattern, material, colour"),
    (["--kind", "polo", "--clear", "kind"], "--kind and --clear kind together"),
    ([], "nothing to tag: give --kind, --pattern, --material or --colour"),
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
