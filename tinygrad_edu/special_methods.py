"""PyTorch's rarer elementwise math as Tensor methods: xlogy, lgamma, digamma, polygamma, mvlgamma, i0,
sinc, heaviside, copysign, fmax and fmin, float_power, ldexp, frexp, gcd and lcm, nextafter, signbit,
isposinf and isneginf, isreal, fix, positive, logaddexp2; the aliases multiply, subtract, true_divide,
greater, greater_equal, less, less_equal, not_equal, absolute and negative; and the in-place form of
each that PyTorch has.

Code ported from PyTorch calls them (a loss with xlogy, a prior with lgamma, a sampler with
nextafter), and without them it stops with an AttributeError. Each is a primitive of math_ops.py or
special_ops.py, or a line of other Tensor ops, so autograd differentiates it; gcd, lcm, signbit,
isposinf, isneginf, isreal and fix give constants, as comparisons do (constant_ops.py).

SpecialMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept here so that
tensor.py holds the core. tinygrad_edu.special calls them under SciPy's names.
"""

from __future__ import annotations

import math

import numpy as np

from . import math_ops, return_types, special_ops
from .arrays import is_float
from .autograd import TensorBase
from .dtypes import get_default_dtype, python_number_dtype, result_type

# PyTorch's names of dtypes, for its "not implemented for 'Long'" errors
TORCH_DTYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                     "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double"}


def not_implemented_for(op: str, dtype) -> NotImplementedError:
    """PyTorch's error for a kernel it has no loop for: "gcd_cpu" not implemented for 'Float'."""
    name = TORCH_DTYPE_NAMES.get(str(np.dtype(dtype)), str(dtype))
    return NotImplementedError(f"\"{op}_cpu\" not implemented for '{name}'")


def require_float_result(x, y, op: str) -> None:
    """nextafter, logaddexp2, gammainc: PyTorch has no integer kernel, but promotes an integer and a float."""
    target = result_type(x, y).dtype
    if not is_float(target):
        raise not_implemented_for(op, target)


def require_tensor(other, op: str) -> None:
    """PyTorch's fmax, fmin, gcd, lcm, heaviside and logaddexp2 take a tensor as `other`, not a number."""
    if not isinstance(other, TensorBase):
        raise TypeError(f"{op}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")


class SpecialMethods:
    """Tensor's further elementwise math (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    def _operand(self, other):
        """other as a tensor: a Python number becomes a 0-d tensor of its own dtype (int64, the default
        float), which takes part in type promotion as PyTorch's numbers do."""
        if isinstance(other, TensorBase):
            return other
        return self._wrap(np.asarray(other, dtype=python_number_dtype(other)))

    def _floating(self):
        """self, or self in the default float dtype if it is an integer or bool tensor."""
        return self if is_float(self.dtype) else self.astype(get_default_dtype())

    # ------------------------------------------------------------ the gamma family, Bessel, sinc
    def xlogy(self, other):
        """self * log(other), and 0 where self == 0 (unless other is nan)."""
        return math_ops.Xlogy.apply(self, self._operand(other))

    def lgamma(self):
        """log|Gamma(x)|.   d/dx = digamma(x)."""
        return math_ops.Lgamma.apply(self)

    def digamma(self):
        """Gamma'(x) / Gamma(x), the derivative of lgamma.   d/dx = polygamma(1, x)."""
        return math_ops.Polygamma.apply(self, n=0)

    def polygamma(self, n: int):
        """The n-th derivative of digamma (x.polygamma(n) is tinygrad_edu.polygamma(n, x)).
        d/dx = polygamma(n + 1, x)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise RuntimeError(f"polygamma(n, x): n must be a non-negative integer, got {n!r}")
        return math_ops.Polygamma.apply(self, n=n)

    def mvlgamma(self, p: int):
        """The multivariate log-gamma function of dimension p:
        sum over j < p of lgamma(x - j / 2), plus p (p - 1) / 4 * log(pi)."""
        if p < 1:
            raise RuntimeError("mvlgamma: p has to be greater than or equal to 1")
        x = self._floating()
        total = sum(((x - j / 2).lgamma() for j in range(1, p)), x.lgamma())
        return total + p * (p - 1) / 4 * math.log(math.pi)

    def i0(self):
        """The modified Bessel function of the first kind of order 0.   d/dx = i1(x)."""
        return special_ops.I0.apply(self)

    def sinc(self):
        """sin(pi x) / (pi x), 1 at x = 0.   d/dx = (cos(pi x) - sinc(x)) / x, and 0 at x = 0 as PyTorch's
        (the true slope). The second derivative at 0 is 0 here, nan in PyTorch (the truth is -pi**2 / 3)."""
        x = self._floating()
        if x.dtype == np.float16:  # computed in float32, as PyTorch does: sin(pi) in float16 is 3e-4, not 0
            return x.float().sinc().half()
        at_zero = x == 0
        pi_x = x.where(~at_zero, 1.0) * math.pi  # 1 in place of 0, so that no 0 / 0 reaches a derivative
        return (pi_x.sin() / pi_x).where(~at_zero, 1.0)

    # ------------------------------------------------------------ two-argument functions
    def heaviside(self, values):
        """0 where x < 0, `values` where x == 0, 1 where x > 0. No derivative (PyTorch's backward raises)."""
        require_tensor(values, "heaviside")
        if values.dtype != self.dtype:
            raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
        return special_ops.Heaviside.apply(self, values)

    def copysign(self, other):
        """|self| with the sign of other.   d/dself = +-1 (0 at self = 0), d/dother = 0."""
        return special_ops.Copysign.apply(self, self._operand(other))

    def fmax(self, other):
        """The larger of self and other, ignoring nan (nan only where both are). The gradient goes to
        self where self >= other or other is nan, else to other (ties: all to self, as PyTorch)."""
        require_tensor(other, "fmax")
        return self.where((self >= other) | other.isnan(), other)

    def fmin(self, other):
        """The smaller of self and other, ignoring nan; the gradient as fmax's."""
        require_tensor(other, "fmin")
        return self.where((self <= other) | other.isnan(), other)

    def float_power(self, exponent):
        """self ** exponent computed in float64 (the result is float64 whatever the inputs)."""
        if isinstance(exponent, TensorBase):
            exponent = exponent.double()
        return self.double().pow(exponent)

    def ldexp(self, other):
        """self * 2**other (other is usually an integer tensor of exponents)."""
        other = self._operand(other)
        target = result_type(self, other)
        if not is_float(target.dtype):
            target = get_default_dtype()
        return self.astype(target) * (2.0 ** other.astype(target))

    def frexp(self):
        """(mantissa, exponent) with self = mantissa * 2**exponent, 0.5 <= |mantissa| < 1 (0, inf and nan
        have exponent 0): the named tuple tinygrad_edu.return_types.frexp; exponent is int32 and constant."""
        if not is_float(self.dtype):
            raise RuntimeError("frexp() only supports floating-point dtypes")
        exponent = self._wrap(np.asarray(np.frexp(self._data)[1], dtype=np.int32))
        return return_types.frexp(special_ops.FrexpMantissa.apply(self), exponent)

    def nextafter(self, other):
        """The next floating-point number after self towards other.   d/dself = 1, d/dother = 0."""
        other = self._operand(other)
        require_float_result(self, other, "nextafter")
        return special_ops.Nextafter.apply(self, other)

    def logaddexp2(self, other):
        """log2(2**x + 2**y), computed as m + log2(2**(x - m) + 2**(y - m)) with m = max(x, y) held constant
        (as logaddexp), so 2** never overflows.   d/dx = 1 / (1 + 2**(y - x))."""
        require_tensor(other, "logaddexp2")
        require_float_result(self, other, "logaddexp2")
        m = self.detach().maximum(other.detach())
        m = m.where(m.isfinite(), 0.0)  # both -inf (or +inf): avoid -inf - -inf = nan
        return ((self - m).exp2() + (other - m).exp2()).log2() + m

    # ------------------------------------------------------------ constants (no gradient)
    def _integers(self, other, ufunc, op: str):
        """gcd and lcm: integer tensors only, as PyTorch."""
        require_tensor(other, op)
        for x in (self, other):
            if x._data.dtype.kind not in "iu":  # bool too: PyTorch has no gcd of bools
                raise not_implemented_for(op, x._data.dtype)
        target = result_type(self, other).dtype
        return self._wrap(np.asarray(ufunc(self._data, other._data)).astype(target, copy=False))

    def gcd(self, other):
        """The greatest common divisor, elementwise (>= 0; gcd(0, 0) = 0)."""
        return self._integers(other, np.gcd, "gcd")

    def lcm(self, other):
        """The least common multiple, elementwise (>= 0; 0 if either is 0)."""
        return self._integers(other, np.lcm, "lcm")

    def signbit(self):
        """True where the sign bit is set: negative numbers and -0.0 (and nan with its sign bit set)."""
        if self._data.dtype.kind == "b":
            return self._wrap(np.zeros(self.shape, dtype=bool))
        return self._wrap(np.asarray(np.signbit(self._data)))

    def isposinf(self):
        return self._wrap(np.asarray(np.isposinf(self._data)))

    def isneginf(self):
        return self._wrap(np.asarray(np.isneginf(self._data)))

    def isreal(self):
        """True where the imaginary part is 0: everywhere in a real tensor."""
        return self._wrap(np.asarray(np.isreal(self._data)))

    def fix(self):
        """trunc: rounds toward 0 (a constant, as trunc is here)."""
        return self.trunc()

    def positive(self):
        """self itself (unary +). Refused for bool tensors, as PyTorch."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    # ------------------------------------------------------------ NumPy's names for PyTorch's ops
    multiply = lambda self, other: self.mul(other)  # noqa: E731
    subtract = lambda self, other, *, alpha=1: self.sub(other, alpha=alpha)  # noqa: E731
    true_divide = lambda self, other: self.div(other)  # noqa: E731
    absolute = lambda self: self.abs()  # noqa: E731
    negative = lambda self: self.neg()  # noqa: E731
    greater = lambda self, other: self.gt(other)  # noqa: E731
    greater_equal = lambda self, other: self.ge(other)  # noqa: E731
    less = lambda self, other: self.lt(other)  # noqa: E731
    less_equal = lambda self, other: self.le(other)  # noqa: E731
    not_equal = lambda self, other: self.ne(other)  # noqa: E731

    # ------------------------------------------------------------ in place
    multiply_ = lambda self, other: self.mul_(other)  # noqa: E731
    subtract_ = lambda self, other, *, alpha=1: self.sub_(other, alpha=alpha)  # noqa: E731
    true_divide_ = lambda self, other: self.div_(other)  # noqa: E731
    absolute_ = lambda self: self.abs_()  # noqa: E731
    negative_ = lambda self: self.neg_()  # noqa: E731
    xlogy_ = lambda self, other: self._apply_("xlogy_", lambda t: t.xlogy(other), other)  # noqa: E731
    lgamma_ = lambda self: self._apply_("lgamma_", lambda t: t.lgamma())  # noqa: E731
    digamma_ = lambda self: self._apply_("digamma_", lambda t: t.digamma())  # noqa: E731
    polygamma_ = lambda self, n: self._apply_("polygamma_", lambda t: t.polygamma(n))  # noqa: E731
    mvlgamma_ = lambda self, p: self._apply_("mvlgamma_", lambda t: t.mvlgamma(p))  # noqa: E731
    i0_ = lambda self: self._apply_("i0_", lambda t: t.i0())  # noqa: E731
    sinc_ = lambda self: self._apply_("sinc_", lambda t: t.sinc())  # noqa: E731
    heaviside_ = lambda self, values: self._apply_("heaviside_", lambda t: t.heaviside(values), values)  # noqa: E731
    copysign_ = lambda self, other: self._apply_("copysign_", lambda t: t.copysign(other), other)  # noqa: E731
    ldexp_ = lambda self, other: self._apply_("ldexp_", lambda t: t.ldexp(other), other)  # noqa: E731
    nextafter_ = lambda self, other: self._apply_("nextafter_", lambda t: t.nextafter(other), other)  # noqa: E731
    gcd_ = lambda self, other: self._apply_("gcd_", lambda t: t.gcd(other))  # noqa: E731
    lcm_ = lambda self, other: self._apply_("lcm_", lambda t: t.lcm(other))  # noqa: E731
    fix_ = lambda self: self._apply_("fix_", lambda t: t.fix())  # noqa: E731

    def float_power_(self, exponent):
        """In place: self must already be float64, the dtype of the result (PyTorch's rule)."""
        if self.dtype != np.float64:
            name = TORCH_DTYPE_NAMES.get(str(self._data.dtype))
            raise RuntimeError(f"the base given to float_power_ has dtype {name} but the operation's result "
                               "requires dtype Double")
        return self._apply_("float_power_", lambda t: t.float_power(exponent), exponent)
