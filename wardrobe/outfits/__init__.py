"""Outfits: composing valid ones from a closet, their features, each user's preference model, the recommender."""
