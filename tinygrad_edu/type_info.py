"""The limits of each dtype, as PyTorch reports them: `finfo(float32).eps`, `iinfo(int64).max`, and
`typename(x)`, the name of a tensor's type (`tinygrad_edu.FloatTensor` where PyTorch says
`torch.FloatTensor`) or of any object's class.

Tutorials reach for these to guard a division (`x / (norm + finfo(x.dtype).eps)`), to fill a mask
with the most negative float (`finfo(dtype).min`), or to check a quantisation range. The numbers are
NumPy's (np.finfo and np.iinfo, which follow IEEE 754 and C's integer limits, as PyTorch's do); what
this module adds is PyTorch's interface: its attribute names (`tiny` and `smallest_normal` are one
value), its errors and its repr. It sits above tensor.py (typename asks a tensor for its .type()).
"""

from __future__ import annotations

import builtins

import numpy as np

from . import dtypes
from .tensor import Tensor

__all__ = ["finfo", "iinfo", "typename"]


def dtype_asked(type, op: str) -> dtypes.dtype:  # noqa: A002
    """The dtype asked about: ours, a NumPy one, or Python's float, complex or int (float64, complex128, int64)."""
    if type is builtins.float:
        return dtypes.float64
    if type is builtins.complex:
        return dtypes.complex128
    if type is builtins.int:
        return dtypes.int64
    try:
        return dtypes.to_dtype(type)
    except TypeError:
        raise TypeError(f"{op}(): argument 'type' must be a dtype such as tinygrad_edu.float32, "
                        f"not {builtins.type(type).__name__}") from None


class finfo:  # noqa: N801 -- PyTorch's class name (torch.finfo)
    """The limits of a floating dtype (the default dtype when none is given); a complex dtype gives
    those of its real part. bits, eps (the gap between 1 and the next float), max, min (= -max), tiny
    and smallest_normal (the smallest positive normal number), resolution (10^-digits, the decimal
    precision) and dtype (its name, 'float32')."""

    def __init__(self, type=None):  # noqa: A002 -- PyTorch's argument name
        chosen = dtypes.get_default_dtype() if type is None else dtype_asked(type, "finfo")
        if not (chosen.is_floating_point or chosen.is_complex):
            raise TypeError(f"finfo() requires a floating point input type, got {chosen}. Use iinfo() for an "
                            "integer type")
        info = np.finfo(chosen.dtype)
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # (NumPy's is in the dtype itself: 0.0010004 for float16)
        self.dtype = str(info.dtype)

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 -- PyTorch's class name (torch.iinfo)
    """The limits of an integer dtype: bits, max, min (Python ints) and dtype (its name, 'int32')."""

    def __init__(self, type):  # noqa: A002 -- PyTorch's argument name
        chosen = dtype_asked(type, "iinfo")
        if chosen is dtypes.bool:
            raise TypeError("tinygrad_edu.bool is not supported by iinfo() (as torch.bool by torch.iinfo)")
        if chosen.category != dtypes.INTEGER:
            raise TypeError(f"iinfo() requires an integer input type, got {chosen}. Use finfo() for a "
                            "floating point type")
        info = np.iinfo(chosen.dtype)
        self.bits = info.bits
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)
        self.dtype = str(info.dtype)

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def typename(obj) -> str:
    """PyTorch's name for obj's type: x.type() for a tensor ('tinygrad_edu.FloatTensor'), else the
    module and qualified name of obj (a class or function) or of its class ('int',
    'tinygrad_edu.nn.linear.Linear')."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualified = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualified = obj.__name__
    else:
        module = builtins.type(obj).__module__ or ""
        qualified = builtins.type(obj).__qualname__
    if module in ("", "builtins"):
        return qualified
    return f"{module}.{qualified}"
