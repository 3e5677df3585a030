"""Packing for a trip and the day's weather: the fewest pieces for N liked outfits, on a real SQLite inventory too."""

import json
from datetime import date, timedelta

import numpy as np
import pytest
from conftest import run_cli, stock_closet

from wardrobe.outfits.compose import BOTTOM, MAIN, Closet, ClosetItem
from wardrobe.outfits.packing import CannotPack, pack

CLOSET = {0: 3, 1: 2, 3: 1, 4: 1, 7: 2, 8: 1}  # label: how many (3 tops, 2 trousers, a dress, a coat, 2 shoes, a bag)
TODAY = date.today()


def closet_of(tops=0, bottoms=0, dresses=0, shoes=0, coats=0) -> Closet:
    items, n = [], 0
    for label, count in ((0, tops), (1, bottoms), (3, dresses), (7, shoes), (4, coats)):
        for _ in range(count):
            n += 1
            items.append(ClosetItem(n, label, ("black",)))
    return Closet(items)


def fewest(tops, bottoms, dresses, days) -> int:
    """The fewest pieces for `days` different outfits, by trying every count of tops, bottoms and dresses (+ shoes)."""
    return min(t + b + d + 1 for t in range(tops + 1) for b in range(bottoms + 1) for d in range(dresses + 1)
               if t * b + d >= days)


def liked_all(rows):
    return np.full(len(rows), 0.9)


def check(closet: Closet, packing, days: int) -> None:
    """Every day has a valid outfit made only of the packed pieces, and no two days share top, bottom or dress."""
    assert len(packing.rows) == days
    pairs = {(int(r[MAIN]), int(r[BOTTOM])) for r in packing.rows}
    assert len(pairs) == days
    for row in packing.rows:
        assert set(row[row >= 0].tolist()) <= set(packing.pieces)
        assert closet.items[row[2]].slot == "footwear"


@pytest.mark.parametrize("shape", [(4, 3, 2, 2), (5, 5, 0, 1), (2, 6, 3, 1), (6, 2, 5, 2)])
def test_pack_finds_the_fewest_pieces_when_every_outfit_is_liked(shape):
    tops, bottoms, dresses, shoes = shape
    closet = closet_of(tops, bottoms, dresses, shoes)
    for days in range(1, tops * bottoms + dresses + 1):
        packing = pack(closet, [liked_all] * days, np.random.default_rng(days))
        check(closet, packing, days)
        assert len(packing.pieces) == fewest(tops, bottoms, dresses, days), days
        assert packing.stretched == 0


def test_pack_leaves_out_what_the_user_would_not_like():
    closet = closet_of(tops=4, bottoms=3, shoes=2)
    hated = {0, 4}  # the first top and the first trousers (closet indices)

    def taste(rows):
        return np.where(np.isin(rows, list(hated)).any(1), 0.1, 0.8)

    packing = pack(closet, [taste] * 4, np.random.default_rng(0))
    check(closet, packing, 4)
    assert not hated & set(packing.pieces) and len(packing.pieces) == 5
    assert packing.probabilities == [0.8] * 4 and packing.best == [0.8] * 4


def test_pack_stretches_when_too_few_outfits_are_liked():
    closet = closet_of(tops=2, bottoms=2, shoes=1)

    def picky(rows):  # likes only the first top with the first trousers
        return np.where((rows[:, MAIN] == 0) & (rows[:, BOTTOM] == 2), 0.9, 0.2)

    packing = pack(closet, [picky] * 3, np.random.default_rng(0))
    check(closet, packing, 3)
    assert packing.stretched == 2 and sorted(packing.probabilities) == [0.2, 0.2, 0.9]


def test_days_of_their_own_weather_each_get_an_outfit_that_day_likes():
    closet = closet_of(tops=3, bottoms=2, shoes=1, coats=1)
    coat = 6

    def cold(rows):
        return np.where(rows[:, 3] == coat, 0.9, 0.1)

    def warm(rows):
        return np.where(rows[:, 3] == coat, 0.1, 0.9)

    packing = pack(closet, [warm, cold, warm], np.random.default_rng(0))
    check(closet, packing, 3)
    assert [row[3] == coat for row in packing.rows] == [False, True, False]
    assert packing.stretched == 0 and coat in packing.pieces


def test_pack_refuses_more_days_than_different_outfits():
    closet = closet_of(tops=1, bottoms=1, dresses=1, shoes=1)
    assert len(pack(closet, [liked_all] * 2, np.random.default_rng(0)).pieces) == 4
    with pytest.raises(CannotPack, match="makes 2 different outfits"):
        pack(closet, [liked_all] * 3, np.random.default_rng(0))
    with pytest.raises(CannotPack, match="makes 0 different outfits"):
        pack(closet_of(tops=3, bottoms=3), [liked_all], np.random.default_rng(0))


@pytest.fixture
def stocked(private_home):
    return stock_closet(private_home, CLOSET)


def packed(*args):
    result = run_cli("pack", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pack_command_lists_the_pieces_and_each_day(stocked):
    trip = packed("--from", "tomorrow", "--days", "5", "--occasion", "holiday")
    pieces = {p["id"] for p in trip["pieces"]}
    assert trip["from"] == (TODAY + timedelta(days=1)).isoformat() and trip["days"] == 5
    assert len(pieces) == 6 and trip["outfits_per_piece"] == round(5 / 6, 4)  # 3 tops x 2 trousers, one pair of shoes
    assert [o["date"] for o in trip["outfits"]] == [(TODAY + timedelta(days=k)).isoformat() for k in range(1, 6)]
    assert all(set(o["items"]) <= pieces and o["occasion"] == "holiday" for o in trip["outfits"])
    assert len({tuple(o["items"]) for o in trip["outfits"]}) == 5
    assert 0 < trip["predicted_like"] <= trip["best_like"] + 1e-9 and trip["stretched"] == 0
    text = run_cli("pack", "--days", "2")
    assert text.returncode == 0 and "pieces for 2 days from" in text.stdout and text.stdout.count("% like\n") == 2


def test_pack_takes_weather_once_or_per_day(stocked):
    trip = packed("--days", "3", "--weather", "8C rain", "-w", "20C", "-w", "-3C snow")
    assert [o["weather"] for o in trip["outfits"]] == ["8 °C, rain", "20 °C", "-3 °C, snow"]
    assert {o["weather"] for o in packed("--days", "2", "--weather", "15c wind")["outfits"]} == {"15 °C, wind"}


@pytest.mark.parametrize("args, code, says", [
    (["--days", "8"], 6, "the closet makes 7 different outfits"),
    (["--days", "3", "-w", "8C", "-w", "9C"], 2, "2 weathers for 3 days"),
    (["--days", "2", "-o", "a", "-o", "b", "-o", "c"], 2, "3 occasions for 2 days"),
    (["--days", "2", "-w", "balmy"], 2, "needs a temperature"),
    (["--days", "2", "--from", "yesterday"], 2, "has gone by"),
    (["--days", "0"], 2, "--days"),
])
def test_pack_refusals_are_one_line_with_their_exit_code(stocked, args, code, says):
    result = run_cli("pack", *args)
    assert result.returncode == code, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr


def test_pack_on_an_empty_closet(private_home):
    result = run_cli("pack", "--days", "2", "--json")
    assert result.returncode == 6 and "cannot make an outfit yet" in result.stderr
    assert json.loads(result.stdout)["exit"] == 6


def test_the_days_weather_and_occasion_reach_the_stylist(stocked, monkeypatch):
    """Plan hands suggest the weather (parsed) and occasion when given, and pack hands the scorer each day's (days
    of the same weather share one); without them (and no location set), neither keyword is passed."""
    from wardrobe.services.stylist import Stylist
    from wardrobe.weather import Weather

    calls = []
    suggest, scorer = Stylist.suggest, Stylist.scorer

    def spy(name, real):
        def called(self, *args, **kwargs):
            calls.append((name, {k: v for k, v in kwargs.items() if k in ("weather", "occasion")}))
            return real(self, *args, **kwargs)
        return called

    monkeypatch.setattr(Stylist, "suggest", spy("suggest", suggest))
    monkeypatch.setattr(Stylist, "scorer", spy("scorer", scorer))
    [made] = json.loads(run_cli("plan", "tomorrow", "--weather", "8C rain", "-o", "work", "--json").stdout)
    assert made["weather"] == "8 °C, rain" and made["occasion"] == "work"
    assert run_cli("plan", "friday").returncode == 0
    packed("--days", "3", "-w", "8C rain", "-w", "20C", "-w", "8C rain")
    rain, warm = Weather(8.0, rain=True), Weather(20.0)
    assert calls == [("suggest", {"weather": rain, "occasion": "work"}), ("suggest", {}),
                     ("scorer", {"weather": rain}), ("scorer", {"weather": warm})]


TOP, TROUSER, COAT, SANDAL, SNEAKER, SHORTS = 0, 1, 4, 5, 7, 10


@pytest.fixture
def seasons(private_home):
    """3 tops, 2 trousers, 2 shorts, sneakers, sandals and a coat."""
    return stock_closet(private_home, {TOP: 3, TROUSER: 2, SHORTS: 2, SNEAKER: 1, SANDAL: 1, COAT: 1})


def labels(stock: dict, ids) -> set[int]:
    return {stock[i].predicted_label for i in ids}


def test_a_cold_trip_packs_a_coat_and_no_shorts_when_the_closet_has_trousers(seasons):
    trip = packed("--days", "4", "--weather", "2C")
    taken = labels(seasons, [p["id"] for p in trip["pieces"]])
    assert not taken & {SHORTS, SANDAL} and {TROUSER, COAT, SNEAKER} <= taken, taken
    for day in trip["outfits"]:
        assert COAT in labels(seasons, day["items"]) and not labels(seasons, day["items"]) & {SHORTS, SANDAL}
        assert (day["weather"], day["lacking"]) == ("2 °C", [])
    assert trip["stretched"] == 0 and trip["predicted_like"] > 0.5
    # In the heat the coat stays home; days of their own weather each keep their own rules.
    assert COAT not in labels(seasons, [p["id"] for p in packed("--days", "3", "--weather", "30C")["pieces"]])
    mixed = packed("--days", "2", "-w", "30C", "-w", "1C")["outfits"]
    assert COAT not in labels(seasons, mixed[0]["items"]) and COAT in labels(seasons, mixed[1]["items"])


def test_a_cold_plan_dresses_for_it_and_says_what_the_closet_lacks(private_home):
    stock = stock_closet(private_home, {TOP: 2, TROUSER: 1, SHORTS: 1, SNEAKER: 1, SANDAL: 1})
    [made] = json.loads(run_cli("plan", "tomorrow", "--weather", "2C", "--json").stdout)
    assert made["weather"] == "2 °C" and not labels(stock, [i["id"] for i in made["items"]]) & {SHORTS, SANDAL}
    assert made["lacking"] == ["no coat for 2 °C"]
    text = run_cli("plan", "friday", "--weather", "2C")
    assert text.returncode == 0 and "  missing: no coat for 2 °C" in text.stdout.splitlines()


def test_plan_and_pack_dress_for_the_forecast_without_weather(seasons, forecast_server):
    assert run_cli("config", "set", "location", "60.17,24.94").returncode == 0
    assert run_cli("config", "set", "forecast-url", forecast_server.url).returncode == 0
    forecast_server.default = (4.0, 0.0, 0.0, 0.0, 5.0)  # 2 °C every day
    [made] = json.loads(run_cli("plan", "tomorrow", "--json").stdout)
    assert made["weather"] == "2 °C (forecast)" and COAT in labels(seasons, [i["id"] for i in made["items"]])
    trip = packed("--from", "tomorrow", "--days", "3")
    assert {o["weather"] for o in trip["outfits"]} == {"2 °C (forecast)"}
    assert not labels(seasons, [p["id"] for p in trip["pieces"]]) & {SHORTS, SANDAL}
    assert len(forecast_server.requests) == 1  # one request brings the days ahead; then the cache answers
    # Typed weather wins; a failing server is one line and the trip goes without weather.
    assert {o["weather"] for o in packed("--days", "2", "-w", "25C")["outfits"]} == {"25 °C"}
    far = run_cli("pack", "--from", (TODAY + timedelta(days=40)).isoformat(), "--days", "2", "--json")
    assert far.returncode == 0 and far.stderr.strip() == (
        "wardrobe: no forecast for 2 of 2 days: Open-Meteo forecasts only 15 days ahead (and 92 back); dressing "
        "without weather there")
    assert {o["weather"] for o in json.loads(far.stdout)["outfits"]} == {None}
