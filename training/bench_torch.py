"""PyTorch CPU time of the same sampling job `flexgen sample --model fashion` runs: DDIM at one
width and step count with classifier-free guidance (conditional + null batch of 2B per step),
from the exported weights (Sources/FlexGenSampler/Resources/fashion-unet.safetensors).

    python3 training/bench_torch.py --width 1 --steps 10 --count 100 --threads 1 --guidance 2

Prints the median of --repeats runs in ms/image and GFLOP/s (FLOPs as the Swift side counts them:
convolutions and linear layers, 2 per multiply-add, guided step = two passes), by wall time and by
process CPU time (time.process_time, every thread: on a shared machine the wall time mostly
measures the share of the cores the process got). Called by
benchmarks/fashion/speed.sh next to the Swift run, in the same shell.
"""
import argparse
import json
import os
import statistics
import struct
import time

import numpy as np
import torch

import model as M

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        buf = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(buf[b:e], dtype=dtype).reshape(info["shape"]).copy())
    return out, meta


def flops_per_pass(base, group, w):
    M.set_group(group)
    e, side = M.EMBED, 28
    c1, c2 = base, 2 * base
    a = lambda c: M.active(c, w)
    macs = M.TIME_FEATURES * e + e * e + 2 * a(c1) * 9 * side * side
    blocks = [([c1], c1, 28), ([c1], c2, 14), ([c2], c2, 7), ([c2], c2, 7), ([c2, c2], c2, 14), ([c2, c1], c1, 28)]
    for parts, out, s in blocks:
        cin = sum(a(p) for p in parts); co = a(out); px = s * s
        macs += co * cin * 9 * px + co * co * 9 * px + co * e
        if len(parts) > 1 or parts[0] != out:
            macs += co * cin * px
    return 2 * macs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--guidance", type=float, default=3.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    tensors, meta = read_safetensors(os.path.join(ROOT, "Sources/FlexGenSampler/Resources/fashion-unet.safetensors"))
    base, group = int(meta["baseChannels"]), int(meta["groupChannels"])
    M.set_group(group)
    net = M.SlimUNet(base)
    net.load_state_dict(tensors)
    net.eval()
    ab = M.linear_schedule()
    T = 1000
    seq = [((i + 1) * T) // a.steps - 1 for i in reversed(range(a.steps))]
    y = torch.arange(a.count) % 10
    times, cpu_times = [], []
    with torch.no_grad():
        for _ in range(a.repeats):
            x = torch.randn(a.count, 1, 28, 28)
            start, cpu_start = time.perf_counter(), time.process_time()
            for i, t in enumerate(seq):
                abar = ab[t].item(); aprev = ab[seq[i + 1]].item() if i + 1 < len(seq) else 1.0
                tt = torch.full((2 * a.count,), t)
                eps2 = net(torch.cat([x, x]), tt, torch.cat([y, torch.full_like(y, M.NULL_LABEL)]), a.width)
                eps = eps2[a.count:] + a.guidance * (eps2[:a.count] - eps2[a.count:])
                x0 = ((x - (1 - abar) ** 0.5 * eps) / abar ** 0.5).clamp(-1, 1)
                e = (x - abar ** 0.5 * x0) / (1 - abar) ** 0.5
                x = aprev ** 0.5 * x0 + (1 - aprev) ** 0.5 * e
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    median = statistics.median(times)
    cpu_median = statistics.median(cpu_times)
    flops = a.steps * 2 * flops_per_pass(base, group, a.width)
    print(f"pytorch {torch.__version__} ({a.threads} thread): {a.count} images, width {a.width}, {a.steps} steps, guidance {a.guidance}: "
          f"median {median:.3f} s of {a.repeats} ({1000 * median / a.count:.2f} ms/image, {flops * a.count / median / 1e9:.2f} GFLOP/s counted); "
          f"CPU median {cpu_median:.3f} s ({flops * a.count / cpu_median / 1e9:.2f} GFLOP/s per CPU second)")


if __name__ == "__main__":
    main()
