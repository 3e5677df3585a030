"""The inventory on SQLite and on PostgreSQL: created on first use, migrated once, foreign keys, unique photos."""

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


def test_add_get_list_relabel_remove(location):
    inventory = Inventory(**location)
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


def test_user_attributes_merge_clear_and_win_over_the_heads(location):
    inventory = Inventory(**location)
    [item] = inventory.add_items([new_item(attributes={"pattern": "solid", "colour": "blue"})])
    assert item.name == "blue shirt"
    tagged = inventory.set_user_attributes(item.id, {"pattern": "striped", "colour": "navy"})
    assert tagged.user_attributes == {"pattern": "striped", "colour": "navy"} and tagged.name == "navy striped shirt"
    tagged = inventory.set_user_attributes(item.id, {"kind": "polo", "colour": None})
    assert inventory.get(item.id).user_attributes == tagged.user_attributes == {"pattern": "striped", "kind": "polo"}
    assert tagged.attributes == {"pattern": "solid", "colour": "blue"}  # what the heads read stays
    assert tagged.name == "blue striped polo"
    assert inventory.set_user_attributes(item.id + 1, {"kind": "polo"}) is None
    inventory.close()


def test_add_with_label_records_a_correction(location):
    inventory = Inventory(**location)
    [item] = inventory.add_items([new_item(user_label=3)])
    assert item.category == "Dress"
    assert inventory.corrections() == [(item.id, 3, "add")]


def test_a_batch_is_all_or_nothing(location):
    inventory = Inventory(**location)
    inventory.add_items([new_item("b" * 64)])
    with pytest.raises(sa.exc.IntegrityError):
        inventory.add_items([new_item("c" * 64), new_item("d" * 64, predicted_label=99)])  # the second is impossible
    assert [i.sha256[0] for i in inventory.list()] == ["b"]


def test_a_photo_stored_meanwhile_is_reported_not_inserted_again(location):
    """The duplicate check runs inside the write transaction (two `add`s of the same photos at once)."""
    inventory = Inventory(**location)
    [first] = inventory.add_items([new_item("b" * 64)])
    found = inventory.add_new_items([new_item("c" * 64), new_item("b" * 64)])
    assert found[1] == first.id and found[0].sha256 == "c" * 64
    assert len(inventory.list()) == 2


def test_database_refuses_impossible_labels(location):
    inventory = Inventory(**location)
    with pytest.raises(sa.exc.IntegrityError):
        inventory.add_items([new_item(predicted_label=13)])  # 0-12 are the closet's categories


def test_foreign_keys_are_enforced(location):
    inventory = Inventory(**location)
    with pytest.raises(sa.exc.IntegrityError), inventory.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO corrections (item_id, label, source, created_at) VALUES (999, 1, 'x', '2026-01-01')"))


def test_a_new_inventory_appears_whole_to_processes_starting_together(processes, tmp_path):
    """SQLite would first make a 0-byte file, which a second process would refuse as damaged."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from wardrobe.store.repository import Inventory; "
            "Inventory(Path(sys.argv[1])).list()")
    runs = [processes.popen([sys.executable, "-c", code, str(tmp_path / "home" / "inventory.sqlite3")],
                             stderr=subprocess.PIPE, text=True) for _ in range(8)]
    errors = [run.stderr.read() for run in runs if run.wait(timeout=120) != 0]
    assert not errors, errors[0]
    assert sorted(p.name for p in (tmp_path / "home").iterdir() if p.name.endswith(".tmp")) == []


def test_server_database_is_migrated_once_by_processes_starting_together(processes, pg_url):
    """Migrations run under an advisory lock: four processes opening a fresh database leave one schema."""
    import subprocess
    import sys

    code = "import sys; from wardrobe.store.repository import Inventory; Inventory(url=sys.argv[1]).list()"
    runs = [processes.popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [run.stderr.read() for run in runs if run.wait(timeout=120) != 0]
    assert not errors, errors[0]
    inventory = Inventory(url=pg_url)
    with inventory.engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.text("SELECT name FROM schema_migrations ORDER BY name"))]
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
    assert names == [name for name, _ in MIGRATIONS]


def test_users_created_twice_at_once_are_one_user(location):
    from wardrobe.store.taste import TasteStore

    first, second = Inventory(**location), Inventory(**location)
    ids = {TasteStore(first.sessions).user_id("alice"), TasteStore(second.sessions).user_id("alice")}
    assert len(ids) == 1 and first.users() == ["default", "alice"]


def test_sqlite_urls_name_the_file(tmp_path):
    Inventory(url=f"sqlite:///{tmp_path / 'by-url.sqlite3'}").close()
    assert (tmp_path / "by-url.sqlite3").is_file()


@pytest.mark.parametrize("url", ["not a url", "mysql://u:pw@h/db", "sqlite://", "postgresql+nosuchdriver://u:pw@h/db"])
def test_unusable_urls_are_refused_without_their_password(url):
    from wardrobe.store.errors import BadDatabaseURL

    with pytest.raises(BadDatabaseURL) as refused:
        Inventory(url=url)
    assert "pw" not in str(refused.value).replace("wardrobe[postgres]", "")


def test_a_wrong_password_or_a_stopped_server_is_one_line_without_the_password(pg_cluster, refused_port):
    from wardrobe.store.errors import ServerUnreachable

    for url in (pg_cluster.url(password="s3cret-wrong"),
                f"postgresql+psycopg://wardrobe:s3cret-wrong@127.0.0.1:{refused_port}/x"):
        with pytest.raises(ServerUnreachable) as refused:
            Inventory(url=url)
        message = str(refused.value)
        assert "s3cret" not in message and "\n" not in message and "***" in message
