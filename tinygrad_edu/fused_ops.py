"""Mean and softmax as one primitive each, where they were a few nodes (sum and divide; exp,
sum and divide).

Why they exist: PyTorch records one node for each (MeanBackward0 or 1, SoftmaxBackward0), the
nodes a learner sees in `print(loss.grad_fn)` and in a drawing of the graph. One node is also
less work than three: one call into NumPy forward, and a short backward. Written as ops.py's
primitives are: forward in NumPy, backward in Tensor ops (so it can be differentiated again).
"""

from __future__ import annotations

import math

import numpy as np

from .layout import row_major
from .ops import Primitive, kept_shape

__all__ = ["Mean", "SoftmaxFunction"]


class Mean(Primitive):
    """z = (sum of x over `axes`) / N, N the number of elements summed.   dz/dx = 1/N each.

    Named as PyTorch's: MeanBackward0 for the mean of all elements, MeanBackward1 over dims."""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False):
        ctx.shape, ctx.axes = x.shape, axes
        return row_major(np.asarray(x.mean(axis=axes, keepdims=keepdim), dtype=x.dtype))

    @staticmethod
    def backward(ctx, g):
        kept = kept_shape(ctx.shape, ctx.axes)
        count = math.prod(ctx.shape) // max(math.prod(kept), 1)
        return g.reshape(kept).expand(ctx.shape) / count

    def name(self) -> str:
        return "MeanBackward0" if self.axes is None else "MeanBackward1"


class SoftmaxFunction(Primitive):
    """z = exp(x - m) / sum(exp(x - m)) along `dim`, m = max(x) along dim (so exp cannot overflow).

    dL/dx = z * (g - sum(g * z)),  the sum along `dim`."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim, x = dim, row_major(x)  # a transposed x gives a contiguous result, as in PyTorch
        e = np.exp(x - x.max(axis=dim, keepdims=True))
        z = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return z * (g - (g * z).sum(ctx.dim, keepdim=True))
