"""Trains the slimmable conditional U-Net (model.py) on Fashion-MNIST on the CPU, wall-clock budgeted.

    nohup nice -n 5 python3 training/train.py --time-budget-min 55 --out training/runs/fashion \
        > /tmp/fashion-train.log 2>&1 &

Sandwich rule with in-place distillation (Yu & Huang 2019; DDSM, ICLR 2024): every step runs the
largest width (w = 1, loss against the true noise), the smallest (w = 0.25) and `--random-widths`
widths drawn uniformly from (0.25, 1); each smaller width's loss is
    0.5 * ||eps_w - eps||^2 + 0.5 * ||eps_w - stopgrad(eps_1)||^2.
Labels are replaced by the null label (10) with probability `--label-dropout` (classifier-free
guidance). Seeded (torch, numpy, python). One thread: on this shared 2-core machine a single
OpenMP thread is ~10x faster per step than two that spin-wait on each other.
Checkpoints (model, EMA, optimiser, step) every `--checkpoint-min` minutes and at the end, so an early
stop still leaves usable weights; the per-width loss goes to loss.csv.
"""
import argparse
import csv
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

import data
import model as M
import safetensors_io


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--time-budget-min", type=float, default=55)
    p.add_argument("--out", default="training/runs/fashion")
    p.add_argument("--base", type=int, default=16)
    p.add_argument("--group", type=int, default=4)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--label-dropout", type=float, default=0.1)
    p.add_argument("--random-widths", type=int, default=1)
    p.add_argument("--checkpoint-min", type=float, default=5)
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0 = only the time budget)")
    p.add_argument("--init-from", default=None,
                   help="safetensors U-Net (export.py's format) to fine-tune from; its stepsTrained and "
                        "trainingSeconds are carried into the checkpoint so the totals stay true")
    p.add_argument("--lr-schedule", choices=["constant", "cosine"], default="constant",
                   help="after the warm-up: constant, or cosine decay to 5%% of --lr at the time budget")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed); np.random.seed(a.seed); random.seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    M.set_group(a.group)
    net = M.SlimUNet(a.base)
    prior_steps, prior_seconds = 0, 0.0
    if a.init_from:
        tensors, meta = safetensors_io.read_safetensors(a.init_from)
        if int(meta["baseChannels"]) != a.base or int(meta["groupChannels"]) != a.group:
            raise SystemExit(f"--init-from: base/group {meta['baseChannels']}/{meta['groupChannels']} "
                             f"do not match --base {a.base} --group {a.group}")
        net.load_state_dict(tensors)
        prior_steps = int(meta.get("stepsTrained", 0))
        prior_seconds = float(meta.get("trainingSeconds", 0))
        print(f"fine-tuning from {a.init_from}: {prior_steps} steps, {prior_seconds / 60:.1f} min before", flush=True)
    ema = M.SlimUNet(a.base); ema.load_state_dict(net.state_dict())
    for q in ema.parameters(): q.requires_grad_(False)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=0.0)
    alpha_bar = M.linear_schedule().to(torch.float32)
    x_all, y_all = data.load("train")
    n = x_all.shape[0]
    gen = torch.Generator().manual_seed(a.seed)

    start = time.time()
    budget = a.time_budget_min * 60
    last_ckpt = start
    step = 0
    log = open(os.path.join(a.out, "loss.csv"), "w", newline="")
    writer = csv.writer(log)
    writer.writerow(["step", "seconds", "width", "loss_true_noise", "loss_distill"])
    order = torch.randperm(n, generator=gen); cursor = 0

    def save(tag):
        state = {"model": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                 "step": prior_steps + step, "seconds": prior_seconds + time.time() - start,
                 "run_steps": step, "run_seconds": time.time() - start, "args": vars(a)}
        tmp = os.path.join(a.out, f"{tag}.pt.tmp")
        torch.save(state, tmp)
        os.replace(tmp, os.path.join(a.out, f"{tag}.pt"))

    while time.time() - start < budget and (a.max_steps == 0 or step < a.max_steps):
        if cursor + a.batch > n:
            order = torch.randperm(n, generator=gen); cursor = 0
        idx = order[cursor:cursor + a.batch]; cursor += a.batch
        x0, y = x_all[idx], y_all[idx].clone()
        drop = torch.rand(a.batch, generator=gen) < a.label_dropout
        y[drop] = M.NULL_LABEL
        t = torch.randint(0, 1000, (a.batch,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        ab = alpha_bar[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps

        # linear warm-up over 200 steps, then constant or cosine-decayed over the time budget
        lr = a.lr * min(1.0, (step + 1) / 200)
        if a.lr_schedule == "cosine":
            frac = min(1.0, (time.time() - start) / budget)
            lr *= 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups: g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        pred1 = net(xt, t, y, 1.0)
        loss1 = F.mse_loss(pred1, eps)
        total = loss1
        rows = [(1.0, loss1.item(), 0.0)]
        teacher = pred1.detach()
        widths = [0.25] + [0.25 + 0.75 * torch.rand(1, generator=gen).item() for _ in range(a.random_widths)]
        for w in widths:
            pw = net(xt, t, y, w)
            lt, ld = F.mse_loss(pw, eps), F.mse_loss(pw, teacher)
            total = total + 0.5 * lt + 0.5 * ld
            rows.append((w, lt.item(), ld.item()))
        total.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        step += 1
        with torch.no_grad():
            d = a.ema if a.init_from else min(a.ema, (1 + step) / (10 + step))
            for pe, pn in zip(ema.parameters(), net.parameters()):
                pe.mul_(d).add_(pn, alpha=1 - d)
        elapsed = time.time() - start
        for w, lt, ld in rows:
            writer.writerow([step, f"{elapsed:.1f}", f"{w:.4f}", f"{lt:.5f}", f"{ld:.5f}"])
        if step % 20 == 0:
            log.flush()
            print(f"step {step} t={elapsed/60:.1f}min loss(w=1)={rows[0][1]:.4f} loss(w=0.25)={rows[1][1]:.4f}", flush=True)
        if time.time() - last_ckpt > a.checkpoint_min * 60:
            save("checkpoint"); last_ckpt = time.time()
    save("checkpoint")
    log.close()
    print(f"done: {step} steps in {(time.time() - start) / 60:.1f} min"
          + (f" (total with --init-from: {prior_steps + step} steps, {(prior_seconds + time.time() - start) / 60:.1f} min)"
             if a.init_from else ""), flush=True)


if __name__ == "__main__":
    main()
