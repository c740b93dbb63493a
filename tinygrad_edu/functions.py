"""The function forms of Tensor methods: `tinygrad_edu.exp(x)` is `x.exp()`, as in PyTorch.

The common ones take `out=`: `add(a, b, out=c)` writes the result into c (resizing it if needed)
and returns c. As in PyTorch, out= does not record a graph, so it is refused when c requires grad.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import creation
from .autograd import Mode
from .composite import products
from .linalg_methods import multi_dot
from .tensor import Tensor, tensor

__all__ = ["write_out"]


def write_out(out: Tensor, result, op: str):
    """Copy `result` into `out` (PyTorch's out= argument); returns out."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}: out= must be a Tensor, got {type(out).__name__}")
    if out.requires_grad and Mode.grad_enabled:
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic differentiation, "
                           "but the out tensor requires grad. Drop out= and write out = {op}(...) instead.")
    array = result._data if isinstance(result, Tensor) else np.asarray(result)
    if out.shape == array.shape:
        np.copyto(out._data, array, casting="unsafe")
    else:  # PyTorch resizes an out tensor of the wrong shape
        out._data = array.astype(out.dtype)
    out._bump_version()
    return out


def function(name: str, with_out: bool = False, public_name: str | None = None):
    """tinygrad_edu.name(x, ...) calling x.name(...); out= is accepted when `with_out`."""
    public = public_name or name

    def call(input, *args, out=None, **kwargs):
        if out is not None and not with_out:
            raise TypeError(f"{public}() got an unexpected keyword argument 'out'")
        if not isinstance(input, Tensor):
            input = tensor(input)
        result = getattr(input, name)(*args, **kwargs)
        return result if out is None else write_out(out, result, public)

    call.__name__ = call.__qualname__ = public
    call.__doc__ = f"tinygrad_edu.{public}(x, ...) is x.{name}(...)" + (", with out=." if with_out else ".")
    return call


WITH_OUT = ("add sub mul div floor_divide remainder fmod pow matmul neg exp log sqrt abs sin cos asin acos atan tanh "
            "sigmoid clamp maximum "
            "minimum sum mean "
            "prod cumsum mm bmm dot outer eq ne lt le gt ge square rsqrt reciprocal log10 log2 log1p expm1 exp2 "
            "floor ceil round trunc sign sgn tril triu cross lerp gather cumprod logical_and logical_or logical_not "
            "logical_xor").split()
WITHOUT_OUT = ("relu var std logsumexp softmax log_softmax reshape transpose permute flatten unsqueeze squeeze "
               "split chunk argmax argmin max min amax amin norm all any unique histc histogram sort argsort topk "
               "median flip roll tile masked_fill allclose isclose equal numel isnan isinf isfinite t index_select "
               "masked_select clamp_min clamp_max clone count_nonzero detach select unbind narrow diagonal diag trace "
               "nonzero argwhere bincount expand_as scatter scatter_add index_add is_floating_point bitwise_and "
               "bitwise_or bitwise_xor bitwise_not bitwise_left_shift bitwise_right_shift").split()
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan",
           "subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div", "clip": "clamp",
           "absolute": "abs", "negative": "neg", "greater": "gt", "less": "lt", "greater_equal": "ge",
           "less_equal": "le", "not_equal": "ne"}
# math_methods.py
# linalg_methods.py
WITH_OUT += "inverse matrix_power mv inner vdot ger addr addbmm cholesky cholesky_solve cholesky_inverse".split()
WITHOUT_OUT += "det logdet slogdet pinverse matrix_exp qr svd".split()
WITH_OUT += ("tan sinh cosh asinh acosh atanh erf erfc erfinv atan2 hypot logit frac deg2rad rad2deg addcmul addcdiv "
             "addmm addmv baddbmm").split()
WITHOUT_OUT += ["dist", "index_fill"]
ALIASES.update({"arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2"})
# special_methods.py (polygamma, whose n comes first, is below)
WITH_OUT += ("xlogy lgamma digamma mvlgamma i0 sinc heaviside copysign fmax fmin float_power ldexp gcd lcm nextafter "
             "signbit isposinf isneginf fix logaddexp2").split()
WITHOUT_OUT += ["frexp", "isreal", "positive"]

# One module-level function per name (the way __init__ exports them): add = function("add", True), ...
for _name in WITH_OUT + WITHOUT_OUT:
    globals()[_name] = function(_name, _name in WITH_OUT)
for _alias, _name in ALIASES.items():
    globals()[_alias] = function(_name, _name in WITH_OUT, _alias)
__all__ += WITH_OUT + WITHOUT_OUT + list(ALIASES) + ["cat", "concat", "concatenate", "stack", "einsum", "chain_matmul",
                                                     "is_tensor", "meshgrid", "polygamma"]


def cat(tensors, dim: int = 0, *, out=None, axis=None) -> Tensor:
    """Join tensors along an existing dimension (see creation.cat); axis= is dim's NumPy name."""
    result = creation.cat(tensors, dim if axis is None else axis)
    return result if out is None else write_out(out, result, "cat")


concat = concatenate = cat


def stack(tensors, dim: int = 0, *, out=None, axis=None) -> Tensor:
    """Join tensors along a new dimension (see creation.stack); axis= is dim's NumPy name."""
    result = creation.stack(tensors, dim if axis is None else axis)
    return result if out is None else write_out(out, result, "stack")


def polygamma(n: int, input, *, out=None) -> Tensor:
    """The n-th derivative of digamma: tinygrad_edu.polygamma(n, x) is x.polygamma(n)."""
    result = (input if isinstance(input, Tensor) else tensor(input)).polygamma(n)
    return result if out is None else write_out(out, result, "polygamma")


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation (see composite/products.py): einsum('ij,jk->ik', a, b) is a @ b."""
    return products.einsum(equation, *operands)


def chain_matmul(*matrices) -> Tensor:
    """The product of the 2-D matrices, left to right (deprecated in PyTorch for linalg.multi_dot)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices, "chain_matmul")


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors: with indexing='ij' output k varies along dimension k
    ('xy' swaps the first two, as NumPy and matplotlib). Each is its input reshaped and expanded,
    so gradients flow back."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[k].reshape(-1).shape[0] for k in order)
    grids = []
    for k, t in enumerate(tensors):
        axis = order.index(k)
        grids.append(t.reshape([-1 if i == axis else 1 for i in range(len(shape))]).expand(shape))
    return tuple(grids)
