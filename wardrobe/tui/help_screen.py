"""The ? screen: every key of every screen, read from their bindings so it cannot fall behind them."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wardrobe.tui.keys import CATEGORY_LETTERS

NAMES = {"question_mark": "?", "escape": "esc", "delete": "del", "enter": "enter", "space": "space", "backspace": "⌫",
         "left_square_bracket": "[", "right_square_bracket": "]", "full_stop": ".", "slash": "/"}


def key_lines(bindings: list[Binding]) -> list[str]:
    """One line per action; keys that do the same (0-9, a-m) are shown as a range."""
    lines: list[str] = []
    grouped: dict[str, list[str]] = {}
    for binding in bindings:
        binding = binding if isinstance(binding, Binding) else Binding(*binding)
        keys = "/".join(NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))
        if binding.description not in grouped:
            grouped[binding.description] = []
            lines.append(binding.description)
        grouped[binding.description].append(keys)
    out = []
    for description in lines:
        keys = grouped[description]
        shown = f"{keys[0]}-{keys[-1]}" if len(keys) > 2 else "/".join(keys)
        out.append(f"[b]{escape(f'{shown:>5}')}[/b] {description}")
    return out


def columns(everywhere: list) -> list[list[tuple[str, list[str]]]]:
    """The sections, in three columns of about the same height (24 lines hold them); `everywhere` are the app's
    own bindings (passed in: this module is below the app and never imports it)."""
    from wardrobe.tui.add_screen import AddPhotos
    from wardrobe.tui.closet_screen import ClosetScreen
    from wardrobe.tui.dialogs import PickCategory
    from wardrobe.tui.history_screen import HistoryScreen
    from wardrobe.tui.outfits_screen import OutfitScreen
    from wardrobe.tui.photo_screen import PhotoScreen
    from wardrobe.tui.review_screen import ReviewScreen

    review = key_lines(ReviewScreen.BINDINGS)
    return [
        [("Everywhere", key_lines(everywhere)), ("Add photos (a)", key_lines(AddPhotos.BINDINGS)),
         ("Photo (enter in closet)", key_lines(PhotoScreen.BINDINGS))],
        [("Outfits (o)", key_lines(OutfitScreen.BINDINGS)), ("Closet (c)", key_lines(ClosetScreen.BINDINGS))],
        [(f"Review (e); {CATEGORY_LETTERS[0]}-{CATEGORY_LETTERS[-1]} as listed", review),
         ("Relabel dialog (r)", key_lines(PickCategory.BINDINGS)), ("History (h)", key_lines(HistoryScreen.BINDINGS))],
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]

    def __init__(self, everywhere: list) -> None:
        super().__init__()
        self.everywhere = everywhere

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as box:
            box.border_title = "[b]Keys[/b]  (esc closes)"  # in the border: 24 lines hold every section
            with Horizontal(id="help-columns"):
                for column in columns(self.everywhere):
                    yield Static("\n\n".join(f"[u]{title}[/u]\n" + "\n".join(lines) for title, lines in column),
                                 classes="help-column")
