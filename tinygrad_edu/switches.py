"""PyTorch's global switches that scripts set at the top (the DCGAN tutorial's
`torch.use_deterministic_algorithms(True)`, nanoGPT's `torch.set_float32_matmul_precision("high")`),
answered for a NumPy library on the CPU.

They are remembered and read back, as in PyTorch, and change nothing here: every op is already
deterministic (NumPy's kernels, and the convolutions split over threads give the same bits as one
thread: tests/test_nn_cores.py), and a float32 matmul is NumPy's float32 matmul at every setting.
"""

from __future__ import annotations

import warnings

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_float32_matmul_precision",
           "get_float32_matmul_precision"]

MATMUL_PRECISIONS = ("highest", "high", "medium")
state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest"}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only (all of this library's are)."""
    for name, value in (("mode", mode), ("warn_only", warn_only)):
        if type(value) is not bool:
            raise TypeError(f"use_deterministic_algorithms(): argument '{name}' must be bool, "
                            f"not {type(value).__name__}")
    state["deterministic"], state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return state["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """'highest', 'high' or 'medium'; anything else is ignored with PyTorch's warning."""
    if precision not in MATMUL_PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", stacklevel=2)
        return
    state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return state["matmul_precision"]
