"""Registry entries (see op_registry.py) for the distances between every pair of rows, cdist and pdist
(nn/distance_functions.py, also tinygrad_edu.cdist and tinygrad_edu.pdist), and Tensor.hardshrink.

Their corners (a zero distance, a zero difference for p <= 1, ties of the largest difference for
p = inf) are kept off the samples: every element of the inputs differs from every other, and the
p = inf entry has one feature, so there is nothing to tie. tests/test_torch_functions.py pins the
corners to PyTorch's slopes.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import register, unary
from strategies import values

import tinygrad_edu as tg


def np_cdist(x1, x2, p, compute_mode=None):
    differences = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == np.inf:
        return differences.max(-1)
    return (differences ** p).sum(-1) ** (1 / p)


def np_pdist(x, p):
    first, second = np.triu_indices(len(x), k=1)
    return (np.abs(x[first] - x[second]) ** p).sum(-1) ** (1 / p)


def sample_cdist(ps, modes=("donot_use_mm_for_euclid_dist",), features=None):
    """x1 (B?, P, M) and x2 (P?, R, M), the batch broadcasting, all elements distinct (0.3 apart)."""
    def sample(draw):
        batch1, batch2 = draw(st.sampled_from([((), ()), ((2,), ()), ((2, 1), (3,)), ((1,), (2,))]))
        rows1, rows2 = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        width = features or draw(st.integers(1, 3))
        shape1, shape2 = batch1 + (rows1, width), batch2 + (rows2, width)
        both = values(draw, (int(np.prod(shape1)) + int(np.prod(shape2)),), "distinct")
        x1, x2 = both[:int(np.prod(shape1))].reshape(shape1), both[int(np.prod(shape1)):].reshape(shape2)
        return [x1, x2], {"p": draw(st.sampled_from(ps)), "compute_mode": draw(st.sampled_from(modes))}
    return sample


def sample_pdist(draw):
    shape = (draw(st.integers(2, 4)), draw(st.integers(1, 3)))
    return [values(draw, shape, "distinct")], {"p": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))}


register("cdist", lambda x1, x2, **kw: tg.cdist(x1, x2, **kw), np_cdist, sample_cdist([0.5, 1.0, 2.0, 3.0]))
register("cdist p=inf", lambda x1, x2, **kw: tg.cdist(x1, x2, **kw), np_cdist, sample_cdist([np.inf], features=1))
register("cdist by matrix product", lambda x1, x2, **kw: tg.cdist(x1, x2, **kw), np_cdist,
         sample_cdist([2.0], ("use_mm_for_euclid_dist", "use_mm_for_euclid_dist_if_necessary")))
register("pdist", lambda x, p: tg.pdist(x, p), np_pdist, sample_pdist)
register("Tensor.hardshrink", lambda x: x.hardshrink(0.45), lambda x: np.where(np.abs(x) > 0.45, x, 0.0),
         unary("grid"), covers=("hardshrink",))
