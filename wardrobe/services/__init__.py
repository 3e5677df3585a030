"""The use cases behind the CLI and the TUI: the inventory, outfits and taste."""

from wardrobe.services.inventory import (
    DatasetNotFound,
    ModelError,
    NotFound,
    PhotoResult,
    Wardrobe,
    train_classifier,
)
from wardrobe.services.outfits import OutfitProposal, Stylist

__all__ = ["DatasetNotFound", "ModelError", "NotFound", "OutfitProposal", "PhotoResult", "Stylist", "Wardrobe",
           "train_classifier"]
