"""The settings of one run of the app, built once from flags and environment, and handed to every face and service."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from wardrobe import config


@dataclass(frozen=True)
class Settings:
    """Where the inventory, the photo library and both networks are, and whose taste is asked for.

    Built once by resolve() (a flag wins over its environment variable, which wins over the default) and never
    changed afterwards: a change is a new object (replace()). Nothing writes settings into os.environ.
    """

    home: Path
    model: Path
    photo_model: Path
    library: Path
    database: str | None = None
    user: str | None = None

    @classmethod
    def resolve(cls, home: str | Path | None = None, model: str | Path | None = None,
                photo_model: str | Path | None = None, database: str | None = None,
                library: str | Path | None = None, user: str | None = None) -> Settings:
        """Settings from flags (None where not given), completed from WARDROBE_* variables, then the defaults."""
        home_path = config.home_dir(home)
        return cls(home=home_path, model=config.model_dir(model), photo_model=config.photo_model_dir(photo_model),
                   library=config.library_dir(library, home_path), database=config.database_url(database),
                   user=config.user_name(user))

    def replace(self, **changes) -> Settings:
        """These settings with some changed; a new home also moves a library that followed the home."""
        if "home" in changes and "library" not in changes and self.library == self.home:
            changes["library"] = Path(changes["home"])
        return dataclasses.replace(self, **changes)

    @property
    def taste_user(self) -> str:
        """The user whose ratings and proposals a command means: --user, else 'default'."""
        return self.user or "default"
