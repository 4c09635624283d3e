"""Class accuracy of generated images against the guidance scale and the step count: a cheap probe
of how much of the accuracy is the sampler and how much the network (docs/fashion.md).

    python3 training/guidance_scan.py --count 300 --guidance 1 2 3 5 --steps 10 20 50
    python3 training/guidance_scan.py --unet training/runs/fashion-ft/checkpoint.pt   # a checkpoint's EMA

Same DDIM (eta 0, x0 clipped to [-1, 1], timesteps (i+1)·T/S − 1) and guidance
eps = eps_null + g·(eps_cond − eps_null) as the Swift sampler; labels cycle 0..9; the judge is the
shipped classifier (argmax of its logits). Seeded; one thread. Not the calibration's figure: the
documented numbers come from `flexgen calibrate --model fashion`.
"""
import argparse
import os

import torch

import model as M
import safetensors_io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "Sources", "FlexGenSampler", "Resources")


def load_unet(path):
    if path.endswith(".pt"):
        ck = torch.load(path, weights_only=False)
        M.set_group(ck["args"]["group"]); net = M.SlimUNet(ck["args"]["base"]); net.load_state_dict(ck["ema"])
        return net, f"{path} (EMA, step {ck['step']})"
    tensors, meta = safetensors_io.read_safetensors(path)
    M.set_group(int(meta["groupChannels"])); net = M.SlimUNet(int(meta["baseChannels"])); net.load_state_dict(tensors)
    return net, f"{path} ({meta.get('stepsTrained', '?')} steps)"


@torch.no_grad()
def sample(net, labels, width, steps, guidance, seed):
    ab = M.linear_schedule()
    seq = [((i + 1) * 1000) // steps - 1 for i in reversed(range(steps))]
    n = labels.shape[0]
    x = torch.randn(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    null = torch.full_like(labels, M.NULL_LABEL)
    for i, t in enumerate(seq):
        abar = ab[t].item(); aprev = ab[seq[i + 1]].item() if i + 1 < len(seq) else 1.0
        if guidance == 1:
            eps = net(x, torch.full((n,), t), labels, width)
        else:
            e2 = net(torch.cat([x, x]), torch.full((2 * n,), t), torch.cat([labels, null]), width)
            eps = e2[n:] + guidance * (e2[:n] - e2[n:])
        x0 = ((x - (1 - abar) ** 0.5 * eps) / abar ** 0.5).clamp(-1, 1)
        e = (x - abar ** 0.5 * x0) / (1 - abar) ** 0.5
        x = aprev ** 0.5 * x0 + (1 - aprev) ** 0.5 * e
    return x.clamp(-1, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--unet", default=os.path.join(RES, "fashion-unet.safetensors"))
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--width", type=float, nargs="+", default=[1.0])
    p.add_argument("--guidance", type=float, nargs="+", default=[1, 2, 3, 5])
    p.add_argument("--steps", type=int, nargs="+", default=[20])
    p.add_argument("--seed", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(1)
    net, what = load_unet(a.unet); net.eval()
    ctensors, _ = safetensors_io.read_safetensors(os.path.join(RES, "fashion-classifier.safetensors"))
    cls = M.FashionClassifier(); cls.load_state_dict(ctensors); cls.eval()
    labels = torch.arange(a.count) % 10
    print(f"{what}: {a.count} images per row")
    for w in a.width:
        for s in a.steps:
            for g in a.guidance:
                x = sample(net, labels, w, s, g, a.seed)
                with torch.no_grad():
                    acc = (cls(x).argmax(1) == labels).float().mean().item()
                print(f"width {w:g} steps {s} guidance {g:g}: accuracy {100 * acc:.1f} %", flush=True)


if __name__ == "__main__":
    main()
