"""A conv block, forward and backward: conv2d(8->16, 3x3, padding 1) + ReLU + max_pool2d(2).

Input: a (32, 8, 28, 28) float32 batch; the loss is the sum of the pooled output.
Prints milliseconds per iteration (best of --repeats timed runs, each the mean
over --iters iterations; see best_ms_per_iter) and the phases of tinygrad_edu's step, plus the ratio
to PyTorch CPU when torch happens to be installed (never required).

    python benchmarks/conv.py [--iters 20] [--repeats 5]
"""

from __future__ import annotations

import argparse
import gc
import platform
import time

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

SHAPE, OUT_CHANNELS = (32, 8, 28, 28), 16


def make_arrays():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    w = (rng.standard_normal((OUT_CHANNELS, SHAPE[1], 3, 3)) * 0.1).astype(np.float32)
    b = np.zeros(OUT_CHANNELS, dtype=np.float32)
    return x, w, b


def step_tinygrad(arrays):
    x, w, b = (tg.Tensor(a, requires_grad=i > 0) for i, a in enumerate(arrays))

    def step():
        w.grad = b.grad = None
        F.max_pool2d(F.conv2d(x, w, b, padding=1).relu(), 2).sum().backward()
    return step


def step_torch(arrays):
    import torch
    x = torch.tensor(arrays[0])
    w, b = (torch.tensor(a, requires_grad=True) for a in arrays[1:])

    def step():
        w.grad = b.grad = None
        torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(x, w, b, padding=1).relu(), 2).sum().backward()
    return step


def best_ms_per_iter(steps: dict, iters: int, repeats: int, rounds: int = 2) -> dict:
    """Best of `repeats` timed runs of each step. Each framework runs its repeats in one block
    (interleaving single runs lets NumPy's BLAS threads, still spinning after a matmul, steal
    the cores from PyTorch's), and the blocks are repeated `rounds` times so a burst of load
    on the machine does not land on one framework only."""
    best = {name: float("inf") for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            step()  # warm up
            for _ in range(repeats):
                gc.collect()
                start = time.perf_counter()
                for _ in range(iters):
                    step()
                best[name] = min(best[name], (time.perf_counter() - start) / iters * 1e3)
    return best


def phases_tinygrad(arrays, iters: int) -> dict:
    """Where tinygrad_edu's time goes: each forward op, then the whole backward."""
    x, w, b = (tg.Tensor(a, requires_grad=i > 0) for i, a in enumerate(arrays))
    totals = {"conv2d forward": 0.0, "relu forward": 0.0, "max_pool2d forward": 0.0, "backward": 0.0}
    for _ in range(iters):
        t0 = time.perf_counter()
        y = F.conv2d(x, w, b, padding=1)
        t1 = time.perf_counter()
        y = y.relu()
        t2 = time.perf_counter()
        y = F.max_pool2d(y, 2).sum()
        t3 = time.perf_counter()
        y.backward()
        t4 = time.perf_counter()
        for name, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            totals[name] += dt
    return {name: total / iters * 1e3 for name, total in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    arrays = make_arrays()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}")
    print(f"conv2d({SHAPE[1]}->{OUT_CHANNELS}, 3x3, padding 1) + ReLU + max_pool2d(2), batch {SHAPE}, "
          "forward + backward")
    steps = {"tinygrad_edu": step_tinygrad(arrays)}
    try:
        import torch
        steps[f"PyTorch CPU ({torch.get_num_threads()} threads)"] = step_torch(arrays)
    except ImportError:
        print("(torch is not installed: no comparison)")
    results = best_ms_per_iter(steps, args.iters, args.repeats)
    print(f"{'framework':<28} {'ms/iter':>9} {'vs PyTorch':>11}")
    reference = next((v for k, v in results.items() if k.startswith("PyTorch")), None)
    for name, ms in results.items():
        ratio = f"{ms / reference:.2f}x" if reference else "-"
        print(f"{name:<28} {ms:>9.2f} {ratio:>11}")
    print("tinygrad_edu phases (ms):", ", ".join(f"{k} {v:.2f}" for k, v in phases_tinygrad(arrays, 10).items()))


if __name__ == "__main__":
    main()
