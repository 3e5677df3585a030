"""The outfit screen: today's proposal piece by piece; like, dislike, skip or wear it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from wardrobe.domain import CATEGORIES
from wardrobe.tui.photo import photo_widget


class PieceCard(Vertical):
    """One piece of the outfit: photo, category, colours."""

    def __init__(self, item, photo_path, graphics=None):
        super().__init__(classes="piece")
        self.item, self.photo_path, self.graphics = item, photo_path, graphics

    def compose(self) -> ComposeResult:
        yield photo_widget(self.photo_path, self.graphics, classes="photo")
        yield Label(CATEGORIES[self.item.label], classes="category")
        yield Label(f"#{self.item.id}", classes="colours")
        yield Label(", ".join(self.item.colours) or "-", classes="colours")


class OutfitScreen(Screen):
    BINDINGS = [
        Binding("l", "rate(True)", "Like"),
        Binding("d", "rate(False)", "Dislike"),
        Binding("s", "skip", "Skip"),
        Binding("w", "wore", "Wore it"),
    ]

    def __init__(self):
        super().__init__()
        self.queue: list = []
        self.current = None
        self.fetching = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Looking for an outfit...", id="outfit-title")
        yield Horizontal(id="pieces")
        yield Static("", id="outfit-status")
        yield Footer()

    def on_screen_resume(self) -> None:
        if self.current is None:
            self.refill()

    def refill(self) -> None:
        """Ask for more proposals in the background, unless a request is already on its way."""
        if not self.fetching:
            self.fetching = True
            self.fetch(self.app.stylist)

    @work(thread=True, group="suggest")
    def fetch(self, stylist) -> None:
        from wardrobe.services.outfits import CannotDress, TasteDamaged

        try:
            proposals = stylist.suggest(5)
        except (CannotDress, TasteDamaged) as exc:
            self.app.call_from_thread(self.show_message, str(exc) + ". Add photos with `wardrobe add`.")
            proposals = []
        self.app.call_from_thread(self.receive, proposals, stylist)

    def receive(self, proposals: list, stylist=None) -> None:
        self.fetching = False
        if stylist is not None and stylist is not self.app.stylist:
            self.refill()  # those were for the user we just switched away from
            return
        if not proposals:
            return  # the closet cannot dress yet: the message says why; no retry loop
        self.queue.extend(proposals)
        if self.current is None:
            self.advance()

    def show_message(self, text: str) -> None:
        self.query_one("#outfit-title", Static).update(text)

    def advance(self) -> None:
        """Show the next proposal at once; fetch more in the background when the queue runs low."""
        self.current = self.queue.pop(0) if self.queue else None
        pieces = self.query_one("#pieces", Horizontal)
        pieces.remove_children()
        if self.current is None:
            self.show_message("Looking for an outfit...")
        else:
            p = self.current
            explore = "  [i](something new)[/i]" if p.explore else ""
            self.show_message(f"Outfit {p.id} for {self.app.stylist.user}: {p.probability:.0%} you'll like it{explore}")
            wardrobe = self.app.wardrobe
            pieces.mount_all(PieceCard(item, wardrobe.thumbnail_file(item), self.app.graphics) for item in p.items)
        if len(self.queue) < 2:
            self.refill()

    def action_rate(self, like: bool) -> None:
        if self.current is None:
            return
        outfit = self.current
        self.save_rating(outfit.id, like)
        self.query_one("#outfit-status", Static).update(f"{'Liked' if like else 'Disliked'} outfit {outfit.id}")
        self.advance()

    @work(thread=True, group="rate", exit_on_error=False)
    def save_rating(self, outfit_id: int, like: bool) -> None:
        # Ratings may overlap (l then d quickly): the store reads, learns and writes each in one transaction.
        try:
            self.app.stylist.rate(outfit_id, like)
        except Exception as exc:  # noqa: BLE001  a failed rating is a notice, never the end of the app
            self.app.call_from_thread(self.app.notify, f"rating not saved: {exc}", severity="error")

    def action_skip(self) -> None:
        if self.current is not None:
            self.query_one("#outfit-status", Static).update(f"Skipped outfit {self.current.id}")
            self.advance()

    def action_wore(self) -> None:
        if self.current is None:
            return
        ids = [item.id for item in self.current.items]
        try:
            self.app.stylist.wear(ids)
        except Exception as exc:  # noqa: BLE001  e.g. an item removed meanwhile from another terminal
            self.app.notify(f"not logged: {exc}", severity="error")
            return
        self.query_one("#outfit-status", Static).update(f"Logged: you wore {', '.join(map(str, ids))} today")
