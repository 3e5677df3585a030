"""Days to come: plan an outfit for a day, list and drop plans."""

from __future__ import annotations

import json
from typing import Optional

import typer

from wardrobe.cli.common import (
    EXIT_CANNOT_DRESS,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    app,
    fail,
    note,
    opened,
    settings,
    shown,
)
from wardrobe.cli.outfits import item_line

DAY_HELP = "YYYY-MM-DD, today, tomorrow, or a weekday name (the next one)."


def _planner(service):
    from wardrobe.services import Stylist
    from wardrobe.services.planner import Planner

    return Planner(Stylist(service, settings().taste_user))


def _heading(planned) -> str:
    about = ", ".join(shown(x) for x in (planned.occasion, planned.weather) if x)
    return f"{planned.day:%a %Y-%m-%d}" + (f" ({about})" if about else "")


@app.command()
def plan(
    day: Optional[str] = typer.Argument(None, metavar="[DAY]", help="The day: " + DAY_HELP),
    occasion: Optional[str] = typer.Option(None, "--occasion", "-o", metavar="NAME",
                                           help="What the day is for (work, weekend, a wedding: your own names)."),
    list_plans: bool = typer.Option(False, "--list", "-l", help="Show the plans from today on (from DAY if given)."),
    clear: bool = typer.Option(False, "--clear", help="Drop DAY's plan."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the plans made, listed or dropped."),
) -> None:
    """Plan an outfit for a day to come, list plans, drop one.

    `wardrobe plan tomorrow` proposes an outfit for that day and keeps it (planning the day again
    replaces it); rate it like any proposal with `wardrobe rate OUTFIT like`. Pieces planned for a
    day are not proposed for the day before or after it, by `suggest` or by other plans.
    `wardrobe plan --list` shows the plans; `wardrobe plan friday --clear` drops one.
    Exit code 6: the closet cannot make an outfit yet.
    """
    from wardrobe.services.days import coming_day
    from wardrobe.services.records import plan_record
    from wardrobe.services.stylist import CannotDress

    if list_plans and clear:
        fail("--list and --clear go separately", EXIT_USAGE)
    if day is None and not list_plans:
        fail("name the day to plan (tomorrow, friday, 2026-12-24), or --list the plans", EXIT_USAGE)
    if (list_plans or clear) and occasion is not None:
        fail("--occasion goes with planning a day, not with --list or --clear", EXIT_USAGE)
    with opened() as service:
        planner = _planner(service)
        today = planner.stylist.today()
        when = coming_day(day, today) if day is not None else today
        if list_plans:
            plans = planner.plans(when)
        elif clear:
            dropped = planner.clear(when)
            if dropped is None:
                fail(f"no plan for {when:%a %Y-%m-%d}; `wardrobe plan --list` shows the plans", EXIT_NOT_FOUND)
            plans = [dropped]
        else:
            try:
                plans = [planner.plan(when, occasion)]
            except CannotDress as exc:
                fail(str(exc), EXIT_CANNOT_DRESS)
    if as_json:
        print(json.dumps([{**plan_record(p), **({"cleared": True} if clear else {})} for p in plans], indent=2))
        return
    if clear:
        note(f"dropped the plan for {_heading(plans[0])}")
        return
    if list_plans and not plans:
        note(f"no plans from {when:%a %Y-%m-%d} on; `wardrobe plan tomorrow` makes one")
    for planned in plans:
        proposal = planned.proposal
        print(_heading(planned) + (f": outfit {planned.outfit_id}" if planned.outfit_id else "")
              + (f", {proposal.probability:.0%} like" if proposal else ""))
        if proposal:
            print(f"  why: {proposal.why}")
        for item_id, item in zip(planned.item_ids, planned.items):
            print(item_line(item, item_id))
