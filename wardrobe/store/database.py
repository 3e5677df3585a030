"""Opening the SQLite inventory: checked, WAL, busy timeout, foreign keys, and migrations on first use."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from wardrobe.store import migrations
from wardrobe.store.errors import HomeUnusable, damaged, from_sqlite, os_problem

SQLITE_HEADER = b"SQLite format 3\x00"
READING = "wardrobe_reading"  # an execution option: this transaction only reads


def writable(path: Path) -> bool:
    """Whether the database file (or, before it exists, its folder) can be written by this process."""
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_uri(path: Path) -> str:
    """A URI that reads the database without writing anything, even in a read-only folder.

    SQLite needs the WAL's shared-memory file to read a WAL database; where it cannot be created (a
    read-only home after a clean close), the file is read as immutable, which no writer can be then.
    """
    uri = f"file:{path}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=30)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc) or "readonly" in str(exc):
            return uri + "&immutable=1"
    except sqlite3.DatabaseError:
        pass  # damaged: the caller's check says so
    return uri


def check_file(path: Path) -> None:
    """Refuse what is not an intact SQLite database before SQLAlchemy touches it (a 0-byte file included)."""
    if path.is_dir():
        raise damaged(path, "it is a folder, not a database file")
    if not path.exists():
        return
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise os_problem(path, exc, "read") from exc
    if not header:
        raise damaged(path, "the file is empty (0 bytes)")
    if header != SQLITE_HEADER:
        raise damaged(path, "not a SQLite database")
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True, timeout=30)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        problem = from_sqlite(path, exc)
        if problem is not None and not isinstance(problem, HomeUnusable):
            raise problem from exc
        if problem is None:
            raise damaged(path, str(exc)) from exc
        return  # cannot open read-write side files here (a read-only home): the engine decides below
    if rows != [("ok",)]:
        raise damaged(path, f"integrity check: {rows[0][0]}")


def create_atomically(path: Path) -> None:
    """Make a new inventory file appear whole: an empty WAL database built aside, then linked into place.

    SQLite itself would first create a 0-byte file, which a second `wardrobe` starting at that moment
    would (rightly) refuse as damaged; a link either lands a valid file or finds the other one's.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at DATETIME NOT NULL)")
            con.commit()
        finally:
            con.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    except OSError as exc:
        raise os_problem(path.parent, exc, "create") from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)


def open_engine(path: Path, read_only: bool | None = None) -> Engine:
    """Create the engine for the database file at path, creating and migrating it as needed.

    The file is checked first (PRAGMA quick_check): a damaged inventory is refused, never written into.
    A home this process cannot write is opened read-only, so reading commands still work there.
    """
    path = Path(path)
    check_file(path)
    if read_only is None:
        read_only = path.exists() and not writable(path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise os_problem(path.parent, exc, "create") from exc
        if not path.exists():
            create_atomically(path)
    url = f"sqlite:///{read_only_uri(path)}&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN take effect (pysqlite's own transaction handling is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE: a writer waits for the lock at BEGIN instead of failing half-way (two `add` at once). A reader
        # (session_factory's sessions() as opposed to sessions.begin()) begins deferred: in WAL mode it reads the
        # last commit and never waits for a writer.
        reading = read_only or conn.get_execution_options().get(READING, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _translate(context):
        # One line for users instead of a DBAPI traceback: damaged, read-only, full, busy.
        problem = from_sqlite(path, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    with engine.connect() as conn:
        conn.execution_options(**{READING: True})  # looking does not wait for a writer
        with conn.begin():
            pending = migrations.pending(conn)
        conn.execution_options(**{READING: False})
        if read_only and pending:
            raise HomeUnusable(f"the inventory {path} needs an upgrade but its home is read-only; run any "
                               "command once with write access")
        if not pending:
            return engine
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


class Sessions(sessionmaker):
    """Sessions for one inventory: sessions() only reads (deferred BEGIN on SQLite: never waits for a writer),
    sessions.begin() writes (BEGIN IMMEDIATE: writers take turns from the start)."""

    def __init__(self, engine: Engine):
        super().__init__(engine.execution_options(**{READING: True}), expire_on_commit=False)
        self.writer = engine

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self(bind=self.writer) as session, session.begin():
            yield session


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return Sessions(engine)
