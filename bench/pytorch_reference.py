#!/usr/bin/env python3
"""PyTorch timings of the `workbook bench` workloads, to re-measure the
reference figures the Swift engine is compared with.

Same sizes and step structure as Sources/WorkbookKit/Bench/BenchWorkload.swift:
  mlp   MLP 2-64-64-3 tanh, softmax cross-entropy, 3-class spirals, batch 256
  rnn   Elman RNN (2 -> 64, tanh), linear readout of the last state, MSE,
        adding problem T = 50; 4 micro-batches of 16, each loss / 4
  deep  MLP 32 -> 16 hidden layers of 32 (tanh) -> 1, MSE, batch 128
Every step: zero grads, forward, backward, clip_grad_norm_(1.0), SGD step.
float64, one thread.

Usage: python3 bench/pytorch_reference.py [--steps 200] [--runs 3]
                                         [--workload NAME]... [--json]
Exits with code 3 when torch (or numpy) cannot be imported.
"""


import sys

try:
    import numpy as np
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError as error:
    # `workbook bench` reads this exit code as "PyTorch was not measured".
    print(error, file=sys.stderr)
    sys.exit(3)

from workloads_common import adding_problem, main, spirals

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def mlp(sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def mlp_workload(seed):
    torch.manual_seed(seed)
    x, y = spirals(86, rng=np.random.default_rng(seed))
    x, y = torch.from_numpy(x[:256]), torch.from_numpy(y[:256])
    model = mlp([2, 64, 64, 3])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    return step


class ElmanRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(2, 64, nonlinearity="tanh", batch_first=True)
        self.readout = nn.Linear(64, 1)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.readout(h[-1])


def rnn_workload(seed):
    torch.manual_seed(seed)
    x, y = adding_problem(64, 50, rng=np.random.default_rng(seed))
    micro = [(torch.from_numpy(x[i:i + 16]), torch.from_numpy(y[i:i + 16])) for i in range(0, 64, 16)]
    model = ElmanRNN()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)

    def step():
        opt.zero_grad()
        for xb, yb in micro:
            loss = F.mse_loss(model(xb), yb) / len(micro)
            loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    return step


def deep_workload(seed):
    torch.manual_seed(seed)
    model = mlp([32] + [32] * 16 + [1])
    x, y = torch.randn(128, 32), torch.randn(128, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    return step


if __name__ == "__main__":
    main(
        __doc__.splitlines()[0],
        f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, float64",
        [("mlp", mlp_workload), ("rnn", rnn_workload), ("deep", deep_workload)],
    )
