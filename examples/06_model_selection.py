"""Study 6 — model selection done right: why the test set must not pick the model.

hw5's 200 test rows are split in two: 100 "test" rows the service reports on, and 100 "fresh" rows
this script keeps to itself and only uses, through predictions, after every choice is made. One sweep
of twelve near-identical models (same architecture, different seeds and learning rates) is ranked by
validation loss and, the wrong way, by test loss. The test-picked winner looks better on the test rows
than it does on fresh data: picking the minimum of many noisy scores picks the luckiest noise.
"""
import csv
import os

from trainyard import Trainyard, quick, table

here = os.path.dirname(os.path.abspath(__file__))
def read(name):
    with open(os.path.join(here, "..", "src", "main", "resources", "datasets", name)) as f:
        rows = [list(map(float, r)) for r in list(csv.reader(f))[1:] if r]
    return [r[:-1] for r in rows], [r[-1] for r in rows]

train_x, train_y = read("hw5-train.csv")
test_x, test_y = read("hw5-test.csv")
ty = Trainyard()
dataset = ty.post("/datasets", {"name": "hw5 with half the test rows", "x": train_x, "y": train_y,
                                "testX": test_x[:100], "testY": test_y[:100]})
fresh_x, fresh_y = test_x[100:], test_y[100:]

sweep = ty.sweep({
    "name": "selection",
    "base": {"dataset": dataset["id"], "layers": [30], "activation": "tanh", "bias": True, "normalize": True,
             "basisDegree": 2, "scale": 0.3, "alpha": 0.0003, "iterations": 200 if quick() else 3000,
             "validationFraction": 0.25, "seed": 1},
    "grid": {"seed": list(range(1, 7)), "alpha": [0.0002, 0.0004]},
    "selectBy": "validation",
})
finished = [e for e in sweep["leaderboard"] if e["status"] == "SUCCEEDED"]
by_validation = min(finished, key=lambda e: e["validationLoss"])
by_test = min(finished, key=lambda e: e["testLoss"])

def fresh_sse(entry):
    y = ty.post(f"/models/{entry['modelId']}/predictions", {"x": fresh_x})["y"]
    return sum((p[0] - t) ** 2 for p, t in zip(y, fresh_y))

rows = []
for rule, e in (("lowest validation loss (right)", by_validation), ("lowest test loss (wrong)", by_test)):
    rows.append([rule, e["label"], e["validationLoss"], e["testLoss"], fresh_sse(e)])
print(table(rows, ["chosen by", "settings", "validation SSE", "test SSE (100 rows)", "fresh SSE (100 rows)"]))
print()
print("Service warning for selectBy=test:", ty.get(f"/sweeps/{sweep['id']}")["warning"] or
      ty.post("/sweeps", {"name": "warning only", "base": {"dataset": "hw5", "alpha": 0.001, "iterations": 1},
                          "grid": {"seed": [1]}, "selectBy": "test"})["warning"])
