"""A stand-in reader of "8C rain" for plan and pack, until issue 22's weather parser is merged (then this goes)."""

from __future__ import annotations

import re

CONDITIONS = ("rain", "wind", "snow")


class BadWeather(ValueError):
    """Weather text that cannot be read; the message says what to write."""


def parse_weather(text: str) -> dict:
    """'8C rain', '-2 c snow wind', '25C': {"temp_c": 8.0, "rain": True, "wind": False, "snow": False}."""
    words = text.strip().lower().replace("°", "").split()
    match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)(c?)", words[0]) if words else None
    rest = words[1:]
    if match and not match.group(2) and rest[:1] == ["c"]:  # "8 C rain"
        rest = rest[1:]
    unknown = [w for w in rest if w not in CONDITIONS]
    if match is None or unknown:
        raise BadWeather(f"{text!r} is not weather: write a temperature in °C, then any of rain, wind, snow "
                         "(e.g. \"8C rain\")")
    return {"temp_c": float(match.group(1)), **{c: c in rest for c in CONDITIONS}}
