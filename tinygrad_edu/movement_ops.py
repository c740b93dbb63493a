"""The movement primitives: they move, select or place elements and compute nothing new.

reshape, permute, expand and alias (views of the input's memory), indexing (GetItem) and its adjoint
(AddAt), a recorded write into a copy (IndexPut, what x[key] = value and copy_ record), cat and
pad. Written in the same protocol as ops.py, whose Primitive they are. Their derivative is the
same movement backwards: the gradient goes back to where each element came from (reshaped
back, permuted back, cut out of the padding, added at the indices it was read from).

Kept apart from ops.py because they are a family of their own: no calculus in them, only
bookkeeping of positions; and the in-place machinery asks about them (which ops make views,
and GetItem's key, to write a changed slice back into its base).
"""

from __future__ import annotations

import math

import numpy as np

from .ops import Primitive


class Reshape(Primitive):
    """z = x with a new shape, same elements in the same order.   dz/dx: reshape back."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, shape):
        if -1 not in shape and math.prod(shape) != x.size:
            raise RuntimeError(
                f"reshape: cannot reshape {x.shape} ({x.size} elements) into {shape} "
                f"({math.prod(shape)} elements). The number of elements must stay the "
                "same; use -1 for one dimension to have it worked out.")
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Alias(Primitive):
    """z = x itself, another tensor on the same memory (PyTorch's `Tensor(t)` of a tensor that
    requires grad).   dz/dx = 1."""
    makes_view = True

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, g):
        return g


class Permute(Primitive):
    """z = x with its axes reordered (transpose, .T).   dz/dx: the inverse reordering."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, g):
        return g.permute(*np.argsort(ctx.axes))


class Expand(Primitive):
    """z = x broadcast to a larger shape (a view, no copy).
    dz/dx: sum over the copies, which the engine's unbroadcast does."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise RuntimeError(
                f"expand: cannot expand shape {x.shape} to {shape}: each dimension must be equal or 1 "
                "in the input (new dimensions go in front). Hint: unsqueeze the input first.") from None

    @staticmethod
    def backward(ctx, g):
        return g


class GetItem(Primitive):
    """z = x[key] (ints, slices, None, ..., integer arrays, boolean masks).
    dz/dx: a zero tensor of x's shape with g added at `key` (AddAt);
    repeated indices get the sum of their gradients."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, g):
        return AddAt.apply(g, shape=ctx.shape, key=ctx.key)


class AddAt(Primitive):
    """z = zeros(shape) with x added at `key` (NumPy's np.add.at): the adjoint of
    indexing, so GetItem's backward. dz/dx = z[key], i.e. GetItem again."""

    @staticmethod
    def forward(ctx, x, shape, key):
        ctx.key = key
        out = np.zeros(shape, dtype=x.dtype)
        np.add.at(out, key, x)
        return out

    @staticmethod
    def backward(ctx, g):
        return GetItem.apply(g, key=ctx.key)


class IndexPut(Primitive):
    """z = x with the elements at `key` replaced by `value` (x[key] = value, recorded).
    dz/dx = 1 except at key, where it is 0;  dz/dvalue = 1 at key: g[key]
    (summed back to value's shape by the engine where value was broadcast)."""

    @staticmethod
    def forward(ctx, x, value, key):
        ctx.key = key
        out = x.copy()
        out[key] = value
        return out

    @staticmethod
    def backward(ctx, g):
        need_x, need_value = ctx.needs_input_grad
        gx = IndexPut.apply(g, 0.0, key=ctx.key) if need_x else None
        return gx, (GetItem.apply(g, key=ctx.key) if need_value else None)


class Cat(Primitive):
    """z = the inputs joined along `dim`.   dz/dx_i: the slice of g that came from x_i."""

    @staticmethod
    def forward(ctx, *xs, dim=0):
        ctx.dim, ctx.sizes = dim, [x.shape[dim] for x in xs]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads, start = [], 0
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad):
            key = (slice(None),) * ctx.dim + (slice(start, start + size),)
            grads.append(g[key] if needed else None)
            start += size
        return tuple(grads)


class Pad(Primitive):
    """z = x with `widths[i] = (before, after)` constant values added around axis i.
    dz/dx: g with the padding cut off again."""

    @staticmethod
    def forward(ctx, x, widths, value=0.0):
        ctx.widths = widths
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return g[tuple(slice(before, g.shape[i] - after) for i, (before, after) in enumerate(ctx.widths))]
