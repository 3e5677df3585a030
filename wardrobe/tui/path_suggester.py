"""Completion of file-system paths for an Input, as a shell completes them (the first match; folders end in /)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


def matches(value: str, most: int = 6) -> list[str]:
    """The names (folders ending in /) that `value` is the start of, sorted, at most `most` (hidden ones only
    when typed): what a shell lists when a completion is ambiguous."""
    expanded = os.path.expanduser(value)
    folder, start = os.path.split(expanded)
    if not start:
        return []
    try:
        entries = sorted((entry.name, entry.is_dir()) for entry in os.scandir(folder or ".")
                         if entry.name.startswith(start) and (start.startswith(".") or not entry.name.startswith(".")))
    except OSError:
        return []
    return [name + ("/" if is_dir else "") for name, is_dir in entries[:most]]


def complete_path(value: str) -> str | None:
    """`value` completed to the first file or folder it names the start of (sorted; hidden ones only when typed)."""
    expanded = os.path.expanduser(value)
    folder, start = os.path.split(expanded)
    try:
        names = sorted(entry.name for entry in os.scandir(folder or ".")
                       if entry.name.startswith(start) and (start.startswith(".") or not entry.name.startswith(".")))
    except OSError:
        return None
    for name in names:
        if name == start:
            continue
        completed = os.path.join(folder, name)
        if Path(completed).is_dir():
            completed += os.sep
        # Keep what the user typed (a ~ stays a ~): only the rest of the name is added.
        return value + completed[len(expanded):]
    return None


class PathSuggester(Suggester):
    def __init__(self):
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)
