"""Study 1 — three models, tuned: a linear model, a two-layer and a five-layer network on hw5.

One sweep tries every combination of architecture and learning rate, with 20 % of the training rows
held out for validation; each family's winner is the member with the lowest validation loss. The test
set is only looked at after the choice is made.
"""
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
families = {
    "one layer (linear)": [[]],
    "two layers": [[10], [30]],
    "five layers": [[10, 10, 10, 10], [20, 20, 20, 20]],
}
sweep = ty.sweep({
    "name": "three models",
    "base": {"dataset": "hw5", "activation": "sigmoid", "bias": True, "normalize": True, "scale": 0.3,
             "iterations": 300 if quick() else 6000, "seed": 11, "validationFraction": 0.2, "alpha": 0.0003},
    "grid": {"layers": [layers for options in families.values() for layers in options],
             "alpha": [0.0001, 0.0003, 0.001]},
    "selectBy": "validation",
})

def family(entry):
    depth = len(entry["parameters"]["layers"])
    return {0: "one layer (linear)", 1: "two layers", 4: "five layers"}[depth]

winners = {}
for entry in sweep["leaderboard"]:  # ranked by validation loss, failed jobs last
    if entry["status"] == "SUCCEEDED" and family(entry) not in winners:
        winners[family(entry)] = entry

rows = [[name, e["label"], e["trainLoss"], e["validationLoss"], e["testLoss"]] for name, e in winners.items()]
print(table(rows, ["model", "chosen settings", "train SSE", "validation SSE", "test SSE"]))
best = sweep["best"]
print()
print(f"Chosen overall (lowest validation loss): {family(best)}, {best['label']}; "
      f"its test loss {best['testLoss']:,.1f} was not used to choose it.")
ids = ",".join(e["jobId"] for e in winners.values())
for series in ("train", "test"):
    ty.download("/jobs/compare", os.path.join(out_dir(), f"three-models-{series}.png"), ids=ids, series=series,
                format="png")
