"""The SQLite inventory: created on first use, migrated once, WAL, foreign keys, unique photos."""

import sqlite3

import pytest
import sqlalchemy as sa

from wardrobe.store.migrations import MIGRATIONS
from wardrobe.store.repository import Inventory, NewItem


def new_item(sha="a" * 64, **overrides) -> NewItem:
    values = dict(sha256=sha, photo_file=f"photos/{sha[:2]}/{sha}.jpg", thumbnail_file="t.jpg",
                  original_name="shirt.jpg", predicted_label=6, probabilities=[0.0] * 6 + [1.0] + [0.0] * 3,
                  conversion_version="fmnist-v1", model_version="test", embedding=b"\0" * 8, colours=["blue"])
    values.update(overrides)
    return NewItem(**values)


def test_fresh_database_has_schema_default_user_and_wal(tmp_path):
    db = tmp_path / "inv.sqlite3"
    inventory = Inventory(db)
    assert inventory.users() == ["default"]
    inventory.close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in con.execute("SELECT name FROM schema_migrations")]
    assert names == [name for name, _ in MIGRATIONS]


def test_reopening_applies_no_migration_twice(tmp_path):
    db = tmp_path / "inv.sqlite3"
    Inventory(db).close()
    Inventory(db).close()
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_add_get_list_relabel_remove(tmp_path):
    inventory = Inventory(tmp_path / "inv.sqlite3")
    [item] = inventory.add_items([new_item()])
    assert inventory.get(item.id).category == "Shirt"
    assert inventory.relabel(item.id, 2).category == "Pullover"
    assert inventory.get(item.id).predicted_label == 6
    assert [i.id for i in inventory.list(label=2)] == [item.id]
    assert inventory.list(label=6) == []
    assert inventory.corrections(item.id) == [(item.id, 2, "relabel")]
    assert inventory.remove(item.id).id == item.id
    assert inventory.get(item.id) is None
    assert inventory.corrections() == []  # cascaded with the item
    assert inventory.remove(item.id) is None


def test_add_with_label_records_a_correction(tmp_path):
    inventory = Inventory(tmp_path / "inv.sqlite3")
    [item] = inventory.add_items([new_item(user_label=3)])
    assert item.category == "Dress"
    assert inventory.corrections() == [(item.id, 3, "add")]


def test_a_batch_is_all_or_nothing(tmp_path):
    inventory = Inventory(tmp_path / "inv.sqlite3")
    inventory.add_items([new_item("b" * 64)])
    with pytest.raises(sa.exc.IntegrityError):
        inventory.add_items([new_item("c" * 64), new_item("d" * 64, predicted_label=99)])  # the second is impossible
    assert [i.sha256[0] for i in inventory.list()] == ["b"]


def test_a_photo_stored_meanwhile_is_reported_not_inserted_again(tmp_path):
    """The duplicate check runs inside the write transaction (two `add`s of the same photos at once)."""
    inventory = Inventory(tmp_path / "inv.sqlite3")
    [first] = inventory.add_items([new_item("b" * 64)])
    found = inventory.add_new_items([new_item("c" * 64), new_item("b" * 64)])
    assert found[1] == first.id and found[0].sha256 == "c" * 64
    assert len(inventory.list()) == 2


def test_database_refuses_impossible_labels(tmp_path):
    inventory = Inventory(tmp_path / "inv.sqlite3")
    with pytest.raises(sa.exc.IntegrityError):
        inventory.add_items([new_item(predicted_label=13)])  # 0-12 are the closet's categories


def test_foreign_keys_are_enforced(tmp_path):
    inventory = Inventory(tmp_path / "inv.sqlite3")
    with pytest.raises(sa.exc.IntegrityError), inventory.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO corrections (item_id, label, source, created_at) VALUES (999, 1, 'x', '2026-01-01')"))


def test_a_new_inventory_appears_whole_to_processes_starting_together(tmp_path):
    """SQLite would first make a 0-byte file, which a second process would refuse as damaged."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from wardrobe.store.repository import Inventory; "
            "Inventory(Path(sys.argv[1])).list()")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "home" / "inventory.sqlite3")],
                             stderr=subprocess.PIPE, text=True) for _ in range(8)]
    errors = [run.stderr.read() for run in runs if run.wait(timeout=120) != 0]
    assert not errors, errors[0]
    assert sorted(p.name for p in (tmp_path / "home").iterdir() if p.name.endswith(".tmp")) == []
