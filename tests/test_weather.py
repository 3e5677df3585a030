"""The day's weather: the --weather parser, and the Open-Meteo forecast against a fake server on 127.0.0.1."""

import json
import time
from datetime import date, timedelta

import pytest

from wardrobe.services.today import day_weather
from wardrobe.settings import Settings
from wardrobe.weather import BadWeather, Weather, forecast_for, parse_weather

TODAY = date.today()


@pytest.mark.parametrize("text, expected", [
    ("8C rain", Weather(8.0, rain=True)),
    ("8°C", Weather(8.0)),
    ("8 °C", Weather(8.0)),
    ("-3c snow wind", Weather(-3.0, wind=True, snow=True)),
    ("45F", Weather(7.2)),
    ("30 °C, sunny", Weather(30.0)),
    ("rainy, 12", Weather(12.0, rain=True)),
    ("−2C windy", Weather(-2.0, wind=True)),
])
def test_weather_is_parsed(text, expected):
    assert parse_weather(text) == expected


@pytest.mark.parametrize("text, words", [("rain", "needs a temperature"), ("8C 9C", "one temperature"),
                                         ("8C hail", "unknown word 'hail'"), ("200F", "not a temperature"), ("", "needs")])
def test_what_is_not_weather_is_refused_with_an_example(text, words):
    with pytest.raises(BadWeather, match=words) as caught:
        parse_weather(text)
    assert "8C rain" in str(caught.value) or "-60 to 60" in str(caught.value)


def test_bands_follow_the_felt_temperature():
    assert [Weather(t).band for t in (-5, 4.9, 5, 11.9, 12, 23.9, 24, 35)] == \
        ["freezing", "freezing", "cold", "cold", "mild", "mild", "hot", "hot"]
    assert Weather(14, wind=True).felt == 11 and Weather(14, wind=True).band == "cold"
    assert Weather(8, rain=True, source="forecast").describe() == "8 °C, rain (forecast)"
    assert Weather.from_dict(Weather(3, snow=True).to_dict()) == Weather(3, snow=True)
    assert Weather.from_dict({"temperature": "hot"}) is None and Weather.from_dict(None) is None


@pytest.fixture
def placed(private_home, forecast_server):
    return Settings.resolve().replace(location=(52.52, 13.41), forecast_url=forecast_server.url, forecast_timeout=0.5)


def test_a_forecast_is_read_and_cached_per_day_and_place(placed, forecast_server):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    forecast_server.weather[tomorrow] = (10.0, 4.0, 3.2, 0.0, 35.0)
    found = forecast_for(placed, TODAY)
    assert found == (Weather(2.0, source="forecast"), None)
    assert len(forecast_server.requests) == 1
    request = forecast_server.requests[0]
    assert "latitude=52.52" in request and "longitude=13.41" in request and f"start_date={TODAY}" in request
    # The whole forecast came with the first answer: other days, and today again, come from the cache.
    assert forecast_for(placed, TODAY + timedelta(days=1)).weather == Weather(7.0, rain=True, wind=True, source="forecast")
    assert forecast_for(placed, TODAY).weather.temperature == 2.0
    assert len(forecast_server.requests) == 1
    cache = json.loads((placed.home / "forecasts.json").read_text())
    assert f"52.52,13.41 {TODAY}" in cache["days"]
    elsewhere = placed.replace(location=(48.85, 2.35))
    assert forecast_for(elsewhere, TODAY).weather is not None and len(forecast_server.requests) == 2
    # A stale entry is asked for again; a damaged cache is only an empty one.
    (placed.home / "forecasts.json").write_text("{not json")
    assert forecast_for(placed, TODAY).weather is not None and len(forecast_server.requests) == 3


def test_days_beyond_the_forecast_and_no_location_need_no_request(placed, forecast_server):
    assert forecast_for(placed, TODAY + timedelta(days=30)) == (None, "Open-Meteo forecasts only 15 days ahead "
                                                                     "(and 92 back)")
    assert "no location set" in forecast_for(placed.replace(location=None), TODAY).reason
    assert forecast_server.requests == []


@pytest.mark.parametrize("mode, words", [("500", "answered HTTP 500"), ("garbage", "not JSON"),
                                         ("wrong", "not a daily forecast"), ("slow", "did not answer within 0.5 s")])
def test_a_failing_server_is_one_reason_and_never_a_hang(placed, forecast_server, mode, words):
    forecast_server.mode = mode
    started = time.monotonic()
    found = forecast_for(placed, TODAY)
    assert found.weather is None and words in found.reason, found
    assert time.monotonic() - started < 1.5
    # Not asked again at once: a command that needs many days (or a page that refreshes) does not wait again.
    again = forecast_for(placed, TODAY + timedelta(days=2))
    assert again.weather is None and words in again.reason
    assert len(forecast_server.requests) == 1
    noted = day_weather(placed)
    assert noted.weather is None and noted.note.startswith("no forecast for today: ") and "without weather" in noted.note


def test_no_network_at_all(placed, refused_port):
    found = forecast_for(placed.replace(forecast_url=f"http://127.0.0.1:{refused_port}/v1/forecast"), TODAY)
    assert found.weather is None and "cannot be reached" in found.reason


def test_given_weather_wins_and_none_without_a_location(placed, forecast_server):
    assert day_weather(placed, "8C rain") == (Weather(8.0, rain=True), None)
    assert day_weather(placed.replace(location=None)) == (None, None)
    assert day_weather(placed).weather == Weather(2.0, source="forecast")
    with pytest.raises(BadWeather):
        day_weather(placed, "lovely")
