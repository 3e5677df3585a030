"""The Textual terminal UI: outfits to rate, the closet, history and statistics."""
