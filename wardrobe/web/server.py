"""The state one `wardrobe serve` process keeps: the wardrobe (networks loaded once), each user's stylist, throttles."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from wardrobe.services import Wardrobe
from wardrobe.services.pairing import csrf_token, device_of
from wardrobe.services.stylist import Stylist
from wardrobe.settings import Settings

PHOTO_LIMIT = 30 * 1024 * 1024  # bytes of one uploaded photo
PHOTOS_PER_REQUEST = 20
PAIRING_TRIES = 5  # wrong pairing codes from one address within PAIRING_WINDOW before it must wait
PAIRING_WINDOW = 600.0


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    allowed_hosts: tuple[str, ...] = ()
    secure: bool = False  # HTTPS: cookies are Secure
    photo_limit: int = PHOTO_LIMIT
    seed: int | None = None  # repeatable proposals (tests)
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))


class Server:
    """What every request shares. The networks are loaded once; one photo is read at a time (LiteRT interpreters
    are not for concurrent use), and each user's proposals and ratings go through their own stylist in turn."""

    def __init__(self, settings: Settings, options: ServeOptions):
        self.settings = settings
        self.options = options
        self.wardrobe = Wardrobe(settings=settings)
        self.reading = threading.Lock()
        self._stylists: dict[str, tuple[Stylist, threading.Lock]] = {}
        self._stylists_lock = threading.Lock()
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        names = {"localhost", "127.0.0.1", "::1", options.host, *options.allowed_hosts}
        self._hosts = {name.lower().strip("[]") for name in names if name and name not in ("0.0.0.0", "::")}

    @property
    def request_limit(self) -> int:
        """The most bytes one request may send: a few photos at the limit, and the form around them."""
        return 3 * self.options.photo_limit + 64 * 1024

    def host_allowed(self, host_header: str) -> bool:
        """Whether a request's Host names this server (blocks DNS rebinding: another name resolving here)."""
        host = host_header.strip().lower()
        if host.startswith("["):
            name, _, rest = host[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        else:
            name, _, port = host.partition(":")
        return bool(name) and name in self._hosts and (not port or port.isdigit())

    def device(self, token: str | None):
        return device_of(self.wardrobe, token)

    def csrf(self, token: str) -> str:
        return csrf_token(token, self.options.key)

    def stylist(self, user: str) -> tuple[Stylist, threading.Lock]:
        with self._stylists_lock:
            if user not in self._stylists:
                self._stylists[user] = (Stylist(self.wardrobe, user, seed=self.options.seed), threading.Lock())
            return self._stylists[user]

    def pairing_allowed(self, client: str) -> bool:
        """Too many wrong codes from one address lately: it waits (a code cannot be guessed by trying)."""
        tries = self._failures[client]
        while tries and tries[0] < time.monotonic() - PAIRING_WINDOW:
            tries.popleft()
        return len(tries) < PAIRING_TRIES

    def pairing_failed(self, client: str) -> None:
        self._failures[client].append(time.monotonic())

    def add_uploads(self, uploads: list, user: str) -> list:
        """Classify and store uploaded photos (services.intake.Upload) as the user's own; results in order."""
        with self.reading:
            return list(self.wardrobe.add_uploads(uploads, owner=user))

    def close(self) -> None:
        self.wardrobe.close()
