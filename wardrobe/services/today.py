"""The weather a day's outfits are for: typed (--weather), else the forecast for the configured place, else none."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from wardrobe.settings import Settings
from wardrobe.weather import BadWeather, Weather, forecast_for, parse_weather

__all__ = ["BadWeather", "DayWeather", "day_weather", "days_weather"]


class DayWeather(NamedTuple):
    """The weather to dress for (None: dress without), and a line to tell the user when a forecast was wanted and
    could not be had."""

    weather: Weather | None
    note: str | None = None


def day_weather(settings: Settings, given: str | None = None, day: date | None = None) -> DayWeather:
    """`given` parsed (BadWeather when it is not weather), else the day's forecast where a location is set."""
    if given is not None and given.strip():
        return DayWeather(parse_weather(given))
    if settings.location is None:
        return DayWeather(None)
    day = day or date.today()
    found = forecast_for(settings, day)
    if found.weather is None:
        when = "today" if day == date.today() else day.isoformat()
        return DayWeather(None, f"no forecast for {when}: {found.reason}; proposing without weather")
    return DayWeather(found.weather)


def days_weather(settings: Settings, days: list[date]) -> tuple[list[Weather | None], str | None]:
    """The forecast of each day where a location is set (None for a day without one), and one line for the days
    without one (a failed server is not asked again soon, so the first day's reason stands for all)."""
    if settings.location is None:
        return [None] * len(days), None
    found = [forecast_for(settings, day) for day in days]
    reasons = [(day, f.reason) for day, f in zip(days, found) if f.weather is None]
    if not reasons:
        return [f.weather for f in found], None
    which = reasons[0][0].isoformat() if len(reasons) == 1 else f"{len(reasons)} of {len(days)} days"
    return [f.weather for f in found], f"no forecast for {which}: {reasons[0][1]}; dressing without weather there"
