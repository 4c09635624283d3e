"""Times one sandwich training step (batch 64, widths 1, 0.25, 0.6, forward + backward + AdamW) for
sizing the network before a wall-clock-budgeted run.

    python3 training/time_step.py --base 16 --group 4 --threads 1
"""
import argparse
import time

import torch

import model as M


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", type=int, default=16)
    p.add_argument("--group", type=int, default=4)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    M.set_group(a.group)
    m = M.SlimUNet(a.base)
    opt = torch.optim.AdamW(m.parameters(), 1e-3)
    x = torch.randn(a.batch, 1, 28, 28); t = torch.randint(0, 1000, (a.batch,)); y = torch.randint(0, 11, (a.batch,))
    for i in range(a.repeats):
        s = time.time()
        loss = ((m(x, t, y, 1.0) - x) ** 2).mean()
        for w in [0.25, 0.6]:
            loss = loss + ((m(x, t, y, w) - x) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        print(f"base {a.base}, {a.threads} thread(s), batch {a.batch}: step {i + 1} took {time.time() - s:.2f} s")


if __name__ == "__main__":
    main()
