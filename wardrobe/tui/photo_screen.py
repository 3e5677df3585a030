"""One item's photo at the full size of the terminal, with what the classifier said about it."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from wardrobe.domain import ATTRIBUTES, CATEGORIES, Prediction, slot_confidence, slot_of
from wardrobe.tui.dialogs import ask_relabel, ask_tags
from wardrobe.tui.photo import Photo


def predictions_text(item) -> str:
    """Category (yours or predicted), slot, unsure or not, and the classifier's top 3, one per line."""
    prediction = Prediction(tuple(item.probabilities))
    mine = " (your label)" if item.user_label is not None else ""
    lines = [f"[b]{escape(item.name)}[/b]", f"{item.category}{mine}, slot: {slot_of(item.label)}"]
    if item.unsure:
        lines.append(f"[b red]unsure[/b red] (slot {slot_confidence(item.probabilities):.0%} sure)")
    lines.append("classifier's top 3:")
    lines += [f" {CATEGORIES[i]:<12} {p:>4.0%}" for i, p in prediction.top(3)]
    return "\n".join(lines)


def attributes_text(item) -> str:
    """Kind, pattern, material and main colour, one per line; * marks the user's tags, ? what the app cannot tell."""
    effective = {"kind": item.kind, "pattern": item.pattern, "material": item.material, "colour": item.main_colour}
    return "\n".join(f"{a + ':':<10}{effective[a] or '?'}{'*' if a in item.user_attributes else ''}" for a in ATTRIBUTES)


class PhotoScreen(Screen):
    """Opened with enter on a closet item; ← → (or k j) go to the previous and next item of the closet's list; esc
    goes back."""

    BINDINGS = [Binding("escape,backspace", "app.pop_screen", "Back"), Binding("r", "relabel", "Relabel"),
                Binding("t", "tag", "Tag"), Binding("left,k", "step(-1)", "Previous"),
                Binding("right,j", "step(1)", "Next")]

    def __init__(self, item, order: list[int] | None = None):
        super().__init__()
        self.item = item
        self.order = order or [item.id]  # the item ids in the order the closet lists them

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Photo(id="photo-large")
            with Vertical(id="photo-side"):
                yield Static("", id="photo-details")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        item, wardrobe = self.item, self.app.wardrobe
        self.query_one(Photo).show(wardrobe.photo_file(item) or wardrobe.thumbnail_file(item))
        colours = ", ".join(item.colours) or "-"
        self.query_one("#photo-details", Static).update(
            f"[b]#{item.id}[/b] {escape(item.original_name)}\n\n{predictions_text(item)}\n\n{attributes_text(item)}\n"
            f"colours:  {colours}\nstate:    {item.state}")

    def action_step(self, step: int) -> None:
        """The previous or next item of the list (around its ends); one removed meanwhile is passed over."""
        if self.item.id not in self.order or len(self.order) < 2:
            return
        at = self.order.index(self.item.id)
        for k in range(1, len(self.order)):
            try:
                self.item = self.app.wardrobe.item(self.order[(at + step * k) % len(self.order)])
            except Exception:  # noqa: BLE001  removed from another terminal: try the one after
                continue
            self.show()
            return

    def again(self) -> None:
        self.item = self.app.wardrobe.item(self.item.id)
        self.show()

    def action_relabel(self) -> None:
        ask_relabel(self, self.item, self.again)

    def action_tag(self) -> None:
        ask_tags(self, self.item, self.again)
