"""Every service error as an HTTP answer of one line: JSON under /api, a page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("wardrobe.web")


class Refused(Exception):
    """A request the server will not do; status and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def statuses() -> list[tuple[tuple[type, ...], int]]:
    """Which service errors answer which status."""
    from wardrobe.domain import UnknownAttribute, UnknownCategory
    from wardrobe.services import BadName, InventoryDamaged, ModelError, NotFound, PhotoError, StoreError
    from wardrobe.services.owners import NotYours, StillOwns
    from wardrobe.services.stylist import BadOccasion, CannotDress, TasteDamaged

    return [((NotFound, NotYours), 404), ((BadName, UnknownCategory, UnknownAttribute, StillOwns, BadOccasion), 400),
            ((PhotoError,), 415),
            ((CannotDress,), 409), ((ModelError, TasteDamaged, InventoryDamaged, StoreError), 503)]


def status_of(exc: BaseException) -> int:
    if isinstance(exc, Refused):
        return exc.status
    return next((status for kinds, status in statuses() if isinstance(exc, kinds)), 500)


def answer(request: Request, status: int, message: str):
    from wardrobe.web.guard import wants_json

    if wants_json(request.url.path):
        return JSONResponse({"error": message, "status": status}, status)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message}, status_code=status)


def install(app: FastAPI) -> None:
    async def service_error(request: Request, exc: Exception):
        status = status_of(exc)
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        if status == 500:  # a bug: the one line says so, the log has the details
            log.exception("internal error on %s %s", request.method, request.url.path)
            message = f"internal error ({type(exc).__name__}); the server's log has the details"
        return answer(request, status, message)

    async def invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return answer(request, 422, f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request")

    app.add_exception_handler(RequestValidationError, invalid)
    for kinds, _ in statuses():
        for kind in kinds:
            app.add_exception_handler(kind, service_error)
    app.add_exception_handler(Refused, service_error)
    app.add_exception_handler(Exception, service_error)  # the last line: still one line, never a traceback
