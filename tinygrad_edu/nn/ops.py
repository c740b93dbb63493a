"""The primitives of nn: ops that speed or exactness demand be written by hand.

Everything else in nn is composite (built from the Tensor ops of
tinygrad_edu/ops.py), so it needs no backward of its own. These are not:

- `Conv2dFunction`: as a composite (kh * kw shifted slices, multiplied and added) it is
  tens of times slower than one matrix product over the unrolled windows (im2col).
- `MaxPool2dFunction`: the composite (max over stacked slices) builds a graph per window offset.
- `MaxUnpool2dFunction`: the composite (scatter) multiplies by a one-hot table of every input
  element against every output place.
- `LinearFunction` (and `LinearWeightGrad`, its weight's gradient) and `CrossEntropyFunction`:
  the two ops of every classifier's training step. As composites they cost 3 and 4 graph
  nodes and a backward of twice as many ops; one node each (see their docstrings;
  benchmarks/README.md has what they are worth on benchmarks/mlp_step.py).

Their backward passes are written with other primitives so that they can be
differentiated again (gradgradcheck). A convolution is bilinear in its input
and its weight, so three ops close the set: Conv2dFunction, its adjoint with respect to
the input (Conv2dInputGrad, a transposed convolution) and with respect to the
weight (Conv2dWeightGrad); each one's backward is made of the other two. They and
max-pooling split the batch over the CPU's threads when more than one is allowed (cores.py).

They are named for the 2-D layers they were written for, but take any number of spatial dims: the
3-D layers (conv3d, conv_transpose3d, max_pool3d, max_unpool3d) run the same code on (N, C, D, H, W),
so each derivative is still written once; the offsets of a kernel are walked as a product of ranges.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd import Mode
from ..movement_ops import GetItem
from ..ops import MatMul, Primitive, Sum
from .cores import over_batch

__all__ = ["EmbeddingFunction", "LinearFunction", "LinearWeightGrad", "CrossEntropyFunction", "Conv2dFunction",
           "Conv2dInputGrad", "Conv2dWeightGrad", "MaxPool2dFunction", "MaxPool2dGrad",
           "MaxUnpool2dFunction"]


class EmbeddingFunction(GetItem):
    """z = weight[indices], the rows of the table.   dz/dweight: g added into the rows read (AddAt).
    A GetItem, in a class of its own so the node has PyTorch's name, EmbeddingBackward0."""

    @classmethod
    def name(cls) -> str:
        return "EmbeddingBackward0"


# ---------------------------------------------------------------- linear and cross-entropy

class LinearFunction(Primitive):
    """y = x @ w.T + b, with w of shape (out_features, in_features); b is optional.

    dL/dx = g @ w,   dL/dw = g^T @ x   (LinearWeightGrad),   dL/db = sum of g over the batch,
    where x and g are seen as 2-D, (batch, features), however many batch dims x has.

    Why a primitive: the composite (transpose, matmul, add) is three nodes, its weight
    gradient comes back transposed (a view, which the engine copies into .grad) and
    its bias gradient through the engine's unbroadcast (a sum and a reshape). Here the
    backward is three products (a matmul, LinearWeightGrad, a sum), each computed in the
    layout its result needs. A recorded backward (create_graph=True) makes each one an op,
    to be differentiated again; a plain one computes the same products on the arrays, with
    no ops and no nodes (tests/test_ops.py checks both routes give the same gradients).

    Its name is PyTorch's for a 2-D x: AddmmBackward0 (b + x @ w.T), MmBackward0 without b;
    for other shapes PyTorch reshapes x around that product (three nodes), so it stays
    LinearBackward0 here.
    """
    matrix = False  # x is 2-D

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        if x.ndim == 2:
            ctx.matrix = True
        y = np.matmul(x, w.T)
        if b is not None:
            y += b  # y is a fresh array: add in place, no second allocation
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad[:2]
        need_b = len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]
        batch_axes = tuple(range(g.ndim - 1))  # g summed over them is the bias gradient
        if Mode.grad_enabled:  # recorded: the products as ops
            gx = MatMul.apply(g, w) if need_x else None
            gw = LinearWeightGrad.apply(g, x) if need_w else None
            gb = Sum.apply(g, axes=batch_axes) if need_b else None
        else:  # plain: the same products on the arrays
            ga, xa, wa = g._data, x._data, w._data
            gx = g._wrap(np.matmul(ga, wa)) if need_x else None
            gw = g._wrap(LinearWeightGrad.product(ga, xa)) if need_w else None
            gb = g._wrap(ga.sum(axis=batch_axes)) if need_b else None
        return (gx, gw) if len(ctx.needs_input_grad) == 2 else (gx, gw, gb)

    def name(self) -> str:
        if not self.matrix:
            return "LinearBackward0"
        return "AddmmBackward0" if len(self.needs_input_grad) == 3 else "MmBackward0"


class LinearWeightGrad(Primitive):
    """z = g^T @ x with g and x seen as 2-D (batch, features): the gradient of LinearFunction's
    weight, of shape (out_features, in_features).

    Bilinear in (g, x); with h the gradient of z:
      dL/dg = x @ h^T = LinearFunction(x, h),   dL/dx = g @ h.

    Why a primitive: as `g.mT @ x` it is two nodes (a transpose and a matmul) and the
    batch dims must be flattened first (two reshapes more); NumPy's matmul reads the
    transposed g directly.
    """

    @staticmethod
    def product(g, x):
        """g^T @ x on arrays, their batch dims flattened first."""
        if g.ndim != 2:
            g, x = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
        return np.matmul(g.T, x)

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(g, x)
        return LinearWeightGrad.product(g, x)

    @staticmethod
    def backward(ctx, h):
        g, x = ctx.saved_tensors
        need_g, need_x = ctx.needs_input_grad
        return (LinearFunction.apply(x, h) if need_g else None), (MatMul.apply(g, h) if need_x else None)


class CrossEntropyFunction(Primitive):
    """loss = -1/N * sum over n of log softmax(x_n)[y_n] = 1/N * sum over n of (logsumexp(x_n) - x[n, y_n])
    for logits x of shape (N, C) and class indices y (N,); `reduction='sum'` drops the 1/N.

    dL/dx = g * (softmax(x) - onehot(y)) / N   (the textbook form; `derivative`).

    Why a primitive: as nll_loss(log_softmax(x)) it is four nodes (log-softmax, pick the
    targets, sum, scale) whose backward runs eight ops, among them a scatter (AddAt) into
    a zero matrix; here it is one node whose backward is one op (g times the derivative).
    `derivative` is written once and runs on NumPy arrays and on Tensors alike: a plain
    backward applies it in NumPy to softmax(x), kept by forward (no exponential and no ops,
    g folded into the scale); a recorded one (create_graph=True) recomputes softmax(x) from x
    in the graph, so the gradient can be differentiated again (tests/test_ops.py checks both
    routes give the same gradient).
    """

    @staticmethod
    def derivative(probs, onehot, scale):
        return (probs - onehot) * scale

    @staticmethod
    def forward(ctx, x, target, reduction="mean"):
        ctx.save_for_backward(x)
        n = target.shape[0]
        rows = np.arange(n)
        shifted = x - x.max(axis=1, keepdims=True)  # a row of all -inf or one +inf gives nan, as PyTorch
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        losses = np.log(total[:, 0]) - shifted[rows, target]
        ctx.target, ctx.scale = target, (1.0 / n if reduction == "mean" else 1.0)
        if Mode.grad_enabled and ctx.needs_input_grad[0]:  # only a backward reads it
            ctx.probs = e / total
        return np.asarray(losses.sum() * ctx.scale, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        onehot = np.zeros_like(x._data)
        onehot[np.arange(len(onehot)), ctx.target] = 1
        if Mode.grad_enabled:  # recorded: softmax from x in the graph (see the docstring)
            return g * CrossEntropyFunction.derivative(x.log_softmax(1).exp(), x._wrap(onehot), ctx.scale)
        # plain: on the arrays, with g (a number: the loss is 0-d) folded into the scale
        return g._wrap(CrossEntropyFunction.derivative(ctx.probs, onehot, ctx.scale * g._data))


# ---------------------------------------------------------------- convolution
# The convolution and pooling primitives are written for any number of spatial dims: conv2d and max_pool2d run
# them on (N, C, H, W) (and the 1-D forms on a unit height), conv3d and max_pool3d on (N, C, D, H, W). Each
# kernel, stride, padding and dilation is a tuple with one entry per spatial dim.
# A kernel of size k with dilation d reaches d*(k-1) + 1 input positions: its offsets are 0, d, 2d, ...
# With groups G, the C input and O output channels are G blocks: output block k sees input block k only,
# through weight rows k*O/G .. (k+1)*O/G - 1, each of C/G channels. Every matrix product below is then G
# products, one per block (np.matmul over a leading axis of G); with G = 1 it is the one product.
ALL = slice(None)  # a whole dim, in the index tuples below


def valid_range(size: int, offset: int, stride: int, pad: int, out_size: int) -> tuple[int, int, int]:
    """The output positions i whose input position i*stride + offset - pad lies inside 0..size-1,
    as (first, stop), and the input position of the first. Positions outside read the zero
    padding, so col2im and pooling can skip them instead of padding their input."""
    first = max(0, -(-(pad - offset) // stride))
    stop = min(out_size, (size - 1 + pad - offset) // stride + 1)
    return first, max(first, stop), first * stride + offset - pad


def output_size(size: int, kernel: int, stride: int, pad: int, dilation: int = 1) -> int:
    return (size + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1


def output_shape(x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple = (1, 1)) -> tuple:
    """(Ho, Wo): the output's height and width for an (N, C, H, W) input ((Do, Ho, Wo) for (N, C, D, H, W))."""
    return tuple(output_size(*each) for each in zip(x_shape[2:], kernel, stride, padding, dilation))


def columns_for(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                ones_row: bool = False) -> np.ndarray:
    """A buffer for x's unrolled windows (im2col), of shape (N, C*kh*kw, Ho*Wo), empty for im2col to
    fill; with `ones_row`, one row more, filled with ones: the input the bias multiplies (Conv2dFunction)."""
    out_size = output_shape(x.shape, kernel, stride, padding, dilation)
    columns = np.empty((x.shape[0], x.shape[1] * math.prod(kernel) + ones_row, math.prod(out_size)), dtype=x.dtype)
    if ones_row:
        columns[:, -1] = 1
    return columns


def im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, columns: np.ndarray) -> None:
    """Fill the first C*kh*kw rows of `columns` (see columns_for) with the windows of x unrolled:
    seen as (N, C, kh, kw, Ho, Wo), [:, :, a, b] holds the element at kernel offset (a, b) of every
    window. A matrix product with the weight as (O, C*kh*kw) is then the convolution.

    x padded with zeros (a copy kh*kw times smaller than `columns`) is viewed as its windows,
    a strided view with no copy, and the view is copied into `columns` in one call. Few NumPy
    calls matter when the batch is split over threads (cores.py): each call ends by taking
    Python's global lock back, and a thread that waits for it takes ~60 us to wake on the
    benchmarks' machine. One copy per kernel offset with its zero border was ~50 calls for a
    3x3 kernel, and no faster on one thread. (In 3-D: (N, C, kd, kh, kw, Do, Ho, Wo), the same way.)"""
    n, c = x.shape[:2]
    dims = len(kernel)
    if any(padding):
        padded = np.zeros((n, c) + tuple(size + 2 * p for size, p in zip(x.shape[2:], padding)), dtype=x.dtype)
        padded[(ALL, ALL) + tuple(slice(p, p + size) for size, p in zip(x.shape[2:], padding))] = x
        x = padded
    reach = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))  # the input a window spans; every d-th is used
    steps = tuple(slice(None, None, step) for step in stride + dilation)  # (::sh, ::sw, ::dh, ::dw) in 2-D
    windows = sliding_window_view(x, reach, axis=tuple(range(2, 2 + dims)))[(ALL, ALL) + steps]  # (N, C, Ho, Wo,
    # kh, kw)
    rows = columns[:, :c * math.prod(kernel)].reshape((n, c) + tuple(kernel) + windows.shape[2:2 + dims])  # a view
    np.copyto(rows, windows.transpose((0, 1) + tuple(range(2 + dims, 2 + 2 * dims)) + tuple(range(2, 2 + dims))))


def kernel_offsets(size: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, out_size: tuple,
                   inside_only: bool = False):
    """For each kernel offset (a, b), in reading order: the offset, the output positions whose window element
    at that offset (a*dh rows and b*dw columns from the window's corner) lies inside an input of spatial
    `size`, as an index of the output, and those elements, as an index of the input (strided slices).
    With `inside_only`, the offsets that lie in the padding for every window (large padding) are left out."""
    per_dim = []  # for each spatial dim, (a, output slice, input slice) for each of its offsets a
    for length, k, step, pad, d, out_length in zip(size, kernel, stride, padding, dilation, out_size):
        slices = []
        for a in range(k):
            first, stop, start = valid_range(length, a * d, step, pad, out_length)
            if stop > first or not inside_only:
                slices.append((a, slice(first, stop), slice(start, start + step * (stop - first - 1) + 1, step)))
        per_dim.append(slices)
    for choice in itertools.product(*per_dim):
        offset, where, x_index = zip(*choice)
        yield offset, (ALL, ALL) + where, (ALL, ALL) + x_index


def col2im(columns: np.ndarray, stride: tuple, padding: tuple, dilation: tuple, out: np.ndarray) -> None:
    """The adjoint of im2col: each window element of `columns` (N, C, kh, kw, Ho, Wo) added back
    where it came from, into `out`, zeros of x's shape (the padding is never made)."""
    dims = len(stride)
    kernel, out_size = columns.shape[2:2 + dims], columns.shape[2 + dims:]
    for offset, where, x_index in kernel_offsets(out.shape[2:], kernel, stride, padding, dilation, out_size, True):
        out[x_index] += columns[(ALL, ALL) + offset + where[2:]]


def in_groups(array: np.ndarray, groups: int, axis: int) -> np.ndarray:
    """`array` with its `axis` split into (groups, size // groups): a view of each group's block."""
    shape = array.shape
    return array.reshape(shape[:axis] + (groups, shape[axis] // groups) + shape[axis + 1:])


def weight_grad(g: np.ndarray, columns: np.ndarray, groups: int) -> np.ndarray:
    """sum over n of g[n] (O, Ho*Wo) @ columns[n]^T (Ho*Wo, rows), group by group: one product per batch
    element and group, the batch split over the cores; summed over n once they are all done.
    Shape (O, rows // groups)."""
    n, o = g.shape[:2]
    g = in_groups(g.reshape(n, o, -1), groups, 1)  # (N, G, O/G, L)
    columns = in_groups(columns, groups, 1).swapaxes(2, 3)  # (N, G, L, rows/G)
    products = np.empty((n, groups, o // groups, columns.shape[3]), dtype=np.result_type(g, columns))
    over_batch(lambda s: np.matmul(g[s], columns[s], out=products[s]), n, columns.size)
    return products.sum(axis=0).reshape(o, -1)


def bias_grad(g):
    """The sum of g over the batch and then over each channel's image (or volume): a bias's gradient."""
    return Sum.apply(Sum.apply(g, axes=(0,)), axes=tuple(range(1, g.ndim - 1)))


class Conv2dFunction(Primitive):
    """y[n, o, i, j] = b[o] + sum over c, a, b of xp[n, c', i*sh + a*dh, j*sw + b*dw] * w[o, c, a, b]
    (xp: x padded with zeros; c' = c + (o's group) * C/G: see the comment above; b optional), computed
    as one matrix product per batch element (and group): w as (O, C/G*kh*kw) times the unrolled windows
    (C*kh*kw, Ho*Wo). With more than one thread the batch is split over them (cores.py), here and in
    the two adjoints.

    y is linear in x and in w, so
      dL/dx = Conv2dInputGrad(g, w)   (each window's share of g, added back),
      dL/dw = Conv2dWeightGrad(x, g)  (each window times its g, summed),
      dL/db = the sum of g over n, i and j.

    The bias is one more column of the weight, multiplying one more row of the unrolled windows,
    all ones (columns_for): the product adds it, with no pass over y of its own, and a plain
    backward gets dL/db from the product that gives dL/dw (the sum of g times that row of ones),
    with no sum of its own either. (The two passes took 0.2 ms of benchmarks/conv.py's 4-5 ms
    step.) With groups the bias is added to y instead, as the row of ones would belong to one group.
    A recorded backward (create_graph=True) sums g as an op; tests/test_ops.py checks that
    both give the same gradients. When w needs a gradient, forward keeps the unrolled windows
    for it, which would otherwise be unrolled again.
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
        ctx.save_for_backward(x, w)
        ctx.options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        n, o = x.shape[0], w.shape[0]
        ctx.bias_row = b is not None and groups == 1  # the bias folded into the product (see above)
        columns = columns_for(x, w.shape[2:], stride, padding, dilation, ones_row=ctx.bias_row)
        if ctx.needs_input_grad[1]:
            ctx.columns = columns
        weights = w.reshape(o, -1) if not ctx.bias_row else np.concatenate((w.reshape(o, -1), b[:, None]), axis=1)
        weights = in_groups(weights, groups, 0)  # (G, O/G, C/G*kh*kw (+1))
        y = np.empty((n, o, columns.shape[2]), dtype=np.result_type(x, w))

        def one_slice(s):  # a slice of the batch: unroll its windows, multiply (the bias comes with them)
            im2col(x[s], w.shape[2:], stride, padding, dilation, columns[s])
            np.matmul(weights, in_groups(columns[s], groups, 1), out=in_groups(y[s], groups, 1))
        over_batch(one_slice, n, columns.size)
        if b is not None and not ctx.bias_row:
            y += b[:, None]
        return y.reshape((n, o) + output_shape(x.shape, w.shape[2:], stride, padding, dilation))

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        needs, options = ctx.needs_input_grad, ctx.options
        gx = Conv2dInputGrad.apply(g, w, x_shape=x.shape, **options) if needs[0] else None
        if len(needs) == 3 and needs[1] and needs[2] and ctx.bias_row and not Mode.grad_enabled:
            # plain: w's and b's in one product
            both = weight_grad(g._data, ctx.columns, 1)  # (O, C*kh*kw + 1): the last column is b's
            return gx, g._wrap(np.ascontiguousarray(both[:, :-1]).reshape(w.shape)), g._wrap(both[:, -1].copy())
        gw = Conv2dWeightGrad.apply(x, g, w_shape=w.shape, columns=ctx.columns, **options) if needs[1] else None
        if len(needs) == 2:
            return gx, gw
        # dL/db: over the batch first (whole images added), then over each channel's image: 75 against
        # 120 us for NumPy's sum over (0, 2, 3) at once on benchmarks/conv.py's gradient
        return gx, gw, (bias_grad(g) if needs[2] else None)

    @classmethod
    def name(cls) -> str:
        return "ConvolutionBackward0"  # PyTorch's one node for every convolution


class Conv2dInputGrad(Primitive):
    """z = the adjoint of Conv2dFunction in its input (a transposed convolution, F.conv_transpose2d):
    every output gradient g[n, o, i, j] is spread back over the window it came from, weighted by w,
    plus b[c] when a bias is given (F.conv_transpose2d's). z has shape `x_shape`. Bilinear in (g, w):
      dL/dg = Conv2dFunction(h, w),   dL/dw = Conv2dWeightGrad(h, g),   dL/db = the sum of h over n, i, j
    (h: the gradient of z)."""

    @staticmethod
    def forward(ctx, g, w, b=None, x_shape=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
        ctx.save_for_backward(g, w)
        ctx.options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        n, o, out_size = g.shape[0], g.shape[1], g.shape[2:]
        c, kernel = w.shape[1] * groups, w.shape[2:]
        weights = in_groups(w.reshape(o, -1), groups, 0).swapaxes(1, 2)  # (G, C/G*kh*kw, O/G)
        g = in_groups(g.reshape(n, o, -1), groups, 1)  # (N, G, O/G, Ho*Wo)
        out = np.zeros(x_shape, dtype=np.result_type(weights, g))

        def one_slice(s):
            columns = np.matmul(weights, g[s])  # (n, G, C/G*kh*kw, Ho*Wo): group by group, C*kh*kw rows
            col2im(columns.reshape((-1, c) + kernel + out_size), stride, padding, dilation, out[s])
        over_batch(one_slice, n, n * c * math.prod(kernel) * math.prod(out_size))
        if b is not None:
            out += b.reshape((-1,) + (1,) * len(kernel))
        return out

    @staticmethod
    def backward(ctx, h):
        g, w = ctx.saved_tensors
        needs, options = ctx.needs_input_grad, ctx.options
        gg = Conv2dFunction.apply(h, w, **options) if needs[0] else None
        gw = Conv2dWeightGrad.apply(h, g, w_shape=w.shape, **options) if needs[1] else None
        if len(needs) == 2:
            return gg, gw
        return gg, gw, (bias_grad(h) if needs[2] else None)

    @classmethod
    def name(cls) -> str:
        return "ConvolutionBackward0"  # PyTorch's node for conv_transpose2d too


class Conv2dWeightGrad(Primitive):
    """z[o, c, a, b] = sum over n, i, j of g[n, o, i, j] * xp[n, c', i*sh + a*dh, j*sw + b*dw] (c' as in
    Conv2dFunction): the adjoint of Conv2dFunction in its weight. Bilinear in (x, g):
      dL/dx = Conv2dInputGrad(g, h),   dL/dg = Conv2dFunction(x, h)   (h: the gradient of z).
    `columns`, when given, are x's unrolled windows (im2col), kept by Conv2dFunction's forward."""

    @staticmethod
    def forward(ctx, x, g, w_shape, stride, padding, dilation=(1, 1), groups=1, columns=None):
        ctx.save_for_backward(x, g)
        ctx.options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        if columns is None:
            columns = columns_for(x, w_shape[2:], stride, padding, dilation)
            im2col(x, w_shape[2:], stride, padding, dilation, columns)
        rows = x.shape[1] * math.prod(w_shape[2:])  # of the windows (columns kept by a forward with a bias
        # folded in have a row of ones more)
        return weight_grad(g, columns[:, :rows], groups).reshape(w_shape)

    @staticmethod
    def backward(ctx, h):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        options = ctx.options
        gx = Conv2dInputGrad.apply(g, h, x_shape=x.shape, **options) if need_x else None
        gg = Conv2dFunction.apply(x, h, **options) if need_g else None
        return gx, gg


# ---------------------------------------------------------------- pooling

def window_pieces(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, out_size: tuple):
    """For each kernel offset k = (a, b), in reading order: the output positions whose window element k
    lies inside x, as slices of the output, and those elements, as a strided view of x (kernel_offsets).
    The pools' arguments put every offset inside x for some window."""
    return [(where, x[x_index]) for _, where, x_index in
            kernel_offsets(x.shape[2:], kernel, stride, padding, dilation, out_size)]


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's output size of a pool along one dim: (size + 2*pad - dilation*(kernel-1) - 1) / stride + 1
    rounded down, or up with ceil_mode, less one if the last window would then start past the input and
    its left padding (it would hold right padding only)."""
    reach = dilation * (kernel - 1) + 1  # the input one window spans
    out = (size + 2 * pad - reach + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def smallest_int(count: int):
    """The smallest signed integer dtype that holds 0..count-1 (int8 for any kernel up to 11x11)."""
    return np.int8 if count <= 127 else np.int16 if count <= 32767 else np.int32


class MaxPool2dFunction(Primitive):
    """y[n, c, i, j] = max of x over the window at (i*sh, j*sw), whose elements are dh rows and dw columns
    apart (dilation; padding counts as -inf; with ceil_mode the last windows may reach past the right
    padding, and what is past it counts as -inf too).
    dy/dx = 1 at the window's maximum (the first one, if several tie), 0 elsewhere:
    the gradient is routed back to where each maximum came from (MaxPool2dGrad).

    Forward keeps, per output element, which offset of its window held the maximum: one
    small integer (int8 for a 2x2 window: an eighth of a flat int64 index). F.max_pool2d's
    return_indices passes `best`, an array of y's shape, for forward to fill (and reads the
    indices from it: plane_positions); otherwise forward makes its own."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation=(1, 1), ceil_mode=False, best=None):
        n, c = x.shape[:2]
        out_size = tuple(pool_output_size(*each, ceil_mode)
                         for each in zip(x.shape[2:], kernel, stride, padding, dilation))
        out = np.empty((n, c) + out_size, dtype=x.dtype)
        if best is None:
            best = np.empty((n, c) + out_size, dtype=smallest_int(math.prod(kernel)))
        window = (kernel, stride, padding, dilation)
        over_batch(lambda s: max_pool(x[s], *window, out[s], best[s]), n, x.size)
        ctx.best, ctx.window, ctx.x_shape = best, window, x.shape
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPool2dGrad.apply(g, best=ctx.best, window=ctx.window, x_shape=ctx.x_shape)

    def name(self) -> str:  # PyTorch's (its forward keeps the indices too: `best` here)
        return f"MaxPool{len(self.window[0])}DWithIndicesBackward0"


def max_pool(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, out: np.ndarray,
             best: np.ndarray) -> None:
    """Fill `out` with the maximum of each window of x, and `best` with the offset in the window that holds it."""
    pieces = window_pieces(x, kernel, stride, padding, dilation, out.shape[2:])
    if not any(padding):  # the first offset is inside every window (ceil_mode's too): start from it
        out[...] = pieces[0][1]
        rest = pieces[1:]
    else:
        out.fill(-np.inf)
        rest = pieces
    for where, x_view in rest:
        np.maximum(out[where], x_view, out=out[where])
    # best = the first offset holding the maximum (PyTorch's choice on ties): from the back,
    # best_k = 0 if piece k holds the maximum, else 1 + best_(k+1) (a multiply by a mask,
    # many times faster than a masked copy). Outside x, a piece holds padding: never the maximum.
    best.fill(0)
    for where, x_view in reversed(pieces[:-1]):
        best += 1
        best[where] *= x_view != out[where]
    if out.dtype.kind == "f" and np.isnan(out.sum()):  # (one pass; inf - inf lands here too, harmlessly)
        # A window holding nan has the maximum nan, which no comparison above can find: as PyTorch's,
        # its index (and so its gradient) goes to the window's last nan.
        for k, (where, x_view) in enumerate(pieces):
            best[where][np.isnan(x_view)] = k


class MaxPool2dGrad(Primitive):
    """z = zeros of x's shape with g[n, c, i, j] added at the position in x of the maximum of
    window (i, j), which is window offset best[n, c, i, j]. Linear in g; dL/dg = the value
    of the incoming gradient h at those positions (each window's maximum read back).
    `window` is (kernel, stride, padding, dilation).

    One strided add per window offset (g masked to the windows whose maximum sits there),
    written straight into z; overlapping windows add up. When the windows tile x (kernel ==
    stride, no padding or dilation, nothing left over: the usual 2x2 pooling), every element of x
    is in one window at one offset, so each is written once: no zeros to start from, and no add."""

    @staticmethod
    def forward(ctx, g, best, window, x_shape):
        ctx.best, ctx.window = best, window
        kernel, stride, padding, dilation = window
        tiles = (kernel == stride and not any(padding) and max(dilation) == 1
                 and tuple(x_shape[2:]) == tuple(size * k for size, k in zip(g.shape[2:], kernel)))
        out = (np.empty if tiles else np.zeros)(x_shape, dtype=g.dtype)

        def one_slice(s):
            for k, (where, out_view) in enumerate(window_pieces(out[s], *window, g.shape[2:])):
                if tiles:
                    np.multiply(g[s][where], best[s][where] == k, out=out_view)
                else:
                    out_view += g[s][where] * (best[s][where] == k)
        over_batch(one_slice, len(g), out.size)
        return out

    @staticmethod
    def backward(ctx, h):
        return h.reshape(-1)[max_positions(ctx.best, ctx.window, h.shape)]


def plane_positions(best: np.ndarray, window: tuple, size: tuple) -> np.ndarray:
    """Where in its (H, W) plane of x (spatial `size`) each window's maximum sits, flattened (row * W +
    column, int64: PyTorch's indices; (depth * H + row) * W + column in 3-D): the window's top-left corner
    plus the offset `best`, a = best // kw rows of dh down and b = best % kw columns of dw right.
    `window` is (kernel, stride, padding, dilation)."""
    kernel, stride, padding, dilation = window
    offsets = np.unravel_index(best.astype(np.int64), kernel)  # (a, b): the offset along each dim
    dims = len(kernel)
    position = 0
    for d in range(dims):  # each dim's position, the window's corner plus its offset, onto the flat index
        corners = (np.arange(best.shape[2 + d]) * stride[d] - padding[d]).reshape((-1,) + (1,) * (dims - 1 - d))
        position = position * size[d] + corners + offsets[d] * dilation[d]
    return position


def max_positions(best: np.ndarray, window: tuple, x_shape: tuple) -> np.ndarray:
    """Where in x (flattened) each window's maximum sits: its plane's start plus plane_positions."""
    n, c, size = x_shape[0], x_shape[1], tuple(x_shape[2:])
    planes = np.arange(n * c).reshape((n, c) + (1,) * len(size))
    return planes * math.prod(size) + plane_positions(best, window, size)


class MaxUnpool2dFunction(Primitive):
    """z = zeros of shape (N, C) + size, with x[n, c, i, j] written at place indices[n, c, i, j] of
    its (H, W) plane, flattened (row * W + column): max pooling undone where it kept something
    (F.max_unpool2d; F.max_unpool3d's planes are (D, H, W) volumes). Where two indices name one place, the
    later value stays, as in PyTorch's loop.

    Linear in x: dL/dx = g read at the indices (PyTorch's rule, repeated indices included), a gather
    (GetItem) whose own gradient adds h back at those places (AddAt).

    Why a primitive: as a composite (scatter) it is a product with a one-hot table of size
    x.numel() * H * W; here it is one assignment."""

    @staticmethod
    def forward(ctx, x, indices, size):
        n, c = x.shape[:2]
        plane = math.prod(size)
        ctx.places = np.arange(n * c).reshape((n, c) + (1,) * len(size)) * plane + indices  # in z flattened
        out = np.zeros(n * c * plane, dtype=x.dtype)
        out[ctx.places.reshape(-1)] = x.reshape(-1)
        return out.reshape((n, c) + tuple(size))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(-1)[ctx.places]

    def name(self) -> str:
        return f"MaxUnpool{self.places.ndim - 2}DBackward0"
