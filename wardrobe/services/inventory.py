"""Inventory use cases: add, classify, list, show, relabel, remove, train the classifier."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wardrobe import config
from wardrobe.domain import Item, Prediction
from wardrobe.store.errors import HomeUnusable, StoreError, os_problem
from wardrobe.store.library import PhotoLibrary, file_sha256, thumbnail_jpeg
from wardrobe.store.repository import Inventory, NewItem
from wardrobe.vision.card import ModelError  # noqa: F401  (re-exported by wardrobe.services)
from wardrobe.vision.fmnist import DatasetNotFound  # noqa: F401  (re-exported)
from wardrobe.vision.photo import CONVERSION_VERSION, PhotoError, find_photos, open_photo
from wardrobe.vision.safe_open import one_line
from wardrobe.vision.views import photo_views, read_views

BATCH_SIZE = 64
PROCESSES_FROM = 200  # photos in one command from which conversion runs in worker processes


MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id cannot be stored, so it names nothing


class NotFound(LookupError):
    """An item id that is not in the inventory."""


def storable(ids) -> list[int]:
    """The ids that could exist in the database (1 to 2^63-1); others name nothing and are simply not found."""
    return [i for i in ids if 0 < i <= MAX_ID]


def _no_item(ids) -> NotFound:
    return NotFound(f"no item with id {', '.join(map(str, ids))}; `wardrobe list` shows the ids")


@dataclass
class PhotoResult:
    """What happened to one input photo."""

    path: Path
    prediction: Prediction | None = None
    item: Item | None = None
    duplicate_of: int | None = None
    error: str | None = None
    colours: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    path: Path
    sha256: str = ""
    pixels: np.ndarray | None = None
    framed: np.ndarray | None = None
    thumbnail: bytes = b""
    colours: list[str] = field(default_factory=list)
    reading: object | None = None  # the networks' Reading, where a worker process read the photo itself
    error: str | None = None


# In a worker process: both networks on one thread each. Workers that read what they prepare keep both
# cores busy without the stalls of a two-thread network waiting on a core the converters hold.
_WORKER_NETWORKS = None


def _start_worker(parent: int, model_dir: Path, photo_dir: Path) -> None:
    global _WORKER_NETWORKS
    _die_with_parent(parent)
    from wardrobe.vision.classifier import Classifier

    _WORKER_NETWORKS = Classifier(model_dir, photo_dir, need_head=False, threads=1)


def _die_with_parent(parent: int) -> None:
    """In a worker process: exit when the `wardrobe` process that started it is gone (even after kill -9)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _prepare(path: Path, with_photo: bool, size: int) -> _Prepared:
    """Hash, open and make both views of one photo; runs in worker threads or processes."""
    from wardrobe.vision.colours import dominant_colours

    prepared = _Prepared(path)
    try:
        image = open_photo(path)  # first: it refuses devices and pipes, which hashing would hang on
        prepared.sha256 = file_sha256(path)
        views = photo_views(image, size)
        prepared.pixels = views.converted.pixels
        prepared.framed = views.framed
        prepared.colours = dominant_colours(views.converted.work, views.converted.mask)
        if with_photo:
            prepared.thumbnail = thumbnail_jpeg(image)
        if _WORKER_NETWORKS is not None:
            prepared.reading = _WORKER_NETWORKS.read_networks(prepared.pixels[None], prepared.framed[None])
            prepared.framed = None  # read: no need to send it back
    except PhotoError as exc:
        prepared.error = str(exc)
    except OSError as exc:
        prepared.error = one_line(exc.strerror or exc)
    except Exception as exc:  # noqa: BLE001  whatever fails on one photo is that photo's one-line refusal
        prepared.error = f"could not be converted ({one_line(exc) or type(exc).__name__})"
    if prepared.error:
        prepared.pixels, prepared.framed, prepared.thumbnail = None, None, b""
    return prepared


def stored_name(path: Path) -> str:
    """The file name as the inventory keeps it: valid UTF-8 (undecodable bytes become U+FFFD)."""
    return os.fsencode(path.name).decode("utf-8", errors="replace")


class Wardrobe:
    """A household's wardrobe: the inventory (in `home`, or on the `database` server), the photo library (in
    `library`, else `home`), the classifier from `model_dir`."""

    def __init__(self, home: Path | None = None, model_dir: Path | None = None, photo_model_dir: Path | None = None,
                 database: str | None = None, library: Path | None = None):
        self.home = config.home_dir(home)
        self.model_dir = config.model_dir(model_dir)
        self.photo_model_dir = config.photo_model_dir(photo_model_dir)
        self.database = config.database_url(database)
        self.library = PhotoLibrary(config.library_dir(library, self.home))
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
    def classifier(self):
        """Both LiteRT networks and the photo head (the user's own where there is one), loaded once per process."""
        if self._classifier is None:
            from wardrobe.vision.classifier import Classifier

            self._classifier = Classifier(self.model_dir, self.photo_model_dir, personal_head=self.personal_head)
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
        yield from self._process(entries, store=False, label=None, progress=progress)

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
        self.library.sweep_temporary()
        yield from self._process(entries, store=True, label=label, progress=progress, owner_id=owner_id)

    def user_id(self, name: str) -> int:
        """The id of the user with this name, created if new (a name with control characters is refused)."""
        from wardrobe.store.taste import TasteStore

        return TasteStore(self.inventory.sessions).user_id(config.check_user_name(name), create=True)

    def _process(self, entries, store: bool, label: int | None, progress, owner_id: int | None = None) -> Iterator[PhotoResult]:
        batches = [entries[start : start + BATCH_SIZE] for start in range(0, len(entries), BATCH_SIZE)]
        workers = os.cpu_count() or 1
        # Many photos: processes convert them free of the GIL (their start-up pays off after a few dozen);
        # a handful: threads, which start at once.
        many = sum(problem is None for _, problem in entries) >= PROCESSES_FROM and workers > 1
        size = self.classifier.photo_size  # loads the models before any work: a missing model stops at once
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                                       initargs=(os.getpid(), self.model_dir, self.photo_model_dir)) if many \
            else ThreadPoolExecutor(workers)
        with executor as pool:
            def submit(batch):
                return {id(path): pool.submit(_prepare, path, store, size) for path, problem in batch if problem is None}

            # The workers convert batch k+1 while this thread runs the network on batch k.
            upcoming = submit(batches[0]) if batches else {}
            for k, batch in enumerate(batches):
                current, upcoming = upcoming, (submit(batches[k + 1]) if k + 1 < len(batches) else {})
                prepared = {key: future.result() for key, future in current.items()}
                yield from self._finish_batch(batch, prepared, store, label, owner_id)
                if progress:
                    progress(len(batch))

    def _finish_batch(self, batch, prepared: dict, store: bool, label: int | None, owner_id: int | None) -> list[PhotoResult]:
        results: list[PhotoResult] = []
        good: list[tuple[PhotoResult, _Prepared]] = []
        for path, problem in batch:
            result = PhotoResult(path)
            results.append(result)
            if problem:
                result.error = problem
                continue
            p = prepared[id(path)]
            result.colours = p.colours
            if p.error:
                result.error = p.error
            else:
                good.append((result, p))
        if store and good:
            existing = self.inventory.existing_hashes(p.sha256 for _, p in good)
            twins: dict[str, list[PhotoResult]] = {}  # the same photo twice in one batch
            fresh = []
            for result, p in good:
                if p.sha256 in existing:
                    result.duplicate_of = existing[p.sha256]
                elif p.sha256 in twins:
                    twins[p.sha256].append(result)
                else:
                    twins[p.sha256] = []
                    fresh.append((result, p))
            good = fresh
        if not good:
            return results
        if all(p.reading is not None for _, p in good):
            from wardrobe.vision.classifier import Reading

            reading = self.classifier.decided(Reading.joined([p.reading for _, p in good]))
        else:
            reading = self.classifier.read(np.stack([p.pixels for _, p in good]), np.stack([p.framed for _, p in good]))
        probabilities, embeddings = reading.probabilities, reading.embedding
        for (result, _), probs, embedding in zip(good, probabilities, embeddings):
            result.prediction = Prediction(tuple(probs.tolist()), tuple(embedding.tolist()))
        if store:
            self._store(good, probabilities, embeddings, reading.features, twins, label, owner_id)
        return results

    def _store(self, good, probabilities, embeddings, features_all, twins, label, owner_id) -> None:
        """Files into the library, then rows in one transaction; files this batch wrote go if the rows do not."""
        created: list[str] = []
        try:
            new_items = []
            for (result, p), probs, embedding, features in zip(good, probabilities, embeddings, features_all):
                try:
                    photo_file, thumb_file = self.library.store(p.path, p.sha256, p.thumbnail, created)
                except OSError as exc:
                    if exc.filename and Path(exc.filename) == p.path or (exc.filename is None and not p.path.exists()):
                        result.error = f"could not be read ({one_line(exc.strerror or exc)})"  # gone meanwhile
                        continue
                    raise os_problem(self.library.photos, exc) from exc
                new_items.append((result, p, NewItem(
                    sha256=p.sha256, photo_file=photo_file, thumbnail_file=thumb_file,
                    original_name=stored_name(p.path), predicted_label=int(np.argmax(probs)),
                    probabilities=[round(float(v), 6) for v in probs], conversion_version=CONVERSION_VERSION,
                    model_version=self.classifier.version, embedding=embedding.astype(np.float32).tobytes(),
                    colours=p.colours, user_label=label, photo_features=features.astype(np.float16).tobytes(),
                    owner_id=owner_id,
                )))
                p.thumbnail, p.framed = b"", None
            if not new_items:
                return
            outcome = self.inventory.add_new_items([new for _, _, new in new_items])
        except BaseException:
            self.take_back(created)
            raise
        keep: set[str] = set()
        for (result, p, new), found in zip(new_items, outcome):
            if isinstance(found, Item):
                result.item = found
                keep.update((new.photo_file, new.thumbnail_file))
            else:  # another `add` stored this photo meanwhile
                result.duplicate_of, result.prediction = found, None
            for twin in twins[p.sha256]:
                twin.duplicate_of = found.id if isinstance(found, Item) else found
        self.take_back([rel for rel in created if rel not in keep], check=True)

    def take_back(self, created: list[str], check: bool = False) -> None:
        """Remove library files this process wrote that no row refers to (after a failure or a lost race)."""
        if not created:
            return
        if check:
            try:
                referenced = self.inventory.referenced_files(created)
            except StoreError:
                return  # cannot tell: an orphan file is harmless, a row without its file is not
            created = [rel for rel in created if rel not in referenced]
        try:
            self.library.delete(*created)
        except OSError:
            pass

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
              unsure: bool = False) -> list[Item]:
        """Items in id order by category and state; a `user` sees their own and the shared ones, no user sees all;
        unsure=True keeps those flagged for review (unsure prediction, no label of yours)."""
        items = self.inventory.list(label=label, state=state, for_user=user)
        return [item for item in items if item.unsure] if unsure else items

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


def training_report(run_dir: Path, min_gain: float | None = None) -> dict:
    """A run's history, its figures (PNG, in the run folder) and where its returns diminished."""
    from wardrobe.vision.history import DEFAULT_GAIN, diminishing_returns, draw_figures
    from wardrobe.vision.train import RunFolder

    run = RunFolder(run_dir)
    history = run.read_history()
    if not history:
        raise FileNotFoundError(f"{run.history}: no finished epoch in this run yet")
    figures = draw_figures(history, run.path / "figures", run.path.name)
    return {"run": str(run.path), "history": history, "figures": [str(f) for f in figures],
            "diminishing_returns": diminishing_returns(history, DEFAULT_GAIN if min_gain is None else min_gain)}


def train_classifier(run_dir: Path, out_dir: Path, data_dir: Path | None = None, export_only: bool = False,
                     devices: int | None = None, **settings) -> dict:
    """Train (or resume) a run on `devices` (None: every GPU, else the CPU), then publish its best model to
    out_dir; returns the new model card."""
    from wardrobe.vision import train as training

    if not export_only:
        training.train(training.TrainConfig.for_arch(**settings), run_dir, data_dir=data_dir, devices=devices)
    return training.export(run_dir, out_dir, data_dir=data_dir)
