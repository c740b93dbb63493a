"""Every primitive op: forward in NumPy beside its derivative.

Each op is a `Function`, written in PyTorch's protocol for custom ops (see
autograd/function.py): the docstring states the maths, `forward(ctx, ...)`
computes the value with NumPy and saves what the derivative needs,
`backward(ctx, grad_output)` turns the gradient of the output (`g`, a Tensor)
into the gradient of each input, with Tensor ops so that the backward pass
can itself be differentiated (create_graph=True). Each derivative is written
once, here.

Conventions:
- `Primitive` is `Function` with `numpy_forward = True`: forward receives the
  inputs' NumPy arrays (or Python numbers) and returns an array.
- A gradient is returned for each positional input, None where
  `ctx.needs_input_grad[i]` is False; options (axes, dim) are ctx attributes.
- Gradients may keep the broadcast shape; the engine sums them back down
  to each input's shape (autograd.engine.unbroadcast), so no op does that itself.
- Everything not here (mean, var, softmax, losses, layers) is built from
  these primitives in composite.py and nn/.
"""

from __future__ import annotations

import math

import numpy as np

from .autograd import Function, Mode


class Primitive(Function):
    """An op of the library: its forward computes with NumPy on the inputs' arrays."""
    numpy_forward = True


# ---------------------------------------------------------------- arithmetic

class Add(Primitive):
    """z = x + y.   dz/dx = 1, dz/dy = 1."""

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Primitive):
    """z = x - y.   dz/dx = 1, dz/dy = -1."""

    @staticmethod
    def forward(ctx, x, y):
        return x - y

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Primitive):
    """z = x * y.   dz/dx = y, dz/dy = x."""

    @staticmethod
    def forward(ctx, x, y):
        need_x, need_y = ctx.needs_input_grad
        ctx.save_for_backward(x if need_y else None, y if need_x else None)  # only what backward reads
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (g * y if need_x else None), (g * x if need_y else None)


class Div(Primitive):
    """z = x / y.   dz/dx = 1 / y, dz/dy = -x / y**2."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)  # only what backward reads
        return x / y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (g / y if need_x else None), (-g * x / (y * y) if need_y else None)


class Pow(Primitive):
    """z = x ** y.   dz/dx = y * x**(y-1), dz/dy = x**y * log(x)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x ** y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = gy = None
        if need_x:
            # x ** 0 is constant; x ** -1 would put an Inf into 0 * Inf at x = 0.
            gx = g * 0.0 if isinstance(y, (int, float)) and y == 0 else g * y * x ** (y - 1)
        if need_y:
            if isinstance(x, (int, float)):  # a number base, 2 ** y; 0 ** y is flat for y > 0
                gy = g * x ** y * math.log(x) if x > 0 else g * 0.0 if x == 0 else g * math.nan
            else:  # log x is taken where x != 0 only: at x = 0, x ** y is flat in y (PyTorch gives 0)
                gy = g * x ** y * x.where(x != 0, 1.0).log()
        return gx, gy


class Neg(Primitive):
    """z = -x.   dz/dx = -1."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class MatMul(Primitive):
    """Z = X @ Y (NumPy's matmul: 1-D, 2-D and batched, batch dims broadcast).

    dL/dX = dL/dZ @ Y^T,   dL/dY = X^T @ dL/dZ   (on the last two axes).
    A 1-D X acts as a row (1, n) and a 1-D Y as a column (n, 1).
    """

    @staticmethod
    def forward(ctx, x, y):
        inner_x = x.shape[-1] if x.ndim else None
        inner_y = (y.shape[-2] if y.ndim > 1 else y.shape[0]) if y.ndim else None
        if x.ndim == 0 or y.ndim == 0 or inner_x != inner_y:
            raise RuntimeError(
                f"matmul: {x.shape} @ {y.shape}: " + (
                    "both operands need at least 1 dimension; use * to scale by a scalar"
                    if x.ndim == 0 or y.ndim == 0 else
                    f"inner dimensions {inner_x} and {inner_y} differ. The last dimension of "
                    "the left operand must equal the first (or second-to-last) of the right; "
                    "check the order of the operands or transpose one with .T"))
        ctx.save_for_backward(x, y)
        return np.matmul(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        x2 = x.unsqueeze(0) if x.ndim == 1 else x    # (n,) -> (1, n)
        y2 = y.unsqueeze(-1) if y.ndim == 1 else y   # (n,) -> (n, 1)
        batch = np.broadcast_shapes(x2.shape[:-2], y2.shape[:-2])
        g2 = g.reshape(batch + (x2.shape[-2], y2.shape[-1]))
        gx = gy = None
        if need_x:
            gx = g2 @ y2.mT
            gx = gx.squeeze(-2) if x.ndim == 1 else gx
        if need_y:
            gy = x2.mT @ g2
            gy = gy.squeeze(-1) if y.ndim == 1 else gy
        return gx, gy


# ---------------------------------------------------------------- elementwise functions

class Exp(Primitive):
    """z = exp(x).   dz/dx = exp(x) = z."""

    @staticmethod
    def forward(ctx, x):
        z = np.exp(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * z


class Log(Primitive):
    """z = log(x).   dz/dx = 1 / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x


class Sqrt(Primitive):
    """z = sqrt(x).   dz/dx = 1 / (2 sqrt(x)) = 1 / (2 z)."""

    @staticmethod
    def forward(ctx, x):
        z = np.sqrt(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g * 0.5 / z


class Abs(Primitive):
    """z = |x|.   dz/dx = sign(x) (0 at x = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.sign()


class Sin(Primitive):
    """z = sin(x).   dz/dx = cos(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.cos()


class Cos(Primitive):
    """z = cos(x).   dz/dx = -sin(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * x.sin()


class Asin(Primitive):
    """z = arcsin(x).   dz/dx = 1 / sqrt(1 - x**2)   (for -1 < x < 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 - x * x).sqrt()


class Acos(Primitive):
    """z = arccos(x).   dz/dx = -1 / sqrt(1 - x**2)   (for -1 < x < 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g / (1 - x * x).sqrt()


class Atan(Primitive):
    """z = arctan(x).   dz/dx = 1 / (1 + x**2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + x * x)


class TanhFunction(Primitive):
    """z = tanh(x).   dz/dx = 1 - tanh(x)**2 = 1 - z**2   (`derivative`).

    `derivative` is written once and runs on NumPy arrays and on Tensors alike: a
    plain backward applies it to z's array (local_derivative), so the backward is one
    op, not three; a recorded one (create_graph=True) applies it to z in the graph, so
    it can be differentiated again. tests/test_ops.py checks both give the same gradient.
    """

    @staticmethod
    def derivative(z):
        return 1 - z * z

    @staticmethod
    def forward(ctx, x):
        z = np.tanh(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        return g * local_derivative(ctx, TanhFunction.derivative)


class SigmoidFunction(Primitive):
    """z = 1 / (1 + exp(-x)).   dz/dx = z * (1 - z) = z - z**2   (`derivative`, used as TanhFunction's).

    Computed as exp(-log(1 + exp(-x))) so that neither large positive nor
    large negative x overflows.
    """

    @staticmethod
    def derivative(z):
        return z - z * z

    @staticmethod
    def forward(ctx, x):
        z = np.exp(-np.logaddexp(0, -x))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        return g * local_derivative(ctx, SigmoidFunction.derivative)


def local_derivative(ctx, derivative):
    """dz/dx as a Tensor, from the saved output z: computed on z's array when the backward is
    plain (two NumPy calls instead of two ops), on z in the graph when it is recorded
    (create_graph=True), so that it can be differentiated again."""
    if Mode.grad_enabled or ctx.output is None:  # recorded; or the output was freed or changed in place,
        (z,) = ctx.saved_tensors                    # which saved_tensors reports
        return derivative(z)
    return type(ctx.inputs[0])._wrap(derivative(ctx.output))


class Relu(Primitive):
    """z = max(x, 0).   dz/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch).

    The gradient is g times the mask x > 0, a constant (its derivative is 0). A plain backward
    multiplies g's array by the boolean mask in NumPy, with no op: Mul would first cast the
    mask to a float copy (PyTorch's type promotion), one more array as large as x (on
    benchmarks/conv.py that copy pushed each step past the memory the allocator keeps, so that
    every step paid for fresh pages: see benchmarks/README.md). A recorded backward
    (create_graph=True) is the op g * mask, so that it can be differentiated again;
    tests/test_ops.py checks both give the same gradient.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        mask = x > 0  # a mask multiply: 10x faster than np.where on big arrays (Inf * 0 gives NaN)
        if Mode.grad_enabled:
            return g * mask
        return g._wrap(g._data * mask._data)


class Clamp(Primitive):
    """z = min(max(x, low), high).   dz/dx = 1 where low <= x <= high, else 0."""

    @staticmethod
    def forward(ctx, x, low=None, high=None):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return np.clip(x, low, high)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.low is not None:
            g = g * (x >= ctx.low)
        if ctx.high is not None:
            g = g * (x <= ctx.high)
        return g


class Maximum(Primitive):
    """z = max(x, y) elementwise.   dz/dx = 1 where x > y, 1/2 where x == y, else 0."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return np.maximum(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        half_ties = g * (x == y) * 0.5
        return ((g * (x > y) + half_ties) if need_x else None,
                (g * (y > x) + half_ties) if need_y else None)


class Where(Primitive):
    """z = x where cond else y.   dz/dx = cond, dz/dy = not cond (cond gets no gradient)."""

    @staticmethod
    def forward(ctx, cond, x, y):
        ctx.save_for_backward(cond)
        return np.where(cond, x, y)

    @staticmethod
    def backward(ctx, g):
        (cond,) = ctx.saved_tensors
        _, need_x, need_y = ctx.needs_input_grad
        return None, (g.where(cond, 0.0) if need_x else None), (g.where(~cond, 0.0) if need_y else None)


class Cast(Primitive):
    """z = x converted to another dtype (also `clone`, a copy).   dz/dx = 1, in x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.in_dtype = x.dtype
        return x.astype(dtype)  # astype copies

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.in_dtype)


# ---------------------------------------------------------------- reductions

def kept_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over `axes` has with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Primitive):
    """z = sum of x over `axes`.   dz/dx = 1: the gradient is copied back along the axes."""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False):
        ctx.shape, ctx.axes = x.shape, axes
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(kept_shape(ctx.shape, ctx.axes)).expand(ctx.shape)


class Max(Primitive):
    """z = max of x over `axes`.   dz/dx = 1 at the maximum, 0 elsewhere;
    when several elements tie for the maximum they share the gradient equally."""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False):
        ctx.save_for_backward(x)
        ctx.axes = axes
        return x.max(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        is_max = (x == x.max(dim=ctx.axes, keepdim=True)).astype(g.dtype)
        ties = is_max.sum(dim=ctx.axes, keepdim=True)
        return g.reshape(kept_shape(x.shape, ctx.axes)) * is_max / ties


class LogSoftmaxFunction(Primitive):
    """z = x - log(sum(exp(x))) along `dim`, computed as (x - m) - log(sum(exp(x - m)))
    with m = max(x) (0 where the max is infinite), so exp never overflows.

    dL/dx = g - softmax(x) * sum(g),  with softmax(x) = exp(z) and the sum along `dim`.

    Why a primitive: the composite x - logsumexp(x) is eleven nodes (max, where, sub,
    exp, sum, log, add, sub, ...) on the (batch, classes) logits of every classifier;
    this is one, and its backward is four Tensor ops.
    """

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        m = x.max(axis=dim, keepdims=True)
        shifted = x - np.where(np.isinf(m), 0, m)  # a row of all -inf: avoid -inf - -inf = nan
        z = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g - z.exp() * g.sum(ctx.dim, keepdim=True)


# ---------------------------------------------------------------- movement

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
