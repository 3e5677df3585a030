"""A month as a grid of days: what was worn (■) and planned (□) each day, in the pieces' own colours."""

from __future__ import annotations

import calendar
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from wardrobe.domain import PALETTE
from wardrobe.tui.text import piece_name

WORN, PLANNED = "■", "□"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weeks_of(day: date) -> list[list[date]]:
    """The weeks (Monday first) that hold the days of `day`'s month, with the neighbouring months' days around them."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)


def swatch(item, mark: str) -> Text:
    """A piece as one square in its main colour (grey when it has none or was removed)."""
    rgb = PALETTE.get(item.colours[0]) if item is not None and item.colours else None
    square = Text()
    # On a grey tile: a black piece shows on a dark terminal, a white one on a light one.
    square.append(mark, Style(color="#%02x%02x%02x" % rgb if rgb else "grey50", bgcolor="grey35"))
    return square


class MonthGrid(Widget):
    """The month of the selected day; each cell says the day, then the pieces worn and planned as far as it has room:
    one line of coloured squares in a cell two lines high, a piece a line in taller cells."""

    DEFAULT_CSS = "MonthGrid { width: 100%; height: auto; }"
    CELL_LINES = 2  # a cell's lines when the grid's height follows its content

    class Picked(Message):
        """A day was clicked."""

        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selected = date.today()
        self.today = date.today()
        self.days: dict = {}  # date -> services.planner.CalendarDay

    def show(self, selected: date, today: date, days: dict) -> None:
        self.selected, self.today, self.days = selected, today, days
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + len(weeks_of(self.selected)) * self.CELL_LINES

    def _geometry(self) -> tuple[list[list[date]], int, int]:
        weeks = weeks_of(self.selected)
        cell_width = max(4, self.size.width // 7)
        lines = max(self.CELL_LINES, (self.size.height - 1) // len(weeks))
        return weeks, cell_width, lines

    def render(self) -> Text:
        weeks, width, lines = self._geometry()
        out = Text(no_wrap=True, overflow="crop")
        out.append("".join(f" {name}"[: width - 1].ljust(width) for name in WEEKDAYS), "bold")
        for week in weeks:
            cells = [self._cell(day, width, lines) for day in week]
            for k in range(lines):
                out.append("\n")
                for cell in cells:
                    out.append_text(cell[k])
        return out

    def _cell(self, day: date, width: int, lines: int) -> list[Text]:
        """The cell's lines, each exactly `width` wide (the last column is a gap to the next cell)."""
        blank = [Text(" " * width) for _ in range(lines)]
        if day.month != self.selected.month:
            blank[0] = Text(f"{day.day:>2}".ljust(width), "grey42")
            return blank
        held = self.days.get(day)
        worn = list(held.worn) if held else []
        planned = list(held.plan.items) if held and held.plan else []
        head = Text()
        head.append(f"{day.day:>2}", "bold underline" if day == self.today else "bold")
        head.append((" " + WORN if worn else "") + (" " + PLANNED if planned else ""))
        head.truncate(width - 1, pad=True)
        head.append(" ")
        if day == self.selected:
            head.stylize("reverse", 0, width - 1)
        out = [head]
        inner = width - 1
        if lines == 2:  # one line of squares: worn, then planned
            squares = Text()
            for item in worn:
                squares.append_text(swatch(item, WORN))
            if worn and planned:
                squares.append(" ")
            for item in planned:
                squares.append_text(swatch(item, PLANNED))
            squares.truncate(inner, overflow="ellipsis", pad=True)
            out.append(squares + Text(" "))
        else:  # a piece a line, as many as fit; the last line says how many more
            pieces = [(WORN, item) for item in worn] + [(PLANNED, item) for item in planned]
            room = lines - 1
            shown = pieces if len(pieces) <= room else pieces[: room - 1]
            for mark, item in shown:
                line = swatch(item, mark) + Text(" " + piece_name(item))
                line.truncate(inner, overflow="ellipsis", pad=True)
                out.append(line + Text(" "))
            if len(shown) < len(pieces):
                out.append(Text(f"+{len(pieces) - len(shown)} more".ljust(width), "grey62"))
        return out + blank[len(out):]

    def on_click(self, event) -> None:
        weeks, width, lines = self._geometry()
        row, column = (event.y - 1) // lines, event.x // width
        if event.y >= 1 and 0 <= row < len(weeks) and 0 <= column < 7:
            self.post_message(self.Picked(weeks[row][column]))
