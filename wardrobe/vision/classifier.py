"""Reading photos with the shipped LiteRT networks and the photo head (each checked against its card); no TensorFlow."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wardrobe.domain import FMNIST_CLASSES
from wardrobe.files import sha256_file
from wardrobe.vision.attributes import AttributeHeads
from wardrobe.vision.card import ModelError, restore_hint, verified_artifact
from wardrobe.vision.head import PhotoHead
from wardrobe.vision.litert import LiteRTModel
from wardrobe.vision.photonet import PhotoNetwork

BATCH = 64


class LiteRTNetwork:
    """The paper's network as a LiteRT flatbuffer: 28x28x1 in, probabilities and embedding out, fixed batches."""

    def __init__(self, path: Path, batch: int = BATCH, threads: int | None = None):
        self.model = LiteRTModel(path, batch, pad=False, threads=threads)
        sizes = self.model.output_sizes()
        # Output order is the converter's; the 10-wide one is the softmax.
        self.probabilities = sizes.index(FMNIST_CLASSES)
        self.embedding = 1 - self.probabilities

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x: (N, 28, 28, 1) float32 pixels 0-255. Returns probabilities (N, 10), embeddings (N, D)."""
        outputs = self.model.run(x)
        return outputs[self.probabilities], outputs[self.embedding]


@dataclass
class Reading:
    """What the two networks and the head made of a batch of photos."""

    probabilities: np.ndarray  # (N, len(CATEGORIES)): the head's decision over the closet's categories
    fmnist: np.ndarray  # (N, 10): the paper's network's own softmax on the 28x28 view
    embedding: np.ndarray  # (N, 2048): the paper's network's embedding of the 28x28 view
    features: np.ndarray  # (N, F): the photo network's pooled features
    imagenet: np.ndarray  # (N, K): the photo network's logits for the closet's ImageNet classes


class Classifier:
    """The paper's ResNet-50 (model_dir) and, with photo_dir, the photo network and its head (a personal one wins
    when it was fitted for the same photo network).

    The paper's network classifies Fashion-MNIST images and gives every photo its 28x28 view and embedding;
    the closet category of a photo is the photo head's decision over the photo network's features.
    """

    def __init__(self, model_dir: Path, photo_dir: Path | None = None, personal_head: Path | None = None,
                 need_head: bool = True, threads: int | None = None, personal_attributes: Path | None = None):
        path, self.card = verified_artifact(model_dir, "litert")
        self.paper_version = f"{self.card.get('name', 'model')}-{self.card['artifacts']['litert']['sha256'][:12]}"
        self._net = LiteRTNetwork(path, threads=threads)
        self.photo_card: dict | None = None
        self._photo: PhotoNetwork | None = None  # for batches, on `threads` threads; made when first needed
        self._photo_path: Path | None = None
        self._threads = threads
        self._lendable: queue.SimpleQueue[PhotoNetwork] = queue.SimpleQueue()  # one-thread copies (photo_network)
        self._copies = 0
        self._size: int | None = None
        self.head = self.shipped_head = None
        self.head_source: str | None = None
        self.attribute_heads: AttributeHeads | None = None
        self.shipped_attribute_heads: AttributeHeads | None = None
        self.attributes_source: str | None = None
        self.version = self.paper_version
        if photo_dir is None:
            return
        photo_path, self.photo_card = verified_artifact(photo_dir, "litert", "photo")
        self.network = self.photo_card["artifacts"]["litert"]["sha256"]
        self._photo_path = photo_path
        first = PhotoNetwork(photo_path, threads=1)  # loaded now: a model LiteRT cannot read stops here
        self._size = first.size
        self._lendable.put(first)
        self._copies = 1
        self.version = f"{self.photo_card.get('name', 'photo')}-{self.network[:12]}"
        self.network_version = self.version  # what an item's model_version starts with when this network read it
        if "head" in self.photo_card["artifacts"]:
            head_path, _ = verified_artifact(photo_dir, "head", "photo")
            head_path_sha = self.photo_card["artifacts"]["head"]["sha256"]
            try:
                self.shipped_head = PhotoHead.load(head_path)
            except ValueError as exc:
                raise ModelError(f"{exc}. {restore_hint(photo_dir, 'photo')}") from exc
            if self.shipped_head.fits(self.network):
                self.head, self.head_source = self.shipped_head, "shipped"
            elif need_head:
                raise ModelError(f"{head_path}: this photo head was fitted for another photo network or other "
                                 "categories; fit one with `wardrobe train-head`")
            else:  # train-head is about to replace it
                self.shipped_head = None
        if personal_head is not None and Path(personal_head).is_file():
            try:
                head = PhotoHead.load(personal_head)
            except ValueError as exc:
                raise ModelError(f"{exc}; `wardrobe retrain --classifier --reset` removes it") from exc
            if head.fits(self.network):  # made for another network or other categories: the shipped head applies
                self.head, self.head_source = head, "personal"
        if self.head is None and need_head:
            raise ModelError(f"{photo_dir}: the photo network has no photo head yet; fit one with `wardrobe train-head`")
        self._load_attribute_heads(photo_dir, personal_attributes)
        if self.head is not None:  # items remember the very head that predicted them (see adaptation.reclassify)
            digest = head_path_sha if self.head_source == "shipped" else sha256_file(Path(personal_head))
            self.version += f"+{self.head_source}-head-{digest[:8]}"

    def _load_attribute_heads(self, photo_dir: Path, personal: Path | None) -> None:
        """The shipped attribute heads (when the card lists them), or the user's own refit of them."""
        candidates = []
        if personal is not None and Path(personal).is_file():
            candidates.append((Path(personal), "personal"))
        if "attributes" in self.photo_card["artifacts"]:
            candidates.append((verified_artifact(photo_dir, "attributes", "photo")[0], "shipped"))
        for path, source in candidates:
            try:
                heads = AttributeHeads.load(path)
            except ValueError as exc:
                hint = "`wardrobe retrain --classifier --reset` removes it" if source == "personal" \
                    else restore_hint(photo_dir, "photo")
                raise ModelError(f"{exc}; {hint}") from exc
            if not heads.fits(self.network):
                continue
            if source == "shipped":
                self.shipped_attribute_heads = heads
            if self.attribute_heads is None:
                self.attribute_heads, self.attributes_source = heads, source

    def read_attributes(self, features: np.ndarray, closeups: np.ndarray, colours: np.ndarray,
                        labels) -> list[dict[str, str]]:
        """Each photo's known attributes ({} for all where no heads are shipped); unknown ones are left out."""
        if self.attribute_heads is None or len(labels) == 0:
            return [{} for _ in labels]
        read = self.attribute_heads.read(features, closeups, colours, [int(v) for v in labels])
        return [{k: v for k, v in values.items() if v is not None} for values in read]

    @property
    def photo_size(self) -> int:
        if self._size is None:
            raise ModelError("no photo network loaded")
        return self._size

    def network_outputs(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The paper's network alone: softmax (N, 10) and embedding (N, D) of (N, 28, 28) images.

        One pass: averaging with the mirror image's embedding served a head that read it; outfits only
        compare pieces by it, and the second pass cost a tenth of an add.
        """
        return self._net.predict(np.asarray(pixels, dtype=np.float32)[..., None])

    def fmnist_probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """The paper's network's softmax over Fashion-MNIST's ten classes for (N, 28, 28) images."""
        return self._net.predict(np.asarray(pixels, dtype=np.float32)[..., None])[0]

    def photo_outputs(self, photos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The photo network alone: (N, size, size, 3) uint8 framed photos -> features (N, F), ImageNet logits (N, K)."""
        if self._photo_path is None:
            raise ModelError("no photo network loaded")
        if self._photo is None:
            self._photo = PhotoNetwork(self._photo_path, threads=self._threads)
        return self._photo.read(photos)

    def lend_photo_networks(self, count: int) -> None:
        """Have `count` one-thread copies of the photo network to lend (photo_network), made here, in the calling
        thread: worker threads only run them (loading one silences the process's native stderr for a moment)."""
        if self._photo_path is None:
            raise ModelError("no photo network loaded")
        while self._copies < count:
            self._lendable.put(PhotoNetwork(self._photo_path, threads=1))
            self._copies += 1

    @contextmanager
    def photo_network(self) -> Iterator[PhotoNetwork]:
        """A one-thread copy of the photo network for the calling thread alone, lent until the block ends (waits
        for one to be free: lend_photo_networks says how many there are; the classifier makes one).

        Worker threads read their photos with it one at a time (LiteRT lets go of the GIL while it runs): one
        thread each costs less CPU than one network on several threads, and batches gain nothing (measured).
        """
        if self._photo_path is None:
            raise ModelError("no photo network loaded")
        network = self._lendable.get()
        try:
            yield network
        finally:
            self._lendable.put(network)

    def decide(self, features: np.ndarray) -> np.ndarray:
        """The head's probabilities over the closet's categories from stored photo features (no network pass)."""
        return self.head.probabilities(features)

    def read(self, pixels: np.ndarray, photos: np.ndarray) -> Reading:
        """pixels: (N, 28, 28) uint8 conversions; photos: (N, size, size, 3) uint8 framings of the same photos."""
        return self.decided(self.read_networks(pixels, photos))

    def read_networks(self, pixels: np.ndarray, photos: np.ndarray) -> Reading:
        """What both networks make of the photos, without the head's decision (probabilities left empty)."""
        features, imagenet = self.photo_outputs(photos)
        return self.paper_read(pixels, features, imagenet)

    def paper_read(self, pixels: np.ndarray, features: np.ndarray, imagenet: np.ndarray) -> Reading:
        """The reading of photos the photo network has read already: the paper's network runs on their 28x28 views
        (in batches of BATCH), the head's decision is left empty."""
        fmnist, embedding = self.network_outputs(pixels)
        return Reading(np.zeros((len(features), 0), np.float32), fmnist, embedding, features, imagenet)

    def decided(self, reading: Reading) -> Reading:
        """The reading with this classifier's head's decision filled in."""
        reading.probabilities = self.decide(reading.features)
        return reading
