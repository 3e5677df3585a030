"""The photo network's features of photo files, read in batches (for fitting heads and re-reading old items)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from wardrobe.vision.photo import PhotoError


def read_photo_features(classifier, paths: list[Path], progress: Callable[[int], None] | None = None,
                        ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The photo network's features and closet ImageNet logits of photos; also the indices that could be read."""
    from wardrobe.vision.views import read_framed

    framed, kept = [], []
    for i, path in enumerate(paths):
        try:
            framed.append(read_framed(path, classifier.photo_size))
            kept.append(i)
        except PhotoError as exc:
            print(f"wardrobe: {path}: skipped ({exc})", file=sys.stderr)
        if progress:
            progress(1)
    if not framed:
        return np.zeros((0, 0), np.float32), np.zeros((0, 0), np.float32), kept
    features, imagenet = [], []
    for start in range(0, len(framed), 64):
        f, g = classifier.photo_outputs(np.stack(framed[start : start + 64]))
        features.append(f)
        imagenet.append(g)
    return np.concatenate(features), np.concatenate(imagenet), kept
