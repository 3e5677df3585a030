"""Where things live: the home folder, the database, the photo library and the model folders."""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
# What ships with the app lives in the repository's top-level model/ and data/ folders; a wheel carries
# them inside the package as wardrobe/_shipped/ (mapped in by the build, see setup.py).
PACKAGED = PACKAGE_ROOT / "_shipped"


def shipped(name: str) -> Path:
    """The shipped model/ or data/ folder: inside the installed package, else beside it in a clone."""
    packaged = PACKAGED / name
    return packaged if packaged.is_dir() else PACKAGE_ROOT.parent / name


def shipped_model_dirs() -> list[Path]:
    return [PACKAGED / "model", PACKAGE_ROOT.parent / "model"]


SHIPPED_MODEL_DIR = shipped("model")
DATA_DIR = shipped("data")


def home_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--home, else $WARDROBE_HOME, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_HOME"):
        return Path(os.environ["WARDROBE_HOME"]).expanduser()
    import platformdirs

    return platformdirs.user_data_path("wardrobe", appauthor=False)


def database_url(explicit: str | None = None, configured: str | None = None) -> str | None:
    """--database, else $WARDROBE_DATABASE_URL, else the config file's, else None: the SQLite file in the home."""
    return explicit or os.environ.get("WARDROBE_DATABASE_URL") or configured or None


def library_dir(explicit: str | os.PathLike | None = None, home: Path | None = None,
                configured: str | None = None) -> Path:
    """--library, else $WARDROBE_LIBRARY, else the config file's, else the home: the folder of photos/ and thumbnails/."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_LIBRARY"):
        return Path(os.environ["WARDROBE_LIBRARY"]).expanduser()
    if configured:
        return Path(configured).expanduser()
    return home if home is not None else home_dir()


def model_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--model, else $WARDROBE_MODEL, else the model shipped in the repository's model/ folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_MODEL"):
        return Path(os.environ["WARDROBE_MODEL"]).expanduser()
    return SHIPPED_MODEL_DIR


def photo_model_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--photo-model, else $WARDROBE_PHOTO_MODEL, else the photo network shipped in model/photo/."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("WARDROBE_PHOTO_MODEL"):
        return Path(os.environ["WARDROBE_PHOTO_MODEL"]).expanduser()
    return SHIPPED_MODEL_DIR / "photo"


def user_name(explicit: str | None = None, configured: str | None = None) -> str | None:
    """--user, else $WARDROBE_USER, else the config file's, else None (commands then mean the 'default' user, or
    everybody for a listing)."""
    return explicit or os.environ.get("WARDROBE_USER") or configured or None


class BadName(ValueError):
    """A user or run name that cannot be used; the message says why."""


def check_user_name(name: str) -> str:
    """A user name as typed, refused if empty, too long or holding control characters (ESC sequences...)."""
    if not name or not name.strip():
        raise BadName("a user name cannot be empty")
    if len(name) > 100:
        raise BadName("a user name has at most 100 characters")
    if any(not ch.isprintable() for ch in name) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise BadName(f"user name {ascii(name)} holds control characters; use letters, digits and punctuation")
    return name


def check_run_name(name: str) -> str:
    """A training run's name: a plain folder name under HOME/runs (letters, digits, '.', '_', '-'), no paths."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name or "") or ".." in name:
        raise BadName(f"run name {ascii(name)} is not allowed: use up to 64 letters, digits, '.', '_' or '-', "
                      "starting with a letter or digit (it names a folder under HOME/runs)")
    return name


# The config file in the home (`wardrobe config`): key = "value" lines, a subset of TOML that Python 3.10 reads without
# a TOML library. A flag or WARDROBE_* variable wins over it; it wins over the defaults.
CONFIG_FILE = "config.toml"
DEFAULT_FORECAST_URL = "https://api.open-meteo.com/v1/forecast"
CONFIG_KEYS: dict[str, str] = {
    "location": "where you dress, as LAT,LON in degrees (e.g. 52.52,13.41): `suggest` uses its forecast",
    "forecast-url": f"the forecast server, Open-Meteo's API or one like it [default: {DEFAULT_FORECAST_URL}]",
    "user": "whose taste a command means when no --user or WARDROBE_USER is given",
    "database": "the inventory on a database server, as --database (e.g. postgresql+psycopg://USER@HOST/DATABASE)",
    "library": "the folder of the photo library, as --library",
}
CONFIG_ENV = {"location": "WARDROBE_LOCATION", "forecast-url": "WARDROBE_FORECAST_URL", "user": "WARDROBE_USER",
              "database": "WARDROBE_DATABASE_URL", "library": "WARDROBE_LIBRARY"}


class BadConfig(ValueError):
    """A config key or value that cannot be used, or a config file that cannot be read; the message says why."""


def parse_location(text: str) -> tuple[float, float]:
    """'52.52,13.41' (or '52.52, 13.41', '52.52 13.41') as (latitude, longitude) in degrees."""
    parts = [p for p in re.split(r"[,\s]+", str(text).strip()) if p]
    try:
        if len(parts) != 2:
            raise ValueError
        latitude, longitude = (float(p) for p in parts)
    except ValueError:
        raise BadConfig(f"location {ascii(str(text))[:60]} is not LAT,LON in degrees, e.g. 52.52,13.41") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadConfig(f"location {latitude},{longitude} is off the globe: latitude -90..90, longitude -180..180")
    return latitude, longitude


def check_forecast_url(text: str) -> str:
    """An http(s) URL with a host, as typed."""
    url = str(text).strip()
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url) or any(not ch.isprintable() for ch in url):
        raise BadConfig(f"forecast-url {ascii(url)[:80]} is not an http:// or https:// URL")
    return url


def check_config_value(key: str, value: str) -> str:
    """The value as the config file keeps it, or BadConfig saying what is wrong with it."""
    if key not in CONFIG_KEYS:
        raise BadConfig(f"unknown config key {ascii(key)[:60]}; the keys are {', '.join(CONFIG_KEYS)}")
    if key == "location":
        latitude, longitude = parse_location(value)
        return f"{latitude:g},{longitude:g}"
    if key == "forecast-url":
        return check_forecast_url(value)
    if key == "user":
        try:
            return check_user_name(value)
        except BadName as exc:
            raise BadConfig(str(exc)) from None
    if not str(value).strip() or any(not ch.isprintable() for ch in str(value)):
        raise BadConfig(f"{key} cannot be empty or hold control characters")
    return str(value).strip()


def parse_config_text(text: str, where: str) -> dict[str, str]:
    """The key = "value" lines of a config file (comments with #); BadConfig names the first line it cannot read."""
    import json

    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.fullmatch(r'([A-Za-z][A-Za-z0-9_-]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*(#.*)?', stripped)
        try:
            value = json.loads(match.group(2)) if match else None
        except ValueError:
            value = None
        if not isinstance(value, str):
            raise BadConfig(f"{where} line {number} is not key = \"value\"; fix or remove it "
                            "(`wardrobe config set KEY VALUE` writes it)")
        values[match.group(1)] = value
    return values


def config_text(values: dict[str, str]) -> str:
    """A config file holding these values (in CONFIG_KEYS' order), each under a comment saying what it is."""
    import json

    lines = ["# wardrobe's settings: `wardrobe config` reads and changes them; a flag or WARDROBE_* variable wins."]
    for key in CONFIG_KEYS:
        if key in values:
            lines += [f"# {CONFIG_KEYS[key]}", f"{key} = {json.dumps(values[key], ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"
