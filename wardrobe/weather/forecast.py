"""The day's forecast for the configured place from Open-Meteo (no key), cached per day and place in the home.

Only the standard library talks to the server, with a short timeout, in a thread the caller never waits on for
longer: no network, a slow or failing server is one reason in words, and the command goes on without weather.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timedelta
from typing import NamedTuple

from wardrobe.settings import Settings
from wardrobe.weather.value import Weather

CACHE_FILE = "forecasts.json"
DAYS_AHEAD = 15  # Open-Meteo forecasts today and 15 days after
DAYS_BACK = 92  # ... and keeps the past 92 days
FRESH = timedelta(hours=3)  # a cached forecast of today or later is asked for again after this
RETRY_AFTER = timedelta(minutes=10)  # after a failure, the server is not asked again for this long
MOST_BYTES = 1 << 20
RAIN_MM, SNOW_CM, WINDY_KMH, RAIN_LIKELY = 1.0, 0.5, 30.0, 60
DAILY = ("temperature_2m_max", "temperature_2m_min", "rain_sum", "showers_sum", "snowfall_sum",
         "precipitation_sum", "precipitation_probability_max", "wind_speed_10m_max")


class ForecastResult(NamedTuple):
    """The day's weather, or None and the reason in words (no location set, no network, a failing server...)."""

    weather: Weather | None
    reason: str | None = None


class ForecastFailed(Exception):
    """The forecast server could not be asked, or did not answer with a forecast; the message says which."""


def place_key(location: tuple[float, float]) -> str:
    """The place as the cache and the request name it: degrees to 2 decimals (about a kilometre)."""
    return f"{location[0]:.2f},{location[1]:.2f}"


def forecast_for(settings: Settings, day: date, today: date | None = None) -> ForecastResult:
    """The forecast for `day` at settings.location: from the cache when fresh, else asked of settings.forecast_url.

    Never raises for the network or the server and never waits much longer than settings.forecast_timeout: a problem
    comes back as ForecastResult(None, reason).
    """
    if settings.location is None:
        return ForecastResult(None, "no location set (`wardrobe config set location LAT,LON`)")
    today = today or date.today()
    if not today - timedelta(days=DAYS_BACK) <= day <= today + timedelta(days=DAYS_AHEAD):
        return ForecastResult(None, f"Open-Meteo forecasts only {DAYS_AHEAD} days ahead (and {DAYS_BACK} back)")
    place, now = place_key(settings.location), datetime.now()
    cache = _read_cache(settings)
    entry = cache["days"].get(f"{place} {day.isoformat()}")
    cached = Weather.from_dict(entry.get("weather")) if isinstance(entry, dict) else None
    if cached is not None and (day < today or now - _when(entry.get("fetched")) < FRESH):
        return ForecastResult(cached)
    failed = cache.get("failed")
    if isinstance(failed, dict) and failed.get("url") == settings.forecast_url and \
            now - _when(failed.get("at")) < RETRY_AFTER:
        return ForecastResult(cached, None if cached else f"{failed.get('reason')} (asked at {failed.get('at', '')[11:16]})")
    first, last = (day, day) if day < today else (today, today + timedelta(days=DAYS_AHEAD))
    try:
        days = _ask(settings, place, first, last)
    except ForecastFailed as exc:
        cache["failed"] = {"at": now.isoformat(timespec="seconds"), "reason": str(exc), "url": settings.forecast_url}
        _write_cache(settings, cache, today)
        return ForecastResult(cached, None if cached else str(exc))  # an older forecast of the day beats none
    stamp = now.isoformat(timespec="seconds")
    cache["days"].update({f"{place} {d}": {"fetched": stamp, "weather": w.to_dict()} for d, w in days.items()})
    cache.pop("failed", None)
    _write_cache(settings, cache, today)
    found = days.get(day.isoformat())
    return ForecastResult(found, None if found else f"the forecast server gave no forecast for {day.isoformat()}")


def _when(text) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.min


def _ask(settings: Settings, place: str, first: date, last: date) -> dict[str, Weather]:
    """Ask the server for these days; ForecastFailed says what went wrong."""
    from urllib.parse import urlencode

    latitude, longitude = place.split(",")
    query = urlencode({"latitude": latitude, "longitude": longitude, "daily": ",".join(DAILY), "timezone": "auto",
                       "start_date": first.isoformat(), "end_date": last.isoformat()})
    url = settings.forecast_url + ("&" if "?" in settings.forecast_url else "?") + query
    return days_of(_get_json(url, settings.forecast_timeout))


def _get_json(url: str, timeout: float):
    """The JSON at url, fetched in a thread the caller leaves after `timeout` (a name lookup has no timeout of its own)."""
    answer: dict = {}

    def fetch() -> None:
        try:
            answer["data"] = _fetch(url, timeout)
        except Exception as exc:  # noqa: BLE001  handed to the caller's thread, which says what it was
            answer["error"] = exc

    worker = threading.Thread(target=fetch, name="forecast", daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    if worker.is_alive():
        raise ForecastFailed(f"the forecast server did not answer within {timeout:g} s")
    if "error" in answer:
        raise _reason(answer["error"], timeout)
    return answer["data"]


def _fetch(url: str, timeout: float):
    import urllib.request

    from wardrobe import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"wardrobe/{__version__}", "Accept": "application/json"})
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  the URL is http(s), checked
        body = b""
        while chunk := response.read(65536):
            body += chunk
            if len(body) > MOST_BYTES:
                raise ForecastFailed("the forecast server's answer is too large to be a forecast")
            if time.monotonic() > deadline:
                raise TimeoutError
    try:
        return json.loads(body)
    except ValueError:
        raise ForecastFailed("the forecast server's answer is not JSON") from None


def _reason(exc: Exception, timeout: float) -> ForecastFailed:
    """What went wrong, in words."""
    import socket
    import urllib.error

    if isinstance(exc, ForecastFailed):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return ForecastFailed(f"the forecast server answered HTTP {exc.code}")
    cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return ForecastFailed(f"the forecast server did not answer within {timeout:g} s")
    if isinstance(cause, socket.gaierror):
        return ForecastFailed("the forecast server's name cannot be looked up (no network?)")
    if isinstance(cause, OSError):
        return ForecastFailed(f"the forecast server cannot be reached ({cause.strerror or type(cause).__name__})")
    return ForecastFailed(f"the forecast could not be read ({type(exc).__name__})")


def days_of(data) -> dict[str, Weather]:
    """Open-Meteo's daily answer as {ISO day: Weather}; ForecastFailed when it is not one."""
    daily = data.get("daily") if isinstance(data, dict) else None
    if not isinstance(daily, dict) or not isinstance(daily.get("time"), list):
        raise ForecastFailed("the forecast server's answer is not a daily forecast")

    def column(name: str) -> list:
        values = daily.get(name)
        return values if isinstance(values, list) and len(values) == len(daily["time"]) else [None] * len(daily["time"])

    def number(value) -> float | None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e6
        return float(value) if ok else None

    out = {}
    for k, day in enumerate(daily["time"]):
        high, low = number(column("temperature_2m_max")[k]), number(column("temperature_2m_min")[k])
        if not isinstance(day, str) or high is None or low is None:
            continue
        rain = (number(column("rain_sum")[k]) or 0) + (number(column("showers_sum")[k]) or 0)
        likely = (number(column("precipitation_probability_max")[k]) or 0) >= RAIN_LIKELY and \
            (number(column("precipitation_sum")[k]) or 0) >= RAIN_MM / 2
        snow = (number(column("snowfall_sum")[k]) or 0) >= SNOW_CM
        wind = (number(column("wind_speed_10m_max")[k]) or 0) >= WINDY_KMH
        if -90 <= (high + low) / 2 <= 70:
            out[day] = Weather(round((high + low) / 2, 1), rain=rain >= RAIN_MM or (likely and not snow), wind=wind,
                               snow=snow, source="forecast")
    if not out:
        raise ForecastFailed("the forecast server's answer holds no day's temperatures")
    return out


def _cache_path(settings: Settings):
    return settings.home / CACHE_FILE


def _read_cache(settings: Settings) -> dict:
    """The cache file's contents; an unreadable or damaged one is an empty cache (it is only a cache)."""
    try:
        data = json.loads(_cache_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"days": {}}
    if not isinstance(data, dict) or not isinstance(data.get("days"), dict):
        return {"days": {}}
    return data


def _write_cache(settings: Settings, cache: dict, today: date) -> None:
    """Write the cache (days more than a week past are dropped); a home that cannot be written only loses the cache."""
    from wardrobe.files import atomic_write_text

    oldest = (today - timedelta(days=7)).isoformat()
    cache["days"] = {k: v for k, v in cache["days"].items() if k.rsplit(" ", 1)[-1] >= oldest}
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        atomic_write_text(_cache_path(settings), json.dumps(cache, indent=1, sort_keys=True))
    except OSError:
        pass
