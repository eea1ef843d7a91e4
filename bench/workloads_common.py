"""Data and timing shared by the reference benchmarks.

The data follow the Swift side's definitions (Dataset.spirals,
Dataset.addingProblem) in shape and distribution, not value by value: the
benchmark times the work, and the work does not depend on the numbers.
"""

import argparse
import json
import statistics
import time

import numpy as np

WARMUP_STEPS = 20


def spirals(points_per_class, classes=3, noise=0.2, rng=None):
    """cs231n's interleaved spirals: inputs [N, 2], integer labels [N]."""
    rng = rng or np.random.default_rng(0)
    xs, ys = [], []
    for j in range(classes):
        r = np.linspace(0.0, 1.0, points_per_class)
        t = 4 * (j + r) + rng.normal(0.0, noise, points_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(points_per_class, j))
    return np.concatenate(xs), np.concatenate(ys)


def adding_problem(count, length, rng=None):
    """Hochreiter & Schmidhuber's adding problem: [count, length, 2], [count, 1]."""
    rng = rng or np.random.default_rng(0)
    x = np.zeros((count, length, 2))
    x[:, :, 0] = rng.uniform(0.0, 1.0, (count, length))
    half = length // 2
    first = rng.integers(0, half, count)
    second = rng.integers(half, length, count)
    rows = np.arange(count)
    x[rows, first, 1] = 1.0
    x[rows, second, 1] = 1.0
    y = (x[rows, first, 0] + x[rows, second, 0]).reshape(count, 1)
    return x, y


def time_steps(step, steps):
    """Milliseconds of each of `steps` calls of `step`, after the warm-up."""
    for _ in range(WARMUP_STEPS):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def run_medians(make_step, steps, runs):
    """The median step time of each of `runs` runs, seeded 1, 2, ..."""
    return [statistics.median(time_steps(make_step(seed=run + 1), steps)) for run in range(runs)]


def report(title, workloads, steps, runs):
    """Times every workload `runs` times and prints run medians and their median."""
    print(title)
    print(f"median ms per optimizer step over {steps} steps after {WARMUP_STEPS} warm-up steps, {runs} run{'s' if runs != 1 else ''}")
    header = "workload " + "".join(f"{'run ' + str(r + 1):>9}" for r in range(runs)) + f"{'median':>9}"
    print(header)
    for name, make_step in workloads:
        medians = run_medians(make_step, steps, runs)
        cells = "".join(f"{m:9.2f}" for m in medians)
        print(f"{name:<9}{cells}{statistics.median(medians):9.2f}")


def main(description, title, workloads):
    """The command line both reference scripts share.

    --steps and --runs as in `workbook bench`; --workload (repeatable) keeps
    only the named workloads; --json prints the median of the run medians
    per workload as one JSON object, for `workbook bench` to read:
    {"title": ..., "milliseconds": {"mlp": 1.17, ...}}.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workload", action="append", choices=[name for name, _ in workloads])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.workload:
        workloads = [(name, make) for name, make in workloads if name in args.workload]
    if args.json:
        figures = {name: statistics.median(run_medians(make, args.steps, args.runs)) for name, make in workloads}
        print(json.dumps({"title": title, "milliseconds": figures}))
    else:
        report(title, workloads, args.steps, args.runs)
