"""Running a LiteRT flatbuffer on numpy batches, quietly, without TensorFlow."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from wardrobe.vision.card import ModelError
from wardrobe.vision.native import quiet_native_stderr


class LiteRTModel:
    """One image input, any outputs; run in chunks of at most `batch`, the input resized only when a chunk's size changes.

    pad=True runs every chunk at the full batch size (zero-padded), for models so cheap per image that one
    fixed shape beats re-preparing the interpreter; pad=False suits expensive ones, where a lone photo
    must not pay for a whole batch.
    """

    def __init__(self, path: Path, batch: int, pad: bool, threads: int | None = None):
        from ai_edge_litert.interpreter import Interpreter

        try:
            with quiet_native_stderr():  # "INFO: Created TensorFlow Lite XNNPACK delegate" is not for users
                self.interpreter = Interpreter(model_path=str(path), num_threads=threads or os.cpu_count() or 1)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{path}: LiteRT cannot load this model ({exc})") from exc
        self.input = self.interpreter.get_input_details()[0]
        self.item_shape = tuple(int(v) for v in self.input["shape"][1:])
        self.outputs = self.interpreter.get_output_details()
        self.batch, self.pad, self._size = batch, pad, None

    def output_sizes(self) -> list[int]:
        return [int(o["shape"][-1]) for o in self.outputs]

    def ready(self, n: int) -> None:
        """Prepare the interpreter for chunks of n now (in the calling thread), not at the first run."""
        self._resize(min(n, self.batch))

    def _resize(self, n: int) -> None:
        if self._size != n:
            self.interpreter.resize_tensor_input(self.input["index"], [n, *self.item_shape])
            with quiet_native_stderr():  # the XNNPACK delegate announces itself here
                self.interpreter.allocate_tensors()
            self._size = n

    def run(self, x: np.ndarray) -> list[np.ndarray]:
        """x: (N, *item_shape) float32. Returns each output, (N, size), in the model's output order."""
        x = np.asarray(x, dtype=np.float32)
        results: list[list[np.ndarray]] = [[] for _ in self.outputs]
        for start in range(0, len(x), self.batch):
            chunk = x[start : start + self.batch]
            n = len(chunk)
            if self.pad and n < self.batch:
                chunk = np.concatenate([chunk, np.zeros((self.batch - n, *chunk.shape[1:]), np.float32)])
            self._resize(len(chunk))
            self.interpreter.set_tensor(self.input["index"], np.ascontiguousarray(chunk))
            self.interpreter.invoke()
            for out, found in zip(self.outputs, results):
                found.append(self.interpreter.get_tensor(out["index"])[:n].copy())
        return [np.concatenate(found) if found else np.zeros((0, size), np.float32)
                for found, size in zip(results, self.output_sizes())]
