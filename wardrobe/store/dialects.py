"""Statements that SQLite and PostgreSQL spell differently: an insert that skips rows already there, a writers' lock."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

ITEMS_LOCK = 0x6974656D  # pg_advisory_xact_lock key ('item'): one transaction inserting items at a time


def insert_or_skip(s: Session, table, conflict: list[str]):
    """INSERT ... ON CONFLICT (conflict) DO NOTHING for the session's database (both have it)."""
    # Only the dialect in use is imported: PostgreSQL's costs a one-photo `add` on SQLite 20 ms of CPU.
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=conflict)


def exclusive(s: Session, key: int) -> None:
    """Wait until no other transaction holds `key`, then hold it until this one ends (PostgreSQL's advisory lock).

    SQLite needs none: its writers take turns from BEGIN IMMEDIATE on.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
