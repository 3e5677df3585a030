"""Paired devices and their one-time pairing codes: only hashes of codes and tokens are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from wardrobe.store.tables import DeviceRow, PairingCodeRow, UserRow

SEEN_EVERY = 300  # seconds: last_seen_at is written at most this often per device (not on every request)


@dataclass(frozen=True)
class Device:
    id: int
    user: str
    name: str
    created_at: datetime
    last_seen_at: datetime
    revoked: bool


class DeviceStore:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def add_code(self, user_id: int, code_sha256: str, now: datetime, expires_at: datetime) -> None:
        with self.sessions.begin() as s:
            s.add(PairingCodeRow(code_sha256=code_sha256, user_id=user_id, created_at=now, expires_at=expires_at))

    def redeem(self, code_sha256: str, token_sha256: str, name: str, now: datetime) -> Device | None:
        """Use a pairing code once: the new device, or None if the code is unknown, used or expired.

        The code is claimed by one UPDATE that only an unused, unexpired code matches, so two phones racing
        for one code cannot both pair."""
        with self.sessions.begin() as s:
            claimed = s.execute(
                sa.update(PairingCodeRow)
                .where(PairingCodeRow.code_sha256 == code_sha256, PairingCodeRow.used_at.is_(None),
                       PairingCodeRow.expires_at > now)
                .values(used_at=now).returning(PairingCodeRow.user_id)).scalar_one_or_none()
            if claimed is None:
                return None
            row = DeviceRow(token_sha256=token_sha256, user_id=claimed, name=name[:200], created_at=now,
                            last_seen_at=now)
            s.add(row)
            s.flush()
            return self._device(s, row)

    def by_token(self, token_sha256: str, now: datetime) -> Device | None:
        """The device whose session this is (not revoked), noting when it was last seen (a write only every
        SEEN_EVERY seconds: every request asks, and readers must not queue behind writers)."""
        with self.sessions() as s:
            row = s.scalar(sa.select(DeviceRow).where(DeviceRow.token_sha256 == token_sha256,
                                                      DeviceRow.revoked_at.is_(None)))
            if row is None:
                return None
            device = self._device(s, row)
        if (now - device.last_seen_at).total_seconds() > SEEN_EVERY:
            with self.sessions.begin() as s:
                s.execute(sa.update(DeviceRow).where(DeviceRow.id == device.id).values(last_seen_at=now))
        return device

    def all(self) -> list[Device]:
        with self.sessions() as s:
            return [self._device(s, row) for row in s.scalars(sa.select(DeviceRow).order_by(DeviceRow.id))]

    def revoke(self, device_ids: list[int], now: datetime) -> list[int]:
        """End these devices' sessions; returns the ids that existed."""
        with self.sessions.begin() as s:
            rows = list(s.scalars(sa.select(DeviceRow).where(DeviceRow.id.in_(device_ids))))
            for row in rows:
                row.revoked_at = row.revoked_at or now
            return sorted(row.id for row in rows)

    def forget_used_codes(self, before: datetime) -> None:
        """Codes used or expired before this time serve nothing: delete them."""
        with self.sessions.begin() as s:
            s.execute(sa.delete(PairingCodeRow).where(sa.or_(PairingCodeRow.expires_at < before,
                                                             PairingCodeRow.used_at < before)))

    @staticmethod
    def _device(s: Session, row: DeviceRow) -> Device:
        user = s.scalar(sa.select(UserRow.name).where(UserRow.id == row.user_id))
        return Device(row.id, user, row.name, row.created_at, row.last_seen_at, row.revoked_at is not None)
