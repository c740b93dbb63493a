"""Norms and distances between vectors (re-exported by nn.functional): normalize,
cosine_similarity and pairwise_distance, with PyTorch's formulas and eps rules.

A module of its own because the losses use them too (triplet_margin_loss measures with
pairwise_distance), and loss_functions.py may import from here but not from functional.py,
which imports the losses. All are composites of Tensor ops (Tensor.norm among them).
"""

from __future__ import annotations

import numpy as np

from ..composite.elementwise import check_broadcast
from ..dims import axis_of
from ..tensor import Tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """x / max(||x||_p, eps) along dim: each vector scaled to norm 1 (a zero vector stays zero).
    Below eps the norm is replaced by eps, whose slope is 0, so the gradient at a zero vector is
    1/eps, as PyTorch's. `out`, when given, receives the result."""
    result = input / input.norm(p, dim, keepdim=True).clamp_min(eps)
    return result if out is None else out.copy_(result)


def norm_at_least(norm: Tensor, eps: float) -> Tensor:
    """max(norm, eps) in value, with the slope of the norm itself: PyTorch's cosine_similarity
    clamps its norms in place under no_grad, so the graph still differentiates the unclamped norm.
    The constant (max(norm, eps) - norm) is added, which is 0 wherever norm >= eps."""
    detached = norm.detach()
    return norm + (detached.clamp_min(eps) - detached)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim, after broadcasting.

    PyTorch's current rule (since 2.0): each vector is divided by its own norm, clamped to eps on
    its own; before, the product of the norms was clamped to eps**2 (it differs when one vector is
    tiny). Dividing first keeps the result in [-1, 1]."""
    check_broadcast("cosine_similarity", x1, x2)
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    dim = axis_of(shape, dim, "cosine_similarity")
    x1, x2 = x1.expand(*shape), x2.expand(*shape)
    unit1 = x1 / norm_at_least(x1.norm(2, dim, keepdim=True), eps)
    unit2 = x2 / norm_at_least(x2.norm(2, dim, keepdim=True), eps)
    return (unit1 * unit2).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim, PyTorch's formula: eps is added to each difference
    (not to the norm), so identical vectors are sqrt(n) * eps apart and the slope there is finite."""
    check_broadcast("pairwise_distance", x1, x2)
    last = max(x1.ndim, x2.ndim) - 1
    return (x1 - x2 + eps).norm(p, last, keepdim)
