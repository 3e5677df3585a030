"""Statistics as charts: pieces and wears per category, like rate over time, the most and never worn pieces."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from wardrobe.tui.charts import bar_chart, column_chart
from wardrobe.tui.data_screen import DataScreen
from wardrobe.tui.text import piece_name
from wardrobe.tui.top_bar import TopBar


class StatsScreen(DataScreen):
    def compose(self) -> ComposeResult:
        yield TopBar("stats")
        with Horizontal(id="stats-body"):
            with Vertical(id="stats-left"):
                yield Static("", id="stats-categories-title", classes="chart-title")
                yield Static("", id="stats-categories")
            with Vertical(id="stats-right"):
                yield Static("", id="stats-likes-title", classes="chart-title")
                yield Static("", id="stats-likes")
                yield Static("", id="stats-worn")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self.draw()

    def reload(self) -> None:
        from wardrobe.services.ratings_history import Statistics, statistics

        self.stats = self.read("statistics", lambda: statistics(self.app.stylist), Statistics())
        self.draw()

    def draw(self) -> None:
        from wardrobe.services.ratings_history import RATINGS_PER_BAR

        stats = getattr(self, "stats", None)
        if stats is None:
            return
        left = self.query_one("#stats-left").content_size.width or self.size.width // 2
        right = self.query_one("#stats-right").content_size.width or self.size.width // 2
        self.query_one("#stats-categories-title", Static).update(
            "[b]Wears per category[/b] (pieces)")
        rows = [(name, stats.worn_per_category[name], f"{stats.worn_per_category[name]:>3} ({count})")
                for name, count in stats.per_category.items()]
        spaced = self.size.height >= 2 * len(rows) + 6  # 160x48 has room to set the bars apart
        self.query_one("#stats-categories", Static).update(bar_chart(rows, left, spaced=spaced))
        self.query_one("#stats-likes-title", Static).update(
            f"[b]Like rate[/b] per {RATINGS_PER_BAR} ratings (under each bar: your ratings up to it)")
        height = max(3, min(20, self.size.height - 16))
        likes = column_chart([rate for _, rate in stats.like_rate], [span.split("-")[1] for span, _ in stats.like_rate],
                             height, right) if stats.like_rate else "no ratings yet: rate outfits with l and d"
        self.query_one("#stats-likes", Static).update(likes)
        most = ", ".join(f"{piece_name(item)} x{n}" for item, n in stats.most_worn) or "-"
        never = ", ".join(piece_name(item) for item in stats.never_worn[:4]) or "-"
        more = f" and {len(stats.never_worn) - 4} more" if len(stats.never_worn) > 4 else ""
        self.query_one("#stats-worn", Static).update(f"\n[b]Most worn[/b]: {most}\n[b]Never worn[/b]: {never}{more}")
