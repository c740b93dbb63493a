"""Registry entries (see op_registry.py) for composite/order_statistics.py's differentiable ops:
quantile and nanquantile (every interpolation; quantile_q differentiates in q too), kthvalue, mode,
nanmedian, msort, cummax, cummin, logcumsumexp and aminmax. NumPy is the reference (np.quantile for
quantile; the lower median written out, since np.median averages the middle two).

The inputs are `distinct` (no ties, every gap at least 0.3), so a finite difference never swaps
two elements; the ties, where PyTorch's choice of index decides the gradient, are pinned in
test_order_statistics.py. nanquantile's and nanmedian's NaNs come from a mask that does not
depend on x, as registry_tensor_functions.py's do.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import one_dim, register
from strategies import dims, shapes, values

import tinygrad_edu as tg

QS = [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 1.0]


def sample_quantile(draw, with_nans=False):
    shape = draw(shapes(min_dims=0))
    kwargs = {"dim": dims(draw, len(shape), allow_tuple=False), "keepdim": draw(st.booleans()),
              "interpolation": draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"])),
              "q": draw(st.one_of(st.sampled_from(QS), st.lists(st.sampled_from(QS), min_size=1, max_size=3)))}
    if with_nans:
        kwargs["nans"] = nan_mask(draw, shape, kwargs["dim"])
    return [values(draw, shape, "distinct")], kwargs


def nan_mask(draw, shape, dim):
    """True where x becomes NaN; the first element of every reduced slice stays a number."""
    mask = draw(hnp.arrays(bool, shape))
    mask[tuple(0 if dim is None or axis == dim % len(shape) else slice(None) for axis in range(len(shape)))] = False
    return mask


def with_nans(x, nans):
    if isinstance(x, np.ndarray):
        return np.where(nans, np.nan, x)
    return x.where(tg.tensor(~nans), np.nan)


def tg_quantile(x, q, nans=None, **kwargs):
    q = tg.tensor(q, dtype=x.dtype) if isinstance(q, list) else q
    if nans is None:
        return x.quantile(q, **kwargs)
    return with_nans(x, nans).nanquantile(q, **kwargs)


def np_quantile(x, q, dim, keepdim, interpolation, nans=None):
    if nans is None:
        return np.quantile(x, q, axis=dim, keepdims=keepdim, method=interpolation)
    return np.nanquantile(with_nans(x, nans), q, axis=dim, keepdims=keepdim, method=interpolation)


def sample_quantile_q(draw):
    """x (1-D) and q with every rank q * (n - 1) 0.3 to 0.7 past an integer, away from the kinks of
    floor, so q's derivative (n - 1) * (upper - lower) is smooth there."""
    n = draw(st.integers(2, 5))
    ranks = [draw(st.integers(0, n - 2)) + draw(st.floats(0.3, 0.7)) for _ in range(draw(st.integers(1, 3)))]
    return [values(draw, (n,), "distinct"), np.array(ranks) / (n - 1)], {}


def sample_kthvalue(draw):
    (x,), kwargs = one_dim("distinct", keepdim=True)(draw)
    return [x], {"k": draw(st.integers(1, x.shape[kwargs["dim"]])), **kwargs}


def np_kthvalue(x, k, dim, keepdim):
    return np.take(np.sort(x, axis=dim), [k - 1] if keepdim else k - 1, axis=dim)


def sample_nanmedian(draw):
    shape = draw(shapes(min_dims=0))
    dim = dims(draw, len(shape), allow_tuple=False)
    kwargs = {} if dim is None else {"dim": dim, "keepdim": draw(st.booleans())}
    return [values(draw, shape, "distinct")], {"nans": nan_mask(draw, shape, dim), **kwargs}


def tg_nanmedian(x, nans, **kwargs):
    out = with_nans(x, nans).nanmedian(**kwargs)
    return out if not kwargs else out.values


def np_nanmedian(x, nans, dim=None, keepdim=False):
    def lower_median(row):
        kept = np.sort(row[~np.isnan(row)])
        return kept[(kept.size - 1) // 2]
    x = with_nans(x, nans)
    if dim is None:
        return lower_median(x.reshape(-1))
    out = np.apply_along_axis(lower_median, dim, np.atleast_1d(x))
    return np.expand_dims(out, dim) if keepdim and x.ndim else out.reshape(out.shape if x.ndim else ())


def sample_aminmax(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "distinct")], {"dim": dims(draw, len(shape), allow_tuple=False),
                                               "keepdim": draw(st.booleans())}


register("quantile", tg_quantile, np_quantile, sample_quantile)
register("nanquantile", tg_quantile, np_quantile, lambda draw: sample_quantile(draw, with_nans=True))
register("quantile_q", lambda x, q: x.quantile(q), lambda x, q: np.quantile(x, q), sample_quantile_q)
register("kthvalue", lambda x, **kw: x.kthvalue(**kw).values, np_kthvalue, sample_kthvalue)
register("mode", lambda x, **kw: x.mode(**kw).values,  # distinct: every value once, so the smallest
         lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim), one_dim("distinct", keepdim=True))
register("nanmedian", tg_nanmedian, np_nanmedian, sample_nanmedian)
register("msort", lambda x: x.msort(), lambda x: np.sort(x, axis=0), lambda draw: (
    [values(draw, draw(shapes(min_dims=1)), "distinct")], {}))
register("cummax", lambda x, dim: x.cummax(dim).values, lambda x, dim: np.maximum.accumulate(x, axis=dim),
         one_dim("distinct"))
register("cummin", lambda x, dim: x.cummin(dim).values, lambda x, dim: np.minimum.accumulate(x, axis=dim),
         one_dim("distinct"))
register("logcumsumexp", lambda x, dim: x.logcumsumexp(dim), lambda x, dim: np.logaddexp.accumulate(x, axis=dim),
         one_dim())
register("aminmax", lambda x, **kw: tuple(x.aminmax(**kw)), lambda x, dim, keepdim: (
    np.min(x, axis=dim, keepdims=keepdim), np.max(x, axis=dim, keepdims=keepdim)), sample_aminmax)
