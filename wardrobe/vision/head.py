"""The photo head: a linear classifier over the photo network's features that decides a photo's closet category.

A multinomial logistic regression, fitted on the features of labelled closet photos (and of some
Fashion-MNIST images seen as catalogue shots, so that bags and catalogue pictures are known too), with
its temperature calibrated on held-out predictions so that its confidence means what it says.
Inference is plain numpy; only fitting needs scikit-learn.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wardrobe.domain import CATEGORIES
from wardrobe.files import atomic_write_bytes

C = 0.003  # inverse regularisation strength, chosen on ../shared/photos/validation (0.001-0.1 tried)
FMNIST_WEIGHT = 0.3  # a Fashion-MNIST image counts this much of a closet photo
BALANCE = 0.5  # photos of rare categories count (n / (k * count)) ** BALANCE: dresses and skirts are few
FMNIST_SAMPLE = 3000  # Fashion-MNIST training images mixed in (the only bags the head ever sees)
REFIT_STRENGTH = 1 / C  # how firmly a personal refit stays near the shipped head: its own fit's prior (see refit)
LEFT_ALONE = -1  # the label of an item the user did not label (see personal_refit)


@dataclass
class PhotoHead:
    """Standardisation and weights of the linear head, the network it belongs to, and the photos it learnt from."""

    mean: np.ndarray  # (D,)
    scale: np.ndarray  # (D,)
    coef: np.ndarray  # (C, D): one row per closet category
    intercept: np.ndarray  # (C,)
    network: str  # sha256 of the LiteRT photo network whose features it reads
    info: dict = field(default_factory=dict)

    def fits(self, network: str) -> bool:
        """Whether this head reads that network's features and decides among today's categories."""
        return self.network == network and self.coef.shape[0] == len(CATEGORIES)

    def logits(self, features: np.ndarray) -> np.ndarray:
        return ((np.asarray(features, np.float32) - self.mean) / self.scale) @ self.coef.T + self.intercept

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(N, D) photo features -> (N, C) category probabilities."""
        logits = self.logits(features)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)

    def save(self, path: Path) -> None:
        """Write the head as a plain .npz (no pickles), whole or not at all."""
        buffer = io.BytesIO()
        np.savez(buffer, mean=self.mean.astype(np.float32), scale=self.scale.astype(np.float32),
                 coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32),
                 network=np.array(self.network), info=np.array(json.dumps(self.info)))
        atomic_write_bytes(path, buffer.getvalue(), sync=True)

    @classmethod
    def load(cls, path: Path) -> PhotoHead:
        """Read a head written by save(); ValueError when the file is not one."""
        try:
            with np.load(path, allow_pickle=False) as data:
                head = cls(mean=data["mean"], scale=data["scale"], coef=data["coef"], intercept=data["intercept"],
                           network=str(data["network"]), info=json.loads(str(data["info"])))
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path}: not a photo head ({exc})") from exc
        if (head.coef.ndim != 2 or head.coef.shape[1] != head.mean.shape[0] or head.scale.shape != head.mean.shape
                or head.intercept.shape != (head.coef.shape[0],)):
            raise ValueError(f"{path}: photo head has inconsistent shapes")
        return head


def fit_head(embeddings: np.ndarray, labels: np.ndarray, weights: np.ndarray, network: str, c: float = C) -> PhotoHead:
    """Fit the standardised multinomial logistic regression on (N, D) embeddings with per-sample weights."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(embeddings, np.float32)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit((x - mean) / scale, labels, sample_weight=weights)
    # Classes never seen get a very low logit instead of being missing.
    coef = np.zeros((len(CATEGORIES), x.shape[1]), np.float32)
    intercept = np.full(len(CATEGORIES), -30.0, np.float32)
    rows = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
    bias = model.intercept_ if len(model.classes_) > 2 else np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    coef[model.classes_] = rows
    intercept[model.classes_] = bias
    return PhotoHead(mean=mean, scale=scale, coef=coef, intercept=intercept, network=network)


def balanced_weights(labels: np.ndarray) -> np.ndarray:
    """Per-photo weights that lift rare categories part of the way towards equal say."""
    counts = np.bincount(labels, minlength=len(CATEGORIES)).astype(np.float64)
    present = max(int((counts > 0).sum()), 1)
    return (len(labels) / (present * counts[labels])) ** BALANCE


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T that makes softmax(logits / T) best match held-out labels (least log-loss)."""
    best, best_loss = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.25), np.log(4.0), 57)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        loss = -np.mean(z[np.arange(len(labels)), labels] - np.log(np.exp(z).sum(axis=1)))
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


def with_temperature(head: PhotoHead, t: float) -> PhotoHead:
    """The same head with its logits divided by t (same decisions, calibrated confidence)."""
    head.coef, head.intercept = head.coef / t, head.intercept / t
    head.info = {**head.info, "temperature": round(t, 4)}
    return head


def refit(head: PhotoHead, features: np.ndarray, targets: np.ndarray, weights: np.ndarray | None = None,
          strength: float = REFIT_STRENGTH) -> PhotoHead:
    """The head moved toward a user's items: least weighted cross-entropy against targets, plus
    strength/2 * |W - W_head|^2.

    targets (N, C) are rows that sum to 1: one-hot for an item the user labelled, the shipped head's own
    probabilities for one they left alone (see personal_targets), so that a few corrections cannot move the
    boundaries the rest of the closet confirms. Anchoring to the shipped weights (in its standardised feature
    space) keeps what the items say nothing about; it needs none of the photos the head learnt from and takes
    well under a second.
    """
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    z = (np.asarray(features, np.float64) - head.mean) / head.scale
    z = np.hstack([z, np.ones((len(z), 1))])
    start = np.hstack([head.coef, head.intercept[:, None]]).astype(np.float64)
    targets = np.asarray(targets, np.float64)
    w_rows = np.ones(len(z)) if weights is None else np.asarray(weights, np.float64)
    weighted = targets * w_rows[:, None]
    unseen = start[:, -1] <= -29  # categories the head never saw (fit_head parks them at -30): a reachable start
    if unseen.any() and (~unseen).any():
        start[unseen, -1] = start[~unseen, -1].min() - 2.0

    def loss(flat):
        w = flat.reshape(start.shape)
        logits = z @ w.T
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        total = p.sum(axis=1, keepdims=True)
        p /= total
        gap = w - start
        value = -np.sum(logits * weighted) + np.sum(w_rows * np.log(total[:, 0])) + strength / 2 * np.sum(gap**2)
        return value, ((p * w_rows[:, None] - weighted).T @ z + strength * gap).ravel()

    # Small products: one BLAS thread is as fast, and threads spinning for a busy core made it ten times slower.
    with threadpool_limits(1):
        found = minimize(loss, start.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    w = found.x.reshape(start.shape).astype(np.float32)
    return PhotoHead(mean=head.mean, scale=head.scale, coef=w[:, :-1], intercept=w[:, -1], network=head.network,
                     info={**head.info, "refit": {"items": int(len(z)), "strength": strength}})


def personal_refit(head: PhotoHead, features: np.ndarray, labels: np.ndarray, strength: float = REFIT_STRENGTH) -> PhotoHead:
    """The head refitted on all of a user's items: those they labelled toward their label, those they left alone
    (LEFT_ALONE) toward the head's own probabilities (having seen the label and kept it, the user softly
    confirmed it), each category with a balanced say, so that twenty corrections of one category cannot pull
    the boundaries that the rest of the closet confirms."""
    labels = np.asarray(labels, np.int64)
    targets = head.probabilities(features).astype(np.float64)
    labelled = labels != LEFT_ALONE
    targets[labelled] = np.eye(targets.shape[1])[labels[labelled]]
    moved = refit(head, features, targets, balanced_weights(targets.argmax(1)), strength)
    moved.info["refit"]["corrections"] = int(labelled.sum())
    return moved


def correction_folds(labels: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """A fold number for each item, each label's items dealt round the folds in random order."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(labels), np.int64)
    offset = 0
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        fold[members] = (offset + np.arange(len(members))) % folds
        offset += len(members)  # small categories start where the last one stopped, so folds fill evenly
    return fold
