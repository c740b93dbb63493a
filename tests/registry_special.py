"""Registry entries (see op_registry.py) for special_methods.py, special_ops.py and the torch.special
functions built on them: xlogy, the gamma family (lgamma, digamma, polygamma, mvlgamma), the Bessel
functions, sinc, copysign, fmax/fmin, float_power, ldexp, frexp's mantissa, nextafter, logaddexp2,
positive and NumPy's names for PyTorch's ops (multiply, subtract, ...), erfcx, ndtr and its kin, entr,
xlog1py, zeta and the incomplete gamma functions, and the in-place form of each that PyTorch has.
SciPy (a dependency of the library) is the reference where NumPy has no such function.

zeta and gammainc/gammaincc have no derivative in their first argument (PyTorch's rule), so their
entries hold it constant; heaviside has none at all (test_more_math.py pins its error). The Bessel
entries sample away from 0: i0e and i1e have a kink there, and i1's slope i0(x) - i1(x) / x loses its
digits for subnormal x (as PyTorch's); test_more_math.py pins their slopes at 0 itself.
"""

from __future__ import annotations

import numpy as np
import scipy.special
from hypothesis import strategies as st
from registry_core import binary, full, inplace, register, unary
from strategies import shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers and references


def sample_polygamma(draw):
    return [values(draw, draw(shapes()), "positive")], {"n": draw(st.sampled_from([0, 1, 2]))}


def sample_mvlgamma(draw):
    return [values(draw, draw(shapes()), "positive")], {"p": draw(st.sampled_from([1, 2, 3]))}


def sample_ldexp(draw):
    shape = draw(shapes())
    exponents = np.array(draw(st.lists(st.integers(-3, 3), min_size=int(np.prod(shape)),
                                       max_size=int(np.prod(shape))))).reshape(shape)
    return [values(draw, shape, "real")], {"exponents": exponents}


def np_mvlgamma(x, p):
    return scipy.special.multigammaln(x + p / 2, p)


def np_ldexp(x, exponents):
    return x * 2.0 ** exponents


def between(x):
    return x * 0.2 + 0.75  # unit's (-0.9, 0.9) mapped into (0.57, 0.93): no power of 2, where frexp jumps


def probability(x):
    return x * 0.5 + 0.5  # unit's (-0.9, 0.9) mapped to (0.05, 0.95)


def np_mantissa(x):
    return np.frexp(between(x))[0]


def np_xlogy(x, y):
    return x * np.log(y)


def np_fmax(x, y):
    return np.fmax(x, y)


def np_fmin(x, y):
    return np.fmin(x, y)


# ---------------------------------------------------------------- Tensor methods

register("xlogy", lambda x, y: x.xlogy(y), np_xlogy, binary("real", "positive"))
register("lgamma", lambda x: x.lgamma(), scipy.special.gammaln, unary("positive"))
register("digamma", lambda x: x.digamma(), scipy.special.digamma, unary("positive"))
register("polygamma", lambda x, n: x.polygamma(n), lambda x, n: scipy.special.polygamma(n, x), sample_polygamma)
register("mvlgamma", lambda x, p: (x + p / 2).mvlgamma(p), np_mvlgamma, sample_mvlgamma)
register("i0", lambda x: x.i0(), scipy.special.i0, unary("nonzero"))  # i1 / x near 0: see below
register("sinc", lambda x: x.sinc(), np.sinc, unary("offgrid"))
register("copysign", lambda x, y: x.copysign(y), np.copysign, binary("nonzero", "nonzero"))
register("fmax", lambda x, y: x.fmax(y), np_fmax, binary("grid", "offgrid"))
register("fmin", lambda x, y: x.fmin(y), np_fmin, binary("grid", "offgrid"))
register("float_power", lambda x, y: x.float_power(y), np.power, binary("positive", "real"))
register("ldexp", lambda x, exponents: x.ldexp(tg.tensor(exponents)), np_ldexp, sample_ldexp)
register("frexp", lambda x: between(x).frexp().mantissa, np_mantissa, unary("unit"))
register("nextafter", lambda x, y: x.nextafter(y), np.nextafter, binary("grid", "offgrid"))  # x != y
register("logaddexp2", lambda x, y: x.logaddexp2(y), np.logaddexp2, binary("real", "real"))
register("positive", lambda x: (x * 1.0).positive(), lambda x: x, unary())
register("numpy_names", lambda x, y: x.multiply(y).subtract(y, alpha=0.25).true_divide(y).absolute().negative(),
         lambda x, y: -np.abs((x * y - 0.25 * y) / y), binary("grid", "nonzero"),
         covers=("multiply", "subtract", "true_divide", "absolute", "negative"))

# in-place forms (registry_core.inplace and full: on a copy of x in the graph)
register("xlogy_", lambda x, y: full(x, y).xlogy_(y), np_xlogy, binary("real", "positive"))
register("lgamma_", inplace("lgamma_"), scipy.special.gammaln, unary("positive"))
register("digamma_", inplace("digamma_"), scipy.special.digamma, unary("positive"))
register("polygamma_", lambda x, n: (x * 1.0).polygamma_(n), lambda x, n: scipy.special.polygamma(n, x),
         sample_polygamma)
register("mvlgamma_", lambda x, p: (x + p / 2).mvlgamma_(p), np_mvlgamma, sample_mvlgamma)
register("i0_", inplace("i0_"), scipy.special.i0, unary("nonzero"))
register("sinc_", inplace("sinc_"), np.sinc, unary("offgrid"))
register("copysign_", lambda x, y: full(x, y).copysign_(y), np.copysign, binary("nonzero", "nonzero"))
register("float_power_", lambda x, y: full(x, y).float_power_(y), np.power, binary("positive", "real"))
register("ldexp_", lambda x, exponents: (x * 1.0).ldexp_(tg.tensor(exponents)), np_ldexp, sample_ldexp)
register("nextafter_", lambda x, y: full(x, y).nextafter_(y), np.nextafter, binary("grid", "offgrid"))
register("numpy_names_", lambda x, y: full(x, y).multiply_(y).subtract_(y, alpha=0.25).true_divide_(y).absolute_()
         .negative_(), lambda x, y: -np.abs((x * y - 0.25 * y) / y), binary("grid", "nonzero"),
         covers=("multiply_", "subtract_", "true_divide_", "absolute_", "negative_"))

# ---------------------------------------------------------------- tinygrad_edu.special

register("special.entr", lambda x: tg.special.entr(x), scipy.special.entr, unary("positive"), covers=())
register("special.erfcx", lambda x: tg.special.erfcx(x), scipy.special.erfcx, unary(), covers=())
register("special.i0e", lambda x: tg.special.i0e(x), scipy.special.i0e, unary("nonzero"), covers=())
register("special.i1", lambda x: tg.special.i1(x), scipy.special.i1, unary("nonzero"), covers=())
register("special.i1e", lambda x: tg.special.i1e(x), scipy.special.i1e, unary("nonzero"), covers=())
register("special.ndtr", lambda x: tg.special.ndtr(x), scipy.special.ndtr, unary(), covers=())
register("special.ndtri", lambda x: tg.special.ndtri(probability(x)), lambda x: scipy.special.ndtri(probability(x)),
         unary("unit"), covers=())
register("special.log_ndtr", lambda x: tg.special.log_ndtr(x), scipy.special.log_ndtr, unary(), covers=())
register("special.xlog1py", lambda x, y: tg.special.xlog1py(x, y), lambda x, y: x * np.log1p(y),
         binary("real", "positive"), covers=())
register("special.zeta", lambda q: tg.special.zeta(2.5, q), lambda q: scipy.special.zeta(2.5, q), unary("positive"),
         covers=())
register("special.gammainc", lambda x: tg.special.gammainc(tg.tensor(1.7, dtype=tg.float64), x),
         lambda x: scipy.special.gammainc(1.7, x), unary("positive"), covers=())
register("special.gammaincc", lambda x: tg.special.gammaincc(tg.tensor(1.7, dtype=tg.float64), x),
         lambda x: scipy.special.gammaincc(1.7, x), unary("positive"), covers=())
