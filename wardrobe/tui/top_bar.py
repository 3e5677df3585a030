"""The line at the top of every main screen: the screens and their keys, the current one marked, and the user."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

SCREENS = (("o", "Outfits", "outfits"), ("c", "Closet", "closet"), ("h", "History", "history"), ("t", "Stats", "stats"))
ACTIONS = (("a", "Add"), ("e", "Review"))


class TopBar(Static):
    """Replaces Textual's header: at 80 columns it has room to say where each key leads."""

    DEFAULT_CSS = "TopBar { height: 1; background: $panel; }"

    def __init__(self, here: str, **kwargs):
        super().__init__(**kwargs)
        self.here = here

    def on_mount(self) -> None:
        self.watch(self.app, "user_name", lambda _name: self.refresh(), init=False)

    def render(self) -> Table:
        places = Text(" ")
        for key, name, mode in SCREENS:
            style = "reverse bold" if mode == self.here else ""
            places.append(f" {key} {name} ", style)
        places.append("  ")
        for key, name in ACTIONS:
            places.append(f" {key} {name} ")
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True, overflow="crop", ratio=1)
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis", max_width=24)
        grid.add_row(places, Text(f"u user: {self.app.user_name} "))
        return grid
