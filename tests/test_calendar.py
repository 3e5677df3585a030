"""The calendar on a real SQLite inventory: wear on earlier days, days as people write them."""

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from conftest import run_cli, stock_closet

from wardrobe.services.days import BadDate, coming_day, local_day, local_noon, parse_day, past_day

CLOSET = {0: 3, 1: 2, 3: 1, 4: 1, 7: 2, 8: 1}  # label: how many
TODAY = date.today()


@pytest.fixture
def stocked(private_home):
    return stock_closet(private_home, CLOSET)


def wears(home) -> list[tuple[int, str]]:
    con = sqlite3.connect(home / "inventory.sqlite3")
    return [(item, local_day(datetime.fromisoformat(when)).isoformat())
            for item, when in con.execute("SELECT item_id, worn_at FROM wears ORDER BY id")]


def test_days_as_people_write_them():
    wednesday = date(2026, 12, 2)
    assert parse_day("2026-12-01", wednesday, ahead=True) == date(2026, 12, 1)
    assert parse_day(" Tomorrow ", wednesday, ahead=False) == date(2026, 12, 3)
    assert parse_day("yesterday", wednesday, ahead=True) == date(2026, 12, 1)
    assert parse_day("friday", wednesday, ahead=True) == date(2026, 12, 4)
    assert parse_day("fri", wednesday, ahead=False) == date(2026, 11, 27)  # the last friday
    assert parse_day("wed", wednesday, ahead=True) == date(2026, 12, 9)  # planning "wednesday" on one: next week's
    assert parse_day("wednesday", wednesday, ahead=False) == wednesday  # logging it: today
    for bad in ("2026-13-01", "someday", "mo", "", "2026-02-30"):
        with pytest.raises(BadDate, match="YYYY-MM-DD"):
            parse_day(bad, wednesday, ahead=True)
    with pytest.raises(BadDate, match="in the future"):
        past_day("tomorrow", wednesday)
    with pytest.raises(BadDate, match="has gone by"):
        coming_day("2026-12-01", wednesday)
    assert local_day(local_noon(wednesday)) == wednesday


def test_wear_on_an_earlier_day(stocked, private_home):
    last_week = TODAY - timedelta(days=7)
    result = run_cli("wear", "1", "4", "--date", last_week.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": 1, "worn": True, "date": last_week.isoformat()},
                                         {"id": 4, "worn": True, "date": last_week.isoformat()}]
    result = run_cli("wear", "2", "--date", "yesterday")
    assert result.returncode == 0 and f"worn on {(TODAY - timedelta(days=1)).isoformat()}: 2" in result.stdout
    assert run_cli("wear", "3").stdout.strip() == "worn today: 3"
    assert wears(private_home) == [(1, last_week.isoformat()), (4, last_week.isoformat()),
                                   (2, (TODAY - timedelta(days=1)).isoformat()), (3, TODAY.isoformat())]


@pytest.mark.parametrize("day, says", [
    ("tomorrow", "in the future"),
    ((TODAY + timedelta(days=30)).isoformat(), "`wardrobe plan"),
    ("2026-02-30", "is not a day"),
    ("soon", "YYYY-MM-DD"),
])
def test_a_bad_or_future_day_is_refused_and_nothing_is_logged(stocked, private_home, day, says):
    result = run_cli("wear", "1", "--date", day, "--json")
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["exit"] == 2
    assert wears(private_home) == []


def test_wear_on_an_earlier_day_of_an_unknown_item(stocked):
    result = run_cli("wear", "999", "--date", "yesterday")
    assert result.returncode == 3 and "no item with id 999" in result.stderr


def plan(*args):
    result = run_cli("plan", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def ids(record) -> set[int]:
    return {piece["id"] for piece in record["items"]}


def test_plan_a_day_list_it_replan_rate_and_drop_it(stocked, private_home):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    [made] = plan("tomorrow", "--occasion", " work ")
    assert (made["date"], made["occasion"], made["weather"]) == (tomorrow, "work", None)
    assert 0 < made["probability"] < 1 and made["why"] and len(made["items"]) >= 3
    assert run_cli("rate", str(made["outfit"]), "like").returncode == 0  # a plan is a proposal: rated by its id
    [listed] = plan("--list")
    assert listed == {key: made[key] for key in ("date", "outfit", "occasion", "weather", "items")}
    [again] = plan(tomorrow)  # planning the day again replaces its plan
    assert again["outfit"] != made["outfit"] and again["occasion"] is None
    assert [p["outfit"] for p in plan("--list")] == [again["outfit"]]
    text = run_cli("plan", "--list")
    assert text.returncode == 0 and text.stdout.startswith(f"{TODAY + timedelta(days=1):%a} {tomorrow}: outfit")
    dropped = plan(tomorrow, "--clear")
    assert [(p["date"], p["outfit"], p["cleared"]) for p in dropped] == [(tomorrow, again["outfit"], True)]
    assert plan("--list") == []
    assert sqlite3.connect(private_home / "inventory.sqlite3").execute("SELECT count(*) FROM plans").fetchone() == (0,)


def test_planned_pieces_are_not_proposed_the_day_before_or_after(stocked):
    [planned] = plan("tomorrow")
    kept = ids(planned)
    for _ in range(4):  # today: the day before the plan
        proposals = json.loads(run_cli("suggest", "--n", "3", "--json").stdout)
        assert proposals and not any(ids(p) & kept for p in proposals)
    [after] = plan((TODAY + timedelta(days=2)).isoformat())
    assert not ids(after) & kept
    later = [ids(plan((TODAY + timedelta(days=3)).isoformat())[0]) for _ in range(6)]
    assert any(pieces & kept for pieces in later)  # three days on the planned pieces are proposed again


def test_the_only_shoes_are_planned_on_consecutive_days(private_home):
    stock_closet(private_home, {0: 3, 1: 2, 7: 1})
    [first] = plan("tomorrow")
    [second] = plan((TODAY + timedelta(days=2)).isoformat())
    assert ids(first) & ids(second)  # the closet cannot dress without them: kept rather than no plan


def test_a_plan_whose_piece_was_removed_still_lists(stocked):
    [made] = plan("tomorrow")
    gone = made["items"][0]["id"]
    assert run_cli("remove", str(gone)).returncode == 0
    [listed] = plan("--list")
    assert listed["items"][0] == {"id": gone, "removed": True}
    text = run_cli("plan", "--list")
    assert f"{gone:>5}  (removed)" in text.stdout


@pytest.mark.parametrize("args, code, says", [
    (["yesterday"], 2, "has gone by"),
    (["someday"], 2, "is not a day"),
    ([], 2, "name the day"),
    (["--list", "--clear"], 2, "separately"),
    (["tomorrow", "--occasion", "wo\x1brk"], 2, "control characters"),
    (["tomorrow", "--occasion", " "], 2, "cannot be empty"),
    (["--list", "--occasion", "work"], 2, "go with planning a day"),
    (["--clear", "tomorrow", "--weather", "8C"], 2, "go with planning a day"),
    (["tomorrow", "--clear"], 3, "no plan for"),
])
def test_plan_refusals_are_one_line_with_their_exit_code(stocked, args, code, says):
    result = run_cli("plan", *args)
    assert result.returncode == code, result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_plan_on_an_empty_closet_says_what_is_missing(private_home):
    result = run_cli("plan", "tomorrow", "--json")
    assert result.returncode == 6 and "cannot make an outfit yet" in result.stderr
    assert json.loads(result.stdout)["exit"] == 6
    assert run_cli("plan", "--list", "--json").stdout.strip() == "[]"


def test_removing_a_user_removes_their_plans(stocked, private_home):
    assert run_cli("--user", "alice", "plan", "tomorrow").returncode == 0
    assert run_cli("plan", "tomorrow").returncode == 0
    assert run_cli("users", "--remove", "alice").returncode == 0
    con = sqlite3.connect(private_home / "inventory.sqlite3")
    assert con.execute("SELECT users.name FROM plans JOIN users ON users.id = plans.user_id").fetchall() == [("default",)]
    assert run_cli("--user", "alice", "plan", "--list", "--json").stdout.strip() == "[]"
