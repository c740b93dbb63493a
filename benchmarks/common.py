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

The MLP that mlp_step.py and epoch.py train is here too, once: built from
tinygrad_edu.nn or torch.nn (the same code, since the APIs are the same), and
its training step written out by hand in NumPy, the baseline both compare with.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

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


def child_env(args: list[str]) -> dict:
    """The environment of a child run with `args`: the thread variables set from its --threads."""
    threads = args[args.index("--threads") + 1]
    return dict(os.environ, **{name: threads for name in THREAD_VARIABLES})


def rounds_of(script: str, frameworks: list, args: list, rounds: int, bursts: int) -> dict:
    """Each framework's figures, the mean over `rounds` x `bursts` timed bursts that take turns with the
    other frameworks' (A B, B A, ...). In each round every framework has a child process of its own,
    `script *args --framework NAME`, with only that framework loaded; the children wait on their
    standard input, and the parent asks one at a time for a burst (common.serve).

    Why children: a framework pays Python's cycle collector for every object alive in its process,
    and PyTorch's import alone leaves ~140,000 (see overhead.py); a learner's script loads one
    framework, so each is timed alone. Why bursts taking turns: on a shared virtual machine the
    same code sometimes runs 1.5x slower, for seconds at a time (a plain Python loop too). Runs
    a second or so apart, each framework's beside the other's, go through the same slow spells, so
    the ratio holds even when the machine does not; whole processes taking turns left it a coin
    toss (1.17x one hour, 1.29x the next). The parent waits `PAUSE` seconds before each burst: a
    BLAS library's idle threads busy-wait for a while after their last product, on the cores the
    next burst, of the other framework, needs."""
    results: dict = {framework: [] for framework in frameworks}
    turn = 0
    for _ in range(rounds):
        children = {framework: Server(script, [*args, "--framework", framework]) for framework in frameworks}
        try:
            for server in children.values():  # all set up and warmed up before any burst is timed
                server.read()
            for _ in range(bursts):
                for framework in (frameworks if turn % 2 == 0 else frameworks[::-1]):
                    time.sleep(PAUSE)
                    results[framework].append(children[framework].ask())
                turn += 1
        finally:
            for server in children.values():
                server.close()
    return {framework: {key: (mean([r[key] for r in rs]) if isinstance(rs[0][key], float) else rs[0][key])
                        for key in rs[0]} for framework, rs in results.items()}


PAUSE = 0.3  # seconds between bursts: OpenBLAS's idle threads spin ~0.1 s after a product (nn/cores.py)


class Server:
    """A child process of rounds_of, started now. It says it is ready (`read()` waits for that: its
    set-up and warm-up are done); then `ask()` has it time one burst and returns its figures."""

    def __init__(self, script: str, args: list[str]):
        self.process = subprocess.Popen([sys.executable, script, *args], env=child_env(args), text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(self) -> dict:
        """The child's next line of JSON."""
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a benchmark child ({' '.join(self.process.args[1:])}) ended early, code "
                               f"{self.process.wait()}; its error is above")
        return json.loads(line)

    def ask(self) -> dict:
        try:
            self.process.stdin.write("burst\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it has ended: read() says so
        return self.read()

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        self.process.wait()


def serve(burst) -> None:
    """The child's side of rounds_of, once set up and warmed up: a line saying so, then for each line
    the parent writes, one line of JSON, burst()'s figures, until the parent closes the pipe."""
    print(json.dumps({"ready": True}), flush=True)
    for _ in sys.stdin:
        print(json.dumps(burst()), flush=True)


def serve_step(name: str, make_step, threads: int, iters: int, warmup: int) -> None:
    """A child of rounds_of for a step: framework `name`'s step (made by `make_step()`), with only that
    framework loaded; each burst is one run of `iters` calls (after `warmup` more), its mean wall-clock
    and CPU milliseconds per call."""
    if name == "PyTorch CPU":
        use_threads(threads)
    step = make_step()
    mean_ms(step, 1, warmup=warmup)
    serve(lambda: dict(zip(("wall", "cpu"), mean_ms(step, iters, warmup=warmup))))


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


# ---------------------------------------------------------------- the MLP both mlp_step.py and epoch.py train

MLP_SIZES = (784, 128, 64, 10)


def mlp(nn):
    """The 784-128-64-10 MLP with ReLUs, from `nn` = tinygrad_edu.nn or torch.nn."""
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def mlp_weights(rng) -> list:
    """[w1, b1, w2, b2, w3, b3] as float32 arrays in PyTorch's layout (out, in), drawn from PyTorch's
    default init range U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    weights = []
    for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        weights.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return weights


def numpy_mlp_step(weights: list, x, y, lr: float) -> float:
    """One SGD step of the MLP written out by hand in NumPy: forward, softmax cross-entropy,
    backward, update. Changes `weights` (mlp_weights' list) in place; returns the loss."""
    w1, b1, w2, b2, w3, b3 = weights
    rows = np.arange(len(y))
    # forward
    h1 = x @ w1.T + b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ w2.T + b2
    a2 = np.maximum(h2, 0)
    logits = a2 @ w3.T + b3
    # softmax cross-entropy, max subtracted for stability
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = np.log(total[:, 0]).mean() - shifted[rows, y].mean()
    # backward: dL/dlogits = (softmax - onehot) / N
    g3 = e / total
    g3[rows, y] -= 1
    g3 /= len(y)
    gw3, gb3 = g3.T @ a2, g3.sum(axis=0)
    g2 = (g3 @ w3) * (h2 > 0)
    gw2, gb2 = g2.T @ a1, g2.sum(axis=0)
    g1 = (g2 @ w2) * (h1 > 0)
    gw1, gb1 = g1.T @ x, g1.sum(axis=0)
    # SGD
    for param, grad in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2), (w3, gw3), (b3, gb3)):
        param -= lr * grad
    return float(loss)
