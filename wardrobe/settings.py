"""The settings of one run of the app, built once from flags, environment and the home's config file."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from wardrobe import config

FORECAST_TIMEOUT = 3.0  # seconds a forecast may take before a command goes on without it


@dataclass(frozen=True)
class Settings:
    """Where the inventory, the photo library and both networks are, whose taste is asked for, and where one dresses.

    Built once by resolve() (a flag wins over its environment variable, which wins over the home's config file, which
    wins over the default) and never changed afterwards: a change is a new object (replace()). Nothing writes settings
    into os.environ.
    """

    home: Path
    model: Path
    photo_model: Path
    library: Path
    database: str | None = None
    user: str | None = None
    location: tuple[float, float] | None = None  # (latitude, longitude): suggest dresses for its forecast
    forecast_url: str = config.DEFAULT_FORECAST_URL
    forecast_timeout: float = FORECAST_TIMEOUT

    @classmethod
    def resolve(cls, home: str | Path | None = None, model: str | Path | None = None,
                photo_model: str | Path | None = None, database: str | None = None,
                library: str | Path | None = None, user: str | None = None, strict: bool = True) -> Settings:
        """Settings from flags (None where not given), completed from WARDROBE_* variables, the home's config file,
        then the defaults.

        A config file that cannot be read, or (when `strict`) holds a bad value, raises config.BadConfig; not strict,
        bad values are left out (what `wardrobe config` needs to mend them).
        """
        home_path = config.home_dir(home)
        configured = configured_values(home_path, strict)
        location, forecast_url = (_environment(key, configured) for key in ("location", "forecast-url"))
        return cls(home=home_path, model=config.model_dir(model), photo_model=config.photo_model_dir(photo_model),
                   library=config.library_dir(library, home_path, configured.get("library")),
                   database=config.database_url(database, configured.get("database")),
                   user=config.user_name(user, configured.get("user")),
                   location=config.parse_location(location) if location else None,
                   forecast_url=config.check_forecast_url(forecast_url) if forecast_url else config.DEFAULT_FORECAST_URL)

    def replace(self, **changes) -> Settings:
        """These settings with some changed; a new home also moves a library that followed the home."""
        if "home" in changes and "library" not in changes and self.library == self.home:
            changes["library"] = Path(changes["home"])
        return dataclasses.replace(self, **changes)

    @property
    def taste_user(self) -> str:
        """The user whose ratings and proposals a command means: --user, else 'default'."""
        return self.user or "default"

    @property
    def config_file(self) -> Path:
        return config_path(self.home)


def _environment(key: str, configured: dict[str, str]) -> str | None:
    """A key's WARDROBE_* variable (checked: BadConfig names it), else the config file's value."""
    variable = config.CONFIG_ENV[key]
    if not os.environ.get(variable):
        return configured.get(key)
    try:
        return config.check_config_value(key, os.environ[variable])
    except config.BadConfig as exc:
        raise config.BadConfig(f"{variable}: {exc}") from None


def config_path(home: Path) -> Path:
    return home / config.CONFIG_FILE


def read_config(home: Path) -> dict[str, str]:
    """The config file's entries as written (none when there is no file); BadConfig when it cannot be read."""
    path = config_path(home)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no file, or a home that is not a folder (the store says so)
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise config.BadConfig(f"cannot read {path} ({getattr(exc, 'strerror', None) or type(exc).__name__})") from None
    return config.parse_config_text(text, str(path))


def configured_values(home: Path, strict: bool = True) -> dict[str, str]:
    """The config file's entries, each checked (BadConfig names the first bad one); not strict, bad ones are left out."""
    values = {}
    for key, value in read_config(home).items():
        try:
            values[key] = config.check_config_value(key, value)
        except config.BadConfig as exc:
            if strict:
                raise config.BadConfig(f"{config_path(home)}: {exc}; `wardrobe config set {key} VALUE` or "
                                       f"`wardrobe config unset {key}` mends it") from None
    return values


def write_config(home: Path, values: dict[str, str]) -> Path:
    """Write the config file whole (or not at all); returns its path."""
    from wardrobe.files import atomic_write_text

    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, config.config_text(values))
    return path
