"""Study 5 — bias terms on three models, and normalisation × basis expansion × depth.

Part one: a linear model, a two-layer and a five-layer sigmoid network, each with and without bias
terms, five seeds each (mean ± standard deviation), and one chart of their training losses.
Part two: one sweep of 2 (normalize) × 3 (basisDegree) × 3 (depth: one layer = linear, two layers,
five layers) = 18 jobs, drawn as one 18-line chart of training loss, as the homework asks.
Unnormalised polynomial features span many orders of magnitude (x2 is in the tens, so x2³ is in the
tens of thousands): sigmoid units saturate, and such networks learn the mean and little else — the
table says so instead of calling them trained.
"""
import os
import statistics

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
iterations = 300 if quick() else 5000
seeds = [1, 2] if quick() else [1, 2, 3, 4, 5]
MEAN_PER_ROW = 2776.2 / 400  # predicting the training mean, per row (00_baselines.py)
models = {"one layer (linear)": [], "two layers": [20], "five layers": [20, 20, 20, 20]}


def judged(entry, rows):
    """What a finished run did, in words: a loss within 10 % of the mean predictor's learned nothing more."""
    if entry["status"] != "SUCCEEDED":
        error = entry.get("error")
        detail = (error.get("detail") if isinstance(error, dict) else error) or ""
        return detail.split(":")[0].replace("Training ", "") if "diverged" in detail else entry["status"].lower()
    return "learned only the mean" if entry["trainLoss"] > 0.9 * MEAN_PER_ROW * rows else "trained"


bias = ty.sweep({
    "name": "bias terms",
    "base": {"dataset": "hw5", "layers": [20], "activation": "sigmoid", "normalize": True, "scale": 0.3,
             "alpha": 0.0003, "iterations": iterations, "seed": 1, "validationFraction": 0.2},
    "grid": {"layers": list(models.values()), "bias": [False, True], "seed": seeds},
})
rows = []
chart = []
for name, layers in models.items():
    for with_bias in (False, True):
        runs = [e for e in bias["leaderboard"] if e["parameters"]["layers"] == layers
                and e["parameters"]["bias"] == with_bias and e["status"] == "SUCCEEDED"]
        cells = []
        for key in ("trainLoss", "validationLoss", "testLoss"):
            values = [e[key] for e in runs]
            cells.append(f"{statistics.mean(values):,.1f} ± {statistics.stdev(values):,.1f}")
        rows.append([name, with_bias, *cells, len(runs)])
        chart += [e["jobId"] for e in runs if e["parameters"]["seed"] == seeds[0]]
print(table(rows, ["model", "bias", "train SSE", "validation SSE", "test SSE", "seeds"]))
ty.download("/jobs/compare", os.path.join(out_dir(), "bias-three-models.png"), ids=",".join(chart), series="train",
            format="png")
print()

grid = ty.sweep({
    "name": "normalisation x basis x depth",
    "base": {"dataset": "hw5", "activation": "sigmoid", "bias": True, "scale": 0.3, "alpha": 0.0001,
             "iterations": iterations, "seed": 4, "validationFraction": 0.2, "layers": [20]},
    "grid": {"normalize": [False, True], "basisDegree": [1, 2, 3], "layers": list(models.values())},
})
depth = {len(layers): name for name, layers in models.items()}
rows = []
for e in sorted(grid["leaderboard"], key=lambda e: (e["parameters"]["normalize"], e["parameters"]["basisDegree"],
                                                    len(e["parameters"]["layers"]))):
    p = e["parameters"]
    losses = [e[k] if e["status"] == "SUCCEEDED" else "–" for k in ("trainLoss", "validationLoss", "testLoss")]
    rows.append([p["normalize"], p["basisDegree"], depth[len(p["layers"])], *losses, e["rank"], judged(e, 320)])
print(table(rows, ["normalize", "basisDegree", "model", "train SSE", "validation SSE", "test SSE", "rank", "outcome"]))
# in the order of the table, so the legend's neighbours are the table's neighbours
ids = ",".join(e["jobId"] for e in sorted(grid["leaderboard"], key=lambda e: (
    e["parameters"]["normalize"], e["parameters"]["basisDegree"], len(e["parameters"]["layers"]))))
ty.download("/jobs/compare", os.path.join(out_dir(), "normalisation-basis-depth.png"), ids=ids, series="train",
            format="png", width=1400, height=700)
