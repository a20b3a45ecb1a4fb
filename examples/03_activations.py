"""Study 3 — activation matters: sigmoid, none, relu and tanh, each at its best learning rate and width.

One sweep over activation × alpha × width on normalised hw5 with bias; each activation's winner is the
member with the lowest validation loss. The alpha grid reaches below the previous smallest value, so a
winner at the grid's edge would show. Each winner is then retrained with five seeds: differences smaller
than the seed-to-seed spread are not differences. Without an activation the network is a linear model
however many layers it has, and it ends where a linear model ends.
"""
import os
import statistics

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
seeds = [5, 6] if quick() else [5, 6, 7, 8, 9]
alphas = [0.0001, 0.001] if quick() else [0.00003, 0.0001, 0.0003, 0.001]
base = {"dataset": "hw5", "bias": True, "normalize": True, "scale": 0.3, "iterations": 300 if quick() else 6000,
        "seed": seeds[0], "validationFraction": 0.2, "alpha": 0.0003, "layers": [20]}
sweep = ty.sweep({
    "name": "activations",
    "base": base,
    "grid": {"activation": ["sigmoid", "none", "relu", "tanh"], "alpha": alphas,
             "layers": [[20]] if quick() else [[20], [20, 20]]},
})
winners = {}
for entry in sweep["leaderboard"]:
    activation = entry["parameters"]["activation"]
    if entry["status"] == "SUCCEEDED" and activation not in winners:
        winners[activation] = entry
print(f"Best of {len(sweep['leaderboard'])} runs by validation loss (seed {seeds[0]}); alpha grid {alphas}:")
print(table([[a, e["label"], e["trainLoss"], e["validationLoss"], e["testLoss"],
              "yes" if e["parameters"]["alpha"] in (alphas[0], alphas[-1]) else "no"] for a, e in winners.items()],
            ["activation", "best settings", "train SSE", "validation SSE", "test SSE", "at the grid's edge"]))
print()

jobs = ty.train_all([{**base, **e["parameters"], "seed": seed, "name": f"{a}, seed {seed}"}
                     for a, e in winners.items() for seed in seeds])
rows = []
for k, activation in enumerate(winners):
    runs = [j for j in jobs[k * len(seeds):(k + 1) * len(seeds)] if j["status"] == "SUCCEEDED"]
    cells = [f"{statistics.mean(j[key] for j in runs):,.1f} ± {statistics.stdev(j[key] for j in runs):,.1f}"
             for key in ("trainLoss", "validationLoss", "testLoss")]
    rows.append([activation, *cells, len(runs)])
print(f"Each winner's settings with {len(seeds)} seeds (mean ± standard deviation):")
print(table(rows, ["activation", "train SSE", "validation SSE", "test SSE", "seeds"]))
ids = ",".join(e["jobId"] for e in winners.values())
ty.download("/jobs/compare", os.path.join(out_dir(), "activations-validation.png"), ids=ids, series="validation",
            format="png")
