"""Features of outfits for the preference model: pieces, colours and their pairs, contrast, likeness, recency; and the
same crossed with the day they are for (its weather, its occasion), so that taste can differ from day to day."""

from __future__ import annotations

import colorsys
import zlib

import numpy as np

from wardrobe.domain import CATEGORIES, NEUTRALS, PALETTE
from wardrobe.outfits.compose import ACCESSORY, BAG, COLUMNS, OUTER, Closet
from wardrobe.weather.value import Weather

COLOURS = list(PALETTE)
ID_BUCKETS = 256  # item identities are hashed into this many features ("I like this jacket")
PROJECTED = 64  # embeddings are projected to this many dimensions before comparing pieces
PIECES = len(COLUMNS)
_PAIRS = np.triu_indices(PIECES, 1)  # pairs of pieces (a, b), a < b
_UPPER = np.triu_indices(len(COLOURS))
_COLOUR_INDEX = {name: i for i, name in enumerate(COLOURS)}
_COLOUR_WEIGHTS = (1.0, 0.6, 0.3)  # first named colour counts most
PATTERNED = ("striped", "checked", "dotted", "floral", "printed")  # every pattern but solid
MATERIAL_FEATURES = ("denim", "leather", "knit")


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
    names += [f"pattern:{p}" for p in PATTERNED] + ["pattern:patterned", "pattern:two_or_more"]
    names += [f"material:{m}" for m in MATERIAL_FEATURES] + ["material:denim_on_denim"]
    names += [f"item:{b}" for b in range(ID_BUCKETS)]
    return names


# The day: how cold, how hot, how wet (0-1 each), and which of the user's occasions (one slot each, in the order
# the user first rated them; OCCASION_SLOTS at most, later ones share the taste of no occasion).
WEATHER_CONTEXTS = ("cold", "hot", "wet")
OCCASION_SLOTS = 8
COLD_FROM, COLD_FULL, HOT_FROM, HOT_FULL = 15.0, 0.0, 18.0, 30.0  # °C felt where cold and hot start and are whole
_FORM = ["form:one_piece", "form:outer", "form:bag", "form:accessory", "form:pieces"]
WEATHER_CROSSED = [f"count:{c}" for c in CATEGORIES] + _FORM  # what the weather may change a taste for
OCCASION_CROSSED = WEATHER_CROSSED + [f"colour:{c}" for c in COLOURS] + ["contrast:range", "chroma:mean",
                                                                        "colours:non_neutral"]


def context_names() -> list[str]:
    """The crossed features: 'cold×count:Coat' (a coat, as much as the day is cold), 'occasion2×colour:black'."""
    return [f"{w}×{f}" for w in WEATHER_CONTEXTS for f in WEATHER_CROSSED] + \
        [f"occasion{k}×{f}" for k in range(OCCASION_SLOTS) for f in OCCASION_CROSSED]


def all_feature_names() -> list[str]:
    """What the preference model weighs: the outfit's own features, then the crossed ones."""
    return feature_names() + context_names()


def weather_vector(weather: Weather | None) -> np.ndarray:
    """(cold, hot, wet), each 0 to 1: 0 °C felt is all cold, 30 °C all hot; no weather is none of them."""
    if weather is None:
        return np.zeros(len(WEATHER_CONTEXTS))
    felt = weather.felt
    return np.array([np.clip((COLD_FROM - felt) / (COLD_FROM - COLD_FULL), 0, 1),
                     np.clip((felt - HOT_FROM) / (HOT_FULL - HOT_FROM), 0, 1), float(weather.wet)])


_BASE = {name: i for i, name in enumerate(feature_names())}
WEATHER_COLUMNS = np.array([_BASE[f] for f in WEATHER_CROSSED])  # where the crossed features are in feature_names()
OCCASION_COLUMNS = np.array([_BASE[f] for f in OCCASION_CROSSED])


def with_context(features: np.ndarray, weather: np.ndarray, occasion: np.ndarray) -> np.ndarray:
    """Outfit features (rows of feature_names()) with the crossed ones appended (rows of all_feature_names()).

    weather: (n, 3) or (3,) from weather_vector; occasion: the occasion slot of each row (or one for all), -1 for none.
    """
    features = np.atleast_2d(features)
    n = len(features)
    weather = np.broadcast_to(np.asarray(weather, dtype=np.float64), (n, len(WEATHER_CONTEXTS)))
    occasion = np.broadcast_to(np.asarray(occasion, dtype=np.int64), (n,))
    crossed_weather = (weather[:, :, None] * features[:, None, WEATHER_COLUMNS]).reshape(n, len(WEATHER_CONTEXTS) *
                                                                                      len(WEATHER_CROSSED))
    crossed_occasion = np.zeros((n, OCCASION_SLOTS, len(OCCASION_CROSSED)))
    has = occasion >= 0
    crossed_occasion[np.flatnonzero(has), occasion[has]] = features[has][:, OCCASION_COLUMNS]
    return np.concatenate([features, crossed_weather, crossed_occasion.reshape(n, OCCASION_SLOTS *
                                                                                len(OCCASION_CROSSED))], axis=1)


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
        # Pattern and material where known (an unknown one is none of them): stripes, two patterns, denim on denim.
        self.pattern = np.zeros((n + 1, len(PATTERNED)))
        self.material = np.zeros((n + 1, len(MATERIAL_FEATURES)))
        for i, item in enumerate(items):
            pattern, material = getattr(item, "pattern", None), getattr(item, "material", None)
            if pattern in PATTERNED:
                self.pattern[i, PATTERNED.index(pattern)] = 1
            if material in MATERIAL_FEATURES:
                self.material[i, MATERIAL_FEATURES.index(material)] = 1
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
    patterns = table.pattern[index].sum(1)  # (n, len(PATTERNED)): pieces of each pattern
    patterned = patterns.sum(1)
    materials = table.material[index].sum(1)
    parts.append(np.concatenate([patterns, (patterned / pieces)[:, None], (patterned >= 2)[:, None], materials,
                                 (materials[:, 0] >= 2)[:, None]], axis=1).astype(float))
    cells = (np.arange(len(rows))[:, None] * ID_BUCKETS + table.bucket[index])[present]
    parts.append(np.bincount(cells, minlength=len(rows) * ID_BUCKETS).reshape(len(rows), ID_BUCKETS).astype(float))
    return np.concatenate(parts, axis=1)
