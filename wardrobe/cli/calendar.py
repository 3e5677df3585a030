"""Days to come: plan an outfit for a day, list and drop plans, pack for a trip."""

from __future__ import annotations

import json
from datetime import timedelta
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
    plural,
    settings,
    shown,
    warn,
)
from wardrobe.cli.outfits import item_line

DAY_HELP = "YYYY-MM-DD, today, tomorrow, or a weekday name (the next one)."
WEATHER_HELP = ("The day's weather: a temperature and any of rain, wind, snow (\"8C rain\", \"45F\"); kept with the plan "
                "[default: the day's forecast for the location of `wardrobe config set location LAT,LON`, if set].")


def _planner(service):
    from wardrobe.services import Stylist
    from wardrobe.services.planner import Planner

    return Planner(Stylist(service, settings().taste_user))


def _heading(planned) -> str:
    about = ", ".join(shown(x) for x in (planned.occasion, planned.weather) if x)
    return f"{planned.day:%a %Y-%m-%d}" + (f" ({about})" if about else "")


@app.command()
def plan(
    day: Optional[str] = typer.Argument(None, metavar="DAY", help="The day: " + DAY_HELP),
    occasion: Optional[str] = typer.Option(None, "--occasion", "-o", metavar="NAME",
                                           help="What the day is for (work, weekend, a wedding: your own names)."),
    weather: Optional[str] = typer.Option(None, "--weather", "-w", metavar="TEXT", help=WEATHER_HELP),
    list_plans: bool = typer.Option(False, "--list", "-l", help="Show the plans from today on (from DAY if given)."),
    clear: bool = typer.Option(False, "--clear", help="Drop DAY's plan."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the plans made, listed or dropped."),
) -> None:
    """Plan an outfit for a day to come, list plans, drop one.

    `wardrobe plan tomorrow` proposes an outfit for that day and keeps it (planning the day again
    replaces it); rate it like any proposal with `wardrobe rate OUTFIT like`. The outfit dresses for
    the day's weather (--weather, else its forecast) as `suggest` does. Pieces planned for a
    day are not proposed for the day before or after it, by `suggest` or by other plans.
    `wardrobe plan --list` shows the plans; `wardrobe plan friday --clear` drops one.
    Exit code 6: the closet cannot make an outfit yet.
    """
    from wardrobe.services.days import coming_day
    from wardrobe.services.planner import read_weather
    from wardrobe.services.records import plan_record
    from wardrobe.services.stylist import CannotDress
    from wardrobe.services.today import day_weather

    if list_plans and clear:
        fail("--list and --clear go separately", EXIT_USAGE)
    if day is None and not list_plans:
        fail("name the day to plan (tomorrow, friday, 2026-12-24), or --list the plans", EXIT_USAGE)
    if (list_plans or clear) and (occasion is not None or weather is not None):
        fail("--occasion and --weather go with planning a day, not with --list or --clear", EXIT_USAGE)
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
            if weather is not None:
                dressed_for = read_weather(weather)
            else:
                forecast = day_weather(settings(), None, when)
                if forecast.note:
                    warn(forecast.note.replace("proposing", "planning"))
                dressed_for = forecast.weather
            try:
                plans = [planner.plan(when, occasion, dressed_for)]
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
            if proposal.lacking:
                print("  missing: " + "; ".join(proposal.lacking))
        for item_id, item in zip(planned.item_ids, planned.items):
            print(item_line(item, item_id))


@app.command()
def pack(
    first: Optional[str] = typer.Option(None, "--from", "-f", metavar="DAY", help="The trip's first day [default: "
                                        "today]: " + DAY_HELP),
    days: int = typer.Option(..., "--days", "-n", min=1, max=60, metavar="N", help="How many days: one outfit "
                             "each."),
    occasions: list[str] = typer.Option([], "--occasion", "-o", metavar="NAME", help="What the days are for: once for "
                                        "every day, or once per day in order."),
    weathers: list[str] = typer.Option([], "--weather", "-w", metavar="TEXT", help="The days' weather (\"8C rain\"): "
                                       "once for every day, or once per day in order [default: each day's forecast "
                                       "for the configured location, if set]."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object: the pieces and each day's outfit."),
) -> None:
    """Choose the fewest pieces that dress you for a trip.

    Choose the fewest pieces that make a different outfit you would like (by your taste model) for
    each day from --from, and list the outfits day by day. Outfits differ in their top, bottom or
    dress. It starts from your best outfit, then adds the piece that makes the most new liked outfits
    with those packed, and drops any piece the days can do without. Each day's outfit keeps the
    weather's rules as `suggest` does (no shorts in the cold...). Nothing is stored. Exit code 6:
    the closet cannot make that many different outfits.
    """
    from wardrobe.services.days import coming_day
    from wardrobe.services.planner import BadTrip, read_weather
    from wardrobe.services.stylist import CannotDress
    from wardrobe.services.today import days_weather

    with opened() as service:
        planner = _planner(service)
        start = coming_day(first, planner.stylist.today()) if first is not None else planner.stylist.today()
        given = [read_weather(text) for text in weathers]
        if not given:  # the forecast of each day, where a location is set
            forecasts, missing = days_weather(settings(), [start + timedelta(days=k) for k in range(days)])
            if missing:
                warn(missing)
            given = forecasts if any(forecasts) else []
        try:
            trip = planner.pack(start, days, occasions, given)
        except BadTrip as exc:
            fail(str(exc), EXIT_USAGE)
        except CannotDress as exc:
            fail(str(exc), EXIT_CANNOT_DRESS)
    liked = sum(d.probability for d in trip.days) / days
    best = sum(trip.best) / days
    if as_json:
        from wardrobe.services.records import piece_record

        print(json.dumps({"from": start.isoformat(), "days": days, "pieces": [piece_record(i) for i in trip.pieces],
                          "outfits_per_piece": round(days / len(trip.pieces), 4), "predicted_like": round(liked, 4),
                          "best_like": round(best, 4), "stretched": trip.stretched,
                          "outfits": [{"date": d.day.isoformat(), "occasion": d.occasion, "weather": d.weather,
                                       "lacking": d.lacking,
                                       "probability": round(d.probability, 4), "items": [i.id for i in d.items]}
                                      for d in trip.days]}, indent=2))
        return
    print(f"{plural(len(trip.pieces), 'piece')} for {plural(days, 'day')} from {start:%a %Y-%m-%d} "
          f"({days / len(trip.pieces):.2g} outfits a piece), {liked:.0%} like on average "
          f"(the best {plural(days, 'outfit')} with no limit on pieces: {best:.0%})")
    for item in trip.pieces:
        print(item_line(item))
    for d in trip.days:
        about = ", ".join(shown(x) for x in (d.occasion, d.weather) if x)
        print(f"{d.day:%a %Y-%m-%d}" + (f" ({about})" if about else "") + f": {d.probability:.0%} like")
        print("    " + " + ".join(f"{i.id} {i.name}" for i in d.items))
        if d.lacking:
            print("    missing: " + "; ".join(d.lacking))
    if trip.stretched:
        note(f"{plural(trip.stretched, 'day')} got an outfit your taste model expects you not to like: the closet "
             "had no liked one left that fitted (or none that keeps the day's weather)")
