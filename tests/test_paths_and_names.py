"""Paths and names from rows and users: nothing outside the home is touched, nothing raw reaches the terminal."""

import json
import sqlite3
import threading

from conftest import run_cli
from test_cli_outfits import stocked  # noqa: F401  (fixture)


def test_a_tampered_path_never_leads_outside_the_library(stocked, private_home, tmp_path):  # noqa: F811
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    for rel in ("../victim.txt", str(victim), "photos/../../victim.txt"):
        db.execute("UPDATE items SET photo_file = ?, thumbnail_file = ? WHERE id = 1", (rel, rel))
        db.commit()
        shown = run_cli("show", "1")
        assert shown.returncode == 0 and "victim" not in shown.stdout and "outside the photo library" in shown.stdout
        assert "victim" not in run_cli("show", "1", "--json").stdout
    (private_home / "photos").mkdir()
    (private_home / "photos" / "ab").symlink_to(tmp_path)  # a link inside the library that leads out
    db.execute("UPDATE items SET photo_file = 'photos/ab/victim.txt' WHERE id = 1")
    db.commit()
    result = run_cli("remove", "1")
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"


def test_run_names_cannot_escape_the_runs_folder(private_home, tmp_path):
    for name in ("../../escape", "/tmp/x", "..", "a/b", ".hidden", "x\x1b[31m"):
        result = run_cli("train", "--run", name, "--epochs", "1", "--limit", "10")
        assert result.returncode == 2 and "run name" in result.stderr, (name, result.stderr)
        assert "\x1b" not in result.stderr
    assert not (private_home.parent / "escape").exists() and not private_home.exists()


def test_ids_beyond_sqlite_integers_are_unknown(stocked):  # noqa: F811
    huge = str(2**63)
    for argv in (["show", huge], ["relabel", huge, "coat"], ["remove", huge], ["laundry", huge], ["wear", huge],
                 ["rate", huge, "like"], ["show", str(2**70)]):
        result = run_cli(*argv)
        assert result.returncode == 3, (argv, result.stderr)
        assert "Traceback" not in result.stderr


def test_user_names_with_control_characters_are_refused(stocked):  # noqa: F811
    result = run_cli("--user", "evil\x1b]0;pwned\x07", "suggest")
    assert result.returncode == 2 and "control characters" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    names = [u["name"] for u in json.loads(run_cli("users", "--json").stdout)]
    assert names == ["default"]


def test_a_refused_command_creates_no_user(stocked):  # noqa: F811
    outfits = json.loads(run_cli("suggest", "--n", "1", "--json").stdout)
    assert run_cli("--user", "zed", "rate", str(outfits[0]["id"]), "like").returncode == 3
    assert run_cli("--user", "zed", "rate", "999", "like").returncode == 3
    assert run_cli("--user", "zed", "wear", "999").returncode == 3
    assert "zed" not in run_cli("users").stdout
    assert run_cli("--user", "zed", "wear", str(outfits[0]["items"][0]["id"])).returncode == 0
    assert "zed" in run_cli("users").stdout  # created once something was stored for them


def test_concurrent_ratings_are_all_learnt(stocked, private_home):  # noqa: F811
    """Several raters at once (terminals, quick keys in the TUI): the model counts every stored rating."""
    from wardrobe.services import Stylist, Wardrobe

    proposals = Stylist(Wardrobe(), seed=1).suggest(30)
    errors = []

    def rater(share):
        service = Wardrobe()
        stylist = Stylist(service)
        try:
            for p in share:
                stylist.rate(p.id, p.id % 2 == 0)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            service.close()

    threads = [threading.Thread(target=rater, args=(proposals[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    stored = db.execute("SELECT count(*) FROM ratings").fetchone()[0]
    params = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    assert stored == len(proposals) == params["ratings"]
