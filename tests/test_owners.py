"""Whose clothes: items belong to one person or to the household; people see and are proposed their own and shared."""

import json

import pytest
from conftest import garment_photo, run_cli
from test_cli_outfits import stocked  # noqa: F401  (fixture)
from test_store import new_item

from wardrobe.store.repository import Inventory
from wardrobe.store.taste import TasteStore


def test_each_person_sees_their_own_and_the_shared_items(location):
    inventory = Inventory(**location)
    taste = TasteStore(inventory.sessions)
    alice, bob = taste.user_id("alice"), taste.user_id("bob")
    mine, theirs, ours = inventory.add_items([new_item("a" * 64, owner_id=alice), new_item("b" * 64, owner_id=bob),
                                              new_item("c" * 64)])
    assert (mine.owner, theirs.owner, ours.owner) == ("alice", "bob", None)
    assert [i.id for i in inventory.list(for_user="alice")] == [mine.id, ours.id]
    assert [i.id for i in inventory.list(for_user="zoe")] == [ours.id]  # nobody yet: only what is shared
    assert len(inventory.list()) == 3
    assert [w.id for w in taste.wearable(bob)] == [theirs.id, ours.id]
    assert [w.id for w in taste.wearable(None)] == [ours.id]
    [given] = inventory.set_owner([mine.id], bob)
    assert given.owner == "bob" and inventory.set_owner([mine.id], None)[0].owner is None


def test_proposals_use_only_what_the_person_may_wear(stocked, private_home):  # noqa: F811
    from wardrobe.services import Stylist, Wardrobe
    from wardrobe.services.owners import give

    service = Wardrobe()
    shoes = [i for i, item in stocked.items() if item.label == 7]
    give(service, shoes[:1], "alice", "default", new_user=True)  # one pair of sneakers is alice's: bob never gets it proposed
    for outfit in Stylist(service, "bob", seed=0).suggest(6):
        assert shoes[0] not in [item.id for item in outfit.items]
    assert any(shoes[0] in [item.id for item in o.items] for o in Stylist(service, "alice", seed=0).suggest(10))
    service.close()


def test_give_and_share_from_the_command_line(stocked):  # noqa: F811
    first = sorted(stocked)[0]
    typo = run_cli("give", str(first), "--to", "alice")  # nobody is called alice yet: a typo must not make a user
    assert typo.returncode == 3 and "no user named alice" in typo.stderr and "--new-user" in typo.stderr
    assert [u["name"] for u in json.loads(run_cli("users", "--json").stdout)] == ["default"]
    given = run_cli("give", str(first), "--to", "alice", "--new-user")
    assert given.returncode == 0 and "alice's" in given.stdout, given.stderr
    assert first not in [i["id"] for i in json.loads(run_cli("--user", "bob", "list", "--json").stdout)]
    assert [i["owner"] for i in json.loads(run_cli("--user", "alice", "list", "--json").stdout)][0] == "alice"
    refused = run_cli("--user", "bob", "give", str(first), "--to", "bob")
    assert refused.returncode == 3 and "belongs to alice" in refused.stderr
    assert run_cli("--user", "bob", "share", str(first)).returncode == 3
    assert run_cli("--user", "alice", "share", str(first)).returncode == 0
    assert first in [i["id"] for i in json.loads(run_cli("--user", "bob", "list", "--json").stdout)]
    assert run_cli("give", "999999", "--to", "alice").returncode == 3
    assert run_cli("give", str(first), "--to", "bad\x1bname").returncode == 2


def test_a_user_is_removed_only_once_they_own_nothing(stocked):  # noqa: F811
    first = sorted(stocked)[0]
    assert run_cli("give", str(first), "--to", "carol", "--new-user").returncode == 0
    refused = run_cli("users", "--remove", "carol")
    assert refused.returncode == 2 and "carol owns 1 item" in refused.stderr
    assert "carol" in [u["name"] for u in json.loads(run_cli("users", "--json").stdout)]
    assert run_cli("--user", "carol", "share", str(first)).returncode == 0
    removed = run_cli("users", "--remove", "carol", "--json")
    assert removed.returncode == 0 and "carol" not in [u["name"] for u in json.loads(removed.stdout)]
    assert run_cli("users", "--remove", "carol").returncode == 3


@pytest.mark.parametrize("argv, owner", [(["--user", "alice", "add"], "alice"), (["add", "--user", "alice"], "alice"),
                                         (["--user", "alice", "add", "--shared"], None), (["add"], None)])
def test_add_records_who_added_it(use_tiny_model, tmp_path, argv, owner):
    added = run_cli(*argv, str(garment_photo(tmp_path / "shirt.png")), "--json")
    assert added.returncode == 0, added.stderr
    [item] = json.loads(run_cli("list", "--json").stdout)
    assert item["owner"] == owner
