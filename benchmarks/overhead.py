"""Per-op overhead of the autograd engine, and what the cycle collector costs it.

A chain of (x * 1.0001 + 0.001).tanh() on a shape-(4,) float64 tensor, forward
plus backward, in microseconds per op (three ops per link). The arrays are tiny,
so this measures the framework's Python overhead, not NumPy's arithmetic.

Each figure is the MEAN over --runs chains, with Python's cycle collector left on
(no gc.collect() before a run): a deep graph keeps many objects alive, and the
collector scans them all whenever it runs, so its cost grows with the depth.
Printed for depths 300 and 5,000, for 1 and 2 threads, each framework in its own
process (so "only tinygrad_edu loaded" holds for our rows), plus:
- objects per op: how many gc-tracked objects a chain leaves alive per op
  (len(gc.get_objects()) after building it, minus before, over the ops);
- the same chains with big libraries loaded (scikit-learn, SciPy, matplotlib when
  installed), with and without gc.freeze() after the imports.

    python benchmarks/overhead.py [--runs 10] [--rounds 4]

Each framework's row is the mean of --rounds child processes run in turn with the
other framework's (see rounds_of).
"""

from __future__ import annotations

import gc
import importlib.util
import json
import sys
import time

from common import THREAD_COUNTS, child, machine_line, mean, rounds_of, table

OPS_PER_LINK = 3
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


def measure(framework: str, runs: int) -> dict:
    """One child process: us/op at each depth (means over runs), objects per op."""
    result = {"framework": framework, "objects": objects_per_op(framework)}
    for depth in DEPTHS:
        time_chain(make_leaf(framework), depth)  # warm up
        times = [time_chain(make_leaf(framework), depth) for _ in range(runs)]
        result[depth] = mean([t[0] for t in times]) / (depth * OPS_PER_LINK) * 1e6
        result[f"cpu{depth}"] = mean([t[1] for t in times]) / (depth * OPS_PER_LINK) * 1e6
    result["tracked"] = len(gc.get_objects())
    return result


def main() -> None:
    args = sys.argv[1:]
    runs = args[args.index("--runs") + 1] if "--runs" in args else "10"
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 4
    if "--framework" in args:  # a child
        framework = args[args.index("--framework") + 1]
        if framework == "PyTorch CPU":
            import torch
            torch.set_num_threads(int(args[args.index("--threads") + 1]))
        if "--big-libraries" in args:
            loaded = [name for name in BIG_LIBRARIES if importlib.util.find_spec(name.split(".")[0])]
            for name in loaded:
                __import__(name)
            import tinygrad_edu  # noqa: F401
            if "--freeze" in args:
                gc.freeze()  # move everything loaded so far out of the collector's sight
        result = measure(framework, int(runs))
        if "--big-libraries" in args:
            result["loaded"] = loaded
        print(json.dumps(result))
        return
    print(machine_line())
    print(f"chain of (x * 1.0001 + 0.001).tanh() on 4 float64 numbers, forward + backward: mean us/op over {runs} "
          f"runs, collector on; each row the mean of {rounds} processes, the frameworks taking turns")
    frameworks = ["tinygrad_edu"] + (["PyTorch CPU"] if importlib.util.find_spec("torch") else [])
    for threads in THREAD_COUNTS:
        rows = []
        results = rounds_of(__file__, frameworks, ["--threads", str(threads), "--runs", runs], rounds)
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
    rows = []
    for freeze in (False, True):
        r = child(__file__, ["--threads", "1", "--framework", "tinygrad_edu", "--runs", runs, "--big-libraries"]
                  + (["--freeze"] if freeze else []))
        rows.append(("gc.freeze() after imports" if freeze else "as imported", r["300"], r["5000"],
                     f"{r['5000'] / r['300']:.2f}x", r["cpu300"], r["cpu5000"], f"{r['cpu5000'] / r['cpu300']:.2f}x",
                     r["tracked"]))
    print("loaded:", ", ".join(r["loaded"]) or "none of " + ", ".join(BIG_LIBRARIES))
    print(table(rows, ("", "depth 300 us/op", "depth 5000", "growth", "CPU us/op 300", "CPU 5000", "CPU growth",
                       "gc objects alive")))


if __name__ == "__main__":
    main()
