"""The common losses as one primitive each: mse_loss, binary_cross_entropy_with_logits and
nll_loss (2-D log-probabilities, every sample counted, no weight).

Why they exist: PyTorch records one node for each (MseLossBackward0,
BinaryCrossEntropyWithLogitsBackward0, NllLossBackward0), the node a learner prints as
`loss.grad_fn` in PyTorch's tutorials (the first autograd one uses the BCE with logits);
as composites they ended in a DivBackward0 or a MulBackward0. One node is also less work:
one NumPy expression forward, a few Tensor ops backward (so it can be differentiated again).
The uncommon options (weights, pos_weight, ignored samples) stay composite in loss_functions.py.

`reduction` is 'mean', 'sum' or 'none'; `scale` is what each element's loss is multiplied by.
"""

from __future__ import annotations

import numpy as np

from ..movement_ops import AddAt
from ..ops import Primitive

__all__ = ["MseLossFunction", "BinaryCrossEntropyWithLogitsFunction", "NllLossFunction"]


def reduced(losses: np.ndarray, reduction: str) -> np.ndarray:
    """The elementwise losses reduced: their mean, their sum, or themselves ('none')."""
    if reduction == "mean":
        return np.asarray(losses.mean(), dtype=losses.dtype)
    if reduction == "sum":
        return np.asarray(losses.sum(), dtype=losses.dtype)
    return losses


def scale_of(size: int, reduction: str) -> float:
    return 1.0 / size if reduction == "mean" else 1.0


class MseLossFunction(Primitive):
    """loss = sum of (x - y)**2 * scale   (scale = 1/N for the mean).

    dloss/dx = 2 (x - y) * scale,   dloss/dy = -dloss/dx."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        ctx.save_for_backward(x, y)
        diff = x - y
        ctx.scale = scale_of(diff.size, reduction)
        return reduced(diff * diff, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = (x - y) * (g * (2 * ctx.scale))
        return (gx if need_x else None), (-gx if need_y else None)


class BinaryCrossEntropyWithLogitsFunction(Primitive):
    """loss = sum of ((1 - t) x + softplus(-x)) * scale, the BCE of sigmoid(x) and t, with
    softplus(-x) = m + log(exp(-m) + exp(-x - m)), m = max(-x, 0): both exps see arguments <= 0.

    dloss/dx = (sigmoid(x) - t) * scale,   dloss/dt = -x * scale."""

    @staticmethod
    def forward(ctx, x, t, reduction="mean"):
        ctx.save_for_backward(x, t)
        m = np.maximum(-x, 0)
        losses = (1 - t) * x + (m + np.log(np.exp(-m) + np.exp(-x - m)))
        ctx.scale = scale_of(losses.size, reduction)
        return reduced(losses, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        need_x, need_t = ctx.needs_input_grad
        g = g * ctx.scale
        return ((x.sigmoid() - t) * g if need_x else None), (-x * g if need_t else None)


class NllLossFunction(Primitive):
    """loss = -sum over n of x[n, y_n] * scale, for log-probabilities x (N, C) and classes y (N,).

    dloss/dx = -scale at (n, y_n), 0 elsewhere: g * -scale added at those places (AddAt)."""

    @staticmethod
    def forward(ctx, x, target, reduction="mean"):
        ctx.shape, ctx.key = x.shape, (np.arange(len(target)), target)
        ctx.scale = scale_of(len(target), reduction)
        return np.asarray(-x[ctx.key].sum() * ctx.scale, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        picked = (g * -ctx.scale).expand(len(ctx.key[1]))
        return AddAt.apply(picked, shape=ctx.shape, key=ctx.key)
