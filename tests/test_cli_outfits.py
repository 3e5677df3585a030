"""Outfit commands end to end on a real SQLite inventory: suggest, rate, wear, laundry, users, retrain."""

import json
import sqlite3

import pytest
from conftest import run_cli, stock_closet

CLOSET = {0: 3, 1: 2, 3: 1, 4: 1, 7: 2, 8: 1}  # label: how many


@pytest.fixture
def stocked(private_home):
    return stock_closet(private_home, CLOSET)


def suggest(*extra):
    result = run_cli(*extra, "suggest", "--n", "4", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_suggest_rate_and_learn(stocked, private_home):
    outfits = suggest()
    assert len(outfits) == 4
    assert all(isinstance(o["why"], str) and o["why"] for o in outfits)
    for outfit in outfits:
        categories = [i["category"] for i in outfit["items"]]
        assert sum(c in ("Sneaker",) for c in categories) == 1
        assert ("Dress" in categories) != ("T-shirt/top" in categories and "Trouser" in categories)
    assert run_cli("rate", str(outfits[0]["id"]), "like").returncode == 0
    assert run_cli("rate", str(outfits[1]["id"]), "dislike").returncode == 0
    con = sqlite3.connect(private_home / "inventory.sqlite3")
    assert con.execute("SELECT value FROM ratings ORDER BY id").fetchall() == [(1,), (-1,)]
    params = json.loads(con.execute("SELECT params FROM preference_models").fetchone()[0])
    assert params["ratings"] == 2 and any(params["coef"])
    # What was just shown is not shown again.
    shown = {tuple(sorted(i["id"] for i in o["items"])) for o in outfits}
    again = {tuple(sorted(i["id"] for i in o["items"])) for o in suggest()}
    assert not shown & again
    text = run_cli("suggest", "--n", "2")
    assert text.returncode == 0 and text.stdout.count("  why: ") == 2, text.stdout


def test_laundry_and_retired_items_are_never_proposed(stocked):
    dress = next(i for i, item in stocked.items() if item.predicted_label == 3)
    bag = next(i for i, item in stocked.items() if item.predicted_label == 8)
    assert run_cli("laundry", str(dress)).returncode == 0
    assert run_cli("retire", str(bag)).returncode == 0
    for _ in range(3):
        for outfit in suggest():
            assert not {dress, bag} & {i["id"] for i in outfit["items"]}
    assert run_cli("restore", str(dress)).returncode == 0
    assert json.loads(run_cli("show", str(dress), "--json").stdout)["state"] == "active"


def test_users_are_separate_and_retrain_rebuilds_them(stocked):
    mine = suggest()
    theirs = suggest("--user", "alice")
    assert run_cli("--user", "alice", "rate", str(theirs[0]["id"]), "like").returncode == 0
    refused = run_cli("rate", str(theirs[1]["id"]), "like")  # the default user cannot rate alice's outfit
    assert refused.returncode == 3 and "another user" in refused.stderr
    assert run_cli("rate", str(mine[0]["id"]), "dislike").returncode == 0
    assert run_cli("wear", *(str(i["id"]) for i in mine[0]["items"])).returncode == 0
    users = {u["name"]: u for u in json.loads(run_cli("users", "--json").stdout)}
    assert users["alice"]["likes"] == 1 and users["default"]["ratings"] == 1
    assert users["default"]["wears"] == len(mine[0]["items"])
    rebuilt = json.loads(run_cli("retrain", "--json").stdout)
    assert {r["user"]: r["ratings"] for r in rebuilt} == {"default": 1, "alice": 1}
    only = json.loads(run_cli("retrain", "--user", "alice", "--json").stdout)
    assert [r["user"] for r in only] == ["alice"]
    assert run_cli("retrain", "--user", "nobody").returncode == 3


def test_errors_have_their_exit_codes(stocked):
    assert run_cli("rate", "999", "like").returncode == 3
    assert run_cli("rate", "1", "meh").returncode == 2
    assert run_cli("wear", "999").returncode == 3
    footwear = [i for i, item in stocked.items() if item.predicted_label == 7]
    assert run_cli("retire", *map(str, footwear)).returncode == 0
    result = run_cli("suggest")
    assert result.returncode == 6 and "no footwear" in result.stderr
