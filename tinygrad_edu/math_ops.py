"""More elementwise primitives: tan, the hyperbolic functions and their inverses, the error
function family (erf, erfc, erfinv), atan2, hypot, logit, xlogy, and the log-gamma family (lgamma,
polygamma: the derivative of lgamma is polygamma(0) = digamma, and of polygamma(n), polygamma(n + 1)).

They are written as ops.py's are (an `Elementwise` op states f and its derivative from the input,
an `ElementwiseFromOutput` op from the output), and live in a module of their own because ops.py
holds the core set a learner reads first. Each is a primitive rather than a composite because
the composite would be wrong somewhere: sinh as (exp(x) - exp(-x)) / 2 loses every digit for
tiny x, hypot as sqrt(x**2 + y**2) overflows for |x| > 1e154 in float64, and NumPy has no erf
at all (SciPy's scipy.special has it, vectorised; lgamma and polygamma too).

Where PyTorch pins a derivative at a pole or outside the domain (atan2 at (0, 0), logit outside
[0, 1] or outside [eps, 1 - eps], xlogy at x = 0), the op says so and tests/test_math_ops.py checks it.
"""

from __future__ import annotations

import functools
import importlib
import math

import numpy as np

from .ops import Elementwise, ElementwiseFromOutput, Primitive

TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


@functools.cache
def scipy_special():
    """scipy.special (installed with scikit-learn, a dependency), imported at the first erf: it
    costs about 0.35 s, as much again as `import tinygrad_edu` itself (python -X importtime)."""
    return importlib.import_module("scipy.special")


def in_dtype_of(x: np.ndarray, value) -> np.ndarray:
    """SciPy's result in x's dtype (its float16 loops compute and return float32)."""
    return np.asarray(value).astype(x.dtype, copy=False)


class Tan(ElementwiseFromOutput):
    """z = tan(x).   dz/dx = 1 / cos(x)**2 = 1 + z**2."""
    numpy_function = np.tan

    @staticmethod
    def derivative(z):
        return 1 + z * z


class Sinh(Elementwise):
    """z = sinh(x) = (e^x - e^-x) / 2.   dz/dx = cosh(x)."""
    numpy_function = np.sinh

    @staticmethod
    def derivative(x):
        return x.cosh()


class Cosh(Elementwise):
    """z = cosh(x) = (e^x + e^-x) / 2.   dz/dx = sinh(x)."""
    numpy_function = np.cosh

    @staticmethod
    def derivative(x):
        return x.sinh()


class Asinh(Elementwise):
    """z = arsinh(x) = log(x + sqrt(x**2 + 1)).   dz/dx = 1 / sqrt(x**2 + 1)."""
    numpy_function = np.arcsinh

    @staticmethod
    def derivative(x):
        return 1 / (x * x + 1).sqrt()


class Acosh(Elementwise):
    """z = arcosh(x) = log(x + sqrt(x**2 - 1)), for x >= 1.   dz/dx = 1 / sqrt(x**2 - 1)
    (inf at x = 1, nan below, as PyTorch)."""
    numpy_function = np.arccosh

    @staticmethod
    def derivative(x):
        return 1 / (x * x - 1).sqrt()


class Atanh(Elementwise):
    """z = artanh(x) = log((1 + x) / (1 - x)) / 2, for |x| < 1.   dz/dx = 1 / (1 - x**2)."""
    numpy_function = np.arctanh

    @staticmethod
    def derivative(x):
        return 1 / (1 - x * x)


class Erf(Elementwise):
    """z = erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t**2) dt.   dz/dx = 2/sqrt(pi) * exp(-x**2)."""

    @staticmethod
    def numpy_function(x):
        return in_dtype_of(x, scipy_special().erf(x))

    @staticmethod
    def derivative(x):
        return TWO_OVER_SQRT_PI * (-x * x).exp()


class Erfc(Elementwise):
    """z = erfc(x) = 1 - erf(x), exact where erf(x) is near 1 (x > 3).   dz/dx = -2/sqrt(pi) * exp(-x**2)."""

    @staticmethod
    def numpy_function(x):
        return in_dtype_of(x, scipy_special().erfc(x))

    @staticmethod
    def derivative(x):
        return -TWO_OVER_SQRT_PI * (-x * x).exp()


class Erfinv(Elementwise):
    """z = erfinv(x), the z with erf(z) = x, for -1 <= x <= 1.
    dz/dx = 1 / erf'(z) = sqrt(pi)/2 * exp(erfinv(x)**2)   (inf at x = +-1, nan outside, as PyTorch).

    Written from the input, so backward computes erfinv once more: from the output z it would
    need exp on arrays and on Tensors alike, which one expression cannot be here."""

    @staticmethod
    def numpy_function(x):
        return in_dtype_of(x, scipy_special().erfinv(x))

    @staticmethod
    def derivative(x):
        z = x.erfinv()
        return (1 / TWO_OVER_SQRT_PI) * (z * z).exp()


class Atan2(Primitive):
    """z = atan2(y, x), the angle of the point (x, y) in (-pi, pi].

    dz/dy = x / (x**2 + y**2),   dz/dx = -y / (x**2 + y**2);   both 0 at (0, 0), as PyTorch
    (which replaces the infinite 1 / (x**2 + y**2) there by 0).
    """

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        y, x = ctx.saved_tensors
        need_y, need_x = ctx.needs_input_grad
        squares = x * x + y * y
        at_origin = squares == 0
        over = g / squares.where(~at_origin, 1.0)  # g / (x**2 + y**2), with 1 in place of the 0
        over = over.where(~at_origin, 0.0)
        return (over * x if need_y else None), (-over * y if need_x else None)


class Hypot(Primitive):
    """z = sqrt(x**2 + y**2), computed without overflow (np.hypot).

    dz/dx = x / z,   dz/dy = y / z   (nan at (0, 0), as PyTorch's 0 / 0).
    """

    @staticmethod
    def forward(ctx, x, y):
        z = np.hypot(x, y)
        ctx.save_for_backward(x, y, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, y, z = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        over = g / z
        return (over * x if need_x else None), (over * y if need_y else None)


class Logit(Primitive):
    """z = log(p / (1 - p)), the inverse of sigmoid; with `eps`, p = x clamped to [eps, 1 - eps].

    dz/dx = 1 / (p * (1 - p)). PyTorch's rule outside the domain: without eps, nan where x < 0
    or x > 1 (inf at 0 and 1); with eps, 0 where x < eps or x > 1 - eps (the clamp is flat
    there) and 1 / (x * (1 - x)) at the bounds themselves.
    """

    @staticmethod
    def forward(ctx, x, eps=None):
        ctx.save_for_backward(x)
        ctx.eps = eps
        p = x if eps is None else np.clip(x, eps, 1 - eps)
        return np.log(p / (1 - p))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.eps is None:
            low, high, outside = 0.0, 1.0, math.nan
        else:
            low, high, outside = ctx.eps, 1 - ctx.eps, 0.0
        inside = (x >= low) & (x <= high)
        slope = x * (1 - x)  # 1 in place of it outside, so that no 0 / 0 reaches a second derivative
        return (g / slope.where(inside, 1.0)).where(inside, outside)


class Xlogy(Primitive):
    """z = x * log(y), and 0 where x == 0 (even where log y is -inf or nan) unless y is nan.

    dz/dx = log(y), with PyTorch's 0 where x == 0 and y <= 0 (the value is flat 0 there);
    dz/dy = x / y. A primitive because the composite's 0 * log(0) = nan would need a `where`
    that also blocks the slope log(y) at x = 0, which PyTorch keeps."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return scipy_special().xlogy(x, y).astype(np.result_type(x, y), copy=False)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        if need_x:
            flat = (x == 0) & (y <= 0)
            gx = g * y.where(~flat, 1.0).log()  # log 1 = 0 where the value is flat
        if need_y:
            gy = g * x / y
        return gx, gy


class Lgamma(Elementwise):
    """z = log|Gamma(x)|.   dz/dx = digamma(x) = polygamma(0, x).   (inf at 0, -1, -2, ... and at
    -inf, as PyTorch: SciPy gives -inf at -inf.)"""

    @staticmethod
    def numpy_function(x):
        z = scipy_special().gammaln(x)
        return in_dtype_of(x, np.where(np.isneginf(x), np.inf, z))

    @staticmethod
    def derivative(x):
        return Polygamma.apply(x, n=0)


class Polygamma(Primitive):
    """z = polygamma(n, x), the n-th derivative of digamma(x) = Gamma'(x) / Gamma(x) (n = 0 is digamma).
    dz/dx = polygamma(n + 1, x).   (Its value at the negative integers differs from PyTorch's for
    n >= 1: SciPy says inf, PyTorch gives a large finite number or nan.)"""

    @staticmethod
    def forward(ctx, x, n=0):
        ctx.save_for_backward(x)
        ctx.n = n
        return in_dtype_of(x, scipy_special().polygamma(n, x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Polygamma.apply(x, n=ctx.n + 1)

    def name(self) -> str:
        return "DigammaBackward0" if self.n == 0 else "PolygammaBackward0"
