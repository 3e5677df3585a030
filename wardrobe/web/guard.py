"""Who may ask what: the Host allow-list, paired sessions, same-origin changes, body limits, security headers."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse

from wardrobe.web.server import Server

SESSION_COOKIE = "wardrobe_session"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = ("/pair", "/static/", "/manifest.webmanifest", "/sw.js", "/favicon.ico")

CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'; manifest-src 'self'; worker-src 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
]


class BodyTooLarge(Exception):
    """A request sent more than the server takes."""


def wants_json(path: str) -> bool:
    """Whether a path answers JSON (the API and its description) rather than pages."""
    return path.startswith("/api/") or path == "/openapi.json"


def is_public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) or path.startswith(p + "/") for p in PUBLIC)


class Guard:
    """ASGI middleware in front of every route; nothing reaches a route that it refused."""

    def __init__(self, app, server: Server):
        self.app = app
        self.server = server

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + \
                    [(name, value) for name, value in SECURITY_HEADERS if name not in names]
            await send(message)

        headers = Headers(scope=scope)
        path, method = scope["path"], scope["method"]
        refusal = self._refusal(scope, headers)
        if refusal is None and not is_public(path):
            token = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
            device = await run_in_threadpool(self.server.device, token)
            if device is None:
                refusal = JSONResponse({"error": "this device is not paired: open the pairing link `wardrobe pair` "
                                                 "prints", "status": 401}, 401) if wants_json(path) \
                    else RedirectResponse("/pair", 303)
            else:
                scope.setdefault("state", {}).update(device=device, session=token)
                if method in UNSAFE and not self._same_origin(scope, headers) and not self._csrf_ok(token, headers):
                    refusal = JSONResponse({"error": "refused: this change does not come from this server's own pages",
                                            "status": 403}, 403)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, self._capped(receive), send_with_headers)

    def _refusal(self, scope, headers: Headers):
        if not self.server.host_allowed(headers.get("host", "")):
            return PlainTextResponse("this server does not answer to that host name (start it with --allow-host NAME)",
                                     400)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.server.request_limit):
            return JSONResponse({"error": f"too large: at most {self.server.options.photo_limit // 2**20} MB a photo",
                                 "status": 413}, 413)
        return None

    def _same_origin(self, scope, headers: Headers) -> bool:
        """Whether the request's Origin (else its Referer) is this server, as the browser reached it."""
        claimed = headers.get("origin") or headers.get("referer")
        if not claimed or claimed == "null":
            return False
        parts = urlsplit(claimed)
        own_scheme = scope.get("scheme", "http")
        return parts.scheme == own_scheme and parts.netloc.lower() == headers.get("host", "").lower()

    def _csrf_ok(self, token: str | None, headers: Headers) -> bool:
        sent = headers.get(CSRF_HEADER)
        return bool(token and sent) and hmac.compare_digest(sent, self.server.csrf(token))

    def _capped(self, receive):
        """receive(), raising BodyTooLarge once the body passes the request limit (a lying or absent length)."""
        limit, seen = self.server.request_limit, 0

        async def capped():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(seen)
            return message

        return capped
