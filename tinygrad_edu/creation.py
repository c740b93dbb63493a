"""Functions that make new tensors: zeros, ones, arange, randn, ..., and cat, stack, where.

Floating results default to float32 as in PyTorch; every one takes
`dtype=` and `requires_grad=`. Random ones draw from the library's
generator, so `manual_seed` makes them reproducible.
"""

from __future__ import annotations

import numpy as np

from . import ops
from .random import generator
from .tensor import DEFAULT_FLOAT, Tensor, lift

__all__ = ["zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn", "randint",
           "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "cat", "stack", "where"]


def shape_of(size) -> tuple:
    """zeros(2, 3) and zeros((2, 3)) mean the same."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(n) for n in size)


def make(array: np.ndarray, dtype, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array if dtype is None else array.astype(dtype, copy=False))
    return t.requires_grad_() if requires_grad else t


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.zeros(shape_of(size), dtype=dtype or DEFAULT_FLOAT), None, requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.ones(shape_of(size), dtype=dtype or DEFAULT_FLOAT), None, requires_grad)


empty = zeros


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = np.int64 if isinstance(fill_value, (int, np.integer)) and not isinstance(fill_value, bool) \
            else np.bool_ if isinstance(fill_value, bool) else DEFAULT_FLOAT
    return make(np.full(shape_of((size,)), fill_value, dtype=dtype), None, requires_grad)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.eye(n, m, dtype=dtype or DEFAULT_FLOAT), None, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Like torch.arange: int64 when every argument is an int, else float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        whole = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if whole else DEFAULT_FLOAT
    return make(np.arange(start, end, step), dtype, requires_grad)


def linspace(start, end, steps: int, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.linspace(start, end, steps), dtype or DEFAULT_FLOAT, requires_grad)


def floating(dtype, name: str):
    if dtype is not None and not np.issubdtype(dtype, np.floating):
        raise RuntimeError(f"{name}: draws real numbers, so it needs a floating dtype, not {np.dtype(dtype)}")
    return dtype or DEFAULT_FLOAT


def rand(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    dtype = floating(dtype, "rand")
    return make(generator().random(shape_of(size)), dtype, requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal."""
    dtype = floating(dtype, "randn")
    return make(generator().standard_normal(shape_of(size)), dtype, requires_grad)


def randint(low: int, high: int | None = None, size=(), dtype=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return make(generator().integers(low, high, size=shape_of((size,))), dtype or np.int64, False)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)


def rand_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


# ---------------------------------------------------------------- joining and choosing

def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension."""
    tensors = [lift(t) for t in tensors]
    if not tensors:
        raise RuntimeError("cat: expected a non-empty list of tensors")
    return ops.Cat.apply(*tensors, dim=dim % max(tensors[0].ndim, 1))


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors along a new dimension: unsqueeze each, then cat."""
    tensors = [lift(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack: expected a non-empty list of tensors")
    dim = dim if dim >= 0 else dim + tensors[0].ndim + 1
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def where(condition, input, other) -> Tensor:
    """input where condition is True, else other (either may be a Python number)."""
    condition = lift(condition)
    if isinstance(input, Tensor):
        return input.where(condition, other)
    if isinstance(other, Tensor):
        return other.where(~condition, input)
    result = np.where(condition._data, input, other)  # two Python numbers: floats give float32
    return Tensor(result.astype(DEFAULT_FLOAT) if result.dtype == np.float64 else result)
