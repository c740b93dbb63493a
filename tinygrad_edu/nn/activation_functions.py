"""More activation functions (re-exported by nn.functional): silu, elu, selu, celu, softplus,
softsign, relu6, hardtanh, hardswish, hardsigmoid, logsigmoid, mish, glu, the shrinks (hardshrink,
softshrink, tanhshrink), prelu (leaky_relu with a learnt slope) and threshold, with PyTorch's formulas.

A module of its own so that functional.py stays a readable size. Each is composed of Tensor ops,
so autograd writes its derivative and it is differentiable to any order. Where a function has
a corner, the composition is chosen so that the slope there is PyTorch's (each docstring says
which), and where a formula would overflow, the branch that is not taken never sees the large
values (an exp(1000) multiplied by a zero gradient is NaN, not 0).

`inplace=True` changes the input in place, as in PyTorch: outside a graph the array is
overwritten, inside it the op is recorded (Tensor._apply_), and a leaf that requires grad refuses.
"""

from __future__ import annotations

from ..dims import axis_of
from ..math_methods import shrunk
from ..piecewise_ops import Hardtanh
from ..tensor import Tensor

__all__ = ["silu", "elu", "selu", "celu", "softplus", "softsign", "relu6", "hardtanh", "hardswish",
           "hardsigmoid", "logsigmoid", "mish", "glu", "hardshrink", "softshrink", "tanhshrink", "prelu", "threshold"]

SELU_ALPHA = 1.6732632423543772848170429916717  # from Klambauer et al. 2017, PyTorch's constants
SELU_SCALE = 1.0507009873554804934193349852946


def floating_only(x: Tensor, name: str) -> None:
    """Refuse integer and bool tensors, as PyTorch's kernels do ("silu_cpu" not implemented for 'Long')."""
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f"{name}: not implemented for '{x.dtype.legacy_name}' tensors, as in PyTorch. "
                                  "Hint: convert first with x.float()")


def applied(x: Tensor, function, inplace: bool, name: str) -> Tensor:
    """function(x), or x changed in place to it (inplace=True)."""
    if inplace:
        return x._apply_(name + "_", function)
    return function(x)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * sigmoid(x) (also called swish). Slope sigmoid(x) * (1 + x * (1 - sigmoid(x))): 1/2 at 0."""
    floating_only(input, "silu")
    return applied(input, lambda x: x * x.sigmoid(), inplace, "silu")


def exp_branch(x: Tensor, alpha: float, scale: float = 1.0) -> Tensor:
    """alpha * (exp(x / scale) - 1) for x <= 0, with PyTorch's derivatives at 0: slope alpha / scale
    (the exponential side's) but second derivative 0 (PyTorch's elu double backward counts x < 0
    only). exp sees m = x where x < 0 and 0 elsewhere, whose slope at 0 is 0, so a large x cannot
    overflow it; the straight line (alpha / scale) * (x - m), 0 for x < 0, gives the slope at 0."""
    negative = x.where(x < 0, 0.0)
    return (negative * (1 / scale)).expm1() * alpha + (x - negative) * (alpha / scale)


def exp_linear(x: Tensor, alpha: float, scale: float = 1.0) -> Tensor:
    """x where x > 0 or x is NaN (PyTorch's kernels test x <= 0, so NaN takes x's slope, 1), exp_branch elsewhere."""
    return x.where(~(x <= 0), exp_branch(x, alpha, scale))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x for x > 0, alpha * (exp(x) - 1) otherwise. The slope at 0 is alpha (PyTorch takes the
    exponential side there, which is why ELU(alpha=2) has slope 2 at 0)."""
    floating_only(input, "elu")
    return applied(input, lambda x: exp_linear(x, alpha), inplace, "elu")


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """scale * elu(x, alpha) with PyTorch's alpha = 1.6733 and scale = 1.0507, which keep a unit
    normal input's mean and variance; the slope at 0 is scale * alpha = 1.7581."""
    floating_only(input, "selu")
    return applied(input, lambda x: exp_linear(x, SELU_ALPHA) * SELU_SCALE, inplace, "selu")


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): continuously differentiable, slope 1 at 0."""
    floating_only(input, "celu")
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha cannot be 0 for CELU (it divides x)")
    return applied(input, lambda x: exp_linear(x, alpha, scale=alpha), inplace, "celu")


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + exp(beta * x)) / beta, a smooth relu; x itself where beta * x > threshold, as
    PyTorch (there the two differ by less than exp(-threshold)). Slope sigmoid(beta * x), 1 above
    the threshold. exp sees only the values at or below the threshold, so it cannot overflow."""
    floating_only(input, "softplus")
    scaled = input * beta
    linear = scaled > threshold
    return input.where(linear, scaled.where(~linear, 0.0).exp().log1p() * (1 / beta))


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|). Integer tensors give float32, as PyTorch's (its softsign is this division)."""
    if input.dtype.legacy_name == "Bool":
        raise NotImplementedError("softsign: not implemented for 'Bool' tensors, as in PyTorch (abs refuses "
                                  "them). Hint: convert first with x.float()")
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x clamped to [min_val, max_val]. Unlike clamp, the slope is 0 at the bounds themselves
    (PyTorch's: 1 only where min_val < x < max_val, and at nan) and has a second derivative, 0: a
    primitive, piecewise_ops.Hardtanh. Integer tensors stay integer, the bounds truncated to
    integers, as PyTorch's."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got {min_val} and {max_val}")
    if input.dtype.legacy_name == "Bool":
        raise RuntimeError("hardtanh: Bool inputs not supported for hardtanh (as in PyTorch). Hint: x.long()")
    if not input.dtype.is_floating_point:
        return applied(input, lambda x: x.clamp(int(min_val), int(max_val)), inplace, "hardtanh")
    return applied(input, lambda x: Hardtanh.apply(x, min_val=min_val, max_val=max_val), inplace, "hardtanh")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6) = hardtanh(x, 0, 6): slope 0 at 0 and at 6, as PyTorch's."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """relu6(x + 3) / 6: 0 up to -3, 1 from 3, a line between (slope 1/6; 0 at -3 and 3, as PyTorch).
    At nan the value is nan and the slope 0, PyTorch's (relu6's slope there is 1: x.detach() takes
    that place)."""
    floating_only(input, "hardsigmoid")
    return applied(input, lambda x: (relu6(x + 3) * (1 / 6)).where(~x.isnan(), x.detach()), inplace, "hardsigmoid")


def hardswish_below_3(x: Tensor) -> Tensor:
    """m * relu6(m + 3) / 6 for m = x where x < 3, 0 elsewhere (nan too), so that the product rule
    never meets a nan or an inf it would turn a zero gradient into nan with."""
    m = x.where(x < 3, 0.0)
    return m * relu6(m + 3) * (1 / 6)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * relu6(x + 3) / 6. Slope 0 up to -3 (included), x/3 + 1/2 between, 1 from 3 (included)
    and at nan, PyTorch's: the product rule gives the first two because relu6's slope is 0 at its
    bounds, and x itself is taken from 3 on and at nan (PyTorch's kernel tests x < 3)."""
    floating_only(input, "hardswish")
    return applied(input, lambda x: x.where(~(x < 3), hardswish_below_3(x)), inplace, "hardswish")


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|)), PyTorch's formula: exp sees only
    arguments <= 0, so logsigmoid(-1000) is -1000, not -inf, and log1p keeps the tiny values
    (logsigmoid(20) = -2.06e-9, not 0). Slope sigmoid(-x) = 1 - sigmoid(x), 1/2 at 0: there
    min(x, 0) takes its slope from the right (0) and |x| from the right (1), as PyTorch's kernel."""
    floating_only(input, "logsigmoid")
    minus_abs = (-input).where(input >= 0, input)
    return input.where(input < 0, 0.0) - minus_abs.exp().log1p()


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * tanh(softplus(x)). Slope 0.6 at 0 (tanh(log 2))."""
    floating_only(input, "mish")
    return applied(input, lambda x: x * softplus(x).tanh(), inplace, "mish")


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """The gated linear unit: a * sigmoid(b), where a and b are the two halves of x along dim."""
    floating_only(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu: does not support scalars because halving size must be even")
    dim = axis_of(input.shape, dim, "glu")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension {dim} is size {size} "
                           f"(input of shape {tuple(input.shape)})")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, 0 elsewhere: Tensor.hardshrink (math_methods.py)."""
    return input.hardshrink(lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x - lambd above lambd, x + lambd below -lambd, 0 between: x - lambd * sign(x) outside.
    Slope 1 outside, 0 inside and at +-lambd (PyTorch's)."""
    floating_only(input, "softshrink")
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf) for input dtype "
                           f"{input.dtype.legacy_name}, but found {lambd}")
    return (input - input.sign() * lambd).where(shrunk(input, lambd), 0.0)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x - tanh(x). Slope tanh(x)**2."""
    return input - input.tanh()


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """x for x > 0, weight * x otherwise, with one slope for all channels (weight of 1 element) or one per
    channel (dim 1; an input of fewer than 2 dims has one channel). He et al. 2015. Slopes at 0, PyTorch's:
    weight for x (the x <= 0 side's) and x = 0 for weight."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    count = weight.numel()
    if count != 1 and count != channels:
        raise RuntimeError(f"prelu: mismatch of parameter numbers and input channel size. Found parameter numbers "
                           f"= {count} and channel size = {channels}. Hint: nn.PReLU(num_parameters) takes 1 or the "
                           f"number of channels (dim 1)")
    if count == 1:
        slope = weight.reshape(())
    else:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return input.where(input > 0, slope * input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > threshold, value elsewhere (at threshold itself too, so the slope there is 0, PyTorch's).
    NaN passes through, as PyTorch's kernel tests x <= threshold."""
    return applied(input, lambda x: x.where(~(x <= threshold), value), inplace, "threshold")
