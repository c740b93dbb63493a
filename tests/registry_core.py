"""The registry's machinery, shared by its family modules: OpSpec, the REGISTRY list and `register`,
the samplers several families use (unary, binary, reduction, one_dim), the wrappers that turn an op
into its in-place form on a copy in the graph, and the NumPy references more than one family needs.

It is a module of its own so that the family modules (registry_arithmetic.py, registry_math.py, ...)
can import it while op_registry.py, the entry point the tests import, imports them: imports run one
way, op_registry -> families -> registry_core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st
from strategies import broadcastable_shapes, dims, shapes, values


@dataclass
class OpSpec:
    name: str
    fn: Callable            # (*tensors, **kwargs) -> Tensor or tuple of Tensors
    ref: Callable           # (*arrays, **kwargs) -> array or tuple of arrays
    sample: Callable        # draw -> (list of float64 arrays, kwargs)
    covers: tuple = ()
    gradgrad: bool = True
    tolerances: dict = field(default_factory=dict)

    def __post_init__(self):
        self.covers = self.covers or (self.name,)


REGISTRY: list[OpSpec] = []


def register(name, fn, ref, sample, **options) -> None:
    if any(spec.name == name for spec in REGISTRY):  # the tests are keyed by name: a second one would hide the first
        raise ValueError(f"op registry: {name!r} is registered twice")
    REGISTRY.append(OpSpec(name, fn, ref, sample, **options))


# ---------------------------------------------------------------- samplers

def unary(domain="real", min_dims=0):
    def sample(draw):
        return [values(draw, draw(shapes(min_dims=min_dims)), domain)], {}
    return sample


def binary(domain_x="real", domain_y="real"):
    def sample(draw):
        shape_x, shape_y = draw(broadcastable_shapes(2))
        return [values(draw, shape_x, domain_x), values(draw, shape_y, domain_y)], {}
    return sample


def reduction(domain="real", min_side=1, keepdim=True, allow_none=True, allow_tuple=True, min_dims=0):
    def sample(draw):
        shape = draw(shapes(min_dims=max(min_dims, 0 if allow_none else 1), min_side=min_side))
        kwargs = {"dim": dims(draw, len(shape), allow_none, allow_tuple)}
        if keepdim:
            kwargs["keepdim"] = draw(st.booleans())
        return [values(draw, shape, domain)], kwargs
    return sample


def one_dim(domain="real", min_dims=1, keepdim=False):
    """An array and one dim (an int, negative allowed) and optionally keepdim."""
    def sample(draw):
        shape = draw(shapes(min_dims=min_dims))
        kwargs = {"dim": draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0}
        if keepdim:
            kwargs["keepdim"] = draw(st.booleans())
        return [values(draw, shape, domain)], kwargs
    return sample


# ---------------------------------------------------------------- in-place forms, on a copy in the graph
# x.f_() is recorded as f on x's old value (Tensor._apply_), so each in-place form is gradchecked like f.

def inplace(method, *args, **kwargs):
    return lambda x, **kw: getattr(x * 1.0, method)(*args, **{**kwargs, **kw})


def full(x, *others):
    """A copy of x in the graph, expanded to the shape x broadcasts to with `others` (what an
    in-place op needs: it cannot change x's shape)."""
    return (x * 1.0).expand(np.broadcast_shapes(x.shape, *(o.shape for o in others))).clone()


# ---------------------------------------------------------------- NumPy references used by several families

def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def np_erf(x):
    return np.vectorize(math.erf)(x)
