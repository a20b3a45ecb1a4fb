"""Study 0 — what "good" means on hw5: the noise floor and two baselines, before any network.

Predicting the training mean, and the best linear model (ordinary least squares with an intercept, solved
exactly here on the CSVs), bound every study from above; the noise floor bounds it from below. A model
whose training SSE falls below the noise floor of its training rows is fitting noise. The least-squares
fit is then imported into the service (POST /models) and scored through its predictions, so the numbers
are the service's own.

Also shows how a student sees a job's progress (the tqdm of Trainyard): GET /jobs/{id}/events.
"""
import csv
import os
import sys

from trainyard import Trainyard, out_dir, quick, table

here = os.path.dirname(os.path.abspath(__file__))
NOISE_PER_ROW = {"train": 0.79, "test": 0.70}  # the generator's noise variance, measured against its true function


def read(part):
    with open(os.path.join(here, "..", "src", "main", "resources", "datasets", f"hw5-{part}.csv")) as f:
        rows = [list(map(float, r)) for r in list(csv.reader(f))[1:] if r]
    return [r[:-1] for r in rows], [r[-1] for r in rows]


def least_squares(x, y):
    """Solves the normal equations (XᵀX) w = Xᵀy with an intercept column, by Gauss–Jordan elimination."""
    a = [[1.0] + row for row in x]
    n = len(a[0])
    m = [[sum(r[i] * r[j] for r in a) for j in range(n)] + [sum(r[i] * t for r, t in zip(a, y))] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [v - f * p for v, p in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def sse(predicted, y):
    return sum((p - t) ** 2 for p, t in zip(predicted, y))


ty = Trainyard()
train_x, train_y = read("train")
test_x, test_y = read("test")
mean = sum(train_y) / len(train_y)
w = least_squares(train_x, train_y)
# the exact fit as a stored model (a linear layer with bias, no preprocessing), scored by the service
model = ty.post("/models", {"layerSizes": [len(w) - 1, 1], "activation": "none", "bias": True,
                            "preprocessing": {"basisDegree": 1, "normalize": False, "mean": None, "std": None},
                            "weights": {"W0": [[v] for v in w[1:]]}, "biases": {"b0": [w[0]]}})
served = {part: ty.post(f"/models/{model['id']}/predictions", {"x": x})["y"]
          for part, x in (("train", train_x), ("test", test_x))}
rows = [
    ["noise floor (true function)", NOISE_PER_ROW["train"] * len(train_y), NOISE_PER_ROW["test"] * len(test_y),
     NOISE_PER_ROW["train"], NOISE_PER_ROW["test"]],
    ["predict the training mean", sse([mean] * len(train_y), train_y), sse([mean] * len(test_y), test_y),
     sse([mean] * len(train_y), train_y) / len(train_y), sse([mean] * len(test_y), test_y) / len(test_y)],
    ["linear least squares", sse([p[0] for p in served["train"]], train_y), sse([p[0] for p in served["test"]], test_y),
     sse([p[0] for p in served["train"]], train_y) / len(train_y), sse([p[0] for p in served["test"]], test_y) / len(test_y)],
]
print(table(rows, ["reference", f"train SSE ({len(train_y)} rows)", f"test SSE ({len(test_y)} rows)",
                   "train per row", "test per row"]))
print()
print(f"On a 320-row training split (validationFraction 0.2) the noise floor is ≈ {0.79 * 320:,.0f}.")

# A student's progress bar: the service streams progress events while a job runs.
job = ty.submit({"name": "progress demo", "dataset": "hw5", "layers": [20], "activation": "sigmoid", "bias": True,
                 "normalize": True, "scale": 0.3, "alpha": 0.0003, "iterations": 200 if quick() else 5000, "seed": 1})
done = ty.follow(job["id"], out=sys.stdout)
print(f"progress demo: {done['status']}, train {done['trainLoss']:,.1f}, test {done['testLoss']:,.1f}")
ty.download(f"/jobs/{job['id']}/losses", os.path.join(out_dir(), "progress-demo-losses.png"), format="png")
