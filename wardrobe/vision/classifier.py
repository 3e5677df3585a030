"""Loading the trained network (checked against its card) and classifying batches of 28x28 images."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wardrobe.vision.backend import import_keras
from wardrobe.vision.card import ModelError, verified_artifact


EAGER_MAX = 8


class Classifier:
    """The shipped ResNet-50: probabilities and 2048-d embeddings for batches of Fashion-MNIST-domain images."""

    def __init__(self, model_dir: Path):
        path, self.card = verified_artifact(model_dir, "keras")
        self.version = f"{self.card.get('name', 'model')}-{self.card['artifacts']['keras']['sha256'][:12]}"
        keras = import_keras()

        try:
            model = keras.models.load_model(path, compile=False)
        except Exception as exc:  # a file that hashes right but Keras cannot read: still the user's to fix
            raise ModelError(f"{path}: Keras cannot load this model ({exc})") from exc
        embedding = model.get_layer(self.card["output"]["embedding"]["layer"]).output
        self._net = keras.Model(model.inputs, [model.outputs[0], embedding])

    def predict(self, pixels: np.ndarray, batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """pixels: (N, 28, 28) uint8. Returns probabilities (N, 10) and embeddings (N, 2048), float32."""
        x = np.asarray(pixels, dtype=np.float32)[..., None]
        probabilities, embeddings = [], []
        for start in range(0, len(x), batch_size):
            chunk = x[start : start + batch_size]
            n = len(chunk)
            if n <= EAGER_MAX:
                # A handful of images: running eagerly beats tracing a graph (about 0.5 s) for them.
                p, e = self._net([chunk], training=False)
                probabilities.append(np.asarray(p))
                embeddings.append(np.asarray(e))
                continue
            # Otherwise always the same batch shape, so the graph is traced once per process.
            if n < batch_size:
                chunk = np.concatenate([chunk, np.zeros((batch_size - n, *chunk.shape[1:]), np.float32)])
            p, e = self._net.predict_on_batch(chunk)
            probabilities.append(np.asarray(p)[:n])
            embeddings.append(np.asarray(e)[:n])
        if not probabilities:
            return np.zeros((0, 10), np.float32), np.zeros((0, 2048), np.float32)
        return np.concatenate(probabilities), np.concatenate(embeddings)
