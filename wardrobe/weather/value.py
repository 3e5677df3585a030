"""A day's weather as outfits need it (temperature, rain, wind, snow), and the parser of `--weather "8C rain"`."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

FREEZING_BELOW, COLD_BELOW, HOT_FROM = 5.0, 12.0, 24.0  # °C felt: the bands the outfit rules dress for
WIND_CHILL = 3.0  # a windy day below 20 °C feels this much colder
_WORDS = {
    "rain": "rain", "rainy": "rain", "raining": "rain", "showers": "rain", "shower": "rain", "wet": "rain",
    "drizzle": "rain", "wind": "wind", "windy": "wind", "gusty": "wind", "snow": "snow", "snowy": "snow",
    "snowing": "snow", "dry": None, "sun": None, "sunny": None, "clear": None, "cloudy": None, "overcast": None,
    "fair": None,
}
_TEMPERATURE = re.compile(r"(?<![\w.])([+-]?\d+(?:\.\d+)?)\s*(?:°|º|deg(?:rees?)?)?\s*([cf])?(?![a-z0-9])")
EXAMPLES = '"8C rain", "-3c snow wind", "45F", "30°C"'


class BadWeather(ValueError):
    """A --weather text that is not a temperature with optional rain, wind or snow; the message shows the form."""


@dataclass(frozen=True)
class Weather:
    """What the day is like: the temperature to dress for (°C) and whether it rains, blows or snows."""

    temperature: float
    rain: bool = False
    wind: bool = False
    snow: bool = False
    source: str = "given"  # "given" (typed: --weather) or "forecast"

    def __post_init__(self) -> None:
        # Plain float and bools whatever made it (numpy's too): the value is stored as JSON.
        object.__setattr__(self, "temperature", float(self.temperature))
        for flag in ("rain", "wind", "snow"):
            object.__setattr__(self, flag, bool(getattr(self, flag)))

    @property
    def felt(self) -> float:
        """The temperature a person dresses for: wind makes a cool day colder."""
        return self.temperature - WIND_CHILL if self.wind and self.temperature < 20 else self.temperature

    @property
    def band(self) -> str:
        """freezing, cold, mild or hot (by the felt temperature)."""
        felt = self.felt
        return "freezing" if felt < FREEZING_BELOW else "cold" if felt < COLD_BELOW else "hot" if felt >= HOT_FROM \
            else "mild"

    @property
    def wet(self) -> bool:
        return self.rain or self.snow

    def describe(self) -> str:
        """'8 °C, rain, wind' (and ' (forecast)' for a forecast)."""
        words = [f"{self.temperature:.0f} °C"] + [w for w in ("rain", "wind", "snow") if getattr(self, w)]
        return ", ".join(words) + (" (forecast)" if self.source == "forecast" else "")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> Weather | None:
        """The weather stored by to_dict(); None for anything else (a stored value is never trusted to be one)."""
        if not isinstance(data, dict):
            return None
        temperature = data.get("temperature")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) \
                or not -90 <= temperature <= 70:
            return None
        flags = {k: data.get(k) is True for k in ("rain", "wind", "snow")}
        source = data.get("source") if data.get("source") in ("given", "forecast") else "given"
        return cls(float(temperature), source=source, **flags)


def parse_weather(text: str) -> Weather:
    """'8C rain', '8°C', '-3c snow wind', '45F', '30 °C, sunny' as a Weather; BadWeather says what it could not read."""
    lowered = str(text).strip().lower().replace("−", "-")
    found = list(_TEMPERATURE.finditer(lowered))
    if len(found) != 1:
        what = "one temperature" if found else "a temperature"
        raise BadWeather(f"--weather {ascii(str(text))[:60]} needs {what}, e.g. {EXAMPLES}")
    number, unit = found[0].groups()
    value = float(number)
    celsius = (value - 32) * 5 / 9 if unit == "f" else value
    if not -60 <= celsius <= 60:
        raise BadWeather(f"--weather: {value:g}°{(unit or 'c').upper()} is not a temperature a closet dresses for "
                         "(-60 to 60 °C)")
    rest = lowered[: found[0].start()] + " " + lowered[found[0].end():]
    flags = {"rain": False, "wind": False, "snow": False}
    for word in (w for w in re.split(r"[\s,;+/&]+|\band\b", rest) if w):
        if word not in _WORDS:
            raise BadWeather(f"--weather: unknown word {ascii(word)[:30]}; say a temperature and any of rain, wind, "
                             f"snow, e.g. {EXAMPLES}")
        if _WORDS[word]:
            flags[_WORDS[word]] = True
    return Weather(round(celsius, 1), **flags)
