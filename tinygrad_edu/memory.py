"""Keeping freed memory for the next training step (glibc's malloc, on Linux).

Why: a training step frees large arrays (activations, unrolled convolution windows,
gradients) that the next step allocates again at the same sizes. By default glibc's
malloc returns the free memory at the top of its heap to the system as soon as more
than 128 KB lie there, and serves arrays over 128 KB (a limit it raises as it goes) from
fresh pages of their own; either way the next step gets pages back one fault at a
time, each zeroed by the kernel. On benchmarks/epoch.py's small CNN that churn was 40%
of the step (31.9 ms against 18.3 ms per batch, one thread, 2026-12-03).

So, once, at import (tinygrad_edu/__init__.py), this asks malloc to keep what it has:
arrays up to 32 MB come from its heap (the most every glibc accepts), and the heap is
trimmed only when more than 512 MB at its top are free. The process then holds on to its
largest step's memory between steps, as PyTorch's caching allocators do on GPUs. It is the
same as starting Python with MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=536870912
(PyTorch's CPU performance guide suggests a tuned allocator for the same reason).

Set TINYGRAD_EDU_KEEP_MEMORY=0 before importing tinygrad_edu to leave malloc as it is.
Elsewhere (macOS, Windows, musl) nothing is done. With another allocator preloaded
(jemalloc, tcmalloc: LD_PRELOAD) glibc's settings are accepted but that allocator ignores them.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["keep_freed_memory", "on_glibc"]

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 32 * 2**20
TRIM_THRESHOLD = 512 * 2**20


def on_glibc() -> bool:
    """True when this process runs on Linux with glibc's C library (not musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse (see the module docstring); True if it took
    both settings. Calling it again changes nothing and says the same."""
    if not on_glibc() or os.environ.get("TINYGRAD_EDU_KEEP_MEMORY", "1") == "0":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # this process's own C library: no search, no subprocess
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    took_mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    took_trim = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return took_mmap and took_trim
