"""Further ways to make a tensor that PyTorch code calls: scalar_tensor, asarray, range (deprecated in
PyTorch, still in old tutorials), and the draws poisson and binomial.

Kept apart from creation.py, which holds the everyday makers (zeros, arange, randn, ...) and is near
its size limit. The draws come from the library's generator (rng.py), so manual_seed makes them
reproducible, as creation.py's do; they are samples, not functions of their parameters, so they have
no gradient (PyTorch's poisson gives zeros, and its binomial none).
"""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from . import dtypes
from .creation import make
from .rng import numpy_rng
from .tensor import Tensor, tensor

__all__ = ["scalar_tensor", "asarray", "range", "poisson", "binomial"]


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None,
                  requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number s, of the default dtype (float32) unless dtype says otherwise:
    scalar_tensor(3) is tensor(3.), not tensor(3)."""
    if isinstance(s, Tensor) or not isinstance(s, (builtins.bool, builtins.int, builtins.float, np.number)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    return make(np.array(s), dtype or dtypes.get_default_dtype(), requires_grad, device, "scalar_tensor")


def asarray(obj, *, dtype=None, device=None, copy: bool | None = None, requires_grad: bool = False) -> Tensor:
    """obj as a tensor, sharing its memory when it can (a tensor, or a NumPy array of that dtype) unless
    copy=True; copy=False raises when a copy would be needed. Other data (lists, numbers) is read as
    tensor(obj) reads it: int64 for ints, float32 for floats. A tensor that requires grad comes back
    cut from its graph (detached), unless requires_grad=True."""
    if isinstance(obj, Tensor):
        array = obj._data
    elif isinstance(obj, np.ndarray):
        array = obj
    else:
        made = tensor(obj, dtype=dtype)
        if copy is False:
            raise ValueError(f"asarray: a {type(obj).__name__} cannot be read without a copy, and copy=False "
                             "forbids one; leave copy unset")
        return made.requires_grad_() if requires_grad else made
    wanted = array.dtype if dtype is None else dtypes.to_dtype(dtype).dtype
    if copy or wanted != array.dtype:
        if copy is False:
            raise ValueError(f"asarray: converting {array.dtype} to {wanted} needs a copy, and copy=False "
                             "forbids one")
        array = array.astype(wanted, copy=True)
    if isinstance(obj, Tensor) and array is obj._data:
        result = obj.detach() if obj.requires_grad else obj
    else:
        result = make(array, None, False, device, "asarray")
    return result.requires_grad_() if requires_grad and not result.requires_grad else result


def range(start, end, step=1, *, dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:  # noqa: A001
    """start, start + step, ... up to and including end (arange stops before it), of the default dtype
    even for ints, with PyTorch's deprecation warning. Use arange(start, end + step, step)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if step == 0:
        raise RuntimeError("range: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"range: upper bound and lower bound inconsistent with step sign (start {start}, "
                           f"end {end}, step {step})")
    count = math.floor((end - start) / step) + 1
    values = start + step * np.arange(count, dtype=np.float64)
    return make(values, dtype or dtypes.get_default_dtype(), requires_grad, device, "range")


def floating_parameter(x, op: str, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    if not x.dtype.is_floating_point:
        raise ValueError(f"{op} only supports floating-point dtypes for {name}, got: {x.dtype.legacy_name}")
    return x


def poisson(input: Tensor, generator=None) -> Tensor:  # noqa: A002
    """One draw from Poisson(rate) per element of `input` (the rates), of input's dtype. As in PyTorch,
    the result takes part in the graph when the rates require grad, with a gradient of 0."""
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson(): argument 'input' must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"poisson: not implemented for '{input.dtype.legacy_name}' rates, as in PyTorch; "
                                  "convert them first with .float()")
    rates = input._data
    if np.any(rates < 0) or np.any(np.isnan(rates)):
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    draws = numpy_rng(generator, "poisson").poisson(rates).astype(rates.dtype)
    sample = Tensor._wrap(draws)
    if input.requires_grad:
        return input * 0 + sample  # in the graph, with slope 0, as PyTorch's PoissonBackward0
    return sample


def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """One draw from Binomial(count, prob) per element: the number of successes in `count` trials
    (floats holding whole numbers, as PyTorch takes them) each of probability `prob`, broadcast
    together. PyTorch gives no gradient; prob outside [0, 1] is refused here (PyTorch returns
    nonsense for it)."""
    floating_parameter(count, "binomial", "count")
    floating_parameter(prob, "binomial", "prob")
    if np.any(prob._data < 0) or np.any(prob._data > 1) or np.any(count._data < 0):
        raise ValueError("binomial: expects 0 <= prob <= 1 and count >= 0")
    draws = numpy_rng(generator, "binomial").binomial(np.floor(count._data).astype(np.int64), prob._data)
    return make(draws, dtypes.result_type(count, prob), False, None, "binomial")
