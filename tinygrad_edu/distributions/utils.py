"""torch.distributions.utils: the helpers every distribution shares.

- broadcast_all: parameters given as numbers or tensors become tensors of one shape.
- logits_to_probs / probs_to_logits: the two ways to give a Bernoulli or a Categorical its odds.
- lazy_property: an attribute computed the first time it is read (Bernoulli(probs=p).logits), then kept.
- sum_rightmost: a tensor summed over its last n dims (Independent's log_prob and entropy).
"""

from __future__ import annotations

import numbers

from .. import dtypes
from ..autograd import enable_grad
from ..nn import functional as F
from ..tensor import Tensor, tensor
from ..tensor_functions import broadcast_tensors
from ..type_info import finfo

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs", "lazy_property",
           "sum_rightmost"]


def broadcast_all(*values) -> tuple:
    """The values as tensors broadcast to one shape. A number becomes a tensor of the first tensor's dtype
    (or the default dtype, float32, when all are numbers), so Normal(0.0, sigma) keeps sigma's float64."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), dtypes.get_default_dtype())
    as_tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    return tuple(broadcast_tensors(*as_tensors))


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """`value` summed over its rightmost `dim` dims (PyTorch's _sum_rightmost); dim 0 returns it unchanged."""
    if dim == 0:
        return value
    required_shape = tuple(value.shape[:value.dim() - dim]) + (-1,)
    return value.reshape(required_shape).sum(-1)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """sigmoid(logits) for a Bernoulli (log-odds); softmax over the last dim for a Categorical."""
    if is_binary:
        return logits.sigmoid()
    return F.softmax(logits, dim=-1)


def clamp_probs(probs: Tensor) -> Tensor:
    """probs inside [eps, 1 - eps], eps the dtype's machine epsilon, so that log(p) and log(1 - p) are finite."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log(p) - log(1 - p) for a Bernoulli; log(p) for a Categorical (its logits are log-probabilities)."""
    clamped = clamp_probs(probs)
    if is_binary:
        return clamped.log() - (-clamped).log1p()
    return clamped.log()


class lazy_property:
    """A method read as an attribute, computed once: the first read stores the result on the instance under
    the same name, and later reads find it there (the instance's __dict__ comes before this non-data
    descriptor). It is computed with gradients on, so Bernoulli(probs=p).logits stays connected to p even
    when first read inside no_grad."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
