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

from . import return_types
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
    """min(x) = -max(-x). With an int `dim`, (values, indices) as max; `x.min(y)` with a tensor is minimum."""
    if dim is not None and not isinstance(dim, (numbers.Integral, tuple, list)):
        return minimum(x, dim)
    result = (-x).max(dim, keepdim, axis=axis, keepdims=keepdims)
    if isinstance(result, tuple):
        return return_types.min(-result.values, result.indices)
    return -result


def amin(x, dim=None, keepdim=False):
    """The smallest value over `dim` (int, tuple or None), values only: -amax(-x)."""
    return -(-x).amax(dim, keepdim)


def minimum(x, other):
    """min(x, y) = -max(-x, -y) elementwise."""
    check_broadcast("minimum", x, other)
    return -(-x).maximum(-other)


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """sum((x - mean)^2) / (N - correction); PyTorch's default correction=1 is the unbiased estimate.
    As in PyTorch, `x.var(False)` and `x.var(0, False)` mean unbiased=False (correction=0)."""
    return variance(x, dim, keepdim, correction, unbiased, axis, keepdims, "var")


def variance(x, dim, keepdim, correction, unbiased, axis, keepdims, op: str):
    """var, for var and std (`op` names the caller in errors and warnings)."""
    if isinstance(dim, bool):  # x.var(False): the bool is `unbiased`, over all elements
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{op}: give either unbiased= or correction=, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = axes_of(x._data.shape, dim, axis, op)
    dof = count_of(x, axes) - correction
    if dof <= 0:  # one element with correction=1: 0 / 0 = nan, as PyTorch (which warns the same)
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", stacklevel=3)
    deviation = x - x.mean(axes, keepdim=True)
    return (deviation * deviation).sum(axes, keepdim or bool(keepdims)) / builtins.max(dof, 0)


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
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
        m = x.detach().amax(axes, keepdim=True)
        m = m.where(~m.isinf(), 0.0)  # a row of all -inf: avoid -inf - -inf = nan
        out = (x - m).exp().sum(axes, keepdim=True).log() + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))


def softmax(x, dim: int = -1):
    """exp(x) / sum(exp(x)), with the max subtracted first so exp cannot overflow."""
    dim = axis_of(x._data.shape, dim, "softmax")
    if x._data.size == 0:  # an empty tensor has no max to subtract (and nothing to overflow)
        return x.exp()
    e = (x - x.detach().amax(dim, keepdim=True)).exp()
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



# ---------------------------------------------------------------- more of PyTorch's ops, from the same primitives

def pad_dim(x, dim: int, before: int, after: int, value=0.0):
    """Pad one dimension (x.pad takes PyTorch's last-dimension-first pairs)."""
    return x.pad((0, 0) * (x.ndim - 1 - dim) + (before, after), value)


def take(x, dim: int, start: int, stop: int, step: int = 1):
    """x[..., start:stop:step, ...] along `dim` (basic indexing, a view)."""
    return x[(slice(None),) * dim + (slice(start, stop, step),)]


def prod(x, dim=None, keepdim=False, *, dtype=None):
    """The product over `dim` (all elements when None), as a tree of multiplications: the dimension
    is halved by multiplying its first half into its second (an odd one out is padded with 1) until
    one slice is left. Only Mul, so the gradient is exact even where x has zeros:
    d prod / d x_i = product of the other elements."""
    if dtype is not None:
        x = x.astype(dtype)
    elif not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.int64)  # PyTorch's product of ints and bools is int64
    if dim is None:
        out = prod(x.reshape(-1), 0)
        return out.reshape((1,) * x.ndim) if keepdim else out
    d = axis_of(x.ndim, dim, "prod")
    if x.ndim == 0:
        return x
    if x.shape[d] == 0:  # the empty product is 1
        return x.sum(d, keepdim) + 1
    while x.shape[d] > 1:
        if x.shape[d] % 2:
            x = pad_dim(x, d, 0, 1, 1)
        half = x.shape[d] // 2
        x = take(x, d, 0, half) * take(x, d, half, 2 * half)
    return x if keepdim else x.squeeze(d)


def cumsum(x, dim: int, *, dtype=None):
    """Running sums along `dim`: out[i] = x[0] + ... + x[i], in log2(n) steps (Hillis and Steele):
    add to x itself shifted by 1, 2, 4, ... places. Only Add and slicing, so d out[i] / d x[j] = 1
    for j <= i comes out of autograd, to any order."""
    return scan(x, dim, dtype, "cumsum", lambda a, b: a + b, 0)


def scan(x, dim, dtype, name, combine, identity):
    """The running combination (cumsum, cumprod) of x along dim: combine x with itself shifted by
    1, 2, 4, ... places (padded with `identity`), log2(n) steps of one differentiable op each."""
    if dtype is not None:
        x = x.astype(dtype)
    elif not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.int64)
    if x.ndim == 0:
        return x.clone()
    d = axis_of(x.ndim, dim, name)
    n, shift = x.shape[d], 1
    while shift < n:
        x = combine(x, take(pad_dim(x, d, shift, 0, identity), d, 0, n))  # x[i] with x[i - shift]
        shift *= 2
    return x


def norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm over `dim` (all elements when None): (sum |x|^p)^(1/p).
    p=2 or 'fro' is sqrt(sum x^2), with gradient x / norm (0 at a zero vector, as PyTorch);
    p=1 is sum |x|; p=inf is max |x|, p=-inf min |x|; p=0 counts the non-zeros (no gradient)."""
    if dtype is not None:
        x = x.astype(dtype)
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"norm: the input is {x.dtype}; norm needs a floating tensor. Use x.float().norm()")
    axes = axes_of(x.ndim, dim, op="norm")
    if p in ("fro", 2, 2.0):
        squares = (x * x).sum(axes, keepdim)
        positive = squares > 0
        return squares.where(positive, 1.0).sqrt().where(positive, 0.0)
    if p in (1, 1.0):
        return x.abs().sum(axes, keepdim)
    if p == float("inf"):
        return x.abs().amax(axes, keepdim)
    if p == float("-inf"):
        return x.abs().amin(axes, keepdim)
    if p == 0:
        return (x != 0).astype(x.dtype).sum(axes, keepdim)
    if isinstance(p, str):
        raise RuntimeError(f"norm: p={p!r} is not supported; use 'fro', or a number (1, 2, inf, ...). "
                           "For the nuclear norm use linalg.matrix_norm(x, 'nuc')")
    return (x.abs() ** p).sum(axes, keepdim) ** (1.0 / p)


def gather(x, dim: int, index):
    """out[i][j][k] = x[index[i][j][k]][j][k] for dim=0 (and likewise for the other dims):
    fancy indexing, whose gradient scatters back (repeated indices add up)."""
    d = axis_of(x.ndim, dim, "gather")
    index = np.asarray(index)  # a Tensor too (through its __array__)
    if index.ndim != x.ndim or not np.issubdtype(index.dtype, np.integer):
        raise RuntimeError(f"gather: index must be an integer tensor with as many dimensions as the input; "
                           f"got index {index.dtype} of shape {index.shape} for input of shape {x.shape}")
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


def median(x, dim=None, keepdim=False):
    """The lower median (PyTorch's): the element at position (n - 1) // 2 once sorted.
    With `dim`, (values, indices) as max; without, one value."""
    if dim is None:
        flat = x.reshape(-1)
        return sort(flat).values[(flat.shape[0] - 1) // 2]
    d = axis_of(x.ndim, dim, "median")
    values, indices = sort(x, d)
    middle = ((x.shape[d] if x.ndim else 1) - 1) // 2
    pick = (slice(None),) * d + (slice(middle, middle + 1),)
    values, indices = values[pick], indices[pick]
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return return_types.median(values, indices)


def flip(x, *dims):
    """Reverse the order along each of `dims` (a slice with step -1)."""
    dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    key = [slice(None)] * x.ndim
    for d in dims:
        key[axis_of(x.ndim, d, "flip")] = slice(None, None, -1)
    return x[tuple(key)]


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


def triangle(x, diagonal: int, lower: bool, op: str):
    if x.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    below = np.tri(rows, cols, diagonal, dtype=bool)  # True where column <= row + diagonal
    keep = below if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return x.where(keep, 0)


def tril(x, diagonal: int = 0):
    """The lower triangle (on and below `diagonal`) of the last two dimensions; the rest 0."""
    return triangle(x, diagonal, True, "tril")


def triu(x, diagonal: int = 0):
    """The upper triangle (on and above `diagonal`) of the last two dimensions; the rest 0."""
    return triangle(x, diagonal, False, "triu")


def masked_fill(x, mask, value):
    """x with `value` wherever `mask` is True (mask broadcasts against x). `value` may be a 0-d tensor."""
    mask = np.asarray(mask)  # a Tensor too (through its __array__)
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_fill: expected a boolean mask, got {mask.dtype}. Hint: compare first, "
                           "e.g. x.masked_fill(mask == 0, value)")
    if hasattr(value, "ndim") and value.ndim != 0:
        raise RuntimeError(f"masked_fill: only supports a 0-dimensional value tensor, got shape {value.shape}")
    return x.where(~mask, value)


def cross(x, other, dim=None):
    """The cross product of 3-vectors along `dim`: (a2 b3 - a3 b2, a3 b1 - a1 b3, a1 b2 - a2 b1).
    Without dim, the first dimension of size 3 (PyTorch's old default; linalg.cross uses -1)."""
    if dim is None:
        dim = next((i for i, n in enumerate(x.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError(f"cross: no dimension of size 3 in input of shape {x.shape}")
    d = axis_of(x.ndim, dim, "cross")
    if x.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"cross: inputs dimension {dim} must have length 3; got shapes {x.shape} and {other.shape}")
    a = [take(x, d, i, i + 1) for i in range(3)]
    b = [take(other, d, i, i + 1) for i in range(3)]
    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    # join the three along d by padding each to length 3 and adding (cat lives in creation.py, above this module)
    return sum(pad_dim(part, d, i, 2 - i) for i, part in enumerate(parts))


def lerp(x, end, weight):
    """x + weight * (end - x): a straight line from x (weight 0) to end (weight 1)."""
    return x + weight * (end - x)


def dot(x, other):
    """sum(x * other) of two 1-D tensors of the same size."""
    if x.ndim != 1 or other.ndim != 1 or x.shape != other.shape:
        raise RuntimeError(f"dot: expected two 1-D tensors of the same size, got shapes {x.shape} and {other.shape}")
    return (x * other).sum()


def outer(x, other):
    """out[i, j] = x[i] * other[j] (two 1-D tensors)."""
    if x.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"outer: expected two 1-D tensors, got shapes {x.shape} and {other.shape}")
    return x.reshape(-1, 1) * other.reshape(1, -1)


def mm(x, other):
    """The matrix product of two 2-D tensors (matmul without broadcasting)."""
    if x.ndim != 2 or other.ndim != 2:
        raise RuntimeError(f"mm: expected two 2-D tensors, got shapes {x.shape} and {other.shape}. "
                           "Hint: matmul (@) handles 1-D and batched inputs")
    return x @ other


def bmm(x, other):
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p), same b on both sides."""
    if x.ndim != 3 or other.ndim != 3 or x.shape[0] != other.shape[0]:
        raise RuntimeError(f"bmm: expected two 3-D tensors with the same batch size, got shapes {x.shape} and "
                           f"{other.shape}")
    return x @ other


def log10(x):
    """log(x) / log(10)."""
    return x.log() * (1 / np.log(10))


def log2(x):
    """log(x) / log(2)."""
    return x.log() * (1 / np.log(2))


def exp2(x):
    """2^x = exp(x log 2)."""
    return (x * np.log(2)).exp()


def log1p(x):
    """log(1 + x). For |x| tiny, 1 + x rounds to 1 and log gives 0: the exact value np.log1p is
    added as a constant correction, so the value is exact and the derivative 1/(1 + x) comes from Log."""
    out = (x + 1).log()
    return out + (np.log1p(x.detach().numpy()) - out.detach().numpy())


def expm1(x):
    """exp(x) - 1, exact for tiny x the same way as log1p (derivative exp(x) from Exp)."""
    out = x.exp() - 1
    return out + (np.expm1(x.detach().numpy()) - out.detach().numpy())


def square(x):
    return x * x


def rsqrt(x):
    """1 / sqrt(x)."""
    return x.sqrt().reciprocal()


def reciprocal(x):
    """1 / x (ints become float32, as in PyTorch)."""
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    return 1.0 / x


# ---------------------------------------------------------------- einsum

def einsum(equation: str, *operands):
    """Einstein summation, e.g. einsum("ij,jk->ik", a, b) is a @ b. Built from permute, reshape,
    indexing (repeated letters: diagonals), sum and matmul: letters found in one operand only are
    summed out, then operands are contracted two at a time as one batched matmul, so every
    derivative comes from those ops. '...' is not supported: write the dimensions out."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    if "..." in equation:
        raise RuntimeError("einsum: '...' (ellipsis) is not supported by tinygrad_edu; name every dimension "
                           "with a letter, e.g. 'bij,bjk->bik'")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if not arrow:  # implicit output: the letters used once, in alphabetical order
        output = "".join(sorted(c for c in set(inputs) if c.isalpha() and inputs.count(c) == 1))
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum: the equation has {len(terms)} operand(s) but {len(operands)} were given")
    pairs, sizes = [], {}
    for term, x in zip(terms, operands):
        if len(term) != x.ndim:
            raise RuntimeError(f"einsum: the subscript {term!r} has {len(term)} letters for an operand of shape "
                               f"{x.shape}")
        for letter, n in zip(term, x.shape):
            if sizes.setdefault(letter, n) != n:
                raise RuntimeError(f"einsum: letter {letter!r} is {sizes[letter]} in one place and {n} in another")
        pairs.append(diagonals(x, term))
    for letter in output:
        if letter not in sizes:
            raise RuntimeError(f"einsum: output letter {letter!r} does not appear in the inputs {inputs!r}")
    x, term = pairs[0]
    for i in range(1, len(pairs) + 1):
        later = output + "".join(t for _, t in pairs[i:])
        x, term = sum_out(x, term, later)
        if i < len(pairs):
            x, term = contract(x, term, *pairs[i], output + "".join(t for _, t in pairs[i + 1:]), sizes)
    return x.permute(*[term.index(c) for c in output]) if output else x


def diagonals(x, term: str):
    """Take the diagonal for each letter repeated in one operand ('ii' -> 'i')."""
    while len(set(term)) < len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first, second = [i for i, c in enumerate(term) if c == letter][:2]
        rest = [i for i in range(len(term)) if i not in (first, second)]
        x = x.permute(first, second, *rest)
        n = np.arange(x.shape[0])
        x, term = x[n, n], letter + "".join(term[i] for i in rest)
    return x, term


def sum_out(x, term: str, needed: str):
    """Sum over the letters of `term` that `needed` does not use."""
    gone = tuple(i for i, c in enumerate(term) if c not in needed)
    if not gone:
        return x, term
    return x.sum(gone), "".join(c for c in term if c in needed)


def contract(a, term_a: str, b, term_b: str, needed: str, sizes: dict):
    """Multiply two operands and sum their shared letters that `needed` does not use, as one batched
    matmul: a as (batch, left, shared), b as (batch, shared, right)."""
    batch = [c for c in term_a if c in term_b and c in needed]
    shared = [c for c in term_a if c in term_b and c not in needed]
    left = [c for c in term_a if c not in term_b]
    right = [c for c in term_b if c not in term_a]

    def count(letters):
        return int(np.prod([sizes[c] for c in letters], dtype=np.int64))

    a = a.permute(*[term_a.index(c) for c in batch + left + shared]).reshape(count(batch), count(left), count(shared))
    b = b.permute(*[term_b.index(c) for c in batch + shared + right]).reshape(count(batch), count(shared),
                                                                              count(right))
    out = (a @ b).reshape(tuple(sizes[c] for c in batch + left + right))
    return out, "".join(batch + left + right)


# ---------------------------------------------------------------- slicing helpers and diagonals

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


def diagonal(x, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The elements x[i, i + offset] of the (dim1, dim2) plane, as a last dimension (indexing)."""
    d1, d2 = axis_of(x.ndim, dim1, "diagonal"), axis_of(x.ndim, dim2, "diagonal")
    rest = [i for i in range(x.ndim) if i not in (d1, d2)]
    x = x.permute(*rest, d1, d2)
    rows = np.arange(builtins.max(0, builtins.min(x.shape[-2], x.shape[-1] - offset) if offset >= 0
                                  else builtins.min(x.shape[-2] + offset, x.shape[-1])))
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


def cumprod(x, dim: int, *, dtype=None):
    """Running products along `dim`, in log2(n) steps as cumsum (multiplying by x shifted by 1, 2,
    4, ... places, padded with 1): only Mul, so zeros in x are handled exactly."""
    return scan(x, dim, dtype, "cumprod", lambda a, b: a * b, 1)


# ---------------------------------------------------------------- scatter (out of place)

def scattered(dim: int, index: np.ndarray, src, shape: tuple, op: str):
    """An array or tensor of `shape` holding, at each position along `dim`, the sum of the src elements
    whose index points there: src times a constant one-hot table, summed over `dim`, so a src
    tensor's gradient is read back through the same table (gather's adjoint, from Mul and Sum)."""
    if index.ndim != len(shape) or not np.issubdtype(index.dtype, np.integer):
        raise RuntimeError(f"{op}: index must be an integer tensor with as many dimensions as the input "
                           f"(shape {shape}); got {index.dtype} of shape {index.shape}")
    if index.size and (index.min() < 0 or index.max() >= shape[dim]):
        raise RuntimeError(f"{op}: index {int(index.max())} is out of bounds for dimension {dim} with size "
                           f"{shape[dim]}")
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
