"""One item's photo at the full size of the terminal, with what the classifier said about it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from wardrobe.domain import CATEGORIES, Prediction, slot_confidence, slot_of
from wardrobe.tui.dialogs import ask_relabel
from wardrobe.tui.photo import Photo


def predictions_text(item) -> str:
    """Category (yours or predicted), slot, unsure or not, and the classifier's top 3, one per line."""
    prediction = Prediction(tuple(item.probabilities))
    mine = " (your label)" if item.user_label is not None else ""
    lines = [f"[b]{item.category}[/b]{mine}", f"slot: {slot_of(item.label)}"]
    if item.unsure:
        lines.append(f"[b red]unsure[/b red] (slot {slot_confidence(item.probabilities):.0%} sure)")
    lines.append("classifier's top 3:")
    lines += [f" {CATEGORIES[i]:<12} {p:>4.0%}" for i, p in prediction.top(3)]
    return "\n".join(lines)


class PhotoScreen(Screen):
    """Opened with enter on a closet item; esc goes back."""

    BINDINGS = [Binding("escape,backspace", "app.pop_screen", "Back"), Binding("r", "relabel", "Relabel")]

    def __init__(self, item):
        super().__init__()
        self.item = item

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
            f"[b]#{item.id}[/b] {item.original_name}\n\n{predictions_text(item)}\n\ncolours: {colours}\nstate: {item.state}")

    def action_relabel(self) -> None:
        def relabelled() -> None:
            self.item = self.app.wardrobe.item(self.item.id)
            self.show()

        ask_relabel(self, self.item, relabelled)
