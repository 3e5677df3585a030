"""Features of outfits for the preference model: pieces, colours and their pairs, contrast, likeness, recency."""

from __future__ import annotations

import colorsys
import zlib

import numpy as np

from wardrobe.domain import CATEGORIES, NEUTRALS, PALETTE
from wardrobe.outfits.compose import ACCESSORY, BAG, COLUMNS, OUTER, Closet

COLOURS = list(PALETTE)
ID_BUCKETS = 256  # item identities are hashed into this many features ("I like this jacket")
PROJECTED = 64  # embeddings are projected to this many dimensions before comparing pieces
PIECES = len(COLUMNS)
_PAIRS = np.triu_indices(PIECES, 1)  # pairs of pieces (a, b), a < b
_UPPER = np.triu_indices(len(COLOURS))
_COLOUR_INDEX = {name: i for i, name in enumerate(COLOURS)}
_COLOUR_WEIGHTS = (1.0, 0.6, 0.3)  # first named colour counts most


def _colour_attributes() -> tuple[np.ndarray, np.ndarray]:
    lightness, chroma = [], []
    for rgb in PALETTE.values():
        h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
        lightness.append(light)
        chroma.append(s * (1 - abs(2 * light - 1)))
    return np.array(lightness), np.array(chroma)


_LIGHTNESS, _CHROMA = _colour_attributes()
_NEUTRAL = np.array([name in NEUTRALS for name in COLOURS], dtype=np.float64)
_PROJECTIONS: dict[int, np.ndarray] = {}


def _projection(size: int) -> np.ndarray:
    if size not in _PROJECTIONS:
        rng = np.random.default_rng(20261125 + size)
        _PROJECTIONS[size] = rng.standard_normal((size, PROJECTED)) / np.sqrt(PROJECTED)
    return _PROJECTIONS[size]


def project(embedding: np.ndarray) -> np.ndarray:
    """An embedding (2048-d for the ResNet-50) reduced to PROJECTED dimensions (random projection keeps cosines close).

    Already-projected vectors pass through, so callers may cache projections between calls.
    """
    embedding = np.asarray(embedding, dtype=np.float64)
    return embedding if embedding.shape[-1] == PROJECTED else embedding @ _projection(embedding.shape[-1])


def item_bucket(item_id: int) -> int:
    """The hashed identity feature ("item:N") of an item."""
    return zlib.crc32(str(item_id).encode()) % ID_BUCKETS


def feature_names() -> list[str]:
    names = [f"count:{c}" for c in CATEGORIES]
    names += [f"colour:{c}" for c in COLOURS]
    names += [f"pair:{COLOURS[a]}+{COLOURS[b]}" for a, b in zip(*_UPPER)]
    names += ["contrast:range", "contrast:std", "chroma:mean", "chroma:bright_pieces", "colours:non_neutral"]
    names += ["likeness:mean", "likeness:max", "recency:mean", "recency:max"]
    names += ["form:one_piece", "form:outer", "form:bag", "form:accessory", "form:pieces"]
    names += [f"item:{b}" for b in range(ID_BUCKETS)]
    return names


class ItemTable:
    """Per-item arrays of one closet, computed once and gathered per outfit (row n is the empty piece)."""

    def __init__(self, closet: Closet):
        items = closet.items
        n = len(items)
        self.size = n
        self.category = np.zeros((n + 1, len(CATEGORIES)))
        self.category[np.arange(n), [item.label for item in items]] = 1
        self.colour = np.zeros((n + 1, len(COLOURS)))
        for i, item in enumerate(items):
            for weight, name in zip(_COLOUR_WEIGHTS, item.colours):
                column = _COLOUR_INDEX.get(name)
                if column is not None:
                    self.colour[i, column] = weight
        totals = self.colour.sum(1, keepdims=True)
        np.divide(self.colour, totals, out=self.colour, where=totals > 0)
        self.recency = np.zeros(n + 1)
        days = np.array([np.nan if item.days_since_worn is None else item.days_since_worn for item in items])
        if n:
            self.recency[:n] = np.where(np.isnan(days), 0.0, np.exp(-np.nan_to_num(days) / 7.0))
        self.bucket = np.zeros(n + 1, dtype=np.int64)
        self.bucket[:n] = [item_bucket(item.id) for item in items]
        self.embedding = np.zeros((n + 1, PROJECTED))
        self.has_embedding = np.zeros(n + 1, dtype=bool)
        with_embedding = [i for i, item in enumerate(items)
                          if item.embedding is not None and len(item.embedding) > 0]
        if with_embedding:
            projected = np.stack([project(items[i].embedding) for i in with_embedding])
            norms = np.linalg.norm(projected, axis=1)
            ok = norms > 0
            rows = np.array(with_embedding)[ok]
            self.embedding[rows] = projected[ok] / norms[ok, None]
            self.has_embedding[rows] = True


def outfit_features(table: ItemTable, rows: np.ndarray) -> np.ndarray:
    """Feature matrix (len(rows), len(feature_names())) for outfit rows of item indices (-1 = none)."""
    rows = np.asarray(rows)
    present = rows >= 0
    index = np.where(present, rows, table.size)
    pieces = present.sum(1).clip(min=1)
    colour = table.colour[index]  # (n, PIECES, C)

    parts = [table.category[index].sum(1)]
    parts.append(colour.sum(1) / pieces[:, None])
    # Colour pairs across pieces: the sum over pieces a != b of c_a c_b' is S S' - the sum over a of c_a c_a'.
    total = colour.sum(1)
    within = np.matmul(colour.transpose(0, 2, 1), colour)[:, _UPPER[0], _UPPER[1]]
    pair_sum = total[:, _UPPER[0]] * total[:, _UPPER[1]] - within
    n_pairs = (pieces * (pieces - 1) / 2).clip(min=1)
    parts.append(pair_sum / n_pairs[:, None])

    lightness = colour @ _LIGHTNESS  # (n, PIECES): each piece's mean lightness
    chroma = colour @ _CHROMA
    light_masked = np.where(present, lightness, np.nan)
    with np.errstate(all="ignore"):
        spread = np.nan_to_num(np.nanmax(light_masked, 1) - np.nanmin(light_masked, 1))
        std = np.nan_to_num(np.nanstd(light_masked, 1))
    non_neutral = ((colour @ (1 - _NEUTRAL)) > 0.5).sum(1)
    parts.append(np.stack([spread, std, (chroma * present).sum(1) / pieces, ((chroma > 0.35) & present).sum(1),
                           non_neutral], axis=1))

    embedding = table.embedding[index]
    has = table.has_embedding[index]
    cosines = np.matmul(embedding, embedding.transpose(0, 2, 1))[:, _PAIRS[0], _PAIRS[1]]
    likeness = np.where(has[:, _PAIRS[0]] & has[:, _PAIRS[1]], cosines, np.nan)
    with np.errstate(all="ignore"):
        like_mean = np.nan_to_num(np.nanmean(likeness, 1))
        like_max = np.nan_to_num(np.nanmax(likeness, 1))
    recency = table.recency[index]
    parts.append(np.stack([like_mean, like_max, recency.sum(1) / pieces, recency.max(1)], axis=1))

    parts.append(np.stack([(present[:, 0] & ~present[:, 1]).astype(float), present[:, OUTER], present[:, BAG],
                           present[:, ACCESSORY], present.sum(1) / PIECES], axis=1).astype(float))
    cells = (np.arange(len(rows))[:, None] * ID_BUCKETS + table.bucket[index])[present]
    parts.append(np.bincount(cells, minlength=len(rows) * ID_BUCKETS).reshape(len(rows), ID_BUCKETS).astype(float))
    return np.concatenate(parts, axis=1)
