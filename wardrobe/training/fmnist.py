"""Fashion-MNIST: where to find the four IDX files, reading them, and a stratified validation split."""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
KERAS_CACHE = Path.home() / ".keras" / "datasets" / "fashion-mnist"

HOW_TO_GET = (
    "Fashion-MNIST not found. Get it one of these ways, then run again:\n"
    "  - Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist   (files land in /usr/share/datasets/fashion-mnist)\n"
    "  - any machine with internet: python -c \"import keras; keras.datasets.fashion_mnist.load_data()\"\n"
    "  - by hand: download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist\n"
    "    into a folder and pass it with --data DIR or WARDROBE_FASHION_MNIST=DIR"
)


class DatasetNotFound(FileNotFoundError):
    """None of the places we look holds the four Fashion-MNIST files."""


def _find_file(folder: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def candidate_dirs() -> list[Path]:
    """The folders searched when none is named, in order: $WARDROBE_FASHION_MNIST, Debian's package, Keras' cache."""
    dirs = []
    if os.environ.get("WARDROBE_FASHION_MNIST"):
        dirs.append(Path(os.environ["WARDROBE_FASHION_MNIST"]))
    dirs += [DEBIAN_DIR, KERAS_CACHE]
    return dirs


def locate(explicit: str | os.PathLike | None = None) -> Path:
    """Return the first folder holding all four files, or raise DatasetNotFound saying how to get them.

    A folder the user named (--data) is the only one tried: silently training on other data would surprise.
    """
    searched = [Path(explicit)] if explicit else candidate_dirs()
    for folder in searched:
        if all(_find_file(folder, stem) for stem in FILES.values()):
            return folder
    if explicit:
        raise DatasetNotFound(f"{explicit}: does not hold the four Fashion-MNIST IDX files.\n{HOW_TO_GET}")
    raise DatasetNotFound(HOW_TO_GET + "\nSearched: " + ", ".join(str(d) for d in searched))


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a uint8 array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path}: truncated (expected {int(np.prod(shape))} values, found {array.size})")
    return array.reshape(shape)


def load(explicit: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """Load the four arrays: train_images (60000, 28, 28), train_labels, test_images, test_labels."""
    folder = locate(explicit)
    return {key: read_idx(_find_file(folder, stem)) for key, stem in FILES.items()}


def split_validation(labels: np.ndarray, per_class: int = 500, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation): `per_class` images of each class held out, the same every time."""
    rng = np.random.default_rng(seed)
    held = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        held.append(rng.choice(members, size=min(per_class, len(members) // 5), replace=False))
    validation = np.sort(np.concatenate(held))
    train = np.setdiff1d(np.arange(len(labels)), validation)
    return train, validation
