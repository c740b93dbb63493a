"""The Transformer layers: TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer,
TransformerDecoder and Transformer, as PyTorch's ("Attention Is All You Need"), with PyTorch's
submodules, so their state_dict keys are PyTorch's and a PyTorch state_dict loads.

A module of its own because these layers are compositions, not new maths: each one is
MultiheadAttention (nn/attention.py), Linear, LayerNorm, Dropout and an activation, put together
with residual connections. An encoder layer computes

    norm_first=False (post-norm, the paper's):  x = norm1(x + attention(x));  x = norm2(x + feedforward(x))
    norm_first=True  (pre-norm):                x = x + attention(norm1(x));  x = x + feedforward(norm2(x))

where attention(y) = dropout1(self_attn(y, y, y)) and feedforward(y) =
dropout2(linear2(dropout(activation(linear1(y))))). A decoder layer adds, between the two, a
block that attends from its input to the encoder's output (memory): dropout2(multihead_attn(y,
memory, memory)), with norm2, and its feedforward takes norm3 and dropout3. Autograd writes every
derivative.

PyTorch's fast paths (the fused encoder layer and nested tensors, used in eval mode without
gradients) compute the same values, except that the nested-tensor path of TransformerEncoder
returns 0 at padded positions where this one returns what the layers computed there; neither is
here, so enable_nested_tensor is kept as an attribute and does nothing.
"""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder",
           "Transformer"]


def activation_function(activation: str | Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """PyTorch's two names for the feedforward's activation, or the callable (a function or a Module) as given."""
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if isinstance(activation, str) or not callable(activation):
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def clones(layer: Module, num_layers: int) -> ModuleList:
    """num_layers independent deep copies of layer (each with its own parameters, equal at first), as PyTorch."""
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class _TransformerLayer(Module):
    """What the encoder and decoder layers share: their parts, made in PyTorch's order (so the
    state_dict keys are PyTorch's), and the blocks they chain. sublayers is 2 for an encoder layer
    (self-attention, feedforward) and 3 for a decoder layer (self-attention, attention to memory,
    feedforward): one LayerNorm (norm1, ...) and one Dropout (dropout1, ...) for each."""

    def __init__(self, sublayers: int, d_model: int, nhead: int, dim_feedforward: int, dropout: float, activation,
                 layer_norm_eps: float, batch_first: bool, norm_first: bool, bias: bool, dtype):
        super().__init__()
        for name in ("self_attn", "multihead_attn")[:sublayers - 1]:
            self.add_module(name, MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                     batch_first=batch_first, dtype=dtype))
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        for number in range(1, sublayers + 1):
            self.add_module(f"norm{number}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        for number in range(1, sublayers + 1):
            self.add_module(f"dropout{number}", Dropout(dropout))
        self.activation = activation_function(activation)

    def residual(self, x: Tensor, norm: Module, dropout: Module, block, *options) -> Tensor:
        """x + dropout(block(x)), with norm applied to the block's input (norm_first) or to the sum."""
        if self.norm_first:
            return x + dropout(block(norm(x), *options))
        return norm(x + dropout(block(x, *options)))

    def self_attention(self, x: Tensor, attn_mask, key_padding_mask, is_causal: bool) -> Tensor:
        return self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                              is_causal=is_causal)[0]

    def feedforward(self, x: Tensor) -> Tensor:
        return self.linear2(self.dropout(self.activation(self.linear1(x))))


class TransformerEncoderLayer(_TransformerLayer):
    """Self-attention then a feedforward network of dim_feedforward hidden units, each with a residual
    connection and a LayerNorm (after the sum, or before the block with norm_first=True).

    Input (S, N, d_model), (N, S, d_model) with batch_first=True, or unbatched (S, d_model); the
    output has the input's shape. src_mask (S, S) or (N * nhead, S, S) and src_key_padding_mask
    (N, S) follow MultiheadAttention's conventions (bool: True where attention is NOT allowed;
    float: added to the scores); is_causal=True says src_mask is the causal mask.
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device=None, dtype=None):
        super().__init__(2, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, dtype)

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        x = self.residual(src, self.norm1, self.dropout1, self.self_attention, src_mask, src_key_padding_mask,
                          is_causal)
        return self.residual(x, self.norm2, self.dropout2, self.feedforward)


class TransformerDecoderLayer(_TransformerLayer):
    """Self-attention over tgt, attention from tgt to memory (the encoder's output), then a
    feedforward network, each with a residual connection and a LayerNorm (norm1, norm2, norm3).

    tgt (T, N, d_model) and memory (S, N, d_model), or batch first, or unbatched; the output has
    tgt's shape. tgt_mask (T, T) and tgt_key_padding_mask (N, T) mask the self-attention,
    memory_mask (T, S) and memory_key_padding_mask (N, S) the attention to memory, with
    MultiheadAttention's conventions.
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device=None, dtype=None):
        super().__init__(3, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, dtype)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Tensor:
        x = self.residual(tgt, self.norm1, self.dropout1, self.self_attention, tgt_mask, tgt_key_padding_mask,
                          tgt_is_causal)
        x = self.residual(x, self.norm2, self.dropout2, self.memory_attention, memory, memory_mask,
                          memory_key_padding_mask, memory_is_causal)
        return self.residual(x, self.norm3, self.dropout3, self.feedforward)

    def memory_attention(self, x: Tensor, memory: Tensor, attn_mask, key_padding_mask, is_causal: bool) -> Tensor:
        return self.multihead_attn(x, memory, memory, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                   need_weights=False, is_causal=is_causal)[0]


class TransformerEncoder(Module):
    """num_layers copies of encoder_layer applied in turn (layers.0, layers.1, ...), then norm if given.

    is_causal=None passes False to the layers: PyTorch then checks whether mask is the causal
    mask only to pick a faster path with the same values.
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True):
        super().__init__()
        self.layers = clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check
        self.use_nested_tensor = False  # no nested tensors here (the module docstring says what that changes)

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                           is_causal=bool(is_causal))
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Module):
    """num_layers copies of decoder_layer applied in turn, each attending to the same memory, then norm if given."""

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None):
        super().__init__()
        self.layers = clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Tensor:
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=bool(tgt_is_causal),
                           memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """An encoder (num_encoder_layers layers and a final LayerNorm) and a decoder (likewise) of
    d_model features: forward(src, tgt) decodes tgt while attending to the encoded src.

    PyTorch's initialisation: after the layers are made, every parameter of 2 or more dims is
    redrawn from xavier_uniform_ (the biases and LayerNorms keep theirs).
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6, num_decoder_layers: int = 6,
                 dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, custom_encoder: Module | None = None,
                 custom_decoder: Module | None = None, layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None):
        super().__init__()
        layer_options = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                         bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_options, dtype=dtype), num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_options, dtype=dtype), num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        for parameter in self.parameters():
            if parameter.ndim > 1:
                init.xavier_uniform_(parameter)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        batch_dim = 0 if self.batch_first else 1
        if src.ndim == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError(f"the batch number of src and tgt must be equal (Transformer: src of shape "
                               f"{tuple(src.shape)}, tgt of shape {tuple(tgt.shape)}, batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(f"the feature number of src and tgt must be equal to d_model (Transformer: d_model="
                               f"{self.d_model}, src of shape {tuple(src.shape)}, tgt of shape {tuple(tgt.shape)})")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
        """The (sz, sz) causal mask as a float bias: -inf above the diagonal (a position may not attend to a later
        one), 0 on and below it."""
        dtype = get_default_dtype() if dtype is None else dtype
        return Tensor._wrap(np.triu(np.full((sz, sz), -np.inf), 1).astype(dtype))
