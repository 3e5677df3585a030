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
