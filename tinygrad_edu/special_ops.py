"""The primitives of torch.special and of PyTorch's rarer elementwise math: the Bessel functions i0, i1
and their scaled forms, erfcx, ndtri and log_ndtr, entr, xlog1py, Hurwitz's zeta, the regularised
incomplete gamma functions, heaviside, nextafter and frexp's mantissa.

Written as ops.py's and math_ops.py's are (an `Elementwise` op states f and its derivative from the
input; a `Primitive` gives forward and backward), in a module of their own because ops.py and
math_ops.py are full. Each is a primitive because NumPy has no formula for it (SciPy's scipy.special,
a dependency, computes the values) or because its derivative is not its composite's: heaviside has
none, nextafter's is 1 where the composite's steps would give 0.

Where PyTorch gives no derivative (heaviside; zeta in x; gammainc and gammaincc in a) backward
raises PyTorch's error, and only when that gradient is asked for.
"""

from __future__ import annotations

import math

import numpy as np

from .math_ops import Lgamma, scipy_special
from .ops import Elementwise, Primitive

SQRT_2PI = math.sqrt(2 * math.pi)
TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def no_derivative(name: str):
    """PyTorch's error for a gradient it does not implement (its NotImplementedError)."""
    return NotImplementedError(f"the derivative for '{name}' is not implemented.")


def scipy_on(function, *arrays):
    """A SciPy function of arrays (promoted to one dtype already), returned in that dtype: SciPy's
    float16 loops compute and return float32."""
    return np.asarray(function(*arrays)).astype(np.result_type(*arrays), copy=False)


# ---------------------------------------------------------------- the modified Bessel functions

class I0(Elementwise):
    """z = I0(x), the modified Bessel function of the first kind of order 0.   dz/dx = I1(x)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().i0, x)

    @staticmethod
    def derivative(x):
        return I1.apply(x)


class I1(Elementwise):
    """z = I1(x), of order 1.   dz/dx = I0(x) - I1(x) / x, and 1/2 at x = 0 (its limit, as PyTorch's)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().i1, x)

    @staticmethod
    def derivative(x):
        at_zero = x == 0
        safe_x = x.where(~at_zero, 1.0)  # 1 in place of 0, so that no 0 / 0 reaches a derivative
        return (I0.apply(safe_x) - I1.apply(safe_x) / safe_x).where(~at_zero, 0.5)

    def name(self) -> str:
        return "SpecialI1Backward0"


class I0e(Elementwise):
    """z = exp(-|x|) I0(x), which does not overflow.   dz/dx = I1e(x) - sgn(x) I0e(x)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().i0e, x)

    @staticmethod
    def derivative(x):
        return I1e.apply(x) - x.sgn() * I0e.apply(x)

    def name(self) -> str:
        return "SpecialI0EBackward0"


class I1e(Elementwise):
    """z = exp(-|x|) I1(x).   dz/dx = I0e(x) - I1e(x) (sgn(x) + 1 / x), and 1/2 at x = 0 (as PyTorch's)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().i1e, x)

    @staticmethod
    def derivative(x):
        at_zero = x == 0
        safe_x = x.where(~at_zero, 1.0)
        slope = I0e.apply(safe_x) - I1e.apply(safe_x) * (safe_x.sgn() + 1 / safe_x)
        return slope.where(~at_zero, 0.5)

    def name(self) -> str:
        return "SpecialI1EBackward0"


# ---------------------------------------------------------------- the normal distribution and erf's kin

class Erfcx(Elementwise):
    """z = exp(x**2) erfc(x), the scaled complementary error function.   dz/dx = 2 x z - 2 / sqrt(pi)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().erfcx, x)

    @staticmethod
    def derivative(x):
        return 2 * x * Erfcx.apply(x) - TWO_OVER_SQRT_PI

    def name(self) -> str:
        return "SpecialErfcxBackward0"


class Ndtri(Elementwise):
    """z = ndtri(p), the x with ndtr(x) = p (the normal quantile).   dz/dp = sqrt(2 pi) exp(z**2 / 2)
    (inf at p = 0 and 1, nan outside [0, 1], as PyTorch)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().ndtri, x)

    @staticmethod
    def derivative(x):
        z = Ndtri.apply(x)
        return SQRT_2PI * (z * z / 2).exp()

    def name(self) -> str:
        return "SpecialNdtriBackward0"


class LogNdtr(Elementwise):
    """z = log(ndtr(x)), exact far into the left tail.   dz/dx = exp(-x**2 / 2 - z) / sqrt(2 pi)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().log_ndtr, x)

    @staticmethod
    def derivative(x):
        return (-(x * x / 2) - LogNdtr.apply(x)).exp() / SQRT_2PI

    def name(self) -> str:
        return "SpecialLogNdtrBackward0"


class Entr(Elementwise):
    """z = -x log(x) for x > 0, 0 at 0, -inf for x < 0.   dz/dx = -(1 + log(x)) (inf at 0, nan below,
    as PyTorch)."""

    @staticmethod
    def numpy_function(x):
        return scipy_on(scipy_special().entr, x)

    @staticmethod
    def derivative(x):
        return -(1 + x.log())

    def name(self) -> str:
        return "SpecialEntrBackward0"


class Xlog1py(Primitive):
    """z = x * log(1 + y), and 0 where x == 0 unless y is nan (math_ops.Xlogy's rule, shifted by 1).

    dz/dx = log(1 + y), with PyTorch's 0 where x == 0 and y <= -1 (the value is flat 0 there);
    dz/dy = x / (1 + y)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return scipy_on(scipy_special().xlog1py, x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        if need_x:
            flat = (x == 0) & (y <= -1)
            gx = g * y.where(~flat, 0.0).log1p()  # log1p(0) = 0 where the value is flat
        if need_y:
            gy = g * x / (1 + y)
        return gx, gy

    def name(self) -> str:
        return "SpecialXlog1PyBackward0"


# ---------------------------------------------------------------- zeta and the incomplete gamma functions

class Zeta(Primitive):
    """z = zeta(x, q) = sum over k >= 0 of (k + q) ** -x, Hurwitz's zeta function.
    dz/dq = -x zeta(x + 1, q); dz/dx is not implemented (PyTorch's NotImplementedError)."""

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        return scipy_on(scipy_special().zeta, x, q)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        need_x, need_q = ctx.needs_input_grad
        if need_x:
            raise no_derivative("zeta")
        return None, g * -x * Zeta.apply(x + 1, q)

    def name(self) -> str:
        return "SpecialZetaBackward0"


class Gammainc(Primitive):
    """z = P(a, x) = gamma(a, x) / Gamma(a), the regularised lower incomplete gamma function.
    dz/dx = x**(a - 1) exp(-x) / Gamma(a), written exp((a - 1) log x - x - lgamma(a)); dz/da is not
    implemented (PyTorch's NotImplementedError). Gammaincc, Q = 1 - P, has the opposite slope."""
    sign = 1
    scipy_name, torch_name = "gammainc", "igamma"

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return scipy_on(getattr(scipy_special(), type(ctx).scipy_name), a, x)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        need_a, need_x = ctx.needs_input_grad
        if need_a:
            raise no_derivative(f"{type(ctx).torch_name}: input")
        density = ((a - 1) * x.log() - x - Lgamma.apply(a)).exp()
        return None, g * density * type(ctx).sign

    def name(self) -> str:
        return f"{type(self).torch_name.capitalize()}Backward0"


class Gammaincc(Gammainc):
    """z = Q(a, x) = 1 - P(a, x), the upper one.   dz/dx = -x**(a - 1) exp(-x) / Gamma(a)."""
    sign = -1
    scipy_name, torch_name = "gammaincc", "igammac"


# ---------------------------------------------------------------- steps and floating-point bits

class Heaviside(Primitive):
    """z = 0 where x < 0, `values` where x == 0, 1 where x > 0. PyTorch defines no derivative: its
    backward raises, and so does this one (the result still requires grad, as PyTorch's)."""

    @staticmethod
    def forward(ctx, x, values):
        return np.heaviside(x, values).astype(np.result_type(x, values), copy=False)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


class Copysign(Primitive):
    """z = |x| with the sign of y (its sign bit: -0.0 counts as negative).
    dz/dx = z / x = +-1, and 0 at x = 0 as PyTorch's; dz/dy = 0."""

    @staticmethod
    def forward(ctx, x, y):
        z = np.copysign(x, y)
        nonzero = x != 0
        ctx.ratio = np.where(nonzero, z / np.where(nonzero, x, 1), 0).astype(z.dtype, copy=False)
        return z

    @staticmethod
    def backward(ctx, g):
        need_x, need_y = ctx.needs_input_grad
        return (g * g._wrap(ctx.ratio) if need_x else None), (g * 0.0 if need_y else None)


class Nextafter(Primitive):
    """z = the next floating-point number after x towards y (y itself where x == y).
    dz/dx = 1 where x != y, else 0; dz/dy = 0 (PyTorch's rule: z is x moved by one unit in the last
    place, and where x == y it is y, whose change PyTorch does not pass on either)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return np.nextafter(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (g * (x != y) if need_x else None), (g * 0.0 if need_y else None)


class FrexpMantissa(Primitive):
    """frexp's mantissa m, with x = m * 2**e, 0.5 <= |m| < 1 (e is an integer constant: frexp returns it
    apart).   dm/dx = 1 / 2**e, as PyTorch's grad / exponent.exp2()."""

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = np.frexp(x)
        ctx.scale = np.exp2(np.asarray(exponent).astype(x.dtype))
        return np.asarray(mantissa)

    @staticmethod
    def backward(ctx, g):
        return g / g._wrap(ctx.scale)

    def name(self) -> str:
        return "FrexpBackward0"
