"""Hypothesis strategies shared by the tests: shapes, arrays in an op's domain, dims.

Values are drawn so that finite differences are meaningful: away from the
kinks of relu/abs/clamp/max (the `grid` domains), positive where log/sqrt
need it, away from zero where division needs it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_SIDE = 3


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = MAX_SIDE):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3):
    """Shapes that broadcast together (e.g. (2, 3) and (3,), or (2, 1) and (1, 4))."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims,
                                             min_side=1, max_side=MAX_SIDE).map(lambda r: r.input_shapes)


def values(draw, shape: tuple, domain: str, offset_index: int = 0) -> np.ndarray:
    """A float64 array of `shape` in `domain`.

    real      uniform in [-2, 2]
    positive  uniform in [0.5, 2]
    nonzero   +-[0.5, 2]
    grid      multiples of 0.1 in [-2, 2], never 0: at least 0.1 from every kink at 0 or at x.x5
    offgrid   the grid shifted by 0.05, so it never equals a grid value (for maximum/minimum)
    distinct  all elements different, at least 0.3 apart (for max/min with no ties)
    unit      uniform in [-0.9, 0.9]
    """
    size = int(np.prod(shape))
    if domain == "distinct":
        order = draw(st.permutations(range(size)))
        return ((np.array(order, dtype=np.float64) - size / 2) * 0.3).reshape(shape)
    if domain in ("grid", "offgrid"):
        ks = draw(st.lists(st.integers(1, 20), min_size=size, max_size=size))
        signs = draw(st.lists(st.sampled_from([-1, 1]), min_size=size, max_size=size))
        grid = np.array(ks, dtype=np.float64) * 0.1 * np.array(signs)
        return (grid + (0.05 if domain == "offgrid" else 0.0)).reshape(shape)
    low, high = {"real": (-2, 2), "positive": (0.5, 2), "nonzero": (0.5, 2), "unit": (-0.9, 0.9)}[domain]
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    array = draw(hnp.arrays(np.float64, shape, elements=elements))
    if domain == "nonzero":
        signs = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
        array = array * signs
    return array


def dims(draw, ndim: int, allow_none: bool = True, allow_tuple: bool = True):
    """A reduction's `dim`: None, an int (negative allowed) or a tuple of ints."""
    options = []
    if allow_none:
        options.append(st.none())
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if allow_tuple:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple))
    return draw(st.one_of(*options))


# ---------------------------------------------------------------- dtypes and bad dims

DTYPE_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def promotion_inputs():
    """One input of a mixed-dtype op: ("tensor", dtype name) with dims, ("zero", dtype name)
    0-d, or ("number", a Python bool, int or float)."""
    names = st.sampled_from(DTYPE_NAMES)
    return st.one_of(st.tuples(st.just("tensor"), names), st.tuples(st.just("zero"), names),
                     st.tuples(st.just("number"), st.sampled_from([True, 3, -2, 0.5, 1e3])))


def any_dims():
    """A `dim` argument, valid or not: None, an int, or a tuple (possibly out of range, repeated or empty)."""
    return st.one_of(st.none(), st.integers(-4, 4), st.lists(st.integers(-4, 4), max_size=3).map(tuple))
