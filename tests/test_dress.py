"""Dressing for the day: warmth and rain-fitness, `wardrobe tag --warmth`, the weather's rules with their fallback,
`suggest --weather/--occasion`, and occasions kept apart by the taste model."""

import json
from types import SimpleNamespace

import pytest
from conftest import run_cli, stock_closet

from wardrobe.domain import CATEGORIES
from wardrobe.weather.warmth import CATEGORY_WARMTH, KIND_WARMTH, default_warmth, rain_fit, warmth_of


def test_every_category_and_kind_has_a_warmth_and_the_user_wins():
    assert set(CATEGORY_WARMTH) == set(range(len(CATEGORIES))) and set(CATEGORY_WARMTH.values()) <= {0, 1, 2, 3}
    coat, sandal, shorts, pullover = (CATEGORIES.index(c) for c in ("Coat", "Sandal", "Shorts", "Pullover"))
    assert (default_warmth(coat), default_warmth(sandal), default_warmth(shorts), default_warmth(pullover)) == (3, 0, 0, 2)
    assert default_warmth(coat, "blazer") == 1 and default_warmth(coat, "Jacket") == 2
    assert default_warmth(0, "Tank top") == 0 and default_warmth(0, "tank_top") == 0 and default_warmth(9, "boots") == 2
    assert default_warmth(0, "other") == 1 and default_warmth(0, "something new") == 1
    assert warmth_of(0, None, 3) == 3 and warmth_of(coat, "coat", 0) == 0
    from wardrobe.domain import KINDS
    from wardrobe.weather.warmth import kind_key

    assert {kind for kind in KINDS if kind_key(kind) not in KIND_WARMTH} == set(), "a kind of domain.KINDS lacks a warmth"
    assert set(KIND_WARMTH) >= {"t-shirt", "polo", "tank-top", "long-sleeve-top", "shirt", "blouse", "bodysuit",
                                "sweater", "hoodie", "sweatshirt", "jacket", "blazer", "coat", "jeans", "trousers",
                                "leggings", "shorts", "skirt", "dress", "sneaker", "boot", "sandal", "shoe", "hat"}
    assert not rain_fit(sandal) and not rain_fit(7, "sandal") and not rain_fit(9, None, "Suede")
    assert rain_fit(7) and rain_fit(9, "boot", "leather") and rain_fit(sandal, "sneaker")
    assert not rain_fit(7, "shoe", "leather") and rain_fit(7, "shoe") and rain_fit(7, "sneaker", "leather")
    assert default_warmth(3, None, "knit") == 2 and default_warmth(0, "t-shirt", "knit") == 1 and default_warmth(3) == 1


@pytest.fixture
def stocked(private_home):
    return stock_closet(private_home, {0: 2, 1: 1, 7: 1, 4: 1})


def test_tag_warmth_is_kept_shown_and_undone(stocked):
    tee = next(i for i, item in stocked.items() if item.predicted_label == 0)
    [record] = json.loads(run_cli("tag", str(tee), "--warmth", "3", "--json").stdout)
    assert (record["id"], record["warmth"], record["warmth_yours"]) == (tee, 3, True)
    shown = run_cli("show", str(tee))
    assert "warmth      3 (for the cold; yours)" in shown.stdout
    plain = run_cli("tag", str(tee), "--warmth", "default")
    assert plain.returncode == 0 and "warmth 1 (light; the default)" in plain.stdout
    assert json.loads(run_cli("show", str(tee), "--json").stdout)["warmth_yours"] is False
    for args, code in (((str(tee), "--warmth", "4"), 2), ((str(tee),), 2), (("999", "--warmth", "1"), 3)):
        result = run_cli("tag", *args)
        assert result.returncode == code and len(result.stderr.strip().splitlines()) == 1, result.stderr


def set_attributes(home, values: dict[int, dict], tagged: bool = False) -> None:
    """Attributes as issue 21's heads read them (or, tagged, as the user said them), written into the inventory."""
    import sqlite3

    column = "user_attributes" if tagged else "attributes"
    with sqlite3.connect(home / "inventory.sqlite3") as db:
        db.executemany(f"UPDATE items SET {column} = ? WHERE id = ?",
                       [(json.dumps(attrs), item_id) for item_id, attrs in values.items()])
    db.close()


def test_warmth_and_rain_follow_the_items_kind_and_material(private_home):
    """Kind and material come from issue 21's attributes (what the user tagged wins over what the heads read)."""
    ids = sorted(stock_closet(private_home, {TEE: 2, TROUSER: 2, COAT: 2, SNEAKER: 2}))
    _, _, _, _, coat, blazer, plain_shoes, leather_shoes = ids
    set_attributes(private_home, {coat: {"kind": "coat"}, blazer: {"kind": "blazer"},
                                  leather_shoes: {"kind": "shoe", "material": "leather"}, ids[0]: {"kind": "shorts"}})
    shown = {i["id"]: i["warmth"] for i in json.loads(run_cli("list", "--json").stdout)}
    assert (shown[coat], shown[blazer], shown[ids[0]]) == (3, 1, 1)  # a kind that does not fit the category is none

    def worn(*args) -> set[int]:
        return {i["id"] for o in suggest(*args) for i in o["items"]}

    assert coat in worn("--weather", "2C") and blazer not in worn("--weather", "2C")  # below 5 °C: a coat
    assert coat not in worn("--weather", "30C") and blazer in worn("--weather", "30C")  # a blazer is light
    assert leather_shoes not in worn("--weather", "15C rain") and plain_shoes in worn("--weather", "15C rain")
    # The user says the "coat" is a jacket: below 5 °C the closet now lacks a coat, and the jacket is the warmest.
    set_attributes(private_home, {coat: {"kind": "jacket"}}, tagged=True)
    freezing = suggest("--weather", "2C")
    assert freezing[0]["lacking"] == ["no coat for 2 °C"] and all(coat in {i["id"] for i in o["items"]} for o in freezing)


def test_an_item_without_a_kind_yet_takes_its_categorys_warmth():
    from wardrobe.services.records import item_warmth

    assert item_warmth(SimpleNamespace(label=4, warmth=None)) == 3
    assert item_warmth(SimpleNamespace(label=4, warmth=None, kind="blazer")) == 1
    assert item_warmth(SimpleNamespace(label=4, warmth=2, kind="blazer")) == 2


TEE, TROUSER, PULLOVER, COAT, SANDAL, SNEAKER, SHORTS = 0, 1, 2, 4, 5, 7, 10


def _labels(outfits) -> list[set[int]]:
    return [{i["label"] for i in o["items"]} for o in outfits]


def suggest(*args) -> list[dict]:
    result = run_cli("suggest", "--n", "6", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def four_seasons(private_home):
    """Tops, a pullover, trousers and shorts, sneakers and sandals, a coat."""
    return stock_closet(private_home, {TEE: 3, PULLOVER: 2, TROUSER: 2, SHORTS: 2, SNEAKER: 2, SANDAL: 2, COAT: 1})


def test_cold_brings_a_coat_and_no_shorts_or_sandals(four_seasons):
    outfits = suggest("--weather", "2C")
    assert len(outfits) >= 3
    for labels in _labels(outfits):
        assert COAT in labels and not labels & {SHORTS, SANDAL}, labels
    assert outfits[0]["weather"]["temperature"] == 2.0 and outfits[0]["lacking"] == []


def test_heat_leaves_the_coat_and_knits_home_and_rain_the_sandals(four_seasons):
    for labels in _labels(suggest("--weather", "31C")):
        assert not labels & {COAT, PULLOVER}, labels
    for labels in _labels(suggest("--weather", "16C rain")):
        assert SANDAL not in labels, labels
    # Without weather, anything goes: what the rules took out comes back.
    seen = set().union(*_labels(suggest()), *_labels(suggest()), *_labels(suggest()))
    assert {SHORTS, SANDAL} <= seen


def test_a_closet_that_cannot_dress_for_the_cold_says_what_it_lacks(private_home):
    stock_closet(private_home, {TEE: 2, SHORTS: 2, SANDAL: 1, SNEAKER: 1})
    outfits = suggest("--weather", "2C")
    assert outfits, "the best the closet has is still proposed"
    assert outfits[0]["lacking"] == ["no trousers or skirt for 2 °C", "no coat for 2 °C"]
    assert all(SANDAL not in labels for labels in _labels(outfits))  # sneakers exist: that rule is still kept
    text = run_cli("suggest", "--n", "1", "--weather", "2C")
    assert text.stdout.splitlines()[:2] == ["for 2 °C", "missing: no trousers or skirt for 2 °C; no coat for 2 °C"]
    rainy = suggest("--weather", "12C rain", "--occasion", "Work")
    assert rainy[0]["lacking"] == [] and rainy[0]["occasion"] == "work"


def test_rain_with_only_sandals_still_dresses(private_home):
    stock_closet(private_home, {TEE: 1, TROUSER: 1, SANDAL: 1})
    outfits = suggest("--weather", "15C rain")
    assert outfits and outfits[0]["lacking"] == ["no shoes for rain"]
    assert suggest("--weather", "-2C snow")[0]["lacking"] == ["no closed shoes for -2 °C", "no shoes for snow",
                                                              "no coat for -2 °C"]


def test_what_is_lacking_names_only_what_the_pieces_let_back_in_are_unfit_for():
    from wardrobe.outfits.compose import Closet, ClosetItem
    from wardrobe.outfits.dress import rules_for
    from wardrobe.weather import Weather

    suede_boots = ClosetItem(3, 9, warmth=2, rain_ok=False)
    closet = Closet([ClosetItem(1, TEE), ClosetItem(2, TROUSER), suede_boots, ClosetItem(4, SANDAL, warmth=0, rain_ok=False),
                     ClosetItem(5, COAT, warmth=3)])
    rules = rules_for(closet, Weather(3, rain=True))
    assert rules.lacking == ["no shoes for rain"]  # the boots are closed shoes: only the rain is not kept
    assert list(rules.allowed) == [True, True, True, False, True] and rules.outer_needed


def test_without_weather_suggest_dresses_for_the_configured_places_forecast(four_seasons, forecast_server):
    assert run_cli("config", "set", "location", "60.17,24.94").returncode == 0
    assert run_cli("config", "set", "forecast-url", forecast_server.url).returncode == 0
    forecast_server.default = (1.0, -5.0, 0.0, 2.0, 10.0)  # a snowy -2 °C
    outfits = suggest()
    assert outfits[0]["weather"] == {"temperature": -2.0, "rain": False, "wind": False, "snow": True,
                                     "source": "forecast", "said": "-2 °C, snow (forecast)"}
    assert all(COAT in labels and not labels & {SHORTS, SANDAL} for labels in _labels(outfits))
    assert suggest("--weather", "30C")[0]["weather"]["source"] == "given"  # typed weather wins
    assert len(forecast_server.requests) == 1  # the second suggest read the cache


def test_a_failing_forecast_is_one_line_and_outfits_come_without_weather(four_seasons, forecast_server, private_home):
    run_cli("config", "set", "location", "60.17,24.94")
    run_cli("config", "set", "forecast-url", forecast_server.url)
    forecast_server.mode = "500"
    result = run_cli("suggest", "--n", "2", "--json")
    assert result.returncode == 0
    assert result.stderr.strip() == ("wardrobe: no forecast for today: the forecast server answered HTTP 500; "
                                     "proposing without weather")
    assert [o["weather"] for o in json.loads(result.stdout)] == [None, None]


def _taught(occasions: bool, weather: bool):
    """A model taught by a person who wears black to work and red at the weekend, and a coat only in the cold."""
    import numpy as np

    from wardrobe.outfits.compose import Closet, ClosetItem
    from wardrobe.outfits.features import ItemTable, outfit_features
    from wardrobe.outfits.preference import PreferenceModel
    from wardrobe.weather import Weather

    rng = np.random.default_rng(7)
    labels = [TEE] * 6 + [TROUSER] * 4 + [SNEAKER] * 3 + [COAT] * 2
    closet = Closet([ClosetItem(k + 1, label, (("black", "red", "white")[k % 3],), warmth=3 if label == COAT else 1)
                     for k, label in enumerate(labels)])
    table = ItemTable(closet)

    def liked(row, occasion, day):
        colours = {closet.items[j].colours[0] for j in row if j >= 0}
        coat = row[3] >= 0
        taste = ("black" in colours and "red" not in colours) if occasion == "work" else \
            ("red" in colours and "black" not in colours)
        return taste and coat == (day.temperature < 10)

    model, rows = PreferenceModel(), closet.sample(400, rng)
    days = [("work" if k % 2 else "weekend", Weather(2.0 if k % 4 < 2 else 25.0)) for k in range(len(rows))]
    base = outfit_features(table, rows)
    features = model.for_day(base, [d if weather else None for _, d in days], [o if occasions else None for o, _ in days],
                             learn=True)
    model.fit(features, np.array([liked(r, o, d) for r, (o, d) in zip(rows, days)]))

    def best(occasion, day, k=10):
        test = closet.sample(300, np.random.default_rng(1))
        score = model.score(model.for_day(outfit_features(table, test), day if weather else None,
                                          occasion if occasions else None))
        return np.mean([liked(r, occasion, day) for r in test[np.argsort(-score)[:k]]])

    return model, best


def test_the_taste_model_keeps_work_and_weekend_apart_and_knows_the_cold():
    from wardrobe.weather import Weather

    model, best = _taught(occasions=True, weather=True)
    assert model.occasions == ["weekend", "work"]
    cold, hot = Weather(2.0), Weather(25.0)
    with_day = [best(o, d) for o in ("work", "weekend") for d in (cold, hot)]
    _, blind_best = _taught(occasions=False, weather=False)
    blind = [blind_best(o, d) for o in ("work", "weekend") for d in (cold, hot)]
    assert min(with_day) >= 0.8, with_day
    assert sum(with_day) > sum(blind) + 1.0, (with_day, blind)  # without the day, tastes that differ blur together


def test_ratings_keep_their_occasion_and_weather_and_retrain_learns_them(four_seasons, private_home):
    import sqlite3

    work = suggest("--occasion", "work", "--weather", "3C")
    weekend = suggest("--occasion", "weekend")
    for outfit in work[:2] + weekend[:2]:
        assert run_cli("rate", str(outfit["id"]), "like").returncode == 0
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    rows = db.execute("SELECT o.occasion, json_extract(o.weather, '$.temperature') FROM ratings r "
                      "JOIN outfits o ON o.id = r.outfit_id ORDER BY r.id").fetchall()
    assert rows == [("work", 3.0)] * 2 + [("weekend", None)] * 2
    params = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    assert params["occasions"] == ["work", "weekend"]
    db.execute("UPDATE preference_models SET params = json_set(params, '$.occasions', json('[]'))")
    db.commit()
    assert json.loads(run_cli("retrain", "--json").stdout)[0]["ratings"] == 4
    params = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    assert params["occasions"] == ["work", "weekend"] and any(params["coef"][-288:])


def test_scoring_a_day_with_folded_weights_is_scoring_its_crossed_features():
    import numpy as np

    from wardrobe.outfits.features import all_feature_names, feature_names
    from wardrobe.outfits.preference import PreferenceModel
    from wardrobe.weather import Weather

    model = PreferenceModel()
    model.occasions = ["work", "weekend"]
    model.coef = np.random.default_rng(0).normal(size=len(all_feature_names()))
    model.ratings = 5
    features = np.random.default_rng(1).random((40, len(feature_names())))
    for weather, occasion in ((Weather(-4, snow=True), "weekend"), (Weather(28), None), (None, "work"), (None, None),
                              (Weather(10), "a party it never rated")):
        crossed = model.for_day(features, weather, occasion)
        assert np.allclose(model.score(features, weather, occasion), model.score(crossed))
