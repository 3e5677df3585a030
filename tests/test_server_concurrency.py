"""A household on PostgreSQL: three machines adding overlapping folders and three raters at once lose nothing."""

import json
import os
import subprocess
import sys

import numpy as np
import sqlalchemy as sa
from conftest import garment_photo

from wardrobe.store.repository import Inventory, NewItem

CLOSET = {0: 3, 1: 2, 3: 1, 4: 1, 7: 2, 8: 1}  # label: how many (enough for outfits)
RATER = """
import sys
from wardrobe.services import Stylist, Wardrobe
service = Wardrobe()
stylist = Stylist(service, "alice")
for outfit in sys.argv[1:]:
    stylist.rate(int(outfit), int(outfit) % 2 == 0)
service.close()
"""


def _stock(url: str) -> None:
    inventory = Inventory(url=url)
    rng = np.random.default_rng(0)
    new = [NewItem(sha256=f"{n:064x}", photo_file="p", thumbnail_file="t", original_name=f"{n}.jpg", predicted_label=label,
                   probabilities=[0.1] * 10, conversion_version="v", model_version="m",
                   embedding=rng.standard_normal(2048).astype(np.float32).tobytes(), colours=["black"])
           for n, label in enumerate((label for label, count in CLOSET.items() for _ in range(count)), start=1)]
    inventory.add_items(new)
    inventory.close()


def test_three_adders_and_three_raters_at_once(processes, use_tiny_model, pg_url, tmp_path, monkeypatch):
    from wardrobe.services import Stylist, Wardrobe

    library = tmp_path / "shared-library"
    monkeypatch.setenv("WARDROBE_DATABASE_URL", pg_url)
    monkeypatch.setenv("WARDROBE_LIBRARY", str(library))
    photos = [garment_photo(tmp_path / f"p{k}.png", colour=(20 * k, 250 - 20 * k, 90)) for k in range(12)]
    folders = []
    for name, chosen in (("a", photos[:8]), ("b", photos[4:]), ("c", photos[:4] + photos[8:])):
        (tmp_path / name).mkdir()
        for photo in chosen:
            (tmp_path / name / photo.name).write_bytes(photo.read_bytes())
        folders.append(tmp_path / name)
    _stock(pg_url)
    service = Wardrobe()
    proposals = [p.id for p in Stylist(service, "alice", seed=1).suggest(12)]
    service.close()

    adders = [processes.popen([sys.executable, "-m", "wardrobe", "add", str(folder), "--json"], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "WARDROBE_HOME": str(tmp_path / f"machine-{k}")})
              for k, folder in enumerate(folders)]
    raters = [processes.popen([sys.executable, "-c", RATER, *map(str, proposals[k::3])], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)) for k in range(3)]
    outputs = [(run.communicate(timeout=300), run.returncode) for run in adders + raters]
    for (_, err), code in outputs:
        assert code == 0 and "Traceback" not in err, err

    added = [json.loads(out) for (out, _), _ in outputs[:3]]
    ids = {row["id"] for rows in added for row in rows}
    assert all(len(rows) == len(list(folder.iterdir())) for rows, folder in zip(added, folders))
    inventory = Inventory(url=pg_url)
    with inventory.engine.connect() as conn:
        count, distinct = conn.execute(sa.text("SELECT count(*), count(DISTINCT sha256) FROM items")).one()
        rated, pairs = conn.execute(sa.text("SELECT count(*), count(DISTINCT (user_id, outfit_id)) FROM ratings")).one()
        params = json.loads(conn.execute(sa.text("SELECT params::text FROM preference_models")).scalar())
    assert count == distinct == len(photos) + sum(CLOSET.values())
    assert len(ids) == len(photos)  # each photo got one id, whichever machine stored it
    assert rated == pairs == params["ratings"] == len(proposals)
    stored = sorted(p.name for p in (library / "photos").rglob("*") if p.is_file())
    assert len(stored) == len(photos) and not [n for n in stored if n.endswith(".tmp")]
    assert {item.sha256 for item in inventory.list() if item.photo_path} == {p.stem for p in (library / "photos").rglob("*.png")}
