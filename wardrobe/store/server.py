"""Opening an inventory on a PostgreSQL server: the URL checked, its errors in one line, migrations under a lock."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from wardrobe.store import migrations
from wardrobe.store.errors import BadDatabaseURL, InventoryBusy, InventoryDamaged, ServerUnreachable, StoreError

MIGRATION_LOCK = 0x77617264  # pg_advisory_xact_lock key ('ward'): one process at a time migrates a database
LOCK_TIMEOUT = "30s"  # as SQLite's busy timeout: a writer waits this long for a lock, then the command says "busy"
EXAMPLE = "postgresql+psycopg://USER@HOST/DATABASE"
# Query parameters whose value is never shown: password, sslpassword, passfile, and anything like a key or token.
SECRET_PARAMETER = re.compile(r"pass|secret|token|key|auth", re.IGNORECASE)


def parse(location: str) -> URL:
    """The SQLAlchemy URL in `location`; PostgreSQL without a driver named gets psycopg (version 3)."""
    try:
        url = make_url(location)
    except (ArgumentError, ValueError) as exc:
        # The text is not echoed: it may hold a password.
        raise BadDatabaseURL(f"the database URL is not a URL; expected sqlite:///FILE or {EXAMPLE}") from exc
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("psycopg2", ""):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise BadDatabaseURL(f"{shown(url)}: only PostgreSQL ({EXAMPLE}) and SQLite (sqlite:///FILE) are supported")
    return url


def shown(url: URL | str) -> str:
    """A URL as it may be printed: never its password, nor a secret-looking query parameter's value."""
    try:
        url = url if isinstance(url, URL) else make_url(url)
        text = url.set(query={}).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "the database URL"
    parameters = [f"{quote_plus(key)}={'***' if SECRET_PARAMETER.search(key) else quote_plus(value)}"
                  for key, values in url.query.items() for value in ((values,) if isinstance(values, str) else values)]
    return text + ("?" + "&".join(parameters) if parameters else "")


def secrets(url: URL) -> list[str]:
    """The values shown() hides, to be masked in any text a driver wrote about this URL."""
    hidden = [value for key, values in url.query.items() if SECRET_PARAMETER.search(key)
              for value in ((values,) if isinstance(values, str) else values)]
    return [value for value in [url.password, *hidden] if value]


def masked(text: str, url: URL) -> str:
    """Text with every secret of the URL replaced by ***."""
    for secret in sorted(secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def from_server(url: URL, exc: BaseException) -> StoreError | None:
    """The StoreError a psycopg error stands for, or None for errors that are the program's own."""
    import psycopg
    from psycopg import errors

    if not isinstance(exc, psycopg.Error):
        return None
    where = shown(url)
    detail = masked(" ".join(str(exc).split()), url)[:240]
    if isinstance(exc, (errors.LockNotAvailable, errors.DeadlockDetected, errors.SerializationFailure,
                        errors.QueryCanceled)):
        return InventoryBusy(f"the inventory {where} is busy: another wardrobe held it for {LOCK_TIMEOUT}; try again")
    if isinstance(exc, (errors.UndefinedTable, errors.UndefinedColumn)):
        return InventoryDamaged(f"the inventory {where} lacks wardrobe's tables ({detail}); nothing was written to it")
    if isinstance(exc, errors.DiskFull):
        return ServerUnreachable(f"the database server of {where} is out of disk space; free some and try again")
    if isinstance(exc, errors.InsufficientPrivilege):
        return ServerUnreachable(f"the database {where} refuses this user ({detail}); grant it the rights to write")
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return ServerUnreachable(f"cannot use the database {where}: {detail}")
    return None


def open_server_engine(location: str | URL) -> Engine:
    """An engine for the PostgreSQL database at the URL, migrated (by one process at a time) before use."""
    url = parse(location) if isinstance(location, str) else location
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ModuleNotFoundError, NoSuchModuleError) as exc:
        raise BadDatabaseURL(f"{shown(url)}: its driver is not installed; `pip install 'wardrobe[postgres]'` "
                             "installs psycopg") from exc
    except ArgumentError as exc:
        raise BadDatabaseURL(f"{shown(url)}: {masked(str(exc), url)}") from exc

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        dbapi_connection.commit()

    @event.listens_for(engine, "handle_error")
    def _translate(context):
        problem = from_server(url, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        migrations.apply(conn)
    return engine
