"""History: what was liked, disliked and worn, piece by piece, with the photos of the selected line when there is room."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Label, Static

from wardrobe.tui.data_screen import DataScreen
from wardrobe.tui.layout import by_slot
from wardrobe.tui.photo import Photo
from wardrobe.tui.top_bar import TopBar

PHOTOS_FROM_HEIGHT = 20  # below this many lines the table needs all of them


def piece_name(item) -> str:
    """How a piece is named on screen: its main colour and category, e.g. "navy Trouser"."""
    if item is None:
        return "(removed)"
    return f"{item.colours[0]} {item.category}" if item.colours else item.category


class HistoryScreen(DataScreen):
    def compose(self) -> ComposeResult:
        yield TopBar("history")
        yield Static("", id="history-empty")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Horizontal(id="history-photos")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("when", key="when")
        table.add_column("what", key="what")
        self.reload()

    def reload(self) -> None:
        from wardrobe.services.ratings_history import history

        self.events = self.read("history", lambda: history(self.app.stylist), [])
        self.fill_table()
        empty = self.query_one("#history-empty", Static)
        empty.display = not self.events
        empty.update(f"No history for {self.app.stylist.user} yet: rate outfits (l, d) and log what you wear (w) "
                     "on the outfit screen (o).")
        self.on_resize()

    def fill_table(self) -> None:
        """One row per event; the pieces column takes the width left and wraps, so no name is cut off."""
        table = self.query_one(DataTable)
        table.clear()
        if "pieces" in table.columns:
            table.remove_column("pieces")
        width = max(20, self.size.width - 28)  # when (11), what (8), cell padding and the scroll bar
        table.add_column("pieces", width=width, key="pieces")
        for n, event in enumerate(self.events):
            pieces = Text(", ".join(piece_name(item) for item in by_slot_or_keep(event.items)))
            table.add_row(f"{event.when:%m-%d %H:%M}", event.what, pieces, key=str(n), height=None)

    def on_resize(self) -> None:
        self.fill_table()
        self.query_one("#history-photos").display = bool(self.events) and self.size.height >= PHOTOS_FROM_HEIGHT
        self.show_photos()

    def on_data_table_row_highlighted(self, _event) -> None:
        self.show_photos()

    def show_photos(self) -> None:
        strip = self.query_one("#history-photos", Horizontal)
        if not strip.display:
            return
        table = self.query_one(DataTable)
        strip.remove_children()
        if not table.row_count:
            return
        event = self.events[table.cursor_row]
        wardrobe = self.app.wardrobe
        for item in by_slot_or_keep(event.items):
            card = Vertical(classes="history-piece")
            strip.mount(card)
            card.mount(Photo(wardrobe.thumbnail_file(item) if item else None, classes="history-photo"),
                       Label(piece_name(item), classes="history-name"))


def by_slot_or_keep(items: list) -> list:
    """Pieces in slot order; pieces removed since (None) go last."""
    return by_slot([i for i in items if i is not None]) + [None] * sum(i is None for i in items)
