"""torch.special: PyTorch's module of special functions, under the names and signatures it gives them.

Code written for PyTorch calls `torch.special.expit`, `torch.special.xlogy` or `torch.special.gammaln`
(SciPy's names, which PyTorch copied); here they are `tinygrad_edu.special.*`. Most are the Tensor
ops under another name (expit is sigmoid, gammaln is lgamma); sinc and xlogy are a few lines of
Tensor ops; gammaln, digamma and polygamma are the primitives Lgamma and Polygamma of math_ops.py,
whose derivatives are one another. Each takes `out=` where PyTorch's does.
"""

from __future__ import annotations

import math

from . import math_ops
from .arrays import is_float
from .functions import write_out
from .tensor import Tensor, tensor

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "log_softmax", "softmax", "logsumexp", "expm1", "exp2",
           "log1p", "sinc", "xlogy", "round", "gammaln", "digamma", "psi", "polygamma"]


def as_float(x) -> Tensor:
    """x as a Tensor of a floating dtype (integers become float32, as PyTorch's special functions do)."""
    if not isinstance(x, Tensor):
        x = tensor(x)
    return x if is_float(x.dtype) else x.float()


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
    """sin(pi x) / (pi x), 1 at x = 0.   d/dx = (cos(pi x) - sinc(x)) / x, and 0 at x = 0 as PyTorch's
    (the true slope). The second derivative at 0 is 0 here, nan in PyTorch (the truth is -pi**2 / 3)."""
    x = as_float(input)
    at_zero = x == 0
    pi_x = x.where(~at_zero, 1.0) * math.pi  # 1 in place of 0, so that no 0 / 0 reaches a derivative
    return returned((pi_x.sin() / pi_x).where(~at_zero, 1.0), out, "sinc")


def xlogy(input, other, *, out=None):
    """x * log(y), and 0 where x == 0 (unless y is nan).   d/dx = log(y), d/dy = x / y (math_ops.Xlogy)."""
    return returned(math_ops.Xlogy.apply(as_float(input), as_float(other)), out, "xlogy")


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
