"""Memory layout, by PyTorch's rules: which tensors are contiguous, and when a view is possible.

A tensor's elements sit in one block of memory; its strides say how many elements to step to
move one place along each dimension. A fresh (2, 3) matrix has strides (3, 1): row by row,
"contiguous". Its transpose x.t() is a view of the same memory with strides (1, 3): nothing
moved, so reading it row by row jumps about, and it is not contiguous.

`view` promises to share memory, so it must express the new shape with strides over the same
block; when it cannot, PyTorch raises its famous error and points at `reshape` (which copies
when it must) or `.contiguous().view(...)`. NumPy answers the same question with the same rule:
`np.reshape(a, shape, copy=False)` raises exactly when a copy would be needed.

The names of the memory formats (contiguous_format, channels_last...) are PyTorch's. Kept apart
from onramp.py, whose methods call these functions, because the rules are a lesson of their own.
"""

from __future__ import annotations

import numpy as np

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
           "VIEW_ERROR", "is_contiguous", "memory_order", "row_major"]

VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
              "across two contiguous subspaces). Use .reshape(...) instead.")


class memory_format:
    """PyTorch's torch.memory_format: how a tensor's elements are laid out in memory."""
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")  # row by row: the last dim changes fastest
channels_last = memory_format("channels_last")  # a 4-D (N, C, H, W) stored as N, H, W, C
channels_last_3d = memory_format("channels_last_3d")  # a 5-D (N, C, D, H, W) stored as N, D, H, W, C
preserve_format = memory_format("preserve_format")  # (for clone and the like) keep the input's layout

memory_format_type = memory_format  # the class, for isinstance where a parameter is named memory_format

# The dims of a 4-D or 5-D tensor in the order they are laid out, outermost first.
CHANNELS_LAST_ORDER = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def strides_of(array: np.ndarray) -> tuple:
    """The strides in elements (NumPy counts them in bytes)."""
    return tuple(step // array.itemsize for step in array.strides)


def row_major(array: np.ndarray) -> np.ndarray:
    """`array`, or a row-by-row copy of it when it is not laid out so. For the ops whose
    PyTorch results are always contiguous (reductions, softmax, cat, flip) where NumPy's would
    keep a transposed input's layout: their results can then be viewed as PyTorch's can."""
    return array if array.flags.c_contiguous else array.copy()


def check_format(memory_format, op: str) -> None:
    """PyTorch's TypeError for a memory_format that is not one."""
    if memory_format is not None and not isinstance(memory_format, memory_format_type):
        raise TypeError(f"{op}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(memory_format).__name__}. Hint: tinygrad_edu.channels_last and "
                        "tinygrad_edu.contiguous_format are the formats")


def memory_order(ndim: int, memory_format, op: str) -> tuple:
    """The dims in the order `memory_format` lays them out, outermost first, or PyTorch's error."""
    check_format(memory_format, op)
    if memory_format in CHANNELS_LAST_ORDER:
        order = CHANNELS_LAST_ORDER[memory_format]
        if ndim != len(order):
            raise RuntimeError(f"required rank {len(order)} tensor to use {memory_format.name} format "
                               f"(got {ndim} dimensions)")
        return order
    if memory_format is preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    return tuple(range(ndim))


def is_contiguous(array: np.ndarray, memory_format=None) -> bool:
    """PyTorch's rule: walking the dims from the innermost (the last, or C for channels_last),
    each stride must be the product of the sizes of the dims inside it. Dims of size 1 are
    skipped (any stride will do: there is no second element to step to), and an empty tensor
    is contiguous. channels_last answers for 4-D tensors only (False for others, and PyTorch
    makes no exception for empty ones there), channels_last_3d for 5-D."""
    check_format(memory_format, "is_contiguous")
    if memory_format in CHANNELS_LAST_ORDER:
        order = CHANNELS_LAST_ORDER[memory_format]
        if array.ndim != len(order):
            return False
    elif array.size == 0:
        return True
    else:
        order = range(array.ndim)
    expected = 1
    strides = strides_of(array)
    for d in reversed(order):
        if array.shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= array.shape[d]
    return True
