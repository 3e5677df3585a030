"""The use cases behind the CLI and the TUI: the inventory, outfits and taste."""

from wardrobe.config import BadName
from wardrobe.services.inventory import (
    DatasetNotFound,
    ModelError,
    NotFound,
    PhotoResult,
    Wardrobe,
    train_classifier,
)
from wardrobe.services.outfits import OutfitProposal, Stylist
from wardrobe.store.errors import HomeUnusable, InventoryDamaged, StoreError
from wardrobe.vision.photo import PhotoError

__all__ = ["BadName", "DatasetNotFound", "HomeUnusable", "InventoryDamaged", "ModelError", "NotFound", "OutfitProposal",
           "PhotoError", "PhotoResult", "StoreError", "Stylist", "Wardrobe", "train_classifier"]
