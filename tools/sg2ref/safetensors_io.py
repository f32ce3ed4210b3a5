"""
Minimal safetensors reader/writer (F32, F64, F16, I64, I32, U8) on NumPy arrays.

File layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}} padded
with spaces to a multiple of 8, then the raw little-endian tensor data; offsets are relative
to the start of the data. Tensors are written in sorted name order, back to back.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def _as_numpy(v):
    if hasattr(v, "detach"):  # torch.Tensor
        v = v.detach().cpu().numpy()
    return np.asarray(v)


def write(path, tensors, metadata=None):
    """tensors: {name: array-like (NumPy or torch)}; metadata: {str: any} stored as strings."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        a = np.array(_as_numpy(tensors[name]), order="C")  # np.ascontiguousarray would turn 0-d arrays into 1-d
        if a.dtype not in _NAMES:
            raise TypeError(f"{name}: unsupported dtype {a.dtype}")
        raw = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_with_metadata(path):
    """-> ({name: NumPy array (native byte order)}, {metadata})."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dt = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        if not 0 <= b <= e <= len(body) or e - b != dt.itemsize * int(np.prod(info["shape"], dtype=np.int64)):
            raise ValueError(f"{path}: bad data_offsets for {name}")
        out[name] = np.frombuffer(body[b:e], dtype=dt).reshape(info["shape"]).astype(dt.newbyteorder("="))
    return out, meta


def read(path):
    """-> {name: NumPy array}."""
    return read_with_metadata(path)[0]
