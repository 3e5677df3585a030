"""Outfit commands for scripts: suggest, rate, wear, users, retrain."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from wardrobe.cli.common import EXIT_NOT_FOUND, EXIT_USAGE, app, fail, opened, plural, settings, shown
from wardrobe.domain import CATEGORIES

EXIT_CANNOT_DRESS = 6


def _stylist(service):
    from wardrobe.services import Stylist

    return Stylist(service, settings().taste_user)


@app.command()
def suggest(
    n: int = typer.Option(3, "--n", "-n", min=1, max=50, help="How many outfits."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Propose outfits from the active items, best first; rate them with `wardrobe rate ID like|dislike`.

    Once you have rated, a share of proposals explores pieces not proposed lately, marked "explore"
    (at least one in every 10); each outfit says why it was chosen. Outfits shown recently are not
    repeated, pieces worn today are left out, and no piece is in more than 6 of 20 proposals in a row
    (nor 9 of 30) while the closet offers others. Exit code 6: the closet cannot make an outfit yet.
    """
    from wardrobe.services.stylist import CannotDress

    with opened() as service:
        try:
            proposals = _stylist(service).suggest(n)
        except CannotDress as exc:
            fail(str(exc), EXIT_CANNOT_DRESS)
    if as_json:
        print(json.dumps([{"id": p.id, "probability": round(p.probability, 4), "explore": p.explore, "why": p.why,
                           "items": [{"id": i.id, "label": i.label, "category": i.category, "colours": i.colours}
                                     for i in p.items]} for p in proposals], indent=2))
        return
    for p in proposals:
        print(f"outfit {p.id}: {p.probability:.0%} like" + ("  (explore)" if p.explore else ""))
        print(f"  why: {p.why}")
        for item in p.items:
            print(f"  {item.id:>5}  {CATEGORIES[item.label]:<12} {', '.join(item.colours):<24} {shown(item.original_name)}")


@app.command()
def rate(
    outfit_id: int = typer.Argument(..., metavar="OUTFIT_ID"),
    verdict: str = typer.Argument(..., metavar="like|dislike"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Like or dislike a proposed outfit; your taste model learns from it at once."""
    verdict = verdict.strip().lower()
    if verdict not in ("like", "dislike", "+", "-"):
        fail(f"verdict must be like or dislike, not {shown(verdict)!r}", EXIT_USAGE)
    with opened() as service:
        replaced = _stylist(service).rate(outfit_id, verdict in ("like", "+"))
    if as_json:
        print(json.dumps({"outfit": outfit_id, "liked": verdict in ("like", "+"), "replaced": replaced}))
        return
    print(f"outfit {outfit_id}: {'liked' if verdict in ('like', '+') else 'disliked'}"
          + (" (replaces your earlier rating)" if replaced else ""))


@app.command()
def wear(item_ids: list[int] = typer.Argument(..., metavar="ITEM...")) -> None:
    """Log that you wore these items today (recently worn items are proposed less)."""
    with opened() as service:
        found = _stylist(service).wear(item_ids)
    print(f"worn today: {', '.join(map(str, found))}")


@app.command()
def users(as_json: bool = typer.Option(False, "--json", help="Print a JSON array.")) -> None:
    """List users with their ratings and wear counts. A new --user NAME is created on first use."""
    from wardrobe.services.stylist import all_users

    with opened() as service:
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
    classifier: bool = typer.Option(False, "--classifier", help="Instead: refit the photo head on your corrected "
                                    "items (relabel, add --label); adopted only if refits judged on corrections they did "
                                    "not see clearly beat the shipped head. Seconds: no network pass."),
    reset: bool = typer.Option(False, "--reset", help="With --classifier: go back to the shipped photo head."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rebuild every user's preference model from all their stored likes and dislikes (or, with
    --classifier, adapt the photo classifier to your corrections)."""
    from wardrobe.services import Stylist
    from wardrobe.services.stylist import all_users

    if classifier or reset:
        _retrain_classifier(reset, as_json)
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
        print(f"{shown(r['user'])}: rebuilt from {plural(r['ratings'], 'rating')} ({r['likes']} liked){agreement}",
              file=sys.stderr)


@app.command()
def tui() -> None:
    """Open the terminal UI: rate proposed outfits, browse and tidy the closet, see history and statistics.

    Photos use the terminal's graphics protocol (Sixel, Kitty) when it has one, else half blocks;
    WARDROBE_IMAGES=halfblock forces half blocks.
    """
    from wardrobe.cli.common import service_errors
    from wardrobe.tui.app import make_app

    with service_errors():
        tui_app = make_app(settings(), graphics=True)
    tui_app.run()


def _retrain_classifier(reset: bool, as_json: bool) -> None:
    from wardrobe.services.adaptation import NotEnoughCorrections, reset_classifier, retrain_classifier

    with opened() as service:
        if reset:
            result = reset_classifier(service)
            if as_json:
                print(json.dumps(result, indent=2))
                return
            print(("back to the shipped photo head" if result["removed"] else "already using the shipped photo head")
                  + f"; {plural(result['reclassified'], 'item')} re-predicted", file=sys.stderr)
            return
        try:
            result = retrain_classifier(service)
        except NotEnoughCorrections as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    b, a = result["before"]["corrections_right"], result["after"]["corrections_right"]
    print(f"your corrections read right: {b:.1%} by the shipped head, {a:.1%} by refits that did not see them "
          f"({result['wins']} won, {result['losses']} lost)")
    if result["adopted"]:
        print(f"adopted: the refitted photo head now classifies your photos ({plural(result['reclassified'], 'item')} "
              "re-predicted); `wardrobe retrain --classifier --reset` goes back to the shipped one")
    else:
        print("the shipped photo head stays: the refit did not win clearly enough to trust it"
              + (f" ({plural(result['reclassified'], 'item')} re-predicted)" if result["reclassified"] else ""))
