"""Reading a PyTorch state_dict file (the older single-file format) with pickle and numpy alone, never torch.

The file is a run of pickles: a magic number, a protocol version, system info, the state_dict whose
tensors point at storages by persistent id, the list of storage keys, then each storage's raw bytes.
Only the globals a state_dict of tensors needs are allowed; any other global in the file is refused,
so a planted `os.system` (or anything else) can never run.
"""

from __future__ import annotations

import collections
import pickle
import struct
from pathlib import Path

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL = 1001

_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class UnsafeWeights(pickle.UnpicklingError):
    """The file asks for a global outside the allow-list (or is not a state_dict file of this format)."""


class _StorageType:
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)


class _Storage:
    """A storage whose bytes follow the pickles; filled once they have been read."""

    def __init__(self, dtype: np.dtype, numel: int):
        self.dtype, self.numel, self.data = dtype, numel, None


class _LazyTensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self) -> np.ndarray:
        item = self.storage.dtype.itemsize
        flat = self.storage.data
        if not self.size:
            return np.array(flat[self.offset])
        return np.lib.stride_tricks.as_strided(
            flat[self.offset:], shape=self.size, strides=tuple(s * item for s in self.stride)).copy()


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    return _LazyTensor(storage, storage_offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, storages: dict):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise UnsafeWeights(f"refused to load {module}.{name}: not part of a plain state_dict")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise UnsafeWeights(f"unexpected persistent id {pid!r:.80}")
        _, storage_type, key, _location, numel = pid[:5]
        if key not in self.storages:
            self.storages[key] = _Storage(storage_type.dtype, int(numel))
        return self.storages[key]


class _Plain(pickle.Unpickler):
    """For the header and the key list: plain numbers, strings, lists and dicts only."""

    def find_class(self, module: str, name: str):
        raise UnsafeWeights(f"refused to load {module}.{name}: the header holds plain values only")


def load_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """The tensors of a legacy-format PyTorch state_dict file as numpy arrays (UnsafeWeights if it is anything else)."""
    try:
        return _load(path)
    except UnsafeWeights:
        raise
    except (pickle.UnpicklingError, EOFError, struct.error, KeyError, IndexError, ValueError, TypeError,
            AttributeError) as exc:
        raise UnsafeWeights(f"{path}: not a readable PyTorch state_dict ({type(exc).__name__}: {exc})") from exc


def _load(path: str | Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        if _Plain(f).load() != MAGIC:
            raise UnsafeWeights(f"{path}: not a PyTorch state_dict file in the single-file format")
        if _Plain(f).load() != PROTOCOL:
            raise UnsafeWeights(f"{path}: unsupported PyTorch file protocol")
        _Plain(f).load()  # system info: byte order and type sizes
        storages: dict = {}
        state = _Unpickler(f, storages).load()
        keys = _Plain(f).load()
        for key in keys:
            storage = storages[key]
            (count,) = struct.unpack("<q", f.read(8))
            raw = f.read(count * storage.dtype.itemsize)
            if count != storage.numel or len(raw) != count * storage.dtype.itemsize:
                raise UnsafeWeights(f"{path}: storage {key} is truncated")
            storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    if not isinstance(state, dict):
        raise UnsafeWeights(f"{path}: holds a {type(state).__name__}, not a state_dict")
    return {name: value.array() for name, value in state.items() if isinstance(value, _LazyTensor)}
