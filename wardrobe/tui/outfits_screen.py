"""The outfit screen: today's proposal piece by piece, photos as large as fit; like, dislike, skip or wear it."""

from __future__ import annotations

import gc

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from wardrobe.domain import slot_of
from wardrobe.tui.layout import best_columns, by_slot
from wardrobe.tui.photo import Photo, half_blocks, load_photo, photo_widget
from wardrobe.tui.top_bar import TopBar

ADD_HINT = "Press a to add photos (or run `wardrobe add PATH`)."


CARD_TITLES = {"accessory": "hat", "footwear": "shoes"}  # slots named as a card's title, short enough for 80 columns


def card_title(label: int) -> str:
    slot = slot_of(label)
    return CARD_TITLES.get(slot, slot)


class PieceCard(Vertical):
    """One piece of the outfit in a card titled with its slot: the photo, and right under it the piece's name (two
    lines, so that "navy striped long-sleeve top" fits), its id and colours."""

    def __init__(self, item, photo_path, graphics=None):
        super().__init__(classes="piece")
        self.item, self.photo_path, self.graphics = item, photo_path, graphics
        self.border_title = card_title(item.label)

    def compose(self) -> ComposeResult:
        if self.graphics is None:
            yield Photo(self.photo_path, anchor_bottom=True, classes="photo")
        else:
            yield photo_widget(self.photo_path, self.graphics, classes="photo")
        yield Label(self.name_text(), classes="category")
        yield Label(self.more_text(), classes="colours")

    def name_text(self) -> str:
        return f"[b]{escape(self.item.name)}[/b]"

    def more_text(self) -> str:
        return f"[dim]#{self.item.id}[/dim] {', '.join(self.item.colours)}"

    def show(self, item, photo_path) -> bool:
        """Show another piece in this card, in place (no new widgets, no new layout); False where it cannot."""
        found = self.query(".photo")  # empty in a card mounted a moment ago: it is not composed yet
        if not found or not isinstance(found.first(), Photo):
            return False  # a graphics-protocol image is drawn once, for one photo
        photo = found.first()
        self.item, self.photo_path = item, photo_path
        self.border_title = card_title(item.label)
        photo.show(photo_path)
        self.query_one(".category", Label).update(self.name_text())
        self.query_one(".colours", Label).update(self.more_text())
        return True


def why_line(proposal) -> str:
    """What the taste model liked about it; EXPLORING for an exploration pick the engine gave no reason for."""
    from wardrobe.outfits.explain import EXPLORING

    return proposal.why or (EXPLORING if proposal.explore else "")


def day_line(proposal, note: str | None = None) -> str:
    """The day an outfit is for: its weather, its occasion, what the closet lacked; or why there is no weather."""
    parts = [proposal.weather.describe() if proposal.weather else note, proposal.occasion]
    line = " · ".join(escape(p) for p in parts if p)
    return line + (f" — missing: {escape('; '.join(proposal.lacking))}" if proposal.lacking else "")


class OutfitScreen(Screen):
    BINDINGS = [
        Binding("l", "rate(True)", "Like"),
        Binding("d", "rate(False)", "Dislike"),
        Binding("s", "skip", "Skip"),
        Binding("w", "wore", "Wore it"),
        Binding("O", "occasion", "Occasion", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.queue: list = []
        self.current = None
        self.fetching = False
        self.stylist = None  # whose proposals are queued
        self.shown_count = 0  # pieces on screen: cards beyond it are hidden, kept for larger outfits
        self.occasion: str | None = None  # what the outfits are for (O chooses)
        self.weather_note: str | None = None  # why the outfits come without the forecast, when one was wanted
        self.photo_sizes: dict[int, list[tuple[int, int]]] = {}  # pieces in an outfit -> each photo's size, in order

    def compose(self) -> ComposeResult:
        yield TopBar("outfits")
        yield Static("Looking for an outfit...", id="outfit-title")
        yield Static("", id="outfit-day")
        yield Static("", id="outfit-why")
        yield Container(id="pieces")
        yield Static("", id="outfit-status")
        yield Footer()

    def on_screen_resume(self) -> None:
        if self.stylist is not self.app.stylist:
            self.catch_up()
        elif self.current is None:
            self.refill()

    def catch_up(self) -> None:
        """Start again for the app's current user (after a user switch, or photos added)."""
        if self.stylist is not None and self.stylist.user != self.app.stylist.user:
            self.query_one("#outfit-status", Static).update("")  # the last user's action is not this one's
        self.stylist = self.app.stylist
        self.queue.clear()
        self.current = None
        self.refill()

    def refill(self) -> None:
        """Ask for more proposals in the background, unless a request is already on its way."""
        if not self.fetching:
            self.fetching = True
            self.stylist = self.app.stylist
            self.fetch(self.app.stylist)

    @work(thread=True, group="suggest", exit_on_error=False)
    def fetch(self, stylist) -> None:
        from wardrobe.services.stylist import CannotDress, TasteDamaged
        from wardrobe.services.today import day_weather

        try:
            # The configured location's forecast (cached in the home; a failure is not asked again for minutes).
            day = day_weather(self.app.wardrobe.settings)
            self.weather_note = day.note and day.note.split("; proposing")[0]
            proposals = stylist.suggest(5, day.weather, self.occasion)
        except (CannotDress, TasteDamaged) as exc:
            self.app.call_from_thread(self.show_message, f"{exc}. {ADD_HINT}")
            proposals = []
        except Exception as exc:  # noqa: BLE001  e.g. a damaged inventory: said on screen, never a traceback
            self.app.call_from_thread(self.show_message, f"no outfit: {exc}")
            proposals = []
        self.prepare_photos(proposals)
        self.app.call_from_thread(self.receive, proposals, stylist)

    def prepare_photos(self, proposals: list) -> None:
        """In the worker: read the photos and draw each at the size its place had in the last outfit of as many
        pieces (grid cells can differ by a column).

        The key press that shows the next outfit then finds them ready (half blocks are cached by path and size).
        """
        for proposal in proposals:
            sizes = self.photo_sizes.get(len(proposal.items))
            for k, item in enumerate(by_slot(proposal.items)):
                path = self.app.wardrobe.thumbnail_file(item)
                if sizes and k < len(sizes):
                    half_blocks(path, *sizes[k])
                else:
                    load_photo(path)

    def receive(self, proposals: list, stylist=None) -> None:
        self.fetching = False
        if stylist is not None and stylist is not self.app.stylist:
            self.refill()  # those were for the user we just switched away from
            return
        if not proposals:
            return  # the closet cannot dress yet: the message says why; no retry loop
        # What is alive now (the app, cached photos drawn as strips: hundreds of thousands of objects) leaves the
        # cyclic collector's view: a full collection of them stalled a key press by 0.2 s. Refcounting still frees them.
        gc.freeze()
        self.queue.extend(proposals)
        if self.current is None:
            self.advance()

    def show_message(self, text: str, why: str = "") -> None:
        self.query_one("#outfit-title", Static).update(text)
        self.query_one("#outfit-why", Static).update(why)

    def show_day(self, text: str) -> None:
        """The day's line under the title, taking no room when there is nothing to say (no weather, no occasion)."""
        day = self.query_one("#outfit-day", Static)
        day.update(text)
        day.display = bool(text)

    def action_occasion(self) -> None:
        """Choose what the outfits are for; the ones used before are offered. The queue starts again for it."""
        from wardrobe.tui.dialogs import AskOccasion

        def done(name: str | None) -> None:
            if name is None or (name or None) == self.occasion:
                return
            from wardrobe.services.stylist import BadOccasion, check_occasion

            try:
                self.occasion = check_occasion(name)
            except BadOccasion as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"outfits for {self.occasion}" if self.occasion else "outfits for no occasion in particular")
            self.catch_up()

        try:
            used = self.app.stylist.occasions()
        except Exception:  # noqa: BLE001  a closet that cannot be read: the dialog still asks
            used = []
        self.app.push_screen(AskOccasion(used, self.occasion), done)

    def advance(self) -> None:
        """Show the next proposal at once; fetch more in the background when the queue runs low."""
        self.current = self.queue.pop(0) if self.queue else None
        pieces = self.query_one("#pieces", Container)
        if self.current is None:
            pieces.remove_children()
            self.shown_count = 0
            self.show_message("Looking for an outfit...")
            self.show_day("")
        else:
            p = self.current
            self.show_message(f"Outfit {p.id} for {self.app.stylist.user}: {p.probability:.0%} you'll like it",
                              why_line(p))
            self.show_day(day_line(p, self.weather_note))
            self.show_pieces(pieces, by_slot(p.items))
        if len(self.queue) < 2:
            # After this outfit is drawn: the proposals worker would compete with drawing it for the interpreter.
            self.call_after_refresh(self.refill)

    def show_pieces(self, pieces: Container, items: list) -> None:
        """The cards of the last outfit show the new pieces; cards are hidden or added only for a different count.

        Reusing cards keeps the key press that brings the next outfit to redrawing photos and labels: mounting
        new widgets would style and lay out the whole screen again.
        """
        wardrobe = self.app.wardrobe
        cards = list(pieces.query_children(PieceCard))
        if not all(card.show(item, wardrobe.thumbnail_file(item)) for card, item in zip(cards, items)):
            pieces.remove_children()
            cards = []
        for k, card in enumerate(cards):
            card.display = k < len(items)
        if len(cards) < len(items):
            pieces.mount_all(PieceCard(item, wardrobe.thumbnail_file(item), self.app.graphics) for item in items[len(cards):])
        if self.shown_count != len(items):
            self.shown_count = len(items)
            self.place_pieces()
        else:
            self.call_after_refresh(self.remember_photo_size, len(items))

    def place_pieces(self) -> None:
        """Lay the pieces out on the grid that shows their photos largest in the room there is now."""
        pieces = self.query_one("#pieces", Container)
        count = len(self.current.items) if self.current else 1
        width, height = pieces.content_size if pieces.content_size.area else (self.size.width - 2, self.size.height - 6)
        pieces.styles.grid_size_columns = best_columns(count, width, height)
        self.call_after_refresh(self.remember_photo_size, count)

    def remember_photo_size(self, count: int) -> None:
        photos = [photo for card in self.query_one("#pieces").query_children(PieceCard) if card.display
                  for photo in card.query(".photo")]  # a card mounted a moment ago may have no photo yet
        sizes = [(photo.size.width, photo.size.height) for photo in photos if photo.size.area]
        if len(sizes) == count:
            self.photo_sizes[count] = sizes

    def on_resize(self) -> None:
        self.call_after_refresh(self.place_pieces)

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
        names = ", ".join(f"the {item.name}" for item in by_slot(self.current.items))
        self.query_one("#outfit-status", Static).update(f"Logged: you wore {names} today")
