"""Damaged state is reported in one line with its exit code, never written into, and repairable from the CLI."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import garment_photo, run_cli
from test_cli_outfits import stocked  # noqa: F401  (fixture)

from wardrobe.store.repository import Inventory, NewItem


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2, result.stderr


@pytest.fixture
def healthy_db(private_home) -> Path:
    inventory = Inventory(private_home / "inventory.sqlite3")
    inventory.add_items([NewItem(sha256=f"{i:064x}", photo_file=f"photos/00/{i:064x}.jpg", thumbnail_file="t",
                                 original_name=f"{i}.jpg", predicted_label=6, probabilities=[0.1] * 10,
                                 conversion_version="v", model_version="m", embedding=os.urandom(8192),
                                 colours=["blue"]) for i in range(1, 60)])
    inventory.close()
    return private_home / "inventory.sqlite3"


def _truncated(db):
    db.write_bytes(db.read_bytes()[: len(db.read_bytes()) // 3])


def _garbage_header(db):
    db.write_bytes(os.urandom(100) + db.read_bytes()[100:])


def _garbage_middle(db):
    data = bytearray(db.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 30000] = os.urandom(30000)
    db.write_bytes(bytes(data))


def _empty(db):
    db.write_bytes(b"")


@pytest.mark.parametrize("damage", [_truncated, _garbage_header, _garbage_middle, _empty])
def test_a_damaged_inventory_is_reported_and_never_written(use_tiny_model, healthy_db, tmp_path, damage):
    for side in ("-wal", "-shm"):
        Path(str(healthy_db) + side).unlink(missing_ok=True)
    damage(healthy_db)
    before = digest(healthy_db)
    photo = garment_photo(tmp_path / "a.jpg")
    for argv in (["list"], ["show", "1"], ["add", str(photo)], ["relabel", "1", "coat"], ["remove", "1"],
                 ["suggest"], ["users"]):
        result = run_cli(*argv)
        assert result.returncode == 8, (argv, result.stderr)
        assert "is damaged" in result.stderr and "nothing was written" in result.stderr, argv
        no_traceback(result)
    assert digest(healthy_db) == before
    assert run_cli("doctor").returncode == 8


def test_an_inventory_that_is_a_folder_is_refused(private_home):
    (private_home / "inventory.sqlite3").mkdir(parents=True)
    result = run_cli("list")
    assert result.returncode == 8 and "is a folder" in result.stderr
    no_traceback(result)


def test_a_home_that_is_a_file(tmp_path):
    home = tmp_path / "home-file"
    home.write_text("not a folder")
    result = run_cli("--home", str(home), "list")
    assert result.returncode == 7 and "a file is in the way" in result.stderr
    no_traceback(result)


def _unprivileged() -> list[str]:
    """How to run a command that file permissions bind: as it is, unless we are root (whom they do not bind): then
    as `nobody`, through setpriv (skipped where there is none)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: no unprivileged user to run as (root ignores file permissions)")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_dir():
    """A folder another user can reach (pytest's own tmp folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="wardrobe-ro-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["chmod", "-R", "u+w", str(path)])
    shutil.rmtree(path, ignore_errors=True)


def _run_unprivileged(*args, home: Path, model: Path | None = None):
    env = {**os.environ, "WARDROBE_HOME": str(home), "HOME": str(home.parent), "TF_CPP_MIN_LOG_LEVEL": "3"}
    if model:
        env["WARDROBE_MODEL"] = str(model)
    return subprocess.run([*_unprivileged(), sys.executable, "-m", "wardrobe", *args], capture_output=True, text=True,
                          env=env, timeout=180, cwd=home.parent)


def test_a_read_only_home_still_lists_and_refuses_changes_in_one_line(shared_dir, tiny_model):
    home = shared_dir / "home"
    inventory = Inventory(home / "inventory.sqlite3")
    inventory.add_items([NewItem(sha256="a" * 64, photo_file="photos/aa/a.jpg", thumbnail_file="t",
                                 original_name="shirt.jpg", predicted_label=6, probabilities=[0.1] * 10,
                                 conversion_version="v", model_version="m", embedding=None, colours=["blue"])])
    inventory.close()
    model = shared_dir / "model"
    shutil.copytree(tiny_model, model)
    subprocess.run(["chmod", "-R", "a+rX,a-w", str(home), str(model)], check=True)
    listing = _run_unprivileged("list", home=home, model=model)
    assert listing.returncode == 0 and "shirt.jpg" in listing.stdout, listing.stderr
    assert _run_unprivileged("show", "1", home=home).returncode == 0
    photo = garment_photo(shared_dir / "a.jpg")
    photo.chmod(0o644)
    for argv in (["relabel", "1", "coat"], ["add", str(photo)]):
        result = _run_unprivileged(*argv, home=home, model=model)
        assert result.returncode == 7 and "read-only" in result.stderr, (argv, result.stderr)
        no_traceback(result)


def test_an_unwritable_photo_library_is_one_line(shared_dir, tiny_model):
    home = shared_dir / "home"
    (home / "photos").mkdir(parents=True)
    model = shared_dir / "model"
    shutil.copytree(tiny_model, model)
    subprocess.run(["chmod", "-R", "a+rX", str(model)], check=True)
    subprocess.run(["chmod", "777", str(home)], check=True)
    (home / "photos").chmod(0o555)
    photo = garment_photo(shared_dir / "a.jpg")
    photo.chmod(0o644)
    result = _run_unprivileged("add", str(photo), home=home, model=model)
    assert result.returncode == 7 and "photos" in result.stderr and "permission denied" in result.stderr, result.stderr
    no_traceback(result)


def test_a_damaged_taste_model_is_explained_and_rebuilt(stocked, private_home):  # noqa: F811
    outfits = json.loads(run_cli("suggest", "--n", "3", "--json").stdout)
    assert run_cli("rate", str(outfits[0]["id"]), "like").returncode == 0
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    for damage in ("{not json", json.dumps({"version": 1, "features": None, "coef": [1, 2]})):
        db.execute("UPDATE preference_models SET params = ?", (damage,))
        db.commit()
        if damage.startswith("{not"):
            result = run_cli("suggest")
            assert result.returncode == 4 and "retrain --user default" in result.stderr, result.stderr
            no_traceback(result)
            assert "PROBLEM   taste of default" in run_cli("doctor").stdout
            assert "repaired  taste of default" in run_cli("doctor", "--repair").stdout
            assert run_cli("suggest").returncode == 0
            db.execute("UPDATE preference_models SET params = ?", (damage,))
            db.commit()
        assert run_cli("rate", str(outfits[1]["id"]), "dislike").returncode == 0  # rebuilt from every rating
        assert run_cli("retrain").returncode == 0
        assert run_cli("suggest").returncode == 0
    params = json.loads(db.execute("SELECT params FROM preference_models").fetchone()[0])
    assert params["ratings"] == 2


def test_a_wrong_shape_taste_model_is_damaged(stocked, private_home):  # noqa: F811
    from wardrobe.outfits.preference import PreferenceModel

    run_cli("suggest", "--n", "1")
    names = PreferenceModel().names
    db = sqlite3.connect(private_home / "inventory.sqlite3")
    db.execute("INSERT OR REPLACE INTO preference_models (user_id, params, updated_at) VALUES (1, ?, '2025-01-01')",
               (json.dumps({"version": 1, "features": names, "coef": [1.0, 2.0], "intercept": 0}),))
    db.commit()
    result = run_cli("suggest")
    assert result.returncode == 4 and "damaged" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize("artifacts", [[], {"litert": {"sha256": "0" * 64}}, {"litert": {"file": "x.tflite"}},
                                       {"litert": "x"}, {"litert": {"file": "../../etc/passwd", "sha256": "0" * 64}}])
def test_a_damaged_model_card_is_exit_4(tiny_model, tmp_path, artifacts):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    card = json.loads((model / "card.json").read_text())
    card["artifacts"] = artifacts
    (model / "card.json").write_text(json.dumps(card))
    photo = garment_photo(tmp_path / "a.jpg")
    result = run_cli("--model", str(model), "classify", str(photo))
    assert result.returncode == 4 and "damaged model card" in result.stderr, result.stderr
    no_traceback(result)


def test_a_folder_without_a_model_gets_advice_that_fits(tmp_path):
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    photo = garment_photo(tmp_path / "a.jpg")
    result = run_cli("--model", str(empty), "classify", str(photo))
    assert result.returncode == 4 and "holds no wardrobe model" in result.stderr and "git checkout" not in result.stderr
