"""Add photos from the TUI: a path prompt with completion, the `wardrobe add` service in a thread, a progress bar."""

from __future__ import annotations

import os
from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from wardrobe.tui.path_suggester import PathSuggester, matches
from wardrobe.tui.text import middle


class AddPhotos(ModalScreen[list[int] | None]):
    """Returns the ids of the new items the classifier is unsure of (the review flow opens on them)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("tab", "complete", "Complete path", show=False)]

    def __init__(self):
        super().__init__()
        self.running = False
        self.stop = False
        self.failures: list[tuple[str, str]] = []  # (file name, reason) of each photo that could not be added
        self.result: list[int] | None = None  # the unsure items, once finished with failures to read first

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-dialog"):
            yield Label("Add photos: a photo, or a folder (searched recursively)")
            yield Input(placeholder="~/Pictures/closet", suggester=PathSuggester(), id="add-path")
            yield Label(self.HINT, classes="hint", id="add-hint")
            yield ProgressBar(id="add-progress", show_eta=False)
            yield Label("", id="add-status")
            yield Static("", id="add-failures")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    HINT = "tab or → completes the path; enter adds; esc cancels"

    def on_input_changed(self, event: Input.Changed) -> None:
        """Several names start as typed: list them, as a shell does, so the next letter can tell them apart."""
        if self.running or self.result is not None:
            return
        found = matches(event.value)
        hint = self.query_one("#add-hint", Label)
        hint.update(escape("also: " + "  ".join(found)) if len(found) > 1 else self.HINT)

    def action_complete(self) -> None:
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.action_cursor_right()  # at the end, → takes the suggestion shown in grey

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.running or self.result is not None:
            return
        typed = event.value.strip()
        path = Path(os.path.expanduser(typed)) if typed else None
        if path is None or not path.exists():
            self.say(f"no such file or folder: {typed}" if typed else "type the path of a photo or a folder")
            return
        self.running = True
        self.query_one(Input).disabled = True
        self.query_one(ProgressBar).display = True
        self.say("looking for photos...")
        self.add(path)

    def say(self, text: str) -> None:
        self.query_one("#add-status", Label).update(text)

    @work(thread=True, exclusive=True, group="add", exit_on_error=False)
    def add(self, path: Path) -> None:
        call = self.app.call_from_thread
        wardrobe = self.app.wardrobe
        counts = {"added": 0, "already there": 0, "failed": 0}
        unsure: list[int] = []
        try:
            entries = wardrobe.find_inputs([path])
            if not entries:
                call(self.finish, "no photos there (.jpg .jpeg .png .webp .avif)", None)
                return
            call(self.started, len(entries))
            for result in wardrobe.add(entries):
                counts["failed" if result.error else "already there" if result.duplicate_of else "added"] += 1
                if result.error:
                    call(self.failed, str(result.path.name), result.error)
                if result.item is not None and result.item.unsure:
                    unsure.append(result.item.id)
                call(self.advanced, counts)
                if self.stop:
                    break  # whole batches only are stored: what is in is kept
        except Exception as exc:  # noqa: BLE001  a missing model, a read-only home...: one line, never a traceback
            call(self.finish, f"not added: {exc}", unsure or None)
            return
        call(self.finish, None, unsure, counts)

    def failed(self, name: str, reason: str) -> None:
        """Name each photo that could not be added, and why, as the CLI does (the first ones; then how many more)."""
        self.failures.append((name, reason))
        shown = self.failures[:6]
        lines = [escape(f"{middle(n, 32)}: {r}") for n, r in shown]  # a long name gives way; the reason wraps
        if len(self.failures) > len(shown):
            lines.append(f"and {len(self.failures) - len(shown)} more (`wardrobe add` names each)")
        self.query_one("#add-failures", Static).update("\n".join(lines))

    def started(self, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.say(f"adding {total} photo{'s' if total != 1 else ''} (the first takes a few seconds: loading the networks)")

    def advanced(self, counts: dict) -> None:
        self.query_one(ProgressBar).update(progress=sum(counts.values()))
        self.say(", ".join(f"{what} {n}" for what, n in counts.items()))

    def finish(self, problem: str | None, unsure: list[int] | None, counts: dict | None = None) -> None:
        self.running = False
        if problem:
            self.say(problem)
            self.query_one(Input).disabled = False
            self.query_one(Input).focus()
            return
        summary = ", ".join(f"{what} {n}" for what, n in counts.items())
        self.app.notify(f"{summary}; {len(unsure)} to review" if unsure else summary)
        if self.failures:  # stay, so the reasons can be read; esc closes
            self.result = unsure
            self.say(f"{summary}: these could not be added")
            self.query_one("#add-hint", Label).update("esc closes" + ("; the unsure photos are reviewed next" if unsure else ""))
            return
        self.dismiss(unsure)

    def action_cancel(self) -> None:
        if self.running:
            self.stop = True
            self.say("stopping after this batch...")
        else:
            self.dismiss(self.result)
