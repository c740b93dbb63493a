"""Norms and distances between vectors (re-exported by nn.functional): normalize,
cosine_similarity and pairwise_distance, with PyTorch's formulas and eps rules, and the distances
between every pair of rows, cdist (two sets) and pdist (one set with itself).

A module of its own because the losses use them too (triplet_margin_loss measures with
pairwise_distance), and loss_functions.py may import from here but not from functional.py,
which imports the losses. All are composites of Tensor ops (Tensor.norm among them).
"""

from __future__ import annotations

import numpy as np

from ..composite.elementwise import check_broadcast
from ..dims import axis_of
from ..tensor import Tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "cdist", "pdist"]

CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


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


def p_distance(diff: Tensor, p: float) -> Tensor:
    """(sum |d|^p)^(1/p) over the last dim, with the slopes of PyTorch's cdist and pdist:
    sign(d) |d|^(p-1) / dist^(p-1), and 0 where the distance is 0 or where d = 0 (for p < 1 that
    slope would be infinite). p = 0 counts the differing entries (slope 0); p = inf is max |d|, whose
    slope is sign(d) at every entry that reaches the max (ties are not shared, unlike amax's)."""
    size = diff.abs()
    if p == 0:
        return (size.detach() > 0).astype(diff.dtype).sum(-1) + (size * 0.0).sum(-1)
    if p == float("inf"):
        largest = size.amax(-1, keepdim=True).detach()
        at_largest = (size * (size.detach() == largest)).sum(-1)
        return at_largest - at_largest.detach() + largest.squeeze(-1)  # amax's value, every tie's slope
    nonzero = size.detach() > 0
    powered = (size.where(nonzero, 1.0) ** p).where(nonzero, 0.0)
    summed = powered.sum(-1)
    positive = summed.detach() > 0
    return (summed.where(positive, 1.0) ** (1.0 / p)).where(positive, 0.0)


def check_distance_input(x: Tensor, p: float, op: str, name: str = "X1") -> None:
    if not np.issubdtype(x.dtype, np.floating):
        suffix = f", {name} got: {x.dtype.legacy_name}" if op == "cdist" else ""
        raise RuntimeError(f"{op} only supports floating-point dtypes{suffix}")
    if p < 0:
        raise RuntimeError(f"{op} only supports non-negative p values")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M):
    shape (..., P, R), the leading dims broadcast. For p = 2 PyTorch may take the matrix-product
    route, sqrt(max(|a|^2 - 2 a.b + |b|^2, 1e-30)): always with 'use_mm_for_euclid_dist', with the
    default mode when P or R is above 25; 'donot_use_mm_for_euclid_dist' never. It is fast but
    rounds differently (1e-7 of the distance in float32), and so does this one."""
    if compute_mode not in CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
        check_distance_input(x, p, "cdist", name)
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, got {x1.dtype} and {x2.dtype}; "
                           "convert one with .to(...)")
    batch = np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    x1 = x1.expand(*batch, *x1.shape[-2:])
    x2 = x2.expand(*batch, *x2.shape[-2:])
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    by_product = compute_mode == "use_mm_for_euclid_dist" or (compute_mode == CDIST_MODES[0]
                                                               and (rows1 > 25 or rows2 > 25))
    if p == 2 and by_product:
        squares1 = (x1 * x1).sum(-1, keepdim=True)
        squares2 = (x2 * x2).sum(-1, keepdim=True)
        squared = squares1 - 2.0 * (x1 @ x2.transpose(-1, -2)) + squares2.transpose(-1, -2)
        return squared.clamp_min(1e-30).sqrt()
    return p_distance(x1.unsqueeze(-2) - x2.unsqueeze(-3), p)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:  # noqa: A002
    """The p-norm distance between each pair of rows i < j of an (N, M) input, in the order of
    the upper triangle of cdist(input, input) read row by row: N(N-1)/2 distances."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    check_distance_input(input, p, "pdist")
    first, second = np.triu_indices(input.shape[0], k=1)
    return p_distance(input[first] - input[second], p)
