"""Opening the SQLite inventory: WAL, busy timeout, foreign keys, and migrations on first use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from wardrobe.store import migrations


def open_engine(path: Path) -> Engine:
    """Create the engine for the database file at path, creating and migrating it as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN take effect (pysqlite's own transaction handling is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE: a writer waits for the lock at BEGIN instead of failing half-way (two `add` at once).
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        # Off while migrating (a migration may rebuild a table; dropping the old one must not cascade), and only
        # outside a transaction does SQLite take the change; checked before the migrations commit.
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                migrations.apply(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"{path}: migration left {len(broken)} rows pointing nowhere; nothing was changed")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
