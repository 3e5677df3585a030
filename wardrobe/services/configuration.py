"""The home's config file (`wardrobe config`): what each key is now and where that comes from; setting and unsetting."""

from __future__ import annotations

import os

from wardrobe import config
from wardrobe.config import BadConfig
from wardrobe.settings import Settings, read_config, write_config


def _effective(settings: Settings, key: str) -> str | None:
    """What the command's settings hold for a key, as the config file would spell it (None: nothing chosen)."""
    if key == "location":
        return None if settings.location is None else f"{settings.location[0]:g},{settings.location[1]:g}"
    if key == "forecast-url":
        return settings.forecast_url
    if key == "library":
        return None if settings.library == settings.home else str(settings.library)
    return getattr(settings, key)


def entries(settings: Settings) -> list[dict]:
    """Every key: its value now, where it comes from (environment or flag, config file, default), and the file's."""
    stored = read_config(settings.home)
    out = []
    for key, meaning in config.CONFIG_KEYS.items():
        value, in_file = _effective(settings, key), stored.get(key)
        variable = config.CONFIG_ENV[key]
        if in_file is not None and _normal(key, in_file) == value:
            source = "config file"
        elif value is None or (key == "forecast-url" and value == config.DEFAULT_FORECAST_URL):
            source = "default"
        else:
            source = f"environment ({variable})" if os.environ.get(variable) else "flag"
        out.append({"key": key, "value": value, "source": source, "in_file": in_file, "means": meaning})
    return out


def _normal(key: str, value: str) -> str | None:
    try:
        return config.check_config_value(key, value)
    except BadConfig:
        return None


def get(settings: Settings, key: str) -> dict:
    if key not in config.CONFIG_KEYS:
        raise BadConfig(f"unknown config key {ascii(key)[:60]}; the keys are {', '.join(config.CONFIG_KEYS)}")
    return next(e for e in entries(settings) if e["key"] == key)


def set_value(settings: Settings, key: str, value: str) -> dict:
    """Check and write one key into the home's config file; returns {"key", "value", "file"}."""
    checked = config.check_config_value(key, value)
    stored = read_config(settings.home)
    stored[key] = checked
    path = write_config(settings.home, stored)
    return {"key": key, "value": checked, "file": str(path)}


def unset(settings: Settings, key: str) -> dict:
    """Remove one key from the config file (a key that is not there is no error); returns {"key", "removed", "file"}."""
    stored = read_config(settings.home)
    if key not in config.CONFIG_KEYS and key not in stored:  # a key the file holds by mistake can be removed
        raise BadConfig(f"unknown config key {ascii(key)[:60]}; the keys are {', '.join(config.CONFIG_KEYS)}")
    removed = stored.pop(key, None) is not None
    if removed:
        write_config(settings.home, stored)
    return {"key": key, "removed": removed, "file": str(settings.config_file)}
