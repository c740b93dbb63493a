"""Registry entries (see op_registry.py) for the layers modern lectures use that were added together: F.rms_norm,
F.prelu, F.softmin and F.threshold. All are composed from existing ops, so these entries are what proves their
derivatives (first and second order) against NumPy formulas written here, not the library's code."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import np_softmax, one_dim, register, unary
from strategies import shapes, values

import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- F.rms_norm


def sample_rms_norm(draw):
    """x of 1 to 3 dims, nonzero (the root mean square is then at least 0.5, far from eps), normalised over its
    last 1 or 2 dims, with a weight of that shape or none, and eps None or 1e-5."""
    shape = draw(shapes(min_dims=1))
    normalized = shape[len(shape) - draw(st.integers(1, min(2, len(shape)))):]
    arrays = [values(draw, shape, "nonzero")]
    if draw(st.booleans()):
        arrays.append(values(draw, normalized, "real"))
    return arrays, {"normalized_shape": normalized, "eps": draw(st.sampled_from([None, 1e-5]))}


def np_rms_norm(x, weight=1.0, normalized_shape=(), eps=None):
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    eps = np.finfo(x.dtype).eps if eps is None else eps
    return x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps) * weight


register("F.rms_norm", lambda x, weight=None, **kw: F.rms_norm(x, weight=weight, **kw), np_rms_norm,
         sample_rms_norm)


# ---------------------------------------------------------------- F.prelu

def sample_prelu(draw):
    """x on the grid (never at the kink 0), of 0 to 3 dims, with one slope or one per channel (dim 1)."""
    shape = draw(shapes())
    channels = shape[1] if len(shape) >= 2 else 1
    count = draw(st.sampled_from([1, channels]))
    return [values(draw, shape, "grid"), values(draw, (count,), "real")], {}


def np_prelu(x, weight):
    if weight.size > 1:
        weight = weight.reshape((weight.size,) + (1,) * (x.ndim - 2))
    else:
        weight = weight.reshape(())
    return np.where(x > 0, x, weight * x)


register("F.prelu", F.prelu, np_prelu, sample_prelu)
register("F.softmin", lambda x, dim: F.softmin(x, dim), lambda x, dim: np_softmax(-x, dim), one_dim())
register("F.threshold", lambda x: F.threshold(x, 0.45, -1.5), lambda x: np.where(x > 0.45, x, -1.5), unary("grid"))
