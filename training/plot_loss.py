"""loss.csv (one row per step and width) -> loss-by-width.csv and loss-by-width.svg.

    python3 training/plot_loss.py training/runs/fashion/loss.csv training/
    python3 training/plot_loss.py training/runs/fashion-ft/loss.csv training/ --prior training/loss-by-width.csv --step-offset 1775

With --prior (the committed loss-by-width.csv of the run a fine-tune started from), its windows
come first and the new run's steps are shifted by --step-offset, so the curve covers the whole
training; a dashed line marks where the fine-tune began.

Widths are binned as 1, 0.25 and "random" (the sandwich's uniformly drawn middle widths); each
point is the mean loss against the true noise over a window of 20 steps. The SVG is written by
hand (no plotting dependency).
"""
import argparse
import csv
import os
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source"); ap.add_argument("out_dir")
    ap.add_argument("--prior", default=None); ap.add_argument("--step-offset", type=int, default=0)
    a = ap.parse_args()
    source, out_dir = a.source, a.out_dir
    prior = []
    if a.prior:
        with open(a.prior) as f:
            prior = [{k: (int(v) if k == "step" else (float(v) if v != "" else "")) for k, v in r.items()}
                     for r in csv.DictReader(f)]
    window = 20
    sums = defaultdict(lambda: [0.0, 0, 0.0])
    with open(source) as f:
        for row in csv.DictReader(f):
            w = float(row["width"])
            key = "1" if w == 1.0 else ("0.25" if w == 0.25 else "random")
            b = (int(row["step"]) - 1) // window
            s = sums[(key, b)]
            s[0] += float(row["loss_true_noise"]); s[1] += 1; s[2] += float(row["loss_distill"])
    keys = ["1", "random", "0.25"]
    bins = sorted({b for (_, b) in sums})
    rows = []
    for b in bins:
        row = {"step": (b + 1) * window}
        for k in keys:
            s = sums.get((k, b))
            row[f"loss_w{k}"] = round(s[0] / s[1], 5) if s else ""
            row[f"distill_w{k}"] = round(s[2] / s[1], 5) if s and k != "1" else ""
        rows.append(row)
    for row in rows:
        row["step"] += a.step_offset
    rows = prior + rows
    with open(os.path.join(out_dir, "loss-by-width.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader(); w.writerows(rows)
    # SVG: x = step, y = loss (linear, 0 … max of the first window).
    W, H, m = 640, 360, 50
    xmax = rows[-1]["step"]
    ymax = max(float(r[f"loss_w{k}"]) for r in rows for k in keys if r[f"loss_w{k}"] != "")
    colors = {"1": "#1f77b4", "random": "#2ca02c", "0.25": "#d62728"}
    def x(v): return m + (W - 2 * m) * v / xmax
    def y(v): return H - m - (H - 2 * m) * v / ymax
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>',
             f'<line x1="{m}" y1="{H-m}" x2="{W-m}" y2="{H-m}" stroke="black"/>',
             f'<line x1="{m}" y1="{m}" x2="{m}" y2="{H-m}" stroke="black"/>',
             f'<text x="{W/2}" y="{H-12}" text-anchor="middle">training step (batch 64)</text>',
             f'<text x="14" y="{H/2}" transform="rotate(-90 14 {H/2})" text-anchor="middle">ε-MSE vs true noise (20-step mean)</text>']
    for i in range(5):
        v = ymax * i / 4
        parts.append(f'<text x="{m-6}" y="{y(v)+4:.1f}" text-anchor="end">{v:.2f}</text>')
        s = xmax * i / 4
        parts.append(f'<text x="{x(s):.1f}" y="{H-m+16}" text-anchor="middle">{s:.0f}</text>')
    if prior:
        parts.append(f'<line x1="{x(a.step_offset):.1f}" y1="{m}" x2="{x(a.step_offset):.1f}" y2="{H-m}" stroke="gray" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x(a.step_offset)+4:.1f}" y="{m+60}" fill="gray">fine-tune from step {a.step_offset}</text>')
    for j, k in enumerate(keys):
        pts = " ".join(f"{x(r['step']):.1f},{y(float(r[f'loss_w{k}'])):.1f}" for r in rows if r[f"loss_w{k}"] != "")
        parts.append(f'<polyline fill="none" stroke="{colors[k]}" stroke-width="1.5" points="{pts}"/>')
        parts.append(f'<text x="{W-m-120}" y="{m+16*j}" fill="{colors[k]}">width {k}</text>')
    parts.append("</svg>")
    with open(os.path.join(out_dir, "loss-by-width.svg"), "w") as f:
        f.write("\n".join(parts))
    print(f"{len(rows)} windows; last: " + ", ".join(f"w{k} {float(rows[-1][f'loss_w{k}']):.4f}" for k in keys if rows[-1][f"loss_w{k}"] != ""))


if __name__ == "__main__":
    main()
