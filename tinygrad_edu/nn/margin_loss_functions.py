"""Two more margin losses (re-exported by nn.functional): multilabel_margin_loss, the multi-label hinge, and
triplet_margin_with_distance_loss, the triplet loss with a distance the learner chooses.

A module of its own because further_loss_functions.py holds the losses added before and these came
later; they reuse loss_functions.py's reduction helpers. Both are composites of Tensor ops, so they are
differentiable to any order; at a hinge's corner the slope is PyTorch's (each docstring says which).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .distance_functions import pairwise_distance
from .further_loss_functions import constant
from .loss_functions import legacy_reduction, reduce_loss, triplet_hinge

__all__ = ["multilabel_margin_loss", "triplet_margin_with_distance_loss"]


def label_lists(target, input: Tensor) -> tuple[np.ndarray, np.ndarray]:  # noqa: A002
    """From multilabel_margin_loss's targets (N, C), each row class indices ended by the first -1: how many
    times each class is listed before that -1 (N, C), and which classes are listed (N, C)."""
    labels = target._data if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype != np.int64:
        raise RuntimeError(f"multilabel_margin_loss: expected scalar type Long but found {labels.dtype} for the "
                           "target. Hint: the target holds class indices: .long()")
    if labels.shape != tuple(input.shape):
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(labels.shape)} for input of "
                           f"size: {list(input.shape)}")
    classes = input.shape[-1] if input.ndim else 1
    labels = labels.reshape(-1, classes)
    if labels.size and (labels.min() < -1 or labels.max() >= classes):
        raise RuntimeError(f"multilabel_margin_loss: argument #2 'target' is out of range (class indices 0 to "
                           f"{classes - 1}, or -1 to end the list; got values from {labels.min()} to {labels.max()})")
    listed = np.cumsum(labels == -1, axis=1) == 0  # the entries before the first -1
    counts = np.zeros(labels.shape, dtype=np.int64)
    for row, column in zip(*np.nonzero(listed)):
        counts[row, labels[row, column]] += 1
    return counts, counts > 0


def multilabel_margin_loss(input: Tensor, target, size_average=None, reduce=None,  # noqa: A002
                           reduction: str = "mean") -> Tensor:
    """The multi-label hinge of scores x (C,) or (N, C) and targets y of the same shape, whose entries up
    to the first -1 are the sample's classes:
        loss = sum over listed classes j, and classes i not listed, of max(0, 1 - (x[j] - x[i])) / C,
    so every class of the sample should score at least 1 above every other. A class listed twice counts
    twice, as in PyTorch. At the corner (x[j] - x[i] = 1) the slope is 0: PyTorch's kernel counts terms > 0."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input.ndim > 2 or (input.ndim == 2 and input.shape[1] == 0) or (input.ndim == 1 and input.shape[0] == 0):
        raise RuntimeError(f"multilabel_margin_loss: Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    counts, is_label = label_lists(target, input)
    classes = counts.shape[1]
    scores = input.reshape(-1, classes)
    gaps = 1 - scores.unsqueeze(2) + scores.unsqueeze(1)  # (N, j, i): 1 - (x[j] - x[i])
    weights = counts[:, :, None] * ~is_label[:, None, :] * (gaps._data > 0)  # terms > 0 with j listed, i not
    loss = (gaps * constant(weights, input.dtype)).sum((1, 2)) / classes
    return reduce_loss(loss.reshape(input.shape[:-1]), reduction, "multilabel_margin_loss")


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """max(d(anchor, positive) - d(anchor, negative) + margin, 0), d any function of two tensors that gives
    one distance per triplet (default: pairwise_distance, the Euclidean distance); swap=True uses
    min(d(anchor, negative), d(positive, negative)) as the negative's distance (Balntas et al. 2016).
    At the corner the slope is the line's, as PyTorch's clamp_min."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    distance = pairwise_distance if distance_function is None else distance_function
    return triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction,
                         "triplet_margin_with_distance_loss")
