"""Ops built from other ops: they need no backward of their own.

Each function here takes a Tensor `x` and uses only Tensor methods, so autograd
differentiates it through the primitives it is made of (ops.py), to any order.
tensor.py binds them as methods: `x.mean()` is `mean(x)`.
"""

from __future__ import annotations

import builtins
import numbers
import warnings

import numpy as np

from .errors import broadcast_error


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
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
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


def check_broadcast(op: str, *operands) -> None:
    """Raise, naming `op`, when the operands' shapes cannot be broadcast together (for
    composites whose primitives would otherwise name themselves, e.g. minimum's maximum)."""
    shapes = [tuple(x.shape) if hasattr(x, "_data") else np.shape(x) for x in operands]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise broadcast_error(op, shapes) from None


def count_of(x, axes) -> int:
    """How many elements a reduction over `axes` combines."""
    return x._data.size if axes is None else int(np.prod([x.shape[a] for a in axes]))


# ---------------------------------------------------------------- reductions

def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """sum(x) / N over `dim`."""
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"mean: the input is {x.dtype}; mean needs a floating tensor. Use x.float().mean()")
    axes = axes_of(x._data.shape, dim, axis, "mean")
    return x.sum(axes, keepdim or bool(keepdims)) / count_of(x, axes)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001 -- PyTorch's name
    """min(x) = -max(-x): values only, like max. `x.min(y)` with a tensor is minimum."""
    if dim is not None and not isinstance(dim, (numbers.Integral, tuple, list)):
        return minimum(x, dim)
    return -(-x).max(dim, keepdim, axis=axis, keepdims=keepdims)


def minimum(x, other):
    """min(x, y) = -max(-x, -y) elementwise."""
    check_broadcast("minimum", x, other)
    return -(-x).maximum(-other)


def var(x, dim=None, keepdim=False, *, correction=1, unbiased=None, axis=None, keepdims=None):
    """sum((x - mean)^2) / (N - correction); PyTorch's default correction=1 is the unbiased estimate."""
    return variance(x, dim, keepdim, correction, unbiased, axis, keepdims, "var")


def variance(x, dim, keepdim, correction, unbiased, axis, keepdims, op: str):
    """var, for var and std (`op` names the caller in errors and warnings)."""
    if unbiased is not None:
        correction = 1 if unbiased else 0
    axes = axes_of(x._data.shape, dim, axis, op)
    dof = count_of(x, axes) - correction
    if dof <= 0:  # one element with correction=1: 0 / 0 = nan, as PyTorch (which warns the same)
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", stacklevel=3)
    deviation = x - x.mean(axes, keepdim=True)
    return (deviation * deviation).sum(axes, keepdim or bool(keepdims)) / builtins.max(dof, 0)


def std(x, dim=None, keepdim=False, *, correction=1, unbiased=None, axis=None, keepdims=None):
    """sqrt(var(x)). Where var is 0 (a constant slice) the gradient is 0, as in PyTorch, not 0/0:
    the square root is not taken of the zero variances. NaN (NaN data, or one element with
    correction=1) stays NaN, as in PyTorch."""
    v = variance(x, dim, keepdim, correction, unbiased, axis, keepdims, "std")
    nonzero = v != 0
    return v.where(nonzero, 1.0).sqrt().where(nonzero, 0.0)


def logsumexp(x, dim, keepdim=False):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m = max(x), so that
    exp never overflows. m is held constant: its gradient would cancel out anyway."""
    axes = axes_of(x._data.shape, dim, op="logsumexp")
    if x._data.size == 0:  # nothing to shift by: an empty sum is 0, its log -inf (as PyTorch)
        out = x.exp().sum(axes, keepdim=True).log()
    else:
        m = x.detach().max(axes, keepdim=True)
        m = m.where(~m.isinf(), 0.0)  # a row of all -inf: avoid -inf - -inf = nan
        out = (x - m).exp().sum(axes, keepdim=True).log() + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))


def softmax(x, dim: int = -1):
    """exp(x) / sum(exp(x)), with the max subtracted first so exp cannot overflow."""
    dim = axis_of(x._data.shape, dim, "softmax")
    if x._data.size == 0:  # an empty tensor has no max to subtract (and nothing to overflow)
        return x.exp()
    e = (x - x.detach().max(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


# ---------------------------------------------------------------- movement

def transpose(x, dim0: int, dim1: int):
    """Swap two axes (a permute)."""
    axes = list(range(x.ndim))
    dim0, dim1 = axis_of(x._data.shape, dim0, "transpose"), axis_of(x._data.shape, dim1, "transpose")
    if x.ndim:
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return x.permute(*axes)


def matrix_transpose(x):
    """x.mT: the last two axes swapped."""
    if x.ndim < 2:
        raise RuntimeError(f"mT: needs a tensor of at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.permute(*range(x.ndim - 2), x.ndim - 1, x.ndim - 2)


def unsqueeze(x, dim: int):
    """Insert an axis of size 1 at `dim` (a reshape)."""
    dim = axis_of(x._data.shape, dim, "unsqueeze", new_dims=1)
    return x.reshape(x.shape[:dim] + (1,) + x.shape[dim:])


def squeeze(x, dim=None):
    """Remove axes of size 1 (all of them, or only `dim`) (a reshape)."""
    if dim == ():
        return x.reshape(x._data.shape)  # no dims named: nothing to squeeze
    axes = axes_of(x._data.shape, dim, op="squeeze")
    keep = [n for i, n in enumerate(x.shape) if not (n == 1 and (axes is None or i in axes))]
    return x.reshape(tuple(keep))


def flatten(x, start_dim: int = 0, end_dim: int = -1):
    """Merge the axes from start_dim to end_dim into one (a reshape)."""
    if x.ndim == 0:
        return x.reshape(1)
    start, end = axis_of(x._data.shape, start_dim, "flatten"), axis_of(x._data.shape, end_dim, "flatten")
    if start > end:
        raise RuntimeError(f"flatten: start_dim {start_dim} cannot come after end_dim {end_dim} "
                           f"for a tensor of shape {tuple(x.shape)}")
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


def split(x, split_size_or_sections, dim: int = 0):
    """Pieces of `split_size` along dim (the last may be smaller), or of the given sizes (slices)."""
    if x.ndim == 0:
        raise RuntimeError("split: expects at least a 1-dimensional tensor, got a 0-d one")
    dim = axis_of(x._data.shape, dim, "split")
    n = x.shape[dim]
    if isinstance(split_size_or_sections, numbers.Integral):
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and n != 0):
            raise RuntimeError(f"split: split_size must be positive (0 only for an empty dim), got {size} "
                               f"for dim {dim} of a tensor of shape {tuple(x.shape)}")
        sizes = [builtins.min(size, n - s) for s in range(0, n, size)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.min(sizes, default=0) < 0:
            raise RuntimeError(f"split: split sizes must not be negative, got {sizes} for dim {dim} of a "
                               f"tensor of shape {tuple(x.shape)}")
        if sum(sizes) != n:
            raise RuntimeError(f"split: sizes {sizes} add up to {sum(sizes)}, but dimension "
                               f"{dim} of shape {tuple(x.shape)} has {n}")
    pieces, start = [], 0
    for size in sizes:
        pieces.append(x[(slice(None),) * dim + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


def chunk(x, chunks: int, dim: int = 0):
    """`chunks` pieces of equal size along dim (the last may be smaller)."""
    if x.ndim == 0:
        raise RuntimeError("chunk: expects at least a 1-dimensional tensor, got a 0-d one")
    if not isinstance(chunks, numbers.Integral) or chunks <= 0:
        raise RuntimeError(f"chunk: expects `chunks` to be greater than 0, got: {chunks}")
    n = x.shape[axis_of(x._data.shape, dim, "chunk")]
    return split(x, builtins.max(-(-n // chunks), 1 if n else 0), dim)

