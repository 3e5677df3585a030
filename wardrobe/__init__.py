"""wardrobe: classify the photos of a closet and learn which outfits its owner likes."""

__version__ = "0.1.0"
