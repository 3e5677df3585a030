"""The use cases behind the CLI and the TUI: the inventory, outfits and taste."""

from wardrobe.config import BadName
from wardrobe.services.inventory import (
    ModelError,
    NotFound,
    PhotoResult,
    Wardrobe,
)
from wardrobe.services.stylist import OutfitProposal, Stylist
from wardrobe.services.training import train_classifier
from wardrobe.store.errors import HomeUnusable, InventoryDamaged, StoreError
from wardrobe.training.fmnist import DatasetNotFound
from wardrobe.vision.photo import PhotoError

__all__ = ["BadName", "DatasetNotFound", "HomeUnusable", "InventoryDamaged", "ModelError", "NotFound", "OutfitProposal",
           "PhotoError", "PhotoResult", "StoreError", "Stylist", "Wardrobe", "train_classifier"]
