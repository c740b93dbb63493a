"""The less common losses (re-exported by nn.functional), with PyTorch's formulas, options and errors:
gaussian_nll_loss, poisson_nll_loss, hinge_embedding_loss, cosine_embedding_loss, multi_margin_loss
and multilabel_soft_margin_loss.

A module of its own because loss_functions.py holds the common losses and would pass ~600 lines
with these; they reuse its reduction helpers. All are composites of Tensor ops, so they are
differentiable to any order; where a loss has a corner its slope there is PyTorch's (each
docstring says which).
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .activation_functions import logsigmoid
from .distance_functions import norm_at_least
from .loss_functions import as_tensor, check_reduction, class_targets, legacy_reduction, reduce_loss

__all__ = ["gaussian_nll_loss", "poisson_nll_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "multi_margin_loss", "multilabel_soft_margin_loss"]


def constant(values, dtype) -> Tensor:
    """Data (a mask, class weights) as a tensor the graph holds constant."""
    return Tensor._wrap(np.asarray(values._data if isinstance(values, Tensor) else values, dtype=dtype))


def variance_like(var, input: Tensor) -> Tensor:  # noqa: A002
    """gaussian_nll_loss's var as a tensor that broadcasts against the input, by PyTorch's rules: the
    input's shape (one variance per prediction), that shape without its last dim (one variance per
    row, shared by its entries), or the input's number of dims with exactly one dim of size 1 where
    the input's is larger (shared along that dim); a float is one variance for all."""
    if isinstance(var, bool) or not isinstance(var, (float, Tensor)):
        raise TypeError(f"gaussian_nll_loss: var must be a float or a Tensor, got {type(var).__name__}. "
                        "Hint: write 1.0, not 1")
    if isinstance(var, float):
        if var < 0:
            raise ValueError(f"gaussian_nll_loss: var has negative entry/entries (var={var})")
        return constant(np.full(input._data.shape, var), input.dtype)
    if (var._data < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entry/entries (variances are >= 0)")
    input_shape, var_shape = tuple(input.shape), tuple(var.shape)
    if var_shape == input_shape:
        return var
    if var_shape == input_shape[:-1]:
        return var.unsqueeze(-1)
    mismatched = [size for size, own in zip(var_shape, input_shape) if size != own]
    if len(var_shape) == len(input_shape) and sum(mismatched) == 1:
        return var
    raise ValueError(f"gaussian_nll_loss: var is of incorrect size: {var_shape} for an input of shape "
                     f"{input_shape}. Hint: give one variance per prediction {input_shape}, one per row "
                     f"{input_shape[:-1]}, or a size 1 in the one dim they share it along")


def gaussian_nll_loss(input: Tensor, target, var, full: bool = False, eps: float = 1e-6,  # noqa: A002
                      reduction: str = "mean") -> Tensor:
    """0.5 * (log(max(var, eps)) + (input - target)**2 / max(var, eps)), plus 0.5 * log(2 pi) when
    full=True: the negative log-likelihood of the target under a normal distribution with mean `input`
    and variance `var` (shapes: see variance_like). As in PyTorch, which clamps var in place under
    no_grad, the clamp at eps holds the value only: the gradient is that of var itself."""
    var = variance_like(var, input)
    check_reduction(reduction, "gaussian_nll_loss")
    var = norm_at_least(var, eps)
    deviation = input - as_tensor(target, input)
    loss = 0.5 * (var.log() + deviation * deviation / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction, "gaussian_nll_loss")


def poisson_nll_loss(input: Tensor, target, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average=None, eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """The negative log-likelihood of counts t under a Poisson distribution of rate r, less log(t!):
        log_input=True (input = log r):   exp(input) - t * input
        log_input=False (input = r):      input - t * log(input + eps)
    full=True adds Stirling's approximation of log(t!), t log t - t + 0.5 log(2 pi t), where t > 1
    (0 elsewhere, as PyTorch). The term adds nothing to the target's gradient where t <= 1, where
    PyTorch's gradient is NaN at t = 0 (0 * log 0 in the masked term's backward)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "poisson_nll_loss")
    target = as_tensor(target, input)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        counted = target > 1
        t = target.where(counted, 2.0)  # log never sees t <= 1, so neither value nor slope is NaN
        stirling = t * t.log() - t + 0.5 * (t * (2 * math.pi)).log()
        loss = loss + stirling.where(counted, 0.0)
    return reduce_loss(loss, reduction, "poisson_nll_loss")


def hinge_embedding_loss(input: Tensor, target, margin: float = 1.0, size_average=None,  # noqa: A002
                         reduce=None, reduction: str = "mean") -> Tensor:
    """input where the target is 1, max(0, margin - input) where it is -1 (input is a distance: small
    for a similar pair, at least margin for a dissimilar one). Any other target value gets both terms,
    as in PyTorch. At input = margin the slope is the line's (-1), as PyTorch's clamp_min."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "hinge_embedding_loss")
    target = as_tensor(target, input)
    below_margin = (margin - input).clamp_min(0)
    loss = below_margin.where(target != 1, 0.0) + input.where(target != -1, 0.0)
    return reduce_loss(loss, reduction, "hinge_embedding_loss")


COSINE_EPSILON = 1e-12  # PyTorch's: added to each squared norm, so a zero vector gives cos = 0, not NaN


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target, margin: float = 0.0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where the target is 1, max(0, cos(x1, x2) - margin) where it is -1 (0 for any
    other value), with cos = sum(x1 x2) / sqrt((sum(x1**2) + 1e-12) (sum(x2**2) + 1e-12)) over the
    last dim: pairs of (N, D) inputs with N targets, or one pair of (D,) inputs with a 0-d target."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "cosine_embedding_loss")
    target = as_tensor(target, input1)
    if target.ndim not in (0, 1):
        raise RuntimeError(f"cosine_embedding_loss: 0D or 1D target tensor expected, multi-target not supported "
                           f"(got a target of shape {tuple(target.shape)})")
    if input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(f"cosine_embedding_loss: {target.ndim}D target tensor expects {target.ndim + 1}D input "
                           f"tensors, but found inputs with sizes {list(input1.shape)} and {list(input2.shape)}.")
    dim = target.ndim
    squared_norms = ((input1 * input1).sum(dim) + COSINE_EPSILON) * ((input2 * input2).sum(dim) + COSINE_EPSILON)
    cos = (input1 * input2).sum(dim) / squared_norms.sqrt()
    loss = (1 - cos).where(target == 1, 0.0) + (cos - margin).clamp_min(0).where(target == -1, 0.0)
    return reduce_loss(loss, reduction, "cosine_embedding_loss")


def multi_margin_loss(input: Tensor, target, p: int = 1, margin: float = 1.0, weight=None,  # noqa: A002
                      size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss of scores x (N, C) or (C,) and classes y:
        loss(x, y) = sum over i != y of w[y] * max(0, margin - x[y] + x[i])**p / C,   p = 1 or 2,
    so each wrong class should score at least margin below the right one. At the corner
    (margin - x[y] + x[i] = 0) the slope is 0, as PyTorch's kernel (it counts only terms > 0)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 supported, got p={p}")
    if weight is not None and np.ndim(weight._data if isinstance(weight, Tensor) else weight) != 1:
        raise ValueError("multi_margin_loss: weight must be one-dimensional (one weight per class)")
    check_reduction(reduction, "multi_margin_loss")
    target = class_targets(target, "multi_margin_loss")
    if input.ndim not in (1, 2) or input._data.size == 0:
        raise RuntimeError(f"multi_margin_loss: Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    scores = input.unsqueeze(0) if input.ndim == 1 else input
    n, classes = scores._data.shape
    if target.ndim > 1 or target.size != n:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    labels = target.reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise RuntimeError(f"multi_margin_loss: target out of range (classes 0 to {classes - 1}, got values from "
                           f"{labels.min()} to {labels.max()})")
    if weight is not None and np.size(weight._data if isinstance(weight, Tensor) else weight) != classes:
        raise RuntimeError(f"multi_margin_loss: inconsistent weight size, expected {classes} but got "
                           f"{list(np.shape(weight._data if isinstance(weight, Tensor) else weight))}")
    rows = np.arange(n)
    gaps = margin - scores[rows, labels].unsqueeze(1) + scores  # (N, C): margin - x[y] + x[i]
    counted = gaps._data > 0
    counted[rows, labels] = False  # the right class itself is not a term
    hinges = gaps.where(constant(counted, bool), 0.0)
    if p == 2:
        hinges = hinges * hinges
    if weight is not None:
        hinges = hinges * constant(weight, input.dtype)[labels].unsqueeze(1)
    loss = (hinges.sum(1) / classes).reshape(target.shape)
    return reduce_loss(loss, reduction, "multi_margin_loss")


def multilabel_soft_margin_loss(input: Tensor, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction: str = "mean") -> Tensor:
    """The mean over the C classes (last dim) of the binary cross-entropy of sigmoid(x) and labels t
    in {0, 1}, each class weighted by w[c]:
        loss = -sum_c w[c] (t[c] log sigmoid(x[c]) + (1 - t[c]) log sigmoid(-x[c])) / C,
    one loss per sample; logsigmoid keeps it finite for logits of +-1000."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "multilabel_soft_margin_loss")
    target = as_tensor(target, input)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return reduce_loss(loss, reduction, "multilabel_soft_margin_loss")
