"""The layer functions PyTorch also exposes at its top level: `torch.conv2d`, `torch.dropout`,
`torch.layer_norm`, `torch.cdist`, ... as tutorials and lectures call them.

They are nn.functional's, and are bound here, above nn (this module imports nn.functional, and
only tinygrad_edu/__init__.py imports this module), so the import direction stays one way.
Where PyTorch's top-level form has the same signature as F's, the name is F's function itself.
Where it differs, a thin wrapper has PyTorch's top-level signature, which is the ATen operator's:
`torch.dropout(input, p, train)` with train required, `torch.batch_norm(input, weight, bias,
running_mean, running_var, training, momentum, eps, cudnn_enabled)` in that order, `torch.embedding(
weight, indices)` weight first, the losses' `reduction` an int (0 'none', 1 'mean', 2 'sum'),
`torch.max_pool1d` without return_indices and `torch.adaptive_max_pool1d` always returning
(values, indices). The cudnn flags are accepted and change nothing (there is no cuDNN here).
"""

from __future__ import annotations

from .nn import functional as F
from .nn.distance_functions import cdist
from .nn.dropout_functions import channel_dropout
from .tensor import Tensor

__all__ = [
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "avg_pool1d", "max_pool1d", "max_pool2d",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "batch_norm", "layer_norm", "group_norm", "instance_norm",
    "dropout", "feature_dropout", "embedding", "pixel_shuffle", "pixel_unshuffle", "prelu", "selu", "celu",
    "threshold", "hardshrink", "binary_cross_entropy_with_logits", "kl_div", "margin_ranking_loss",
    "hinge_embedding_loss", "cosine_embedding_loss", "poisson_nll_loss", "triplet_margin_loss", "bilinear",
    "constant_pad_nd", "cosine_similarity", "pairwise_distance", "cdist", "pdist",
    "conv3d", "conv_transpose3d", "max_pool3d", "alpha_dropout", "feature_alpha_dropout", "rrelu", "channel_shuffle",
]

# The same signature at the top level as in nn.functional: the same function.
conv1d = F.conv1d
conv2d = F.conv2d
conv_transpose1d = F.conv_transpose1d
conv_transpose2d = F.conv_transpose2d
conv3d = F.conv3d
conv_transpose3d = F.conv_transpose3d
channel_shuffle = F.channel_shuffle
avg_pool1d = F.avg_pool1d
adaptive_avg_pool1d = F.adaptive_avg_pool1d
pixel_shuffle = F.pixel_shuffle
pixel_unshuffle = F.pixel_unshuffle
prelu = F.prelu
hardshrink = F.hardshrink
bilinear = F.bilinear
cosine_similarity = F.cosine_similarity
pairwise_distance = F.pairwise_distance
pdist = F.pdist

REDUCTIONS = ("none", "mean", "sum")  # ATen's Reduction enum: 0, 1, 2


def reduction_name(reduction: int, op: str) -> str:
    """The reduction string F takes, for ATen's int (what torch.<loss> takes at the top level)."""
    if not isinstance(reduction, int) or isinstance(reduction, bool):
        raise TypeError(f"{op}(): argument 'reduction' must be int, not {type(reduction).__name__} "
                        f"(0 for 'none', 1 for 'mean', 2 for 'sum'; nn.functional.{op} takes the strings)")
    if reduction not in (0, 1, 2):
        raise ValueError(f"{op}(): {reduction} is not a valid value for reduction (0 'none', 1 'mean', 2 'sum')")
    return REDUCTIONS[reduction]


# ---------------------------------------------------------------- pooling

def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:  # noqa: A002
    """F.max_pool1d without return_indices (an empty stride means the kernel size, as None does in F)."""
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:  # noqa: A002
    """F.max_pool2d without return_indices."""
    return F.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1, ceil_mode: bool = False) -> Tensor:  # noqa: A002
    """F.max_pool3d without return_indices."""
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:  # noqa: A002
    """(values, indices), always: PyTorch's top-level form has no return_indices."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


# ---------------------------------------------------------------- normalisation

def batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool, momentum: float,  # noqa: A002
               eps: float, cudnn_enabled: bool) -> Tensor:
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5,  # noqa: A002
               cudnn_enable: bool = True) -> Tensor:
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-5,  # noqa: A002
               cudnn_enabled: bool = True) -> Tensor:
    return F.group_norm(input, num_groups, weight, bias, eps)


def instance_norm(input: Tensor, weight, bias, running_mean, running_var, use_input_stats: bool,  # noqa: A002
                  momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


# ---------------------------------------------------------------- dropout, embedding, activations, padding

def dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    return F.dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    return F.feature_alpha_dropout(input, p, train)


def rrelu(input: Tensor, lower: float = 1 / 8, upper: float = 1 / 3, training: bool = False) -> Tensor:  # noqa: A002
    """F.rrelu, whose training defaults to False at the top level too (the mean slope)."""
    return F.rrelu(input, lower, upper, training)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """One coin per (sample, channel), shared by the positions after dim 1 (dropout2d's idea on any
    input of 2 or more dims; on 2 dims that is one coin per element)."""
    return channel_dropout(input, p, train, False, 1, "feature_dropout")


def embedding(weight: Tensor, indices, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Rows of weight; a negative padding_idx means none (F.embedding turns its own negative
    padding_idx into a row number before it calls this form in PyTorch)."""
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse gradients are not supported here; "
                                  "leave them False")
    return F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None)


def selu(input: Tensor) -> Tensor:  # noqa: A002
    return F.selu(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    return F.celu(input, alpha)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    return F.threshold(input, threshold, value)


def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:  # noqa: A002
    """F.pad in 'constant' mode: pad = (before, after) pairs starting from the last dim."""
    return F.pad(input, tuple(pad), "constant", value)


# ---------------------------------------------------------------- losses (reduction as an int)

def binary_cross_entropy_with_logits(input: Tensor, target, weight=None, pos_weight=None,  # noqa: A002
                                     reduction: int = 1) -> Tensor:
    name = reduction_name(reduction, "binary_cross_entropy_with_logits")
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=name, pos_weight=pos_weight)


def kl_div(input: Tensor, target, reduction: int = 1, *, log_target: bool = False) -> Tensor:  # noqa: A002
    """The mean over all elements at reduction=1, without F's warning about 'batchmean' (PyTorch's
    top-level form gives none)."""
    name = reduction_name(reduction, "kl_div")
    loss = F.kl_div(input, target, reduction="none", log_target=log_target)
    if name == "mean":
        return loss.mean()
    if name == "sum":
        return loss.sum()
    return loss


def margin_ranking_loss(input1: Tensor, input2: Tensor, target, margin: float = 0.0, reduction: int = 1) -> Tensor:
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=reduction_name(reduction, "margin_ranking_loss"))


def hinge_embedding_loss(input: Tensor, target, margin: float = 1.0, reduction: int = 1) -> Tensor:  # noqa: A002
    return F.hinge_embedding_loss(input, target, margin, reduction=reduction_name(reduction, "hinge_embedding_loss"))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target, margin: float = 0.0, reduction: int = 1) -> Tensor:
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=reduction_name(reduction, "cosine_embedding_loss"))


def poisson_nll_loss(input: Tensor, target, log_input: bool, full: bool, eps: float, reduction: int) -> Tensor:  # noqa: A002
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=reduction_name(reduction, "poisson_nll_loss"))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-6, swap: bool = False, reduction: int = 1) -> Tensor:
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=reduction_name(reduction, "triplet_margin_loss"))
