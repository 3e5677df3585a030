"""Recorded schema migrations: small named steps applied in order on open, each noted in schema_migrations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Connection, text

MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = []


def migration(function: Callable[[Connection], None]) -> Callable[[Connection], None]:
    MIGRATIONS.append((function.__name__, function))
    return function


@migration
def m001_initial(conn: Connection) -> None:
    conn.execute(text("""
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name VARCHAR(100) NOT NULL UNIQUE,
            created_at DATETIME NOT NULL
        )"""))
    conn.execute(text("INSERT INTO users (name, created_at) VALUES ('default', :now)"),
                 {"now": datetime.now(timezone.utc).replace(tzinfo=None)})
    conn.execute(text("""
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            sha256 VARCHAR(64) NOT NULL UNIQUE,
            photo_file TEXT NOT NULL,
            thumbnail_file TEXT NOT NULL,
            original_name TEXT NOT NULL,
            added_at DATETIME NOT NULL,
            predicted_label INTEGER NOT NULL CHECK (predicted_label BETWEEN 0 AND 9),
            probabilities JSON NOT NULL,
            conversion_version VARCHAR(40) NOT NULL,
            model_version VARCHAR(80) NOT NULL,
            user_label INTEGER CHECK (user_label BETWEEN 0 AND 9),
            embedding BLOB,
            colours JSON NOT NULL,
            state VARCHAR(20) NOT NULL DEFAULT 'active'
        )"""))
    conn.execute(text("CREATE INDEX ix_items_predicted_label ON items (predicted_label)"))
    conn.execute(text("""
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
            source VARCHAR(20) NOT NULL,
            created_at DATETIME NOT NULL,
            UNIQUE (item_id, created_at)
        )"""))


@migration
def m002_outfits_and_taste(conn: Connection) -> None:
    conn.execute(text("""
        CREATE TABLE outfits (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            item_ids JSON NOT NULL,
            key TEXT NOT NULL,
            score REAL NOT NULL,
            explore BOOLEAN NOT NULL DEFAULT 0,
            proposed_at DATETIME NOT NULL
        )"""))
    conn.execute(text("CREATE INDEX ix_outfits_user_time ON outfits (user_id, proposed_at)"))
    conn.execute(text("""
        CREATE TABLE ratings (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            outfit_id INTEGER NOT NULL REFERENCES outfits (id) ON DELETE CASCADE,
            value INTEGER NOT NULL CHECK (value IN (-1, 1)),
            created_at DATETIME NOT NULL
        )"""))
    conn.execute(text("CREATE INDEX ix_ratings_user ON ratings (user_id)"))
    conn.execute(text("""
        CREATE TABLE wears (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            worn_at DATETIME NOT NULL
        )"""))
    conn.execute(text("CREATE INDEX ix_wears_item ON wears (item_id, worn_at)"))
    conn.execute(text("""
        CREATE TABLE preference_models (
            user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            params JSON NOT NULL,
            updated_at DATETIME NOT NULL
        )"""))


@migration
def m003_closet_categories(conn: Connection) -> None:
    """Labels 0-12 (Shorts, Skirt, Hat join Fashion-MNIST's ten) and each item's photo features.

    SQLite cannot change a CHECK constraint in place: the two tables are rebuilt and their rows copied
    (foreign keys are off while migrations run, see database.open_engine, so no cascade fires).
    """
    conn.execute(text("""
        CREATE TABLE items_new (
            id INTEGER PRIMARY KEY,
            sha256 VARCHAR(64) NOT NULL UNIQUE,
            photo_file TEXT NOT NULL,
            thumbnail_file TEXT NOT NULL,
            original_name TEXT NOT NULL,
            added_at DATETIME NOT NULL,
            predicted_label INTEGER NOT NULL CHECK (predicted_label BETWEEN 0 AND 12),
            probabilities JSON NOT NULL,
            conversion_version VARCHAR(40) NOT NULL,
            model_version VARCHAR(80) NOT NULL,
            user_label INTEGER CHECK (user_label BETWEEN 0 AND 12),
            embedding BLOB,
            colours JSON NOT NULL,
            state VARCHAR(20) NOT NULL DEFAULT 'active',
            photo_features BLOB
        )"""))
    columns = ("id, sha256, photo_file, thumbnail_file, original_name, added_at, predicted_label, probabilities, "
               "conversion_version, model_version, user_label, embedding, colours, state")
    conn.execute(text(f"INSERT INTO items_new ({columns}) SELECT {columns} FROM items"))
    conn.execute(text("DROP TABLE items"))
    conn.execute(text("ALTER TABLE items_new RENAME TO items"))
    conn.execute(text("CREATE INDEX ix_items_predicted_label ON items (predicted_label)"))
    conn.execute(text("""
        CREATE TABLE corrections_new (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 12),
            source VARCHAR(20) NOT NULL,
            created_at DATETIME NOT NULL,
            UNIQUE (item_id, created_at)
        )"""))
    conn.execute(text("INSERT INTO corrections_new SELECT id, item_id, label, source, created_at FROM corrections"))
    conn.execute(text("DROP TABLE corrections"))
    conn.execute(text("ALTER TABLE corrections_new RENAME TO corrections"))


@migration
def m004_one_rating_per_outfit(conn: Connection) -> None:
    """Rating an outfit again replaces the earlier rating: keep each user's latest one, then enforce it."""
    conn.execute(text("""
        DELETE FROM ratings WHERE id NOT IN (SELECT max(id) FROM ratings GROUP BY user_id, outfit_id)"""))
    conn.execute(text("CREATE UNIQUE INDEX ux_ratings_user_outfit ON ratings (user_id, outfit_id)"))


def pending(conn: Connection) -> list[str]:
    """The migrations this database has not seen (all of them for a database without the table)."""
    exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'")).first()
    done = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))} if exists else set()
    return [name for name, _ in MIGRATIONS if name not in done]


def apply(conn: Connection) -> list[str]:
    """Apply the migrations this database has not seen; return their names."""
    conn.execute(text(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at DATETIME NOT NULL)"
    ))
    done = {row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        step(conn)
        conn.execute(text("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)"),
                     {"n": name, "t": datetime.now(timezone.utc).replace(tzinfo=None)})
        applied.append(name)
    return applied
