"""tinygrad_edu.accelerator: PyTorch's accelerator questions, answered for a CPU-only library.

    device = accelerator.current_accelerator().type if accelerator.is_available() else "cpu"  # -> "cpu"
"""

from __future__ import annotations

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    """False: there is no accelerator, only the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: no accelerator (PyTorch returns None too when there is none)."""
    return None


def device_count() -> int:
    return 0
