"""Classifying 28x28 images with the shipped LiteRT model and its photo head (checked against its card); no TensorFlow."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from wardrobe.vision.backend import quiet_native_stderr
from wardrobe.vision.card import ModelError, verified_artifact
from wardrobe.vision.head import PhotoHead

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
    """The shipped network and, where there is one, its photo head (a personal one wins when it fits the network).

    With a head, probabilities come from the head over the embedding averaged with the mirror image's;
    without one (a model trained but not yet fitted to photos), from the network's own softmax.
    """

    def __init__(self, model_dir: Path, personal_head: Path | None = None):
        path, self.card = verified_artifact(model_dir, "litert")
        network = self.card["artifacts"]["litert"]["sha256"]
        self.version = f"{self.card.get('name', 'model')}-{network[:12]}"
        self._net = LiteRTNetwork(path)
        self.head = self.shipped_head = None
        self.head_source = None
        if "head" in self.card["artifacts"]:
            head_path, _ = verified_artifact(model_dir, "head")
            try:
                self.shipped_head = PhotoHead.load(head_path)
            except ValueError as exc:
                raise ModelError(str(exc)) from exc
            self.head, self.head_source = self.shipped_head, "shipped"
        if personal_head is not None and Path(personal_head).is_file():
            try:
                head = PhotoHead.load(personal_head)
            except ValueError as exc:
                raise ModelError(f"{exc}; `wardrobe retrain --classifier --reset` removes it") from exc
            if head.network == network:  # adapted to another network: ignored, the shipped head applies
                self.head, self.head_source = head, "personal"
        if self.head is not None:
            self.version += f"+{self.head_source}-head"

    def network_outputs(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The network alone: softmax (N, 10) and the embedding averaged with the mirror image's (N, D)."""
        x = np.asarray(pixels, dtype=np.float32)[..., None]
        probabilities, embeddings = self._net.predict(x)
        _, mirrored = self._net.predict(x[:, :, ::-1])
        return probabilities, (embeddings + mirrored) / 2

    def predict(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """pixels: (N, 28, 28) uint8. Returns probabilities (N, 10) and embeddings (N, D), float32."""
        if self.head is None:
            return self._net.predict(np.asarray(pixels, dtype=np.float32)[..., None])
        _, embeddings = self.network_outputs(pixels)
        return self.head.probabilities(embeddings), embeddings
