"""The less common layers a learner still meets in papers and older code, as thin modules over their
functions: AlphaDropout and FeatureAlphaDropout (for SELU networks), RReLU, LPPool1d/2d,
LocalResponseNorm, ChannelShuffle, EmbeddingBag, MultiLabelMarginLoss and TripletMarginWithDistanceLoss.

A module of its own so that the files of the common layers (dropout.py, activation.py, conv.py,
sparse.py, loss.py) stay a readable size; the reprs and state_dict keys are PyTorch's.
"""

from __future__ import annotations

import numpy as np

from ..autograd import no_grad
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .distance import PairwiseDistance
from .dropout import Dropout
from .loss import _Loss
from .loss_functions import legacy_reduction
from .module import Module, Parameter

__all__ = ["AlphaDropout", "FeatureAlphaDropout", "RReLU", "LPPool1d", "LPPool2d", "LocalResponseNorm",
           "ChannelShuffle", "EmbeddingBag", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss"]


class AlphaDropout(Dropout):
    """In training mode, set each element with probability p to SELU's negative saturation and rescale so that
    a standard normal input keeps mean 0 and variance 1 (nn/random_layer_functions.py); in eval mode, the identity."""

    function = F.alpha_dropout


class FeatureAlphaDropout(Dropout):
    """AlphaDropout's rule applied to whole channels (dim 1) at once."""

    function = F.feature_alpha_dropout


class RReLU(Module):
    """x for x > 0, a * x otherwise, with a drawn from U(lower, upper) for each element in training mode and
    a = (lower + upper) / 2 in eval mode."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.rrelu(x, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class LPPool1d(Module):
    """(sum of x**p over each window) ** (1/p) along L; stride defaults to kernel_size."""

    function = F.lp_pool1d

    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, x: Tensor) -> Tensor:
        return type(self).function(x, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool2d(LPPool1d):
    """(sum of x**p over each kh x kw window) ** (1/p); stride defaults to kernel_size."""

    function = F.lp_pool2d


class LocalResponseNorm(Module):
    """x[c] / (k + alpha * mean of x[c']**2 over the `size` channels around c) ** beta (AlexNet's)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x: Tensor) -> Tensor:
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class ChannelShuffle(Module):
    """Interleave the channels of `groups` groups (ShuffleNet's shuffle)."""

    def __init__(self, groups: int):
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        return F.channel_shuffle(x, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class EmbeddingBag(Module):
    """The sum, mean (default) or max of the embeddings of each bag of indices (F.embedding_bag), the table
    weight (num_embeddings, embedding_dim) drawn from N(0, 1), its padding_idx row zero and left out of bags.
    `_weight` is a table to use as it is (how from_pretrained makes one)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm=None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False, _weight=None,
                 include_last_offset: bool = False, padding_idx: int | None = None, device=None, dtype=None):
        super().__init__()
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("EmbeddingBag: scale_grad_by_freq and sparse are not supported. "
                                      "Hint: leave them at their defaults")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError(f"EmbeddingBag: padding_idx must be within num_embeddings, got {padding_idx} "
                                     f"for {num_embeddings} embeddings")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset, self.padding_idx = mode, sparse, include_last_offset, \
            padding_idx
        if _weight is None:
            dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError(f"EmbeddingBag: shape of weight {tuple(_weight.shape)} does not match "
                                     f"num_embeddings and embedding_dim ({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(_weight)

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, max_norm=None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False, padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag whose table is `embeddings` (2-D, shared, not copied), frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise AssertionError("EmbeddingBag.from_pretrained: Embeddings parameter is expected to be 2-dimensional, "
                                 f"got shape {tuple(embeddings.shape)}")
        bag = cls(*embeddings.shape, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, input, offsets=None, per_sample_weights=None) -> Tensor:  # noqa: A002
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, mode=self.mode,
                               per_sample_weights=per_sample_weights,
                               include_last_offset=self.include_last_offset, padding_idx=self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        text += f", mode='{self.mode}'"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge: sum over listed classes j and unlisted i of max(0, 1 - (x[j] - x[i])) / C."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(legacy_reduction(size_average, reduce, reduction))

    def forward(self, input: Tensor, target) -> Tensor:  # noqa: A002
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(d(anchor, positive) - d(anchor, negative) + margin, 0) with a distance d of your choice (a
    PairwiseDistance() submodule by default, as in PyTorch)."""

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False, reduction: str = "mean"):
        super().__init__(reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                             "instead")
        self.distance_function = PairwiseDistance() if distance_function is None else distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                   margin=self.margin, swap=self.swap, reduction=self.reduction)
