"""How fast are proposals and ratings on a big closet? Median `suggest` and `rate` latency in-process and as commands.

Run: python benchmarks/bench_suggest.py [--home DIR] [--photos ../shared/photos/train] [--ratings 360] [--repeat 20]
     [--forecast]
The closet is the photos added with their predicted classes (reused if --home already holds them);
../shared/photos/train added whole is a closet of about 3,000 items. The user "bench" first gets --ratings
ratings (as a person in the TUI would: suggest 5, rate each), so that `rate` pays for replaying earlier ones.
--forecast also times `suggest` dressed for a cached forecast: a location is set in the home's config, a stand-in
Open-Meteo on loopback answers once (the forecast is cached) and is then stopped, and each timed `suggest` reads
the cache and keeps the weather's rules (in-process: services.today.day_weather, then Stylist.suggest).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from closet import photo_closet  # noqa: E402

from wardrobe.services import Stylist  # noqa: E402


def command(home: Path, *argv: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wardrobe", "--home", str(home), "--user", "bench", *argv],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def cached_forecast(home: Path) -> None:
    """Set a location in the home's config and fill the forecast cache from a stand-in server, stopped afterwards."""
    import json
    import threading
    from datetime import date, timedelta
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlparse

    from wardrobe.services.configuration import set_value
    from wardrobe.services.today import day_weather
    from wardrobe.settings import Settings

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            first, last = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
            days = [(first + timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]
            body = json.dumps({"daily": {"time": days, "temperature_2m_max": [9.0] * len(days),
                                         "temperature_2m_min": [3.0] * len(days), "rain_sum": [2.0] * len(days)}})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings.resolve(home=home)
    set_value(settings, "location", "52.52,13.41")
    set_value(settings, "forecast-url", f"http://127.0.0.1:{server.server_address[1]}/v1/forecast")
    found = day_weather(Settings.resolve(home=home))
    server.shutdown()
    server.server_close()
    assert found.weather is not None, found.note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos" / "train")
    parser.add_argument("--ratings", type=int, default=360, help="ratings the user has before timing")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--forecast", action="store_true", help="also time suggest with a cached forecast")
    args = parser.parse_args()
    wardrobe = photo_closet(args.home, args.photos, args.model)
    home = wardrobe.home
    stylist = Stylist(wardrobe, "bench", seed=0)
    rated = len(stylist.taste.ratings(stylist.user_id))
    while rated < args.ratings:  # likes whatever holds something black: a taste to learn
        for p in stylist.suggest(5):
            stylist.rate(p.id, any("black" in item.colours for item in p.items))
            rated += 1
    stylist.suggest(3)  # warm: imports, first query
    if args.forecast:
        from wardrobe.services.today import day_weather
        from wardrobe.settings import Settings

        cached_forecast(home)
        settings = Settings.resolve(home=home)
        stylist.suggest(3, day_weather(settings).weather)
    suggest, rate, forecast = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proposals = stylist.suggest(3)
        suggest.append(time.perf_counter() - start)
        if args.forecast:  # alternating with the plain suggest: both see the same load on the machine
            start = time.perf_counter()
            day = day_weather(settings)
            dressed = stylist.suggest(3, day.weather)
            forecast.append(time.perf_counter() - start)
            assert dressed[0].weather is not None and dressed[0].weather.source == "forecast"
        start = time.perf_counter()
        stylist.rate(proposals[0].id, True)
        rate.append(time.perf_counter() - start)
    runs = max(3, args.repeat // 4)
    suggest_cli = []
    for _ in range(runs):  # with --forecast, the command reads the config's location and the cached forecast
        suggest_cli.append(command(home, "suggest"))
    last = stylist.suggest(runs)
    rate_cli = [command(home, "rate", str(p.id), "like") for p in last]
    python = [command(home, "--version") for _ in range(runs)]
    print(f"closet: {len(stylist.taste.wearable(stylist.user_id))} active items, user with "
          f"{len(stylist.taste.ratings(stylist.user_id))} ratings")
    timed = [("suggest", suggest), ("rate", rate)] + ([("suggest with a cached forecast", forecast)] if forecast else [])
    for name, times in timed:
        print(f"{name} in-process: median {1000 * statistics.median(times):.0f} ms, "
              f"max {1000 * max(times):.0f} ms over {len(times)} runs (target: under 100 ms)")
    for name, times in (("suggest" + (" (cached forecast)" if args.forecast else ""), suggest_cli), ("rate", rate_cli),
                        ("--version", python)):
        print(f"`wardrobe {name}` command: median {statistics.median(times):.2f} s wall over {len(times)} runs "
              "(Python start-up included; target: under 0.5 s)")


if __name__ == "__main__":
    main()
