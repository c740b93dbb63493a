"""Registry entries (see op_registry.py) for reductions and scans: sum, mean, max/min, var/std,
logsumexp, softmax, prod, norm and dist, sort/topk/median, cumsum/cumprod and trace."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import np_softmax, one_dim, reduction, register
from strategies import broadcastable_shapes, dims, shapes, values

# ---------------------------------------------------------------- samplers and references

def np_var(x, dim=None, keepdim=False, correction=1):
    axis = dim if not isinstance(dim, list) else tuple(dim)
    return np.var(x, axis=axis, keepdims=keepdim, ddof=correction)


def np_logsumexp(x, dim, keepdim=False):
    m = np.max(x, axis=dim, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def values_of(result):
    """x.max(dim) is (values, indices); x.max() and x.max((0, 1)) are the values alone."""
    return result.values if isinstance(result, tuple) else result


def np_along(reduce):
    """NumPy's reduction `reduce` called with the registry's argument names (dim, keepdim)."""
    return lambda x, dim, keepdim: reduce(x, axis=dim, keepdims=keepdim)


def with_a_zero(draw, x):
    """x, or (half the time) x with one element set to 0: the gradient of a product must then still
    be the product of the others."""
    if x.size and draw(st.booleans()):
        x.reshape(-1)[draw(st.integers(0, x.size - 1))] = 0.0
    return x


def sample_prod(draw):
    shape = draw(shapes(max_side=4))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    x = with_a_zero(draw, values(draw, shape, "real"))
    return [x], {"dim": dim, "keepdim": draw(st.booleans())}


def sample_prod_dim(draw):
    shape = draw(shapes(max_side=4))
    x = with_a_zero(draw, values(draw, shape, "real"))
    return [x], {"dim": draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0}


def np_prod(x, dim, keepdim):
    out = np.prod(x, axis=dim, keepdims=keepdim)
    return out.reshape((1,) * x.ndim) if keepdim and dim is None else out


def sample_norm(draw):
    shape = draw(shapes())
    p = draw(st.sampled_from(["fro", 1, 2, 3, 0.5, float("inf"), float("-inf")]))
    dim = dims(draw, len(shape))
    domain = "grid" if p in (1, 2, "fro", 3, 0.5) else "distinct"
    x = values(draw, shape, domain)
    if domain == "distinct":  # |x| all different: no ties for the max or min
        x = x + 0.3 * (x.size + 1)
    return [x], {"p": p, "dim": dim, "keepdim": draw(st.booleans())}


def np_norm(x, p, dim, keepdim):
    a = np.abs(x)
    axis = dim
    if p == float("inf"):
        return np.max(a, axis=axis, keepdims=keepdim)
    if p == float("-inf"):
        return np.min(a, axis=axis, keepdims=keepdim)
    p = 2 if p == "fro" else p
    return np.sum(a ** p, axis=axis, keepdims=keepdim) ** (1 / p)


def sample_sort(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "distinct")], {"dim": draw(st.integers(-len(shape), len(shape) - 1)),
                                               "descending": draw(st.booleans())}


def np_sort(x, dim, descending):
    out = np.sort(x, axis=dim)
    return np.flip(out, dim) if descending else out


def sample_topk(draw):
    arrays, kwargs = sample_sort(draw)
    k = draw(st.integers(0, arrays[0].shape[kwargs["dim"]]))
    return arrays, {"k": k, "dim": kwargs["dim"], "largest": kwargs["descending"]}


def np_topk(x, k, dim, largest):
    return np.take(np_sort(x, dim, largest), np.arange(k), axis=dim)


def np_median(x, dim, keepdim):
    ordered = np.sort(x, axis=dim)
    return np.take(ordered, [(x.shape[dim] - 1) // 2], axis=dim) if keepdim else \
        np.take(ordered, (x.shape[dim] - 1) // 2, axis=dim)


def sample_dist(draw):
    shape_x, shape_y = draw(broadcastable_shapes(2))
    # grid against offgrid: x - y is never within 0.05 of 0, where the norm has its kink
    return [values(draw, shape_x, "grid"), values(draw, shape_y, "offgrid")], {"p": draw(st.sampled_from([2, 3, 1.5]))}


# ---------------------------------------------------------------- the entries

register("sum", lambda x, **kw: x.sum(**kw), np_along(np.sum), reduction())
register("mean", lambda x, **kw: x.mean(**kw), np_along(np.mean), reduction())
register("max", lambda x, **kw: values_of(x.max(**kw)), np_along(np.max), reduction("distinct"))
register("min", lambda x, **kw: values_of(x.min(**kw)), np_along(np.min), reduction("distinct"))
register("amax", lambda x, **kw: x.amax(**kw), np_along(np.max), reduction("distinct"))
register("amin", lambda x, **kw: x.amin(**kw), np_along(np.min), reduction("distinct"))
register("var", lambda x, **kw: x.var(**kw), np_var, reduction(min_side=2, min_dims=1))
register("std", lambda x, **kw: x.std(**kw), lambda x, **kw: np.sqrt(np_var(x, **kw)),
         reduction("distinct", min_side=2, min_dims=1))  # sqrt has no derivative at a constant input
register("logsumexp", lambda x, **kw: x.logsumexp(**kw), np_logsumexp, reduction(allow_none=False))
register("softmax", lambda x, dim: x.softmax(dim), np_softmax, one_dim())
register("log_softmax", lambda x, dim: x.log_softmax(dim), lambda x, dim: np.log(np_softmax(x, dim)), one_dim())
register("prod", lambda x, **kw: x.prod(**kw), np_prod, sample_prod)
register("norm", lambda x, **kw: x.norm(**kw), np_norm, sample_norm)
register("dist", lambda x, y, p: x.dist(y, p), lambda x, y, p: np.sum(np.abs(x - y) ** p) ** (1 / p), sample_dist)
register("sort", lambda x, **kw: x.sort(**kw).values, np_sort, sample_sort)
register("topk", lambda x, **kw: x.topk(**kw).values, np_topk, sample_topk)
register("median", lambda x, **kw: x.median(**kw).values, np_median, one_dim("distinct", keepdim=True))
register("cumsum", lambda x, dim: x.cumsum(dim), lambda x, dim: np.cumsum(x, axis=dim) if x.ndim else x.copy(),
         one_dim(min_dims=0))
register("cumprod", lambda x, dim: x.cumprod(dim), lambda x, dim: np.cumprod(x, axis=dim) if x.ndim else x.copy(),
         sample_prod_dim)
register("trace", lambda x: x.trace(), np.trace, lambda draw: ([values(draw, draw(shapes(2, 2)), "real")], {}))
