"""Adding photos: worker threads read, hash, open, convert and frame each photo and run the photo network on it; this
thread runs the paper's network on batches of them and stores whole batches."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wardrobe.domain import Item, Prediction
from wardrobe.store.errors import StoreError, os_problem
from wardrobe.store.library import PhotoLibrary, thumbnail_jpeg
from wardrobe.store.repository import NewItem
from wardrobe.vision.attributes import attribute_features, colour_features
from wardrobe.vision.colours import dominant_colours
from wardrobe.vision.photo import CONVERSION_VERSION, PhotoError, read_photo
from wardrobe.vision.photonet import FRAMING_VERSION
from wardrobe.vision.safe_open import one_line
from wardrobe.vision.views import read_closeup, read_views

BATCH_SIZE = 64  # photos stored in one transaction, and read by the paper's network in one pass
# What an item records of how its photo was turned into what the networks read (at most 40 characters).
VIEWS_VERSION = f"{CONVERSION_VERSION}+{FRAMING_VERSION}"


@dataclass(frozen=True)
class Upload:
    """A photo that arrived as bytes (from a phone through `wardrobe serve`), named as its sender named it.

    It goes where a path goes: read from memory instead of a file, everything else as `add` does."""

    name: str
    data: bytes = field(repr=False)


@dataclass
class PhotoResult:
    """What happened to one input photo."""

    path: Path
    prediction: Prediction | None = None
    item: Item | None = None
    duplicate_of: int | None = None
    error: str | None = None
    colours: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class _Prepared:
    path: Path
    sha256: str = ""
    pixels: np.ndarray | None = None  # the 28x28 view, for the paper's network
    features: np.ndarray | None = None  # the photo network's outputs: pooled features (1, F)
    imagenet: np.ndarray | None = None  # and closet ImageNet logits (1, K)
    thumbnail: bytes = b""
    colours: list[str] = field(default_factory=list)
    colour_features: np.ndarray | None = None  # the garment's colour statistics, for the colour head
    closeup_features: np.ndarray | None = None  # the photo network's features of the garment's close-up (pattern)
    staged: Path | None = None  # the photo's bytes, as read, in a temporary file of the library (when storing)
    error: str | None = None


def _prepare(path: Path, library: PhotoLibrary | None, classifier) -> _Prepared:
    """Read one photo once; hash it, decode it once and make its views of those bytes (and, for the attributes, decode
    it again at full scale where the views' copy was reduced, for the close-up), run the photo network on them, and
    (when storing) stage those same bytes in the library. Runs in worker threads: what costs most (decoding,
    resizing, the photo network) runs in native code that lets go of the GIL. A photo swapped or rewritten
    meanwhile cannot make the stored file differ from its hash, nor make it grow without end."""
    prepared = _Prepared(path)
    data = b""
    try:
        # A regular file only (never a device or pipe), size-capped, one descriptor; an upload is bytes already.
        data = path.data if isinstance(path, Upload) else read_photo(path)
        prepared.sha256 = hashlib.sha256(data).hexdigest()
        views = read_views(data, classifier.photo_size)
        prepared.pixels = views.converted.pixels
        prepared.colours = dominant_colours(views.converted.work, views.converted.mask)
        if library is not None:
            prepared.thumbnail = thumbnail_jpeg(views.image)
        reads_attributes = classifier.attribute_heads is not None
        if reads_attributes:
            prepared.colour_features = colour_features(views.converted.work, views.converted.mask)
            close = read_closeup(data, views, classifier.photo_size)
        with classifier.photo_network() as network:
            prepared.features, prepared.imagenet = network.read(views.framed[None])
            if reads_attributes:
                prepared.closeup_features = network.read(close[None])[0][0]
    except PhotoError as exc:
        prepared.error = str(exc)
    except OSError as exc:
        prepared.error = one_line(exc.strerror or exc)
    except Exception as exc:  # noqa: BLE001  whatever fails on one photo is that photo's one-line refusal
        prepared.error = f"could not be converted ({one_line(exc) or type(exc).__name__})"
    if prepared.error:
        prepared.pixels, prepared.features, prepared.imagenet, prepared.thumbnail = None, None, None, b""
    elif library is not None:
        try:
            prepared.staged = library.stage(prepared.sha256, path.name, data)
        except OSError as exc:  # the library's problem (a full disk), not this photo's: it stops the add
            raise os_problem(library.photos, exc) from exc
    return prepared


def stored_name(path: Path) -> str:
    """The file name as the inventory keeps it: valid UTF-8 (undecodable bytes become U+FFFD)."""
    return os.fsencode(path.name).decode("utf-8", errors="replace")



class Intake:
    """The add pipeline of one wardrobe: workers prepare batch k+1 while this thread reads and stores batch k."""

    def __init__(self, wardrobe):  # a services.inventory.Wardrobe (not imported: that module imports this one)
        self.wardrobe = wardrobe

    def process(self, entries, store: bool, label: int | None, progress, owner_id: int | None = None) -> Iterator[PhotoResult]:
        batches = [entries[start : start + BATCH_SIZE] for start in range(0, len(entries), BATCH_SIZE)]
        classifier = self.wardrobe.classifier  # loads the models before any work: a missing model stops at once
        library = self.wardrobe.library if store else None
        workers = min(os.cpu_count() or 1, max(1, sum(problem is None for _, problem in entries)))
        classifier.lend_photo_networks(workers)  # one photo network a worker, made in this thread
        with ThreadPoolExecutor(workers) as pool:
            def submit(batch):
                return {id(path): pool.submit(_prepare, path, library, classifier) for path, problem in batch
                        if problem is None}

            # The workers prepare batch k+1 while this thread runs the paper's network on batch k and stores it.
            current, upcoming = {}, submit(batches[0]) if batches else {}
            try:
                for k, batch in enumerate(batches):
                    current, upcoming = upcoming, (submit(batches[k + 1]) if k + 1 < len(batches) else {})
                    prepared = {key: future.result() for key, future in current.items()}
                    current = {}
                    yield from self._finish_batch(batch, prepared, store, label, owner_id)
                    if progress:
                        progress(len(batch))
            except BaseException:
                self._discard([*current.values(), *upcoming.values()])
                raise

    def _discard(self, futures) -> None:
        """Remove what unfinished work staged (after a failure or an interruption); waits for running workers."""
        for future in futures:
            if future.cancel():
                continue
            try:
                self.wardrobe.library.discard(future.result().staged)
            except BaseException:  # noqa: BLE001  a worker that failed staged nothing
                pass

    def _finish_batch(self, batch, prepared: dict, store: bool, label: int | None, owner_id: int | None) -> list[PhotoResult]:
        try:
            return self._finish(batch, prepared, store, label, owner_id)
        finally:
            for p in prepared.values():  # duplicates, refusals, a failed batch: what was staged and not stored
                self.wardrobe.library.discard(p.staged)

    def _finish(self, batch, prepared: dict, store: bool, label: int | None, owner_id: int | None) -> list[PhotoResult]:
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
            existing = self.wardrobe.inventory.existing_hashes(p.sha256 for _, p in good)
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
        classifier = self.wardrobe.classifier
        reading = classifier.decided(classifier.paper_read(
            np.stack([p.pixels for _, p in good]), np.concatenate([p.features for _, p in good]),
            np.concatenate([p.imagenet for _, p in good])))
        probabilities, embeddings = reading.probabilities, reading.embedding
        kept: list[np.ndarray | None] = [None] * len(good)
        attributes = [{} for _ in good]
        if classifier.attribute_heads is not None:
            closeups = np.stack([p.closeup_features for _, p in good])
            colours = np.stack([p.colour_features for _, p in good])
            attributes = classifier.read_attributes(reading.features, closeups, colours, np.argmax(probabilities, axis=1))
            kept = [attribute_features(c, k) for c, k in zip(closeups, colours)]
        for (result, _), probs, embedding, values in zip(good, probabilities, embeddings, attributes):
            result.prediction = Prediction(tuple(probs.tolist()), tuple(embedding.tolist()))
            result.attributes = values
        if store:
            self._store(good, probabilities, embeddings, reading.features, twins, label, owner_id, kept)
        return results

    def _store(self, good, probabilities, embeddings, features_all, twins, label, owner_id, kept_all) -> None:
        """Files into the library, then rows in one transaction; files this batch wrote go if the rows do not."""
        created: list[str] = []
        try:
            new_items = []
            for (result, p), probs, embedding, features, kept in zip(good, probabilities, embeddings, features_all,
                                                                     kept_all):
                try:
                    photo_file, thumb_file = self.wardrobe.library.store(p.sha256, p.path.name, p.staged, p.thumbnail,
                                                                         created)
                except OSError as exc:  # the photo's bytes were read long ago: any failure now is the library's
                    raise os_problem(self.wardrobe.library.photos, exc) from exc
                p.staged = None
                new_items.append((result, p, NewItem(
                    sha256=p.sha256, photo_file=photo_file, thumbnail_file=thumb_file,
                    original_name=stored_name(p.path), predicted_label=int(np.argmax(probs)),
                    probabilities=[round(float(v), 6) for v in probs], conversion_version=VIEWS_VERSION,
                    model_version=self.wardrobe.classifier.version, embedding=embedding.astype(np.float32).tobytes(),
                    colours=p.colours, user_label=label, photo_features=features.astype(np.float16).tobytes(),
                    owner_id=owner_id, attributes=result.attributes,
                    attribute_features=None if kept is None else kept.astype(np.float16).tobytes(),
                )))
                p.thumbnail = b""
            if not new_items:
                return
            outcome = self.wardrobe.inventory.add_new_items([new for _, _, new in new_items])
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
                referenced = self.wardrobe.inventory.referenced_files(created)
            except StoreError:
                return  # cannot tell: an orphan file is harmless, a row without its file is not
            created = [rel for rel in created if rel not in referenced]
        try:
            self.wardrobe.library.delete(*created)
        except OSError:
            pass
