"""Study 4 — vanishing and exploding gradients in a 9-layer network.

Nine weight matrices (eight hidden layers of 10 units) on normalised hw5 with a small learning rate.
Small `scale` makes the gradients of the first layers vanish, large `scale` makes them explode
without an activation (that run diverges, and the service says so); sigmoid's derivative (at most
1/4) shrinks them at every layer whatever the scale. The table compares the initial gradients.
"""
import math
import os

from trainyard import Trainyard, out_dir, quick, table

ty = Trainyard()
depth = 8
iterations = 30 if quick() else 300
configs = [(activation, scale) for activation in ("none", "sigmoid") for scale in (0.1, 1.0, 3.0)]
jobs = ty.train_all([{
    "name": f"{depth + 1} layers, {activation}, scale {scale}",
    "dataset": "hw5", "layers": [10] * depth, "activation": activation, "bias": False, "normalize": True,
    "scale": scale, "alpha": 1e-5, "iterations": iterations, "seed": 3,
} for activation, scale in configs])

rows = []
for (activation, scale), job in zip(configs, jobs):
    assert job["status"] == "SUCCEEDED" or job["error"]["type"] == "diverged", job
    norms = ty.gradients(job["id"], maxPoints=2)["layers"]
    first, last = norms["W0"][0], norms[f"W{depth}"][0]
    outcome = "trained" if job["status"] == "SUCCEEDED" else job["error"]["detail"].split(".")[0]
    rows.append([activation, scale, first, last, math.log10(last / first) if first > 0 else float("inf"), outcome])
    name = f"gradients-{activation}-scale-{scale:g}.png".replace("0.", "0_")
    ty.download(f"/jobs/{job['id']}/gradients", os.path.join(out_dir(), name), format="png", width=700, height=420)

print(table(rows, ["activation", "scale", "‖∂L/∂W0‖ (first layer)", f"‖∂L/∂W{depth}‖ (last layer)",
                   "log10(last / first)", "outcome"]))
