"""The phone's pages: Today, Add, Closet, an item, History, and pairing; rendered on the server (Jinja2)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from wardrobe.domain import ATTRIBUTE_VALUES, CATEGORIES, SLOTS, category_slug, kind_fits, parse_attribute
from wardrobe.services.pairing import pair
from wardrobe.web.api import STATES, visible_item
from wardrobe.web.errors import Refused
from wardrobe.web.guard import SESSION_COOKIE

router = APIRouter()
SESSION_DAYS = 400  # browsers cap cookie lifetimes at about this


def render(request: Request, name: str, **context) -> HTMLResponse:
    device = getattr(request.state, "device", None)
    server = request.app.state.server
    session = getattr(request.state, "session", None)
    context.update(user=device.user if device else None, page=name.removesuffix(".html"),
                   csrf=server.csrf(session) if session else "")
    return request.app.state.templates.TemplateResponse(request, name, context)


def attribute_choices(label: int | None = None) -> dict[str, tuple[str, ...]]:
    """The names of each attribute, for selects; kinds only those of the category `label` (when given)."""
    return {a: tuple(k for k in names if a != "kind" or label is None or kind_fits(k, label))
            for a, names in ATTRIBUTE_VALUES.items()}


def categories() -> list[dict]:
    return [{"label": i, "slug": category_slug(i), "name": name, "slot": SLOTS[i]} for i, name in enumerate(CATEGORIES)]


@router.get("/pair", response_class=HTMLResponse, include_in_schema=False)
def pair_this_phone(request: Request) -> HTMLResponse:
    return render(request, "pair.html")


@router.get("/pair/{code}", include_in_schema=False)
async def pair_with_code(request: Request, code: str):
    server = request.app.state.server
    client = request.client.host if request.client else "?"
    if not server.pairing_allowed(client):
        raise Refused(429, "too many wrong pairing links from this address: wait ten minutes, then open a fresh one")
    agent = request.headers.get("user-agent", "a browser")
    paired = await run_in_threadpool(pair, server.wardrobe, code, agent)
    if paired is None:
        server.pairing_failed(client)
        raise Refused(403, "this pairing link is used, expired or wrong: run `wardrobe pair` for a fresh one")
    response = RedirectResponse("/", 303)
    response.set_cookie(SESSION_COOKIE, paired.token, max_age=SESSION_DAYS * 86400, httponly=True, samesite="strict",
                        secure=server.options.secure, path="/")
    return response


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def today(request: Request) -> HTMLResponse:
    return render(request, "today.html")


@router.get("/add", response_class=HTMLResponse, include_in_schema=False)
def add(request: Request) -> HTMLResponse:
    return render(request, "add.html", categories=categories())


@router.get("/closet", response_class=HTMLResponse, include_in_schema=False)
def closet(request: Request, category: str = "", state: str = "active", owner: str = "all",
           unsure: bool = False, kind: str = "", pattern: str = "", material: str = "", colour: str = "") -> HTMLResponse:
    from wardrobe.domain import parse_category

    server, user = request.app.state.server, request.state.device.user
    label = parse_category(category) if category else None
    if state not in (*STATES, "all") or owner not in ("all", "mine", "shared"):
        raise Refused(400, "unknown filter")
    given = {"kind": kind, "pattern": pattern, "material": material, "colour": colour}
    wanted = {a: parse_attribute(a, text) for a, text in given.items() if text}
    items = server.wardrobe.items(label=label, state=None if state == "all" else state, user=user, unsure=unsure,
                                  attributes=wanted)
    if owner != "all":
        items = [i for i in items if (i.owner == user) == (owner == "mine")]
    return render(request, "closet.html", items=items, categories=categories(), attributes=attribute_choices(),
                  chosen={"category": category_slug(label) if label is not None else "", "state": state,
                          "owner": owner, "unsure": unsure, **{a: wanted.get(a, "") for a in given}})


@router.get("/items/{item_id}", response_class=HTMLResponse, include_in_schema=False)
def item_page(request: Request, item_id: int, remove: str = "") -> HTMLResponse:
    from wardrobe.services.stylist import all_users

    server, user = request.app.state.server, request.state.device.user
    item = visible_item(server, user, item_id)
    top = sorted(enumerate(item.probabilities), key=lambda t: -t[1])[:3]
    users = [u["name"] for u in all_users(server.wardrobe) if u["name"] != user]
    read = {a: item.attributes.get(a) for a in ATTRIBUTE_VALUES}
    read["colour"] = read["colour"] or (item.colours[0] if item.colours else None)
    return render(request, "item.html", item=item, top=[(CATEGORIES[i], p) for i, p in top],
                  attributes=attribute_choices(item.label), read=read,
                  categories=categories(), users=users, slot=SLOTS[item.label], asking=remove == "ask",
                  guesses=[(category_slug(i), CATEGORIES[i], p) for i, p in top])


@router.post("/items/{item_id}/label", include_in_schema=False)
def relabel_form(request: Request, item_id: int, category: str = Form(...)):
    from wardrobe.domain import parse_category

    server = request.app.state.server
    visible_item(server, request.state.device.user, item_id)
    server.wardrobe.relabel(item_id, parse_category(category))
    return RedirectResponse(f"/items/{item_id}", 303)


@router.post("/items/{item_id}/tags", include_in_schema=False)
def tags_form(request: Request, item_id: int, kind: str = Form(""), pattern: str = Form(""), material: str = Form(""),
              colour: str = Form("")):
    """The item page's tags: a chosen name is the user's tag; the empty choice ("as read") clears it."""
    server = request.app.state.server
    visible_item(server, request.state.device.user, item_id)
    given = {"kind": kind, "pattern": pattern, "material": material, "colour": colour}
    server.wardrobe.tag(item_id, {a: v for a, v in given.items() if v}, [a for a, v in given.items() if not v])
    return RedirectResponse(f"/items/{item_id}", 303)


@router.post("/items/{item_id}/state", include_in_schema=False)
def state_form(request: Request, item_id: int, state: str = Form(...)):
    from wardrobe.services.stylist import set_state

    if state not in STATES:
        raise Refused(400, f"state must be one of {', '.join(STATES)}")
    server = request.app.state.server
    visible_item(server, request.state.device.user, item_id)
    set_state(server.wardrobe, [item_id], state)
    return RedirectResponse(f"/items/{item_id}", 303)


@router.post("/items/{item_id}/owner", include_in_schema=False)
def owner_form(request: Request, item_id: int, to: str = Form("")):
    from wardrobe.services.owners import give

    server, user = request.app.state.server, request.state.device.user
    visible_item(server, user, item_id)
    item = give(server.wardrobe, [item_id], to or None, user)[0]
    return RedirectResponse(f"/items/{item_id}" if item.owner in (None, user) else "/closet", 303)


@router.post("/items/{item_id}/remove", include_in_schema=False)
def remove_form(request: Request, item_id: int, confirm: str = Form("")):
    """Delete an item and its photo; the item's page asks first (a second button that sends confirm=yes)."""
    server = request.app.state.server
    visible_item(server, request.state.device.user, item_id)
    if confirm != "yes":
        return RedirectResponse(f"/items/{item_id}?remove=ask", 303)
    server.wardrobe.remove(item_id)
    return RedirectResponse("/closet", 303)


@router.get("/history", response_class=HTMLResponse, include_in_schema=False)
def history(request: Request) -> HTMLResponse:
    from wardrobe.services.ratings_history import history as events

    stylist, lock = request.app.state.server.stylist(request.state.device.user)
    with lock:
        found = events(stylist, 100)
    return render(request, "history.html", events=found)


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def api_reference(request: Request) -> HTMLResponse:
    """The JSON API, read from the server's own OpenAPI description (also at /openapi.json)."""
    spec = request.app.openapi()
    routes = [{"method": method.upper(), "path": path, "summary": op.get("summary", "")}
              for path, operations in spec["paths"].items() for method, op in operations.items()]
    return render(request, "api.html", routes=routes)
