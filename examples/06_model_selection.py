"""Study 6 — model selection done right: why the test set must not pick the model.

One sweep trains 48 similar models on hw5 (two widths, three learning rates, eight seeds), each holding
out 25 % of its training rows for validation. Then, 200 times over, this script splits hw5's 200 test
rows at random into a 100-row "test" half and a 100-row "fresh" half, picks a winner by validation loss
(the right way) and by test-half loss (the wrong way), and compares each winner's test-half loss with
its loss on the fresh half, which played no part in the choice. Predictions come from the service.

Picking the minimum of many noisy scores picks the luckiest noise: the test-picked winner's test loss
is, on average, lower than what it then scores on fresh rows. The validation-picked winner's test loss
is an honest estimate: on average it matches the fresh rows.
"""
import csv
import os
import random

from trainyard import Trainyard, quick, table

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "src", "main", "resources", "datasets", "hw5-test.csv")) as f:
    rows = [list(map(float, r)) for r in list(csv.reader(f))[1:] if r]
test_x, test_y = [r[:-1] for r in rows], [r[-1] for r in rows]

ty = Trainyard()
sweep = ty.sweep({
    "name": "model selection",
    "base": {"dataset": "hw5", "layers": [30], "activation": "tanh", "bias": True, "normalize": True,
             "basisDegree": 2, "scale": 0.3, "alpha": 0.0003, "iterations": 200 if quick() else 3000,
             "validationFraction": 0.25, "seed": 1},
    "grid": {"seed": list(range(1, 9)), "alpha": [0.0001, 0.0002, 0.0004], "layers": [[10], [30]]},
    "selectBy": "validation",
})
models = [e for e in sweep["leaderboard"] if e["status"] == "SUCCEEDED"]
for e in models:
    predicted = ty.post(f"/models/{e['modelId']}/predictions", {"x": test_x})["y"]
    e["errors"] = [(p[0] - t) ** 2 for p, t in zip(predicted, test_y)]

splits = 50 if quick() else 200
rng = random.Random(0)
optimism = {"validation": [], "test": []}
understated = {"validation": 0, "test": 0}
for _ in range(splits):
    order = list(range(len(test_y)))
    rng.shuffle(order)
    half, fresh = order[:100], order[100:]
    score = {id(e): (sum(e["errors"][i] for i in half), sum(e["errors"][i] for i in fresh)) for e in models}
    winners = {"validation": min(models, key=lambda e: e["validationLoss"]),
               "test": min(models, key=lambda e: score[id(e)][0])}
    for rule, e in winners.items():
        test_half, fresh_half = score[id(e)]
        optimism[rule].append(fresh_half - test_half)
        understated[rule] += fresh_half > test_half

def mean_and_error(values):
    """Mean ± standard error over the splits. The splits reuse the same 200 rows, so they are not independent
    and this error understates the true uncertainty; read it as a lower bound."""
    mean = sum(values) / len(values)
    std = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    return f"{mean:.1f} ± {std / len(values) ** 0.5:.1f}"


rows = [[f"lowest {rule} loss" + (" (right)" if rule == "validation" else " (wrong)"),
         mean_and_error(optimism[rule]), f"{100 * understated[rule] / splits:.0f} %"]
        for rule in ("validation", "test")]
print(table(rows, ["winner chosen by", "mean (fresh − test) SSE ± standard error",
                   "splits where test understates fresh"]))
print()
print(f"{len(models)} models, {splits} random splits of the 200 test rows into 100 test + 100 fresh rows.")
warned = ty.post("/sweeps", {"name": "warning only", "base": {"dataset": "hw5", "alpha": 0.001, "iterations": 1},
                             "grid": {"seed": [1]}, "selectBy": "test"})
print("What the service answers to selectBy=test:", warned["warning"])
