"""Functions that make new tensors: zeros, ones, arange, randn, ..., and cat, stack, where.

Floating results default to float32 as in PyTorch; every one takes
`dtype=`, `device=` (the CPU only, see device.py) and `requires_grad=`.
Random ones draw from `generator=` or else the library's default generator,
so `manual_seed` makes them reproducible.
"""

from __future__ import annotations

import operator

import numpy as np

from . import dtypes, movement_ops
from .device import check_device
from .dims import axis_of
from .random import numpy_rng
from .tensor import Tensor, lift, tensor

__all__ = ["zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn", "randint", "randperm",
           "multinomial", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like", "randn_like",
           "randint_like", "bernoulli", "normal", "from_numpy", "as_tensor", "cat", "stack", "where"]


def shape_of(size, name: str = "size", keyword=None) -> tuple:
    """zeros(2, 3), zeros((2, 3)) and zeros(size=(2, 3)) (the `keyword`) mean the same. Sizes must be
    whole numbers, as in PyTorch: ones(2.5) and zeros('3') raise TypeError."""
    if keyword is not None:
        size = (keyword,)
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


def make(array: np.ndarray, dtype, requires_grad: bool, device=None, op: str = "tensor") -> Tensor:
    check_device(device, op)
    dtype = None if dtype is None else dtypes.to_dtype(dtype).dtype
    t = Tensor._wrap(array if dtype is None else array.astype(dtype, copy=False))
    return t.requires_grad_() if requires_grad else t


def zeros(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return make(np.zeros(shape_of(sizes, "zeros", size), dtype=float_dtype(dtype)), None, requires_grad, device,
                "zeros")


def ones(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return make(np.ones(shape_of(sizes, "ones", size), dtype=float_dtype(dtype)), None, requires_grad, device,
                "ones")


def empty(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """PyTorch leaves the memory uninitialised; here it is zeros, so a bug that reads it is reproducible."""
    return make(np.zeros(shape_of(sizes, "empty", size), dtype=float_dtype(dtype)), None, requires_grad, device,
                "empty")


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = np.int64 if isinstance(fill_value, (int, np.integer)) and not isinstance(fill_value, bool) \
            else np.bool_ if isinstance(fill_value, bool) else dtypes.default_float()
    return make(np.full(shape_of((size,), "full"), fill_value, dtype=dtypes.to_dtype(dtype).dtype), None,
                requires_grad, device, "full")


def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return make(np.eye(n, m, dtype=float_dtype(dtype)), None, requires_grad, device, "eye")


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Like torch.arange: int64 when every argument is an int, else float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None:
        whole = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if whole else dtypes.default_float()
    return make(np.arange(start, end, step), dtype, requires_grad, device, "arange")


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return make(np.linspace(start, end, steps), float_dtype(dtype), requires_grad, device, "linspace")


def floating(dtype, name: str):
    if dtype is not None and not dtypes.to_dtype(dtype).is_floating_point:
        raise RuntimeError(f"{name}: draws real numbers, so it needs a floating dtype, not {dtypes.to_dtype(dtype)}")
    return float_dtype(dtype)


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), drawn from `generator` (default: the library's, see manual_seed)."""
    dtype = floating(dtype, "rand")
    drawn = numpy_rng(generator, "rand").random(shape_of(sizes, "rand", size))
    return make(drawn, dtype, requires_grad, device, "rand")


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal, drawn from `generator` (default: the library's, see manual_seed)."""
    dtype = floating(dtype, "randn")
    drawn = numpy_rng(generator, "randn").standard_normal(shape_of(sizes, "randn", size))
    return make(drawn, dtype, requires_grad, device, "randn")


def randint(*bounds, low=None, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers uniform in [low, high): `randint(high, size)` or `randint(low, high, size)`, int64.

    >>> randint(0, 10, (2, 3)).shape
    (2, 3)
    """
    if high is not None:  # randint(low=0, high=10, size=(3,)): PyTorch takes the bounds by name too
        bounds = (*bounds, *(() if low is None else (low,)), high)
    if size is None and bounds and isinstance(bounds[-1], (tuple, list)):
        bounds, size = bounds[:-1], bounds[-1]
    if size is None or len(bounds) not in (1, 2):
        raise TypeError(f"randint: expected randint(high, size) or randint(low, high, size) with size a tuple, "
                        f"got bounds {bounds} and size {size}. Example: randint(0, 10, (3,))")
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    if not low < high:
        raise RuntimeError(f"randint: random_ expects 'from' < 'to', but got low={low} >= high={high}")
    array = numpy_rng(generator, "randint").integers(int(low), int(high), size=shape_of((size,), "randint"))
    return make(array, dtype or np.int64, requires_grad, device, "randint")


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A random ordering of 0, 1, ..., n-1 (int64)."""
    return make(numpy_rng(generator, "randperm").permutation(int(n)), dtype or np.int64, requires_grad, device,
                "randperm")


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Category indices drawn with probabilities proportional to input's weights: input.multinomial(...)
    (random_methods.py)."""
    return lift_tensor(input).multinomial(num_samples, replacement, generator=generator)


def bernoulli(input: Tensor, p: float | None = None, *, generator=None) -> Tensor:
    """1 with probability `input` (or `p`), else 0, elementwise, in input's dtype: input.bernoulli(p)."""
    return lift_tensor(input).bernoulli(p, generator=generator)


def lift_tensor(data) -> Tensor:
    return data if isinstance(data, Tensor) else tensor(data)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad: bool = False):
    """Draws from N(mean, std^2): `mean` and `std` are numbers (then give `size`) or tensors that
    broadcast together (one draw per element), as torch.normal."""
    mean_array = mean._data if isinstance(mean, Tensor) else mean
    std_array = std._data if isinstance(std, Tensor) else std
    if np.any(np.asarray(std_array) < 0):
        raise RuntimeError("normal: expects std >= 0.0")
    if size is None:
        size = np.broadcast_shapes(np.shape(mean_array), np.shape(std_array))
    noise = numpy_rng(generator, "normal").standard_normal(shape_of((size,), "normal"))
    like = mean if isinstance(mean, Tensor) else std if isinstance(std, Tensor) else None
    dtype = dtype or (like.dtype if like is not None else dtypes.default_float())
    return make(mean_array + std_array * noise, dtype, requires_grad, device, "normal")


def zeros_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def empty_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return empty(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def rand_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return rand(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def randn_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return randn(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def randint_like(t: Tensor, low: int, high: int | None = None, dtype=None, device=None) -> Tensor:
    bounds = (low,) if high is None else (low, high)
    return randint(*bounds, size=t.shape, dtype=dtype or t.dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares `array`'s memory (no copy) and keeps its dtype: changing one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__}); use tensor(data) for "
                        "other data")
    return Tensor._wrap(array)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """`data` as a tensor, without a copy when it already is one (or a NumPy array of that dtype)."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.astype(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return Tensor._wrap(data)
    return tensor(data, dtype=dtype)


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
    return movement_ops.Cat.apply(*tensors, dim=dim)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors along a new dimension (one Stack node, as PyTorch's StackBackward0)."""
    tensors = [lift(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack: expected a non-empty list of tensors")
    dim = axis_of(tensors[0]._data.shape, dim, "stack", new_dims=1)
    shapes = {t._data.shape for t in tensors}
    if len(shapes) > 1:
        raise RuntimeError(f"stack: expects each tensor to be equal size, but got shapes "
                           f"{[t._data.shape for t in tensors]}")
    return movement_ops.Stack.apply(*tensors, dim=dim)


def where(condition, input=None, other=None) -> Tensor:
    """input where condition is True, else other (either may be a Python number).
    where(condition) alone is condition.nonzero(as_tuple=True), as in PyTorch."""
    condition = lift(condition)
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if isinstance(input, Tensor):
        return input.where(condition, other)
    if isinstance(other, Tensor):
        return other.where(~condition, input)
    result = np.where(condition._data, input, other)  # two Python numbers: floats give float32
    return Tensor._wrap(result.astype(dtypes.default_float()) if result.dtype == np.float64 else result)
