"""The wardrobe facade and the inventory use cases: list, show, relabel, remove; adding photos is in intake."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from wardrobe.domain import ATTRIBUTES, KINDS, Item, Prediction, UnknownAttribute, kind_fits, parse_attribute
from wardrobe.services.intake import Intake, PhotoResult  # noqa: F401  (PhotoResult re-exported)
from wardrobe.settings import Settings
from wardrobe.store.errors import HomeUnusable
from wardrobe.store.library import STALE_SECONDS, PhotoLibrary
from wardrobe.store.repository import Inventory
from wardrobe.vision.card import ModelError  # noqa: F401  (re-exported by wardrobe.services)
from wardrobe.vision.photo import PhotoError, find_photos
from wardrobe.vision.views import read_views

MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id cannot be stored, so it names nothing


class NotFound(LookupError):
    """An item id that is not in the inventory."""


def storable(ids) -> list[int]:
    """The ids that could exist in the database (1 to 2^63-1); others name nothing and are simply not found."""
    return [i for i in ids if 0 < i <= MAX_ID]


def attribute_name(text: str) -> str:
    """'Colour', 'color' or 'kind' -> the attribute's name; UnknownAttribute (listing them) for anything else."""
    wanted = text.strip().lower().replace("color", "colour")
    if wanted not in ATTRIBUTES:
        raise UnknownAttribute(f"{text!r} is not an attribute; choose one of: {', '.join(ATTRIBUTES)}")
    return wanted


def matches(item: Item, attributes: dict[str, str]) -> bool:
    """Whether the item's effective attributes (main colour for colour) are these."""
    effective = {"kind": item.kind, "pattern": item.pattern, "material": item.material, "colour": item.main_colour}
    return all(effective[a] == v for a, v in attributes.items())


def _no_item(ids) -> NotFound:
    return NotFound(f"no item with id {', '.join(map(str, ids))}; `wardrobe list` shows the ids")


class Wardrobe:
    """A household's wardrobe, as its settings say: the inventory (a SQLite file in the home, or a database server),
    the photo library and both networks. The keyword arguments are a shortcut for Settings.resolve(...)."""

    def __init__(self, home: Path | None = None, model_dir: Path | None = None, photo_model_dir: Path | None = None,
                 database: str | None = None, library: Path | None = None, *, settings: Settings | None = None):
        self.settings = settings or Settings.resolve(home=home, model=model_dir, photo_model=photo_model_dir,
                                                     database=database, library=library)
        self.home = self.settings.home
        self.model_dir = self.settings.model
        self.photo_model_dir = self.settings.photo_model
        self.database = self.settings.database
        self.library = PhotoLibrary(self.settings.library)
        self._inventory: Inventory | None = None
        self._classifier = None

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = Inventory(self.home / "inventory.sqlite3") if self.database is None \
                else Inventory(url=self.database)
        return self._inventory

    @property
    def personal_head(self) -> Path:
        """Where `retrain --classifier` keeps the photo head adapted to this user's corrections."""
        return self.home / "model-personal" / "head.npz"

    @property
    def personal_attributes(self) -> Path:
        """Where `retrain --classifier` keeps the attribute heads refitted to this user's tags."""
        return self.home / "model-personal" / "attributes.npz"

    @property
    def classifier(self):
        """Both LiteRT networks and the photo head (the user's own where there is one), loaded once per process.

        Each network runs on one thread: `add` runs the paper's network in its own thread beside worker threads
        that keep every core busy, where a second thread of the network would only wait for a core (measured)."""
        if self._classifier is None:
            from wardrobe.vision.classifier import Classifier

            self._classifier = Classifier(self.model_dir, self.photo_model_dir, personal_head=self.personal_head,
                                          personal_attributes=self.personal_attributes, threads=1)
        return self._classifier

    def forget_classifier(self) -> None:
        """Drop the loaded classifier, so the next use reads the model and the personal head again."""
        self._classifier = None

    def close(self) -> None:
        if self._inventory is not None:
            self._inventory.close()

    # -- photos in -----------------------------------------------------------------------------------------

    @staticmethod
    def find_inputs(paths: list[str | Path], skipped: list[tuple[Path, str]] | None = None) -> list[tuple[Path, str | None]]:
        """The photos behind files and folders, in input order, with (path, problem) for bad inputs.

        What folder scans pass over (other file types, unreadable subfolders) goes to `skipped`.
        """
        return find_photos(paths, skipped=skipped)

    def classify(self, entries: list[tuple[Path, str | None]],
                 progress: Callable[[int], None] | None = None) -> Iterator[PhotoResult]:
        """Predict each photo's category without storing anything; results in input order."""
        yield from Intake(self).process(entries, store=False, label=None, progress=progress)

    def add(self, entries: list[tuple[Path, str | None]], label: int | None = None,
            progress: Callable[[int], None] | None = None, owner: str | None = None) -> Iterator[PhotoResult]:
        """Classify and store each photo; one transaction per batch, so an interruption keeps only whole items.

        New items belong to `owner` (a user name), or to the household (shared) when None. Temporary files
        a killed `add` left in the library are removed first.
        """
        if self.inventory.read_only:
            raise HomeUnusable(f"the home {self.home} is read-only: nothing can be added; reading commands (list, "
                               "show, users) still work; use --home DIR for a writable home")
        owner_id = self.user_id(owner) if owner is not None else None
        with self.library.unclaimed() as unclaimed:  # no add or import running: every temporary file is a leftover
            self.library.sweep_temporary(0 if unclaimed else STALE_SECONDS)
        with self.library.writing():
            yield from Intake(self).process(entries, store=True, label=label, progress=progress, owner_id=owner_id)

    def add_uploads(self, uploads: list, owner: str | None = None) -> list[PhotoResult]:
        """Classify and store photos that arrived as bytes (services.intake.Upload), in this process's threads."""
        if self.inventory.read_only:
            raise HomeUnusable(f"the home {self.home} is read-only: nothing can be added")
        owner_id = self.user_id(owner) if owner is not None else None
        return list(Intake(self).process([(upload, None) for upload in uploads], store=True, label=None,
                                         progress=None, owner_id=owner_id))

    def user_id(self, name: str) -> int:
        """The id of the user with this name, created if new (a name with control characters is refused)."""
        from wardrobe.config import check_user_name
        from wardrobe.store.taste import TasteStore

        return TasteStore(self.inventory.sessions).user_id(check_user_name(name), create=True)





    def explain(self, photo: Path, out: Path, title: str = "") -> tuple[Prediction, Path]:
        """Classify one photo and draw what both networks saw (photo, mask, 28x28 input, framing, top 3) to out."""
        from wardrobe.domain import CATEGORIES, describe
        from wardrobe.vision.photonet import IMAGENET_CLOSET
        from wardrobe.vision.plots import explain_png

        views = read_views(photo, self.classifier.photo_size)
        reading = self.classifier.read(views.converted.pixels[None], views.framed[None])
        prediction = Prediction(tuple(float(v) for v in reading.probabilities[0]))
        top = [(CATEGORIES[i], p) for i, p in prediction.top(3)]
        paper = int(reading.fmnist[0].argmax())
        imagenet = list(IMAGENET_CLOSET.values())[int(reading.imagenet[0].argmax())]
        notes = [f"ResNet-50 alone: {CATEGORIES[paper]} {reading.fmnist[0][paper]:.0%}",
                 f"ImageNet's nearest closet class: {imagenet}"]
        heading = f"{title or Path(photo).name}: {describe(prediction.probabilities)}"
        return prediction, explain_png(out, views.converted.work, views.converted.mask, views.converted.pixels, top,
                                       heading, framed=views.framed, notes=notes)

    def explain_item(self, item_id: int, out: Path | None = None) -> tuple[Item, Prediction, Path]:
        item = self.item(item_id)
        out = out or self.home / "explain" / f"item-{item.id}.png"
        photo = self.photo_file(item)
        if photo is None:
            raise PhotoError(f"item {item.id}: its stored photo path lies outside the library; refused")
        prediction, path = self.explain(photo, out, f"item {item.id} ({item.original_name})")
        return item, prediction, path

    # -- the inventory -------------------------------------------------------------------------------------

    def items(self, label: int | None = None, state: str | None = None, user: str | None = None,
              unsure: bool = False, attributes: dict[str, str] | None = None) -> list[Item]:
        """Items in id order by category and state; a `user` sees their own and the shared ones, no user sees all;
        unsure=True keeps those flagged for review (unsure prediction, no label of yours); `attributes` keeps those
        whose kind, pattern, material and main colour (yours, else the app's reading) are these names."""
        items = self.inventory.list(label=label, state=state, for_user=user)
        wanted = {attribute_name(a): v for a, v in (attributes or {}).items()}
        return [item for item in items if (item.unsure or not unsure) and matches(item, wanted)]

    def item(self, item_id: int) -> Item:
        item = self.inventory.get(item_id) if storable([item_id]) else None
        if item is None:
            raise _no_item([item_id])
        return item

    def photo_file(self, item: Item) -> Path | None:
        """Where an item's photo is kept; None when its stored path does not lie inside the library."""
        return self.library.photo_path(item.photo_path) if self.library.is_inside(item.photo_path) else None

    def thumbnail_file(self, item: Item) -> Path | None:
        return self.library.photo_path(item.thumbnail_path) if self.library.is_inside(item.thumbnail_path) else None

    def relabel(self, item_id: int, label: int) -> Item:
        item = self.inventory.relabel(item_id, label) if storable([item_id]) else None
        if item is None:
            raise _no_item([item_id])
        return item

    def tag(self, item_id: int, values: dict[str, str] | None = None, clear: Iterable[str] = ()) -> Item:
        """Set the user's own attributes of an item (kind, pattern, material, colour: they win over what the heads
        read) and clear others (back to what the heads read); one transaction. Values may be spelt as users type
        them; an unknown one, or a kind its category cannot be, raises UnknownAttribute naming the allowed ones."""
        changes: dict[str, str | None] = {}
        for attribute in clear:
            changes[attribute_name(attribute)] = None
        for attribute, text in (values or {}).items():
            name = attribute_name(attribute)
            changes[name] = parse_attribute(name, text)
        if (kind := changes.get("kind")) is not None:
            current = self.item(item_id)
            if not kind_fits(kind, current.label):
                fitting = [k for k in KINDS if kind_fits(k, current.label)]
                raise UnknownAttribute(f"{kind!r} is not a kind of {current.category}; " + (
                    f"choose one of: {', '.join(fitting)}" if fitting else "that category has no kinds"))
        item = self.inventory.set_user_attributes(item_id, changes) if storable([item_id]) else None
        if item is None:
            raise _no_item([item_id])
        return item

    def set_warmth(self, item_id: int, warmth: int | None) -> Item:
        """How warm the user says an item is (0 for the heat .. 3 for the cold); None goes back to the default."""
        if warmth is not None and warmth not in range(4):
            raise ValueError("warmth is 0 (for the heat), 1 (light), 2 (warm) or 3 (for the cold)")
        item = self.inventory.set_warmth(item_id, warmth) if storable([item_id]) else None
        if item is None:
            raise _no_item([item_id])
        return item

    def remove(self, item_id: int) -> Item:
        return self.remove_many([item_id])[0]

    def remove_many(self, item_ids: list[int]) -> list[Item]:
        """Remove items and their stored files; unknown ids are refused before anything is removed."""
        ids = list(dict.fromkeys(item_ids))
        found = self.inventory.by_ids(storable(ids))
        missing = [i for i in ids if i not in found]
        if missing:
            raise _no_item(missing)
        removed = [item for i in ids if (item := self.inventory.remove(i)) is not None]
        for item in removed:
            # The row is gone first; files follow (an orphan file is harmless, a row without its file is not).
            # A path outside the library (a tampered row) reads as "" and nothing outside is ever deleted.
            self.library.delete(item.photo_path, item.thumbnail_path)
        return removed

