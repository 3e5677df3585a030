"""Draw the phone pages for the docs (docs/screens/phone-*.png) in headless chromium at 390x844, from the sample
photos the project ships (data/samples, made from Fashion-MNIST) and the shipped networks.

    python docs/screens/render_phone.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

OUT = Path(__file__).resolve().parent


def main() -> None:
    from conftest import LiveServer, free_port
    from playwright.sync_api import sync_playwright

    from wardrobe.services.stylist import Stylist
    from wardrobe.settings import Settings
    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    samples = sorted((REPO / "data" / "samples").glob("*.png"))
    with tempfile.TemporaryDirectory() as home:
        app = create_app(Settings.resolve(home=home), ServeOptions(seed=3))
        wardrobe = app.state.server.wardrobe
        kept, uploaded = samples[:2] + samples[3:], samples[2:3]
        list(wardrobe.add(wardrobe.find_inputs(kept), owner="alice"))
        coat = next(i for i in wardrobe.items() if "coat" in i.original_name)
        wardrobe.relabel(coat.id, 4)
        stylist = Stylist(wardrobe, "alice", seed=3)
        for proposal, like in zip(stylist.suggest(4), (True, False, True, True)):
            stylist.rate(proposal.id, like)
        stylist.wear([i.id for i in proposal.items])
        with LiveServer(app, free_port()) as live, sync_playwright() as manager:
            browser = manager.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox",
                                              "--disable-gpu", "--disable-background-networking"])
            page = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                       is_mobile=True, has_touch=True).new_page()
            page.goto(live.pairing_link("alice"))
            page.wait_for_function("() => document.body.dataset.outfit && [...document.querySelectorAll('#pieces img')]"
                                   ".every(i => i.complete && i.naturalWidth)")
            page.screenshot(path=OUT / "phone-today.png")
            page.goto(f"{live.url}/add")
            page.set_input_files("#photos", [str(p) for p in uploaded])
            page.wait_for_function("() => document.querySelector('.added-row .result:not(:empty)')")
            page.wait_for_timeout(300)
            page.screenshot(path=OUT / "phone-add.png")
            page.goto(f"{live.url}/closet")
            page.wait_for_timeout(300)
            page.screenshot(path=OUT / "phone-closet.png")
            page.goto(f"{live.url}/items/{coat.id}")
            page.wait_for_timeout(300)
            page.screenshot(path=OUT / "phone-item.png")
            page.goto(f"{live.url}/history")
            page.wait_for_timeout(300)
            page.screenshot(path=OUT / "phone-history.png")
            browser.close()
    print(f"wrote {OUT}/phone-*.png", file=sys.stderr)


if __name__ == "__main__":
    main()
