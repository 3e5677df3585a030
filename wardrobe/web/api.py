"""The JSON API under /api: the same records as the CLI's --json, for the phone's pages and for scripts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException

from wardrobe.services import NotFound
from wardrobe.services.records import item_record, outfit_record, photo_record
from wardrobe.web.errors import Refused
from wardrobe.web.guard import BodyTooLarge
from wardrobe.web.server import PHOTOS_PER_REQUEST, Server

router = APIRouter(prefix="/api")
STATES = ("active", "laundry", "retired")


class Label(BaseModel):
    category: str = Field(description="A category name (t-shirt, trouser, skirt...) or number 0-12")


class Tags(BaseModel):
    kind: str | None = Field(default=None, description="t-shirt, jeans, boot... (`wardrobe tag --help` lists them)")
    pattern: str | None = Field(default=None, description="solid, striped, checked, dotted, floral or printed")
    material: str | None = Field(default=None, description="denim, leather, knit or other")
    colour: str | None = Field(default=None, description="the colour the piece is named by: navy, black...")


class Rating(BaseModel):
    value: Literal["like", "dislike"]


class Worn(BaseModel):
    items: list[int] = Field(min_length=1, max_length=50)


class State(BaseModel):
    state: Literal["active", "laundry", "retired"]


class Owner(BaseModel):
    to: str | None = Field(default=None, description="A user's name; null shares the item with the household")


def upload_name(sent: str | None) -> str:
    """The name an uploaded photo is kept under: the sender's last path part, printable, at most 200 characters."""
    name = (sent or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())[-200:].strip()
    return name if name not in ("", ".", "..") else "photo"


def server_of(request: Request) -> Server:
    return request.app.state.server


def user_of(request: Request) -> str:
    return request.state.device.user


def visible_item(server: Server, user: str, item_id: int):
    """The item if this user may see it (their own or the household's), else NotFound (never 'someone else's')."""
    item = server.wardrobe.item(item_id)
    if item.owner not in (None, user):
        raise NotFound(f"no item with id {item_id}")
    return item


@router.get("/items", summary="List the closet: the user's own items and the shared ones")
def list_items(request: Request, category: str | None = None, state: str | None = None,
               owner: Literal["mine", "shared", "all"] = "all", kind: str | None = None, pattern: str | None = None,
               material: str | None = None, colour: str | None = None) -> list[dict]:
    from wardrobe.domain import parse_attribute, parse_category

    server, user = server_of(request), user_of(request)
    label = parse_category(category) if category else None
    if state is not None and state not in STATES:
        raise Refused(400, f"state must be one of {', '.join(STATES)}")
    given = {"kind": kind, "pattern": pattern, "material": material, "colour": colour}
    wanted = {a: parse_attribute(a, text) for a, text in given.items() if text}
    items = server.wardrobe.items(label=label, state=state, user=user, attributes=wanted)
    if owner != "all":
        items = [i for i in items if (i.owner == user) == (owner == "mine")]
    return [item_record(item) for item in items]


@router.post("/items", summary="Add photos: multipart field `photo`, repeated; each comes back classified")
async def add_items(request: Request) -> JSONResponse:
    from wardrobe.services.intake import Upload

    server, user = server_of(request), user_of(request)
    limit = server.options.photo_limit
    try:
        form = await request.form(max_files=PHOTOS_PER_REQUEST, max_fields=PHOTOS_PER_REQUEST)
    except BodyTooLarge:
        raise Refused(413, f"too large: at most {limit // 2**20} MB a photo") from None
    except MultiPartException as exc:
        raise Refused(400, f"not a form of photos ({exc.message})") from None
    uploads = []
    for value in form.getlist("photo"):
        if isinstance(value, str):
            raise Refused(400, "each `photo` field must be a file")
        data = await value.read(limit + 1)
        if len(data) > limit:
            raise Refused(413, f"{value.filename}: too large: at most {limit // 2**20} MB a photo")
        uploads.append(Upload(upload_name(value.filename), data))
    await form.close()
    if not uploads:
        raise Refused(400, "no photo: send the photos as the multipart field `photo`")
    results = await run_in_threadpool(server.add_uploads, uploads, user)
    records = [photo_record(result, upload.name) for result, upload in zip(results, uploads)]
    if all("error" in r for r in records):
        return JSONResponse(records, 415)
    return JSONResponse(records, 201 if any("id" in r and not r.get("duplicate") for r in records) else 200)


@router.get("/items/{item_id}", summary="One item")
def get_item(request: Request, item_id: int) -> dict:
    return item_record(visible_item(server_of(request), user_of(request), item_id))


def _file(server: Server, user: str, item_id: int, thumbnail: bool) -> FileResponse:
    item = visible_item(server, user, item_id)
    path = server.wardrobe.thumbnail_file(item) if thumbnail else server.wardrobe.photo_file(item)
    if path is None or not path.is_file():
        raise NotFound(f"item {item_id}: its {'thumbnail' if thumbnail else 'photo'} is missing from the library")
    return FileResponse(path, headers={"cache-control": "private, max-age=31536000, immutable"})


@router.get("/items/{item_id}/photo", summary="The item's photo, as it was added")
def item_photo(request: Request, item_id: int) -> FileResponse:
    return _file(server_of(request), user_of(request), item_id, thumbnail=False)


@router.get("/items/{item_id}/thumbnail", summary="The item's thumbnail (256 pixels), for lists and outfits")
def item_thumbnail(request: Request, item_id: int) -> FileResponse:
    return _file(server_of(request), user_of(request), item_id, thumbnail=True)


@router.put("/items/{item_id}/label", summary="Relabel an item (kept as a correction, as `wardrobe relabel` does)")
def relabel(request: Request, item_id: int, body: Label) -> dict:
    from wardrobe.domain import parse_category

    server = server_of(request)
    visible_item(server, user_of(request), item_id)
    return item_record(server.wardrobe.relabel(item_id, parse_category(body.category)))


@router.put("/items/{item_id}/tags", summary="Tag an item's kind, pattern, material or colour (null clears a tag; "
            "as `wardrobe tag` does)")
def tag(request: Request, item_id: int, body: Tags) -> dict:
    server = server_of(request)
    visible_item(server, user_of(request), item_id)
    given = body.model_dump(exclude_unset=True)
    return item_record(server.wardrobe.tag(item_id, {a: v for a, v in given.items() if v is not None},
                                           [a for a, v in given.items() if v is None]))


@router.put("/items/{item_id}/state", summary="Send an item to the laundry, retire it, or bring it back")
def set_state(request: Request, item_id: int, body: State) -> dict:
    from wardrobe.services.stylist import set_state as change

    server = server_of(request)
    visible_item(server, user_of(request), item_id)
    change(server.wardrobe, [item_id], body.state)
    return item_record(server.wardrobe.item(item_id))


@router.put("/items/{item_id}/owner", summary="Give an item to someone (`to`), or share it (`to`: null)")
def give(request: Request, item_id: int, body: Owner) -> dict:
    from wardrobe.services.owners import give as hand_over

    server, user = server_of(request), user_of(request)
    visible_item(server, user, item_id)
    return item_record(hand_over(server.wardrobe, [item_id], body.to, user)[0])


@router.get("/outfits", summary="Propose outfits for today, best first, dressed for the forecast of the configured "
                             "location and for an occasion (a name of the user's own)")
def outfits(request: Request, n: int = Query(3, ge=1, le=20), occasion: str | None = Query(None, max_length=100)) -> list[dict]:
    from wardrobe.services.today import day_weather

    server = server_of(request)
    day = day_weather(server.settings)
    stylist, lock = server.stylist(user_of(request))
    with lock:
        return [outfit_record(p) for p in stylist.suggest(n, day.weather, occasion)]


@router.get("/day", summary="Today: the weather outfits are dressed for (or why there is none) and the occasions "
                            "the user chose before")
def today(request: Request) -> dict:
    from wardrobe.services.today import day_weather

    server = server_of(request)
    day = day_weather(server.settings)
    stylist, lock = server.stylist(user_of(request))
    with lock:
        used = stylist.occasions()
    weather = None if day.weather is None else {**day.weather.to_dict(), "said": day.weather.describe()}
    return {"weather": weather, "note": day.note and day.note.split("; proposing")[0], "occasions": used}


@router.post("/outfits/{outfit_id}/rating", summary="Like or dislike an outfit: the taste model learns at once")
def rate(request: Request, outfit_id: int, body: Rating) -> dict:
    stylist, lock = server_of(request).stylist(user_of(request))
    with lock:
        replaced = stylist.rate(outfit_id, body.value == "like")
    return {"outfit": outfit_id, "rating": body.value, "replaced": replaced}


@router.post("/wears", summary="Record what was worn today")
def wear(request: Request, body: Worn) -> list[dict]:
    server, user = server_of(request), user_of(request)
    for item_id in body.items:
        visible_item(server, user, item_id)
    stylist, lock = server.stylist(user)
    with lock:
        found = stylist.wear(body.items)
    return [{"id": item_id, "worn": True} for item_id in found]


@router.get("/history", summary="The outfits rated and worn, newest first")
def history(request: Request, limit: int = Query(100, ge=1, le=500)) -> list[dict]:
    from wardrobe.services.ratings_history import history as events

    stylist, lock = server_of(request).stylist(user_of(request))
    with lock:
        found = events(stylist, limit)
    return [{"when": e.when.isoformat(), "what": e.what, "items": e.item_ids} for e in found]
