"""torch.special: PyTorch's module of special functions, under the names and signatures it gives them.

Code written for PyTorch calls `torch.special.expit`, `torch.special.xlogy` or `torch.special.gammaln`
(SciPy's names, which PyTorch copied); here they are `tinygrad_edu.special.*`. Most are the Tensor
ops under another name (expit is sigmoid, gammaln is lgamma); sinc and xlogy are a few lines of
Tensor ops; gammaln, digamma and polygamma are the primitives Lgamma and Polygamma of math_ops.py,
whose derivatives are one another; the Bessel functions, erfcx, ndtri, log_ndtr, entr, xlog1py, zeta
and the incomplete gamma functions are the primitives of special_ops.py (SciPy computes their values).
Each takes `out=` where PyTorch's does.
"""

from __future__ import annotations

import math

from . import math_ops, special_ops
from .arrays import is_float
from .functions import write_out
from .special_methods import require_float_result
from .tensor import Tensor, tensor

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "log_softmax", "softmax", "logsumexp", "expm1", "exp2",
           "log1p", "sinc", "xlogy", "round", "gammaln", "digamma", "psi", "polygamma",
           "entr", "erfcx", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "xlog1py", "zeta", "gammainc",
           "gammaincc", "multigammaln"]


def as_float(x) -> Tensor:
    """x as a Tensor of a floating dtype (integers become float32, as PyTorch's special functions do)."""
    if not isinstance(x, Tensor):
        x = tensor(x)
    return x if is_float(x.dtype) else x.float()


def as_floats(input, other) -> tuple:
    """Two arguments as tensors (a Python number becomes a 0-d tensor, which does not widen the other's
    dtype: xlogy(float16 tensor, 2.0) is float16, as PyTorch's)."""
    input, other = (x if isinstance(x, Tensor) else tensor(x) for x in (input, other))
    if is_float(input.dtype) or is_float(other.dtype):
        return input, other  # the op's type promotion does the rest (dtypes.RULES)
    return input.float(), other.float()


def returned(result: Tensor, out, name: str) -> Tensor:
    """result, or result written into out (PyTorch's out=)."""
    return result if out is None else write_out(out, result, f"special.{name}")


def expit(input, *, out=None):
    """1 / (1 + exp(-x)): sigmoid."""
    return returned(as_float(input).sigmoid(), out, "expit")


def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), with p = x clamped to [eps, 1 - eps] when eps is given."""
    return returned(as_float(input).logit(eps), out, "logit")


def erf(input, *, out=None):
    return returned(as_float(input).erf(), out, "erf")


def erfc(input, *, out=None):
    return returned(as_float(input).erfc(), out, "erfc")


def erfinv(input, *, out=None):
    return returned(as_float(input).erfinv(), out, "erfinv")


def expm1(input, *, out=None):
    return returned(as_float(input).expm1(), out, "expm1")


def exp2(input, *, out=None):
    return returned(as_float(input).exp2(), out, "exp2")


def log1p(input, *, out=None):
    return returned(as_float(input).log1p(), out, "log1p")


def round(input, *, decimals=0, out=None):
    """Half to even, as torch.round (no gradient)."""
    return returned(input.round(decimals), out, "round")


def softmax(input, dim, *, dtype=None):
    """exp(x) / sum(exp(x)) along dim; input is cast to dtype first when it is given."""
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim, *, dtype=None):
    """x - logsumexp(x) along dim; input is cast to dtype first when it is given."""
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def logsumexp(input, dim, keepdim=False, *, out=None):
    return returned(input.logsumexp(dim, keepdim), out, "logsumexp")


def sinc(input, *, out=None):
    """sin(pi x) / (pi x), 1 at x = 0 (Tensor.sinc, special_methods.py)."""
    return returned(as_float(input).sinc(), out, "sinc")


def xlogy(input, other, *, out=None):
    """x * log(y), and 0 where x == 0 (unless y is nan).   d/dx = log(y), d/dy = x / y (math_ops.Xlogy)."""
    return returned(math_ops.Xlogy.apply(*as_floats(input, other)), out, "xlogy")


def gammaln(input, *, out=None):
    """log|Gamma(x)|.   d/dx = digamma(x)."""
    return returned(math_ops.Lgamma.apply(as_float(input)), out, "gammaln")


def digamma(input, *, out=None):
    """Gamma'(x) / Gamma(x), the derivative of gammaln.   d/dx = polygamma(1, x)."""
    return returned(math_ops.Polygamma.apply(as_float(input), n=0), out, "digamma")


psi = digamma


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma.   d/dx = polygamma(n + 1, x)."""
    if not isinstance(n, int) or n < 0:
        raise RuntimeError(f"special.polygamma: n must be a non-negative integer, got {n!r}")
    return returned(math_ops.Polygamma.apply(as_float(input), n=n), out, "polygamma")


def multigammaln(input, p, *, out=None):
    """The multivariate log-gamma function (Tensor.mvlgamma):
    sum over j < p of gammaln(x - j / 2), plus p (p - 1) / 4 log(pi)."""
    return returned(input.mvlgamma(p), out, "multigammaln")


def entr(input, *, out=None):
    """-x log(x) (0 at 0, -inf below).   d/dx = -(1 + log(x))."""
    return returned(special_ops.Entr.apply(as_float(input)), out, "entr")


def erfcx(input, *, out=None):
    """exp(x**2) erfc(x).   d/dx = 2 x erfcx(x) - 2 / sqrt(pi)."""
    return returned(special_ops.Erfcx.apply(as_float(input)), out, "erfcx")


def i0(input, *, out=None):
    """The modified Bessel function of order 0.   d/dx = i1(x)."""
    return returned(special_ops.I0.apply(as_float(input)), out, "i0")


def i0e(input, *, out=None):
    """exp(-|x|) i0(x).   d/dx = i1e(x) - sgn(x) i0e(x)."""
    return returned(special_ops.I0e.apply(as_float(input)), out, "i0e")


def i1(input, *, out=None):
    """The modified Bessel function of order 1.   d/dx = i0(x) - i1(x) / x (1/2 at 0)."""
    return returned(special_ops.I1.apply(as_float(input)), out, "i1")


def i1e(input, *, out=None):
    """exp(-|x|) i1(x).   d/dx = i0e(x) - i1e(x) (sgn(x) + 1 / x) (1/2 at 0)."""
    return returned(special_ops.I1e.apply(as_float(input)), out, "i1e")


def ndtr(input, *, out=None):
    """The standard normal distribution function, (1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2."""
    return returned(as_float(input).mul(-1 / math.sqrt(2)).erfc() / 2, out, "ndtr")


def ndtri(input, *, out=None):
    """ndtr's inverse, the normal quantile.   d/dp = sqrt(2 pi) exp(ndtri(p)**2 / 2)."""
    return returned(special_ops.Ndtri.apply(as_float(input)), out, "ndtri")


def log_ndtr(input, *, out=None):
    """log(ndtr(x)), exact far into the left tail.   d/dx = exp(-x**2 / 2 - log_ndtr(x)) / sqrt(2 pi)."""
    return returned(special_ops.LogNdtr.apply(as_float(input)), out, "log_ndtr")


def xlog1py(input, other, *, out=None):
    """x * log(1 + y), and 0 where x == 0 (unless y is nan).   d/dx = log1p(y), d/dy = x / (1 + y)."""
    return returned(special_ops.Xlog1py.apply(*as_floats(input, other)), out, "xlog1py")


def zeta(input, other, *, out=None):
    """Hurwitz's zeta(x, q) = sum over k >= 0 of (k + q)**-x.   d/dq = -x zeta(x + 1, q); no derivative in x
    (backward raises PyTorch's NotImplementedError)."""
    return returned(special_ops.Zeta.apply(*as_floats(input, other)), out, "zeta")


def incomplete_gamma(op, input, other, name: str):
    """gammainc and gammaincc: of tensors (numbers are refused, as PyTorch's), not both integer."""
    for x in (input, other):
        if not isinstance(x, Tensor):
            raise TypeError(f"special_{name}(): argument must be Tensor, not {type(x).__name__}")
    require_float_result(input, other, "igamma" if name == "gammainc" else "igammac")
    return op.apply(input, other)


def gammainc(input, other, *, out=None):
    """P(a, x), the regularised lower incomplete gamma function.   d/dx = x**(a - 1) exp(-x) / Gamma(a); no
    derivative in a (backward raises PyTorch's NotImplementedError)."""
    return returned(incomplete_gamma(special_ops.Gammainc, input, other, "gammainc"), out, "gammainc")


def gammaincc(input, other, *, out=None):
    """Q(a, x) = 1 - P(a, x), the upper one.   d/dx = -x**(a - 1) exp(-x) / Gamma(a)."""
    return returned(incomplete_gamma(special_ops.Gammaincc, input, other, "gammaincc"), out, "gammaincc")
