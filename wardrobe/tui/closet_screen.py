"""The closet screen: every item in a table, filters, the selected photo, relabel, tag, laundry, retire, delete."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Label, Static

from wardrobe.domain import CATEGORIES
from wardrobe.tui.data_screen import DataScreen
from wardrobe.tui.dialogs import Confirm, PickAttributes, ask_relabel, ask_tags
from wardrobe.tui.photo import Photo
from wardrobe.tui.photo_screen import PhotoScreen, predictions_text
from wardrobe.tui.top_bar import TopBar

STATE_FILTERS = (None, "active", "laundry", "retired")
EMPTY = "Your closet is empty. Press a to add photos, or run `wardrobe add PATH` in a shell."


def category_cell(item) -> str:
    return item.category + ("*" if item.user_label is not None else "?" if item.unsure else "")


def confidence_cell(item) -> str:
    return "yours" if item.user_label is not None else f"{item.confidence:.0%}"


class ClosetScreen(DataScreen):
    BINDINGS = [
        Binding("enter", "open_photo", "Photo", show=False),
        Binding("f", "pick_category", "Category"),
        Binding("v", "cycle_state", "State"),
        Binding("slash", "pick_attributes", "Find"),
        Binding("r", "relabel", "Relabel"),
        Binding("T", "tag", "Tag", show=False),  # the footer has no room at 80 columns: ? lists them
        Binding("L", "laundry", "Laundry"),
        Binding("x", "retire", "Retire"),
        Binding("delete", "delete", "Delete", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.category: int | None = None
        self.state_filter: str | None = None
        self.attributes: dict[str, str] = {}  # kind, pattern, material, colour the items must have
        self.items: dict[int, object] = {}

    def compose(self) -> ComposeResult:
        yield TopBar("closet")
        yield Static(EMPTY, id="closet-empty")
        with Horizontal(id="closet-body"):
            yield DataTable(id="closet-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="closet-side"):
                yield Photo(id="closet-photo")
                yield Static("", id="closet-details")
        yield Label("", id="closet-filter")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("id", key="id")
        table.add_column("category", key="category")
        table.add_column("state", key="state")
        table.add_column("conf", key="conf")
        self.reload()

    def on_resize(self) -> None:
        self.reload()

    def name_column(self, table: DataTable, items: list) -> None:
        """The last column, the item's name, takes the width the others leave (the side panel has 30%, at least 26
        columns); a longer name ends in an ellipsis (rows stay one line, and nothing scrolls sideways)."""
        others = [("id", [str(i.id) for i in items]), ("category", [category_cell(i) for i in items]),
                  ("state", [i.state for i in items]), ("conf", [confidence_cell(i) for i in items])]
        used = sum(2 + max(len(header), *map(len, cells or [""])) for header, cells in others) + 2  # cell padding
        scrolls = len(items) + 1 > self.size.height - 3  # the table's rows and header, in its height
        width = max(8, self.size.width - max(26, int(self.size.width * 0.3)) - used - 2 * scrolls)
        if "name" in table.columns:
            if table.columns["name"].width == width:
                return
            table.remove_column("name")
        table.add_column("name", width=width, key="name")

    def reload(self, keep: int | None = None) -> None:
        """Re-read the items; the cursor stays on `keep`, else on the item it was on."""
        table = self.query_one(DataTable)
        if keep is None and (current := self.selected()) is not None:
            keep = current.id
        table.clear()
        items = self.read("closet", lambda: self.app.wardrobe.items(label=self.category, state=self.state_filter,
                                                                          user=self.app.stylist.user,
                                                                          attributes=self.attributes), [])
        self.name_column(table, items)
        self.items = {item.id: item for item in items}
        for item in items:
            style = "bold red" if item.unsure else "none"
            table.add_row(str(item.id), Text(category_cell(item), style=style, justify="left"), item.state,
                          confidence_cell(item), Text(item.name, no_wrap=True, overflow="ellipsis"), key=str(item.id))
        ids = [item.id for item in items]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False, scroll=True)
        filtered = self.category is not None or self.state_filter is not None or bool(self.attributes)
        empty = self.query_one("#closet-empty", Static)
        empty.display = not items
        empty.update("No item matches these filters: f, v and / change them." if filtered else EMPTY)
        self.query_one("#closet-body").display = bool(items)
        what = CATEGORIES[self.category] if self.category is not None else "every category"
        named = " ".join(self.attributes[a] for a in ("colour", "pattern", "material", "kind") if a in self.attributes)
        self.query_one("#closet-filter", Label).update(
            f"{len(items)} items: {what}, {self.state_filter or 'any state'}" + (f", {named}" if named else "")
            + "  (? unsure, * your label; enter: photo)")
        self.show_selected()

    def selected(self):
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(int(key))

    def show_selected(self) -> None:
        item = self.selected()
        photo = self.query_one("#closet-photo", Photo)
        details = self.query_one("#closet-details", Static)
        if item is None:
            photo.show(None)
            details.update("")
            return
        photo.show(self.app.wardrobe.thumbnail_file(item))
        details.update(f"#{item.id} {item.original_name}\n" + predictions_text(item))

    def on_data_table_row_highlighted(self, _event) -> None:
        self.show_selected()

    def on_data_table_row_selected(self, _event) -> None:
        self.action_open_photo()

    def action_open_photo(self) -> None:
        item = self.selected()
        if item is not None:
            table = self.query_one(DataTable)
            order = [int(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]
            self.app.push_screen(PhotoScreen(item, order))

    def action_pick_category(self) -> None:
        from wardrobe.tui.dialogs import ALL_CATEGORIES, PickFilter

        def chosen(label: int | None) -> None:
            if label is not None:
                self.category = None if label == ALL_CATEGORIES else label
                self.reload()

        self.app.push_screen(PickFilter(self.category), chosen)

    def action_pick_attributes(self) -> None:
        def chosen(values: dict | None) -> None:
            if values is not None:
                self.attributes = {a: v for a, v in values.items() if v}
                self.reload()

        blank = {a: "any" for a in ("kind", "pattern", "material", "colour")}
        self.app.push_screen(PickAttributes("Show the closet's items that are:", self.attributes, blank, save="Show",
                                            label=self.category), chosen)

    def action_tag(self) -> None:
        item = self.selected()
        if item is not None:
            ask_tags(self, item, lambda: self.reload(keep=item.id))

    def action_cycle_state(self) -> None:
        self.state_filter = STATE_FILTERS[(STATE_FILTERS.index(self.state_filter) + 1) % len(STATE_FILTERS)]
        self.reload()

    def action_relabel(self) -> None:
        item = self.selected()
        if item is not None:
            ask_relabel(self, item, lambda: self.reload(keep=item.id))

    def _set_state(self, state: str) -> None:
        from wardrobe.services.stylist import set_state

        item = self.selected()
        if item is not None:
            self.change(f"set to {state}", lambda: set_state(self.app.wardrobe, [item.id], state))
            self.reload(keep=item.id)

    def action_laundry(self) -> None:
        item = self.selected()
        if item is not None:
            self._set_state("active" if item.state == "laundry" else "laundry")

    def action_retire(self) -> None:
        item = self.selected()
        if item is not None:
            self._set_state("active" if item.state == "retired" else "retired")

    def action_delete(self) -> None:
        item = self.selected()
        if item is None:
            return

        def done(yes: bool) -> None:
            if yes and self.change("deleted", lambda: self.app.wardrobe.remove(item.id)):
                self.notify(f"deleted #{item.id}")
            self.reload()

        self.app.push_screen(Confirm(f"Delete item #{item.id} ({item.category}) and its photo?"), done)

