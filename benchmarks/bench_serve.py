"""Measure `wardrobe serve`: upload-to-answer latency of phone-sized photos, 4 phones uploading at once, and the
Today page in a real browser (bytes of the first load and of the next outfit, tap to next outfit).

    python benchmarks/bench_serve.py --photos ../shared/photos/validation [--uploads 20] [--taps 20]

Uses the shipped networks, a throwaway home, and only loopback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from PIL import Image  # noqa: E402


def phone_photo(source: Path, megapixels: float, seed: int, grain: float = 0.0) -> bytes:
    """A phone-sized JPEG (4:3) made from a closet photo, distinct per seed (so each is a new item); grain adds a
    sensor's noise, which makes the file as large as a real phone's (3-6 MB at 12 MP)."""
    import numpy as np

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    image = Image.open(source).convert("RGB").resize((width, height), Image.BICUBIC)
    if grain:
        noisy = np.asarray(image, np.float32) + np.random.default_rng(seed).normal(0, grain, (height, width, 3))
        image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    image.putpixel((seed % width, 0), (seed % 256, 17, 99))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(photos: list[Path], uploads: int) -> dict:
    from fastapi.testclient import TestClient

    from wardrobe.services.pairing import new_code
    from wardrobe.settings import Settings
    from wardrobe.web.app import create_app

    results = {}
    with tempfile.TemporaryDirectory() as home:
        app = create_app(Settings.resolve(home=home))
        with TestClient(app, base_url="http://127.0.0.1:8765") as client:
            client.get(f"/pair/{new_code(app.state.server.wardrobe, 'bench').code}")
            client.headers["origin"] = "http://127.0.0.1:8765"
            for name, mp, grain in (("3 MP", 3, 0.0), ("12 MP", 12, 0.0), ("12 MP with sensor grain", 12, 6.0)):
                made = [phone_photo(photos[k % len(photos)], mp, 1000 * mp + k, grain) for k in range(uploads + 3)]
                times = []
                for k, data in enumerate(made):
                    started = time.perf_counter()
                    answer = client.post("/api/items", files=[("photo", (f"{name}-{k}.jpg", data, "image/jpeg"))])
                    elapsed = time.perf_counter() - started
                    assert answer.status_code == 201, answer.text
                    if k >= 3:  # the first ones warm the caches
                        times.append(elapsed * 1000)
                results[name] = {"bytes": round(statistics.median(len(d) for d in made)),
                                       "median_ms": round(statistics.median(times), 1),
                                       "p95_ms": round(percentile(times, 0.95), 1), "n": len(times)}
    return results


def serve(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WARDROBE_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-m", "wardrobe", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.readline()  # the pairing link: the server is about to listen
    import httpx

    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/pair", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def paired_client(home: Path, port: int, user: str):
    import httpx

    link = json.loads(subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), "--user", user, "pair",
                                      "--url", f"http://127.0.0.1:{port}", "--json"], capture_output=True, text=True,
                                     check=True).stdout)[0]["url"]
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"origin": f"http://127.0.0.1:{port}"},
                          timeout=120)
    client.get(link.removeprefix(f"http://127.0.0.1:{port}"))
    return client


def load(photos: list[Path], per_client: int = 20, clients: int = 4) -> dict:
    """4 phones upload 20 photos each at once; half of each one's photos are also another's (overlaps)."""
    from conftest import free_port

    files = [p for p in photos[: per_client * clients]]
    plans = [[files[(c * per_client // 2 + k) % len(files)] for k in range(per_client)] for c in range(clients)]
    unique = sorted({p for plan in plans for p in plan})
    out = {}
    with tempfile.TemporaryDirectory() as work:
        home = Path(work) / "home"
        port = free_port()
        server = serve(home, port)
        try:
            sessions = [paired_client(home, port, f"user{c}") for c in range(clients)]
            answers: list[list[int]] = [[] for _ in range(clients)]

            def phone(c: int) -> None:
                for path in plans[c]:
                    answer = sessions[c].post("/api/items", files=[("photo", (path.name, path.read_bytes(), "image/jpeg"))])
                    answers[c].append(answer.status_code)

            started = time.perf_counter()
            threads = [threading.Thread(target=phone, args=(c,)) for c in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            import sqlite3

            con = sqlite3.connect(home / "inventory.sqlite3")
            stored = con.execute("SELECT count(*), count(DISTINCT sha256) FROM items").fetchone()
            out["server"] = {"requests": sum(map(len, answers)), "answered": sum(s in (200, 201) for a in answers for s in a),
                             "unique_photos": len(unique), "items": stored[0], "distinct": stored[1],
                             "seconds": round(wall, 2), "photos_per_s": round(len(unique) / wall, 1),
                             "uploads_per_s": round(sum(map(len, answers)) / wall, 1)}
        finally:
            server.terminate()
            server.wait(timeout=30)
        folder = Path(work) / "same"
        folder.mkdir()
        for path in unique:
            shutil.copy(path, folder / path.name)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(Path(work) / "cli"), "add", str(folder)],
                       capture_output=True, check=True)
        wall = time.perf_counter() - started
        out["wardrobe add"] = {"photos": len(unique), "seconds": round(wall, 2), "photos_per_s": round(len(unique) / wall, 1)}
    return out


def browser_figures(photos: list[Path], taps: int) -> dict:
    from conftest import LiveServer
    from playwright.sync_api import sync_playwright

    from wardrobe.settings import Settings
    from wardrobe.web.app import create_app

    with tempfile.TemporaryDirectory() as home:
        app = create_app(Settings.resolve(home=home))
        list(app.state.server.wardrobe.add(app.state.server.wardrobe.find_inputs(photos[:60]), owner="bench"))
        with LiveServer(app) as live, sync_playwright() as manager:
            browser = manager.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox",
                                              "--disable-gpu", "--disable-background-networking"])
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                                          is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(live.pairing_link("bench"))  # lands on Today with a cold cache
            sizes: list[tuple[float, str, int]] = []
            page.on("requestfinished", lambda r: sizes.append((time.perf_counter(), r.url, r.sizes()["responseBodySize"]
                                                               + r.sizes()["responseHeadersSize"])))
            page.goto(f"{live.url}/?fresh=1")
            page.wait_for_function("() => document.body.dataset.outfit && [...document.querySelectorAll('#pieces img')]"
                                   ".every(i => i.complete && i.naturalWidth)")
            page.wait_for_timeout(1500)  # the queue's photos, loaded ahead
            first = sum(size for _, _, size in sizes)
            waits, per_tap = [], []
            for _ in range(taps):
                before = page.evaluate("() => document.body.dataset.outfit")
                mark, count = time.perf_counter(), len(sizes)
                page.click("button[data-act=skip]")
                page.wait_for_function(f"() => document.body.dataset.outfit !== '{before}' && [...document."
                                       "querySelectorAll('#pieces img')].every(i => i.complete && i.naturalWidth)")
                waits.append((time.perf_counter() - mark) * 1000)
                page.wait_for_timeout(700)  # let the refill and the next photos arrive: their bytes count for this tap
                per_tap.append(sum(size for _, _, size in sizes[count:]))
            browser.close()
    return {"first_load_bytes": first, "next_outfit_bytes_mean": round(sum(per_tap) / len(per_tap)),
            "next_outfit_bytes_max": max(per_tap), "tap_to_next_ms_median": round(statistics.median(waits), 1),
            "tap_to_next_ms_p95": round(percentile(waits, 0.95), 1), "taps": taps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, required=True, help="a folder of closet photos (searched recursively)")
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--taps", type=int, default=20)
    parser.add_argument("--only", choices=["latency", "load", "browser"])
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    photos = sorted(p for p in args.photos.rglob("*.jpg"))
    report = {}
    if args.only in (None, "latency"):
        report["upload to answer, warm, in-process"] = latency(photos, args.uploads)
    if args.only in (None, "load"):
        report["4 phones x 20 photos at once"] = load(photos)
    if args.only in (None, "browser"):
        report["Today page in headless chromium (390x844)"] = browser_figures(photos, args.taps)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
