"""Elementwise composites: functions of each element (log10, expm1, rsqrt, ...), minimum and lerp.

Each is a line or two of primitives (Log, Exp, Mul, Sqrt, Div, Minimum), so autograd gives its
derivative. log1p and expm1 add a constant correction so that their value is exact for tiny x.
"""

from __future__ import annotations

import numpy as np

from ..errors import broadcast_error
from ..ops import Minimum


def check_broadcast(op: str, *operands) -> None:
    """Raise, naming `op`, when the operands' shapes cannot be broadcast together (for
    composites whose primitives would otherwise name themselves, e.g. pairwise_distance's sub)."""
    shapes = [tuple(x.shape) if hasattr(x, "_data") else np.shape(x) for x in operands]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise broadcast_error(op, shapes) from None


def minimum(x, other):
    """min(x, y) elementwise (ops.Minimum)."""
    return Minimum.apply(x, other)


def lerp(x, end, weight):
    """x + weight * (end - x): a straight line from x (weight 0) to end (weight 1)."""
    return x + weight * (end - x)


def log10(x):
    """log(x) / log(10)."""
    return x.log() * (1 / np.log(10))


def log2(x):
    """log(x) / log(2)."""
    return x.log() * (1 / np.log(2))


def exp2(x):
    """2^x = exp(x log 2)."""
    return (x * np.log(2)).exp()


def log1p(x):
    """log(1 + x). For |x| tiny, 1 + x rounds to 1 and log gives 0: the exact value np.log1p is
    added as a constant correction, so the value is exact and the derivative 1/(1 + x) comes from Log."""
    out = (x + 1).log()
    with np.errstate(divide="ignore", invalid="ignore"):  # log1p(-1) = -inf, as PyTorch's, without a warning
        exact, rounded = np.log1p(x.detach().numpy()), out.detach().numpy()
        correction = np.where(exact == rounded, 0, exact - rounded)  # 0 at x = -1, not -inf - -inf = nan
    return out + correction


def expm1(x):
    """exp(x) - 1, exact for tiny x the same way as log1p (derivative exp(x) from Exp)."""
    out = x.exp() - 1
    return out + (np.expm1(x.detach().numpy()) - out.detach().numpy())


def square(x):
    """x ** 2: a Pow node (PowBackward0), as PyTorch's square is."""
    return x ** 2


def rsqrt(x):
    """1 / sqrt(x)."""
    return x.sqrt().reciprocal()


def reciprocal(x):
    """1 / x (ints become float32, as in PyTorch)."""
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    return 1.0 / x
