"""scaled_dot_product_attention (re-exported by nn.functional), the core of a transformer.

A module of its own because attention is the one idea nn.MultiheadAttention and a learner's own
"Let's build GPT" head share. It is composed from Tensor ops (matmul, masked_fill, softmax,
dropout), so autograd writes its derivative and it needs no primitive of its own:

    weights = softmax(Q K^T * scale + bias)   (over the keys, the last dim)
    output  = dropout(weights) V
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .dropout_functions import dropout

__all__ = ["scaled_dot_product_attention"]


def check_attention_inputs(query: Tensor, key: Tensor, value: Tensor) -> None:
    """PyTorch's errors for inputs that cannot be attended: dtypes that differ, and shapes that do not
    fit (query (..., L, E), key (..., S, E), value (..., S, Ev))."""
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"scaled_dot_product_attention: Expected query, key, and value to have the same dtype, "
                           f"but got query.dtype: {query.dtype} key.dtype: {key.dtype} and value.dtype: "
                           f"{value.dtype} instead. Hint: convert them with .to(query.dtype)")
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"scaled_dot_product_attention: expected floating point inputs, got {query.dtype}. "
                           "Hint: convert first with .float()")
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"scaled_dot_product_attention: query, key and value need at least 2 dims "
                           f"(sequence, features), got shapes {tuple(query.shape)}, {tuple(key.shape)} and "
                           f"{tuple(value.shape)}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query {tuple(query.shape)}, key {tuple(key.shape)} and "
                           f"value {tuple(value.shape)} do not fit: query and key need the same last dim (E) and "
                           "key and value the same sequence length (dim -2)")


def repeat_heads(x: Tensor, heads: int) -> Tensor:
    """(..., Hk, S, E) -> (..., heads, S, E), each of the Hk heads repeated heads // Hk times in a row
    (repeat_interleave on dim -3): grouped-query attention shares one key head among several queries."""
    groups, seq, features = x.shape[-3:]
    if heads % groups:
        raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa=True the number of query heads "
                           f"({heads}) must be a multiple of the key/value heads ({groups})")
    batch = tuple(x.shape[:-3])
    repeated = x.unsqueeze(-3).expand(*batch, groups, heads // groups, seq, features)
    return repeated.reshape(*batch, heads, seq, features)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + bias) @ value, with query (..., L, E), key (..., S, E) and
    value (..., S, Ev); the result is (..., L, Ev). scale defaults to 1/sqrt(E).

    bias: a bool attn_mask keeps the pairs where it is True (the others get -inf, so weight 0); a
    float attn_mask is added as it is; is_causal=True keeps key j for query i only where j <= i (the
    lower triangle, from the top-left corner when L != S), and cannot be combined with attn_mask. A
    query that may attend to no key gets weight 0 everywhere (so output 0), as PyTorch's.
    dropout_p drops attention weights whenever it is above 0, in training or not (PyTorch's rule:
    modules pass 0 in eval). enable_gqa=True repeats the key and value heads (dim -3) to the query's.
    """
    check_attention_inputs(query, key, value)
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: Explicit attn_mask should not be set when "
                           "is_causal=True. Hint: give one of them (a causal bool mask is key positions <= query's)")
    if not 0 <= dropout_p <= 1:
        raise RuntimeError(f"scaled_dot_product_attention: dropout probability has to be between 0 and 1, "
                           f"but got {dropout_p}")
    if enable_gqa:
        key, value = repeat_heads(key, query.shape[-3]), repeat_heads(value, query.shape[-3])
    if scale is None:
        scale = 1 / math.sqrt(query.shape[-1])
    scores = (query @ key.transpose(-2, -1)) * scale
    if is_causal:
        scores = scores.masked_fill(~np.tri(query.shape[-2], key.shape[-2], dtype=bool), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype.legacy_name == "Bool":
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        elif attn_mask.dtype.is_floating_point:
            scores = scores + attn_mask.to(scores.dtype)
        else:
            raise RuntimeError(f"scaled_dot_product_attention: Expected attn_mask dtype to be bool or float or to "
                               f"match query dtype, but got attn_mask.dtype: {attn_mask.dtype} and query.dtype: "
                               f"{query.dtype} instead. Hint: a bool mask keeps the pairs where it is True")
    # a row of -inf has no softmax (0/0): give it scores 0, then weights 0, so neither value nor gradient is NaN
    attends_to_nothing = (scores.detach() == float("-inf")).all(-1, keepdim=True)
    weights = scores.masked_fill(attends_to_nothing, 0.0).softmax(-1).masked_fill(attends_to_nothing, 0.0)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return weights @ value
