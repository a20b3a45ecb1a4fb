"""Study 5 — bias terms, and normalisation × basis expansion × model size.

Part one: the same sigmoid network with and without bias terms.
Part two: one sweep of 2 (normalize) × 3 (basisDegree) × 3 (hidden width) = 18 jobs, drawn as one
18-line chart of test loss. Unnormalised polynomial features span many orders of magnitude (x2 is in
the tens, so x2³ is in the tens of thousands): a learning rate that suits one column makes another
diverge, and those jobs fail with the history up to the divergence.
"""
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
iterations = 300 if quick() else 5000

bias = ty.sweep({
    "name": "bias terms",
    "base": {"dataset": "hw5", "layers": [20], "activation": "sigmoid", "normalize": True, "scale": 0.3,
             "alpha": 0.0003, "iterations": iterations, "seed": 2, "validationFraction": 0.2},
    "grid": {"bias": [False, True]},
})
print(table([[e["parameters"]["bias"], e["trainLoss"], e["validationLoss"], e["testLoss"]]
             for e in sorted(bias["leaderboard"], key=lambda e: e["parameters"]["bias"])],
            ["bias", "train SSE", "validation SSE", "test SSE"]))
print()

grid = ty.sweep({
    "name": "normalisation x basis x size",
    "base": {"dataset": "hw5", "activation": "sigmoid", "bias": True, "scale": 0.3, "alpha": 0.0001,
             "iterations": iterations, "seed": 4, "validationFraction": 0.2, "layers": [10]},
    "grid": {"normalize": [False, True], "basisDegree": [1, 2, 3], "layers": [[5], [20], [50]]},
})
rows = []
for e in sorted(grid["leaderboard"], key=lambda e: (e["parameters"]["normalize"], e["parameters"]["basisDegree"],
                                                    e["parameters"]["layers"][0])):
    p = e["parameters"]
    outcome = "diverged" if e["status"] == "FAILED" else ""
    rows.append([p["normalize"], p["basisDegree"], p["layers"][0], e["trainLoss"], e["validationLoss"],
                 e["testLoss"], e["rank"], outcome])
print(table(rows, ["normalize", "basisDegree", "width", "train SSE", "validation SSE", "test SSE", "rank", ""]))
ids = ",".join(e["jobId"] for e in grid["leaderboard"])
ty.download("/jobs/compare", os.path.join(out_dir(), "normalisation-basis-size.png"), ids=ids, series="test",
            format="png", width=1100, height=650)
