"""MultiheadAttention: PyTorch's layer, with its parameters (in_proj_weight (3E, E), in_proj_bias,
out_proj), its state_dict keys (so a torch state_dict loads), its initialisation and its forward.

A module of its own because it is the largest layer a transformer is built from. Each of the
num_heads heads attends with its own slice of the projections:

    q, k, v  = query W_q^T + b_q, key W_k^T + b_k, value W_v^T + b_v   (W_q, W_k, W_v: in_proj_weight's thirds)
    head h   = softmax(q_h k_h^T / sqrt(head_dim) + bias) v_h         (q_h: head h's head_dim features)
    output   = concat(heads) W_o^T + b_o                               (out_proj)

where bias is -inf for the pairs the masks forbid. With add_zero_attn=True, each head's keys and
values get one more row, all zeros (a place every query may attend to, which adds nothing to its
output), and the masks a column of 0 for it, as PyTorch's multi_head_attention_forward. Composed
from Tensor ops, so autograd writes the derivative. Key and value must have embed_dim features, and
there is no learnt bias_k/bias_v; those are refused by name.
"""

from __future__ import annotations

import math

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .linear import NonDynamicallyQuantizableLinear
from .module import Module, Parameter

__all__ = ["MultiheadAttention"]


def additive_mask(mask: Tensor | None, name: str, dtype) -> Tensor | None:
    """PyTorch's mask conventions for this layer, as a bias added to the scores: a bool mask is
    True where attention is NOT allowed (so -inf there, 0 elsewhere: the opposite of
    scaled_dot_product_attention's bool mask); a float mask is added as it is."""
    if mask is None:
        return None
    if mask.dtype.legacy_name == "Bool":
        return Tensor._wrap(np.where(mask.numpy(), -np.inf, 0.0).astype(dtype))
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"MultiheadAttention: only bool and floating types of {name} are supported, got "
                             f"{mask.dtype}")
    return mask


class MultiheadAttention(Module):
    """Attention with num_heads heads over embed_dim features (embed_dim // num_heads each).

    Input (L, N, E) for the query and (S, N, E) for key and value, or (N, L, E) and (N, S, E) with
    batch_first=True, or unbatched (L, E) and (S, E). forward returns (output, weights): output
    shaped as the query, weights (N, L, S) averaged over the heads (or (N, num_heads, L, S) with
    average_attn_weights=False; None with need_weights=False).

    PyTorch's initialisation: in_proj_weight from xavier_uniform_, in_proj_bias and out_proj.bias 0,
    out_proj.weight as nn.Linear's.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        for option, value in (("kdim", kdim), ("vdim", vdim)):
            if value not in (None, embed_dim):
                raise NotImplementedError(f"MultiheadAttention: {option}={value} different from embed_dim="
                                          f"{embed_dim} is not supported here (no separate q/k/v projections). "
                                          "Hint: project the key and value to embed_dim features first")
        if add_bias_kv:
            raise NotImplementedError("MultiheadAttention: add_bias_kv=True is not supported here")
        if embed_dim % num_heads:
            raise AssertionError(f"MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim="
                                 f"{embed_dim} and num_heads={num_heads}")
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.embed_dim, self.kdim, self.vdim, self._qkv_same_embed_dim = embed_dim, embed_dim, embed_dim, True
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dtype))
        for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):  # PyTorch's, used when kdim/vdim differ
            self.register_parameter(name, None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def heads(self, x: Tensor, part: int) -> Tensor:
        """(T, N, E) -> projected by in_proj's part-th third (0: q, 1: k, 2: v) -> (N, num_heads, T, head_dim)."""
        rows = slice(part * self.embed_dim, (part + 1) * self.embed_dim)
        bias = None if self.in_proj_bias is None else self.in_proj_bias[rows]
        projected = F.linear(x, self.in_proj_weight[rows], bias)
        return projected.reshape(x.shape[0], x.shape[1], self.num_heads, self.head_dim).permute(1, 2, 0, 3)

    def attention_bias(self, key_padding_mask, attn_mask, batch: int, target: int, source: int, dtype):
        """The masks as one bias broadcasting to (N, num_heads, L, S), or None: attn_mask (L, S) or
        (N * num_heads, L, S), key_padding_mask (N, S), each bool (True: not allowed) or float (added)."""
        bias = None
        attn_mask = additive_mask(attn_mask, "attn_mask", dtype)
        if attn_mask is not None:
            shapes = {2: (target, source), 3: (batch * self.num_heads, target, source)}
            if attn_mask.ndim not in shapes:
                raise RuntimeError(f"MultiheadAttention: attn_mask's dimension {attn_mask.ndim} is not supported")
            if tuple(attn_mask.shape) != shapes[attn_mask.ndim]:
                raise RuntimeError(f"MultiheadAttention: The shape of the {attn_mask.ndim}D attn_mask is "
                                   f"{tuple(attn_mask.shape)}, but should be {shapes[attn_mask.ndim]}.")
            bias = attn_mask.reshape(batch, self.num_heads, target, source) if attn_mask.ndim == 3 else attn_mask
        key_padding_mask = additive_mask(key_padding_mask, "key_padding_mask", dtype)
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != (batch, source):
                raise AssertionError(f"MultiheadAttention: expecting key_padding_mask shape of {(batch, source)}, "
                                     f"but got {tuple(key_padding_mask.shape)}")
            padding = key_padding_mask.reshape(batch, 1, 1, source)
            bias = padding if bias is None else bias + padding
        return bias

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False):
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(f"MultiheadAttention: query, key and value must all be batched 3D or unbatched 2D "
                                 f"tensors, got shapes {tuple(query.shape)}, {tuple(key.shape)} and "
                                 f"{tuple(value.shape)}")
        batched = query.ndim == 3
        if not batched:  # one sequence: a batch of 1, in dim 1
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:  # (N, L, E) -> (L, N, E)
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        target, batch, features = query.shape
        source = key.shape[0]
        if features != self.embed_dim:
            raise AssertionError(f"MultiheadAttention: was expecting embedding dimension of {self.embed_dim}, but "
                                 f"got {features} (query of shape {tuple(query.shape)})")
        if key.shape != value.shape:
            raise AssertionError(f"MultiheadAttention: key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}")
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: Need attn_mask if specifying the is_causal hint. You may use "
                               "the Transformer module method `generate_square_subsequent_mask` to create this mask.")
        q, k, v = self.heads(query, 0), self.heads(key, 1), self.heads(value, 2)
        if self.add_zero_attn:  # one more key and value, all zeros, at the end of the sequence: S + 1 of each
            k, v = F.pad(k, (0, 0, 0, 1)), F.pad(v, (0, 0, 0, 1))
        dropout_p = self.dropout if self.training else 0.0
        if is_causal and key_padding_mask is None and not need_weights:  # PyTorch then trusts the hint, not the mask
            attended, weights = F.scaled_dot_product_attention(q, k, v, None, dropout_p, is_causal=True), None
        else:
            bias = self.attention_bias(key_padding_mask, attn_mask, batch, target, source, query.dtype)
            if self.add_zero_attn and bias is not None:
                bias = F.pad(bias, (0, 1))  # the zero key may always be attended to
            if need_weights:  # a plain softmax, as PyTorch's: a query that may attend to nothing gives NaN
                scores = (q @ k.transpose(-2, -1)) * (1 / math.sqrt(self.head_dim))
                weights = (scores if bias is None else scores + bias).softmax(-1)
                if dropout_p > 0:
                    weights = F.dropout(weights, dropout_p)
                attended = weights @ v
            else:
                attended, weights = F.scaled_dot_product_attention(q, k, v, bias, dropout_p), None
        output = self.out_proj(attended.permute(2, 0, 1, 3).reshape(target, batch, self.embed_dim))
        if weights is not None and average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            return output.squeeze(1), None if weights is None else weights.squeeze(0)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, weights
