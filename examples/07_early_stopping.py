"""Study 7 — early stopping: keep the weights from before the network started learning the noise.

The over-fitting network of study 2 (degree-4 features, 100 tanh units), now with a quarter of the
training rows held out for validation and early stopping watching the validation loss. The service
stops once the validation loss has not improved for `patience` points and stores the weights of the
best point (restoreBest), with that point's losses. The loss plot marks the best point.
"""
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
iterations = 3000 if quick() else 20000
patience = 200 if quick() else 1000
job = ty.train({
    "name": "early stopping: degree-4 features, 100 tanh units",
    "dataset": "hw5", "layers": [100], "activation": "tanh", "bias": True, "normalize": True,
    "basisDegree": 4, "scale": 0.1, "alpha": 0.0002, "iterations": iterations, "seed": 1,
    "validationFraction": 0.25,
    "earlyStopping": {"patience": patience, "monitor": "validation", "restoreBest": True},
})
assert job["status"] == "SUCCEEDED", job

losses = ty.losses(job["id"])
best = job["bestIteration"]
last = losses["iteration"][-1]
model = ty.get(f"/models/{job['modelId']}")
figure = ty.download(f"/jobs/{job['id']}/losses", os.path.join(out_dir(), "early_stopping.png"), format="png")

print(table([
    ["best (restored, stored model)", best, losses["validation"][best], model["testLoss"]],
    ["last trained", last, losses["validation"][-1], losses["test"][-1]],
], ["point", "iteration", "validation SSE", "test SSE"]))
print()
print(f"Stopped early: {job['stoppedEarly']} (patience {patience}, {last} of {iterations} iterations run).")
print(f"The restored best model's test loss is {model['testLoss']:,.1f}; the last point's is {losses['test'][-1]:,.1f}.")
print(f"Figure: {figure}")
# The stored model is the best point's, with that point's losses, not the last one's.
assert model["testLoss"] == losses["test"][best], (model["testLoss"], losses["test"][best])
assert losses["validation"][best] == min(losses["validation"]), "the best point has the lowest validation loss"
