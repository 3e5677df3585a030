"""Commands over the inventory's items: list, show, relabel, tag, remove, categories."""

from __future__ import annotations

import json
from typing import Optional

import typer

from wardrobe.cli.common import (
    EXIT_USAGE,
    JSON_OPTION,
    _category,
    app,
    changed,
    fail,
    fit,
    note,
    opened,
    plural,
    settings,
    shown,
)
from wardrobe.domain import (
    ATTRIBUTE_VALUES,
    ATTRIBUTES,
    CATEGORIES,
    SLOTS,
    UnknownAttribute,
    category_slug,
    describe,
    parse_attribute,
)
from wardrobe.services.inventory import attribute_name as _attribute_name
from wardrobe.services.records import item_record, item_warmth


def _values(attribute: str) -> str:
    return ", ".join(ATTRIBUTE_VALUES[attribute])


@app.command("list")
def list_items(
    category: Optional[str] = typer.Option(None, "--category", "-c", metavar="CATEGORY", help="Only this category."),
    unsure: bool = typer.Option(False, "--unsure", help="Only items flagged for review (unsure, not yet labelled)."),
    item_state: Optional[str] = typer.Option(None, "--state", "-s", metavar="STATE",
                                             help="Only items in this state: active, laundry or retired."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND", help="Only this kind (jeans, polo, "
                                       "boot...; `wardrobe tag --help` lists them)."),
    pattern: Optional[str] = typer.Option(None, "--pattern", "-p", metavar="PATTERN",
                                          help=f"Only this pattern: {_values('pattern')}."),
    material: Optional[str] = typer.Option(None, "--material", "-m", metavar="MATERIAL",
                                           help=f"Only this material: {_values('material')}."),
    colour: Optional[str] = typer.Option(None, "--colour", "--color", metavar="COLOUR",
                                         help="Only pieces of this main colour (navy, black, light blue...)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List the inventory, or the items of one category, kind, pattern, material or colour.

    List the inventory: id, category, state, owner, confidence, name, file name; ? marks unsure items,
    * your label. The name is what the piece is called ("navy striped shirt"): its kind, pattern,
    material and main colour as you tagged them (`wardrobe tag`) or the app read them from the photo.
    Filters combine: `wardrobe list --pattern striped --colour navy`.
    With --user, a person's own items and the shared ones; without, everybody's.
    """
    from wardrobe.store.taste import STATES

    label = _category(category) if category is not None else None
    if item_state is not None and item_state.strip().lower() not in STATES:
        fail(f"--state must be one of {', '.join(STATES)}, not {shown(item_state)!r}", EXIT_USAGE)
    wanted = item_state.strip().lower() if item_state else None
    given = {"kind": kind, "pattern": pattern, "material": material, "colour": colour}
    try:
        attributes = {a: parse_attribute(a, text) for a, text in given.items() if text is not None}
    except UnknownAttribute as exc:
        fail(str(exc), EXIT_USAGE)
    with opened() as service:
        items = service.items(label=label, state=wanted, user=settings().user, unsure=unsure, attributes=attributes)
    if as_json:
        print(json.dumps([item_record(i) for i in items], indent=2))
        return
    if not items:
        described = " ".join(attributes[a] for a in ("colour", "pattern", "material", "kind") if a in attributes)
        what = (f"{CATEGORIES[label]} " if label is not None else "") + (f"{wanted} " if wanted else "") + \
            ("unsure " if unsure else "") + (f"{described} " if described else "")
        note("the inventory is empty; add photos with `wardrobe add PHOTO|FOLDER`" if not what
             else f"no {what}items in the inventory")
        return
    print(f"{'id':>5}  {'category':<14} {'state':<8} {'owner':<10} {'conf':>5}  {'name':<26} photo")
    for item in items:
        mark = "*" if item.user_label is not None else "?" if item.unsure else " "
        print(f"{item.id:>5}  {item.category:<13}{mark} {item.state:<8} {shown(item.owner or 'shared')[:10]:<10} "
              f"{'yours' if item.user_label is not None else format(item.confidence, '5.0%'):>5}  "
              f"{fit(item.name, 26)} {shown(item.original_name)}")
    note(f"{plural(len(items), 'item')} (* your label, ? unsure: check with `wardrobe show ID --explain`, "
         f"fix with `wardrobe relabel ID CATEGORY`; `wardrobe tag ID` corrects a name)")


@app.command()
def show(
    item_id: int = typer.Argument(..., metavar="ID"),
    explain: bool = typer.Option(False, "--explain", help="Also draw what the network saw (photo, garment mask, "
                                 "28x28 input, top 3) as a PNG; its path is printed."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Show one item: name, categories, colours, attributes, photo.

    Show one item: its name, categories, probabilities, colours, attributes (kind, pattern, material and
    main colour; ? where the app could not tell) and where its photo is kept.
    """
    picture = None
    with opened() as service:
        item = service.item(item_id)
        if explain:
            _, _, picture = service.explain_item(item_id)
    if as_json:
        print(json.dumps({**item_record(item), **({"explain_png": str(picture)} if picture else {})}, indent=2))
        return
    print(f"item {item.id}: the {item.name}, {item.category}" + (" (your label)" if item.user_label is not None else "")
          + (f"  [{describe(item.probabilities)}]" if item.unsure else ""))
    print(f"  predicted   {CATEGORIES[item.predicted_label]} {item.confidence:.1%}")
    ranked = sorted(enumerate(item.probabilities), key=lambda t: -t[1])[:3]
    print("  top 3       " + ", ".join(f"{CATEGORIES[i]} {p:.1%}" for i, p in ranked))
    print(f"  colours     {', '.join(item.colours) or '-'}")
    effective = {"kind": item.kind, "pattern": item.pattern, "material": item.material, "colour": item.main_colour}
    print("  attributes  " + ", ".join(f"{a} {effective[a] or '?'}" + (" (yours)" if a in item.user_attributes else "")
                                      for a in ATTRIBUTES) + "  (`wardrobe tag` corrects them)")
    print(f"  state       {item.state}")
    print(f"  warmth      {_warmth_words(item)}")
    print(f"  owner       {shown(item.owner) if item.owner else 'shared (the household)'}")
    print(f"  added       {item.added_at:%Y-%m-%d %H:%M} from {shown(item.original_name)}")
    photo = service.photo_file(item)
    print(f"  photo       {shown(photo) if photo else '(refused: its stored path lies outside the photo library)'}")
    print(f"  model       {item.model_version} (conversion {item.conversion_version})")
    if picture:
        print(f"  explained   {picture}")


@app.command()
def relabel(
    item_id: int = typer.Argument(..., metavar="ID"),
    category: str = typer.Argument(..., metavar="CATEGORY", help="A name (t-shirt, trouser, skirt, hat...) or a "
                                   "number 0-12; `wardrobe categories` lists them."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Correct an item's category. Your label wins over the prediction and is kept for retraining."""
    label = _category(category)
    with opened() as service:
        item = service.relabel(item_id, label)
    if as_json:
        return changed([item_record(item)])
    print(f"item {item.id} is now {item.category} (predicted {CATEGORIES[item.predicted_label]})")


@app.command()
def tag(
    item_id: int = typer.Argument(..., metavar="ID"),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND",
                                       help=f"What the piece is, within its category: {_values('kind')}."),
    pattern: Optional[str] = typer.Option(None, "--pattern", "-p", metavar="PATTERN",
                                          help=f"{_values('pattern')}."),
    material: Optional[str] = typer.Option(None, "--material", "-m", metavar="MATERIAL",
                                           help=f"{_values('material')}."),
    colour: Optional[str] = typer.Option(None, "--colour", "--color", metavar="COLOUR",
                                         help=f"The colour you name it by: {_values('colour')}."),
    warmth: Optional[str] = typer.Option(None, "--warmth", metavar="0-3|default",
                                         help="How warm the piece is: 0 for the heat, 1 light, 2 warm, 3 for the "
                                              "cold; `default` goes back to its category's (and kind's)."),
    clear: list[str] = typer.Option([], "--clear", metavar="ATTRIBUTE", help="Drop your tag of kind, pattern, "
                                    "material or colour (or all): the app's own reading counts again. Repeatable."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Correct what an item is: its kind, pattern, material, colour or warmth.

    Tag an item with what it is: `wardrobe tag 41 --pattern striped --colour navy` makes item 41 the
    navy striped shirt in `list`, `suggest` and the TUI. Your tags win over what the app read from the
    photo and are kept for `wardrobe retrain --classifier`; --clear drops one again.
    Values are the names listed below, in any case (gray, check, print and plurals are understood too).

    --warmth says what the app cannot see in a photo: outfits for the day's weather (`suggest --weather`,
    or the forecast of `wardrobe config set location`) ask for warm pieces in the cold and light ones in
    the heat; every category and kind has a default warmth, and yours wins.
    """
    given = {"kind": kind, "pattern": pattern, "material": material, "colour": colour}
    values = {attribute: text for attribute, text in given.items() if text is not None}
    cleared = list(ATTRIBUTES) if any(c.strip().lower() == "all" for c in clear) else clear
    if not values and not clear and warmth is None:
        fail("nothing to tag: give --kind, --pattern, --material, --colour or --warmth (or --clear ATTRIBUTE)",
             EXIT_USAGE)
    try:
        for attribute, text in values.items():
            parse_attribute(attribute, text)
        names = {_attribute_name(c) for c in cleared}
    except UnknownAttribute as exc:
        fail(str(exc), EXIT_USAGE)
    if both := names & set(values):
        fail(f"--{sorted(both)[0]} and --clear {sorted(both)[0]} together: give one of them", EXIT_USAGE)
    warm = warmth.strip().lower() if warmth is not None else None
    if warm is not None and warm not in ("0", "1", "2", "3", "default"):
        fail(f"--warmth is 0 (for the heat), 1 (light), 2 (warm), 3 (for the cold) or default, not {shown(warmth)!r}",
             EXIT_USAGE)
    with opened() as service:
        if values or names:
            item = service.tag(item_id, values, names)
        if warm is not None:
            item = service.set_warmth(item_id, None if warm == "default" else int(warm))
    if as_json:
        return changed([item_record(item)])
    tags = ", ".join(f"{a} {item.user_attributes[a]}" for a in ATTRIBUTES if a in item.user_attributes)
    print(f"item {item.id} is now the {item.name} (" + (f"your tags: {tags}" if tags else "no tags of yours") + ")"
          + (f"; warmth {_warmth_words(item)}" if warm is not None else ""))


@app.command()
def remove(item_ids: list[int] = typer.Argument(..., metavar="ID...", help="Item ids, as `wardrobe list` shows them."),
           as_json: bool = JSON_OPTION) -> None:
    """Remove items and their photos.

    Remove items and their stored photos from the inventory (nothing is removed if an id is unknown).
    """
    with opened() as service:
        removed = service.remove_many(item_ids)
    if as_json:
        return changed([{**item_record(item), "removed": True} for item in removed])
    for item in removed:
        print(f"removed item {item.id} ({item.category}, {shown(item.original_name)})")


def _warmth_words(item) -> str:
    from wardrobe.weather.warmth import WARMTH_WORDS

    warmth = item_warmth(item)
    return f"{warmth} ({WARMTH_WORDS[warmth]}" + ("; yours)" if item.warmth is not None else "; the default)")


@app.command()
def give(
    item_ids: list[int] = typer.Argument(..., metavar="ID...", help="Item ids, as `wardrobe list` shows them."),
    to: str = typer.Option(..., "--to", metavar="NAME", help="Who they belong to from now on (a user already)."),
    new_user: bool = typer.Option(False, "--new-user", help="--to names a new user: create them."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Give items to someone.

    Give items to someone: yours (--user) or shared ones; nothing changes if one is someone else's.
    """
    _give(item_ids, to, as_json, new_user)


@app.command()
def share(item_ids: list[int] = typer.Argument(..., metavar="ID...", help="Item ids, as `wardrobe list` shows them."),
          as_json: bool = JSON_OPTION) -> None:
    """Share items with the whole household.

    Share items with the whole household: everybody sees them and gets them proposed.
    """
    _give(item_ids, None, as_json)


def _give(item_ids: list[int], to: str | None, as_json: bool, new_user: bool = False) -> None:
    from wardrobe.services.owners import give

    with opened() as service:
        items = give(service, item_ids, to, settings().taste_user, new_user=new_user)
    if as_json:
        return changed([item_record(item) for item in items])
    for item in items:
        whose = f"{shown(item.owner)}'s" if item.owner else "shared"
        print(f"item {item.id} ({item.category}, {shown(item.original_name)}) is now {whose}")


@app.command()
def categories(as_json: bool = typer.Option(False, "--json", help="Print a JSON array.")) -> None:
    """List the categories and their outfit slots.

    List the closet's categories with the names and numbers commands accept, and their outfit slots.
    0-9 are Fashion-MNIST's classes (what the paper's network knows); 10 and up are what real closets add.
    """
    if as_json:
        print(json.dumps([{"label": i, "name": category_slug(i), "category": name, "slot": SLOTS[i]}
                          for i, name in enumerate(CATEGORIES)], indent=2))
        return
    for i, name in enumerate(CATEGORIES):
        print(f"{i:>2}  {category_slug(i):<12} {name:<12} {SLOTS[i]}")




def _set_state(item_ids: list[int], new_state: str, verb: str, as_json: bool) -> None:
    from wardrobe.services.stylist import set_state

    with opened() as service:
        found = set_state(service, item_ids, new_state)
    if as_json:
        return changed([{"id": item_id, "state": new_state} for item_id in found])
    print(f"{verb}: {', '.join(map(str, found))}")


ITEMS_ARG = typer.Argument(..., metavar="ID...", help="Item ids, as `wardrobe list` shows them.")


@app.command()
def laundry(item_ids: list[int] = ITEMS_ARG, as_json: bool = JSON_OPTION) -> None:
    """Put items in the laundry.

    Put items in the laundry: they are not proposed until `wardrobe restore`.
    """
    _set_state(item_ids, "laundry", "in the laundry", as_json)


@app.command()
def retire(item_ids: list[int] = ITEMS_ARG, as_json: bool = JSON_OPTION) -> None:
    """Retire items you no longer wear.

    Retire items you no longer wear: kept in the inventory, never proposed.
    """
    _set_state(item_ids, "retired", "retired", as_json)


@app.command()
def restore(item_ids: list[int] = ITEMS_ARG, as_json: bool = JSON_OPTION) -> None:
    """Bring items back from the laundry or retirement."""
    _set_state(item_ids, "active", "active again", as_json)


@app.command()
def doctor(
    repair: bool = typer.Option(False, "--repair", help="Also repair what can be repaired: rebuild damaged taste "
                                "models from the ratings, remove files an interrupted add left behind."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Check the home, inventory, library and models.

    Check the home folder, the inventory, the photo library, the model and every taste model.
    Exit code 0 when all is well (or repaired), 8 when a problem remains.
    """
    from wardrobe.cli.common import EXIT_DAMAGED, wardrobe
    from wardrobe.services.doctor import examine

    service = wardrobe()
    try:
        findings = examine(service, repair)
    finally:
        service.close()
    if as_json:
        print(json.dumps([f.__dict__ for f in findings], indent=2))
    else:
        for f in findings:
            mark = "repaired" if f.repaired else "ok" if f.ok else "PROBLEM"
            print(f"{mark:<9} {f.check:<16} {shown(f.detail)}")
    if not all(f.ok for f in findings):
        raise typer.Exit(EXIT_DAMAGED)
