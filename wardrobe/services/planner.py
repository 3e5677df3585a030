"""Days to come and gone: plans (an outfit kept per day), packing for a trip, the calendar of a month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from wardrobe.config import BadName
from wardrobe.domain import Item
from wardrobe.services.days import BadDate, local_day, local_noon
from wardrobe.services.stylist import CannotDress, OutfitProposal, Stylist
from wardrobe.services.stylist import check_occasion as normal_occasion
from wardrobe.store.plans import Plan, PlanStore
from wardrobe.weather import BadWeather, Weather, parse_weather


@dataclass
class PlannedDay:
    """A plan with its pieces (None for a piece removed since), and the proposal when it was just made."""

    day: date
    item_ids: list[int]
    items: list[Item | None]
    occasion: str | None = None
    weather: str | None = None
    outfit_id: int | None = None
    proposal: OutfitProposal | None = None


@dataclass
class PackedDay:
    day: date
    items: list[Item]
    probability: float
    occasion: str | None = None
    weather: str | None = None
    lacking: list[str] = field(default_factory=list)  # what the closet lacked for the day's weather ("no coat for 2 °C")


@dataclass
class PackedTrip:
    """What to take (pieces) and what to wear each day; `best` is each day's predicted like among the best different
    outfits with no limit on pieces, `stretched` the days whose outfit is below what the taste model calls liked."""

    pieces: list[Item]
    days: list[PackedDay]
    best: list[float]
    stretched: int
    best_outfits: list[list[Item]] = field(default_factory=list)  # those best outfits, one a day


@dataclass
class CalendarDay:
    """What one day of the calendar holds: the pieces worn, the plan, and the outfits rated that day."""

    day: date
    worn: list[Item | None] = field(default_factory=list)
    plan: PlannedDay | None = None
    liked: int = 0
    disliked: int = 0


def check_occasion(name: str | None) -> str | None:
    """An occasion as the user names it ("work", "wedding"), refused if empty, too long or holding control characters;
    kept as suggest keeps it (stylist.check_occasion: trimmed, lower-cased), so its ratings teach the same taste."""
    if name is None:
        return None
    if not name.strip():
        raise BadName("an occasion cannot be empty")
    if len(name) > 100:
        raise BadName("an occasion has at most 100 characters")
    if any(not ch.isprintable() for ch in name) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise BadName(f"occasion {ascii(name)} holds control characters; use letters, digits and punctuation")
    return normal_occasion(name)


class BadTrip(ValueError):
    """Weather or occasions that do not fit the days asked for, or weather that cannot be read."""


def read_weather(text: str) -> Weather:
    """The weather a user wrote ("8C rain", "-2C snow wind"), for plan and pack; BadTrip says what it could not read."""
    try:
        return parse_weather(text)
    except BadWeather as exc:
        raise BadTrip(str(exc)) from None


def per_day(given: list, days: int, what: str) -> list:
    """One value a day from what was given: none (None every day), one for all days, or one for each."""
    if len(given) not in (0, 1, days):
        raise BadTrip(f"{len(given)} {what} for {days} days: give one for all the days, or one for each day")
    return list(given) * days if len(given) == 1 else list(given) or [None] * days


def weather_text(weather: Weather | None) -> str | None:
    """How a day's weather is kept with its plan and shown: "8 °C, rain" ("... (forecast)" for a forecast)."""
    return None if weather is None else weather.describe()


def context(weather=None, occasion: str | None = None) -> dict:
    """The keywords a day's suggestion takes: the weather and the occasion, each only when there is one."""
    return {name: value for name, value in (("weather", weather), ("occasion", occasion)) if value is not None}


class Planner:
    """One user's plans, over their Stylist."""

    def __init__(self, stylist: Stylist):
        self.stylist = stylist
        self.plans_store = PlanStore(stylist.wardrobe.inventory.sessions)

    def _day(self, plan: Plan) -> PlannedDay:
        found = self.stylist.wardrobe.inventory.by_ids(plan.item_ids)
        return PlannedDay(plan.day, plan.item_ids, [found.get(i) for i in plan.item_ids], plan.occasion,
                          plan.weather, plan.outfit_id)

    def plan(self, day: date, occasion: str | None = None, weather=None) -> PlannedDay:
        """Propose an outfit for `day` (today or later) and keep it, replacing the day's earlier plan.

        Pieces planned for the days around it are left out (Stylist.planned_near); `weather` (None: not known)
        and `occasion` go on to the suggestion and are kept with the plan.
        """
        if day < self.stylist.today():
            raise BadDate(f"{day.isoformat()} has gone by: plan today or a day to come")
        occasion = check_occasion(occasion)
        [proposal] = self.stylist.suggest(1, day=day, **context(weather, occasion))
        ids = [item.id for item in proposal.items]
        plan = self.plans_store.keep(self.stylist.user_id, day, ids, occasion, weather_text(weather), proposal.id)
        return PlannedDay(plan.day, ids, list(proposal.items), occasion, plan.weather, proposal.id, proposal)

    def pack(self, first: date, days: int, occasions: list[str | None] = (), weathers: list = ()) -> PackedTrip:
        """The fewest pieces that make a different outfit, liked, for each of `days` days from `first`.

        `occasions` and `weathers` (parsed weather values) are one for all days or one per day; each day's outfit
        is scored for its own (Stylist.scorer). Every active item may travel: the rules for today (worn today,
        planned nearby) do not apply to a trip.
        """
        from wardrobe.outfits.dress import rules_for
        from wardrobe.outfits.features import ItemTable
        from wardrobe.outfits.packing import CannotPack, pack

        occasions = [check_occasion(o) for o in per_day(list(occasions), days, "occasions")]
        weathers = per_day(list(weathers), days, "weathers")
        closet = self.stylist.closet()
        if (why := closet.missing()) is not None:
            raise CannotDress(f"cannot make an outfit yet: {why}")
        table = ItemTable(closet)
        scorers: dict[tuple, object] = {}
        for occasion, weather in zip(occasions, weathers):  # days of the same weather and occasion share a scorer
            if (occasion, weather) not in scorers:
                scorers[(occasion, weather)] = self.stylist.scorer(closet, table, **context(weather, occasion))
        try:
            packing = pack(closet, [scorers[(o, w)] for o, w in zip(occasions, weathers)],
                           self.stylist.rng)
        except CannotPack as exc:
            raise CannotDress(f"cannot pack for {days} days: {exc}; add pieces, or pack fewer days") from None
        items = self.stylist.wardrobe.inventory.by_ids(closet.item_ids(np.concatenate([packing.pieces,
                                                                                      *packing.best_rows])))
        lacking = {w: rules_for(closet, w).lacking for w in set(weathers) if w is not None}
        trip = [PackedDay(first + timedelta(days=k), [items[i] for i in closet.item_ids(row)], p, occasion,
                          weather_text(weather), list(lacking.get(weather, [])))
                for k, (row, p, occasion, weather) in enumerate(zip(packing.rows, packing.probabilities, occasions,
                                                                     weathers))]
        return PackedTrip([items[i] for i in closet.item_ids(np.array(packing.pieces))], trip, packing.best,
                          packing.stretched, [[items[i] for i in closet.item_ids(row)] for row in packing.best_rows])

    def plans(self, first: date | None = None, last: date | None = None) -> list[PlannedDay]:
        """The plans from `first` (today if None) to `last` (no end if None), by day."""
        first = self.stylist.today() if first is None else first
        return [self._day(plan) for plan in self.plans_store.between(self.stylist.user_id, first, last)]

    def clear(self, day: date) -> PlannedDay | None:
        """Drop the day's plan; returns it, or None when the day had none."""
        plan = self.plans_store.drop(self.stylist.user_id, day)
        return self._day(plan) if plan else None

    def month(self, year: int, month: int) -> dict[date, CalendarDay]:
        """Every day of a month with what was worn, planned and rated on it (local days)."""
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        days = {first + timedelta(days=k): CalendarDay(first + timedelta(days=k)) for k in range((after - first).days)}
        taste, user = self.stylist.taste, self.stylist.user_id
        # A day earlier and later in UTC: the local days at the month's edges are whole whatever the time zone.
        start, end = local_noon(first - timedelta(days=1)), local_noon(after + timedelta(days=1))
        wears = taste.wears_between(user, start, end)
        plans = self.plans_store.between(user, first, after - timedelta(days=1))
        found = self.stylist.wardrobe.inventory.by_ids({i for i, _ in wears} | {i for p in plans for i in p.item_ids})
        worn: dict[date, list[int]] = {}
        for item_id, when in wears:
            day = local_day(when)
            if day in days and item_id not in worn.setdefault(day, []):  # worn twice that day: shown once
                worn[day].append(item_id)
                days[day].worn.append(found.get(item_id))
        for plan in plans:
            days[plan.day].plan = PlannedDay(plan.day, plan.item_ids, [found.get(i) for i in plan.item_ids],
                                             plan.occasion, plan.weather, plan.outfit_id)
        for rating in taste.ratings_between(user, start, end):
            if (day := local_day(rating.created_at)) in days:
                if rating.value > 0:
                    days[day].liked += 1
                else:
                    days[day].disliked += 1
        return days
