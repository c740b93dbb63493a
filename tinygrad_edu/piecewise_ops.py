"""relu, leaky_relu and hardtanh: the activations made of straight lines, as primitives whose
gradient is a node of its own, as in PyTorch; and sign, made of flat ones, whose gradient is 0.

Why they are not composed of `where` and `clamp`: their derivative is a constant on each piece,
so their gradient is a selection of g (PyTorch's threshold_backward, leaky_relu_backward and
hardtanh_backward), and PyTorch records that selection as a node with x among its inputs, whose
derivative with respect to x is 0 (x only chooses the piece). So after
`g, = grad(relu(x).sum(), x, create_graph=True)`, g requires grad and `grad(g.sum(), x)` is
zeros. A `where` of g, recorded, would not depend on x at all: g would not require grad, and
that second grad would raise. Here the selection is written once (`gradient`, on arrays): a plain
backward runs it on the arrays, a recorded one through `PiecewiseLinearBackward`, the node.
"""

from __future__ import annotations

import numpy as np

from .autograd import Mode
from .ops import Primitive, sign_array

__all__ = ["PiecewiseLinear", "PiecewiseLinearBackward", "Relu", "LeakyRelu", "Hardtanh", "Sign", "Sgn", "zero_where"]


def zero_where(g: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A new array: g with exactly 0 where `mask` is True (inf and nan too): as bits, g AND a
    mask of no bits set where `mask` is True and every bit set elsewhere. np.where(mask, 0, g)
    gives the same but is several times slower on a mask with no pattern (about 2 ms against
    0.3 ms on benchmarks/conv.py's (32, 16, 28, 28) float32, 2026-12-03)."""
    bits = np.dtype(f"i{g.itemsize}")  # an integer as wide as g's float
    keep = mask.astype(bits)
    keep -= 1  # True -> 0 (no bits set), False -> -1 (every bit set)
    keep &= g.view(bits)
    return keep.view(g.dtype)


class PiecewiseLinear(Primitive):
    """z = f(x), f made of straight lines: an op of this kind gives `numpy_function(x, **options)`
    and `gradient(g, x, **options)`, dz/dx applied to g on the arrays (the derivative, written
    once), and this class does the rest: forward saves x, backward selects g by x's piece.
    Recorded (create_graph=True), the selection is a PiecewiseLinearBackward node, so that the
    gradient depends on x, with derivative 0, as PyTorch's."""

    @staticmethod
    def numpy_function(x, **options):
        raise NotImplementedError("numpy_function(x, **options): the op's value, on a NumPy array")

    @staticmethod
    def gradient(g, x, **options):
        raise NotImplementedError("gradient(g, x, **options): g times dz/dx, on NumPy arrays")

    @staticmethod
    def forward(ctx, x, **options):
        ctx.save_for_backward(x)
        ctx.options = options
        return type(ctx).numpy_function(x, **options)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if Mode.grad_enabled:  # recorded: a node, to be differentiated again
            return PiecewiseLinearBackward.apply(g, x, op=type(ctx), options=ctx.options)
        return g._wrap(type(ctx).gradient(g._data, x._data, **ctx.options))


class PiecewiseLinearBackward(Primitive):
    """gx = op.gradient(g, x): the gradient of a PiecewiseLinear op, as a node.
    d gx / d g is the same selection, applied to the incoming gradient (gx is linear in g);
    d gx / d x = 0 (x only chooses the piece; PyTorch's zeros too, at the corners as well).
    Named as PyTorch names it: ThresholdBackwardBackward0 for relu, and so on."""

    @staticmethod
    def forward(ctx, g, x, op, options):
        ctx.save_for_backward(x)
        ctx.op, ctx.options = op, options
        return op.gradient(g, x, **options)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        need_g, need_x = ctx.needs_input_grad
        gg = gx = None
        if need_g:
            gg = PiecewiseLinearBackward.apply(grad_output, x, op=ctx.op, options=ctx.options)
        if need_x:
            gx = x._wrap(np.zeros_like(x._data))
        return gg, gx

    def name(self) -> str:
        return self.op.backward_name + "Backward0"


class Relu(PiecewiseLinear):
    """z = max(x, 0).   dz/dx = 1 where x > 0 (and where x is nan), else 0 (0 at x = 0, as PyTorch).

    The gradient is PyTorch's (its threshold_backward): g where x > 0, and exactly 0 where
    x <= 0, even where g is inf or nan, which g times a 0/1 derivative would turn into nan."""
    backward_name = "ThresholdBackward"

    @staticmethod
    def numpy_function(x):
        return np.maximum(x, 0)

    @staticmethod
    def gradient(g, x):
        return zero_where(g, x <= 0)


class LeakyRelu(PiecewiseLinear):
    """z = x where x > 0, else negative_slope * x.   dz/dx = 1 where x > 0, else negative_slope
    (at 0 and, as PyTorch's kernel tests x > 0, at nan)."""
    backward_name = "LeakyReluBackward"

    @staticmethod
    def numpy_function(x, negative_slope):
        return np.where(x > 0, x, x * np.asarray(negative_slope, x.dtype))

    @staticmethod
    def gradient(g, x, negative_slope):
        return np.where(x > 0, g, g * np.asarray(negative_slope, g.dtype))


class Hardtanh(PiecewiseLinear):
    """z = x clamped to [min_val, max_val].   dz/dx = 1 where min_val < x < max_val (and at nan),
    else 0: unlike clamp's, 0 at the bounds themselves, as PyTorch's hardtanh_backward."""
    backward_name = "HardtanhBackward"

    @staticmethod
    def numpy_function(x, min_val, max_val):
        return np.clip(x, np.asarray(min_val, x.dtype), np.asarray(max_val, x.dtype))

    @staticmethod
    def gradient(g, x, min_val, max_val):
        return zero_where(g, (x <= min_val) | (x >= max_val))


class Sign(Primitive):
    """z = -1, 0 or 1 as x < 0, x == 0 or x > 0 (and 0 at nan, as PyTorch; NumPy says nan).
    dz/dx = 0: exact zeros, even where g is inf or nan (PyTorch's SignBackward0 gives zeros_like(g)).

    A node rather than a constant so that abs's derivative g * sign(x), recorded, depends on x:
    after `g, = grad(x.abs().sum(), x, create_graph=True)`, g requires grad and its own derivative
    is zeros, as in PyTorch."""

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:  # PyTorch's sign of a bool tensor is the tensor itself
            return x.copy()
        return sign_array(x)

    @staticmethod
    def backward(ctx, g):
        return g._wrap(np.zeros(g.shape, g.dtype))


class Sgn(Sign):
    """sgn(x): sign under PyTorch's other name (they differ on complex numbers, which are not here);
    its own class for PyTorch's node name, SgnBackward0."""
