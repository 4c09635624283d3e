"""Fashion-MNIST from Debian's `dataset-fashion-mnist` (apt install dataset-fashion-mnist):
IDX files in /usr/share/datasets/fashion-mnist. Pixels are scaled to [-1, 1]."""
import gzip
import os

import numpy as np
import torch

ROOT = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def _read(name):
    with gzip.open(os.path.join(ROOT, name), "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split="train"):
    prefix = "train" if split == "train" else "t10k"
    images = _read(f"{prefix}-images-idx3-ubyte.gz")
    labels = _read(f"{prefix}-labels-idx1-ubyte.gz")
    x = torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)[:, None]
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y
