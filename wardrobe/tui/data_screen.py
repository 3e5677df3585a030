"""A main screen that shows stored data: read again when it is shown and after a user switch, failures said on it."""

from __future__ import annotations

from textual.screen import Screen


class DataScreen(Screen):
    def reload(self) -> None:
        """Read what the screen shows and show it."""
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        self.reload()

    def catch_up(self) -> None:
        self.reload()

    def read(self, what: str, reader, fallback):
        """reader(), or fallback with a notice naming `what` when the store cannot be read (never a traceback)."""
        try:
            return reader()
        except Exception as exc:  # noqa: BLE001  e.g. a damaged inventory
            self.notify(f"cannot read the {what}: {exc}", severity="error")
            return fallback

    def change(self, what: str, writer) -> bool:
        """writer(); False with a notice ("not <what>: why") when the store refuses (item gone, read-only home)."""
        try:
            writer()
        except Exception as exc:  # noqa: BLE001  a notice, never a traceback
            self.notify(f"not {what}: {exc}", severity="error")
            return False
        return True
