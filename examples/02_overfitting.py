"""Study 2 — over-fitting: a network whose training loss keeps falling while its test loss climbs.

A wide tanh network on degree-4 polynomial features has far more freedom than 400 noisy rows need.
Gradient descent first learns the signal (test loss falls), then the noise (train loss keeps falling,
test loss rises). The plot is the service's own loss plot of that one job.
"""
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
iterations = 3000 if quick() else 20000
job = ty.train({
    "name": "over-fitting: degree-4 features, 100 tanh units",
    "dataset": "hw5", "layers": [100], "activation": "tanh", "bias": True, "normalize": True,
    "basisDegree": 4, "scale": 0.1, "alpha": 0.0002, "iterations": iterations, "seed": 1,
})
assert job["status"] == "SUCCEEDED", job

losses = ty.losses(job["id"])
train, test = losses["train"], losses["test"]
best = min(range(len(test)), key=lambda i: test[i])
figure = ty.download(f"/jobs/{job['id']}/losses", os.path.join(out_dir(), "overfitting.png"), format="png")

print(table([
    ["start", 0, train[0], test[0]],
    ["lowest test loss", best, train[best], test[best]],
    ["end", iterations, train[-1], test[-1]],
], ["point", "iteration", "train SSE", "test SSE"]))
print()
print(f"From iteration {best} on, the training loss falls from {train[best]:,.1f} to {train[-1]:,.1f} "
      f"while the test loss rises from {test[best]:,.1f} to {test[-1]:,.1f}.")
print(f"Figure: {figure}")
assert train[-1] < train[best] and test[-1] > test[best], "expected the test loss to rise while training improves"
