"""The primitives of nn: ops that speed or exactness demand be written by hand.

Everything else in nn is composite (built from the Tensor ops of
tinygrad_edu/ops.py), so it needs no backward of its own. These are not:

- `Erf`: NumPy has no erf, and GELU (PyTorch's default, erf form) needs an exact one.
- `Conv2dFunction`: as a composite (kh * kw shifted slices, multiplied and added) it is
  tens of times slower than one matrix product over the unrolled windows (im2col).
- `MaxPool2dFunction`: the composite (max over stacked slices) builds a graph per window offset.
- `LinearFunction`: with LogSoftmax (in tinygrad_edu/ops.py, as Tensor.log_softmax uses
  it too), one of the two ops of every classifier's training step. As composites
  they cost 3 and 11 graph nodes, and the weight's gradient comes back as a
  transposed view that the engine must copy; one node each halves the
  framework's time on benchmarks/mlp_step.py (see their docstrings).

Their backward passes are written with other primitives so that they can be
differentiated again (gradgradcheck). A convolution is bilinear in its input
and its weight, so three ops close the set: Conv2dFunction, its adjoint with respect to
the input (Conv2dInputGrad, a transposed convolution) and with respect to the
weight (Conv2dWeightGrad); each one's backward is made of the other two.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..ops import Primitive

__all__ = ["Erf", "LinearFunction", "Conv2dFunction", "Conv2dInputGrad", "Conv2dWeightGrad", "MaxPool2dFunction",
           "MaxPool2dGrad"]

_erf = np.frompyfunc(math.erf, 1, 1)


class Erf(Primitive):
    """z = erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t**2) dt.
    dz/dx = 2/sqrt(pi) * exp(-x**2).

    The forward calls Python's math.erf on each element: exact to the last
    bit, but a Python call per element (slow on big arrays). NumPy has no erf,
    and the quick rational approximations (Abramowitz-Stegun 7.1.26) are only
    good to about 1e-7, which a float64 gradcheck would notice.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.asarray(_erf(x), dtype=x.dtype)  # frompyfunc gives objects (a float for 0-d)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (2 / math.sqrt(math.pi)) * (-x * x).exp()


# ---------------------------------------------------------------- linear and log-softmax

class LinearFunction(Primitive):
    """y = x @ w.T + b, with w of shape (out_features, in_features); b is optional.

    dL/dx = g @ w,   dL/dw = g^T @ x,   dL/db = sum of g over the batch,
    where x and g are seen as 2-D, (batch, features), however many batch dims x has.

    Why a primitive: the composite (transpose, matmul, add) is three nodes, its weight
    gradient comes back transposed (a view, which the engine copies into .grad) and
    its bias gradient through the engine's unbroadcast (a sum and a reshape). Here
    dL/dw is computed in w's own layout. On benchmarks/mlp_step.py this takes the
    step from 1.80x to 1.47x hand-written NumPy (one BLAS thread, with the composite
    log-softmax). The backward is made of Tensor ops, so it can be differentiated again.
    """

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        y = np.matmul(x, w.T)
        if b is not None:
            y += b  # y is a fresh array: add in place, no second allocation
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = (ctx.needs_input_grad + (False,))[:3]
        gx = g @ w if need_x else None
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        gw = g2.mT @ (x if x.ndim == 2 else x.reshape(-1, x.shape[-1])) if need_w else None
        gb = g2.sum(0) if need_b else None
        return (gx, gw, gb)[:len(ctx.needs_input_grad)]


# ---------------------------------------------------------------- convolution

def padded(x: np.ndarray, padding: tuple, value: float = 0.0) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def windows(x: np.ndarray, kernel: tuple, stride: tuple) -> np.ndarray:
    """Every kernel-sized window of NCHW x, as a view of shape (N, C, Ho, Wo, kh, kw)."""
    return sliding_window_view(x, kernel, axis=(2, 3))[:, :, ::stride[0], ::stride[1]]


def im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple):
    """The windows of x unrolled into columns: shape (N, C*kh*kw, Ho*Wo), and (Ho, Wo).
    One copy; a matrix product with the weight as (O, C*kh*kw) is then the convolution."""
    win = windows(padded(x, padding), kernel, stride)  # (N, C, Ho, Wo, kh, kw), a view
    n, _, ho, wo = win.shape[:4]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, -1, ho * wo), (ho, wo)


class Conv2dFunction(Primitive):
    """y[n, o, i, j] = sum over c, a, b of xp[n, c, i*sh + a, j*sw + b] * w[o, c, a, b]
    (xp: x padded with zeros), computed as one matrix product per batch
    element: w as (O, C*kh*kw) times the unrolled windows (C*kh*kw, Ho*Wo).

    y is linear in x and in w, so
      dL/dx = Conv2dInputGrad(g, w)   (each window's share of g, added back), and
      dL/dw = Conv2dWeightGrad(x, g)  (each window times its g, summed).
    """

    @staticmethod
    def forward(ctx, x, w, stride, padding):
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding = stride, padding
        n, o = x.shape[0], w.shape[0]
        columns, (ho, wo) = im2col(x, w.shape[2:], stride, padding)
        return np.matmul(w.reshape(o, -1), columns).reshape(n, o, ho, wo)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        options = {"stride": ctx.stride, "padding": ctx.padding}
        gx = Conv2dInputGrad.apply(g, w, x_shape=x.shape, **options) if need_x else None
        gw = Conv2dWeightGrad.apply(x, g, w_shape=w.shape, **options) if need_w else None
        return gx, gw


class Conv2dInputGrad(Primitive):
    """z = the adjoint of Conv2dFunction in its input (a transposed convolution): every
    output gradient g[n, o, i, j] is spread back over the window it came from,
    weighted by w. z has shape `x_shape`. Bilinear in (g, w):
      dL/dg = Conv2dFunction(h, w),   dL/dw = Conv2dWeightGrad(h, g)   (h: the gradient of z)."""

    @staticmethod
    def forward(ctx, g, w, x_shape, stride, padding):
        ctx.save_for_backward(g, w)
        ctx.stride, ctx.padding = stride, padding
        n, o, ho, wo = g.shape
        _, c, kh, kw = w.shape
        (sh, sw), (ph, pw) = stride, padding
        columns = np.matmul(w.reshape(o, -1).T, g.reshape(n, o, -1)).reshape(n, c, kh, kw, ho, wo)
        xp = np.zeros((n, c, x_shape[2] + 2 * ph, x_shape[3] + 2 * pw), dtype=columns.dtype)
        for a in range(kh):  # col2im: add each kernel offset's share back, one slice at a time
            for b in range(kw):
                xp[:, :, a:a + sh * ho:sh, b:b + sw * wo:sw] += columns[:, :, a, b]
        return xp[:, :, ph:ph + x_shape[2], pw:pw + x_shape[3]]

    @staticmethod
    def backward(ctx, h):
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad
        options = {"stride": ctx.stride, "padding": ctx.padding}
        gg = Conv2dFunction.apply(h, w, **options) if need_g else None
        gw = Conv2dWeightGrad.apply(h, g, w_shape=w.shape, **options) if need_w else None
        return gg, gw


class Conv2dWeightGrad(Primitive):
    """z[o, c, a, b] = sum over n, i, j of g[n, o, i, j] * xp[n, c, i*sh + a, j*sw + b]:
    the adjoint of Conv2dFunction in its weight. Bilinear in (x, g):
      dL/dx = Conv2dInputGrad(g, h),   dL/dg = Conv2dFunction(x, h)   (h: the gradient of z)."""

    @staticmethod
    def forward(ctx, x, g, w_shape, stride, padding):
        ctx.save_for_backward(x, g)
        ctx.stride, ctx.padding = stride, padding
        n, o = g.shape[:2]
        columns, _ = im2col(x, w_shape[2:], stride, padding)  # (N, C*kh*kw, Ho*Wo)
        # One (O, Ho*Wo) @ (Ho*Wo, C*kh*kw) product per batch element, then summed over the batch.
        return np.matmul(g.reshape(n, o, -1), columns.transpose(0, 2, 1)).sum(axis=0).reshape(w_shape)

    @staticmethod
    def backward(ctx, h):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        options = {"stride": ctx.stride, "padding": ctx.padding}
        gx = Conv2dInputGrad.apply(g, h, x_shape=x.shape, **options) if need_x else None
        gg = Conv2dFunction.apply(x, h, **options) if need_g else None
        return gx, gg


# ---------------------------------------------------------------- pooling

class MaxPool2dFunction(Primitive):
    """y[n, c, i, j] = max of x over the window at (i*sh, j*sw) (padding counts as -inf).
    dy/dx = 1 at the window's maximum (the first one, if several tie), 0 elsewhere:
    the gradient is routed back to where each maximum came from (MaxPool2dGrad)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding):
        n, c, height, width = x.shape
        (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
        xp = padded(x, padding, -np.inf)
        ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
        # Slice k holds the k-th element of every window (a strided view, no copy).
        pieces = [xp[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw]
                  for a in range(kh) for b in range(kw)]
        out = pieces[0].copy()
        for piece in pieces[1:]:
            np.maximum(out, piece, out=out)
        # best = the first offset holding the maximum (PyTorch's choice on ties):
        # from the back, best_k = 0 if piece k is the maximum, else 1 + best_(k+1).
        best = np.zeros(out.shape, dtype=np.intp)
        for piece in reversed(pieces[:-1]):
            best += 1
            best *= piece != out
        # Where in x (flattened) each maximum sits: the window's top-left corner plus the offset.
        corner = (np.arange(n * c).reshape(n, c, 1, 1) * height * width
                  + (np.arange(ho)[:, None] * sh - ph) * width + np.arange(wo) * sw - pw)
        offsets = np.array([a * width + b for a in range(kh) for b in range(kw)])
        ctx.index = corner + offsets[best]
        ctx.overlapping = sh < kh or sw < kw
        ctx.x_shape = x.shape
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPool2dGrad.apply(g, index=ctx.index, x_shape=ctx.x_shape, overlapping=ctx.overlapping)


class MaxPool2dGrad(Primitive):
    """z = zeros of x's shape with g[k] added at x's flat position index[k].
    LinearFunction in g; dz/dg = the value of the incoming gradient at index: h.flatten()[index]."""

    @staticmethod
    def forward(ctx, g, index, x_shape, overlapping):
        ctx.index = index
        out = np.zeros(int(np.prod(x_shape)), dtype=g.dtype)
        if overlapping:  # a position can be the maximum of several windows: add them all
            np.add.at(out, index.ravel(), g.ravel())
        else:            # each position is in one window at most: a plain assignment is enough
            out[index.ravel()] = g.ravel()
        return out.reshape(x_shape)

    @staticmethod
    def backward(ctx, h):
        return h.reshape(-1)[ctx.index]
