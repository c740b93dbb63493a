"""Functions that make new tensors: zeros, ones, arange, randn, ..., and cat, stack, where.

Floating results default to float32 as in PyTorch; every one takes
`dtype=` and `requires_grad=`. Random ones draw from the library's
generator, so `manual_seed` makes them reproducible.
"""

from __future__ import annotations

import operator

import numpy as np

from . import dtypes, ops
from .composite import axis_of
from .random import generator
from .tensor import Tensor, lift

__all__ = ["zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn", "randint",
           "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "cat", "stack", "where"]


def shape_of(size, name: str = "size") -> tuple:
    """zeros(2, 3) and zeros((2, 3)) mean the same. Sizes must be whole numbers, as in PyTorch:
    ones(2.5) and zeros('3') raise TypeError."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        dims = tuple(operator.index(n) for n in size)
    except TypeError:
        raise TypeError(f"{name}: the size must be a tuple of ints, but got {tuple(size)!r}. "
                        f"Hint: {name}(2, 3) or {name}((2, 3))") from None
    for n in dims:
        if n < 0:
            raise RuntimeError(f"{name}: trying to create a tensor with negative dimension {n}: {dims}")
    return dims


def float_dtype(dtype):
    """The NumPy dtype for `dtype` (one of ours, NumPy's or a name), or the default float."""
    return dtypes.default_float() if dtype is None else dtypes.to_dtype(dtype).dtype


def make(array: np.ndarray, dtype, requires_grad: bool) -> Tensor:
    dtype = None if dtype is None else dtypes.to_dtype(dtype).dtype
    t = Tensor._wrap(array if dtype is None else array.astype(dtype, copy=False))
    return t.requires_grad_() if requires_grad else t


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.zeros(shape_of(size, "zeros"), dtype=float_dtype(dtype)), None, requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.ones(shape_of(size, "ones"), dtype=float_dtype(dtype)), None, requires_grad)


empty = zeros


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = np.int64 if isinstance(fill_value, (int, np.integer)) and not isinstance(fill_value, bool) \
            else np.bool_ if isinstance(fill_value, bool) else dtypes.default_float()
    return make(np.full(shape_of((size,), "full"), fill_value, dtype=dtypes.to_dtype(dtype).dtype), None,
                requires_grad)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.eye(n, m, dtype=float_dtype(dtype)), None, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Like torch.arange: int64 when every argument is an int, else float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None:
        whole = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if whole else dtypes.default_float()
    return make(np.arange(start, end, step), dtype, requires_grad)


def linspace(start, end, steps: int, dtype=None, requires_grad: bool = False) -> Tensor:
    return make(np.linspace(start, end, steps), float_dtype(dtype), requires_grad)


def floating(dtype, name: str):
    if dtype is not None and not dtypes.to_dtype(dtype).is_floating_point:
        raise RuntimeError(f"{name}: draws real numbers, so it needs a floating dtype, not {dtypes.to_dtype(dtype)}")
    return float_dtype(dtype)


def rand(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    dtype = floating(dtype, "rand")
    return make(generator().random(shape_of(size, "rand")), dtype, requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal."""
    dtype = floating(dtype, "randn")
    return make(generator().standard_normal(shape_of(size, "randn")), dtype, requires_grad)


def randint(low: int, high: int | None = None, size=(), dtype=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return make(generator().integers(low, high, size=shape_of((size,), "randint")), dtype or np.int64, False)


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
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated; "
                               "use stack, or unsqueeze it first")
    dim = axis_of(tensors[0]._data.shape, dim, "cat")
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        shape = t._data.shape
        if len(shape) != len(first) or any(a != b for k, (a, b) in enumerate(zip(first, shape)) if k != dim):
            raise RuntimeError(f"cat: sizes of tensors must match except in dimension {dim}, but tensors 0 "
                               f"and {i} have shapes {first} and {shape}")
    return ops.Cat.apply(*tensors, dim=dim)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors along a new dimension: unsqueeze each, then cat."""
    tensors = [lift(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack: expected a non-empty list of tensors")
    dim = axis_of(tensors[0]._data.shape, dim, "stack", new_dims=1)
    shapes = {t._data.shape for t in tensors}
    if len(shapes) > 1:
        raise RuntimeError(f"stack: expects each tensor to be equal size, but got shapes "
                           f"{[t._data.shape for t in tensors]}")
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def where(condition, input, other) -> Tensor:
    """input where condition is True, else other (either may be a Python number)."""
    condition = lift(condition)
    if isinstance(input, Tensor):
        return input.where(condition, other)
    if isinstance(other, Tensor):
        return other.where(~condition, input)
    result = np.where(condition._data, input, other)  # two Python numbers: floats give float32
    return Tensor(result.astype(dtypes.default_float()) if result.dtype == np.float64 else result)
