"""Study 4 — vanishing and exploding gradients in a 9-layer network, a fix, and zero initialisation.

Nine weight matrices (eight hidden layers of 10 units) on normalised hw5 without bias, small learning rate.
Part one: `scale` ∈ {0.1, 1, 3}, without an activation and with sigmoid; the table compares the gradient
norms of the first and last weight matrix before the first update, for five seeds, and what the
training then did. Part two (question 3): the fix without sigmoid — normalised inputs and a scale of
about 1/√fan-in (√2/√fan-in for relu). Part three: mean σ′ per layer at initialisation, computed from
the initial weights (a job with 0 iterations stores them as a model). Part four: zero initialisation.
"""
import math
import os
import statistics

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
depth = 8
width = 10
iterations = 30 if quick() else 300
seeds = [3] if quick() else [3, 4, 5, 6, 7]
MEAN_SSE = 2776.2  # predicting the training mean (00_baselines.py)
fan_in = 1 / math.sqrt(width)
configs = [(a, s) for a in ("none", "sigmoid") for s in (0.1, 1.0, 3.0)]
configs += [("none", round(fan_in, 3)), ("relu", round(math.sqrt(2) * fan_in, 3))]


def spec(activation, scale, seed, iterations=iterations, bias=False):
    return {"name": f"{depth + 1} layers, {activation}, scale {scale:g}, seed {seed}", "dataset": "hw5",
            "layers": [width] * depth, "activation": activation, "bias": bias, "normalize": True,
            "scale": scale, "alpha": 1e-5, "iterations": iterations, "seed": seed}


def outcome(job, losses):
    if job["status"] != "SUCCEEDED":
        return job["error"]["detail"].split(":")[0].replace("Training ", "")
    start, end = losses["train"][0], losses["train"][-1]
    if abs(start - end) < 0.01 * start:
        return f"did not move ({end:,.0f})"
    if end > 1.05 * MEAN_SSE:
        return f"moved, still worse than the mean ({start:,.0f} → {end:,.0f})"
    if end > 0.9 * MEAN_SSE:
        return f"learned only the mean ({start:,.0f} → {end:,.0f})"
    return f"trained ({start:,.0f} → {end:,.0f})"


jobs = ty.train_all([spec(a, s, seed) for a, s in configs for seed in seeds])
rows = []
for k, (activation, scale) in enumerate(configs):
    spreads, firsts, lasts, outcomes = [], [], [], []
    for j, seed in enumerate(seeds):
        job = jobs[k * len(seeds) + j]
        assert job["status"] == "SUCCEEDED" or job["error"]["type"] == "diverged", job
        norms = ty.gradients(job["id"], maxPoints=2)["layers"]
        first, last = norms["W0"][0], norms[f"W{depth}"][0]
        firsts.append(first)
        lasts.append(last)
        spreads.append(math.log10(last / first) if first > 0 else float("inf"))
        if j == 0:
            outcomes.append(outcome(job, ty.losses(job["id"], maxPoints=2)))
            name = f"gradients-{activation}-scale-{scale:g}.png".replace("0.", "0_")
            ty.download(f"/jobs/{job['id']}/gradients", os.path.join(out_dir(), name), format="png")
    spread = (f"{statistics.mean(spreads):.2f} ± {statistics.stdev(spreads):.2f} ({min(spreads):.2f} – {max(spreads):.2f})"
              if len(spreads) > 1 else f"{spreads[0]:.2f}")
    rows.append([activation, scale, statistics.median(firsts), statistics.median(lasts), spread, outcomes[0]])

print(table(rows, ["activation", "scale", "‖∂L/∂W0‖ (median)", f"‖∂L/∂W{depth}‖ (median)",
                   "log10(last / first): mean ± std (min – max)", f"outcome, seed {seeds[0]}"]))
print()


# Question 3's fix, trained for ten times longer and with bias (without it, a linear network on normalised
# inputs cannot even fit the mean): scale ≈ 1/√fan-in against the vanishing and exploding scales.
fix_iterations = 100 if quick() else 3000
fixes = [("none", 0.1), ("none", 1.0), ("none", round(fan_in, 3)), ("relu", round(math.sqrt(2) * fan_in, 3)),
         ("sigmoid", 0.1)]
fixed = ty.train_all([spec(a, s, seeds[0], iterations=fix_iterations, bias=True) for a, s in fixes])
rows = []
for (activation, scale), job in zip(fixes, fixed):
    losses = ty.losses(job["id"], maxPoints=2)
    rows.append([activation, scale, outcome(job, losses), job["testLoss"] if job["testLoss"] is not None else "–"])
    ty.download(f"/jobs/{job['id']}/losses",
                os.path.join(out_dir(), f"fix-{activation}-scale-{scale:g}-losses.png".replace("0.", "0_")), format="png")
print(table(rows, ["activation", "scale", f"train SSE (bias, {fix_iterations:,} iterations)", "test SSE"]))
print()


def sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v > -500 else 0.0


def mean_derivatives(model, x):
    """Mean σ′(IN) of every hidden layer over the training rows, from a model's (initial) weights."""
    pre = model["preprocessing"]
    a = [[(v - m) / s for v, m, s in zip(row, pre["mean"], pre["std"])] for row in x]
    means = []
    for l in range(depth):
        w = model["weights"][f"W{l}"]
        z = [[sum(ai * w[i][j] for i, ai in enumerate(row)) for j in range(len(w[0]))] for row in a]
        s = [[sigmoid(v) for v in row] for row in z]
        means.append(statistics.mean(v * (1 - v) for row in s for v in row))
        a = s
    return means


import csv

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "src", "main", "resources", "datasets", "hw5-train.csv")) as f:
    train_x = [list(map(float, r[:-1])) for r in list(csv.reader(f))[1:] if r]
if quick():
    train_x = train_x[:50]
initial = ty.train_all([spec("sigmoid", s, seeds[0], iterations=0) for s in (0.1, 1.0, 3.0)])
rows = []
for scale, job in zip((0.1, 1.0, 3.0), initial):
    means = mean_derivatives(ty.get(f"/models/{job['modelId']}"), train_x)
    rows.append([scale] + [f"{m:.3f}" for m in means] + [f"{math.prod(means):.1e}"])
print(table(rows, ["scale"] + [f"σ′ layer {l + 1}" for l in range(depth)] + ["product"]))
print()

# Zero initialisation: every weight and bias 0. Sigmoid units all output σ(0) = ½, identically.
zero = ty.train(spec("sigmoid", 0.0, seeds[0], bias=True))
norms = ty.gradients(zero["id"])["layers"]
print(table([[name, values[0], values[1] if len(values) > 1 else "", values[-1]] for name, values in norms.items()],
            ["layer", "‖∂L/∂W‖ at iteration 0", "at iteration 1", "at the end"]))
model = ty.get(f"/models/{zero['modelId']}")
distinct = []
for l in range(depth):
    w = model["weights"][f"W{l}"]
    columns = {tuple(round(w[i][j], 9) for i in range(len(w))) for j in range(len(w[0]))}
    distinct.append(len(columns))
print()
print(f"zero init: {outcome(zero, ty.losses(zero['id'], maxPoints=2))}; distinct hidden units per layer after "
      f"training: {distinct} (of {width} each)")
ty.download(f"/jobs/{zero['id']}/gradients", os.path.join(out_dir(), "gradients-zero-init.png"), format="png", log="false")
