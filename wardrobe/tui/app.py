"""The wardrobe Textual app: one factory for the CLI and the tests."""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from wardrobe.settings import Settings
from wardrobe.tui.add_screen import AddPhotos
from wardrobe.tui.closet_screen import ClosetScreen
from wardrobe.tui.dialogs import AskUser
from wardrobe.tui.help_screen import HelpScreen
from wardrobe.tui.history_screen import HistoryScreen
from wardrobe.tui.outfits_screen import OutfitScreen
from wardrobe.tui.review_screen import ReviewScreen
from wardrobe.tui.stats_screen import StatsScreen


class WardrobeApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "wardrobe"
    MODES = {"outfits": OutfitScreen, "closet": ClosetScreen, "history": HistoryScreen, "stats": StatsScreen}
    DEFAULT_MODE = "outfits"
    # The top bar names the screens and a/e; the footer keeps its room for each screen's own keys.
    BINDINGS = [
        Binding("o", "switch_mode('outfits')", "Outfits", show=False),
        Binding("c", "switch_mode('closet')", "Closet", show=False),
        Binding("h", "switch_mode('history')", "History", show=False),
        Binding("t", "switch_mode('stats')", "Statistics", show=False),
        Binding("a", "add_photos", "Add photos", show=False),
        Binding("e", "review", "Review unsure", show=False),
        Binding("u", "switch_user", "Switch user", show=False),
        Binding("R", "retrain", "Rebuild taste", show=False),
        Binding("question_mark", "help", "Keys"),
        Binding("q", "quit", "Quit"),
    ]

    ENABLE_COMMAND_PALETTE = False  # the footer's room is for the keys that matter at 80 columns
    user_name = reactive("default")

    def __init__(self, wardrobe, user: str = "default", seed: int | None = None, graphics=None):
        super().__init__()
        from wardrobe.services import Stylist

        self.wardrobe = wardrobe
        self.seed = seed
        self.graphics = graphics  # a textual-image widget class, or None for half blocks
        self.stylist = Stylist(wardrobe, user, seed)
        self.user_name = self.stylist.user

    def on_unmount(self) -> None:
        import gc

        gc.unfreeze()  # the outfit screen froze what was alive (see OutfitScreen.receive): an ended app is garbage

    def action_retrain(self) -> None:
        self.notify(f"rebuilding {self.stylist.user}'s taste from all ratings...")
        self.retrain_worker()

    @work(thread=True, exclusive=True, group="retrain", exit_on_error=False)
    def retrain_worker(self) -> None:
        try:
            result = self.stylist.retrain()
        except Exception as exc:  # noqa: BLE001  a notice, never the end of the app
            self.call_from_thread(self.notify, f"taste not rebuilt: {exc}", severity="error")
            return
        self.call_from_thread(self.notify, f"taste rebuilt from {result['ratings']} ratings ({result['likes']} liked)")

    def action_switch_user(self) -> None:
        from wardrobe.services import BadName, Stylist
        from wardrobe.services.stylist import all_users

        def done(name: str | None) -> None:
            if not name:
                return
            try:
                self.stylist = Stylist(self.wardrobe, name, self.seed)
            except BadName as exc:
                self.notify(str(exc), severity="error")
                return
            self.user_name = self.stylist.user
            # Screens of other modes catch up when shown again (each checks whose data it shows on resume).
            if hasattr(self.screen, "catch_up"):
                self.screen.catch_up()
            self.notify(f"now rating as {name}")

        self.push_screen(AskUser([u["name"] for u in all_users(self.wardrobe)]), done)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.BINDINGS))

    def action_review(self, item_ids: list[int] | None = None) -> None:
        """Review unsure items one at a time: those given, else every unsure item in the closet."""
        if isinstance(self.screen, ReviewScreen):
            return
        try:
            unsure = self.wardrobe.items(unsure=True, user=self.stylist.user) if item_ids is None else []
            ids = item_ids if item_ids is not None else [item.id for item in unsure]
        except Exception as exc:  # noqa: BLE001  e.g. a damaged inventory: a notice, not a traceback
            self.notify(f"cannot read the closet: {exc}", severity="error")
            return
        if not ids:
            self.notify("nothing to review: no item is unsure")
            return
        self.push_screen(ReviewScreen(ids))

    def action_add_photos(self) -> None:
        def done(new_unsure: list[int] | None) -> None:
            if new_unsure:
                self.action_review(new_unsure)

        if not isinstance(self.screen, AddPhotos):
            self.push_screen(AddPhotos(), done)


def make_app(settings: Settings | None = None, user: str | None = None,
             seed: int | None = None, graphics: bool = False) -> WardrobeApp:
    """The app for the CLI and the tests (a seed makes proposals repeatable, for snapshots).

    graphics=True draws photos with the terminal's graphics protocol when it has one (the CLI does);
    tests keep the half blocks, which look the same everywhere.
    """
    from wardrobe.services import Wardrobe
    from wardrobe.tui.photo import graphics_widget

    settings = settings or Settings.resolve()
    return WardrobeApp(Wardrobe(settings=settings), user or settings.taste_user, seed,
                       graphics_widget() if graphics else None)
