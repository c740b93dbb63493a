"""Per-op overhead of the autograd engine, and what the cycle collector costs it.

A chain of (x * 1.0001 + 0.001).tanh() on a shape-(4,) float64 tensor, forward
plus backward, in microseconds per op (three ops per link). The arrays are tiny,
so this measures the framework's Python overhead, not NumPy's arithmetic.

Each figure is the MEAN over chains, with Python's cycle collector left on
(no gc.collect() before a run): a deep graph keeps many objects alive, and the
collector scans them all whenever it runs, so its cost grows with the depth.
Printed for depths 300 and 5,000, for 1 and 2 threads, each framework in its own
process (so "only tinygrad_edu loaded" holds for our rows), with a row for the floor: the
same chain on bare_autograd.py, an autograd that does only what the chain needs (no checks, no
version counters, no hooks), which shows how much of the cost is Python's and how much the
library's. Plus:
- objects per op: how many gc-tracked objects a chain leaves alive per op
  (len(gc.get_objects()) after building it, minus before, over the ops);
- the same chains with big libraries loaded (scikit-learn, SciPy, matplotlib when
  installed), with and without gc.freeze() after the imports.

    python benchmarks/overhead.py [--runs 10] [--rounds 4]

Each row is the mean over --rounds child processes of its own, each timing --runs bursts
of chains, the bursts taking turns with the other rows' (see common.rounds_of).
"""

from __future__ import annotations

import gc
import importlib.util
import sys
import time

from common import THREAD_COUNTS, machine_line, mean, rounds_of, serve, table

OPS_PER_LINK = 3
BARE = "bare autograd (the floor)"  # bare_autograd.py: the chain's ops and an engine, without any checks
DEPTHS = (300, 5000)
BIG_LIBRARIES = ("sklearn.ensemble", "sklearn.linear_model", "scipy.stats", "matplotlib.pyplot", "pandas")


def time_chain(leaf, depth: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds for the chain's forward and backward from `leaf` (a tinygrad_edu
    or torch tensor). CPU time is the steadier figure on a busy machine (see common.mean_ms)."""
    wall, cpu = time.perf_counter(), time.process_time()
    y = leaf
    for _ in range(depth):
        y = (y * 1.0001 + 0.001).tanh()
    y.sum().backward()
    return time.perf_counter() - wall, time.process_time() - cpu


def make_leaf(framework: str):
    import numpy as np
    if framework == "PyTorch CPU":
        import torch
        return torch.tensor(np.linspace(-1, 1, 4), requires_grad=True)
    if framework == BARE:
        import bare_autograd
        return bare_autograd.Tensor(np.linspace(-1, 1, 4), requires_grad=True)
    import tinygrad_edu as tg
    return tg.tensor(np.linspace(-1, 1, 4), requires_grad=True)


def objects_per_op(framework: str, depth: int = 1000) -> float:
    """gc-tracked objects a chain of `depth` links leaves alive, per op."""
    leaf = make_leaf(framework)
    gc.collect()
    gc.disable()
    before = len(gc.get_objects())
    y = leaf
    for _ in range(depth):
        y = (y * 1.0001 + 0.001).tanh()
    after = len(gc.get_objects())
    gc.enable()
    del y
    return (after - before) / (depth * OPS_PER_LINK)


CHAINS_PER_BURST = {300: 5, 5000: 1}  # about 50 and 150 ms of work


def serve_chains(framework: str, extra: dict) -> None:
    """A child of rounds_of: objects per op counted and every depth warmed up once; then each burst is
    CHAINS_PER_BURST chains at each depth, their mean us/op (wall-clock and CPU)."""
    objects = objects_per_op(framework)
    for depth in DEPTHS:
        time_chain(make_leaf(framework), depth)

    def burst() -> dict:
        result = {"objects": objects, "tracked": len(gc.get_objects()), **extra}
        for depth, chains in CHAINS_PER_BURST.items():
            times = [time_chain(make_leaf(framework), depth) for _ in range(chains)]
            result[str(depth)] = mean([t[0] for t in times]) / (depth * OPS_PER_LINK) * 1e6
            result[f"cpu{depth}"] = mean([t[1] for t in times]) / (depth * OPS_PER_LINK) * 1e6
        return result
    serve(burst)


BIG = {"as imported": False, "gc.freeze() after imports": True}  # the rows with big libraries: gc.freeze()?


def child_main(name: str, threads: int) -> None:
    """A child of rounds_of: a framework (a row of the thread tables) or one of the BIG rows, whose
    process loads the big libraries first."""
    extra = {}
    if name == "PyTorch CPU":
        import torch
        torch.set_num_threads(threads)
    if name in BIG:
        extra["loaded"] = [library for library in BIG_LIBRARIES if importlib.util.find_spec(library.split(".")[0])]
        for library in extra["loaded"]:
            __import__(library)
        import tinygrad_edu  # noqa: F401
        if BIG[name]:
            gc.freeze()  # move everything loaded so far out of the collector's sight
    serve_chains("tinygrad_edu" if name in BIG else name, extra)


def main() -> None:
    args = sys.argv[1:]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 10
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 4
    if "--framework" in args:
        child_main(args[args.index("--framework") + 1], int(args[args.index("--threads") + 1]))
        return
    print(machine_line())
    print(f"chain of (x * 1.0001 + 0.001).tanh() on 4 float64 numbers, forward + backward: mean us/op, collector on; "
          f"each row the mean of {rounds} processes x {runs} bursts of chains (depth 300: "
          f"{CHAINS_PER_BURST[300]}, 5000: {CHAINS_PER_BURST[5000]}), the rows' bursts taking turns")
    frameworks = ["tinygrad_edu", BARE] + (["PyTorch CPU"] if importlib.util.find_spec("torch") else [])
    for threads in THREAD_COUNTS:
        rows = []
        results = rounds_of(__file__, frameworks, ["--threads", str(threads)], rounds, runs)
        for framework in frameworks:
            r = results[framework]
            rows.append((framework, r["300"], r["5000"], f"{r['5000'] / r['300']:.2f}x", r["cpu300"], r["cpu5000"],
                         f"{r['cpu5000'] / r['cpu300']:.2f}x", f"{r['objects']:.2f}", r["tracked"]))
        if "PyTorch CPU" in results:
            ours, theirs = results["tinygrad_edu"], results["PyTorch CPU"]
            rows.append(("tinygrad_edu / PyTorch", f"{ours['300'] / theirs['300']:.2f}x",
                         f"{ours['5000'] / theirs['5000']:.2f}x", "", f"{ours['cpu300'] / theirs['cpu300']:.2f}x",
                         f"{ours['cpu5000'] / theirs['cpu5000']:.2f}x", "", "", ""))
        print(f"\n## {threads} thread{'s' if threads > 1 else ''}\n")
        print(table(rows, ("framework", "depth 300 us/op", "depth 5000", "growth", "CPU us/op 300", "CPU 5000",
                           "CPU growth", "gc objects/op", "gc objects alive")))
    print("\n## tinygrad_edu with big libraries loaded (1 thread)\n")
    results = rounds_of(__file__, list(BIG), ["--threads", "1"], rounds, runs)
    rows = [(name, r["300"], r["5000"], f"{r['5000'] / r['300']:.2f}x", r["cpu300"], r["cpu5000"],
             f"{r['cpu5000'] / r['cpu300']:.2f}x", r["tracked"]) for name, r in results.items()]
    loaded = results["as imported"]["loaded"]
    print("loaded:", ", ".join(loaded) or "none of " + ", ".join(BIG_LIBRARIES))
    print(table(rows, ("", "depth 300 us/op", "depth 5000", "growth", "CPU us/op 300", "CPU 5000", "CPU growth",
                       "gc objects alive")))


if __name__ == "__main__":
    main()
