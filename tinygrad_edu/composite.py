"""Ops built from other ops: they need no backward of their own.

Each function here takes a Tensor `x` and uses only Tensor methods, so autograd
differentiates it through the primitives it is made of (ops.py), to any order.
tensor.py binds them as methods: `x.mean()` is `mean(x)`.
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np


def axes_of(ndim: int, dim, axis=None, op: str = "dim"):
    """Normalise a reduction's `dim` (or NumPy's `axis`) to a sorted tuple of axes, or None."""
    if dim is None:
        dim = axis
    if dim is None:
        return None
    if type(dim) is int and -ndim <= dim < ndim:  # the common case, quickly
        return (dim % ndim,)
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    axes = tuple(sorted({axis_of(ndim, d, op) for d in dims}))
    return axes if ndim else None


def axis_of(ndim: int, dim: int, op: str = "dim") -> int:
    """One dimension index, negative allowed, checked against `ndim` (a 0-d tensor accepts 0 and -1)."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dimensions "
                         f"(valid: {-size} to {size - 1})")
    return dim % size if ndim else 0


def count_of(x, axes) -> int:
    """How many elements a reduction over `axes` combines."""
    return x._data.size if axes is None else int(np.prod([x.shape[a] for a in axes]))


# ---------------------------------------------------------------- reductions

def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """sum(x) / N over `dim`."""
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"mean: the input is {x.dtype}; mean needs a floating tensor. Use x.float().mean()")
    axes = axes_of(x.ndim, dim, axis, "mean")
    return x.sum(axes, keepdim or bool(keepdims)) / count_of(x, axes)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001 -- PyTorch's name
    """min(x) = -max(-x): values only, like max. `x.min(y)` with a tensor is minimum."""
    if dim is not None and not isinstance(dim, (numbers.Integral, tuple, list)):
        return minimum(x, dim)
    return -(-x).max(dim, keepdim, axis=axis, keepdims=keepdims)


def minimum(x, other):
    """min(x, y) = -max(-x, -y) elementwise."""
    return -(-x).maximum(-other)


def var(x, dim=None, keepdim=False, *, correction=1, unbiased=None, axis=None, keepdims=None):
    """sum((x - mean)^2) / (N - correction); PyTorch's default correction=1 is the unbiased estimate."""
    if unbiased is not None:
        correction = 1 if unbiased else 0
    axes = axes_of(x.ndim, dim, axis)
    deviation = x - x.mean(axes, keepdim=True)
    return (deviation * deviation).sum(axes, keepdim or bool(keepdims)) / max(count_of(x, axes) - correction, 0)


def std(x, dim=None, keepdim=False, *, correction=1, unbiased=None, axis=None, keepdims=None):
    """sqrt(var(x)). Where var is 0 (a constant slice) the gradient is 0, as in PyTorch, not 0/0:
    the square root is taken only of the positive variances."""
    v = var(x, dim, keepdim, correction=correction, unbiased=unbiased, axis=axis, keepdims=keepdims)
    positive = v > 0
    return v.where(positive, 1.0).sqrt().where(positive, 0.0)


def logsumexp(x, dim, keepdim=False):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m = max(x), so that
    exp never overflows. m is held constant: its gradient would cancel out anyway."""
    axes = axes_of(x.ndim, dim)
    m = x.detach().max(axes, keepdim=True)
    m = m.where(~m.isinf(), 0.0)  # a row of all -inf: avoid -inf - -inf = nan
    out = (x - m).exp().sum(axes, keepdim=True).log() + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))


def softmax(x, dim: int = -1):
    """exp(x) / sum(exp(x)), with the max subtracted first so exp cannot overflow."""
    e = (x - x.detach().max(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


# ---------------------------------------------------------------- movement

def transpose(x, dim0: int, dim1: int):
    """Swap two axes (a permute)."""
    axes = list(range(x.ndim))
    dim0, dim1 = axis_of(x.ndim, dim0, "transpose"), axis_of(x.ndim, dim1, "transpose")
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
    dim = axis_of(x.ndim + 1, dim, "unsqueeze")
    return x.reshape(x.shape[:dim] + (1,) + x.shape[dim:])


def squeeze(x, dim=None):
    """Remove axes of size 1 (all of them, or only `dim`) (a reshape)."""
    axes = axes_of(x.ndim, dim)
    keep = [n for i, n in enumerate(x.shape) if not (n == 1 and (axes is None or i in axes))]
    return x.reshape(tuple(keep))


def flatten(x, start_dim: int = 0, end_dim: int = -1):
    """Merge the axes from start_dim to end_dim into one (a reshape)."""
    if x.ndim == 0:
        return x.reshape(1)
    start, end = axis_of(x.ndim, start_dim, "flatten"), axis_of(x.ndim, end_dim, "flatten")
    if start > end:
        raise RuntimeError(f"flatten: start_dim {start_dim} cannot come after end_dim {end_dim} "
                           f"for a tensor of shape {tuple(x.shape)}")
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


def split(x, split_size_or_sections, dim: int = 0):
    """Pieces of `split_size` along dim (the last may be smaller), or of the given sizes (slices)."""
    if x.ndim == 0:
        raise RuntimeError("split: expects at least a 1-dimensional tensor, got a 0-d one")
    dim = axis_of(x.ndim, dim, "split")
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        sizes = [builtins.min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
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
    n = x.shape[axis_of(x.ndim, dim, "chunk")]
    return split(x, -(-n // chunks), dim)

