"""Per-op overhead of the autograd engine.

A chain of (x * 1.0001 + 0.001).tanh() on a shape-(4,) float64 tensor, forward
plus backward, in microseconds per op (three ops per link). The arrays are tiny,
so this measures the framework's Python overhead, not NumPy's arithmetic.

    python benchmarks/overhead.py [--repeats 7]

Prints PyTorch's figure too when torch happens to be installed (never required).
"""

from __future__ import annotations

import argparse
import gc
import platform
import time

import numpy as np

import tinygrad_edu as tg

OPS_PER_LINK = 3


def time_chain(leaf, depth: int) -> float:
    """Seconds for the chain's forward and backward from `leaf` (a tinygrad_edu or torch tensor)."""
    start = time.perf_counter()
    y = leaf
    for _ in range(depth):
        y = (y * 1.0001 + 0.001).tanh()
    y.sum().backward()
    return time.perf_counter() - start


def chain_tinygrad(depth: int) -> float:
    return time_chain(tg.tensor(np.linspace(-1, 1, 4), requires_grad=True), depth)


def chain_torch(depth: int) -> float:
    import torch
    return time_chain(torch.tensor(np.linspace(-1, 1, 4), requires_grad=True), depth)


def best_us_per_op(run, depth: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        times.append(run(depth))
    return min(times) / (depth * OPS_PER_LINK) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    runners = {"tinygrad_edu": chain_tinygrad}
    try:
        import torch  # noqa: F401
        runners["PyTorch CPU"] = chain_torch
    except ImportError:
        pass
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}")
    print(f"{'framework':<14} {'depth 300 us/op':>16} {'depth 5000 us/op':>17} {'ratio':>7}")
    for name, run in runners.items():
        shallow = best_us_per_op(run, 300, args.repeats)
        deep = best_us_per_op(run, 5000, max(3, args.repeats // 2))
        print(f"{name:<14} {shallow:>16.2f} {deep:>17.2f} {deep / shallow:>6.2f}x")


if __name__ == "__main__":
    main()
