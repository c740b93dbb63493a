"""The top-level forms of composite/arrangement.py's methods (tinygrad_edu.movedim(x, 0, 1) is
x.movedim(0, 1)), and the arrangement functions PyTorch has only at the top level: tril_indices and
triu_indices, unravel_index, block_diag, cartesian_prod, combinations, column_stack and row_stack.

These make new tensors (from NumPy's index tables) or join several with cat and stack, so they sit
above tensor.py and creation.py, as tensor_functions.py does; __init__.py exports `__all__`. The
joined ones are differentiable through cat, stack, pad and indexing, with no derivative of their own.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from . import creation, dtypes
from .device import check_device
from .functions import function, write_out
from .tensor import Tensor
from .tensor_functions import hstack, vstack

METHODS = ["movedim", "moveaxis", "swapaxes", "swapdims", "ravel", "unflatten", "tensor_split", "hsplit", "vsplit",
           "dsplit", "split_with_sizes", "fliplr", "flipud", "rot90", "take", "take_along_dim", "diff", "diag_embed",
           "diagflat"]
WITH_OUT = {"take", "take_along_dim", "diff"}

__all__ = METHODS + ["repeat_interleave", "tril_indices", "triu_indices", "unravel_index", "block_diag",
                     "cartesian_prod", "combinations", "column_stack", "row_stack"]

for _name in METHODS:  # movedim = function("movedim"), ...: tinygrad_edu.movedim(x, ...) calls x.movedim(...)
    globals()[_name] = function(_name, _name in WITH_OUT)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """input.repeat_interleave(repeats, dim); with one tensor of counts alone, each position repeated
    that many times: repeat_interleave(tensor([1, 2])) is tensor([0, 1, 1])."""
    if repeats is None:
        counts = input._data if isinstance(input, Tensor) else np.asarray(input)
        positions = creation.arange(counts.reshape(-1).shape[0])
        return positions.repeat_interleave(input, 0, output_size=output_size)
    return input.repeat_interleave(repeats, dim, output_size=output_size)


# ---------------------------------------------------------------- index tables

def triangle_indices(row: int, col: int, offset: int, lower: bool, dtype, device, op: str) -> Tensor:
    check_device(device, op)
    for name, n in (("row", row), ("col", col)):
        if n < 0:
            raise RuntimeError(f"{op}: {name} must be non-negative, got {n}")
    dtype = dtypes.to_dtype(dtype or dtypes.int64)
    if dtype.dtype.kind not in "iu":
        raise NotImplementedError(f"\"{op}\" not implemented for '{dtype.legacy_name}'")
    rows, cols = np.tril_indices(row, offset, col) if lower else np.triu_indices(row, offset, col)
    return Tensor._wrap(np.stack([rows, cols]).astype(dtype.dtype))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (row, column) positions of the lower triangle of a row x col matrix (on and below the
    `offset` diagonal), as a 2 x N int64 tensor in row-major order."""
    return triangle_indices(row, col, offset, True, dtype, device, "tril_indices")


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (row, column) positions of the upper triangle (on and above the `offset` diagonal), 2 x N."""
    return triangle_indices(row, col, offset, False, dtype, device, "triu_indices")


def unravel_index(indices, shape) -> tuple:
    """The coordinates, in a tensor of `shape`, of each flat position in `indices`: a tuple of int64
    tensors of indices' shape, one per dim (positions outside the tensor wrap around, as PyTorch's)."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"unravel_index: expected 'indices' to be a tensor, got {type(indices).__name__}")
    if indices._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    flat = indices._data.astype(np.int64)
    if math.prod(shape) == 0 and flat.size:
        raise ValueError(f"unravel_index: positions cannot be found in a tensor of shape {shape}, which is empty")
    coordinates = np.unravel_index(flat % max(math.prod(shape), 1), shape)
    return tuple(Tensor._wrap(np.asarray(c, dtype=np.int64)) for c in coordinates)


# ---------------------------------------------------------------- joining

def block_diag(*tensors) -> Tensor:
    """The tensors (0-d as 1x1, 1-D as one row) as the blocks of a block-diagonal matrix: each
    padded with zero columns to its place, then the rows joined (cat)."""
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        return creation.zeros(1, 0)
    common = dtypes.result_type(*blocks)
    width, left, placed = sum(b.shape[1] for b in blocks), 0, []
    for b in blocks:
        placed.append(b.to(common).pad((left, width - left - b.shape[1])))
        left += b.shape[1]
    return creation.cat(placed, 0)


def one_dim(tensors, op: str) -> list:
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"{op}: Expect a 1D vector, but got shape {list(t.shape)}")
    return list(tensors)


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of one element from each 1-D tensor, one per row, the last tensor's varying
    fastest (itertools.product); one tensor comes back as it is."""
    tensors = one_dim(tensors, "cartesian_prod")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    sizes = tuple(t.shape[0] for t in tensors)
    columns = [t.reshape([-1 if j == i else 1 for j in range(len(sizes))]).expand(sizes).reshape(-1)
               for i, t in enumerate(tensors)]
    return creation.stack(columns, 1)


def combinations(input, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The r-element combinations of a 1-D tensor's elements, one per row, in itertools' order
    (with_replacement=True: itertools.combinations_with_replacement)."""
    (x,) = one_dim((input,), "combinations")
    if r < 0:
        raise RuntimeError(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return x[:0]
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    positions = np.array(list(choose(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return creation.stack([x[positions[:, j]] for j in range(r)], 1)


def column_stack(tensors, *, out=None) -> Tensor:
    """The tensors side by side as columns: 0-d and 1-D ones as (n, 1) columns, then hstack."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    result = hstack([t.reshape(-1, 1) if t.ndim < 2 else t for t in tensors])
    return result if out is None else write_out(out, result, "column_stack")


def row_stack(tensors, *, out=None) -> Tensor:
    """Another name for vstack."""
    return vstack(tensors, out=out)
