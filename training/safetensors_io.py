"""Reads the safetensors files export.py writes (8-byte little-endian header length, JSON header,
tensors back to back), so that a run can resume from the shipped weights with only torch and numpy."""
import json
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path):
    """Returns ({name: torch.Tensor}, metadata dict)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        arr = np.frombuffer(blob[base + start: base + end], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(arr.astype(_DTYPES[info["dtype"]]).reshape(info["shape"]).copy())
    return tensors, meta
