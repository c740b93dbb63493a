"""One epoch over a 60,000 x 784 float32 set: seconds, and the memory the data costs.

The data is synthetic (made here, no download): 60,000 rows of 784 uniform
float32 numbers (188 MB) and labels 0-9. One epoch, batch 128, shuffled, SGD:
- MLP 784-128-64-10 (lr 0.1): tinygrad_edu, PyTorch CPU and hand-written NumPy;
- CNN conv(1->8, 3x3, pad 1)-ReLU-pool 2-conv(8->16, 3x3, pad 1)-ReLU-pool 2-linear(784->10)
  on the rows seen as 1x28x28 images (lr 0.05): tinygrad_edu and PyTorch CPU.
tinygrad_edu reads the batches through TensorDataset + DataLoader, PyTorch through
its TensorDataset(torch.from_numpy(X), ...) + DataLoader (one index per batch).

Each epoch runs in its own process (for 1, then 2 threads; see common.py), after
a warm-up epoch over 512 rows (imports and first calls), and reports its seconds
and its peak resident memory beyond what the process had before the epoch, data
made and libraries loaded ("extra MB"): a framework that copied the data would
show ~188 MB more.

    python benchmarks/epoch.py [--rows 60000]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from common import THREAD_COUNTS, THREAD_VARIABLES, machine_line, mlp, mlp_weights, numpy_mlp_step, table

BATCH = 128


def make_data(rows: int):
    rng = np.random.default_rng(0)
    return rng.random((rows, 784), dtype=np.float32), rng.integers(0, 10, rows)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------- one epoch each

def model_and_lr(nn, model_kind: str):
    """The model and its learning rate, from `nn` = tinygrad_edu.nn or torch.nn (the same code)."""
    if model_kind == "MLP":
        return mlp(nn), 0.1
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10)), 0.05


def train_epoch(model, optimizer, loader, cross_entropy, model_kind: str) -> float:
    """The PyTorch-style loop over the batches, for either framework; returns the last loss."""
    loss = None
    for xb, yb in loader:
        if model_kind == "CNN":
            xb = xb.reshape(-1, 1, 28, 28)
        optimizer.zero_grad()
        loss = cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
    return loss.item()


def epoch_tinygrad(X, y, model_kind: str):
    import tinygrad_edu as tg
    import tinygrad_edu.nn.functional as F
    from tinygrad_edu import nn, optim
    from tinygrad_edu.data import DataLoader, TensorDataset
    tg.manual_seed(0)
    model, lr = model_and_lr(nn, model_kind)
    dataset = TensorDataset(X, y)
    assert np.shares_memory(dataset.tensors[0]._data, X), "TensorDataset copied the data"
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, seed=0)
    return train_epoch(model, optim.SGD(model.parameters(), lr=lr), loader, F.cross_entropy, model_kind)


def epoch_torch(X, y, model_kind: str):
    import torch
    from torch import nn
    from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset
    torch.manual_seed(0)
    model, lr = model_and_lr(nn, model_kind)
    dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    # One index per batch (the sampler yields lists of indices), not 128 __getitem__ calls.
    loader = DataLoader(dataset, batch_size=None, sampler=BatchSampler(RandomSampler(dataset), BATCH, False))
    return train_epoch(model, torch.optim.SGD(model.parameters(), lr=lr), loader, nn.functional.cross_entropy,
                       model_kind)


def epoch_numpy(X, y, model_kind: str):
    """The MLP's epoch written out by hand: forward, softmax cross-entropy, backward, SGD
    (common.numpy_mlp_step on each batch)."""
    rng = np.random.default_rng(0)
    weights = mlp_weights(rng)
    order = rng.permutation(len(X))
    loss = None
    for start in range(0, len(X), BATCH):
        rows = order[start:start + BATCH]
        loss = numpy_mlp_step(weights, X[rows], y[rows], 0.1)
    return loss


EPOCHS = {"tinygrad_edu": epoch_tinygrad, "PyTorch CPU": epoch_torch, "hand-written NumPy": epoch_numpy}


def run_child(framework: str, model_kind: str, threads: int, rows: int) -> dict:
    if framework == "PyTorch CPU":
        import torch
        torch.set_num_threads(threads)
    X, y = make_data(rows)
    EPOCHS[framework](X[:512], y[:512], model_kind)  # warm up: imports and first calls are not the epoch
    with_data = peak_mb()
    start = time.perf_counter()
    loss = EPOCHS[framework](X, y, model_kind)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss": loss, "extra_mb": peak_mb() - with_data, "data_mb": X.nbytes / 2**20}


def main() -> None:
    args = sys.argv[1:]
    rows = int(args[args.index("--rows") + 1]) if "--rows" in args else 60000
    if "--framework" in args:  # a child: one epoch, one JSON line
        result = run_child(args[args.index("--framework") + 1], args[args.index("--model") + 1],
                           int(args[args.index("--threads") + 1]), rows)
        print(json.dumps(result))
        return
    try:
        import importlib.util
        has_torch = importlib.util.find_spec("torch") is not None
    except ImportError:
        has_torch = False
    sys.stdout.reconfigure(line_buffering=True)  # each table as soon as it is measured
    print(machine_line())
    print(f"one epoch over {rows:,} x 784 float32 (synthetic, {rows * 784 * 4 / 2**20:.0f} MB), batch {BATCH}, "
          "shuffled, SGD; each epoch in its own process")
    runs = [("MLP", "hand-written NumPy"), ("MLP", "tinygrad_edu"), ("CNN", "tinygrad_edu")]
    if has_torch:
        runs += [("MLP", "PyTorch CPU"), ("CNN", "PyTorch CPU")]
    runs.sort()
    for threads in THREAD_COUNTS:
        env = dict(os.environ, **{name: str(threads) for name in THREAD_VARIABLES})
        results = {}
        for model_kind, framework in runs:
            done = subprocess.run([sys.executable, __file__, "--framework", framework, "--model", model_kind,
                                   "--threads", str(threads), "--rows", str(rows)],
                                  env=env, check=True, capture_output=True, text=True)
            results[model_kind, framework] = json.loads(done.stdout.strip().splitlines()[-1])
        table_rows = []
        for (model_kind, framework), r in results.items():
            torch_r = results.get((model_kind, "PyTorch CPU"))
            table_rows.append((model_kind, framework, r["seconds"],
                               f"{r['seconds'] / torch_r['seconds']:.2f}x" if torch_r else "-",
                               f"{r['extra_mb']:.0f}", f"{r['loss']:.3f}"))
        print(f"\n## {threads} thread{'s' if threads > 1 else ''}\n")
        print(table(table_rows, ("model", "framework", "s/epoch", "vs PyTorch", "extra MB (peak)", "last loss")))


if __name__ == "__main__":
    main()
