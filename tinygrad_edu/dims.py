"""The one place dims are read: every op that takes a dim or dims normalises them here.

PyTorch lets a dim be negative (-1 is the last), a tuple, or None for "all of them", and
checks each against the tensor's number of dimensions. Doing that in one helper gives every
op the same rules and the same error, which names the op, the shape and the valid range.
"""

from __future__ import annotations

import numbers


def axes_of(shape, dim, axis=None, op: str = "dim"):
    """The one dim-normaliser for ops that reduce over dims (sum, mean, max, var, ...).

    `dim` (or NumPy's `axis`) is an int, a tuple/list of ints, or None. Returns a sorted
    tuple of non-negative axes, or None for "all of them", as PyTorch reads it:
    None and () mean every dim; each dim is range-checked; a dim given twice
    (dim=(0, 0) or (0, -2) on 2-d) is refused. `shape` is the tensor's shape (or its ndim);
    `op` is the public name every error starts with.
    """
    if dim is None:
        dim = axis
    if dim is None:
        return None
    ndim = shape if isinstance(shape, int) else len(shape)
    if type(dim) is int and -ndim <= dim < ndim:  # the common case, quickly
        return (dim % ndim,)
    if isinstance(dim, numbers.Integral):
        dims = (dim,)
    elif isinstance(dim, str) or not hasattr(dim, "__iter__"):  # tuple(1.0): "'float' object is not iterable"
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r} (or a tuple of ints, or None)")
    else:
        dims = tuple(dim)
    if not dims:
        return None  # dim=() reduces over every dim, as in PyTorch
    axes = [axis_of(shape, d, op) for d in dims]
    for i, a in enumerate(axes):
        if a in axes[:i]:
            raise RuntimeError(f"{op}: dim {a} appears multiple times in the list of dims {dims} "
                               f"for a tensor of shape {tuple(shape) if not isinstance(shape, int) else shape}. "
                               "Hint: give each dim once")
    return tuple(sorted(axes)) if ndim else None


def axis_of(shape, dim, op: str = "dim", new_dims: int = 0) -> int:
    """One dim index, negative allowed, range-checked: the dim helper for every op that takes one.

    `shape` is the tensor's shape (or its ndim); `new_dims=1` for ops that add a dim (unsqueeze,
    stack), whose dim may also be len(shape). A 0-d tensor accepts 0 and -1, as in PyTorch.
    The error names the op, the shape and the valid range:
    "sum: dim 2 is out of range for a tensor of shape (3, 4) (expected a dim in [-2, 1])".
    """
    ndim = (shape if isinstance(shape, int) else len(shape)) + new_dims
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        where = f"with {shape} dimensions" if isinstance(shape, int) else f"of shape {tuple(shape)}"
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor {where} "
                         f"(expected a dim in [{-size}, {size - 1}])")
    return int(dim) % size if ndim else 0
