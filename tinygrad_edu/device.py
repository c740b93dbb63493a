"""Devices: tinygrad_edu computes on the CPU with NumPy, so "cpu" is the only device.

PyTorch code names its device in a few standard ways; each of them works here:

    device = "cuda" if tinygrad_edu.cuda.is_available() else "cpu"     # -> "cpu"
    x = tinygrad_edu.zeros(3, device=device)
    model.to(device); x.to(device); x.device                           # device(type='cpu')

A device object of another type ("cuda", "mps", ...) can be made, as in PyTorch, but
putting a tensor or a model there raises an error that shows the device-agnostic line
above, instead of failing later in some other way.
"""

from __future__ import annotations

__all__ = ["device", "check_device", "set_default_device", "get_default_device", "CPU_ONLY_HINT"]

CPU_ONLY_HINT = ("tinygrad_edu runs on the CPU only (NumPy). Write device-agnostic code: "
                 "device = 'cuda' if tinygrad_edu.cuda.is_available() else 'cpu', "
                 "or simply use 'cpu'.")


# PyTorch's device types: a device object of any of them can be made (code such as
# `torch.device("cuda").index` runs), but only the CPU can hold tensors (check_device).
KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "ipu", "hpu", "mtia", "privateuseone")


class device:  # noqa: N801 -- PyTorch's name
    """A place where tensors live: here always the CPU.

    >>> device("cpu")
    device(type='cpu')
    >>> device("cpu:0").index
    0
    """
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index: int | None = None):  # noqa: A002 -- PyTorch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a string such as 'cpu', got {type!r}")
        name, _, number = type.partition(":")
        if number:
            if index is not None:
                raise RuntimeError(f"device: {type!r} already names an index; don't also pass index={index}")
            if not number.isdigit():
                raise RuntimeError(f"device: invalid device string {type!r}; expected 'cpu' or 'cpu:0'")
            index = int(number)
        if name not in KNOWN_TYPES:
            raise RuntimeError(f"device: {type!r} is not a device type; expected one of {', '.join(KNOWN_TYPES)}. "
                               + CPU_ONLY_HINT)
        if name == "cpu" and index not in (None, 0):
            raise RuntimeError(f"device: there is one CPU device, index 0; got {type!r} index {index}")
        self.type, self.index = name, index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(where, op: str = "device") -> device:
    """`where` (None, a string such as "cpu:0", or a device) as a device; anything but the CPU raises."""
    if where is None:
        return CPU
    if isinstance(where, device):
        if where.type != "cpu":
            raise RuntimeError(f"{op}: {str(where)!r} is not available. {CPU_ONLY_HINT}")
        return where
    if isinstance(where, int):  # PyTorch reads a bare int as a CUDA ordinal
        raise RuntimeError(f"{op}: device={where} means CUDA device {where}. {CPU_ONLY_HINT}")
    try:
        made = device(where)
    except RuntimeError as err:
        raise RuntimeError(f"{op}: {err}") from None
    return check_device(made, op)


def set_default_device(where) -> None:
    """PyTorch's set_default_device: accepted for "cpu" (the only device), refused for others."""
    check_device(where, "set_default_device")


def get_default_device() -> device:
    return CPU
