"""The schema is written twice (raw DDL in migrations.py, ORM in tables.py): check one against the other."""

import json
import sqlite3
from datetime import datetime

import pytest
import sqlalchemy as sa

from wardrobe.store import migrations
from wardrobe.store.repository import Inventory
from wardrobe.store.tables import Base


def _build(path, steps):
    """A database made by the first `steps` recorded migrations, as a release that stopped there made it."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at DATETIME NOT NULL)"))
        for name, step in migrations.MIGRATIONS[:steps]:
            step(conn)
            conn.execute(sa.text("INSERT INTO schema_migrations VALUES (:n, :t)"), {"n": name, "t": datetime(2025, 1, 1)})
    engine.dispose()


def _schema(engine) -> dict:
    """Tables, columns (nullability, primary key), foreign keys and unique column sets, as the database has them."""
    inspector = sa.inspect(engine)
    found = {}
    for table in inspector.get_table_names():
        if table == "schema_migrations":
            continue
        pk = set(inspector.get_pk_constraint(table)["constrained_columns"])
        columns = {c["name"]: (bool(c["nullable"]) and c["name"] not in pk, c["name"] in pk)
                   for c in inspector.get_columns(table)}
        fks = {(tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
               for f in inspector.get_foreign_keys(table)}
        found[table] = {"columns": columns, "fks": fks, "uniques": _uniques(engine, inspector, table)}
    return found


def _uniques(engine, inspector, table) -> set:
    if engine.dialect.name == "postgresql":
        uniques = {tuple(sorted(u["column_names"])) for u in inspector.get_unique_constraints(table)}
        return uniques | {tuple(sorted(i["column_names"])) for i in inspector.get_indexes(table) if i["unique"]}
    with engine.connect() as conn:  # every unique index, SQLite's automatic ones for UNIQUE columns included
        indexes = conn.exec_driver_sql(f"PRAGMA index_list({table})").all()
        return {tuple(sorted(r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info({name})").all()))
                for _, name, unique, origin, *_ in indexes if unique and origin != "pk"}


def _orm_schema() -> dict:
    found = {}
    for table in Base.metadata.sorted_tables:
        pk = {c.name for c in table.primary_key.columns}
        columns = {c.name: (bool(c.nullable) and c.name not in pk, c.name in pk) for c in table.columns}
        fks = {((fk.parent.name,), fk.column.table.name, (fk.column.name,)) for fk in table.foreign_keys}
        uniques = {tuple(sorted(c.name for c in u.columns)) for u in table.constraints
                   if isinstance(u, sa.UniqueConstraint)}
        uniques |= {(c.name,) for c in table.columns if c.unique}
        uniques |= {tuple(sorted(c.name for c in i.columns)) for i in table.indexes if i.unique}
        found[table.name] = {"columns": columns, "fks": fks, "uniques": uniques}
    return found


@pytest.mark.parametrize("steps", range(len(migrations.MIGRATIONS) + 1))
def test_migrating_from_every_recorded_version_gives_the_orm_schema(tmp_path, steps):
    db = tmp_path / "inventory.sqlite3"
    if steps:
        _build(db, steps)
    inventory = Inventory(db)
    try:
        assert _schema(inventory.engine) == _orm_schema()
        names = [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM schema_migrations ORDER BY rowid")]
        assert names == [name for name, _ in migrations.MIGRATIONS]
    finally:
        inventory.close()


def _last_release(path):
    """A database as the last release (0.1.0: migrations m001 and m002) left it, with a little of everything."""
    _build(path, 2)
    con = sqlite3.connect(path)
    probs = json.dumps([0.0] * 6 + [1.0] + [0.0] * 3)
    con.execute("INSERT INTO users (name, created_at) VALUES ('alice', '2025-01-02 00:00:00')")
    for i, sha in enumerate(("a" * 64, "b" * 64, "c" * 64), start=1):
        con.execute("INSERT INTO items (sha256, photo_file, thumbnail_file, original_name, added_at, predicted_label, "
                    "probabilities, conversion_version, model_version, user_label, embedding, colours, state) VALUES "
                    "(?, ?, ?, ?, '2025-01-02 00:00:00', 6, ?, 'fmnist-v1', 'resnet50-x', NULL, NULL, '[\"blue\"]', "
                    "'active')", (sha, f"photos/{sha[:2]}/{sha}.jpg", f"thumbnails/{sha[:2]}/{sha}.jpg", f"{i}.jpg",
                                  probs))
    con.execute("INSERT INTO corrections (item_id, label, source, created_at) VALUES (1, 2, 'relabel', '2025-01-03')")
    con.execute("INSERT INTO outfits (user_id, item_ids, key, score, explore, proposed_at) VALUES "
                "(2, '[1, 2, 3]', 'k', 0.5, 0, '2025-01-03')")
    con.execute("INSERT INTO ratings (user_id, outfit_id, value, created_at) VALUES (2, 1, 1, '2025-01-03')")
    con.execute("INSERT INTO ratings (user_id, outfit_id, value, created_at) VALUES (2, 1, -1, '2025-01-04')")
    con.execute("INSERT INTO wears (user_id, item_id, worn_at) VALUES (2, 1, '2025-01-04')")
    con.execute("INSERT INTO preference_models (user_id, params, updated_at) VALUES (2, '{}', '2025-01-04')")
    con.commit()
    con.close()


def test_a_database_made_by_the_last_release_upgrades_and_keeps_everything(tmp_path):
    from wardrobe.store.taste import TasteStore

    db = tmp_path / "inventory.sqlite3"
    _last_release(db)
    inventory = Inventory(db)
    try:
        assert [i.original_name for i in inventory.list()] == ["1.jpg", "2.jpg", "3.jpg"]
        assert {i.owner for i in inventory.list()} == {None}  # every item of an old inventory is shared
        assert inventory.get(1).user_label is None and inventory.corrections() == [(1, 2, "relabel")]
        taste = TasteStore(inventory.sessions)
        alice = taste.user_id("alice", create=False)
        assert [u["name"] for u in taste.users()] == ["default", "alice"]
        assert [r.value for r in taste.ratings(alice)] == [-1]  # the latest rating of the outfit is the one that counts
        assert taste.wears(alice)[0][0] == 1
        assert _schema(inventory.engine) == _orm_schema()
    finally:
        inventory.close()


def test_the_last_release_inventory_takes_the_new_categories_and_photo_features(tmp_path):
    """m003 rebuilds items and corrections (CHECKs 0-12): rows, labels and what points at them all survive."""
    db = tmp_path / "inventory.sqlite3"
    _last_release(db)
    inventory = Inventory(db)
    try:
        assert inventory.relabel(2, 12).user_label == 12  # Hat: refused by the old CHECK (0-9)
        assert inventory.corrections() == [(1, 2, "relabel"), (2, 12, "relabel")]
        with inventory.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM wears WHERE item_id = 1")).scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on after migrating
        assert [(item.id, blob) for item, blob in inventory.photo_features()] == [(1, None), (2, None), (3, None)]
        inventory.remove(1)  # cascades still work on the rebuilt tables
        with inventory.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM wears")).scalar() == 0
    finally:
        inventory.close()


@pytest.mark.parametrize("steps", [0, 2, len(migrations.MIGRATIONS)])
def test_migrating_a_server_database_gives_the_orm_schema(pg_url, steps):
    """The same recorded migrations on PostgreSQL, from a fresh database and from the last release's schema."""
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(migrations.text(conn, "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, "
                                           "applied_at DATETIME NOT NULL)"))
        for name, step in migrations.MIGRATIONS[:steps]:
            step(conn)
            conn.execute(sa.text("INSERT INTO schema_migrations VALUES (:n, :t)"), {"n": name, "t": datetime(2025, 1, 1)})
        if steps == 2:
            conn.execute(sa.text("INSERT INTO items (sha256, photo_file, thumbnail_file, original_name, added_at, "
                                 "predicted_label, probabilities, conversion_version, model_version, colours) VALUES "
                                 "('a', 'p', 't', 'o', now(), 9, '[]', 'c', 'm', '[]')"))
            conn.execute(sa.text("INSERT INTO wears (user_id, item_id, worn_at) VALUES (1, 1, now())"))
    engine.dispose()
    inventory = Inventory(url=pg_url)
    try:
        assert _schema(inventory.engine) == _orm_schema()
        if steps == 2:
            assert inventory.relabel(1, 12).user_label == 12  # the CHECK now allows the closet's 13 categories
            inventory.remove(1)
            with inventory.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM wears")).scalar() == 0  # cascades still work
    finally:
        inventory.close()
