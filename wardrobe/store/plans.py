"""Plans: the outfit a user keeps for a day to come (one per day), read by day or by a span of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from wardrobe.store.repository import utcnow
from wardrobe.store.tables import PlanRow


@dataclass
class Plan:
    day: date
    item_ids: list[int]
    occasion: str | None
    weather: str | None
    outfit_id: int | None
    created_at: datetime


def _plan(row: PlanRow) -> Plan:
    return Plan(row.day, list(row.item_ids), row.occasion, row.weather, row.outfit_id, row.created_at)


class PlanStore:
    """One user's plans. Each method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def keep(self, user_id: int, day: date, item_ids: list[int], occasion: str | None = None,
             weather: str | None = None, outfit_id: int | None = None) -> Plan:
        """Keep this outfit for the day, replacing the day's earlier plan."""
        with self.sessions.begin() as s:
            s.execute(sa.delete(PlanRow).where(PlanRow.user_id == user_id, PlanRow.day == day))
            row = PlanRow(user_id=user_id, day=day, item_ids=list(item_ids), occasion=occasion, weather=weather,
                          outfit_id=outfit_id, created_at=utcnow())
            s.add(row)
            s.flush()
            return _plan(row)

    def drop(self, user_id: int | None, day: date) -> Plan | None:
        """Remove the day's plan; returns it, or None when the day had none."""
        with self.sessions.begin() as s:
            row = s.scalar(sa.select(PlanRow).where(PlanRow.user_id == user_id, PlanRow.day == day))
            if row is None:
                return None
            plan = _plan(row)
            s.delete(row)
            return plan

    def between(self, user_id: int | None, first: date | None = None, last: date | None = None) -> list[Plan]:
        """This user's plans from `first` to `last` (both included; open where None), by day."""
        query = sa.select(PlanRow).where(PlanRow.user_id == user_id).order_by(PlanRow.day)
        if first is not None:
            query = query.where(PlanRow.day >= first)
        if last is not None:
            query = query.where(PlanRow.day <= last)
        with self.sessions() as s:
            return [_plan(row) for row in s.scalars(query)]
