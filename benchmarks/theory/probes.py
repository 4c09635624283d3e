"""Probes of the width–quality target on the stored theory measurements (docs/theory.md, "Where this
leaves the target"): how far laws outside the ones `flexgen calibrate --theory` scores could get.

    python3 benchmarks/theory/probes.py            # both models; numpy only, seconds

Reads problems/profiles/{digits,fashion}-theory-theory-inputs.json (the grid's FDs with their CIs,
the held-out ε-MSE per width and timestep) and prints, per model, held-out configurations within
their 95 % CI (widths other than 0.25 and 1) for:

1. first-order DDIM error propagation: the ε-excess at the timesteps an s-step DDIM visits, carried
   to the output through the later steps under a Gaussian data model with per-pixel variance λ
   (independent or coherent errors across steps), added to the measured width-1 column with one
   fitted constant; scanned over λ (the best over the scan is an optimistic figure);
2. "pinned" laws FD(w, s) = FD(1, s) + (FD(0.25, s) − FD(1, s))·X(w)/X(0.25), which reproduce the
   fit widths' whole measured columns, for X every single ε-profile timestep's excess and for X the
   samples' own class-accuracy drop at each step count (a sampled quantity: an oracle, not a law);
3. the 1-step column alone: every single timestep's excess with its own free offset and slope,
   least squares over all 7 widths in CI units (an in-sample fit, so an upper bound for any such
   law on that column);
4. what relaxing the target would buy: the class-decision K_c as the width term with 3 constants
   and with a 4th (a width-dependent step constant), fitted on widths 0.25 and 1 (weighted least
   squares), on every step count and, for Fashion, on the step counts ≥ 2 alone.

Not part of CI or the test suite (the Swift tool prints the figures the docs rest on); these are
exploration figures, quoted as such.
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
T = 1000
FIT = (0.25, 1.0)


def load(model):
    with open(os.path.join(ROOT, "problems", "profiles", f"{model}-theory-theory-inputs.json")) as f:
        d = json.load(f)
    e = d["epsilon"]
    ts = np.array(e["timesteps"])
    prof = {w: np.array(wd["perTimestep"]) for w, wd in zip(e["settings"]["widths"], e["widths"])}
    pts = {(p["width"], p["steps"]): p for p in d["points"]}
    alpha_bar = np.cumprod(1 - np.linspace(1e-4, 0.02, T))
    return d, ts, prof, pts, alpha_bar


def hit(p, predicted):
    return abs(predicted - p["frechetMean"]) <= p["frechetCI95"]


def visited(s):
    return [((i + 1) * T) // s - 1 for i in reversed(range(s))]


def propagated_excess(ts, prof, w, s, alpha_bar, lam, coherent):
    """Σ_i a_i·σ_i·√Δm_i (coherent, squared) or Σ_i (a_i·σ_i)²·Δm_i (independent): the x̂₀ error
    σ_i·δε_i of visited step i, its share (1 − σ_{i+1}/σ_i) of the next scaled state, then each later
    step's gain r + (1 − r)·λ/(λ + σ²) (the Gaussian denoiser's Jacobian); σ = √((1 − ᾱ)/ᾱ)."""
    sigma = np.sqrt((1 - alpha_bar) / alpha_bar)
    tau = visited(s)
    sig = [sigma[t] for t in tau] + [0.0]
    terms = []
    for i, t in enumerate(tau):
        coef = 1 - sig[i + 1] / sig[i]
        for j in range(i + 1, len(tau)):
            r = sig[j + 1] / sig[j]
            coef *= r + (1 - r) * lam / (lam + sig[j] ** 2)
        dm = max(0.0, np.interp(t, ts, prof[w]) - np.interp(t, ts, prof[1.0]))
        terms.append(coef * sig[i] * np.sqrt(dm))
    return sum(terms) ** 2 if coherent else sum(x * x for x in terms)


def propagation(model):
    d, ts, prof, pts, ab = load(model)
    widths, steps = sorted(prof), d["steps"]
    best = (0, None)
    for coherent in (False, True):
        for lam in (0.01, 0.03, 0.1, 0.3, 1, 3, 10, 1e9):
            x = {(w, s): propagated_excess(ts, prof, w, s, ab, lam, coherent) for w in widths for s in steps}
            y = {s: pts[(0.25, s)]["frechetMean"] - pts[(1.0, s)]["frechetMean"] for s in steps}
            kappa = sum(y[s] * x[(0.25, s)] for s in steps) / sum(x[(0.25, s)] ** 2 for s in steps)
            hits = sum(hit(pts[(w, s)], pts[(1.0, s)]["frechetMean"] + kappa * x[(w, s)])
                       for w in widths if w not in FIT for s in steps)
            best = max(best, (hits, f"λ = {lam:g}, {'coherent' if coherent else 'independent'}"))
    held = len([w for w in widths if w not in FIT]) * len(steps)
    print(f"  1. DDIM error propagation (reference column + 1 constant), best over the λ scan: "
          f"{best[0]} of {held} ({best[1]})")


def pinned(pts, widths, steps, shape):
    hits = 0
    for s in steps:
        a = pts[(1.0, s)]["frechetMean"]
        b = (pts[(0.25, s)]["frechetMean"] - a) / shape(0.25, s)
        hits += sum(hit(pts[(w, s)], a + b * shape(w, s)) for w in widths if w not in FIT)
    return hits


def pinned_laws(model):
    d, ts, prof, pts, _ = load(model)
    widths, steps = sorted(prof), d["steps"]
    held = len([w for w in widths if w not in FIT]) * len(steps)
    single = max((pinned(pts, widths, steps, lambda w, s, i=i: prof[w][i] - prof[1.0][i]), int(t))
                 for i, t in enumerate(ts) if prof[0.25][i] != prof[1.0][i])
    print(f"  2. pinned to the fit widths' columns, best single ε timestep (t = {single[1]}): {single[0]} of {held}")
    oracle = max((pinned(pts, widths, steps, lambda w, s, r=r: pts[(1.0, r)]["labelAccuracy"] - pts[(w, r)]["labelAccuracy"]), r)
                 for r in steps)
    print(f"     pinned, the samples' class-accuracy drop at {oracle[1]} steps as the width term (an oracle): "
          f"{oracle[0]} of {held}")


def one_step_column(model):
    d, ts, prof, pts, _ = load(model)
    widths = sorted(prof)
    if 1 not in d["steps"]:
        return
    y = np.array([pts[(w, 1)]["frechetMean"] for w in widths])
    ci = np.array([pts[(w, 1)]["frechetCI95"] for w in widths])
    best = 0
    for i in range(len(ts)):
        x = np.array([prof[w][i] - prof[1.0][i] for w in widths])
        design = np.c_[np.ones(len(widths)), x]
        coef, *_ = np.linalg.lstsq(design / ci[:, None], y / ci, rcond=None)
        best = max(best, int(np.sum(np.abs(design @ coef - y) <= ci)))
    print(f"  3. the 1-step column, one ε timestep with a free offset and slope fitted on all {len(widths)} widths: "
          f"at most {best} of {len(widths)} within the CI")


def fitted(law, start, pts, fit_points):
    """Weighted least squares (residuals in CI units) of `law(θ, w, s)` on `fit_points`, by
    Gauss–Newton with a numerical Jacobian and step halving (numpy only)."""
    theta = np.array(start, dtype=float)

    def residuals(th):
        return np.array([(law(th, w, s) - pts[(w, s)]["frechetMean"]) / pts[(w, s)]["frechetCI95"] for w, s in fit_points])

    for _ in range(200):
        r = residuals(theta)
        jac = np.empty((len(r), len(theta)))
        for j in range(len(theta)):
            h = 1e-6 * max(abs(theta[j]), 1)
            step = theta.copy()
            step[j] += h
            jac[:, j] = (residuals(step) - r) / h
        delta, *_ = np.linalg.lstsq(jac, -r, rcond=None)
        scale = 1.0
        while scale > 1e-6 and np.sum(residuals(theta + scale * delta) ** 2) > np.sum(r ** 2):
            scale /= 2
        theta = theta + scale * delta
        if np.linalg.norm(scale * delta) <= 1e-12 * (1 + np.linalg.norm(theta)):
            break
    return theta


def more_constants(model):
    """Laws with the class-decision K_c as the width term, fitted on widths 0.25 and 1: three
    constants with a width-independent step term, and four with a width-dependent step constant;
    scored on every held-out configuration and, for Fashion, on the step counts ≥ 2 alone."""
    d, ts, prof, pts, _ = load(model)
    widths, steps = sorted(prof), d["steps"]
    p, tc = d["epsilon"]["pixelCount"], d["anchors"]["classDecisionTimestep"]
    weights, spans = np.array(d["epsilon"]["weights"]), np.array(d["epsilon"]["spans"])
    kc = {w: 0.5 * p * float(np.sum([weights[i] * spans[i] * (prof[w][i] - prof[1.0][i]) for i in range(len(ts)) if ts[i] >= tc]))
          for w in widths}
    laws = {
        "3 constants, F + κ·K_c + c/s": (lambda th, w, s: th[0] + th[1] * kc[w] + th[2] / s, [10, 1, 10]),
        "4 constants, F + κ·K_c + (c + c'·K_c)/s": (lambda th, w, s: th[0] + th[1] * kc[w] + (th[2] + th[3] * kc[w]) / s,
                                                   [10, 1, 10, 0]),
    }
    for subset in ([steps] + ([[s for s in steps if s >= 2]] if 1 in steps else [])):
        for name, (law, start) in laws.items():
            theta = fitted(law, start, pts, [(w, s) for w in FIT for s in subset])
            held = [(w, s) for w in widths if w not in FIT for s in subset]
            hits = sum(hit(pts[c], law(theta, *c)) for c in held)
            label = "every step count" if subset == steps else "steps ≥ 2"
            print(f"  4. {name}, fitted on widths 0.25 and 1 ({label}): {hits} of {len(held)}")


def main():
    for model in ("digits", "fashion"):
        print(model)
        propagation(model)
        pinned_laws(model)
        one_step_column(model)
        more_constants(model)


if __name__ == "__main__":
    main()
