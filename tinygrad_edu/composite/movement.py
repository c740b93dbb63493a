"""Movement composites: they rearrange or cut up a tensor without computing new values.

transpose and the mT property are a Transpose (a Permute); unsqueeze and squeeze are Unsqueeze and
Squeeze (Reshapes, named as PyTorch's nodes) and flatten a Reshape; split,
chunk, select, unbind and narrow are slices (GetItem); flip and roll index; repeat and tile
expand and reshape. Their derivatives are those primitives' (movement_ops.py): the gradient
moves back to where each element came from.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..dims import axes_of, axis_of
from ..movement_ops import GetItem, Squeeze, Transpose, Unsqueeze


def transpose(x, dim0: int, dim1: int):
    """Swap two axes (a permute)."""
    axes = list(range(x.ndim))
    dim0, dim1 = axis_of(x._data.shape, dim0, "transpose"), axis_of(x._data.shape, dim1, "transpose")
    if x.ndim:
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return Transpose.apply(x, axes=tuple(axes))


def matrix_transpose(x):
    """x.mT: the last two axes swapped."""
    if x.ndim < 2:
        raise RuntimeError(f"mT: needs a tensor of at least 2 dimensions, got shape {tuple(x.shape)}")
    return Transpose.apply(x, axes=(*range(x.ndim - 2), x.ndim - 1, x.ndim - 2))


_warned = []  # PyTorch warns once per process


def warn_reversed_transpose() -> None:
    """x.T on other than 2 dims: PyTorch's once-per-process deprecation warning."""
    if not _warned:
        _warned.append(True)
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and "
                      "it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices "
                      "or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=3)


def unsqueeze(x, dim: int = None, *, axis=None):
    """Insert an axis of size 1 at `dim` (a reshape)."""
    dim = axis_of(x._data.shape, dim if axis is None else axis, "unsqueeze", new_dims=1)
    return Unsqueeze.apply(x, shape=x._data.shape[:dim] + (1,) + x._data.shape[dim:])


def squeeze(x, dim=None, *, axis=None):
    """Remove axes of size 1 (all of them, or only `dim`) (a reshape)."""
    dim = dim if axis is None else axis
    overload = 0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1  # PyTorch's node names
    if dim == ():
        return Squeeze.apply(x, shape=x._data.shape, overload=overload)  # no dims named: nothing to squeeze
    axes = axes_of(x._data.shape, dim, op="squeeze")
    keep = [n for i, n in enumerate(x._data.shape) if not (n == 1 and (axes is None or i in axes))]
    return Squeeze.apply(x, shape=tuple(keep), overload=overload)


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
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if min(sizes, default=0) < 0:
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
    return split(x, max(-(-n // chunks), 1 if n else 0), dim)


def pad_dim(x, dim: int, before: int, after: int, value=0.0):
    """Pad one dimension (x.pad takes PyTorch's last-dimension-first pairs)."""
    return x.pad((0, 0) * (x.ndim - 1 - dim) + (before, after), value)


def take(x, dim: int, start: int, stop: int, step: int = 1):
    """x[..., start:stop:step, ...] along `dim` (basic indexing, a view)."""
    return x[(slice(None),) * dim + (slice(start, stop, step),)]


def flip(x, *dims):
    """Reverse the order along each of `dims`: a slice with step -1, cloned (PyTorch's flip
    copies, keeping the input's layout: its strides are never negative)."""
    dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    key = [slice(None)] * x.ndim
    for d in dims:
        key[axis_of(x.ndim, d, "flip")] = slice(None, None, -1)
    return GetItem.apply(x, key=tuple(key)).clone()  # (x[::-1] is refused to users, as PyTorch does)


def roll(x, shifts, dims=None):
    """Shift elements along `dims` by `shifts` places, those pushed off the end coming back at the start.
    Without dims, the flattened tensor is rolled and reshaped back."""
    if dims is None:
        return roll(x.reshape(-1), shifts, 0).reshape(x.shape)
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    for shift, dim in zip(shifts, dims):
        d = axis_of(x.ndim, dim, "roll")
        n = x.shape[d]
        if n:
            order = (np.arange(n) - shift) % n
            x = x[(slice(None),) * d + (order,)]
    return x


def repeat(x, *sizes):
    """Tile x `sizes[i]` times along each dimension (leading sizes add new dimensions):
    unsqueeze a copy axis before each dimension, expand it, and merge it in."""
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
    if len(sizes) < x.ndim:
        raise RuntimeError(f"repeat: number of repeat dims {len(sizes)} can not be smaller than the number of "
                           f"dimensions of the tensor ({x.ndim}, shape {x.shape})")
    shape = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    interleaved = tuple(n for size in shape for n in (1, size))
    expanded = tuple(n for count, size in zip(sizes, shape) for n in (count, size))
    out = x.reshape(interleaved).expand(expanded)
    return out.reshape(tuple(count * size for count, size in zip(sizes, shape)))


def tile(x, *dims):
    """Like repeat, but fewer `dims` than dimensions are padded with 1s in front (NumPy's tile)."""
    dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    return repeat(x, *((1,) * (x.ndim - len(dims)) + tuple(dims)))


def select(x, dim: int, index: int):
    """x[..., index, ...] along `dim`: that dimension is removed."""
    d = axis_of(x.ndim, dim, "select")
    return x[(slice(None),) * d + (index,)]


def unbind(x, dim: int = 0):
    """The slices along `dim`, as a tuple (each without that dimension)."""
    d = axis_of(x.ndim, dim, "unbind")
    return tuple(select(x, d, i) for i in range(x.shape[d]))


def narrow(x, dim: int, start: int, length: int):
    """`length` elements along `dim` from `start` (a view)."""
    d = axis_of(x.ndim, dim, "narrow")
    start = start % x.shape[d] if start < 0 else start
    if start + length > x.shape[d]:
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension size ({x.shape[d]}) "
                           f"of shape {x.shape}")
    return take(x, d, start, start + length)
