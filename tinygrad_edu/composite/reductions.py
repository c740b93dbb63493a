"""Reductions and statistics built from Sum, Max and elementwise ops: mean, min (Max's mirror), var, std,
logsumexp, softmax, prod, norm, and the running sums and products cumsum and cumprod.

The numerically careful ones say how: logsumexp and softmax subtract the max before exp, std
does not take the square root of a zero variance, prod and cumprod use only Mul so zeros
in x get exact gradients.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import return_types
from ..dims import axes_of, axis_of
from ..fused_ops import Mean, SoftmaxFunction
from ..ops import Max
from .elementwise import minimum
from .movement import pad_dim, take


def count_of(x, axes) -> int:
    """How many elements a reduction over `axes` combines."""
    return x._data.size if axes is None else int(np.prod([x.shape[a] for a in axes]))


def mean(x, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """sum(x) / N over `dim` (one node, fused_ops.Mean), in `dtype` if given (x cast first, as PyTorch)."""
    if dtype is not None:
        x = x.to(dtype)
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"mean: the input is {x.dtype}; mean needs a floating tensor. Use x.float().mean()")
    axes = axes_of(x._data.shape, dim, axis, "mean")
    return Mean.apply(x, axes=axes, keepdim=keepdim or bool(keepdims))


def extreme(x, op: str, dim, keepdim, axis, keepdims):
    """x.max(...) or x.min(...) (`op` "max" or "min"): with an int dim the named tuple (values,
    indices) along it, whose gradient goes to the index returned; otherwise the value over dim (a
    tuple, or None for all), whose gradient is shared between ties (PyTorch's rules: ops.Max)."""
    keepdim = keepdim or bool(keepdims)
    single = axis if dim is None else dim
    if isinstance(single, numbers.Integral):
        values = Max.apply(x, axes=axes_of(x._data.shape, single, op=op), keepdim=keepdim, ties="first", op=op)
        indices = x.argmin(single, keepdim) if op == "min" else x.argmax(single, keepdim)
        return getattr(return_types, op)(values, indices)
    return Max.apply(x, axes=axes_of(x._data.shape, dim, axis, op), keepdim=keepdim, op=op)


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001 -- PyTorch's name
    """The smallest value, as max: x.min() one value, x.min(dim) (values, indices); `x.min(y)`
    with a tensor is minimum."""
    if dim is not None and not isinstance(dim, (numbers.Integral, tuple, list)):
        return minimum(x, dim)
    return extreme(x, "min", dim, keepdim, axis, keepdims)


def amin(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The smallest value over `dim` (int, tuple or None), values only."""
    return Max.apply(x, axes=axes_of(x._data.shape, dim, axis, "amin"), keepdim=keepdim or bool(keepdims), op="amin")


def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """sum((x - mean)^2) / (N - correction); PyTorch's default correction=1 is the unbiased estimate.
    As in PyTorch, `x.var(False)` and `x.var(0, False)` mean unbiased=False (correction=0)."""
    return variance(x, dim, keepdim, correction, unbiased, axis, keepdims, "var")


def variance(x, dim, keepdim, correction, unbiased, axis, keepdims, op: str):
    """var, for var and std (`op` names the caller in errors and warnings)."""
    if not np.issubdtype(x.dtype, np.floating):  # named here, or the message would name mean, called below
        raise RuntimeError(f"{op}: std and var only support floating point and complex dtypes, got {x.dtype}. "
                           f"Use x.float().{op}()")
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
    return (deviation * deviation).sum(axes, keepdim or bool(keepdims)) / max(dof, 0)


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """sqrt(var(x)). Where var is 0 (a constant slice) the gradient is 0, as in PyTorch, not 0/0:
    the square root is not taken of the zero variances. NaN (NaN data, or one element with
    correction=1) stays NaN, as in PyTorch."""
    v = variance(x, dim, keepdim, correction, unbiased, axis, keepdims, "std")
    nonzero = v != 0
    return v.where(nonzero, 1.0).sqrt().where(nonzero, 0.0)


def logsumexp(x, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m = max(x), so that
    exp never overflows. m is held constant: its gradient would cancel out anyway."""
    if dim is None and axis is None:
        raise TypeError("logsumexp() missing 1 required argument: 'dim' (the dim or dims to reduce)")
    axes, keepdim = axes_of(x._data.shape, dim, axis, "logsumexp"), keepdim or bool(keepdims)
    if x._data.size == 0:  # nothing to shift by: an empty sum is 0, its log -inf (as PyTorch)
        out = x.exp().sum(axes, keepdim=True).log()
    else:
        m = x.detach().amax(axes, keepdim=True)
        m = m.where(~m.isinf(), 0.0)  # a row of all -inf: avoid -inf - -inf = nan
        out = (x - m).exp().sum(axes, keepdim=True).log() + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))


def softmax(x, dim: int = -1, *, axis=None):
    """exp(x) / sum(exp(x)), with the max subtracted first so exp cannot overflow (one node,
    fused_ops.SoftmaxFunction)."""
    dim = axis_of(x._data.shape, dim if axis is None else axis, "softmax")
    if x._data.size == 0:  # an empty tensor has no max to subtract (and nothing to overflow)
        return x.exp()
    return SoftmaxFunction.apply(x, dim=dim)


def prod(x, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The product over `dim` (all elements when None), as a tree of multiplications: the dimension
    is halved by multiplying its first half into its second (an odd one out is padded with 1) until
    one slice is left. Only Mul, so the gradient is exact even where x has zeros:
    d prod / d x_i = product of the other elements."""
    dim, keepdim = (dim if axis is None else axis), keepdim or bool(keepdims)  # NumPy's names too
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


def cumsum(x, dim=None, *, dtype=None, axis=None):
    """Running sums along `dim`: out[i] = x[0] + ... + x[i], in log2(n) steps (Hillis and Steele):
    add to x itself shifted by 1, 2, 4, ... places. Only Add and slicing, so d out[i] / d x[j] = 1
    for j <= i comes out of autograd, to any order."""
    return scan(x, dim if axis is None else axis, dtype, "cumsum", lambda a, b: a + b, 0)


def cumprod(x, dim=None, *, dtype=None, axis=None):
    """Running products along `dim`, in log2(n) steps as cumsum (multiplying by x shifted by 1, 2,
    4, ... places, padded with 1): only Mul, so zeros in x are handled exactly."""
    return scan(x, dim if axis is None else axis, dtype, "cumprod", lambda a, b: a * b, 1)


def scan(x, dim, dtype, name, combine, identity):
    """The running combination (cumsum, cumprod) of x along dim: combine x with itself shifted by
    1, 2, 4, ... places (padded with `identity`), log2(n) steps of one differentiable op each."""
    if dim is None:
        raise TypeError(f"{name}() missing 1 required argument: 'dim'")
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
