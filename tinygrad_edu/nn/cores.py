"""Splitting a primitive's batch over the CPU's cores (the convolution and pooling ops use it).

Why: NumPy runs every copy and elementwise op on one thread, while its BLAS splits each
matrix product over all its threads. A convolution is large copies (im2col, col2im) and
one small matrix product per image: given 2 threads, OpenBLAS gains little on products
that small and the copies stay on one core (benchmarks/conv.py ran no faster with 2
threads than with 1, while PyTorch's time fell by about 40%). PyTorch splits the batch instead,
and so does `over_batch`: one slice of the batch per thread, each slice's work on its own
thread (NumPy releases the GIL while it copies, computes elementwise and multiplies
matrices), with BLAS held to one thread meanwhile so that the slices do not compete for
the cores. Each slice writes its own part of the result, so the values are the same
however the batch is split (tests/test_nn_cores.py checks it bit for bit).

What it cannot stop: after a product that used several BLAS threads (a Linear layer's), OpenBLAS's
idle threads busy-wait ~0.1 s for the next one, on the cores the slices need, and setting BLAS to
one thread does not put them to sleep. OPENBLAS_THREAD_TIMEOUT=4 in the environment before NumPy
loads does, at a price for every 2-thread product (benchmarks/README.md has both).

With one thread, or an input too small to be worth a thread, the work runs once, on the
whole batch, in the calling thread. THREADS starts as the number of threads NumPy's BLAS
was given (OMP_NUM_THREADS or OPENBLAS_NUM_THREADS, else one per core), as threadpoolctl
reports it at import; `set_num_threads(n)` (tinygrad_edu.set_num_threads, PyTorch's name) sets
both it and NumPy's BLAS threads to n, the one public way to change them.

PyTorch also has a pool for running independent ops at once ("inter-op" threads); this library
runs one op at a time, so `set_num_interop_threads` only records its number, with PyTorch's rules
(a positive int, set at most once).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from threadpoolctl import ThreadpoolController

__all__ = ["THREADS", "GRAIN", "NUMPY_BLAS", "over_batch", "get_num_threads", "set_num_threads",
           "get_num_interop_threads", "set_num_interop_threads"]

NUMPY_BLAS = ThreadpoolController().select(user_api="blas")  # the BLAS loaded by now: NumPy's
THREADS = max([library["num_threads"] for library in NUMPY_BLAS.info()], default=1)
# Input elements a slice must have to be worth a thread (PyTorch's at::internal::GRAIN_SIZE). Handing
# a slice to a thread and back costs ~60 us on the benchmarks' machine, about what NumPy takes for
# 10^5 elements; a grain 8 times larger (no split of benchmarks/conv.py's pooling) was no faster.
GRAIN = 32768
_pool: ThreadPoolExecutor | None = None
_pool_owner: tuple | None = None  # (process id, THREADS) the pool was made for
INTEROP = {"threads": os.cpu_count() or 1, "set": False}


def checked_thread_count(count, op: str) -> int:
    """PyTorch's checks of a thread count: an int (not a bool), positive."""
    if not isinstance(count, int) or isinstance(count, bool):
        raise RuntimeError(f"{op} expects an int, but got {type(count).__name__}")
    if count <= 0:
        raise RuntimeError(f"{op} expects a positive integer")
    return count


def get_num_threads() -> int:
    """The threads an op may use: the batch slices of over_batch, and NumPy's BLAS."""
    return THREADS


def set_num_threads(count: int) -> None:
    """Let ops use `count` threads: over_batch splits a batch into at most `count` slices, and
    NumPy's BLAS multiplies matrices on `count` threads (threadpoolctl sets it)."""
    global THREADS
    THREADS = checked_thread_count(count, "set_num_threads")
    for library in NUMPY_BLAS.lib_controllers:
        library.set_num_threads(THREADS)


def get_num_interop_threads() -> int:
    """The inter-op thread count PyTorch would report (one per core unless set); unused here."""
    return INTEROP["threads"]


def set_num_interop_threads(count: int) -> None:
    """Record the inter-op thread count; as in PyTorch, only once per process."""
    count = checked_thread_count(count, "set_num_interop_threads")
    if INTEROP["set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started "
                           "or set_num_interop_threads called")
    INTEROP["threads"], INTEROP["set"] = count, True


def over_batch(work: Callable[[slice], object], n: int, size: int) -> list:
    """[work(s) for each slice s of the batch range(n)]: slice(0, n) alone with one thread or an
    input of `size` < 2 * GRAIN elements; else one slice per thread, run at the same time, the
    first (a little larger) in the calling thread."""
    count = min(THREADS, n, size // GRAIN)
    if count < 2:
        return [work(slice(0, n))]
    # The calling thread starts on its slice at once, a worker some 50 us later (the hand-over), so the
    # calling thread's slice is larger by about 1/16 of a share: 17 and 15 of 32, 68 and 60 of 128.
    head_start = n // (16 * count)
    bounds = [0] + [n * i // count + head_start for i in range(1, count)] + [n]
    slices = [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]
    blas = NUMPY_BLAS.lib_controllers
    before = [library.num_threads for library in blas]
    for library in blas:  # set directly: threadpoolctl's limit() took ~20 us on entry and on exit
        library.set_num_threads(1)
    try:
        others = [worker_pool().submit(work, s) for s in slices[1:]]
        first = work(slices[0])  # the calling thread takes a slice too
        return [first] + [future.result() for future in others]
    finally:
        for library, threads in zip(blas, before):
            library.set_num_threads(threads)


def worker_pool() -> ThreadPoolExecutor:
    """The worker threads, made on first use, and again in a forked child (which has none of
    its parent's threads) or when THREADS was changed."""
    global _pool, _pool_owner
    if _pool_owner != (os.getpid(), THREADS):
        _pool, _pool_owner = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="tinygrad_edu"), (os.getpid(), THREADS)
    return _pool
