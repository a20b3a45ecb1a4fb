"""Study 1 — three models, tuned: a linear model, a two-layer and a five-layer network on hw5.

One sweep tries every combination of architecture, learning rate and initial scale, with 20 % of the
training rows held out for validation; the number of iterations is tuned too, by reading each run's
history at 2,000, 4,000 and 6,000 iterations (the same seed gives the same trajectory, so this is what
shorter runs would end at). Each family's winner is the candidate with the lowest validation loss; the
test set is only looked at after the choice. The winners are then retrained with five seeds (which also
changes the validation rows) to see how much of the ranking is luck, and their training loss is set
against the noise floor of the rows they were trained on.
"""
import os
import statistics

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
NOISE_PER_ROW = 0.79  # 00_baselines.py
iterations = 300 if quick() else 6000
checkpoints = [100, 200, 300] if quick() else [2000, 4000, 6000]
seeds = [11, 12] if quick() else [11, 12, 13, 14, 15]
families = {
    "one layer (linear)": [[]],
    "two layers": [[10], [30]],
    "five layers": [[10, 10, 10, 10], [20, 20, 20, 20]],
}
base = {"dataset": "hw5", "activation": "sigmoid", "bias": True, "normalize": True, "scale": 0.3,
        "iterations": iterations, "seed": seeds[0], "validationFraction": 0.2, "alpha": 0.0003}
sweep = ty.sweep({
    "name": "three models",
    "base": base,
    "grid": {"layers": [layers for options in families.values() for layers in options],
             "alpha": [0.001] if quick() else [0.0001, 0.0003, 0.001], "scale": [0.1, 1.0] if quick() else [0.1, 0.3, 1.0]},
    "selectBy": "validation",
})


def family(layers):
    return {0: "one layer (linear)", 1: "two layers", 4: "five layers"}[len(layers)]


candidates = []
for entry in sweep["leaderboard"]:
    if entry["status"] != "SUCCEEDED":
        continue
    losses = ty.losses(entry["jobId"])
    for at in checkpoints:
        i = losses["iteration"].index(at)
        candidates.append({**entry["parameters"], "iterations": at, "train": losses["train"][i],
                           "validation": losses["validation"][i], "test": losses["test"][i], "jobId": entry["jobId"]})
winners = {}
for c in sorted(candidates, key=lambda c: c["validation"]):
    winners.setdefault(family(c["layers"]), c)


def settings(c):
    return f"layers={c['layers']}, alpha={c['alpha']:g}, scale={c['scale']:g}, {c['iterations']:,} iterations"


print(f"{len(sweep['leaderboard'])} runs × {len(checkpoints)} lengths = {len(candidates)} candidates, "
      f"selected by validation loss (seed {seeds[0]}):")
print(table([[name, settings(c), c["train"], c["validation"], c["test"]] for name, c in winners.items()],
            ["model", "chosen settings", "train SSE", "validation SSE", "test SSE"]))
print()

specs = [{**base, "layers": c["layers"], "alpha": c["alpha"], "scale": c["scale"], "iterations": c["iterations"],
          "seed": seed, "name": f"{name}, seed {seed}"} for name, c in winners.items() for seed in seeds]
jobs = ty.train_all(specs)
rows = []
for k, name in enumerate(winners):
    runs = [j for j in jobs[k * len(seeds):(k + 1) * len(seeds)] if j["status"] == "SUCCEEDED"]

    def spread(key):
        values = [j[key] for j in runs]
        return f"{statistics.mean(values):,.1f} ± {statistics.stdev(values):,.1f}"

    train_rows = round(400 * (1 - base["validationFraction"]))
    per_row = statistics.mean(j["trainLoss"] for j in runs) / train_rows
    rows.append([name, spread("trainLoss"), spread("validationLoss"), spread("testLoss"),
                 f"{per_row:.2f} ({100 * (per_row / NOISE_PER_ROW - 1):+.0f} % vs noise)"])
print(f"The winners, {len(seeds)} seeds each (mean ± standard deviation):")
print(table(rows, ["model", "train SSE", "validation SSE", "test SSE", "train SSE per row"]))
ids = ",".join(j["id"] for j in jobs[::len(seeds)])
for series in ("train", "test"):
    ty.download("/jobs/compare", os.path.join(out_dir(), f"three-models-{series}.png"), ids=ids, series=series,
                format="png")
