#!/usr/bin/env python3
"""NumPy timings of the `workbook bench` workloads: the same work written
by hand (forward, backward, clipping, SGD), as a second yardstick that
needs no PyTorch.

Same sizes and step structure as bench/pytorch_reference.py and
Sources/WorkbookKit/Bench/BenchWorkload.swift; float64. For one thread, run
it as:

  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
    python3 bench/numpy_reference.py [--steps 200] [--runs 3]

(the script sets these itself when they are unset, before importing NumPy).
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402  (after the thread settings)

from workloads_common import adding_problem, main, spirals  # noqa: E402


def linear(rng, n_in, n_out):
    """PyTorch's default init: U(-1/sqrt(n_in), 1/sqrt(n_in))."""
    bound = 1 / np.sqrt(n_in)
    return [rng.uniform(-bound, bound, (n_in, n_out)), rng.uniform(-bound, bound, n_out)]


def clip_and_step(params, grads, max_norm, lr):
    """clip_grad_norm_ (one factor for every gradient), then SGD."""
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    for p, g in zip(params, grads):
        p -= lr * factor * g


class MLP:
    def __init__(self, sizes, rng):
        self.layers = [linear(rng, a, b) for a, b in zip(sizes, sizes[1:])]

    @property
    def params(self):
        return [p for layer in self.layers for p in layer]

    def forward(self, x):
        """Output and the activations backward() needs."""
        activations = [x]
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = np.tanh(x)
            activations.append(x)
        return x, activations

    def backward(self, d_out, activations):
        grads = []
        d = d_out
        for i in reversed(range(len(self.layers))):
            w, _ = self.layers[i]
            grads.append(d.sum(axis=0))
            grads.append(activations[i].T @ d)
            if i > 0:
                d = (d @ w.T) * (1 - activations[i] ** 2)
        return grads[::-1]


def cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.mean(np.log(p[np.arange(n), labels]))
    p[np.arange(n), labels] -= 1
    return loss, p / n


def mse(prediction, target, scale=1.0):
    diff = prediction - target
    return scale * np.mean(diff * diff), scale * 2 * diff / diff.size


def mlp_workload(seed):
    rng = np.random.default_rng(seed)
    x, y = spirals(86, rng=rng)
    x, y = x[:256], y[:256]
    model = MLP([2, 64, 64, 3], rng)

    def step():
        out, acts = model.forward(x)
        _, d = cross_entropy(out, y)
        clip_and_step(model.params, model.backward(d, acts), 1.0, 0.1)

    return step


def rnn_workload(seed):
    rng = np.random.default_rng(seed)
    x, y = adding_problem(64, 50, rng=rng)
    micro = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    bound = 1 / np.sqrt(64)
    w_ih = rng.uniform(-bound, bound, (2, 64))
    w_hh = rng.uniform(-bound, bound, (64, 64))
    b = np.zeros(64)
    w_out, b_out = linear(rng, 64, 1)
    params = [w_ih, w_hh, b, w_out, b_out]

    def step():
        grads = [np.zeros_like(p) for p in params]
        for xb, yb in micro:
            # Forward through time, keeping every hidden state for BPTT.
            h = [np.zeros((len(xb), 64))]
            for t in range(xb.shape[1]):
                h.append(np.tanh(xb[:, t] @ w_ih + h[-1] @ w_hh + b))
            out = h[-1] @ w_out + b_out
            _, d_out = mse(out, yb, scale=1 / len(micro))
            grads[3] += h[-1].T @ d_out
            grads[4] += d_out.sum(axis=0)
            dh = d_out @ w_out.T
            for t in reversed(range(xb.shape[1])):
                da = dh * (1 - h[t + 1] ** 2)
                grads[0] += xb[:, t].T @ da
                grads[1] += h[t].T @ da
                grads[2] += da.sum(axis=0)
                dh = da @ w_hh.T
        clip_and_step(params, grads, 1.0, 0.05)

    return step


def deep_workload(seed):
    rng = np.random.default_rng(seed)
    model = MLP([32] + [32] * 16 + [1], rng)
    x, y = rng.standard_normal((128, 32)), rng.standard_normal((128, 1))

    def step():
        out, acts = model.forward(x)
        _, d = mse(out, y)
        clip_and_step(model.params, model.backward(d, acts), 1.0, 0.01)

    return step


if __name__ == "__main__":
    main(
        __doc__.splitlines()[0],
        f"NumPy {np.__version__}, float64 (BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']})",
        [("mlp", mlp_workload), ("rnn", rnn_workload), ("deep", deep_workload)],
    )
