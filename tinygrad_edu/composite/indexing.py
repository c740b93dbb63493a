"""Composites that pick or place elements by position: gather and what is built on it (sort and
topk; median and the other order statistics are order_statistics.py's), scatter and scatter_add,
diagonals (diagonal, diag, trace), triangles (tril, triu) and masked_fill.

Gathering is indexing, whose gradient (AddAt) adds back to where each element came from.
scatter is built the other way round, as a product with a constant one-hot table, so that
its gradient comes from Mul and Sum.
"""

from __future__ import annotations

import numpy as np

from .. import return_types
from ..dims import axis_of
from .movement import take


def check_positions(index: np.ndarray, size: int, dim: int, op: str) -> None:
    """Every position in [0, size), as PyTorch's gather and scatter demand: NumPy would read -1 as
    the last element and give a plausible, wrong answer. The message names the first bad one."""
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = int(index[(index < 0) | (index >= size)].flat[0])
        raise RuntimeError(f"{op}: index {bad} is out of bounds for dimension {dim} with size {size} "
                           f"(valid: 0 to {size - 1}; negative indices are refused, as in PyTorch)")


def gather(x, dim: int, index):
    """out[i][j][k] = x[index[i][j][k]][j][k] for dim=0 (and likewise for the other dims):
    fancy indexing, whose gradient scatters back (repeated indices add up)."""
    d = axis_of(x.ndim, dim, "gather")
    index = np.asarray(index)  # a Tensor too (through its __array__)
    if index.ndim != x.ndim or not np.issubdtype(index.dtype, np.integer):
        raise RuntimeError(f"gather: index must be an integer tensor with as many dimensions as the input; "
                           f"got index {index.dtype} of shape {index.shape} for input of shape {x.shape}")
    if any(n > size for i, (n, size) in enumerate(zip(index.shape, x.shape)) if i != d):
        raise RuntimeError(f"gather: index of shape {index.shape} is larger than the input {tuple(x.shape)} in a "
                           f"dimension other than dim {dim}; it may be larger only along dim. Hint: "
                           "check which dim you gather along")
    check_positions(index, x.shape[d] if x.ndim else 1, dim, "gather")
    key = tuple(index if i == d else np.arange(n).reshape([-1 if j == i else 1 for j in range(x.ndim)])
                for i, n in enumerate(index.shape))
    return x[key]


def sort(x, dim: int = -1, descending: bool = False, stable: bool = False):
    """(values, indices) sorted along `dim`; values = x.gather(dim, indices), so gradients flow back
    to where each value came from. Equal values keep their order."""
    indices = x.argsort(dim, descending)
    return return_types.sort(gather(x, dim, indices), indices)


def topk(x, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002 -- PyTorch's name
    """The k largest (or smallest) values along `dim` and their indices, largest first."""
    d = axis_of(x.ndim, dim, "topk")
    size = x.shape[d] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk: k={k} is out of range for dimension {dim} of size {size} (shape {x.shape})")
    indices = take(x.argsort(d, largest), d, 0, k) if x.ndim else x.argsort(d, largest)
    return return_types.topk(gather(x, d, indices) if x.ndim else x.clone(), indices)


def masked_fill(x, mask, value):
    """x with `value` wherever `mask` is True (mask broadcasts against x). `value` may be a 0-d tensor.
    The result keeps x's dtype, as PyTorch's: the value is cast to it (1.5 into a long tensor is 1)."""
    mask = np.asarray(mask)  # a Tensor too (through its __array__)
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_fill: expected a boolean mask, got {mask.dtype}. Hint: compare first, "
                           "e.g. x.masked_fill(mask == 0, value)")
    if hasattr(value, "ndim") and value.ndim != 0:
        raise RuntimeError(f"masked_fill: only supports a 0-dimensional value tensor, got shape {value.shape}")
    if hasattr(value, "ndim"):
        value = value.to(x.dtype)
    else:
        value = np.asarray(value).astype(x._data.dtype)
    return x.where(~mask, value)


def triangle(x, diagonal: int, lower: bool, op: str):
    if x.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    below = np.tri(rows, cols, diagonal, dtype=bool)  # True where column <= row + diagonal
    keep = below if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return x.where(keep, False)  # False is every dtype's zero and, unlike 0, keeps a bool x bool


def tril(x, diagonal: int = 0):
    """The lower triangle (on and below `diagonal`) of the last two dimensions; the rest 0."""
    return triangle(x, diagonal, True, "tril")


def triu(x, diagonal: int = 0):
    """The upper triangle (on and above `diagonal`) of the last two dimensions; the rest 0."""
    return triangle(x, diagonal, False, "triu")


def diagonal(x, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The elements x[i, i + offset] of the (dim1, dim2) plane, as a last dimension (indexing)."""
    d1, d2 = axis_of(x.ndim, dim1, "diagonal"), axis_of(x.ndim, dim2, "diagonal")
    rest = [i for i in range(x.ndim) if i not in (d1, d2)]
    x = x.permute(*rest, d1, d2)
    rows = np.arange(max(0, min(x.shape[-2], x.shape[-1] - offset) if offset >= 0
                         else min(x.shape[-2] + offset, x.shape[-1])))
    row_index, col_index = (rows, rows + offset) if offset >= 0 else (rows - offset, rows)
    return x[(Ellipsis, row_index, col_index)]


def diag(x, diagonal_offset: int = 0):
    """A 1-D x becomes the square matrix with x on its diagonal (x times the identity); a 2-D x gives
    its diagonal."""
    if x.ndim == 1:
        square = x.reshape(-1, 1) * np.eye(x.shape[0], dtype=x.dtype)  # x on the main diagonal
        k = diagonal_offset  # then shift it: pad columns on the left (k > 0) or rows on top (k < 0)
        return square.pad((k, 0, 0, k) if k >= 0 else (0, -k, -k, 0))
    if x.ndim == 2:
        return diagonal(x, diagonal_offset)
    raise RuntimeError(f"diag: expected a 1-D or 2-D tensor, got shape {x.shape}")


def trace(x):
    """The sum of the main diagonal of a matrix."""
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, got shape {x.shape}")
    return diagonal(x).sum()


def scattered(dim: int, index: np.ndarray, src, shape: tuple, op: str):
    """An array or tensor of `shape` holding, at each position along `dim`, the sum of the src elements
    whose index points there: src times a constant one-hot table, summed over `dim`, so a src
    tensor's gradient is read back through the same table (gather's adjoint, from Mul and Sum)."""
    if index.ndim == 0 and len(shape) == 1:  # one position (PyTorch reads a 0-d index as 1-D)
        index = index.reshape(1)
        src = src.reshape(1) if hasattr(src, "_data") and src.ndim == 0 else src
    if index.ndim != len(shape) or not np.issubdtype(index.dtype, np.integer):
        raise RuntimeError(f"{op}: index must be an integer tensor with as many dimensions as the input "
                           f"(shape {shape}); got {index.dtype} of shape {index.shape}")
    check_positions(index, shape[dim], dim, op)
    hits = (index[..., None] == np.arange(shape[dim]))  # index.shape + (n,): where each element lands
    if hasattr(src, "_data"):
        src = src[tuple(slice(0, n) for n in index.shape)]  # PyTorch reads src only where index is defined
        added = (src.unsqueeze(-1) * hits.astype(src.dtype)).sum(dim)
    else:
        added = (np.broadcast_to(np.asarray(src, dtype=float), index.shape)[..., None] * hits).sum(dim)
    order = list(range(added.ndim - 1))
    order.insert(dim, added.ndim - 1)  # the new last axis goes back to position dim
    added = added.permute(*order) if hasattr(added, "_data") else added.transpose(order)
    pads = tuple(p for k in reversed(range(len(shape))) for p in (0, shape[k] - added.shape[k]))
    if hasattr(added, "_data"):
        return added.pad(pads) if any(pads) else added
    return np.pad(added, [(0, shape[k] - added.shape[k]) for k in range(len(shape))])


def scatter_add(x, dim: int, index, src):
    """x with each src element added at the position `index` names along `dim`:
    out[index[i][j]][j] += src[i][j] for dim=0. Repeated indices add up."""
    d = axis_of(x.ndim, dim, "scatter_add")
    return x + scattered(d, np.asarray(index), src, x.shape, "scatter_add")


def scatter(x, dim: int, index, src=None, *, value=None, reduce=None):
    """x with src elements (or one `value`) written at the positions `index` names along `dim`:
    out[index[i][j]][j] = src[i][j] for dim=0. Where one position is written twice, PyTorch leaves
    the result undefined; here it is the mean of the values written there."""
    if reduce is not None:
        raise RuntimeError(f"scatter: reduce={reduce!r} is not supported; use scatter_add for sums")
    d = axis_of(x.ndim, dim, "scatter")
    index = np.asarray(index)
    src = value if src is None else src
    if src is None:
        raise TypeError("scatter: give src (a tensor) or value (a number)")
    counts = scattered(d, index, 1.0, x.shape, "scatter")
    written = scattered(d, index, src, x.shape, "scatter") / np.maximum(counts, 1)
    if not hasattr(written, "_data"):
        written = written.astype(x.dtype)
    return x.where(counts == 0, written)
