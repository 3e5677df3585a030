"""Classifying 28x28 images with the shipped LiteRT model (checked against its card); no TensorFlow here."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from wardrobe.vision.backend import quiet_native_stderr
from wardrobe.vision.card import ModelError, verified_artifact

BATCH = 64


class LiteRTNetwork:
    """A LiteRT flatbuffer with one image input and two outputs (probabilities, embedding), run in fixed batches."""

    def __init__(self, path: Path, batch: int = BATCH, threads: int | None = None):
        from ai_edge_litert.interpreter import Interpreter

        try:
            with quiet_native_stderr():  # "INFO: Created TensorFlow Lite XNNPACK delegate" is not for users
                self.interpreter = Interpreter(model_path=str(path), num_threads=threads or os.cpu_count() or 1)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{path}: LiteRT cannot load this model ({exc})") from exc
        self.input = self.interpreter.get_input_details()[0]
        self.batch = batch
        self.interpreter.resize_tensor_input(self.input["index"], [batch, 28, 28, 1])
        with quiet_native_stderr():  # the XNNPACK delegate announces itself here
            self.interpreter.allocate_tensors()
        outputs = self.interpreter.get_output_details()
        # Output order is the converter's; the 10-wide one is the softmax.
        self.probabilities = next(o["index"] for o in outputs if o["shape"][-1] == 10)
        self.embedding = next(o["index"] for o in outputs if o["index"] != self.probabilities)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x: (N, 28, 28, 1) float32 pixels 0-255. Returns probabilities (N, 10), embeddings (N, D)."""
        probabilities, embeddings = [], []
        for start in range(0, len(x), self.batch):
            chunk = x[start : start + self.batch]
            n = len(chunk)
            if n < self.batch:  # one input shape for the whole run: resizing would reallocate every time
                chunk = np.concatenate([chunk, np.zeros((self.batch - n, *chunk.shape[1:]), np.float32)])
            self.interpreter.set_tensor(self.input["index"], np.ascontiguousarray(chunk, dtype=np.float32))
            self.interpreter.invoke()
            probabilities.append(self.interpreter.get_tensor(self.probabilities)[:n].copy())
            embeddings.append(self.interpreter.get_tensor(self.embedding)[:n].copy())
        if not probabilities:
            return np.zeros((0, 10), np.float32), np.zeros((0, 0), np.float32)
        return np.concatenate(probabilities), np.concatenate(embeddings)


class Classifier:
    """The shipped model: probabilities and embeddings for batches of Fashion-MNIST-domain images."""

    def __init__(self, model_dir: Path):
        path, self.card = verified_artifact(model_dir, "litert")
        self.version = f"{self.card.get('name', 'model')}-{self.card['artifacts']['litert']['sha256'][:12]}"
        self._net = LiteRTNetwork(path)

    def predict(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """pixels: (N, 28, 28) uint8. Returns probabilities (N, 10) and embeddings (N, D), float32."""
        return self._net.predict(np.asarray(pixels, dtype=np.float32)[..., None])
