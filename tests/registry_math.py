"""Registry entries (see op_registry.py) for elementwise math: exp, log, the trigonometric and
hyperbolic functions, erf, logit, relu and sigmoid, clamp, maximum/minimum, where, the dtype casts and
identities that must keep a tensor in the graph, the in-place form of each function, and torch.special."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import binary, full, inplace, np_erf, np_sigmoid, register, unary
from strategies import broadcastable_shapes, shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers and references

def sample_clamp(draw):
    shape = draw(shapes())
    low = draw(st.sampled_from([None, -1.05, -0.45, 0.15]))
    high = draw(st.sampled_from([None, 0.25, 0.95, 1.55] if low is not None else [0.25, 0.95, 1.55]))
    return [values(draw, shape, "grid")], {"min": low, "max": high}


def sample_clamp_min(draw):
    return [values(draw, draw(shapes()), "grid")], {"bound": draw(st.sampled_from([-1.05, 0.15, 0.95]))}


def sample_where(draw):
    shape_c, shape_x, shape_y = draw(broadcastable_shapes(3))
    cond = draw(hnp.arrays(np.bool_, shape_c))
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real")], {"cond": cond}


def np_clamp(x, min=None, max=None):
    return np.clip(x, min, max)


def np_where(x, y, cond):
    return np.where(cond, x, y)


def np_relu(x):
    return np.maximum(x, 0)


def np_erfc(x):
    return 1 - np_erf(x)


def np_erfinv(x):
    import scipy.special  # installed with scikit-learn
    return scipy.special.erfinv(x)


def np_gammaln(x):
    import scipy.special
    return scipy.special.gammaln(x)


def np_digamma(x):
    import scipy.special
    return scipy.special.digamma(x)


def np_trigamma(x):
    import scipy.special
    return scipy.special.polygamma(1, x)


def np_frac(x):
    return x - np.trunc(x)


def np_acosh_shifted(x):
    return np.arccosh(x + 1.5)  # the sampler's positive values moved into acosh's domain, x > 1


def probability(x):
    return x * 0.5 + 0.5  # unit's (-0.9, 0.9) mapped to (0.05, 0.95)


def np_logit_of_probability(x):
    return np.log(probability(x) / (1 - probability(x)))


# ---------------------------------------------------------------- the entries

register("exp", lambda x: x.exp(), np.exp, unary())
register("log", lambda x: x.log(), np.log, unary("positive"))
register("sqrt", lambda x: x.sqrt(), np.sqrt, unary("positive"))
register("abs", lambda x: x.abs(), np.abs, unary("grid"), covers=("abs", "__abs__"))
register("sign", lambda x: x.sign(), np.sign, unary("offgrid"))
register("sgn", lambda x: x.sgn(), np.sign, unary("offgrid"))
register("sin", lambda x: x.sin(), np.sin, unary())
register("cos", lambda x: x.cos(), np.cos, unary())
register("tanh", lambda x: x.tanh(), np.tanh, unary())
register("asin", lambda x: x.asin(), np.arcsin, unary("unit"), covers=("asin", "arcsin"))
register("acos", lambda x: x.acos(), np.arccos, unary("unit"), covers=("acos", "arccos"))
register("atan", lambda x: x.atan(), np.arctan, unary(), covers=("atan", "arctan"))
register("sigmoid", lambda x: x.sigmoid(), np_sigmoid, unary())
register("relu", lambda x: x.relu(), np_relu, unary("grid"))
register("clamp", lambda x, **kw: x.clamp(**kw), np_clamp, sample_clamp, covers=("clamp", "clip"))
register("clamp_min", lambda x, bound: x.clamp_min(bound), lambda x, bound: np.maximum(x, bound), sample_clamp_min)
register("clamp_max", lambda x, bound: x.clamp_max(bound), lambda x, bound: np.minimum(x, bound), sample_clamp_min)
register("maximum", lambda x, y: x.maximum(y), np.maximum, binary("grid", "offgrid"))
register("minimum", lambda x, y: x.minimum(y), np.minimum, binary("grid", "offgrid"))
register("where", lambda x, y, cond: x.where(tg.tensor(cond), y), np_where, sample_where)
register("log10", lambda x: x.log10(), np.log10, unary("positive"))
register("log2", lambda x: x.log2(), np.log2, unary("positive"))
register("log1p", lambda x: x.log1p(), np.log1p, unary("unit"))
register("expm1", lambda x: x.expm1(), np.expm1, unary())
register("exp2", lambda x: x.exp2(), np.exp2, unary())
register("square", lambda x: x.square(), np.square, unary())
register("rsqrt", lambda x: x.rsqrt(), lambda x: 1 / np.sqrt(x), unary("positive"))
register("reciprocal", lambda x: x.reciprocal(), np.reciprocal, unary("nonzero"))

# more math (math_ops.py, math_methods.py)
register("tan", lambda x: x.tan(), np.tan, unary("unit"))
register("sinh", lambda x: x.sinh(), np.sinh, unary())
register("cosh", lambda x: x.cosh(), np.cosh, unary())
register("asinh", lambda x: x.asinh(), np.arcsinh, unary(), covers=("asinh", "arcsinh"))
register("acosh", lambda x: (x + 1.5).acosh(), np_acosh_shifted, unary("positive"), covers=("acosh", "arccosh"))
register("atanh", lambda x: x.atanh(), np.arctanh, unary("unit"), covers=("atanh", "arctanh"))
register("erf", lambda x: x.erf(), np_erf, unary())
register("erfc", lambda x: x.erfc(), np_erfc, unary())
register("erfinv", lambda x: x.erfinv(), np_erfinv, unary("unit"))
register("atan2", lambda y, x: y.atan2(x), np.arctan2, binary("nonzero", "real"), covers=("atan2", "arctan2"))
register("hypot", lambda x, y: x.hypot(y), np.hypot, binary("nonzero", "real"))
register("logit", lambda x: probability(x).logit(), np_logit_of_probability, unary("unit"))
register("logit_eps", lambda x: probability(x).logit(0.01), np_logit_of_probability, unary("unit"), covers=())
register("frac", lambda x: x.frac(), np_frac, unary("offgrid"))
register("deg2rad", lambda x: x.deg2rad(), np.deg2rad, unary())
register("rad2deg", lambda x: x.rad2deg(), np.rad2deg, unary())

# casts
register("clone", lambda x: x.clone(), np.copy, unary())
register("alias", lambda x: tg.Tensor(x), np.copy, unary())  # Tensor(t) of a tensor that requires grad
register("double", lambda x: x.double(), lambda x: x.astype(np.float64), unary(), covers=("double", "astype"))
register("float", lambda x: x.float(), lambda x: x.astype(np.float32), unary(), gradgrad=False,
         tolerances={"eps": 1e-2, "atol": 1e-3, "rtol": 1e-2})
register("to_float64", lambda x: x.to(tg.float64), lambda x: x.astype(np.float64), unary(), covers=("to", "type"))
register("half", lambda x: x.half().double(), lambda x: x.astype(np.float16).astype(np.float64), unary(),
         gradgrad=False, tolerances={"eps": 1e-1, "atol": 1e-1, "rtol": 1e-1})
# identities for a float64 CPU tensor: they must keep the tensor in the graph
register("to_identities", lambda x: x.to("cpu", np.float64).type(np.float64).type_as(x).contiguous().cpu().clone(
    memory_format=None), lambda x: x, unary(), covers=("to", "type", "type_as", "contiguous", "cpu"))
register("to_float32", lambda x: x.to(np.float32).to(x), lambda x: x.astype(np.float32).astype(np.float64), unary(),
         gradgrad=False, tolerances={"eps": 1e-2, "atol": 1e-3, "rtol": 1e-2})

# in-place forms (registry_core.inplace: on a copy of x in the graph)
register("sin_", inplace("sin_"), np.sin, unary())
register("cos_", inplace("cos_"), np.cos, unary())
register("exp_", inplace("exp_"), np.exp, unary())
register("log_", inplace("log_"), np.log, unary("positive"))
register("sqrt_", inplace("sqrt_"), np.sqrt, unary("positive"))
register("abs_", inplace("abs_"), np.abs, unary("grid"))
register("tanh_", inplace("tanh_"), np.tanh, unary())
register("sigmoid_", inplace("sigmoid_"), np_sigmoid, unary())
register("relu_", inplace("relu_"), np_relu, unary("grid"))
register("clamp_", inplace("clamp_"), np_clamp, sample_clamp)
register("tan_", inplace("tan_"), np.tan, unary("unit"))
register("sinh_", inplace("sinh_"), np.sinh, unary())
register("cosh_", inplace("cosh_"), np.cosh, unary())
register("asinh_", inplace("asinh_"), np.arcsinh, unary(), covers=("asinh_", "arcsinh_"))
register("acosh_", lambda x: (x + 1.5).acosh_(), np_acosh_shifted, unary("positive"), covers=("acosh_", "arccosh_"))
register("atanh_", inplace("atanh_"), np.arctanh, unary("unit"), covers=("atanh_", "arctanh_"))
register("asin_", inplace("asin_"), np.arcsin, unary("unit"), covers=("asin_", "arcsin_"))
register("acos_", inplace("acos_"), np.arccos, unary("unit"), covers=("acos_", "arccos_"))
register("atan_", inplace("atan_"), np.arctan, unary(), covers=("atan_", "arctan_"))
register("erf_", inplace("erf_"), np_erf, unary())
register("erfc_", inplace("erfc_"), np_erfc, unary())
register("erfinv_", inplace("erfinv_"), np_erfinv, unary("unit"))
register("frac_", inplace("frac_"), np_frac, unary("offgrid"))
register("deg2rad_", inplace("deg2rad_"), np.deg2rad, unary())
register("rad2deg_", inplace("rad2deg_"), np.rad2deg, unary())
register("logit_", lambda x: probability(x).logit_(), np_logit_of_probability, unary("unit"))
register("atan2_", lambda y, x: full(y, x).atan2_(x), np.arctan2, binary("nonzero", "real"),
         covers=("atan2_", "arctan2_"))
register("hypot_", lambda x, y: full(x, y).hypot_(y), np.hypot, binary("nonzero", "real"))

# torch.special (special.py): the primitives Xlogy, Lgamma, Polygamma, and the composite sinc
register("special.xlogy", lambda x, y: tg.special.xlogy(x, y), lambda x, y: x * np.log(y), binary("real", "positive"),
         covers=())
register("special.gammaln", lambda x: tg.special.gammaln(x), np_gammaln, unary("positive"), covers=())
register("special.digamma", lambda x: tg.special.digamma(x), np_digamma, unary("positive"), covers=())
register("special.polygamma", lambda x: tg.special.polygamma(1, x), np_trigamma, unary("positive"), covers=())
register("special.sinc", lambda x: tg.special.sinc(x), np.sinc, unary("offgrid"), covers=())
