"""Every primitive op: forward in NumPy beside its derivative.

Read any class top to bottom: the docstring states the maths, `forward`
computes the value with NumPy, `backward` turns the gradient of the output
(`g`, a Tensor) into the gradient of each input, with Tensor ops so that the
backward pass can itself be differentiated (create_graph=True).

Conventions:
- `self.parents` are the inputs as given (Tensors, or Python numbers).
- A gradient is returned only where `self.needs_input_grad[i]` is True.
- Gradients may keep the broadcast shape; the engine sums them back down
  to each input's shape (autograd.unbroadcast), so no op does that itself.
- Everything not listed here (mean, var, softmax, losses, layers) is built
  from these primitives in tensor.py and nn/.
"""

from __future__ import annotations

import math

import numpy as np

from .autograd import Function

# ---------------------------------------------------------------- arithmetic

class Add(Function):
    """z = x + y.   dz/dx = 1, dz/dy = 1."""
    reads_inputs = False

    def forward(self, x, y):
        return x + y

    def backward(self, g):
        return g, g


class Sub(Function):
    """z = x - y.   dz/dx = 1, dz/dy = -1."""
    reads_inputs = False

    def forward(self, x, y):
        return x - y

    def backward(self, g):
        need_x, need_y = self.needs_input_grad
        return (g if need_x else None), (-g if need_y else None)


class Mul(Function):
    """z = x * y.   dz/dx = y, dz/dy = x."""

    def forward(self, x, y):
        return x * y

    def backward(self, g):
        x, y = self.parents
        need_x, need_y = self.needs_input_grad
        return (g * y if need_x else None), (g * x if need_y else None)


class Div(Function):
    """z = x / y.   dz/dx = 1 / y, dz/dy = -x / y**2."""

    def forward(self, x, y):
        return x / y

    def backward(self, g):
        x, y = self.parents
        need_x, need_y = self.needs_input_grad
        return (g / y if need_x else None), (-g * x / (y * y) if need_y else None)


class Pow(Function):
    """z = x ** y.   dz/dx = y * x**(y-1), dz/dy = x**y * log(x)."""

    def forward(self, x, y):
        return x ** y

    def backward(self, g):
        x, y = self.parents
        need_x, need_y = self.needs_input_grad
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


class Neg(Function):
    """z = -x.   dz/dx = -1."""
    reads_inputs = False

    def forward(self, x):
        return -x

    def backward(self, g):
        return -g


class MatMul(Function):
    """Z = X @ Y (NumPy's matmul: 1-D, 2-D and batched, batch dims broadcast).

    dL/dX = dL/dZ @ Y^T,   dL/dY = X^T @ dL/dZ   (on the last two axes).
    A 1-D X acts as a row (1, n) and a 1-D Y as a column (n, 1).
    """

    def forward(self, x, y):
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
        return np.matmul(x, y)

    def backward(self, g):
        x, y = self.parents
        need_x, need_y = self.needs_input_grad
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

class Exp(Function):
    """z = exp(x).   dz/dx = exp(x)."""

    def forward(self, x):
        self.saved = np.exp(x)  # the output is its own derivative
        return self.saved

    def backward(self, g):
        (x,) = self.parents
        return g * self.saved_tensor(g, x.exp)


class Log(Function):
    """z = log(x).   dz/dx = 1 / x."""

    def forward(self, x):
        return np.log(x)

    def backward(self, g):
        (x,) = self.parents
        return g / x


class Sqrt(Function):
    """z = sqrt(x).   dz/dx = 1 / (2 sqrt(x))."""

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g):
        (x,) = self.parents
        return g * 0.5 / x.sqrt()


class Abs(Function):
    """z = |x|.   dz/dx = sign(x) (0 at x = 0, as PyTorch)."""

    def forward(self, x):
        return np.abs(x)

    def backward(self, g):
        (x,) = self.parents
        return g * x.sign()


class Sin(Function):
    """z = sin(x).   dz/dx = cos(x)."""

    def forward(self, x):
        return np.sin(x)

    def backward(self, g):
        (x,) = self.parents
        return g * x.cos()


class Cos(Function):
    """z = cos(x).   dz/dx = -sin(x)."""

    def forward(self, x):
        return np.cos(x)

    def backward(self, g):
        (x,) = self.parents
        return -g * x.sin()


class Tanh(Function):
    """z = tanh(x).   dz/dx = 1 - tanh(x)**2."""

    def forward(self, x):
        out = np.tanh(x)
        self.saved = 1 - out * out  # dz/dx, while the output is at hand
        return out

    def backward(self, g):
        (x,) = self.parents
        return g * self.saved_tensor(g, lambda: 1 - x.tanh() ** 2)


class Sigmoid(Function):
    """z = 1 / (1 + exp(-x)).   dz/dx = z * (1 - z).

    Computed as exp(-log(1 + exp(-x))) so that neither large positive nor
    large negative x overflows.
    """

    def forward(self, x):
        out = np.exp(-np.logaddexp(0, -x))
        self.saved = out - out * out  # dz/dx = z (1 - z), while the output is at hand
        return out

    def backward(self, g):
        (x,) = self.parents
        return g * self.saved_tensor(g, lambda: x.sigmoid() * (1 - x.sigmoid()))


class Relu(Function):
    """z = max(x, 0).   dz/dx = 1 where x > 0, else 0."""

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g):
        (x,) = self.parents
        return g * (x > 0)  # a mask multiply: 10x faster than np.where on big arrays (Inf * 0 gives NaN)


class Clamp(Function):
    """z = min(max(x, low), high).   dz/dx = 1 where low <= x <= high, else 0."""

    def forward(self, x, low=None, high=None):
        self.low, self.high = low, high
        return np.clip(x, low, high)

    def backward(self, g):
        (x,) = self.parents
        if self.low is not None:
            g = g * (x >= self.low)
        if self.high is not None:
            g = g * (x <= self.high)
        return g


class Maximum(Function):
    """z = max(x, y) elementwise.   dz/dx = 1 where x > y, 1/2 where x == y, else 0."""

    def forward(self, x, y):
        return np.maximum(x, y)

    def backward(self, g):
        x, y = self.parents
        need_x, need_y = self.needs_input_grad
        half_ties = g * (x == y) * 0.5
        return ((g * (x > y) + half_ties) if need_x else None,
                (g * (y > x) + half_ties) if need_y else None)


class Where(Function):
    """z = x where cond else y.   dz/dx = cond, dz/dy = not cond (cond gets no gradient)."""
    reads_inputs = False

    def forward(self, cond, x, y):
        return np.where(cond, x, y)

    def backward(self, g):
        cond, _, _ = self.parents
        _, need_x, need_y = self.needs_input_grad
        return None, (g.where(cond, 0.0) if need_x else None), (g.where(~cond, 0.0) if need_y else None)


class Cast(Function):
    """z = x converted to another dtype (also `clone`, a copy).   dz/dx = 1, in x's dtype."""
    reads_inputs = False

    def forward(self, x, dtype):
        self.in_dtype = x.dtype
        return x.astype(dtype)  # astype copies

    def backward(self, g):
        return g.astype(self.in_dtype)


# ---------------------------------------------------------------- reductions

def kept_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over `axes` has with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """z = sum of x over `axes`.   dz/dx = 1: the gradient is copied back along the axes."""
    reads_inputs = False

    def forward(self, x, axes=None, keepdim=False):
        self.axes = axes
        return x.sum(axis=axes, keepdims=keepdim)

    def backward(self, g):
        (x,) = self.parents
        return g.reshape(kept_shape(x.shape, self.axes)).expand(x.shape)


class Max(Function):
    """z = max of x over `axes`.   dz/dx = 1 at the maximum, 0 elsewhere;
    when several elements tie for the maximum they share the gradient equally."""

    def forward(self, x, axes=None, keepdim=False):
        self.axes = axes
        return x.max(axis=axes, keepdims=keepdim)

    def backward(self, g):
        (x,) = self.parents
        is_max = (x == x.max(dim=self.axes, keepdim=True)).astype(g.dtype)
        ties = is_max.sum(dim=self.axes, keepdim=True)
        return g.reshape(kept_shape(x.shape, self.axes)) * is_max / ties


class LogSoftmax(Function):
    """z = x - log(sum(exp(x))) along `dim`, computed as (x - m) - log(sum(exp(x - m)))
    with m = max(x) (0 where the max is infinite), so exp never overflows.

    dL/dx = g - softmax(x) * sum(g),  with softmax(x) = exp(z) and the sum along `dim`.

    Why a primitive: the composite x - logsumexp(x) is eleven nodes (max, where, sub,
    exp, sum, log, add, sub, ...) on the (batch, classes) logits of every classifier;
    this is one, and its backward is three Tensor ops.
    """

    def forward(self, x, dim):
        self.dim = dim
        m = x.max(axis=dim, keepdims=True)
        shifted = x - np.where(np.isinf(m), 0, m)  # a row of all -inf: avoid -inf - -inf = nan
        e = np.exp(shifted)
        total = e.sum(axis=dim, keepdims=True)
        self.saved = e / total  # softmax(x): the derivative needs it, and here it is at hand
        return shifted - np.log(total)

    def backward(self, g):
        (x,) = self.parents
        p = self.saved_tensor(g, lambda: x.softmax(self.dim))
        return g - p * g.sum(self.dim, keepdim=True)


# ---------------------------------------------------------------- movement

class Reshape(Function):
    """z = x with a new shape, same elements in the same order.   dz/dx: reshape back."""
    reads_inputs = False
    makes_view = True

    def forward(self, x, shape):
        if -1 not in shape and math.prod(shape) != x.size:
            raise RuntimeError(
                f"reshape: cannot reshape {x.shape} ({x.size} elements) into {shape} "
                f"({math.prod(shape)} elements). The number of elements must stay the "
                "same; use -1 for one dimension to have it worked out.")
        return x.reshape(shape)

    def backward(self, g):
        (x,) = self.parents
        return g.reshape(x.shape)


class Permute(Function):
    """z = x with its axes reordered (transpose, .T).   dz/dx: the inverse reordering."""
    reads_inputs = False
    makes_view = True

    def forward(self, x, axes):
        self.axes = axes
        return np.transpose(x, axes)

    def backward(self, g):
        return g.permute(*np.argsort(self.axes))


class Expand(Function):
    """z = x broadcast to a larger shape (a view, no copy).
    dz/dx: sum over the copies, which the engine's unbroadcast does."""
    reads_inputs = False
    makes_view = True

    def forward(self, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise RuntimeError(
                f"expand: cannot expand shape {x.shape} to {shape}: each dimension must be equal or 1 "
                "in the input (new dimensions go in front). Hint: unsqueeze the input first.") from None

    def backward(self, g):
        return g


class GetItem(Function):
    """z = x[key] (ints, slices, None, ..., integer arrays, boolean masks).
    dz/dx: a zero tensor of x's shape with g added at `key` (AddAt);
    repeated indices get the sum of their gradients."""
    reads_inputs = False
    makes_view = True

    def forward(self, x, key):
        self.key = key
        return x[key]

    def backward(self, g):
        (x,) = self.parents
        return g._add_at(x.shape, self.key)


class AddAt(Function):
    """z = zeros(shape) with x added at `key` (NumPy's np.add.at): the adjoint of
    indexing, so GetItem's backward. dz/dx = z[key], i.e. GetItem again."""
    reads_inputs = False

    def forward(self, x, shape, key):
        self.key = key
        out = np.zeros(shape, dtype=x.dtype)
        np.add.at(out, key, x)
        return out

    def backward(self, g):
        return g[self.key]


class Cat(Function):
    """z = the inputs joined along `dim`.   dz/dx_i: the slice of g that came from x_i."""
    reads_inputs = False

    def forward(self, *xs, dim=0):
        self.dim = dim
        return np.concatenate(xs, axis=dim)

    def backward(self, g):
        grads, start = [], 0
        for x, needed in zip(self.parents, self.needs_input_grad):
            stop = start + x.shape[self.dim]
            key = (slice(None),) * self.dim + (slice(start, stop),)
            grads.append(g[key] if needed else None)
            start = stop
        return tuple(grads)


class Pad(Function):
    """z = x with `widths[i] = (before, after)` constant values added around axis i.
    dz/dx: g with the padding cut off again."""
    reads_inputs = False

    def forward(self, x, widths, value=0.0):
        self.widths = widths
        return np.pad(x, widths, mode="constant", constant_values=value)

    def backward(self, g):
        return g[tuple(slice(before, g.shape[i] - after) for i, (before, after) in enumerate(self.widths))]
