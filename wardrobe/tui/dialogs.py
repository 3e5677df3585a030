"""Modal dialogs that return a value: confirm, pick a category for an item, tag what it is, name a user, name an
occasion."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Select

from wardrobe.domain import ATTRIBUTE_VALUES, ATTRIBUTES, CATEGORIES, kind_fits
from wardrobe.tui.keys import category_from_digits
from wardrobe.tui.photo import Photo
from wardrobe.tui.text import middle


class Confirm(ModalScreen[bool]):
    BINDINGS = [("y", "answer(True)", "Yes"), ("n,escape", "answer(False)", "No")]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question)
            yield Label("[b]y[/b] yes   [b]n[/b] no", classes="hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class PickCategory(ModalScreen[int | None]):
    """Relabel one item: its photo and name, the categories by number; a number key chooses, as in the CLI."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")] + [
        Binding(str(d), f"digit('{d}')", "Category by number", show=False) for d in range(10)]

    def __init__(self, item, photo: Path | None = None):
        super().__init__()
        self.item, self.photo = item, photo
        self.typed = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="relabel-dialog"):
            yield Label(self.title_for(60), id="relabel-title")
            with Horizontal(id="relabel-body"):
                yield Photo(self.photo, id="relabel-photo")
                yield OptionList(*[Text(f"{i:>2}  {name}") for i, name in enumerate(CATEGORIES)], id="categories")
            yield Label("type its number (1 then enter: Trouser), or ↑↓ enter; esc cancels", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.item.label
        self.call_after_refresh(self.fit_name)

    def title_for(self, width: int) -> str:
        """'Relabel #ID NAME, now CATEGORY, as:' in `width` columns: the file name gives way in its middle."""
        rest = f", now {self.item.category}, as:"
        room = max(width - len(f"Relabel #{self.item.id} ") - len(rest), 8)
        return (f"Relabel #{self.item.id} {escape(middle(self.item.original_name, room))}, "
                f"now [b]{self.item.category}[/b], as:")

    def fit_name(self) -> None:
        """The title at the dialog's width (which grows with the terminal)."""
        label = self.query_one("#relabel-title", Label)
        if label.size.width:
            label.update(self.title_for(label.size.width))

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_name)

    def action_digit(self, character: str) -> None:
        label, final = category_from_digits(self.typed + character)
        if label is None:  # "13" is no category: start again from the new digit
            self.typed = ""
            label, final = category_from_digits(character)
        if final:
            self.dismiss(label)
            return
        self.typed += character
        self.query_one(OptionList).highlighted = label

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


ALL_CATEGORIES = -1  # what PickFilter answers for "every category"


class PickFilter(ModalScreen[int | None]):
    """Show only one category in the closet (or every one): the 13 categories and "all", picked by arrows or a
    number, as in the relabel dialog; esc keeps the filter as it was."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: int | None):
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Label("Show the closet's items of category:")
            yield OptionList(Text("all categories"), *[Text(f"{i:>2}  {name}") for i, name in enumerate(CATEGORIES)],
                             id="filter-categories")
            yield Label("↑↓ enter chooses; esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0 if self.current is None else self.current + 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ALL_CATEGORIES if event.option_index == 0 else event.option_index - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickAttributes(ModalScreen[dict | None]):
    """A Select per attribute (kind, pattern, material, colour); answers {attribute: name or None (the blank
    choice)}, or None when cancelled. The item view tags with it, the closet filters with it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, title: str, chosen: dict[str, str], blank: dict[str, str], save: str = "Save",
                 label: int | None = None):
        super().__init__()
        self.title_text, self.chosen, self.blank, self.save_text = title, chosen, blank, save
        self.label = label  # the category whose kinds are offered (None: every kind)

    def names(self, attribute: str) -> tuple[str, ...]:
        names = ATTRIBUTE_VALUES[attribute]
        return tuple(n for n in names if attribute != "kind" or self.label is None or kind_fits(n, self.label))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="attributes-dialog"):
            yield Label(self.title_text, id="attributes-title")
            for attribute in ATTRIBUTES:
                names = self.names(attribute)
                with Horizontal(classes="attribute-row"):
                    yield Label(attribute, classes="attribute-name")
                    yield Select([(n, n) for n in names], prompt=self.blank[attribute], compact=True,
                                 value=self.chosen.get(attribute) or Select.NULL, id=f"attribute-{attribute}",
                                 disabled=not names)
            with Horizontal(id="attributes-buttons"):
                yield Button(self.save_text, variant="primary", id="attributes-save", compact=True)
                yield Button("Cancel", id="attributes-cancel", compact=True)
            yield Label(f"tab moves, enter chooses, ctrl+s {self.save_text.lower()}s, esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#attribute-kind" if self.names("kind") else "#attribute-pattern", Select).focus()

    def values(self) -> dict[str, str | None]:
        out = {}
        for attribute in ATTRIBUTES:
            value = self.query_one(f"#attribute-{attribute}", Select).value
            out[attribute] = value if isinstance(value, str) else None
        return out

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.values() if event.button.id == "attributes-save" else None)

    def action_save(self) -> None:
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskUser(ModalScreen[str | None]):
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, names: list[str]):
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Switch to user (a new name creates one):")
            yield Label(", ".join(self.names) or "no users yet", classes="hint")
            yield Input(placeholder="name", id="user")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskOccasion(ModalScreen[str | None]):
    """What the outfits are for: a name of one's own, the ones used before offered as one types; empty: none."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, used: list[str], current: str | None):
        super().__init__()
        self.used, self.current = used, current

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        with Vertical(classes="dialog"):
            yield Label("Outfits for which occasion? (empty: none)")
            yield Label("used before: " + (", ".join(escape(name) for name in self.used) or "none yet"), classes="hint")
            yield Input(value=self.current or "", placeholder="work, weekend, party...", id="occasion",
                        suggester=SuggestFromList(self.used, case_sensitive=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_relabel(screen: Screen, item, then) -> None:
    """Ask for the item's category in the relabel dialog, store it as `wardrobe relabel` does, then call `then`."""

    def done(label: int | None) -> None:
        if label is None:
            return
        try:
            screen.app.wardrobe.relabel(item.id, label)
        except Exception as exc:  # noqa: BLE001  e.g. removed meanwhile from another terminal
            screen.notify(f"not relabelled: {exc}", severity="error")
            return
        screen.notify(f"#{item.id} is now {CATEGORIES[label]}")
        then()

    screen.app.push_screen(PickCategory(item, screen.app.wardrobe.thumbnail_file(item)), done)


def ask_tags(screen: Screen, item, then) -> None:
    """Tag the item's kind, pattern, material and colour in the attributes dialog (a blank choice: what the app read),
    store them as `wardrobe tag` does, then call `then`."""
    read = dict(item.attributes)
    read.setdefault("colour", item.colours[0] if item.colours else None)
    blank = {a: f"{read.get(a) or '?'} (as read)" for a in ATTRIBUTES}

    def done(values: dict | None) -> None:
        if values is None:
            return
        try:
            tagged = screen.app.wardrobe.tag(item.id, {a: v for a, v in values.items() if v},
                                             [a for a, v in values.items() if not v])
        except Exception as exc:  # noqa: BLE001  e.g. removed meanwhile from another terminal
            screen.notify(f"not tagged: {exc}", severity="error")
            return
        screen.notify(f"#{item.id} is now the {tagged.name}")
        then()

    title = f"Tag #{item.id}, the [b]{escape(item.name)}[/b] ({item.category}): what is it?"
    screen.app.push_screen(PickAttributes(title, item.user_attributes, blank, label=item.label), done)
