"""History as a month calendar: what was worn and planned each day, and the selected day's pieces with their photos."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Static

from wardrobe.tui.data_screen import DataScreen
from wardrobe.tui.layout import by_slot
from wardrobe.tui.month_grid import PLANNED, WORN, MonthGrid
from wardrobe.tui.photo import Photo
from wardrobe.tui.text import piece_name
from wardrobe.tui.top_bar import TopBar

WIDE_FROM = 120  # columns from which the day's photos stand beside the month, not under it
CELL_WIDTH = 13  # columns of a day beside the photos
PHOTOS_FROM = 5  # lines a row of photos needs (with its names) to be worth showing


def month_after(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day where it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def by_slot_or_keep(items: list) -> list:
    """Pieces in slot order; pieces removed since (None) go last."""
    return by_slot([i for i in items if i is not None]) + [None] * sum(i is None for i in items)


class HistoryScreen(DataScreen):
    BINDINGS = [
        Binding("left", "move(-1)", "Day", show=False),
        Binding("right", "move(1)", "Day", show=False),
        Binding("up", "move(-7)", "Week", show=False),
        Binding("down", "move(7)", "Week", show=False),
        Binding("left_square_bracket", "month(-1)", "Month"),
        Binding("right_square_bracket", "month(1)", "Month"),
        Binding("full_stop", "today", "Today"),
        Binding("p", "plan", "Plan day"),
        Binding("x", "drop", "Drop plan"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar("history")
        yield Static("", id="calendar-title")
        with Horizontal(id="calendar-body"):
            yield MonthGrid(id="calendar-grid")
            with Vertical(id="calendar-side"):
                yield Static("", id="calendar-day")
                yield Horizontal(id="calendar-worn", classes="calendar-photos")
                yield Horizontal(id="calendar-planned", classes="calendar-photos")
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.stylist.today()
        self.month: tuple[int, int] | None = None
        self.days: dict = {}
        self.reload()

    @property
    def planner(self):
        from wardrobe.services.planner import Planner

        return Planner(self.app.stylist)

    def reload(self) -> None:
        """Read the selected day's month again (after a change, a user switch, or moving to another month)."""
        self.month = (self.day.year, self.day.month)
        self.days = self.read("history", lambda: self.planner.month(*self.month), {})
        self.empty = not self.read("history", self._anything, True)
        self.draw()

    def _anything(self) -> bool:
        """Whether this user has any history at all (worn, rated or planned)."""
        stylist = self.app.stylist
        return bool(stylist.taste.wears(stylist.user_id, limit=1) or stylist.taste.ratings(stylist.user_id, limit=1)
                    or self.planner.plans_store.between(stylist.user_id))

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        if not hasattr(self, "days"):
            return
        wide = self.size.width >= WIDE_FROM
        body = self.query_one("#calendar-body")
        body.set_class(wide, "wide")
        body.set_class(not wide, "narrow")
        today = self.app.stylist.today()
        self.query_one(MonthGrid).show(self.day, today, self.days)
        self.query_one("#calendar-title", Static).update(
            f"[b]{self.day:%B %Y}[/b]   {WORN} worn  {PLANNED} planned   [dim]←→↑↓ day, \\[ ] month, . today[/dim]")
        self.show_day()

    def show_day(self) -> None:
        held = self.days.get(self.day)
        worn = by_slot_or_keep(held.worn) if held else []
        plan = held.plan if held else None
        lines = [f"[b]{self.day:%a %d %B %Y}[/b]"]
        if self.empty:
            lines.append(f"No history for {self.app.stylist.user} yet: log what you wear (w on the outfit screen, "
                         "`wardrobe wear`) and plan days (p here, `wardrobe plan`).")
        if worn:
            lines.append(f"{WORN} wore " + ", ".join(piece_name(i) for i in worn))
        if plan:
            about = ", ".join(x for x in (plan.occasion, plan.weather) if x)
            lines.append(f"{PLANNED} planned" + (f" ({about})" if about else "") + ": "
                         + ", ".join(piece_name(i) for i in by_slot_or_keep(plan.items)))
        if held and (held.liked or held.disliked):
            lines.append(f"rated {held.liked} liked, {held.disliked} disliked")
        if not self.empty and not worn and not plan and not (held and (held.liked or held.disliked)):
            lines.append("nothing worn or planned" + (": p plans it" if self.day >= self.app.stylist.today() else ""))
        self.query_one("#calendar-day", Static).update("\n".join(lines))
        self._photos("#calendar-worn", worn, WORN)
        self._photos("#calendar-planned", by_slot_or_keep(plan.items) if plan else [], PLANNED)

    def _photos(self, where: str, items: list, mark: str) -> None:
        """A row of photo cards for these pieces; hidden when there are none or no room for them."""
        row = self.query_one(where, Horizontal)
        row.remove_children()
        side = self.query_one("#calendar-side")
        rows = sum(bool(x) for x in (self.days.get(self.day) and self.days[self.day].worn,
                                     self.days.get(self.day) and self.days[self.day].plan))
        room = (side.size.height - 3) // max(rows, 1) if side.size.height else 0
        row.display = bool(items) and room >= PHOTOS_FROM
        if not row.display:
            return
        wardrobe = self.app.wardrobe
        for item in items:
            card = Vertical(classes="calendar-piece")
            row.mount(card)
            card.mount(Photo(wardrobe.thumbnail_file(item) if item else None, anchor_bottom=True,
                             classes="calendar-photo"),
                       Label(f"{mark} {piece_name(item)}", classes="calendar-name"))

    # -- keys ---------------------------------------------------------------------------------------------------

    def go(self, day: date) -> None:
        self.day = day
        if (day.year, day.month) != self.month:
            self.reload()
        else:
            self.draw()

    def action_move(self, days: int) -> None:
        self.go(self.day + timedelta(days=days))

    def action_month(self, months: int) -> None:
        self.go(month_after(self.day, months))

    def action_today(self) -> None:
        self.go(self.app.stylist.today())

    def on_month_grid_picked(self, message: MonthGrid.Picked) -> None:
        self.go(message.day)

    def action_plan(self) -> None:
        if self.day < self.app.stylist.today():
            self.notify(f"{self.day:%a %d %B} has gone by: only today and days to come can be planned",
                        severity="warning")
            return
        from wardrobe.services.today import day_weather

        # The day's forecast where a location is set (cached in the home; a failed server is not asked again soon).
        forecast = day_weather(self.app.wardrobe.settings, None, self.day)
        made = []
        if self.change("planned", lambda: made.append(self.planner.plan(self.day, weather=forecast.weather))):
            said = f" ({forecast.weather.describe()})" if forecast.weather else ""
            self.notify(f"planned outfit {made[0].outfit_id} for {self.day:%a %d %B}{said}; `wardrobe rate "
                        f"{made[0].outfit_id} like` rates it" + (f"; {forecast.note.split('; proposing')[0]}"
                                                               if forecast.note else ""))
            self.reload()

    def action_drop(self) -> None:
        dropped = []
        if self.change("dropped", lambda: dropped.append(self.planner.clear(self.day))):
            if dropped[0] is None:
                self.notify(f"no plan for {self.day:%a %d %B}", severity="warning")
                return
            self.notify(f"dropped the plan for {self.day:%a %d %B}")
            self.reload()
