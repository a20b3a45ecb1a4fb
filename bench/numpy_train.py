#!/usr/bin/env python3
"""The numpy notebook Trainyard replaces: full-batch gradient descent on an MLP.

Same mathematics as ../docs (API.md "The mathematics"): rows are samples, SSE loss,
sigmoid hidden layers, linear output, W <- W - alpha * dSSE/dW. One iteration is
forward + backward + update + test loss, written the way a notebook writes it
(vectorised numpy, no Python loop over samples).

    python3 bench/numpy_train.py --data DIR ...   # data and start weights written by the Java harness
    python3 bench/numpy_train.py                  # standalone: its own random data, default shapes

Prints one JSON object per shape on stdout.
"""
import argparse
import json
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print(json.dumps({"skipped": "numpy is not installed for " + sys.executable}))
    sys.exit(0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def loss(x, y, ws, bs):
    a = x
    for l in range(len(ws) - 1):
        a = sigmoid(a @ ws[l] + bs[l])
    e = a @ ws[-1] + bs[-1] - y
    return float(np.sum(e * e))


def step(x, y, ws, bs, alpha):
    acts = [x]
    a = x
    for l in range(len(ws) - 1):
        a = sigmoid(a @ ws[l] + bs[l])
        acts.append(a)
    e = a @ ws[-1] + bs[-1] - y
    sse = float(np.sum(e * e))
    delta = 2.0 * e
    for l in range(len(ws) - 1, -1, -1):
        gw = acts[l].T @ delta
        gb = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ ws[l].T) * acts[l] * (1.0 - acts[l])
        ws[l] -= alpha * gw
        bs[l] -= alpha * gb
    return sse


def train(x, y, tx, ty, ws, bs, alpha, iterations):
    history = []
    for _ in range(iterations):
        history.append((step(x, y, ws, bs, alpha), loss(tx, ty, ws, bs)))
    return history


def read(directory, name, rows, cols):
    return np.fromfile(os.path.join(directory, name), dtype="<f8").reshape(rows, cols)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="directory with x, y, tx, ty, W<l>, b<l> as little-endian float64")
    parser.add_argument("--sizes", default="5,20,1", help="layer sizes, input to output")
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--test-rows", type=int, default=100)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    n, m = args.rows, args.test_rows
    if args.data:
        x, y = read(args.data, "x", n, sizes[0]), read(args.data, "y", n, sizes[-1])
        tx, ty = read(args.data, "tx", m, sizes[0]), read(args.data, "ty", m, sizes[-1])
        ws0 = [read(args.data, "W%d" % l, sizes[l], sizes[l + 1]) for l in range(len(sizes) - 1)]
        bs0 = [read(args.data, "b%d" % l, 1, sizes[l + 1])[0] for l in range(len(sizes) - 1)]
    else:
        rng = np.random.default_rng(1)
        x, tx = rng.standard_normal((n, sizes[0])), rng.standard_normal((m, sizes[0]))
        y, ty = rng.standard_normal((n, sizes[-1])), rng.standard_normal((m, sizes[-1]))
        ws0 = [0.1 * rng.standard_normal((sizes[l], sizes[l + 1])) for l in range(len(sizes) - 1)]
        bs0 = [0.1 * rng.standard_normal(sizes[l + 1]) for l in range(len(sizes) - 1)]

    # Warm-up run (page faults, BLAS thread start), then the best of a few timed runs.
    train(x, y, tx, ty, [w.copy() for w in ws0], [b.copy() for b in bs0], args.alpha, min(args.iterations, 5))
    best = float("inf")
    history = None
    for _ in range(args.repeats):
        ws, bs = [w.copy() for w in ws0], [b.copy() for b in bs0]
        start = time.perf_counter()
        history = train(x, y, tx, ty, ws, bs, args.alpha, args.iterations)
        best = min(best, (time.perf_counter() - start) / args.iterations)
    print(json.dumps({
        "numpy": np.__version__,
        "sizes": sizes,
        "secondsPerIteration": best,
        "firstTrainLoss": history[0][0],
        "lastTrainLoss": history[-1][0],
        "lastTestLoss": history[-1][1],
    }))


if __name__ == "__main__":
    main()
