"""Outfit commands for scripts: suggest, rate, wear, users, retrain."""

from __future__ import annotations

import json
from enum import Enum
from typing import Optional

import typer

from wardrobe.cli.common import (
    EXIT_CANNOT_DRESS,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    JSON_OPTION,
    app,
    changed,
    fail,
    fit,
    note,
    opened,
    plural,
    settings,
    shown,
    warn,
)
from wardrobe.domain import CATEGORIES
from wardrobe.services.records import outfit_record


class Verdict(str, Enum):
    like = "like"
    dislike = "dislike"
    plus = "+"
    minus = "-"


def _stylist(service):
    from wardrobe.services import Stylist

    return Stylist(service, settings().taste_user)


@app.command()
def suggest(
    n: int = typer.Option(3, "--n", "-n", min=1, max=50, help="How many outfits."),
    weather: Optional[str] = typer.Option(None, "--weather", "-w", metavar="TEXT",
                                          help='The day\'s weather: a temperature and any of rain, wind, snow, e.g. '
                                               '"8C rain", "-3c snow wind", "45F" [default: the forecast for the '
                                               'location of `wardrobe config set location LAT,LON`, if set].'),
    occasion: Optional[str] = typer.Option(None, "--occasion", "-o", metavar="NAME",
                                           help="What the outfits are for, a name of your own (work, weekend, "
                                                "party...): your likes for each occasion are learnt apart."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Propose outfits for today, best first.

    Propose outfits from the active items, best first; rate them with `wardrobe rate ID like|dislike`.
    With the day's weather (--weather, or the forecast of the configured location) the outfits dress for it:
    an outer layer in the cold, no shorts or sandals; no coat or warm knit in the heat; no sandals or suede in
    the rain; where the closet cannot, it proposes the best it has and says what is missing. A forecast that
    cannot be had (no network, a failing server) is one line, and the outfits come without weather.
    Once you have rated, a share of proposals explores pieces not proposed lately, marked "explore"
    (at least one in every 10); each outfit says why it was chosen. Outfits shown recently are not
    repeated, pieces worn today are left out, and no piece is in more than 6 of 20 proposals in a row
    (nor 9 of 30) while the closet offers others. Exit code 6: the closet cannot make an outfit yet.
    """
    from wardrobe.services.stylist import BadOccasion, CannotDress
    from wardrobe.services.today import BadWeather, day_weather

    try:
        day = day_weather(settings(), weather)
    except BadWeather as exc:
        fail(str(exc), EXIT_USAGE)
    if day.note:
        warn(day.note)
    with opened() as service:
        try:
            proposals = _stylist(service).suggest(n, day.weather, occasion)
        except CannotDress as exc:
            fail(str(exc), EXIT_CANNOT_DRESS)
        except BadOccasion as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps([outfit_record(p) for p in proposals], indent=2))
        return
    if proposals and (proposals[0].weather or proposals[0].occasion):
        print("for " + ", ".join(filter(None, [proposals[0].weather and proposals[0].weather.describe(),
                                               proposals[0].occasion and shown(proposals[0].occasion)])))
    if proposals and proposals[0].lacking:
        print("missing: " + "; ".join(proposals[0].lacking))
    for p in proposals:
        print(f"outfit {p.id}: {p.probability:.0%} like" + ("  (explore)" if p.explore else ""))
        print(f"  why: {p.why}")
        for item in p.items:
            print(item_line(item))


def item_line(item, item_id: int | None = None) -> str:
    """One piece of an outfit as the outfit commands print it: id, category, name, file name."""
    if item is None:
        return f"  {item_id:>5}  (removed)"
    return f"  {item.id:>5}  {CATEGORIES[item.label]:<12} {fit(item.name, 26)} {shown(item.original_name)}"


@app.command()
def rate(
    outfit_id: int = typer.Argument(..., metavar="OUTFIT_ID"),
    verdict: Verdict = typer.Argument(..., metavar="VERDICT", case_sensitive=False, help="like (or +) or dislike (or -)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Like or dislike a proposed outfit.

    Like or dislike a proposed outfit; your taste model learns from it at once.
    """
    liked = verdict in (Verdict.like, Verdict.plus)
    with opened() as service:
        replaced = _stylist(service).rate(outfit_id, liked)
    if as_json:
        return changed([{"outfit": outfit_id, "rating": "like" if liked else "dislike", "replaced": replaced}])
    print(f"outfit {outfit_id}: {'liked' if liked else 'disliked'}"
          + (" (replaces your earlier rating)" if replaced else ""))


@app.command()
def wear(
    item_ids: list[int] = typer.Argument(..., metavar="ITEM..."),
    day: Optional[str] = typer.Option(None, "--date", "-d", metavar="DAY", help="The day you wore them, if not "
                                      "today: YYYY-MM-DD, yesterday, or a weekday name (the last one). Not a "
                                      "day to come: `wardrobe plan` plans those."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Log the items you wore today (or on an earlier day).

    Log that you wore these items today, or on an earlier day with --date (recently worn items are
    proposed less; the TUI's history shows them on its calendar).
    """
    from wardrobe.services.days import past_day

    with opened() as service:
        stylist = _stylist(service)
        when = past_day(day, stylist.today()) if day is not None else stylist.today()
        found = stylist.wear(item_ids, when)
    if as_json:
        return changed([{"id": item_id, "worn": True, "date": when.isoformat()} for item_id in found])
    print(f"worn {'today' if when == stylist.today() else 'on ' + when.isoformat()}: {', '.join(map(str, found))}")


@app.command()
def users(
    remove: Optional[str] = typer.Option(None, "--remove", metavar="NAME", help="Remove this user, with their "
                                         "ratings, wears, taste and paired devices (refused while they own items)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List users with their ratings and wear counts. A new --user NAME is created on first use."""
    from wardrobe.services.owners import remove_user
    from wardrobe.services.stylist import all_users

    with opened() as service:
        if remove is not None:
            remove_user(service, remove)
            note(f"removed the user {shown(remove)}")
        rows = all_users(service)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(f"{shown(row['name']):<20} {plural(row['ratings'], 'rating'):>11} ({row['likes']} liked)  "
              f"{plural(row['wears'], 'wear'):>9}")


@app.command()
def retrain(
    user: Optional[str] = typer.Option(None, "--user", "-u", metavar="NAME", help="Only this user [default: all]."),
    classifier: bool = typer.Option(False, "--classifier", help="Instead: refit the photo head on your items (your "
                                    "labels from relabel and add --label; the others as the shipped head reads them); "
                                    "adopted only if, judged by refits that did not see them, it reads your corrections "
                                    "clearly better and keeps the label of at least 98% of the items you left alone. "
                                    "Seconds: no network pass."),
    reset: bool = typer.Option(False, "--reset", help="With --classifier: go back to the shipped photo head."),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --classifier: say which labels would change "
                                 "(by category pair) and adopt nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rebuild taste models (or the photo head).

    Rebuild every user's preference model from all their stored likes and dislikes (or, with
    --classifier, adapt the photo classifier to your corrections).
    """
    from wardrobe.services import Stylist
    from wardrobe.services.stylist import all_users

    if dry_run and (reset or not classifier):
        fail("--dry-run goes with --classifier (and not with --reset)", EXIT_USAGE)
    if classifier or reset:
        _retrain_classifier(reset, dry_run, as_json)
        return
    with opened() as service:
        names = [user or settings().user] if (user or settings().user) else [u["name"] for u in all_users(service)]
        known = {u["name"] for u in all_users(service)}
        if names[0] not in known:
            fail(f"no user named {shown(names[0])!r}; `wardrobe users` lists them", EXIT_NOT_FOUND)
        results = [Stylist(service, name).retrain() for name in names]
    if as_json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        agreement = "" if r["train_agreement"] is None else f", fits {r['train_agreement']:.0%} of them"
        note(f"{shown(r['user'])}: rebuilt from {plural(r['ratings'], 'rating')} ({r['likes']} liked){agreement}")


@app.command()
def tui() -> None:
    """Open the terminal app.

    Open the terminal UI: rate proposed outfits, browse and tidy the closet, see history and statistics.
    Photos use the terminal's graphics protocol (Sixel, Kitty) when it has one, else half blocks;
    WARDROBE_IMAGES=halfblock forces half blocks.
    """
    from wardrobe.cli.common import service_errors
    from wardrobe.tui.app import make_app

    with service_errors():
        tui_app = make_app(settings(), graphics=True)
    tui_app.run()


def _retrain_classifier(reset: bool, dry_run: bool, as_json: bool) -> None:
    from wardrobe.services.adaptation import NotEnoughCorrections, reset_classifier, retrain_classifier
    from wardrobe.services.attribute_tags import reset_attributes, retrain_attributes

    with opened() as service:
        if reset:
            had_attributes = service.personal_attributes.exists()
            result = reset_classifier(service)
            result["attributes"] = reset_attributes(service)
            result["attributes"]["removed"] = had_attributes
            if as_json:
                print(json.dumps(result, indent=2))
                return
            note(("back to the shipped photo head" if result["removed"] else "already using the shipped photo head")
                 + f"; {plural(result['reclassified'], 'item')} re-predicted; attributes of "
                 f"{plural(result['attributes']['reread'], 'item')} read again")
            return
        try:
            result = retrain_classifier(service, dry_run=dry_run)
        except NotEnoughCorrections as exc:
            result = {"error": str(exc)}
        result["attributes"] = retrain_attributes(service, dry_run=dry_run)
        tagged = any(c.get("tags", 0) >= 10 for c in result["attributes"]["checked"].values())
        if "error" in result and not tagged:
            fail(result["error"] + "; nor has any attribute 10 tags (`wardrobe tag ID --pattern ...`)", EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    for line in ([f"photo head: {result['error']}"] if "error" in result else _verdict(result)):
        print(line)
    for line in _attribute_verdict(result["attributes"]):
        print(line)


def _attribute_verdict(result: dict) -> list[str]:
    """What retrain --classifier made of the user's tags, one line per attribute."""
    lines = []
    for attribute, c in result.get("checked", {}).items():
        if c.get("failed") and "corrections" not in c:
            lines.append(f"{attribute}: {plural(c['tags'], 'tag')}; the shipped head reads it (needs 10 tags)")
            continue
        verdict = ("would be adopted" if result["dry_run"] else "adopted") if c["adopt"] else \
            "not adopted: " + ", ".join(c["failed"])
        lines.append(f"{attribute}: your {plural(c['tags'], 'tag')} read right {c['corrections']['before']:.1%} by the "
                     f"shipped head, {c['corrections']['after']:.1%} by refits that did not see them; {verdict}")
    return lines


def _verdict(result: dict) -> list[str]:
    """What retrain --classifier found, in words: both sides of the check, the decision, the labels that change."""
    c, u = result["corrections"], result["untouched"]
    mark = {True: "passed", False: "FAILED"}
    lines = [f"your {plural(c['checked'], 'correction')} read right: {c['before']:.1%} by the shipped head, "
             f"{c['after']:.1%} by refits that did not see them ({c['wins']} won, {c['losses']} lost; "
             f"{mark[c['passed']]}: the wins must clearly outnumber the losses and the changes below)",
             f"the {plural(u['checked'], 'item')} you left alone keep their label: {u['kept']:.1%} by refits that did "
             f"not see them ({u['changed']} changed; {mark[u['passed']]}: at least {u['needed']:.0%} must)"]
    why = {"corrections": "your corrections are not read clearly better than what the refit breaks",
           "untouched": "it would change the label of too many items you left alone"}
    refused = "; ".join(why[side] for side in result["failed"])
    if result["dry_run"]:
        lines.append("dry run, nothing changed: " + ("the refitted photo head would be adopted" if result["adopted"]
                                                     else f"the shipped photo head would classify ({refused})"))
    elif result["adopted"]:
        lines.append(f"adopted: the refitted photo head now classifies your photos "
                     f"({plural(result['reclassified'], 'item')} re-predicted); "
                     "`wardrobe retrain --classifier --reset` goes back to the shipped one")
    else:
        lines.append(f"refused: the shipped photo head stays ({refused})"
                     + (f"; {plural(result['reclassified'], 'item')} re-predicted" if result["reclassified"] else ""))
    changes = result["changes"]
    verb = "would change" if result["dry_run"] else "changed"
    lines.append(f"labels that {verb}: " + (", ".join(f"{ch['from']} -> {ch['to']}: {ch['items']}" for ch in changes)
                                           if changes else "none"))
    return lines
