"""`wardrobe serve`: the closet on a phone, as pages and a JSON API over the same services as the CLI and the TUI."""
