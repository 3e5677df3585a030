"""The wardrobe Textual app: one factory for the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from wardrobe.tui.closet_screen import ClosetScreen
from wardrobe.tui.dialogs import AskUser
from wardrobe.tui.outfits_screen import OutfitScreen
from wardrobe.tui.stats_screen import StatsScreen


class WardrobeApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "wardrobe"
    MODES = {"outfits": OutfitScreen, "closet": ClosetScreen, "stats": StatsScreen}
    DEFAULT_MODE = "outfits"
    BINDINGS = [
        Binding("o", "switch_mode('outfits')", "Outfits"),
        Binding("c", "switch_mode('closet')", "Closet"),
        Binding("h", "switch_mode('stats')", "History"),
        Binding("u", "switch_user", "User"),
        Binding("R", "retrain", "Retrain", show=False),
        Binding("q", "quit", "Quit"),
    ]

    ENABLE_COMMAND_PALETTE = False  # the footer's room is for the keys that matter at 80 columns

    def __init__(self, wardrobe, user: str = "default", seed: int | None = None, graphics=None):
        super().__init__()
        from wardrobe.services import Stylist

        self.wardrobe = wardrobe
        self.seed = seed
        self.graphics = graphics  # a textual-image widget class, or None for half blocks
        self.stylist = Stylist(wardrobe, user, seed)
        self.sub_title = f"user: {user}"

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
        from wardrobe.services.outfits import all_users

        def done(name: str | None) -> None:
            if name:
                try:
                    self.stylist = Stylist(self.wardrobe, name, self.seed)
                except BadName as exc:
                    self.notify(str(exc), severity="error")
                    return
                self.sub_title = f"user: {name}"
                outfits = self.get_screen("outfits") if self.current_mode != "outfits" else self.screen
                if isinstance(outfits, OutfitScreen):
                    outfits.queue.clear()
                    outfits.current = None
                    outfits.refill()
                self.notify(f"now rating as {name}")

        self.push_screen(AskUser([u["name"] for u in all_users(self.wardrobe)]), done)


def make_app(home: Path | None = None, model: Path | None = None, user: str = "default",
             seed: int | None = None, graphics: bool = False) -> WardrobeApp:
    """The app for the CLI and the tests (a seed makes proposals repeatable, for snapshots).

    graphics=True draws photos with the terminal's graphics protocol when it has one (the CLI does);
    tests keep the half blocks, which look the same everywhere.
    """
    from wardrobe.services import Wardrobe
    from wardrobe.tui.photo import graphics_widget

    return WardrobeApp(Wardrobe(home, model), user, seed, graphics_widget() if graphics else None)
