"""tinygrad_edu.nn.functional: the layers as plain functions (import ... as F).

Everything here is built from Tensor ops, so it is differentiable to any
order, except linear, log_softmax, conv2d, max_pool2d and erf (for gelu), which
call the primitives in nn/ops.py for speed or exactness. The losses live in
nn/loss_functions.py and are re-exported here.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import no_grad
from ..creation import stack
from ..random import generator
from ..tensor import Tensor
from . import ops
from .loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)

__all__ = [
    "linear", "relu", "leaky_relu", "gelu", "erf", "sigmoid", "tanh", "softmax", "log_softmax", "dropout",
    "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
    "batch_norm", "layer_norm", "embedding", "pad",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "nll_loss",
]


def pair(value, name: str) -> tuple[int, int]:
    """3 -> (3, 3); (2, 3) stays."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name}: expected an int or a pair of ints, got {value!r}")
        return int(value[0]), int(value[1])
    return int(value), int(value)


# ---------------------------------------------------------------- linear and activations

def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    x_shape, w_shape = x._data.shape, weight._data.shape  # (the arrays': a Tensor's .shape makes a Size)
    if not x_shape:
        raise RuntimeError(f"linear: the input is 0-d (one number), but a Linear layer with weight "
                           f"{tuple(weight.shape)} needs at least 1 dimension of {weight.shape[-1]} features. "
                           f"Hint: give shape ({weight.shape[-1]},) or (batch, {weight.shape[-1]}).")
    if x_shape[-1] != w_shape[-1]:
        raise RuntimeError(f"linear: input of shape {tuple(x.shape)} has {x.shape[-1]} features but the weight "
                           f"{tuple(weight.shape)} expects {weight.shape[-1]} (weight is (out_features, in_features)). "
                           "Hint: check in_features of the layer, or flatten the input first.")
    return ops.LinearFunction.apply(x, weight) if bias is None else ops.LinearFunction.apply(x, weight, bias)


def relu(x: Tensor) -> Tensor:
    """max(x, 0)."""
    return x.relu()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (so the slope at 0 is negative_slope, as PyTorch's)."""
    return x.where(x > 0, x * negative_slope)


def erf(x: Tensor) -> Tensor:
    """The error function (exact: see nn.ops.Erf)."""
    return ops.Erf.apply(x)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF: x/2 * (1 + erf(x / sqrt(2))) (PyTorch's default).
    approximate='tanh': x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3)))."""
    if approximate == "tanh":
        return x * 0.5 * (1 + ((x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)).tanh())
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
    return x * 0.5 * (1 + erf(x * (1 / math.sqrt(2))))


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x))."""
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def softmax_dim(ndim: int, dim) -> int:
    """PyTorch's choice when no dim is given (it warns; we follow it quietly)."""
    if dim is not None:
        return dim
    return 0 if ndim in (0, 1, 3) else 1


def softmax(x: Tensor, dim: int | None = None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along dim."""
    return x.softmax(softmax_dim(x.ndim, dim))


def log_softmax(x: Tensor, dim: int | None = None) -> Tensor:
    """x_i - logsumexp(x) along dim: stable for logits in the thousands (see ops.LogSoftmaxFunction)."""
    return x.log_softmax(softmax_dim(x.ndim, dim))


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), so the
    expected value is unchanged; the identity when not training."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    keep = generator().random(x.shape) >= p
    return x * (keep / (1 - p)).astype(x.dtype)


# ---------------------------------------------------------------- convolution and pooling

def conv_padding(padding, stride: tuple, name: str):
    """'valid' -> (0, 0); 'same' stays (its amount depends on the kernel); 3 -> (3, 3)."""
    if not isinstance(padding, str):
        return pair(padding, name)
    if padding == "valid":
        return (0, 0)
    if padding != "same":
        raise ValueError(f"{name}: padding must be an int, a pair of ints, 'same' or 'valid', not {padding!r}")
    if stride != (1, 1):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {stride}). "
                         "Hint: stride=1, or give the padding as numbers.")
    return padding


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation on NCHW input with weight (out_channels, in_channels, kh, kw):
    y[n, o, i, j] = b[o] + sum_{c, a, b} xp[n, c, i*sh + a, j*sw + b] * w[o, c, a, b].
    Output size per spatial dim: (H + 2*padding - k) // stride + 1.

    padding='valid' is 0; padding='same' (stride 1 only) keeps H and W: k - 1 zeros per
    dim, (k - 1) // 2 before and the rest after (one more after for an even k), as PyTorch."""
    if pair(dilation, "conv2d") != (1, 1) or groups != 1:
        raise NotImplementedError("conv2d: dilation and groups other than 1 are not supported")
    stride = pair(stride, "conv2d")
    padding = conv_padding(padding, stride, "conv2d")
    if x.ndim == 3 and weight.ndim == 4:  # unbatched (C, H, W), as PyTorch accepts: add N, run, drop it
        return conv2d(x.unsqueeze(0), weight, bias, stride, padding).squeeze(0)
    if x.ndim != 4 or weight.ndim != 4 or x.shape[1] != weight.shape[1]:
        raise RuntimeError(f"conv2d: input {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit: the input "
                           "must be (N, C, H, W) or (C, H, W) and the weight (out_channels, C, kh, kw) with the same "
                           "C. Hint: check in_channels, or the order of the input's dimensions.")
    if padding == "same":
        kh, kw = weight.shape[2:]
        top, left = (kh - 1) // 2, (kw - 1) // 2
        if kh % 2 and kw % 2:  # odd kernels: the same amount on both sides, the primitive pads
            padding = (top, left)
        else:  # an even kernel pads one more after than before: pad here, the primitive is symmetric
            x, padding = x.pad((left, kw - 1 - left, top, kh - 1 - top)), (0, 0)
    for size, k, p in zip(x.shape[2:], weight.shape[2:], padding):
        if size + 2 * p < k:
            raise RuntimeError(f"conv2d: the kernel {weight.shape[2:]} is larger than the padded input "
                               f"{x.shape[2:]} (padding {padding})")
    if bias is None:
        return ops.Conv2dFunction.apply(x, weight, stride=stride, padding=padding)
    if tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"conv2d: the bias has shape {bias.shape} but the weight {weight.shape} makes "
                           f"{weight.shape[0]} output channels; the bias needs shape ({weight.shape[0]},)")
    return ops.Conv2dFunction.apply(x, weight, bias, stride=stride, padding=padding)


def pool_args(x: Tensor, kernel_size, stride, padding, name: str):
    kernel = pair(kernel_size, name)
    stride = kernel if stride is None or stride == [] else pair(stride, name)
    padding = pair(padding, name)
    if min(kernel) <= 0 or min(stride) <= 0:
        what = "stride" if min(kernel) > 0 else "kernel_size"
        raise RuntimeError(f"{name}: {what} should be greater than zero, got kernel_size {kernel} and "
                           f"stride {stride}")
    if x.ndim != 4:
        raise RuntimeError(f"{name}: expected (N, C, H, W) or unbatched (C, H, W) input, got shape {tuple(x.shape)}. "
                           "Hint: check the order of the input's dimensions.")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: padding {padding} should be at most half of the kernel {kernel}")
    out = tuple((size + 2 * p - k) // s + 1 for size, k, s, p in zip(x.shape[2:], kernel, stride, padding))
    if min(out) < 1:
        raise RuntimeError(f"{name}: input of shape {tuple(x.shape)} is too small for kernel {kernel}, "
                           f"stride {stride}, "
                           f"padding {padding}: the output size would be {out} "
                           "((size + 2*padding - kernel) // stride + 1). Hint: a smaller kernel, or more padding.")
    return kernel, stride, padding


def max_pool2d(x: Tensor, kernel_size, stride=None, padding=0) -> Tensor:
    """The maximum of each kernel-sized window, windows `stride` apart (default: kernel_size)."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return max_pool2d(x.unsqueeze(0), kernel_size, stride, padding).squeeze(0)
    kernel, stride, padding = pool_args(x, kernel_size, stride, padding, "max_pool2d")
    return ops.MaxPool2dFunction.apply(x, kernel=kernel, stride=stride, padding=padding)


def avg_pool2d(x: Tensor, kernel_size, stride=None, padding=0) -> Tensor:
    """The mean of each window (zero padding counts, PyTorch's count_include_pad=True).
    Composite: the sum of kh*kw strided slices, one per kernel offset."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return avg_pool2d(x.unsqueeze(0), kernel_size, stride, padding).squeeze(0)
    (kh, kw), (sh, sw), (ph, pw) = pool_args(x, kernel_size, stride, padding, "avg_pool2d")
    if ph or pw:
        x = x.pad((pw, pw, ph, ph))
    ho, wo = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    total = None
    for a in range(kh):
        for b in range(kw):
            piece = x[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw]
            total = piece if total is None else total + piece
    return total / (kh * kw)


def adaptive_bounds(size: int, out: int) -> list:
    """PyTorch's windows for adaptive pooling: output i covers input floor(i*size/out) to
    ceil((i+1)*size/out) (end excluded), so the windows tile the input and may overlap by one."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_pool2d(x: Tensor, output_size, reduce, name: str) -> Tensor:
    """Pool each window given by adaptive_bounds. Mean and max over a rectangle can be taken one
    axis at a time (rows, then columns), so this costs out_h + out_w slices, not out_h * out_w."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return adaptive_pool2d(x.unsqueeze(0), output_size, reduce, name).squeeze(0)
    if x.ndim != 4:
        raise RuntimeError(f"{name}: expected (N, C, H, W) or unbatched (C, H, W) input, got shape {tuple(x.shape)}")
    if not isinstance(output_size, (tuple, list)):
        output_size = (output_size, output_size)
    if len(output_size) != 2:
        raise ValueError(f"{name}: output_size must be an int or a pair, got {output_size!r}")
    # None keeps that dimension's input size
    out = tuple(x.shape[2 + i] if s is None else int(s) for i, s in enumerate(output_size))
    if min(out) < 1:
        raise ValueError(f"{name}: output_size must be positive, got {output_size!r}")
    for dim, size in ((2, out[0]), (3, out[1])):
        pieces = []
        for start, end in adaptive_bounds(x.shape[dim], size):
            window = x[:, :, start:end] if dim == 2 else x[:, :, :, start:end]
            pieces.append(reduce(window, dim))
        x = stack(pieces, dim)
    return x


def window_max(window: Tensor, dim: int) -> Tensor:
    values = window.max(dim)
    return values[0] if isinstance(values, tuple) else values  # max(dim) may return (values, indices)


def adaptive_avg_pool2d(x: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (out_h, out_w), whatever the input's H and W.
    Output (i, j) is the mean of x[..., floor(i*H/out_h):ceil((i+1)*H/out_h), (same for W)].
    An int means a square output; None in the pair keeps that dim of the input."""
    return adaptive_pool2d(x, output_size, lambda window, dim: window.mean(dim), "adaptive_avg_pool2d")


def adaptive_max_pool2d(x: Tensor, output_size, return_indices: bool = False) -> Tensor:
    """Max pooling to a fixed output size; the windows are adaptive_avg_pool2d's."""
    if return_indices:
        raise NotImplementedError("adaptive_max_pool2d: return_indices=True is not supported")
    return adaptive_pool2d(x, output_size, window_max, "adaptive_max_pool2d")


# ---------------------------------------------------------------- normalisation

def batch_norm(x: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (dim 1).

    Training: mean and (biased) var of this batch over every dim but 1; the
    running statistics, when given, move towards them in place:
    running = (1 - momentum) * running + momentum * batch_statistic, with the
    unbiased variance (divided by n - 1). Eval: the running statistics are used.
    """
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        count = x._data.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {tuple(x.shape)}")
        mean = x.mean(axes, keepdim=True)
        var = ((x - mean) * (x - mean)).mean(axes, keepdim=True)
        if running_mean is not None:
            with no_grad():
                running_mean.mul_(1 - momentum).add_(mean.detach().reshape(-1) * momentum)
                running_var.mul_(1 - momentum).add_(var.detach().reshape(-1) * (momentum * count / (count - 1)))
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var are needed when training=False")
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    y = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def layer_norm(x: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias, with mean and biased var over the
    last len(normalized_shape) dims."""
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x.shape[x.ndim - len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"layer_norm: the input's last dims {tuple(x.shape)} must equal normalized_shape "
                           f"{normalized_shape}")
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = x.mean(axes, keepdim=True)
    deviation = x - mean
    y = deviation / ((deviation * deviation).mean(axes, keepdim=True) + eps).sqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


# ---------------------------------------------------------------- lookup and padding

def embedding(idx, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of weight: out[...] = weight[idx[...]]. The row at padding_idx gets no gradient."""
    idx = idx._data if isinstance(idx, Tensor) else np.asarray(idx)
    if not np.issubdtype(idx.dtype, np.integer):
        raise RuntimeError(f"embedding: indices must be integers, got {idx.dtype}. Hint: .long()")
    rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise IndexError(f"embedding: index {bad} is out of range for a weight with {rows} rows "
                         f"(valid: 0 to {rows - 1}; negative indices are refused, as in PyTorch)")
    out = ops.EmbeddingFunction.apply(weight, key=idx)
    if padding_idx is not None:
        is_padding = Tensor._wrap((idx == padding_idx % weight.shape[0])[..., None])
        out = out.detach().where(is_padding, out)
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) to one-hot rows: out[..., k] = 1 where tensor == k, an int64 tensor of
    shape tensor.shape + (num_classes,). num_classes=-1 means max(tensor) + 1."""
    labels = tensor._data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if labels.dtype != np.int64:
        raise RuntimeError(f"one_hot: is only applicable to index tensor of type int64, got {labels.dtype}. "
                           "Hint: labels.long()")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise RuntimeError(f"one_hot: class values must be in [0, {num_classes}), got values from {labels.min()} "
                           f"to {labels.max()}")
    return Tensor._wrap((labels[..., None] == np.arange(num_classes)).astype(np.int64))


__all__ += ["one_hot"]


def pad(x: Tensor, pad: tuple, mode: str = "constant", value: float = 0.0) -> Tensor:  # noqa: A002
    """Constant padding, PyTorch's order: (left, right) of the last dim, then of the one before..."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, not {mode!r}")
    return x.pad(pad, value)
