"""Charts drawn with block characters: horizontal bars and a column chart, as Rich text."""

from __future__ import annotations

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉█"  # a cell filled by 0 to 8 eighths, left to right
RISING = " ▁▂▃▄▅▆▇█"  # a cell filled by 0 to 8 eighths, bottom up


def bar(value: float, largest: float, width: int) -> str:
    """A horizontal bar `width` cells long at `largest`, in eighths of a cell."""
    eighths = round(8 * width * value / largest) if largest > 0 else 0
    full, part = divmod(max(0, min(eighths, 8 * width)), 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def bar_chart(rows: list[tuple[str, float, str]], width: int, style: str = "cyan", spaced: bool = False) -> Text:
    """One line per (label, value, note): label, bar, note; bars fill what the labels and notes leave of `width`.

    spaced: a blank line between bars, where there is the height for it.
    """
    label_width = max((len(label) for label, _, _ in rows), default=0)
    note_width = max((len(note) for _, _, note in rows), default=0)
    room = max(1, width - label_width - note_width - 2)
    largest = max((value for _, value, _ in rows), default=0)
    text = Text(no_wrap=True, overflow="crop")
    for n, (label, value, note) in enumerate(rows):
        text.append(f"{label:<{label_width}} ")
        text.append(bar(value, largest, room), style)
        text.append(f" {note:>{note_width}}")
        if n < len(rows) - 1:
            text.append("\n\n" if spaced else "\n")
    return text


def column_chart(values: list[float], labels: list[str], height: int, width: int, style: str = "green") -> Text:
    """Columns of 0-1 values, the latest that fit in `width` (4 cells each), `height` lines tall; below, each
    value as a percentage, then its label."""
    column = 4  # room for "100%"
    shown = max(1, width // (column + 1))
    values, labels = values[-shown:], labels[-shown:]
    text = Text(no_wrap=True, overflow="crop")
    for line in range(height, 0, -1):
        for value in values:
            eighths = round(8 * height * max(0.0, min(value, 1.0)))
            filled = max(0, min(8, eighths - 8 * (line - 1)))
            text.append(RISING[filled] * column, style)
            text.append(" ")
        text.append("\n")
    text.append(" ".join(f"{value:>{column}.0%}" for value in values) + "\n", "bold")
    text.append(" ".join(f"{label[:column]:^{column}}" for label in labels))
    return text
