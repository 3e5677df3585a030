"""What runs when a photo is read: safe opening, both views, colours, the LiteRT networks and the photo head."""
