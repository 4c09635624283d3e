"""Exports the trained U-Net (EMA weights) and classifier to safetensors for the Swift side, each with a
SHA-256 file, plus the parity fixtures the Swift tests compare against (so CI needs no PyTorch).

    python3 training/export.py --run training/runs/fashion            # trained weights
    python3 training/export.py --run training/runs/fashion-ft --classifier-from-resources   # a fine-tuned U-Net, same classifier
    python3 training/export.py --random-seed 7                         # random weights (parity only)

Writes (paths relative to the repository root):
  Sources/FlexGenSampler/Resources/fashion-unet.safetensors (+ .sha256)
  Sources/FlexGenSampler/Resources/fashion-classifier.safetensors (+ .sha256)
  Tests/FlexGenSamplerTests/Fixtures/fashion-parity.safetensors
The safetensors writer is the format's reference layout (8-byte little-endian header length, JSON
header padded with spaces to a multiple of 8, tensors back to back), written here so that the
export needs only torch and numpy.
"""
import argparse
import hashlib
import json
import os
import struct

import numpy as np
import torch

import data
import model as M
import safetensors_io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "Sources", "FlexGenSampler", "Resources")
FIXTURES = os.path.join(ROOT, "Tests", "FlexGenSamplerTests", "Fixtures")
PARITY_WIDTHS = [0.25, 0.5, 0.75, 1.0, 0.6]


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        arr = tensors[name]
        if arr.dtype == np.float32:
            dtype = "F32"
        elif arr.dtype == np.int64:
            dtype = "I64"
        else:
            raise ValueError(f"{name}: unsupported dtype {arr.dtype}")
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def write_checksum(path):
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with open(path + ".sha256.tmp", "w") as f:
        f.write(f"{digest}  {os.path.basename(path)}\n")
    os.replace(path + ".sha256.tmp", path + ".sha256")
    return digest


def randomise(module, seed):
    """Every parameter ~ N(0, (1/sqrt(fan_in))^2), GroupNorm scales ~ 1 + N(0, 0.1^2): non-trivial weights
    for parity (the trained-from-scratch init has zero output convolutions)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", default=None, help="directory with checkpoint.pt and classifier.pt")
    p.add_argument("--random-seed", type=int, default=None)
    p.add_argument("--classifier-from-resources", action="store_true",
                   help="re-export the shipped classifier (weights and metadata) instead of the run's classifier.pt")
    a = p.parse_args()
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)

    meta_common = {"schedule": "linear", "betaStart": 1e-4, "betaEnd": 0.02, "timesteps": 1000}
    if a.run:
        ck = torch.load(os.path.join(a.run, "checkpoint.pt"), weights_only=False)
        args = ck["args"]
        M.set_group(args["group"])
        unet = M.SlimUNet(args["base"])
        unet.load_state_dict(ck["ema"])
        training = {"source": "ema", "stepsTrained": ck["step"], "trainingSeconds": round(ck["seconds"], 1),
                    "seed": args["seed"], "batchSize": args["batch"], "learningRate": args["lr"],
                    "labelDropout": args["label_dropout"],
                    "command": f"python3 training/train.py --time-budget-min {args['time_budget_min']}"}
        if args.get("init_from"):
            # A fine-tune: the totals above include the run it started from; say how they split.
            training.update({"fineTuneSteps": ck["run_steps"], "fineTuneSeconds": round(ck["run_seconds"], 1),
                             "command": f"python3 training/train.py --init-from {args['init_from']}"
                                        f" --time-budget-min {args['time_budget_min']} --lr-schedule {args['lr_schedule']}"
                                        f" --ema {args['ema']} --seed {args['seed']}"})
        classifier = M.FashionClassifier()
        if a.classifier_from_resources:
            ctensors, cls_meta = safetensors_io.read_safetensors(os.path.join(RESOURCES, "fashion-classifier.safetensors"))
            classifier.load_state_dict(ctensors)
            cls_meta = {k: v for k, v in cls_meta.items() if k != "format"}
        else:
            cls_ck = torch.load(os.path.join(a.run, "classifier.pt"), weights_only=False)
            classifier.load_state_dict(cls_ck["model"])
            cls_meta = {"testAccuracy": round(cls_ck["test_accuracy"], 4), "epochs": cls_ck["epochs"],
                        "trainingSeconds": round(cls_ck["seconds"], 1)}
    else:
        seed = a.random_seed if a.random_seed is not None else 7
        M.set_group(4)
        unet = M.SlimUNet(16); randomise(unet, seed)
        classifier = M.FashionClassifier(); randomise(classifier, seed + 1)
        training = {"source": f"random weights, seed {seed} (parity fixtures only)"}
        cls_meta = {"source": f"random weights, seed {seed + 1}"}
    unet.eval(); classifier.eval()

    tensors = {k: v.detach().numpy().astype(np.float32) for k, v in unet.state_dict().items()}
    meta = {"format": "flexgen-fashion-unet/1", "baseChannels": unet.base, "groupChannels": M.GROUP,
            "timeFeatures": M.TIME_FEATURES, "embedding": M.EMBED, **meta_common, **training}
    unet_path = os.path.join(RESOURCES, "fashion-unet.safetensors")
    write_safetensors(unet_path, tensors, meta)
    print("unet", write_checksum(unet_path), os.path.getsize(unet_path), "bytes")
    ctensors = {k: v.detach().numpy().astype(np.float32) for k, v in classifier.state_dict().items()}
    cls_path = os.path.join(RESOURCES, "fashion-classifier.safetensors")
    write_safetensors(cls_path, ctensors, {"format": "flexgen-fashion-classifier/1", **cls_meta})
    print("classifier", write_checksum(cls_path), os.path.getsize(cls_path), "bytes")

    # Parity fixtures: 4 noisy inputs (t = 0, 250, 640, 999; labels 0, 3, 9 and the null label) at
    # five widths (the four trained ones and 0.6 in between), and the classifier on 6 real test images.
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(4, 1, 28, 28, generator=g)
    t = torch.tensor([0, 250, 640, 999])
    y = torch.tensor([0, 3, 9, M.NULL_LABEL])
    fx = {"x": x.numpy(), "t": t.numpy().astype(np.int64), "y": y.numpy().astype(np.int64),
          "widths": np.array(PARITY_WIDTHS, dtype=np.float32)}
    with torch.no_grad():
        for w in PARITY_WIDTHS:
            fx[f"eps_w{w:.2f}"] = unet(x, t, y, w).numpy()
        xt, yt = data.load("test")
        images = xt[:6]
        fx["images"] = images.numpy()
        fx["image_labels"] = yt[:6].numpy().astype(np.int64)
        fx["features"] = classifier.features(images).numpy()
        fx["logits"] = classifier(images).numpy()
    write_safetensors(os.path.join(FIXTURES, "fashion-parity.safetensors"), fx,
                      {"unetSha256": open(unet_path + ".sha256").read().split()[0],
                       "classifierSha256": open(cls_path + ".sha256").read().split()[0]})
    print("fixtures written")


if __name__ == "__main__":
    main()
