"""Study 3 — activation matters: sigmoid, none, relu and tanh, each at its best learning rate and width.

One sweep over activation × alpha × width on normalised hw5 with bias; each activation's winner is the
member with the lowest validation loss. Without an activation the network is a linear model however
many layers it has, and it ends where a linear model ends.
"""
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
sweep = ty.sweep({
    "name": "activations",
    "base": {"dataset": "hw5", "bias": True, "normalize": True, "scale": 0.3, "iterations": 300 if quick() else 6000,
             "seed": 5, "validationFraction": 0.2, "alpha": 0.0003, "layers": [20]},
    "grid": {"activation": ["sigmoid", "none", "relu", "tanh"], "alpha": [0.0001, 0.0003, 0.001],
             "layers": [[20], [20, 20]]},
})
winners = {}
for entry in sweep["leaderboard"]:
    activation = entry["parameters"]["activation"]
    if entry["status"] == "SUCCEEDED" and activation not in winners:
        winners[activation] = entry
print(table([[a, e["label"], e["trainLoss"], e["validationLoss"], e["testLoss"]] for a, e in winners.items()],
            ["activation", "best settings", "train SSE", "validation SSE", "test SSE"]))
ids = ",".join(e["jobId"] for e in winners.values())
ty.download("/jobs/compare", os.path.join(out_dir(), "activations-validation.png"), ids=ids, series="validation",
            format="png")
