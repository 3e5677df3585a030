"""Pairing phones with `wardrobe serve`: one-time codes for one user, long-lived device sessions, revocation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from wardrobe.config import check_user_name
from wardrobe.services.inventory import NotFound, Wardrobe
from wardrobe.store.devices import Device, DeviceStore
from wardrobe.store.repository import utcnow
from wardrobe.store.taste import TasteStore

CODE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class PairingCode:
    code: str
    user: str
    expires_at: datetime


@dataclass(frozen=True)
class PairedSession:
    token: str  # the secret the phone keeps in its cookie; only its hash is stored
    device: Device


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_code(wardrobe: Wardrobe, user: str) -> PairingCode:
    """A fresh code that pairs one device for `user` (created if new), once, within CODE_LIFETIME."""
    user_id = TasteStore(wardrobe.inventory.sessions).user_id(check_user_name(user), create=True)
    code = secrets.token_urlsafe(12)
    now = utcnow()
    store = DeviceStore(wardrobe.inventory.sessions)
    store.forget_used_codes(now - timedelta(days=1))
    store.add_code(user_id, digest(code), now, now + CODE_LIFETIME)
    return PairingCode(code, user, now + CODE_LIFETIME)


def pair(wardrobe: Wardrobe, code: str, device_name: str) -> PairedSession | None:
    """Redeem a pairing code: a new device session, or None for a code that is unknown, used or expired."""
    if not code or len(code) > 64:
        return None
    token = secrets.token_urlsafe(32)
    device = DeviceStore(wardrobe.inventory.sessions).redeem(digest(code), digest(token), device_name, utcnow())
    return PairedSession(token, device) if device else None


def device_of(wardrobe: Wardrobe, token: str | None) -> Device | None:
    """The paired, unrevoked device a session token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return DeviceStore(wardrobe.inventory.sessions).by_token(digest(token), utcnow())


def devices(wardrobe: Wardrobe) -> list[Device]:
    return DeviceStore(wardrobe.inventory.sessions).all()


def revoke(wardrobe: Wardrobe, device_ids: list[int]) -> list[int]:
    """End devices' sessions at once (their next request must pair again); unknown ids are refused first."""
    known = {d.id for d in devices(wardrobe)}
    missing = [i for i in device_ids if i not in known]
    if missing:
        raise NotFound(f"no paired device with id {', '.join(map(str, missing))}; `wardrobe devices` lists them")
    return DeviceStore(wardrobe.inventory.sessions).revoke(device_ids, utcnow())


def csrf_token(session_token: str, key: bytes) -> str:
    """The token a page of this session sends with every change (bound to the session and the server's key)."""
    return hmac.new(key, session_token.encode(), hashlib.sha256).hexdigest()
