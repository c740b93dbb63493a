"""tinygrad_edu.cuda: answers PyTorch's GPU questions on a CPU-only library.

    device = "cuda" if tinygrad_edu.cuda.is_available() else "cpu"   # -> "cpu"

Seeding calls that scripts make "just in case" (manual_seed, manual_seed_all)
and empty_cache do nothing, as in PyTorch on a machine without a GPU.
`tinygrad_edu.cuda.amp` is torch.cuda.amp, PyTorch's old path to tinygrad_edu.amp.
"""

from __future__ import annotations

from . import amp

__all__ = ["amp", "is_available", "device_count", "manual_seed", "manual_seed_all", "empty_cache", "is_bf16_supported"]


def is_available() -> bool:
    """False: tinygrad_edu computes with NumPy on the CPU."""
    return False


def device_count() -> int:
    """0 GPUs."""
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed without a GPU (tinygrad_edu.manual_seed seeds the CPU generator)."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed without a GPU (tinygrad_edu.manual_seed seeds the CPU generator)."""


def empty_cache() -> None:
    """No GPU memory to hand back."""


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: no GPU (and NumPy has no bfloat16)."""
    return False
