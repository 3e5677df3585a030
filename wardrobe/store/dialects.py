"""Statements that SQLite and PostgreSQL spell differently: an insert that skips rows already there."""

from __future__ import annotations

from sqlalchemy.orm import Session


def insert_or_skip(s: Session, table, conflict: list[str]):
    """INSERT ... ON CONFLICT (conflict) DO NOTHING for the session's database (both have it)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=conflict)
