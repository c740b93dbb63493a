"""tinygrad_edu.nn.functional: the layers as plain functions (import ... as F).

Everything here is built from Tensor ops, so it is differentiable to any
order, except linear, log_softmax, the convolutions, max_pool2d and max_unpool2d, which call the
primitives in nn/ops.py for speed (the 1-D forms are the 2-D ones on a unit height; erf, for gelu,
is a primitive of math_ops.py). The convolutions live in nn/conv_functions.py, the pools (max,
average, adaptive, their indices and max_unpool) in nn/pooling_functions.py, the losses in
nn/loss_functions.py (the less common ones in nn/further_loss_functions.py), the less common
activations (silu, elu, softplus, ...) in
nn/activation_functions.py, normalize and the distances (pdist too; cdist is only at the top level, as
in PyTorch) in nn/distance_functions.py,
interpolate in nn/interpolation.py, dropout and its channel forms in nn/dropout_functions.py,
pixel_shuffle and pixel_unshuffle in nn/pixel_shuffle_functions.py, pad in nn/padding_functions.py,
scaled_dot_product_attention in nn/attention_functions.py, bilinear in nn/bilinear_functions.py, unfold and
fold in nn/fold_functions.py, alpha_dropout and rrelu in nn/random_layer_functions.py, local_response_norm,
channel_shuffle and lp_pool1d/2d in nn/cnn_extras_functions.py, embedding_bag in nn/embedding_bag_functions.py,
multilabel_margin_loss and triplet_margin_with_distance_loss in nn/margin_loss_functions.py, and all are
re-exported here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..autograd import no_grad
from ..piecewise_ops import LeakyRelu
from ..tensor import Tensor
from . import ops
from .activation_functions import (
    applied,
    celu,
    elu,
    floating_only,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    prelu,
    relu6,
    selu,
    silu,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from .attention_functions import scaled_dot_product_attention
from .bilinear_functions import bilinear
from .cnn_extras_functions import channel_shuffle, local_response_norm, lp_pool1d, lp_pool2d
from .conv_functions import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .distance_functions import cosine_similarity, normalize, pairwise_distance, pdist
from .dropout_functions import dropout, dropout1d, dropout2d, dropout3d
from .embedding_bag_functions import embedding_bag
from .fold_functions import fold, unfold
from .further_loss_functions import (
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
)
from .interpolation import interpolate
from .loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .margin_loss_functions import multilabel_margin_loss, triplet_margin_with_distance_loss
from .padding_functions import pad
from .pixel_shuffle_functions import pixel_shuffle, pixel_unshuffle
from .pooling_functions import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .random_layer_functions import alpha_dropout, feature_alpha_dropout, rrelu, rrelu_

__all__ = [
    "linear", "relu", "leaky_relu", "gelu", "erf", "sigmoid", "tanh", "softmax", "log_softmax", "dropout",
    "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
    "conv1d", "conv_transpose1d", "conv_transpose2d",
    "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "interpolate",
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "embedding", "pad",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "nll_loss", "silu", "elu", "selu", "celu", "softplus", "softsign", "relu6", "hardtanh", "hardswish",
    "hardsigmoid", "logsigmoid", "mish", "glu", "normalize", "cosine_similarity", "pairwise_distance",
    "smooth_l1_loss", "huber_loss", "kl_div", "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss",
    "dropout1d", "dropout2d", "dropout3d", "hardshrink", "softshrink", "tanhshrink",
    "scaled_dot_product_attention", "pixel_shuffle", "pixel_unshuffle", "max_unpool1d", "max_unpool2d",
    "bilinear", "gaussian_nll_loss", "poisson_nll_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "multi_margin_loss", "multilabel_soft_margin_loss", "pdist",
]


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


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(x, 0); inplace=True changes the input itself (see activation_functions.applied)."""
    return applied(input, lambda x: x.relu(), inplace, "relu")


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    """x for x > 0, negative_slope * x otherwise (so the slope at 0 is negative_slope, as PyTorch's):
    a primitive (piecewise_ops.LeakyRelu) so that its gradient has a second derivative, 0, as PyTorch's."""
    floating_only(input, "leaky_relu")
    return applied(input, lambda x: LeakyRelu.apply(x, negative_slope=negative_slope), inplace, "leaky_relu")


def erf(x: Tensor) -> Tensor:
    """The error function, x.erf() (a primitive: see math_ops.Erf)."""
    return x.erf()


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF: x/2 * (1 + erf(x / sqrt(2))) (PyTorch's default).
    approximate='tanh': x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3)))."""
    floating_only(x, "gelu")
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


def softmax_dim(ndim: int, dim, op: str = "softmax", stacklevel: int = 3) -> int:
    """PyTorch's choice when no dim is given, with its warning (the choice is a guess: name the dim)."""
    if dim is not None:
        return dim
    warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X "
                  "as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along dim; dtype casts x first (as PyTorch, for a float64 softmax)."""
    x = x if dtype is None else x.to(dtype)
    return x.softmax(softmax_dim(x.ndim, dim, "softmax", _stacklevel))


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:  # noqa: A002
    """softmax(-x) along dim: the smallest values get the largest weights. dtype casts the input first."""
    if dtype is not None:
        input = input.to(dtype)
    return (-input).softmax(softmax_dim(input.ndim, dim, "softmin", _stacklevel))


def log_softmax(x: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x_i - logsumexp(x) along dim: stable for logits in the thousands (see ops.LogSoftmaxFunction)."""
    x = x if dtype is None else x.to(dtype)
    return x.log_softmax(softmax_dim(x.ndim, dim, "log_softmax", _stacklevel))


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
    y = standardise(x, tuple(range(x.ndim - len(normalized_shape), x.ndim)), eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """y = x / sqrt(mean(x**2) + eps) * weight, the mean over the last len(normalized_shape) dims (Zhang and
    Sennrich 2019; the norm of LLaMA-style transformers): layer_norm without centring and without a bias.
    eps=None means the input dtype's machine epsilon (torch.finfo(dtype).eps), as PyTorch's."""
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"rms_norm: given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*{', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    axes = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    y = input / ((input * input).mean(axes, keepdim=True) + eps).sqrt()
    if weight is not None:
        y = y * weight
    return y


def standardise(x: Tensor, axes: tuple, eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps), mean and biased var over `axes`: the core of layer_norm, group_norm and
    instance_norm."""
    deviation = x - x.mean(axes, keepdim=True)
    return deviation / ((deviation * deviation).mean(axes, keepdim=True) + eps).sqrt()


def group_norm(x: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Split the C channels of each sample into num_groups groups of C // num_groups and normalise
    each group: y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], with mean and biased var over
    the group's channels and all their positions. One group is layer norm over (C, *); C groups
    is instance norm. Input (N, C, *)."""
    if x.ndim < 2:
        raise RuntimeError(f"group_norm: expected an input of shape (N, C, *) with at least 2 dimensions, got "
                           f"shape {tuple(x.shape)}. Hint: add the batch dim with x.unsqueeze(0).")
    n, channels = x.shape[:2]
    if channels % num_groups:
        raise RuntimeError(f"group_norm: the {channels} channels of the input {tuple(x.shape)} cannot be split into "
                           f"num_groups={num_groups} groups of equal size (C must be divisible by num_groups)")
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and tuple(param.shape) != (channels,):
            raise RuntimeError(f"group_norm: {name} of shape {tuple(param.shape)} must have one entry per channel "
                               f"of the input {tuple(x.shape)}, shape ({channels},)")
    groups = x.reshape(n, num_groups, x._data.size // max(n * num_groups, 1))
    y = standardise(groups, (2,), eps).reshape(x.shape)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def instance_norm(x: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], with mean and biased var of each sample's
    channel over its positions (group norm with one channel per group). Input (N, C, *).

    With use_input_stats, the running statistics, when given, move towards the batch's average of the
    per-instance statistics: running = (1 - momentum) * running + momentum * mean over n, the variance
    unbiased (divided by positions - 1). Without, the running statistics are used, as batch_norm's eval."""
    if (running_mean is None) != (running_var is None):
        raise ValueError("instance_norm: running_mean and running_var must either both be None or neither be None")
    if x.ndim < 2:
        raise RuntimeError(f"instance_norm: expected an input of shape (N, C, *) with at least 2 dimensions, got "
                           f"shape {tuple(x.shape)}. Hint: add the batch dim with x.unsqueeze(0).")
    n, channels = x.shape[:2]
    count = x._data.size // max(n * channels, 1)
    for name, param in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                        ("running_var", running_var)):
        if param is not None and tuple(param.shape) != (channels,):
            raise RuntimeError(f"instance_norm: {name} of shape {tuple(param.shape)} must have one entry per "
                               f"channel of the input {tuple(x.shape)}, shape ({channels},)")
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if use_input_stats:
        if x.ndim < 3 or count <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element when training, got input of "
                             f"shape {tuple(x.shape)}. Hint: the input is (N, C, *) with positions after C")
        axes = tuple(range(2, x.ndim))
        if running_mean is not None:
            with no_grad():
                mean = x.detach().mean(axes)  # (N, C)
                deviation = x.detach() - mean.reshape(n, channels, *(1,) * len(axes))
                var = (deviation * deviation).mean(axes)
                running_mean.mul_(1 - momentum).add_(mean.mean(0) * momentum)
                running_var.mul_(1 - momentum).add_(var.mean(0) * (momentum * count / (count - 1)))
        y = standardise(x, axes, eps)
    else:
        if running_mean is None:
            raise RuntimeError("instance_norm: running_mean and running_var are needed when use_input_stats=False")
        y = (x - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


# ---------------------------------------------------------------- lookup and padding

def embedding(idx, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of weight: out[...] = weight[idx[...]]. The row at padding_idx gets no gradient.
    With max_norm, as in PyTorch, the rows looked up whose norm_type-norm exceeds max_norm are first
    scaled in place, outside the graph, by max_norm / (norm + 1e-7): the weight itself changes."""
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq=True and sparse=True are not supported (there "
                                  "are no sparse tensors here). Hint: leave them at False")
    idx = idx._data if isinstance(idx, Tensor) else np.asarray(idx)
    if not np.issubdtype(idx.dtype, np.integer):
        raise RuntimeError(f"embedding: indices must be integers, got {idx.dtype}. Hint: .long()")
    rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise IndexError(f"embedding: index {bad} is out of range for a weight with {rows} rows "
                         f"(valid: 0 to {rows - 1}; negative indices are refused, as in PyTorch)")
    if max_norm is not None:
        renorm_rows(weight, np.unique(idx), max_norm, norm_type)
    out = ops.EmbeddingFunction.apply(weight, key=idx)
    if padding_idx is not None:
        is_padding = Tensor._wrap((idx == padding_idx % weight.shape[0])[..., None])
        out = out.detach().where(is_padding, out)
    return out


def renorm_rows(weight: Tensor, rows, max_norm: float, norm_type: float) -> None:
    """weight[rows] scaled in place to a norm of at most max_norm (PyTorch's embedding_renorm_)."""
    with no_grad():
        picked = weight[Tensor._wrap(rows)]
        norms = picked.norm(norm_type, dim=1, keepdim=True)
        weight[Tensor._wrap(rows)] = picked * (max_norm / (norms + 1e-7)).where(norms > max_norm, 1.0)


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
__all__ += ["rms_norm", "prelu", "softmin", "threshold", "unfold", "fold"]  # added for the layers of modern lectures
__all__ += ["alpha_dropout", "feature_alpha_dropout", "rrelu", "rrelu_", "local_response_norm", "channel_shuffle",
            "lp_pool1d", "lp_pool2d", "embedding_bag", "multilabel_margin_loss",
            "triplet_margin_with_distance_loss"]  # the less common layers (nn/more_layers.py)
__all__ += ["conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
            "max_unpool3d"]  # the 3-D layers
