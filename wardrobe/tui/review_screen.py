"""The review flow: unsure items one at a time, photo large; a key accepts a candidate or picks any category."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from wardrobe.domain import CATEGORIES, Prediction, slot_of
from wardrobe.tui.keys import CATEGORY_LETTERS
from wardrobe.tui.photo import Photo

CANDIDATES = 3


class ReviewScreen(Screen):
    """Each answer is stored with the service `wardrobe relabel` uses, so `retrain --classifier` learns from it."""

    BINDINGS = [
        Binding("enter", "candidate(0)", "Accept the 1st"),
        Binding("1", "candidate(0)", "The 1st candidate", show=False),
        Binding("2", "candidate(1)", "The 2nd candidate", show=False),
        Binding("3", "candidate(2)", "The 3rd candidate", show=False),
        *[Binding(letter, f"choose({n})", "Category by letter", show=False) for n, letter in enumerate(CATEGORY_LETTERS)],
        Binding("space", "later", "Later"),
        Binding("escape", "app.pop_screen", "Done"),
    ]

    def __init__(self, item_ids: list[int]):
        super().__init__()
        self.pending = list(item_ids)
        self.item = None
        self.reviewed = 0
        self.put_off = 0  # left unsure for later (space)

    def compose(self) -> ComposeResult:
        yield Static("", id="review-title")
        with Horizontal():
            yield Photo(id="review-photo")
            with Vertical(id="review-side"):
                yield Static("", id="review-candidates")
                yield Static("", id="review-all")
        yield Footer()

    def on_mount(self) -> None:
        self.next_item()

    def next_item(self) -> None:
        """Show the next item that is still unsure (another terminal may have labelled or removed some)."""
        wardrobe = self.app.wardrobe
        while self.pending:
            try:
                item = wardrobe.item(self.pending[0])
            except Exception:  # noqa: BLE001  removed meanwhile: nothing to review
                item = None
            if item is not None and item.unsure:
                break
            self.pending.pop(0)
        if not self.pending:
            self.app.pop_screen()
            later = f", {self.put_off} left for later" if self.put_off else ""
            self.app.notify(f"review done: {self.reviewed} labelled{later}" if self.reviewed or self.put_off
                            else "nothing left to review")
            return
        self.item = item
        left = len(self.pending)
        self.query_one("#review-title", Static).update(
            f"[b]Review[/b]: {left} unsure item{'s' if left != 1 else ''} left  ·  #{item.id} {item.original_name}")
        self.query_one(Photo).show(wardrobe.photo_file(item) or wardrobe.thumbnail_file(item))
        self.query_one("#review-candidates", Static).update("\n".join(
            ["[b]What is it?[/b]"] +
            [f"[b]{n + 1}[/b] {CATEGORIES[i]:<12} {p:>4.0%} {slot_of(i)}" for n, (i, p) in enumerate(self.candidates())]))
        self.query_one("#review-all", Static).update("[b]Or any category:[/b]\n" + "\n".join(
            f"[b]{letter}[/b] {name}" for letter, name in zip(CATEGORY_LETTERS, CATEGORIES)))

    def candidates(self) -> list[tuple[int, float]]:
        return Prediction(tuple(self.item.probabilities)).top(CANDIDATES)

    def action_candidate(self, rank: int) -> None:
        if self.item is not None:
            self.action_choose(self.candidates()[rank][0])

    def action_choose(self, label: int) -> None:
        if self.item is None:
            return
        try:
            self.app.wardrobe.relabel(self.item.id, label)
        except Exception as exc:  # noqa: BLE001  e.g. removed meanwhile, or a read-only home
            self.notify(f"not relabelled: {exc}", severity="error")
        else:
            self.reviewed += 1
            self.notify(f"#{self.item.id} is {CATEGORIES[label]}", timeout=2)
        self.pending.pop(0)
        self.next_item()

    def action_later(self) -> None:
        """Leave this item unsure for now; it stays in `wardrobe list --unsure`."""
        if self.pending:
            self.pending.pop(0)
            self.put_off += 1
            self.next_item()
