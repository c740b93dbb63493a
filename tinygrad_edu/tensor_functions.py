"""Top-level tensor functions that PyTorch tutorials and lectures call and that are not the
function form of one Tensor method: hstack, vstack, dstack, atleast_1d/2d/3d, broadcast_tensors,
broadcast_shapes, tensordot and logspace; and the function forms of composite/statistics.py's
methods (std_mean, var_mean, nansum, nanmean, nan_to_num, logaddexp, kron, cov, corrcoef,
broadcast_to).

Each is made of cat, reshape, expand, permute and matmul, so autograd differentiates it with no
derivative of its own. It sits above tensor.py and creation.py (it joins tensors with cat), as
functions.py does; __init__.py exports `__all__`.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import creation
from .composite import statistics
from .dims import axis_of
from .dtypes import Size
from .functions import write_out
from .tensor import Tensor

__all__ = ["hstack", "vstack", "dstack", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_to",
           "broadcast_tensors", "broadcast_shapes", "std_mean", "var_mean", "nansum", "nanmean", "nan_to_num",
           "logaddexp", "logspace", "tensordot", "kron", "cov", "corrcoef"]


def as_tensor(x, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): expected a Tensor, got {type(x).__name__}; wrap it with tinygrad_edu.tensor(...)")
    return x


# ---------------------------------------------------------------- at least n dims, and stacking

def at_least(tensors, ndim: int, shape_of, op: str):
    """atleast_nd: one tensor in, one out; several (or one list) in, a tuple out. A tensor with
    fewer than `ndim` dims is reshaped to shape_of(its shape)."""
    as_tuple = len(tensors) != 1 or isinstance(tensors[0], (list, tuple))
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    results = tuple(as_tensor(t, op) for t in tensors)
    results = tuple(t if t.ndim >= ndim else t.reshape(shape_of(tuple(t.shape))) for t in results)
    return results if as_tuple else results[0]


def atleast_1d(*tensors):
    """A 0-d tensor as shape (1,); others unchanged."""
    return at_least(tensors, 1, lambda shape: (1,), "atleast_1d")


def atleast_2d(*tensors):
    """0-d as (1, 1), (N,) as (1, N); others unchanged."""
    return at_least(tensors, 2, lambda shape: (1,) * (2 - len(shape)) + shape, "atleast_2d")


def atleast_3d(*tensors):
    """0-d as (1, 1, 1), (N,) as (1, N, 1), (M, N) as (M, N, 1): NumPy's and PyTorch's layout."""
    def shape_3d(shape):
        if len(shape) == 0:
            return (1, 1, 1)
        if len(shape) == 1:
            return (1, shape[0], 1)
        return shape + (1,)
    return at_least(tensors, 3, shape_3d, "atleast_3d")


def joined(tensors, op: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{op}(): expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None) -> Tensor:
    """Join along dim 1 (along dim 0 when the tensors are 1-D), after atleast_1d."""
    tensors = [atleast_1d(t) for t in joined(tensors, "hstack")]
    result = creation.cat(tensors, 0 if tensors[0].ndim == 1 else 1)
    return result if out is None else write_out(out, result, "hstack")


def vstack(tensors, *, out=None) -> Tensor:
    """Join along dim 0 after atleast_2d: 1-D tensors become the rows."""
    result = creation.cat([atleast_2d(t) for t in joined(tensors, "vstack")], 0)
    return result if out is None else write_out(out, result, "vstack")


def dstack(tensors, *, out=None) -> Tensor:
    """Join along dim 2 (depth) after atleast_3d."""
    result = creation.cat([atleast_3d(t) for t in joined(tensors, "dstack")], 2)
    return result if out is None else write_out(out, result, "dstack")


# ---------------------------------------------------------------- broadcasting

def common_shape(shapes) -> tuple:
    """The shape these shapes broadcast to (dims lined up from the right, sizes 1 stretched)."""
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, n in enumerate(shape, ndim - len(shape)):
            if n != result[i] and n != 1 and result[i] != 1:
                raise RuntimeError(f"The size of tensor a ({result[i]}) must match the size of tensor b ({n}) at "
                                   f"non-singleton dimension {i}")
            if n != 1:
                result[i] = n
    return tuple(result)


def broadcast_shapes(*shapes) -> Size:
    """The shape tensors of these shapes broadcast to (an int is a 1-D shape)."""
    return Size(common_shape([(s,) if isinstance(s, numbers.Integral) else tuple(s) for s in shapes]))


def broadcast_to(input, shape) -> Tensor:
    return statistics.broadcast_to(as_tensor(input, "broadcast_to"), shape)


def broadcast_tensors(*tensors) -> tuple:
    """Each tensor expanded to the shape they broadcast to together (views, so gradients are summed
    back to each input's shape); a tensor that already has that shape comes back itself, as in PyTorch
    (a leaf stays a leaf: Normal(mu, sigma).loc is mu)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = tuple(as_tensor(t, "broadcast_tensors") for t in tensors)
    shape = common_shape([tuple(t.shape) for t in tensors])
    return tuple(t if tuple(t.shape) == shape else t.expand(shape) for t in tensors)


# ---------------------------------------------------------------- products, statistics, logspace

def tensordot(a, b, dims=2, out=None) -> Tensor:
    """sum over the paired dims of a and b: dims=n pairs a's last n with b's first n; dims=([i...],
    [j...]) pairs a's dim i with b's dim j. The free dims of a, then b's, make the result: a is
    permuted to (free, paired), b to (paired, free), both flattened to matrices and multiplied."""
    a, b = as_tensor(a, "tensordot"), as_tensor(b, "tensordot")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, numbers.Integral) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [axis_of(a.shape, d, "tensordot") for d in dims_a]
    dims_b = [axis_of(b.shape, d, "tensordot") for d in dims_b]
    for i, j in zip(dims_a, dims_b):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                               f"and second has size {b.shape[j]} in dim {j}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    paired = int(np.prod([a.shape[d] for d in dims_a]))
    matrix_a = a.permute(free_a + dims_a).reshape(-1, paired)
    matrix_b = b.permute(dims_b + free_b).reshape(paired, -1)
    result = (matrix_a @ matrix_b).reshape(tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))
    return result if out is None else write_out(out, result, "tensordot")


def kron(input, other, *, out=None) -> Tensor:
    result = statistics.kron(as_tensor(input, "kron"), as_tensor(other, "kron"))
    return result if out is None else write_out(out, result, "kron")


def logaddexp(input, other, *, out=None) -> Tensor:
    result = statistics.logaddexp(as_tensor(input, "logaddexp"), as_tensor(other, "logaddexp"))
    return result if out is None else write_out(out, result, "logaddexp")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) -> Tensor:
    result = statistics.nan_to_num(as_tensor(input, "nan_to_num"), nan, posinf, neginf)
    return result if out is None else write_out(out, result, "nan_to_num")


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    result = statistics.nansum(as_tensor(input, "nansum"), dim, keepdim, dtype=dtype)
    return result if out is None else write_out(out, result, "nansum")


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    result = statistics.nanmean(as_tensor(input, "nanmean"), dim, keepdim, dtype=dtype)
    return result if out is None else write_out(out, result, "nanmean")


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None) -> tuple:
    return statistics.var_mean(as_tensor(input, "var_mean"), dim, unbiased, keepdim, correction=correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None) -> tuple:
    return statistics.std_mean(as_tensor(input, "std_mean"), dim, unbiased, keepdim, correction=correction)


def cov(input, *, correction=1, fweights=None, aweights=None) -> Tensor:
    return statistics.cov(as_tensor(input, "cov"), correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input) -> Tensor:
    return statistics.corrcoef(as_tensor(input, "corrcoef"))


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps): `steps` points spaced evenly on a log scale."""
    exponents = np.linspace(float(start), float(end), steps)
    result = creation.make(np.power(float(base), exponents), creation.float_dtype(dtype), requires_grad, device,
                           "logspace")
    return result if out is None else write_out(out, result, "logspace")

