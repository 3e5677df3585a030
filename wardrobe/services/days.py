"""Calendar days as people write them (2026-12-01, today, tomorrow, friday) and the local day of a stored UTC time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SAID = "a date as YYYY-MM-DD, today, yesterday, tomorrow or a weekday name (monday or mon)"


class BadDate(ValueError):
    """A day that cannot be read, or one on the wrong side of today; the message says which and what to write."""


def local_day(utc: datetime) -> date:
    """The calendar day, on this machine's clock, of a naive UTC time as the store keeps them."""
    return utc.replace(tzinfo=timezone.utc).astimezone().date()


def local_noon(day: date) -> datetime:
    """Noon of this local day as naive UTC (a wear logged for a past day is stored at its middle)."""
    return datetime.combine(day, time(12)).astimezone().astimezone(timezone.utc).replace(tzinfo=None)


def parse_day(text: str, today: date, ahead: bool) -> date:
    """The day `text` names: an ISO date, today/yesterday/tomorrow, or a weekday name.

    A weekday name means the next such day when `ahead` (planning: "friday" is this week's or next week's, never
    today), else the last one (logging a wear: today's weekday is today).
    """
    said = text.strip().lower()
    relative = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if said in relative:
        return today + timedelta(days=relative[said])
    weekday = next((k for k, name in enumerate(WEEKDAYS) if len(said) >= 3 and name.startswith(said)), None)
    if weekday is not None:
        if ahead:
            return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    try:
        return date.fromisoformat(said)
    except ValueError:
        raise BadDate(f"{text!r} is not a day: write {SAID}") from None


def past_day(text: str, today: date) -> date:
    """A day that has been (today included), for logging what was worn."""
    day = parse_day(text, today, ahead=False)
    if day > today:
        raise BadDate(f"{day.isoformat()} is in the future: log what you wore once you wore it "
                      f"(`wardrobe plan {day.isoformat()}` plans it)")
    return day


def coming_day(text: str, today: date) -> date:
    """A day that has not gone by (today included), for plans."""
    day = parse_day(text, today, ahead=True)
    if day < today:
        raise BadDate(f"{day.isoformat()} has gone by: plan today or a day to come "
                      f"(`wardrobe wear ID... --date {day.isoformat()}` logs what you wore)")
    return day
