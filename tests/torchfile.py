"""Writing PyTorch's single-file state_dict format without torch, for tests (a stand-in torch module pickles the globals)."""

from __future__ import annotations

import collections
import pickle
import struct
import sys
import types
from pathlib import Path

import numpy as np

_DTYPES = {np.dtype(np.float32): "FloatStorage", np.dtype(np.int64): "LongStorage"}


def _fake_torch() -> dict[str, types.ModuleType]:
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")
    for name in _DTYPES.values():
        cls = type(name, (), {"__module__": "torch", "__qualname__": name})
        setattr(torch, name, cls)

    def _rebuild_tensor_v2(*args):  # never called here: only its name is pickled
        raise AssertionError

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    torch._utils = utils
    return {"torch": torch, "torch._utils": utils}


class _Tensor:
    def __init__(self, key: str, array: np.ndarray, modules):
        self.key, self.array, self.modules = key, np.array(array, order="C"), modules

    def __reduce__(self):
        strides = tuple(s // self.array.itemsize for s in self.array.strides)
        storage = ("storage", getattr(self.modules["torch"], _DTYPES[self.array.dtype]), self.key, "cpu", self.array.size)
        return (self.modules["torch._utils"]._rebuild_tensor_v2,
                (_StorageRef(storage), 0, self.array.shape, strides, False, collections.OrderedDict()))


class _StorageRef:
    def __init__(self, pid):
        self.pid = pid


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, _StorageRef) else None


def write_state_dict(path: Path, state: dict[str, np.ndarray], extra: object = None) -> Path:
    """Write state (name -> array) as torch.save did before zip files; `extra`, if given, is pickled into it too."""
    modules = _fake_torch()
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    try:
        tensors = collections.OrderedDict((k, _Tensor(str(i), v, modules)) for i, (k, v) in enumerate(state.items()))
        if extra is not None:
            tensors["extra"] = extra
        with open(path, "wb") as f:
            for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
                pickle.dump(header, f, protocol=2)
            _Pickler(f, protocol=2).dump(tensors)
            keys = [t.key for t in tensors.values() if isinstance(t, _Tensor)]
            pickle.dump(keys, f, protocol=2)
            for t in tensors.values():
                if isinstance(t, _Tensor):
                    f.write(struct.pack("<q", t.array.size) + t.array.astype(t.array.dtype.newbyteorder("<")).tobytes())
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return Path(path)


def tiny_efficientnet_state(seed: int = 0, features: int = 32) -> dict[str, np.ndarray]:
    """An EfficientNet-Lite-shaped state_dict (lukemelas names) with one small block per stage and random weights."""
    rng = np.random.default_rng(seed)
    state: dict[str, np.ndarray] = {}

    def bn(prefix, n):
        state.update({f"{prefix}.weight": rng.uniform(0.5, 1.5, n), f"{prefix}.bias": rng.normal(0, 0.1, n),
                      f"{prefix}.running_mean": rng.normal(0, 0.1, n), f"{prefix}.running_var": rng.uniform(0.5, 1.5, n),
                      f"{prefix}.num_batches_tracked": np.array(7, np.int64)})

    def conv(name, out, inp, k):
        state[name] = rng.normal(0, np.sqrt(2 / (inp * k * k)), (out, inp, k, k))

    conv("_conv_stem.weight", 8, 3, 3)
    bn("_bn0", 8)
    channels = [8, 8, 12, 16, 20, 24, 28, 32]  # every stage changes the width, as EfficientNet's do
    for i in range(7):
        p, inp, out = f"_blocks.{i}.", channels[i], channels[i + 1]
        mid = inp if i == 0 else inp * 2
        if i:
            conv(p + "_expand_conv.weight", mid, inp, 1)
            bn(p + "_bn0", mid)
        state[p + "_depthwise_conv.weight"] = rng.normal(0, 0.3, (mid, 1, 3, 3))
        bn(p + "_bn1", mid)
        conv(p + "_project_conv.weight", out, mid, 1)
        bn(p + "_bn2", out)
    conv("_conv_head.weight", features, channels[-1], 1)
    bn("_bn1", features)
    state["_fc.weight"] = rng.normal(0, 0.1, (1000, features))
    state["_fc.bias"] = rng.normal(0, 0.1, 1000)
    return {k: np.asarray(v, np.int64 if k.endswith("num_batches_tracked") else np.float32) for k, v in state.items()}
