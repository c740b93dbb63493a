"""A conv block, forward and backward: conv2d(8->16, 3x3, padding 1) + ReLU + max_pool2d(2).

Input: a (32, 8, 28, 28) float32 batch; the loss is the sum of the pooled output.
Prints, for 1 and then 2 threads (see common.py), the MEAN milliseconds per
iteration over --rounds x --runs bursts of --iters iterations, collections included, the ratio
to PyTorch CPU when torch is installed (never required), and the phases of
tinygrad_edu's step.

Each framework is timed in processes of its own, with only it loaded, the frameworks'
bursts of --iters iterations taking turns (common.rounds_of), each burst after --warmup
iterations that are not timed (10, as mlp_step.py's).

Why 10 warm-up iterations and not 1: the parent pauses 0.3 s before each burst (common.PAUSE), and on
the benchmarks' VM a second core that sat idle that long comes back slowly. With 2 threads our step
then took 6-9 ms for its first ~10 iterations against 3.6-4.2 ms once running (PyTorch: 5.1-5.6 ms
for its first and 3.6-4.1 from its third, its threads spinning between parallel regions where ours
sleep between ops; 2026-12-03 22:30 UTC). With one warm-up iteration the bursts of 10 measured mostly
that: 1.60x PyTorch at 2 threads. A training loop runs without such pauses, so the steady state is
the figure; the first steps after an idle pause cost some tens of milliseconds more, once.

    python benchmarks/conv.py [--rounds 4] [--runs 5] [--iters 10] [--warmup 10]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from common import machine_line, parse, rounds_of, run_per_thread_count, serve_step, table, use_threads

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


STEPS = {"tinygrad_edu": step_tinygrad, "PyTorch CPU": step_torch}


def main() -> None:
    def options(parser):
        parser.add_argument("--runs", type=int, default=5, help="timed bursts per process")
        parser.add_argument("--iters", type=int, default=10, help="iterations per timed run")
        parser.add_argument("--warmup", type=int, default=10, help="untimed iterations before each timed run")
        parser.add_argument("--rounds", type=int, default=4, help="processes per framework")
        parser.add_argument("--framework", default=None, help="(a child: time this framework alone)")
    args = parse(__doc__.splitlines()[0], options)
    if args.threads is None:
        run_per_thread_count(__file__, sys.argv[1:])
        return
    if args.framework is not None:
        make = STEPS[args.framework]
        serve_step(args.framework, lambda: make(make_arrays()), args.threads, args.iters, warmup=args.warmup)
        return
    torch = use_threads(args.threads)
    print(machine_line())
    print(f"conv2d({SHAPE[1]}->{OUT_CHANNELS}, 3x3, padding 1) + ReLU + max_pool2d(2), batch {SHAPE}, forward + "
          f"backward: mean ms per iteration, {args.rounds} processes per framework with only it loaded, each "
          f"{args.runs} bursts of {args.iters} after {args.warmup} untimed, the frameworks' bursts taking turns, "
          "collections included"
          + ("" if torch is not None else " (torch is not installed: no comparison)"))
    names = [name for name in STEPS if torch is not None or name != "PyTorch CPU"]
    results = rounds_of(__file__, names, ["--threads", str(args.threads), "--iters", str(args.iters),
                                          "--warmup", str(args.warmup)],
                        args.rounds, args.runs)
    wall = {name: results[name]["wall"] for name in names}
    cpu = {name: results[name]["cpu"] for name in names}
    rows = [(name, wall[name], f"{wall[name] / wall['PyTorch CPU']:.2f}x" if torch is not None else "-",
             cpu[name], f"{cpu[name] / cpu['PyTorch CPU']:.2f}x" if torch is not None else "-") for name in names]
    print(table(rows, ("framework", "ms/iter", "vs PyTorch", "CPU ms/iter", "vs PyTorch")))
    if torch is not None:
        for kind, figures in (("wall", wall), ("CPU", cpu)):
            ratio = figures["tinygrad_edu"] / figures["PyTorch CPU"]
            print(f"goal ({kind}): <= 1.25x PyTorch CPU: {'met' if ratio <= 1.25 else 'NOT met'} ({ratio:.2f}x)")
    arrays = make_arrays()
    print("tinygrad_edu phases (ms):", ", ".join(f"{k} {v:.2f}" for k, v in phases_tinygrad(arrays, 10).items()))


if __name__ == "__main__":
    main()
