"""What every benchmark shares: the thread counts, the timing rule, the tables.

The timing rule: a figure is the MEAN over timed runs, and Python's cycle
collector runs whenever it would in a training loop (no gc.collect() before a
run, no minimum), so the collector's cost is in the figure as it is in yours.
Each is given as wall-clock time and as CPU time (see mean_ms).

Thread counts: each script runs itself once per thread count in a fresh Python
process, with OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS set
before NumPy loads (NumPy's BLAS reads them once, at import) and
torch.set_num_threads(n) for PyTorch, so both get the same cores.

The repository's root goes first on sys.path, so `python benchmarks/x.py` measures
the tinygrad_edu of this checkout, not an installed one.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

THREAD_COUNTS = (1, 2)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def parse(description: str, extra=None) -> argparse.Namespace:
    """The common arguments: --threads N runs one thread count in this process (the parent
    leaves it out and runs one child per count)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, default=None, help="run this thread count only, in this process")
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def run_per_thread_count(script: str, argv: list[str]) -> None:
    """Run `script` once per thread count, each in a new process with the thread variables set."""
    for threads in THREAD_COUNTS:
        env = dict(os.environ, **{name: str(threads) for name in THREAD_VARIABLES})
        print(f"\n## {threads} thread{'s' if threads > 1 else ''}\n", flush=True)
        subprocess.run([sys.executable, script, "--threads", str(threads), *argv], env=env, check=True)


def use_threads(threads: int):
    """Set PyTorch's thread count when torch is installed; returns the torch module or None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def blas_threads() -> str:
    """What NumPy's BLAS reports (threadpoolctl when installed), to check the variables took."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.environ.get("OPENBLAS_NUM_THREADS", "?")
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return str(max(counts)) if counts else "?"


def machine_line() -> str:
    import numpy as np
    load = ", load average %.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return (f"machine: {platform.machine()}, {os.cpu_count()} CPUs{load}; Python {platform.python_version()}, "
            f"NumPy {np.__version__} ({blas_threads()} BLAS threads)")


def mean_ms(step, iters: int, warmup: int = 3) -> tuple[float, float]:
    """One run of `iters` calls of `step`: the mean wall-clock and CPU milliseconds per call.
    No gc.collect(): collections happen when they would in a real loop, and are part of the
    figure. The CPU time (this process's, all its threads) is the steadier figure on a busy
    machine, where the wall clock also counts the time other processes held the cores."""
    for _ in range(warmup):
        step()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(iters):
        step()
    return (time.perf_counter() - wall) / iters * 1e3, (time.process_time() - cpu) / iters * 1e3


def table(rows: list[tuple], headers: tuple) -> str:
    """A Markdown table; floats get 3 significant decimals."""
    cells = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
             "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
              + " |" for r in cells]
    return "\n".join(lines)


def mean(values: list[float]) -> float:
    return statistics.fmean(values)
