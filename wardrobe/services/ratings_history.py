"""A user's history (ratings and wears with their pieces) and the statistics drawn from it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from wardrobe.domain import CATEGORIES, Item

RATINGS_PER_BAR = 10  # like rate is shown per block of this many ratings


@dataclass
class Event:
    """One line of history: liked, disliked or wore, when, and the pieces (None for a piece removed since)."""

    when: datetime
    what: str
    item_ids: list[int]
    items: list[Item | None]


@dataclass
class Statistics:
    items: int = 0
    per_category: dict[str, int] = field(default_factory=dict)  # items in each category, every category listed
    worn_per_category: dict[str, int] = field(default_factory=dict)  # wears of each category's pieces
    like_rate: list[tuple[str, float]] = field(default_factory=list)  # ("1-10", 0.6) per block of ratings
    most_worn: list[tuple[Item, int]] = field(default_factory=list)
    never_worn: list[Item] = field(default_factory=list)


def history(stylist, limit: int = 200) -> list[Event]:
    """The last ratings and wears of the stylist's user, newest first, with the pieces they name."""
    ratings = stylist.taste.ratings(stylist.user_id, limit=limit)
    wears = stylist.taste.wears(stylist.user_id, limit=limit)
    found = stylist.wardrobe.inventory.by_ids({i for r in ratings for i in r.item_ids} | {i for i, _ in wears})
    events = [Event(r.created_at, "liked" if r.value > 0 else "disliked", r.item_ids, [found.get(i) for i in r.item_ids])
              for r in ratings]
    # One wear line per moment: `wardrobe wear 12 40 7` logs three rows at the same time.
    worn: dict[datetime, list[int]] = {}
    for item_id, when in wears:
        worn.setdefault(when, []).insert(0, item_id)
    events += [Event(when, "wore", ids, [found.get(i) for i in ids]) for when, ids in worn.items()]
    return sorted(events, key=lambda e: e.when, reverse=True)


def statistics(stylist, limit: int = 1000) -> Statistics:
    """Items per category, wears per category, like rate per block of ratings, most and never worn pieces."""
    items = stylist.wardrobe.items()
    by_id = {item.id: item for item in items}
    ratings = stylist.taste.ratings(stylist.user_id, limit=limit)
    worn = Counter(i for i, _ in stylist.taste.wears(stylist.user_id, limit=limit))
    stats = Statistics(items=len(items))
    per_category = Counter(item.category for item in items)
    worn_per_category = Counter()
    for item_id, n in worn.items():
        if item_id in by_id:
            worn_per_category[by_id[item_id].category] += n
    stats.per_category = {name: per_category.get(name, 0) for name in CATEGORIES}
    stats.worn_per_category = {name: worn_per_category.get(name, 0) for name in CATEGORIES}
    likes = [r.value > 0 for r in ratings]
    for start in range(0, len(likes), RATINGS_PER_BAR):
        block = likes[start : start + RATINGS_PER_BAR]
        stats.like_rate.append((f"{start + 1}-{start + len(block)}", sum(block) / len(block)))
    stats.most_worn = [(by_id[i], n) for i, n in worn.most_common() if i in by_id][:3]
    stats.never_worn = [item for item in items if item.id not in worn and item.state == "active"]
    return stats
