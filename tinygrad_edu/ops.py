"""The primitives that compute: arithmetic, elementwise functions, reductions; forward in
NumPy beside its derivative. (The primitives that only move elements, reshape, permute,
indexing, cat, pad, are in movement_ops.py; those of nn in nn/ops.py; tan, the hyperbolic
functions, erf, atan2, hypot and logit in math_ops.py; relu, leaky_relu and hardtanh in
piecewise_ops.py.)

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
- `Elementwise` is a Primitive z = f(x) whose derivative is a function of x:
  such an op states only f (`numpy_function`) and dz/dx (`derivative(x)`).
- A gradient is returned for each positional input, None where
  `ctx.needs_input_grad[i]` is False; options (axes, dim) are ctx attributes.
- Gradients may keep the broadcast shape; the engine sums them back down
  to each input's shape (autograd.engine.unbroadcast), so no op does that itself.
- Everything else (mean, var, softmax, losses, layers) is built from
  the primitives in composite/ and nn/.
"""

from __future__ import annotations

import math

import numpy as np

from .autograd import Function, Mode
from .dtypes import result_type
from .layout import row_major


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
    arithmetic_backward = True

    reversed = False  # 1 - x: PyTorch's rsub, its node RsubBackward1

    @staticmethod
    def forward(ctx, x, y):
        if not isinstance(x, np.ndarray):
            ctx.reversed = True
        return x - y

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)

    def name(self) -> str:
        return "RsubBackward1" if self.reversed else "SubBackward0"


class Mul(Primitive):
    """z = x * y.   dz/dx = y, dz/dy = x."""
    arithmetic_backward = True

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
    arithmetic_backward = True

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
    """z = x ** y.   dz/dx = y * x**(y-1), dz/dy = x**y * log(x).
    Named as PyTorch's: PowBackward0 for x ** 2, 1 for tensor ** tensor, 2 for 2 ** x."""
    overload = 0

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        if isinstance(y, np.ndarray):
            ctx.overload = 1 if isinstance(x, np.ndarray) else 2
        return x ** y

    def name(self) -> str:
        return f"PowBackward{self.overload}"

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
    arithmetic_backward = True

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

    Named as PyTorch names the product of these shapes: MmBackward0 (2-D @ 2-D), MvBackward0
    (2-D @ 1-D), DotBackward0 (1-D @ 1-D), BmmBackward0 (3-D @ 3-D, one batch size); other
    shapes keep MatMulBackward0 (PyTorch reshapes around an mm or bmm there: several nodes).
    """
    PRODUCTS = {(2, 2): "Mm", (2, 1): "Mv", (1, 1): "Dot"}
    product = "MatMul"

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
        if x.ndim == y.ndim == 3 and x.shape[0] == y.shape[0]:
            ctx.product = "Bmm"
        elif x.ndim < 3 and y.ndim < 3:
            ctx.product = MatMul.PRODUCTS.get((x.ndim, y.ndim), "MatMul")
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

    def name(self) -> str:
        return self.product + "Backward0"


# ---------------------------------------------------------------- elementwise functions

class Elementwise(Primitive):
    """z = f(x) elementwise, with a derivative written from the input x: an op of this kind
    gives `numpy_function` (f, on arrays) and `derivative(x)` (dz/dx, with Tensor ops), and
    this class does the rest once: forward saves x and returns f(x), backward returns
    g * derivative(x), which the engine can record and differentiate again (a plain backward
    does the multiply on the arrays; tests/test_ops.py checks that both give the same gradient).

    Ops whose derivative reads the output z instead are ElementwiseFromOutput; relu, whose
    gradient is a selection rather than a product, is in piecewise_ops.py.
    """

    @staticmethod
    def numpy_function(x):
        raise NotImplementedError("numpy_function(x): the op's value, on a NumPy array")

    @staticmethod
    def derivative(x):
        raise NotImplementedError("derivative(x): dz/dx as a Tensor, from the input x")

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return type(ctx).numpy_function(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if Mode.grad_enabled:  # recorded (create_graph=True): in the graph, to be differentiated again
            return g * type(ctx).derivative(x)
        # A plain backward does the last multiply on the arrays: one op less.
        return g._wrap(g._data * type(ctx).derivative(x)._data)


class Log(Elementwise):
    """z = log(x).   dz/dx = 1 / x."""
    numpy_function = np.log

    @staticmethod
    def derivative(x):
        return 1 / x


def sign_array(x: np.ndarray) -> np.ndarray:
    """np.sign(x) with PyTorch's 0 at nan (NumPy says nan): for 10**6 float32 the mending pass costs
    0.2 ms over np.sign's 0.8 (timeit, 2026-12-03); (x > 0) - (x < 0) costs as much, and 2 us more
    on 100 elements."""
    signs = np.asarray(np.sign(x))  # (of a 0-d array, np.sign gives a NumPy scalar)
    if signs.dtype.kind == "f":
        signs[np.isnan(signs)] = 0
    return signs


class Abs(Elementwise):
    """z = |x|.   dz/dx = sign(x) (0 at x = 0 and at nan, as PyTorch).

    Recorded, sign is a node (piecewise_ops.Sign, derivative 0), so the first derivative depends
    on x and the second is zeros, as PyTorch's. A plain backward multiplies by sign_array on the
    arrays instead: no Sign node to make (5 us a call)."""
    numpy_function = np.abs

    @staticmethod
    def derivative(x):
        return x.sign()

    @staticmethod
    def backward(ctx, g):
        if Mode.grad_enabled:
            return Elementwise.backward(ctx, g)
        (x,) = ctx.saved_tensors
        gx = sign_array(x._data)
        gx *= g._data  # into sign_array's new array (g has x's shape and dtype): one array less to make
        return g._wrap(gx)


class Sin(Elementwise):
    """z = sin(x).   dz/dx = cos(x)."""
    numpy_function = np.sin

    @staticmethod
    def derivative(x):
        return x.cos()


class Cos(Elementwise):
    """z = cos(x).   dz/dx = -sin(x)."""
    numpy_function = np.cos

    @staticmethod
    def derivative(x):
        return -x.sin()


class Asin(Elementwise):
    """z = arcsin(x).   dz/dx = 1 / sqrt(1 - x**2)   (for -1 < x < 1)."""
    numpy_function = np.arcsin

    @staticmethod
    def derivative(x):
        return 1 / (1 - x * x).sqrt()


class Acos(Elementwise):
    """z = arccos(x).   dz/dx = -1 / sqrt(1 - x**2)   (for -1 < x < 1)."""
    numpy_function = np.arccos

    @staticmethod
    def derivative(x):
        return -1 / (1 - x * x).sqrt()


class Atan(Elementwise):
    """z = arctan(x).   dz/dx = 1 / (1 + x**2)."""
    numpy_function = np.arctan

    @staticmethod
    def derivative(x):
        return 1 / (1 + x * x)


class ElementwiseFromOutput(Primitive):
    """z = f(x) elementwise, with a derivative written from the output z (exp's is z itself,
    tanh's 1 - z**2): an op of this kind gives `numpy_function` (f, on arrays) and
    `derivative(z)`, and this class does the rest once. Forward saves z and returns it.

    `derivative` is written once and runs on NumPy arrays and on Tensors alike. A plain
    backward (the usual one) computes g * derivative(z) on the arrays: NumPy calls, no ops
    and no nodes. A recorded one (create_graph=True) computes it with Tensor ops on z in the
    graph, so that it can be differentiated again. tests/test_ops.py checks that both give
    the same gradient.
    """

    @staticmethod
    def numpy_function(x):
        raise NotImplementedError("numpy_function(x): the op's value, on a NumPy array")

    @staticmethod
    def derivative(z):
        raise NotImplementedError("derivative(z): dz/dx from the output z, on arrays and Tensors alike")

    @staticmethod
    def forward(ctx, x):
        z = type(ctx).numpy_function(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        if Mode.grad_enabled or ctx.output is None:  # recorded; or z was freed or changed in place,
            (z,) = ctx.saved_tensors                    # which saved_tensors reports
            return g * type(ctx).derivative(z)
        # (NumPy's warnings are off here as in an op: run_backward turns them off)
        return g._wrap(g._data * type(ctx).derivative(ctx.output))


class Exp(ElementwiseFromOutput):
    """z = exp(x).   dz/dx = exp(x) = z."""
    numpy_function = np.exp

    @staticmethod
    def derivative(z):
        return z


class Sqrt(ElementwiseFromOutput):
    """z = sqrt(x).   dz/dx = 1 / (2 sqrt(x)) = 0.5 / z."""
    numpy_function = np.sqrt

    @staticmethod
    def derivative(z):
        return 0.5 / z


class TanhFunction(ElementwiseFromOutput):
    """z = tanh(x).   dz/dx = 1 - tanh(x)**2 = 1 - z**2."""
    numpy_function = np.tanh

    @staticmethod
    def derivative(z):
        return 1 - z * z


class SigmoidFunction(ElementwiseFromOutput):
    """z = 1 / (1 + exp(-x)).   dz/dx = z * (1 - z) = z - z**2.

    Computed as exp(-log(1 + exp(-x))) so that neither large positive nor
    large negative x overflows.
    """

    @staticmethod
    def numpy_function(x):
        return np.exp(-np.logaddexp(0, -x))

    @staticmethod
    def derivative(z):
        return z - z * z


class Clamp(Primitive):
    """z = min(max(x, low), high).   dz/dx = 1 where low <= x <= high, else 0."""

    @staticmethod
    def forward(ctx, x, low=None, high=None):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        # the bounds take part in PyTorch's type promotion: an int tensor clamped at 1.5 is float32
        target = result_type(x, *(bound for bound in (low, high) if bound is not None)).dtype
        return np.clip(x.astype(target, copy=False), low, high)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.low is not None:
            g = g * (x >= ctx.low)
        if ctx.high is not None:
            g = g * (x <= ctx.high)
        return g

    @classmethod
    def name(cls) -> str:
        return "ClampBackward1"  # PyTorch's clamp with number bounds (ClampBackward0 is with tensors)


class Maximum(Primitive):
    """z = max(x, y) elementwise.   dz/dx = 1 where x > y, 1/2 where x == y, 0 where x < y (and dz/dy
    the other way round); where x or y is nan (z is nan) both get 1, as PyTorch's: it zeroes the
    gradient only where the other input wins."""
    numpy_function = np.maximum

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return type(ctx).numpy_function(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        loses, ties = type(ctx).loses, x == y
        half_ties = g * ties * 0.5
        return ((g * ~(loses(x, y) | ties) + half_ties) if need_x else None,
                (g * ~(loses(y, x) | ties) + half_ties) if need_y else None)

    @staticmethod
    def loses(a, b):
        """Where b alone is the maximum."""
        return a < b


class Minimum(Maximum):
    """z = min(x, y) elementwise: Maximum's rule with the order turned round (dz/dx = 1 where x < y,
    1/2 at ties, 1 at nan). Its own node, MinimumBackward0, as PyTorch's."""
    numpy_function = np.minimum

    @staticmethod
    def loses(a, b):
        """Where b alone is the minimum."""
        return a > b


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


class Clone(Primitive):
    """z = a copy of x (`clone`), laid out as x is (PyTorch's preserve_format).   dz/dx = 1."""

    @staticmethod
    def forward(ctx, x):
        return x.copy(order="K")

    @staticmethod
    def backward(ctx, g):
        return g


class Cast(Primitive):
    """z = x converted to another dtype.   dz/dx = 1: g itself, which the engine (fit) casts to x's dtype,
    as it does every gradient."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)  # astype copies

    @staticmethod
    def backward(ctx, g):
        return g

    @classmethod
    def name(cls) -> str:
        return "ToCopyBackward0"  # PyTorch's name (x.double(), x.to(dtype) are its _to_copy)


# ---------------------------------------------------------------- reductions

def kept_shape(shape: tuple, axes) -> tuple:
    """The shape a reduction over `axes` has with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Primitive):
    """z = sum of x over `axes` (bools, unsigned ints in int64, as PyTorch).   dz/dx = 1: copied back along axes."""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False):
        ctx.shape, ctx.axes = x.shape, axes
        return row_major(x.sum(axis=axes, keepdims=keepdim, dtype=np.int64 if x.dtype.kind in "bu" else None))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(kept_shape(ctx.shape, ctx.axes)).expand(ctx.shape)

    def name(self) -> str:
        return "SumBackward0" if self.axes is None else "SumBackward1"  # PyTorch's: 1 when dims are given


class Max(Primitive):
    """z = max (or min) of x over `axes`.   dz/dx = 1 at the maximum (minimum), 0 elsewhere.

    `op` is the call, "max", "amax", "min" or "amin": min is max's mirror image, and the node is
    named as PyTorch names the call (MaxBackward1 for x.max(), MaxBackward0 for x.max(dim),
    AmaxBackward0, MinBackward1, MinBackward0, AminBackward0).
    Where several elements tie, PyTorch has two rules, and so has `ties`: "share" (x.max(),
    x.min(), amax, amin) splits the gradient equally between them; "first" (x.max(dim),
    x.min(dim), over one axis) gives all of it to the index they return, the first."""

    @staticmethod
    def forward(ctx, x, axes=None, keepdim=False, ties="share", op="max"):
        ctx.save_for_backward(x)
        ctx.axes, ctx.ties, ctx.op = axes, ties, op
        if op in ("min", "amin"):
            return row_major(x.min(axis=axes, keepdims=keepdim))
        return row_major(x.max(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        smallest = ctx.op in ("min", "amin")
        if ctx.ties == "first" and ctx.axes is not None:  # (a 0-d x has one element: either rule)
            (axis,) = ctx.axes
            positions = np.arange(x.shape[axis]).reshape([-1 if i == axis else 1 for i in range(x.ndim)])
            best = x.argmin(axis, keepdim=True) if smallest else x.argmax(axis, keepdim=True)
            weights = (best == positions).astype(g.dtype)
        else:
            extreme = x.amin(ctx.axes, keepdim=True) if smallest else x.amax(ctx.axes, keepdim=True)
            is_extreme = (x == extreme).astype(g.dtype)
            weights = is_extreme / is_extreme.sum(dim=ctx.axes, keepdim=True)
        return g.reshape(kept_shape(x.shape, ctx.axes)) * weights

    def name(self) -> str:
        if self.op in ("amax", "amin"):
            return self.op.capitalize() + "Backward0"
        return self.op.capitalize() + ("Backward1" if self.axes is None else "Backward0")  # x.max() is max.1


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
        ctx.dim, x = dim, row_major(x)  # a transposed x gives a contiguous result, as in PyTorch
        m = x.max(axis=dim, keepdims=True)
        shifted = x - m  # (a row of all -inf, or with a +inf, gives nan, as PyTorch's)
        z = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g - z.exp() * g.sum(ctx.dim, keepdim=True)
