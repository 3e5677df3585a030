"""Text for narrow places: a long name gives way in its middle, where it says least; how a piece is named."""

from __future__ import annotations


def middle(text: str, width: int) -> str:
    """text shortened to at most `width` characters by an ellipsis in its middle (its start and its end stay)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = (width - 1 + 1) // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def piece_name(item) -> str:
    """How a piece is named on screen: its name, e.g. "navy striped shirt" (domain.Item.name)."""
    return "(removed)" if item is None else item.name
