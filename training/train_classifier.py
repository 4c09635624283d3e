"""Trains the Fashion-MNIST classifier (model.FashionClassifier) whose 128-d penultimate layer is the
feature space for FD and whose arg-max is the class-accuracy judge. CPU, one thread, seeded.

    python3 training/train_classifier.py --epochs 2 --out training/runs/fashion
"""
import argparse
import os
import time

import torch
import torch.nn.functional as F

import data
import model as M


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--out", default="training/runs/fashion")
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    x, y = data.load("train")
    xt, yt = data.load("test")
    net = M.FashionClassifier()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(a.epochs):
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            acc = (net(xt).argmax(1) == yt).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {acc:.4f} ({(time.time() - start) / 60:.1f} min)", flush=True)
    torch.save({"model": net.state_dict(), "test_accuracy": acc, "epochs": a.epochs,
                "seconds": time.time() - start}, os.path.join(a.out, "classifier.pt"))


if __name__ == "__main__":
    main()
