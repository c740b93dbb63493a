"""The movement primitives: they move, select or place elements and compute nothing new.

reshape, permute, expand, alias and unfold's sliding windows (views of the input's memory), indexing
(GetItem) and its adjoint (AddAt), a recorded write into a copy (IndexPut, what x[key] = value and
copy_ record), cat and pad. Written in the same protocol as ops.py, whose Primitive they are. Their
derivative is the same movement backwards: the gradient goes back to where each element came from
(reshaped back, permuted back, cut out of the padding, added at the indices it was read from).

Kept apart from ops.py because they are a family of their own: no calculus in them, only
bookkeeping of positions; and the in-place machinery asks about them (which ops make views,
and GetItem's key, to write a changed slice back into its base).
"""

from __future__ import annotations

import math

import numpy as np

from .layout import VIEW_ERROR, row_major, strides_of
from .ops import Primitive


def check_shape(op: str, shape: tuple, size: int) -> None:
    """PyTorch's errors for a shape that cannot hold `size` elements (with its wording, then a hint)."""
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred; shape {list(shape)} has more than one -1")
    known = math.prod(n for n in shape if n != -1)
    if (known != size) if -1 not in shape else (known == 0 or size % known):
        listed = ", ".join(str(n) for n in shape)
        raise RuntimeError(f"{op}: shape '[{listed}]' is invalid for input of size {size}. The number of elements "
                           "must stay the same; -1 stands for the one dimension that makes it so.")


class Reshape(Primitive):
    """z = x with a new shape, same elements in the same order.   dz/dx: reshape back.

    Named as PyTorch names it: ViewBackward0 when z shares x's memory (view, and reshape or
    flatten of a contiguous tensor), UnsafeViewBackward0 when NumPy had to copy (reshape of a
    transposed tensor: PyTorch records a CloneBackward0 under it, here it is one node).
    With view=True (x.view) a copy is an error, PyTorch's: the new shape must be expressible
    with strides over x's memory, which NumPy's reshape with copy=False decides by the same rule."""
    makes_view = True
    copied = False

    @staticmethod
    def forward(ctx, x, shape, view=False):
        op = "view" if view else "reshape"
        check_shape(op, shape, x.size)
        ctx.shape = x.shape
        if view:
            try:
                return np.reshape(x, shape, copy=False)
            except ValueError:
                x.reshape(shape)  # a wrong size with -1 raises NumPy's error here, as for reshape
                wanted = ", ".join(str(n) for n in shape)
                raise RuntimeError(f"{VIEW_ERROR} Hint: view({wanted}) of a tensor of shape {tuple(x.shape)} and "
                                   f"strides {strides_of(x)} needs a copy; x.reshape({wanted}) copies when it "
                                   "must, as does x.contiguous().view(...)") from None
        out = x.reshape(shape)
        if not np.may_share_memory(out, x):
            ctx.copied = True
        return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)

    def name(self) -> str:
        return "UnsafeViewBackward0" if self.copied else "ViewBackward0"


class Unsqueeze(Reshape):
    """z = x with an axis of size 1 inserted (unsqueeze).   dz/dx: reshape back (a Reshape, named as PyTorch's)."""

    def name(self) -> str:
        return "UnsqueezeBackward0"


class Squeeze(Reshape):
    """z = x without axes of size 1.   dz/dx: reshape back. A Reshape, named as PyTorch's, which
    counts how the dims were given: SqueezeBackward0 for all (squeeze()), 1 for one dim, 2 for a tuple of dims."""

    @staticmethod
    def forward(ctx, x, shape, overload=0):
        ctx.overload = overload
        return Reshape.forward(ctx, x, shape)

    def name(self) -> str:
        return f"SqueezeBackward{self.overload}"


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


class Contiguous(Primitive):
    """z = a copy of x laid out row by row, or in the dim order `order` (outermost first:
    (0, 2, 3, 1) for channels_last) (x.contiguous() of a tensor that is not).   dz/dx = 1.
    Named as PyTorch names it: CloneBackward0, as contiguous() is a clone into a memory format."""

    @staticmethod
    def forward(ctx, x, order):
        return np.transpose(x, order).copy(order="C").transpose(np.argsort(order))

    @staticmethod
    def backward(ctx, g):
        return g

    def name(self) -> str:
        return "CloneBackward0"


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


class Transpose(Permute):
    """z = x with two axes swapped (transpose, mT; t() of a matrix).   dz/dx: swap them back.
    A Permute, named as PyTorch's: TransposeBackward0, or TBackward0 for t()."""

    @staticmethod
    def forward(ctx, x, axes, method="transpose"):
        ctx.method = method
        return Permute.forward(ctx, x, axes)

    def name(self) -> str:
        return "TBackward0" if self.method == "t" else "TransposeBackward0"


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


class UnfoldWindows(Primitive):
    """z = the windows x[..., i * step : i * step + size, ...] along `dim`, each laid along a new last
    axis (x.unfold): a view, as PyTorch's, whose windows read x's memory (overlapping when step < size).
    dz/dx: each window's gradient added back where it was read (AddAt at the window positions).
    Named as PyTorch's node, UnfoldBackward0 (nn.Unfold, a Module, is another thing: F.unfold's im2col)."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        count = (x.shape[dim] - size) // step + 1
        ctx.shape, ctx.dim = x.shape, dim
        ctx.positions = np.arange(count)[:, None] * step + np.arange(size)  # (count, size): where each reads
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
        # windows that do not overlap can be written through, as PyTorch's; overlapping ones are read-only
        # (as expand's view), since one write would land in several windows
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=step >= size and x.flags.writeable)

    @staticmethod
    def backward(ctx, g):
        window_axis_after_count = g.movedim(-1, ctx.dim + 1)  # the shape x[..., positions, ...] has
        return AddAt.apply(window_axis_after_count, shape=ctx.shape, key=(slice(None),) * ctx.dim + (ctx.positions,))

    def name(self) -> str:
        return "UnfoldBackward0"


class GetItem(Primitive):
    """z = x[key] (ints, slices, None, ..., integer arrays, boolean masks).
    dz/dx: a zero tensor of x's shape with g added at `key` (AddAt);
    repeated indices get the sum of their gradients."""
    makes_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        out = x[key]
        if not isinstance(out, np.ndarray):  # an int per dim: NumPy gives a copied scalar, PyTorch a 0-d view
            out = x[(*key, Ellipsis) if isinstance(key, tuple) else (key, Ellipsis)]  # (x[0].add_(1) changes x)
        return out

    @staticmethod
    def backward(ctx, g):
        return AddAt.apply(g, shape=ctx.shape, key=ctx.key)

    def name(self) -> str:
        """PyTorch's name for the key's last step (it records one node per step; this is one
        node): IndexBackward0 for integer arrays or masks, else SelectBackward0 for an int,
        SliceBackward0 for a slice, UnsqueezeBackward0 for None (x[0, 1:] ends in a slice)."""
        key = self.key if isinstance(self.key, tuple) else (self.key,)
        if any(isinstance(k, np.ndarray) for k in key):
            return "IndexBackward0"
        steps = [k for k in key if k is not Ellipsis and k != slice(None)]
        if not steps or isinstance(steps[-1], slice):
            return "SliceBackward0"
        return "UnsqueezeBackward0" if steps[-1] is None else "SelectBackward0"


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
        return row_major(np.concatenate(xs, axis=dim))

    @staticmethod
    def backward(ctx, g):
        grads, start = [], 0
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad):
            key = (slice(None),) * ctx.dim + (slice(start, start + size),)
            grads.append(g[key] if needed else None)
            start += size
        return tuple(grads)


class Stack(Primitive):
    """z = the inputs joined along a new axis `dim`.   dz/dx_i = g's slice i along dim.
    (A primitive rather than cat of unsqueezed inputs: one node, PyTorch's StackBackward0.)"""

    @staticmethod
    def forward(ctx, *xs, dim=0):
        ctx.dim = dim
        return row_major(np.stack(xs, axis=dim))

    @staticmethod
    def backward(ctx, g):
        key = (slice(None),) * ctx.dim
        return tuple(g[key + (i,)] if needed else None for i, needed in enumerate(ctx.needs_input_grad))


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

    @classmethod
    def name(cls) -> str:
        return "ConstantPadNdBackward0"  # PyTorch's, for F.pad's constant mode
