"""A user's taste: a logistic model over outfit features (scikit-learn's SGD update), learned online, stored as plain numbers."""

from __future__ import annotations

import math

import numpy as np

from wardrobe.outfits.features import (
    COLOURS,
    OCCASION_COLUMNS,
    OCCASION_SLOTS,
    WEATHER_COLUMNS,
    WEATHER_CONTEXTS,
    all_feature_names,
    feature_names,
    weather_vector,
    with_context,
)
from wardrobe.weather.value import Weather

ETA, ALPHA = 0.1, 1e-3  # SGD's constant learning rate and L2 penalty
PRIOR_WEIGHT = 2.0  # ratings after which the learned model and the built-in prior weigh the same
CLASHES = {frozenset(p) for p in [("red", "pink"), ("red", "orange"), ("orange", "pink"), ("red", "green"),
                                   ("purple", "yellow"), ("orange", "purple"), ("green", "pink")]}


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _occasions_ok(value) -> bool:
    return isinstance(value, list) and len(value) <= OCCASION_SLOTS and len(set(map(str, value))) == len(value) and \
        all(isinstance(v, str) and 0 < len(v) <= 100 for v in value)


class DamagedPreferences(ValueError):
    """Stored numbers that cannot be a preference model (not JSON, wrong shape, not finite)."""


class PreferenceModel:
    """P(like | outfit features, the day), blended with a sensible prior until the user has rated enough.

    The day's weather and occasion enter as crossed features (features.with_context): a coat weighs one thing in the
    cold and another in the heat, black one thing for "work" and another for "weekend". Each occasion the user rates
    gets its own slot, in the order first rated (`occasions`). Scoring and learning are numpy: the update is
    scikit-learn's SGDClassifier's, without its 1-2 s import.
    """

    VERSION = 1

    def __init__(self) -> None:
        self.names = all_feature_names()
        self.coef = np.zeros(len(self.names))
        self.intercept = 0.0
        self.t = 1.0
        self.ratings = 0
        self.occasions: list[str] = []

    # -- the day ----------------------------------------------------------------------------------------

    def occasion_slot(self, occasion: str | None, learn: bool = False) -> int:
        """The occasion's slot (-1: none, or not known and not learning, or no slot left)."""
        if occasion is None:
            return -1
        if occasion in self.occasions:
            return self.occasions.index(occasion)
        if learn and len(self.occasions) < OCCASION_SLOTS:
            self.occasions.append(occasion)
            return len(self.occasions) - 1
        return -1

    def for_day(self, features: np.ndarray, weather: Weather | list | None = None, occasion: str | list | None = None,
                learn: bool = False) -> np.ndarray:
        """Outfit features (rows of features.feature_names()) with the day's crossed features, as this model weighs
        them: one weather and occasion for every row, or lists of one per row. learn=True gives new occasions a slot."""
        features = np.atleast_2d(features)
        if isinstance(weather, list):
            vectors = np.stack([weather_vector(w) for w in weather]) if weather else np.zeros((0, 3))
        else:
            vectors = weather_vector(weather)
        if isinstance(occasion, list):
            slots = np.array([self.occasion_slot(o, learn) for o in occasion], dtype=np.int64)
        else:
            slots = np.int64(self.occasion_slot(occasion, learn))
        return with_context(features, vectors, slots)

    def day_coef(self, weather: Weather | None = None, occasion: str | None = None) -> np.ndarray:
        """The weights of the outfit's own features on this day: the crossed weights folded in. For one day,
        features @ day_coef == for_day(features, weather, occasion) @ coef, without building the crossed features."""
        base = len(feature_names())
        coef = self.coef[:base].copy()
        crossed = self.coef[base:]
        weather_part = len(WEATHER_CONTEXTS) * len(WEATHER_COLUMNS)
        if weather is not None:
            coef[WEATHER_COLUMNS] += weather_vector(weather) @ crossed[:weather_part].reshape(len(WEATHER_CONTEXTS), -1)
        slot = self.occasion_slot(occasion)
        if slot >= 0:
            coef[OCCASION_COLUMNS] += crossed[weather_part:].reshape(OCCASION_SLOTS, -1)[slot]
        return coef

    def full(self, features: np.ndarray) -> np.ndarray:
        """Features as this model weighs them: rows of the outfit's own features alone mean a day of no weather and
        no occasion (the crossed features are 0)."""
        features = np.asarray(features, dtype=np.float64)
        if features.shape[-1] == len(self.names):
            return features
        return with_context(features, np.zeros(3), np.int64(-1))[0 if features.ndim == 1 else slice(None)]

    # -- learning ---------------------------------------------------------------------------------------

    def _steps(self, features: np.ndarray, liked: np.ndarray) -> None:
        """One stochastic step per row, in order: scikit-learn's SGDClassifier update for log loss, L2 penalty
        and a constant rate (tested against it), in numpy so that a rating does not import scikit-learn."""
        coef, intercept = self.coef.copy(), self.intercept
        decay = max(0.0, 1.0 - ETA * ALPHA)
        for x, y in zip(self.full(np.atleast_2d(features)), np.asarray(liked, dtype=np.float64)):
            p = float(x @ coef) + intercept
            update = -ETA * (_sigmoid(p) - y)
            coef *= decay
            coef += update * x
            intercept += update
        self.coef, self.intercept = coef, intercept
        self.t += len(liked)

    def learn(self, features: np.ndarray, liked: np.ndarray, replay: tuple[np.ndarray, np.ndarray] | None = None,
              passes: int = 3) -> None:
        """Online update from new ratings (rows of features, liked as 1/0).

        `replay`, earlier ratings, are revisited once in a random order after the new ones: one
        stochastic step per rating is a noisy teacher, and revisiting keeps old lessons from fading.
        """
        features, liked = np.atleast_2d(features), np.atleast_1d(liked).astype(int)
        for _ in range(passes):
            self._steps(features, liked)
        if replay is not None and len(replay[1]):
            order = np.random.default_rng(self.ratings).permutation(len(replay[1]))
            self._steps(replay[0][order], np.asarray(replay[1])[order])
        self.ratings += len(liked)

    def fit(self, features: np.ndarray, liked: np.ndarray, epochs: int = 30) -> None:
        """Rebuild from all stored feedback (what `wardrobe retrain` does); the occasions' slots are kept."""
        occasions = self.occasions
        self.__init__()
        self.occasions = occasions
        if len(liked):
            rng = np.random.default_rng(0)
            for _ in range(epochs):
                order = rng.permutation(len(liked))
                self._steps(features[order], np.asarray(liked)[order])
            self.ratings = int(len(liked))

    # -- scoring ----------------------------------------------------------------------------------------

    def prior_logit(self, features: np.ndarray) -> np.ndarray:
        """What makes sense before any rating: few loud colours, no classic clashes, pieces not just worn."""
        index = {name: i for i, name in enumerate(self.names)}
        non_neutral = features[:, index["colours:non_neutral"]]
        clash = np.zeros(len(features))
        for pair in CLASHES:
            a, b = sorted(pair, key=COLOURS.index)
            clash += features[:, index[f"pair:{a}+{b}"]] > 0
        contrast = features[:, index["contrast:range"]]
        recency = features[:, index["recency:mean"]]
        return 1.0 - 0.8 * np.maximum(non_neutral - 2, 0) - 0.7 * clash + 0.5 * np.minimum(contrast, 0.5) - 1.5 * recency

    def learned_logit(self, features: np.ndarray, weather: Weather | None = None,
                      occasion: str | None = None) -> np.ndarray:
        """Rows of all_feature_names() (their own day), or of the outfit's features alone for one day (weather,
        occasion; none: a day of no weather and no occasion)."""
        features = np.asarray(features, dtype=np.float64)
        if features.shape[-1] == len(self.names):
            return features @ self.coef + self.intercept
        return features @ self.day_coef(weather, occasion) + self.intercept

    def score(self, features: np.ndarray, weather: Weather | None = None, occasion: str | None = None) -> np.ndarray:
        """Blended logit: the prior fades as ratings accumulate."""
        w = self.ratings / (self.ratings + PRIOR_WEIGHT)
        return w * self.learned_logit(features, weather, occasion) + (1 - w) * self.prior_logit(features)

    def probability(self, features: np.ndarray, weather: Weather | None = None,
                    occasion: str | None = None) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.score(features, weather, occasion)))

    # -- storage as data --------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "version": self.VERSION,
            "features": self.names,
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": self.intercept,
            "t": self.t,
            "ratings": self.ratings,
            "occasions": list(self.occasions),
        }

    @classmethod
    def outdated(cls, data) -> bool:
        """Whether stored numbers are a model of another version or other outfit features (one made before an
        upgrade): not damaged, only of no use to this version, which rebuilds it from the ratings."""
        return isinstance(data, dict) and not data.get("damaged") and (
            data.get("version") != cls.VERSION or isinstance(data.get("version"), bool)
            or data.get("features") != all_feature_names())

    @classmethod
    def problem(cls, data) -> str | None:
        """What keeps stored numbers from being this version's model, in words; None when they are one.

        from_dict() starts afresh from a model of another version or other features (the learned taste is lost):
        `wardrobe doctor` reports these; an import leaves outdated ones out and refuses the others.
        """
        if not isinstance(data, dict) or data.get("damaged"):
            return "the stored numbers are not valid JSON"
        version = data.get("version")
        if isinstance(version, bool) or version != cls.VERSION:
            return f"made by another version of wardrobe (version {version!r:.20})"
        names = all_feature_names()
        if data.get("features") != names:
            return "made with other outfit features"
        coef = data.get("coef")
        if not isinstance(coef, list) or len(coef) != len(names) or not all(_finite(v) for v in coef):
            return f"weights of the wrong shape or type, or not finite (for {len(names)} features)"
        if not _finite(data.get("intercept")) or not _finite(data.get("t", 1.0)) or data.get("t", 1.0) <= 0:
            return "intercept or step count is not a finite number"
        ratings = data.get("ratings", 0)
        if isinstance(ratings, bool) or not isinstance(ratings, int) or ratings < 0:
            return "its count of ratings is not a whole number"
        if not _occasions_ok(data.get("occasions", [])):
            return f"its occasions are not up to {OCCASION_SLOTS} distinct names"
        return None

    @classmethod
    def from_dict(cls, data: dict | None) -> "PreferenceModel":
        """Rebuild from stored numbers; a model made with other features starts afresh (retrain rebuilds it)."""
        model = cls()
        if not data:
            return model
        if not isinstance(data, dict) or data.get("damaged"):
            raise DamagedPreferences("the stored numbers are not valid JSON")
        if data.get("version") != cls.VERSION or data.get("features") != model.names:
            return model
        if not _occasions_ok(data.get("occasions", [])):
            raise DamagedPreferences("its occasions are not names")
        model.occasions = list(data.get("occasions", []))
        try:
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept, t, ratings = float(data["intercept"]), float(data.get("t", 1.0)), int(data.get("ratings", 0))
        except (KeyError, TypeError, ValueError) as exc:
            raise DamagedPreferences(f"unreadable numbers ({type(exc).__name__})") from exc
        if coef.shape != model.coef.shape or not np.isfinite(coef).all() or not np.isfinite([intercept, t]).all() \
                or ratings < 0 or t <= 0:
            raise DamagedPreferences(f"weights of the wrong shape or not finite ({coef.shape[0] if coef.ndim else 0} "
                                     f"for {len(model.names)} features)")
        model.coef, model.intercept, model.t, model.ratings = coef, intercept, t, ratings
        return model
