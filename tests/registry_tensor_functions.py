"""Registry entries (see op_registry.py) for tensor_functions.py and composite/statistics.py: the
stacking functions (hstack, vstack, dstack, atleast_nd), broadcasting, std_mean/var_mean, the NaN
skippers, nan_to_num, logaddexp, tensordot, kron, cov and corrcoef. NumPy has each under the same
name, so NumPy is the reference.

The NaN and infinity entries put their NaNs and infinities in with `where` from a mask that does
not depend on x, so the finite differences see only finite inputs while the op still sees NaNs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import binary, inplace, reduction, register, unary
from strategies import shapes, values

import tinygrad_edu as tg

SPECIALS = {0: 0.0, 1: np.nan, 2: np.inf, 3: -np.inf}  # a mask's codes: 0 keeps x


# ---------------------------------------------------------------- samplers and references

def sample_same_shapes(min_dims=0):
    def sample(draw):
        shape = draw(shapes(min_dims=min_dims))
        return [values(draw, shape, "real") for _ in range(draw(st.integers(1, 3)))], {}
    return sample


def sample_broadcast_to(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=2))
    target = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    return [values(draw, shape, "real")], {"shape": (2,) * draw(st.integers(0, 1)) + target}


def sample_with_specials(codes):
    """x and a mask of codes (0: keep x; 1: nan; 2: +inf; 3: -inf), plus a reduction's dim and keepdim.
    The first element of each reduced slice is kept, so no slice is all NaN (where nanmean is NaN)."""
    def sample(draw):
        (x,), kwargs = reduction()(draw)
        mask = draw(hnp.arrays(np.int64, x.shape, elements=st.sampled_from(codes)))
        dim = kwargs["dim"]
        reduced = range(x.ndim) if dim is None else [d % x.ndim for d in np.atleast_1d(dim)]
        mask[tuple(0 if axis in reduced else slice(None) for axis in range(x.ndim))] = 0
        return [x], {"mask": mask, **kwargs}
    return sample


def with_specials(x, mask):
    """x with the mask's NaNs and infinities put in (a Tensor for a Tensor, an array for an array)."""
    special = np.vectorize(SPECIALS.get, otypes=[np.float64])(mask)
    if isinstance(x, np.ndarray):
        return np.where(mask == 0, x, special)
    return x.where(tg.tensor(mask == 0), tg.tensor(special))


def np_reduce(fn, x, dim, keepdim):
    return fn(x, axis=dim, keepdims=keepdim)


def sample_tensordot(draw):
    shape_a = draw(shapes(min_dims=0))
    paired = draw(st.integers(0, len(shape_a)))
    if draw(st.booleans()):  # dims=n: a's last n with b's first n
        shape_b = shape_a[len(shape_a) - paired:] + draw(shapes(max_dims=2))
        return [values(draw, shape_a, "real"), values(draw, shape_b, "real")], {"dims": paired}
    dims_a = draw(st.permutations(range(len(shape_a))))[:paired]
    free_b = draw(shapes(max_dims=2))
    where_paired = draw(st.permutations(range(paired + len(free_b))))[:paired]
    shape_b, free = [None] * (paired + len(free_b)), iter(free_b)
    for i, d in zip(where_paired, dims_a):
        shape_b[i] = shape_a[d]
    shape_b = tuple(n if n is not None else next(free) for n in shape_b)
    dims = (list(dims_a), list(where_paired))
    return [values(draw, shape_a, "real"), values(draw, shape_b, "real")], {"dims": dims}


def sample_kron(draw):
    return [values(draw, draw(shapes(max_dims=2)), "real"), values(draw, draw(shapes(max_dims=3)), "real")], {}


def sample_cov(draw):
    variables, observations = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    shape = draw(st.sampled_from([(observations,), (variables, observations)]))
    kwargs = {"correction": draw(st.sampled_from([0, 1]))}
    if draw(st.booleans()):
        kwargs["fweights"] = np.array(draw(st.lists(st.integers(1, 3), min_size=observations,
                                                     max_size=observations)))
    if draw(st.booleans()):
        kwargs["aweights"] = values(draw, (observations,), "positive")
    return [values(draw, shape, "real")], kwargs


def tg_cov(x, **kwargs):
    return x.cov(**{k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})


def np_cov(x, correction, fweights=None, aweights=None):
    return np.cov(x, ddof=correction, fweights=fweights, aweights=aweights)


def sample_corrcoef(draw):
    # distinct values in each row: no variable is constant, where the coefficient is 0 / 0
    shape = (draw(st.integers(1, 3)), draw(st.integers(2, 4)))
    return [values(draw, shape, "distinct") * draw(st.sampled_from([1.0, -0.5]))], {}


# ---------------------------------------------------------------- the entries

register("hstack", lambda *xs: tg.hstack(xs), lambda *xs: np.hstack(xs), sample_same_shapes())
register("vstack", lambda *xs: tg.vstack(xs), lambda *xs: np.vstack(xs), sample_same_shapes())
register("dstack", lambda *xs: tg.dstack(xs), lambda *xs: np.dstack(xs), sample_same_shapes())
register("atleast_1d", tg.atleast_1d, np.atleast_1d, unary())
register("atleast_2d", tg.atleast_2d, np.atleast_2d, unary())
register("atleast_3d", tg.atleast_3d, np.atleast_3d, unary())
register("broadcast_to", lambda x, shape: x.broadcast_to(shape), np.broadcast_to, sample_broadcast_to)
register("broadcast_tensors", tg.broadcast_tensors, lambda x, y: tuple(np.broadcast_arrays(x, y)), binary())
register("var_mean", tg.var_mean, lambda x, dim=None, keepdim=False: (
    np.var(x, axis=dim, ddof=1, keepdims=keepdim), np.mean(x, axis=dim, keepdims=keepdim)),
    reduction(min_side=2, min_dims=1))
register("std_mean", tg.std_mean, lambda x, dim=None, keepdim=False: (
    np.std(x, axis=dim, ddof=1, keepdims=keepdim), np.mean(x, axis=dim, keepdims=keepdim)),
    reduction("distinct", min_side=2, min_dims=1))  # sqrt has no derivative at a constant input
register("nansum", lambda x, mask, **kw: with_specials(x, mask).nansum(**kw),
         lambda x, mask, **kw: np_reduce(np.nansum, with_specials(x, mask), **kw), sample_with_specials([0, 1]))
register("nanmean", lambda x, mask, **kw: with_specials(x, mask).nanmean(**kw),
         lambda x, mask, **kw: np_reduce(np.nanmean, with_specials(x, mask), **kw), sample_with_specials([0, 1]))
register("nan_to_num", lambda x, mask, **kw: with_specials(x, mask).nan_to_num(nan=0.5, neginf=-7.0),
         lambda x, mask, **kw: np.nan_to_num(with_specials(x, mask), nan=0.5, neginf=-7.0),
         sample_with_specials([0, 1, 2, 3]))
register("nan_to_num_", lambda x, mask, **kw: inplace("nan_to_num_")(with_specials(x, mask)),
         lambda x, mask, **kw: np.nan_to_num(with_specials(x, mask)), sample_with_specials([0, 1, 2, 3]))
register("logaddexp", lambda x, y: x.logaddexp(y), np.logaddexp, binary())
register("tensordot", tg.tensordot, lambda a, b, dims: np.tensordot(a, b, dims), sample_tensordot)
register("kron", lambda x, y: x.kron(y), np.kron, sample_kron)
register("cov", tg_cov, np_cov, sample_cov)
register("corrcoef", lambda x: x.corrcoef(), np.corrcoef, sample_corrcoef)
