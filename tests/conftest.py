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
DATA = Path(__file__).resolve().parent / "data"

# Markers follow from the fixtures a test uses (never set by hand): `pytest -m "not slow"` is the fast loop.
MARKED_BY_FIXTURE = {
    "keras": ("model", "slow"),
    "tiny_weights": ("model", "slow"),
    "pg_cluster": ("postgres", "slow"),
    "pg_tools": ("postgres", "slow"),
    "processes": ("slow",),
    "shared_dir": ("slow",),
    "wheel": ("slow",),
    "live": ("slow",),
    "snap_compare": ("slow",),  # the TUI's screenshots: seconds each; CI compares every one
    "real_photos": ("photos", "slow"),
    "tmux": ("terminal", "slow"),
    "browser": ("browser", "slow"),
}


def pytest_collection_modifyitems(items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        # `location` asks for a server database by name (getfixturevalue), when its parameter says so.
        if getattr(getattr(item, "callspec", None), "params", {}).get("location") == "postgresql":
            used.add("pg_cluster")
        for fixture, marks in MARKED_BY_FIXTURE.items():
            if fixture in used:
                for mark in marks:
                    item.add_marker(mark)


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Every test gets its own WARDROBE_HOME, so nothing touches a real user's inventory."""
    home = tmp_path / "home"
    monkeypatch.setenv("WARDROBE_HOME", str(home))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A ResNet of the paper's shape but one block per stage and few filters, published with a real card.

    A copy of tests/data/tiny-model (made by tests/data/make_tiny_models.py through the real export path), so the
    tests that only run the app need neither TensorFlow nor the seconds an export takes.
    """
    import shutil

    return Path(shutil.copytree(DATA / "tiny-model", tmp_path_factory.mktemp("tiny") / "model"))


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory) -> Path:
    """A tiny EfficientNet-Lite-shaped state_dict in PyTorch's single-file format (written without torch)."""
    from torchfile import tiny_efficientnet_state, write_state_dict

    return write_state_dict(tmp_path_factory.mktemp("weights") / "tiny-lite.pth", tiny_efficientnet_state())


@pytest.fixture(scope="session")
def tiny_photo_model(tmp_path_factory) -> Path:
    """The tiny photo network exported to LiteRT, with a head over its features: a copy of tests/data's."""
    import shutil

    return Path(shutil.copytree(DATA / "tiny-photo-model", tmp_path_factory.mktemp("tiny") / "photo-model"))


@pytest.fixture(scope="session")
def real_photos() -> Path:
    """../shared/photos (train/, validation/, extra/); the test is skipped, with where it looked, when it is absent."""
    if not (SHARED_PHOTOS / "validation").is_dir():
        pytest.skip(f"the real closet photos are not at {SHARED_PHOTOS} (see the README of the shared photo collection)")
    return SHARED_PHOTOS


@pytest.fixture
def tmux():
    """tmux(*args): tmux commands on a server of this test's own (its own socket, no ~/.tmux.conf), killed after."""
    import shutil
    import uuid

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: the real-terminal check needs it")
    socket = f"wardrobe-test-{uuid.uuid4().hex[:12]}"

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", *args], capture_output=True, text=True,
                              check=check)

    yield run
    run("kill-server", check=False)


@pytest.fixture(scope="session")
def keras():
    """Keras (and TensorFlow): the tests that build, train or export a network ask for it (marked `model`)."""
    return pytest.importorskip("keras", reason="the [train] extra (Keras, TensorFlow) is not installed")


@pytest.fixture
def use_tiny_model(tiny_model, tiny_photo_model, monkeypatch) -> Path:
    monkeypatch.setenv("WARDROBE_MODEL", str(tiny_model))
    monkeypatch.setenv("WARDROBE_PHOTO_MODEL", str(tiny_photo_model))
    return tiny_model


def confident_head(home, label: int = 0) -> None:
    """A personal photo head for the tiny photo network that reads every photo as `label`, all but certain."""
    from wardrobe.domain import CATEGORIES
    from wardrobe.services import Wardrobe
    from wardrobe.vision.head import PhotoHead

    wardrobe = Wardrobe(home)
    shipped, network = wardrobe.classifier.shipped_head, wardrobe.classifier.network
    intercept = np.zeros(len(CATEGORIES))
    intercept[label] = 30.0
    PhotoHead(mean=shipped.mean, scale=shipped.scale, coef=np.zeros_like(shipped.coef), intercept=intercept,
              network=network).save(wardrobe.personal_head)
    wardrobe.close()


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


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, cwd: Path | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
    """Run `wardrobe ARGS` in this process, as the console script would (wardrobe.cli.run, the same last line of
    defence), inside Typer's CliRunner isolation: its own stdin, stdout, stderr and environment overrides.

    `timeout` is for the subprocess form (run_cli_process); commands here finish or the test fails.
    """
    from typer.testing import CliRunner

    from wardrobe.cli import run

    previous = os.getcwd()
    with CliRunner().isolation(input=input, env=env) as (out, err, _):
        try:
            if cwd is not None:
                os.chdir(cwd)
            code = run(list(args))
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(errors="replace"), err.getvalue().decode(errors="replace")
    return subprocess.CompletedProcess(["wardrobe", *args], code, stdout, stderr)


def run_cli_process(*args: str, env: dict | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `wardrobe ARGS` in a fresh interpreter, as a user would (exit codes, imports, signals)."""
    return subprocess.run(
        [sys.executable, "-m", "wardrobe", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, **kwargs,
    )


class Processes:
    """Real processes a test starts: `wardrobe` itself (exit codes, imports, signals) or Python code beside it."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def popen(self, args, **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, **kwargs)
        self.started.append(process)
        return process

    def run(self, args, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(args, **kwargs)

    def wardrobe(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return run_cli_process(*args, **kwargs)


@pytest.fixture
def processes():
    """Start real processes (the test is marked slow); any still running at the end are killed."""
    started = Processes()
    yield started
    for process in started.started:
        if process.poll() is None:
            process.kill()
            process.wait()


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
def pg_tools() -> dict[str, str]:
    """PostgreSQL's initdb and pg_ctl, for tests of the cluster fixture itself; skips where they are not installed."""
    from pgcluster import Unavailable, _binary

    try:
        return {name: _binary(name) for name in ("initdb", "pg_ctl")}
    except Unavailable as exc:
        pytest.skip(str(exc))


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
    """That closet with twelve ratings, two wears and two plans at fixed times."""
    from tui_support import add_history

    add_history(home)
    return home


@pytest.fixture
def march_4(monkeypatch):
    """The stylist's clock at noon on 2026-03-04 (the day after rated_home's wears), in UTC on every machine."""
    import time
    from datetime import datetime

    from wardrobe.services.stylist import Stylist

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(Stylist, "now", staticmethod(lambda: datetime(2026, 3, 4, 12)))
    yield datetime(2026, 3, 4, 12)
    monkeypatch.undo()
    time.tzset()


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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright (Debian's chromium, no browser download); skipped where none starts.

    Module-scoped: Playwright's synchronous API keeps an event loop running on this thread until it stops, and
    the async (Textual) tests of other modules need none running."""
    import shutil

    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the [test] extra)")
    executable = os.environ.get("WARDROBE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no chromium to drive: apt-get install chromium (.ci/setup does)")
    manager = playwright_api.sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=executable, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
    except Exception as exc:  # noqa: BLE001  any failure to start is a reason to skip, said plainly
        manager.stop()
        pytest.skip(f"chromium could not start here: {' '.join(str(exc).split())[:200]}")
    yield launched
    launched.close()
    manager.stop()


class LiveServer:
    """`wardrobe serve`'s app under a real uvicorn, in a thread, on a loopback socket bound here (port 0: the kernel
    picks a free port and nobody can take it between choosing and listening); `port` binds that one instead."""

    def __init__(self, app, port: int | None = None):
        import socket
        import threading

        import uvicorn

        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port or 0))
        port = self.socket.getsockname()[1]
        self.app, self.url = app, f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self):
        import time

        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()

    def pairing_link(self, user: str = "alice") -> str:
        from wardrobe.services.pairing import new_code

        return f"{self.url}/pair/{new_code(self.app.state.server.wardrobe, user).code}"


def free_port() -> int:
    """A port free on loopback now, for a server in another process (the kernel picks it). Another process may take
    it before that server listens: callers retry with a new one (see test_serve); in-process servers bind their own
    socket instead (LiveServer)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refused_port() -> int:
    """A loopback port that refuses connections for the whole test: bound here and never listening, so no other
    process can take it (port 1 was assumed closed; nothing made it so)."""
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture
def live(use_tiny_model, private_home):
    """`wardrobe serve`'s app on the tiny models, under a real uvicorn on loopback (marks the test slow)."""
    from wardrobe.settings import Settings
    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    app = create_app(Settings.resolve(home=private_home), ServeOptions(seed=1))
    with LiveServer(app) as server:
        yield server


class FakeForecast:
    """A small stand-in for Open-Meteo's forecast API on 127.0.0.1 that answers as `mode` says and counts requests.

    mode: "ok" (a daily forecast for the days asked: `weather` by ISO day, else `default`, as (high, low, rain mm,
    snow cm, wind km/h)), "500", "slow" (answers after `delay` seconds), "garbage" (not JSON), "wrong" (JSON, no forecast).
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.mode, self.delay, self.requests = "ok", 2.0, []
        self.default, self.weather = (4.0, 0.0, 0.0, 0.0, 5.0), {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  the name http.server calls
                from urllib.parse import parse_qs, urlparse

                fake.requests.append(self.path)
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                if fake.mode == "500":
                    return self._send(500, b'{"error": true, "reason": "down"}')
                if fake.mode == "slow":
                    import time

                    time.sleep(fake.delay)
                if fake.mode == "garbage":
                    return self._send(200, b"<html>surprise</html>")
                if fake.mode == "wrong":
                    return self._send(200, b'{"hourly": {}}')
                self._send(200, fake.answer(query).encode())

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (a timeout test): nothing to answer
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads, self.server.block_on_close = True, False
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/forecast"

    def answer(self, query: dict) -> str:
        import json
        from datetime import date, timedelta

        first, last = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        days = [(first + timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]
        rows = [self.weather.get(d, self.default) for d in days]
        names = ("temperature_2m_max", "temperature_2m_min", "rain_sum", "snowfall_sum", "wind_speed_10m_max")
        daily = {"time": days, **{name: [row[k] for row in rows] for k, name in enumerate(names)}}
        return json.dumps({"latitude": float(query["latitude"]), "longitude": float(query["longitude"]), "daily": daily})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def forecast_server():
    """A fake Open-Meteo on loopback (FakeForecast), stopped afterwards."""
    fake = FakeForecast()
    yield fake
    fake.close()
