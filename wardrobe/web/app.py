"""The ASGI app of `wardrobe serve`: routes, templates, static files, the guard in front and errors as answers."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from wardrobe import __version__
from wardrobe.settings import Settings
from wardrobe.web import api, errors, pages
from wardrobe.web.guard import Guard
from wardrobe.web.server import ServeOptions, Server

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings, options: ServeOptions | None = None) -> FastAPI:
    """The app for one server (uvicorn runs it; tests drive it with the framework's client)."""
    server = Server(settings, options or ServeOptions())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        server.close()

    app = FastAPI(title="wardrobe", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The closet of `wardrobe serve`: every request needs a paired device's session "
                              "(open the link `wardrobe pair` prints); changes need this server's own origin.")
    app.state.server = server
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> FileResponse:
        return FileResponse(HERE / "static" / "manifest.webmanifest", media_type="application/manifest+json")

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> FileResponse:
        # Served from the root so that it may cache every page of the app.
        return FileResponse(HERE / "static" / "sw.js", media_type="text/javascript",
                            headers={"service-worker-allowed": "/", "cache-control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon(request: Request) -> FileResponse:
        return FileResponse(HERE / "static" / "icon-192.png", media_type="image/png")

    errors.install(app)
    app.add_middleware(Guard, server=server)
    return app
