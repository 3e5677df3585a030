"""History of ratings and wear, and a few statistics: items per category, like rate over time, wear."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from wardrobe.domain import CATEGORIES


class StatsScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="stats-side"):
                yield Static("", id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("when", "what", "items")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        stylist = self.app.stylist
        ratings = stylist.taste.ratings(stylist.user_id, limit=200)
        wears = stylist.taste.wears(stylist.user_id, limit=200)
        events = [(r.created_at, "liked" if r.value > 0 else "disliked", " ".join(map(str, r.item_ids)))
                  for r in ratings] + [(t, "wore", str(i)) for i, t in wears]
        table = self.query_one(DataTable)
        table.clear()
        for when, what, items in sorted(events, reverse=True):
            table.add_row(f"{when:%m-%d %H:%M}", what, items)

        items = self.app.wardrobe.items()
        per_category = Counter(item.category for item in items)
        lines = [f"[b]{stylist.user}[/b]: {len(items)} items", ""]
        lines += [f"{name:<12} {per_category.get(name, 0):>4}" for name in CATEGORIES]
        lines += ["", "[b]Like rate[/b] per 10 ratings"]
        values = [r.value > 0 for r in ratings]
        for start in range(0, len(values), 10):
            block = values[start : start + 10]
            lines.append(f"{start + 1:>4}-{start + len(block):<4} {'█' * round(10 * sum(block) / len(block)):<10} "
                         f"{sum(block) / len(block):.0%}")
        if not values:
            lines.append("no ratings yet")
        worn = Counter(i for i, _ in wears)
        names = {item.id: f"#{item.id} {item.category}" for item in items}
        lines += ["", "[b]Most worn[/b]"] + [f"{names.get(i, f'#{i}')} x{n}" for i, n in worn.most_common(3)]
        lines += ["", "[b]Least worn[/b]"] + [f"{names.get(i, f'#{i}')} x{n}" for i, n in worn.most_common()[:-4:-1]]
        never = [names[i.id] for i in items if i.id not in worn][:3]
        lines += ["", "[b]Never worn[/b]"] + (never or ["-"])
        self.query_one("#stats", Static).update("\n".join(lines))
