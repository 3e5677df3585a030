"""Shared fixtures: a private home per test, a tiny trained-shape model, tiny Fashion-MNIST files, photo makers."""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SHARED_PHOTOS = REPO.parent / "shared" / "photos"


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Every test gets its own WARDROBE_HOME, so nothing touches a real user's inventory."""
    home = tmp_path / "home"
    monkeypatch.setenv("WARDROBE_HOME", str(home))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A ResNet of the paper's shape but one block per stage and few filters, published with a real card."""
    from wardrobe.training.artifacts import publish_model
    from wardrobe.training.backend import import_keras
    from wardrobe.training.resnet import build_resnet50

    # Seeded so a run is reproducible; WARDROBE_TEST_SEED=N checks no test leans on one model's guesses.
    import_keras().utils.set_random_seed(int(os.environ.get("WARDROBE_TEST_SEED", "0")))
    out = tmp_path_factory.mktemp("tiny-model")
    model = build_resnet50(blocks=(1, 1, 1, 1), base_filters=4, weight_decay=0)
    publish_model(model, out, {"validation_accuracy": None, "test_accuracy": None, "epochs": 0})
    return out


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory) -> Path:
    """A tiny EfficientNet-Lite-shaped state_dict in PyTorch's single-file format (written without torch)."""
    from torchfile import tiny_efficientnet_state, write_state_dict

    return write_state_dict(tmp_path_factory.mktemp("weights") / "tiny-lite.pth", tiny_efficientnet_state())


@pytest.fixture(scope="session")
def tiny_photo_model(tiny_weights, tmp_path_factory) -> Path:
    """The tiny photo network exported to LiteRT through the real export path, with a head over its features."""
    from wardrobe.domain import CATEGORIES
    from wardrobe.training.photonet_export import export_photo_network
    from wardrobe.vision import card as cards
    from wardrobe.vision.head import fit_head

    out = tmp_path_factory.mktemp("tiny-photo-model")
    card = export_photo_network(out, "lite0", tiny_weights, "float32")
    network = card["artifacts"]["litert"]["sha256"]
    rng = np.random.default_rng(0)
    labels = np.arange(10 * len(CATEGORIES)) % len(CATEGORIES)
    features = rng.normal(0, 1, (len(labels), 32)) + labels[:, None] * 0.3
    head = fit_head(features, labels, np.ones(len(labels)), network)
    head.save(out / ".staged-head.npz")
    card["artifacts"]["head"] = {"format": "npz", "network": network}
    cards.publish(out, {"head": out / ".staged-head.npz"}, card)
    return out


@pytest.fixture
def use_tiny_model(tiny_model, tiny_photo_model, monkeypatch) -> Path:
    monkeypatch.setenv("WARDROBE_MODEL", str(tiny_model))
    monkeypatch.setenv("WARDROBE_PHOTO_MODEL", str(tiny_photo_model))
    return tiny_model


def write_idx(path: Path, array: np.ndarray) -> None:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="session")
def tiny_fmnist(tmp_path_factory) -> Path:
    """Four IDX files shaped like Fashion-MNIST, with 300 training and 100 test images of simple shapes."""
    folder = tmp_path_factory.mktemp("fmnist")
    rng = np.random.default_rng(0)

    def make(n):
        labels = np.arange(n) % 10
        images = rng.integers(0, 40, size=(n, 28, 28)).astype(np.uint8)
        for image, label in zip(images, labels):  # a bright bar whose position tells the class
            image[2 + 2 * label : 5 + 2 * label, 4:24] = 220
        return images, labels

    train_x, train_y = make(300)
    test_x, test_y = make(100)
    write_idx(folder / "train-images-idx3-ubyte.gz", train_x)
    write_idx(folder / "train-labels-idx1-ubyte.gz", train_y)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", test_x)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", test_y)
    return folder


def garment_photo(path: Path, size=(300, 400), colour=(30, 60, 150), background=(235, 230, 220), **save) -> Path:
    """A photo of a T-shirt-like shape on a plain background."""
    image = Image.new("RGB", size, background)
    w, h = size
    pixels = np.array(image)
    pixels[h // 4 : 3 * h // 4, w // 3 : 2 * w // 3] = colour  # body
    pixels[h // 4 : h // 2, w // 6 : 5 * w // 6] = colour  # sleeves
    Image.fromarray(pixels).save(path, **save)
    return path


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `wardrobe ARGS` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "wardrobe", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, **kwargs,
    )


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the session (initdb + pg_ctl in a temporary folder); skips if none starts."""
    from pgcluster import Cluster, Unavailable

    try:
        cluster = Cluster()
    except Unavailable as exc:
        pytest.skip(f"no PostgreSQL server could be started here: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a fresh, empty database on the session's cluster."""
    return pg_cluster.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> dict:
    """Where an Inventory lives, as keyword arguments: a SQLite file, or a fresh database on the test cluster."""
    if request.param == "sqlite":
        return {"path": tmp_path / "inv.sqlite3"}
    return {"url": request.getfixturevalue("pg_url")}


@pytest.fixture
def home(private_home):
    """A closet of twelve items with thumbnails, two of them unsure (tests/tui_support.py); no model needed."""
    from tui_support import make_closet

    return make_closet(private_home)


@pytest.fixture
def rated_home(home):
    """That closet with twelve ratings and two wears at fixed times."""
    from tui_support import add_history

    add_history(home)
    return home


def stock_closet(home: Path, counts: dict[int, int], colours=("black", "white", "red", "blue")) -> dict:
    """An inventory of labelled items inserted directly (no photos or network needed): {id: Item}."""
    from wardrobe.store.repository import Inventory, NewItem

    inventory = Inventory(home / "inventory.sqlite3")
    rng = np.random.default_rng(0)
    new, n = [], 0
    for label, count in counts.items():
        for _ in range(count):
            n += 1
            new.append(NewItem(sha256=f"{n:064x}", photo_file="p", thumbnail_file="t", original_name=f"{n}.jpg",
                               predicted_label=label, probabilities=[0.1] * 10, conversion_version="v",
                               model_version="m", embedding=rng.standard_normal(2048).astype(np.float32).tobytes(),
                               colours=[colours[n % len(colours)]]))
    items = inventory.add_items(new)
    inventory.close()
    return {item.id: item for item in items}
