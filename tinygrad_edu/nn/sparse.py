"""Embedding: a lookup table of trainable vectors."""

from __future__ import annotations

import numpy as np

from ..autograd import no_grad
from ..device import check_device
from ..dtypes import get_default_dtype
from . import functional as F
from . import init
from .layer_checks import check_sizes
from .module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """out[...] = weight[idx[...]], weight (num_embeddings, embedding_dim) drawn from N(0, 1).
    The row at padding_idx starts at zero and gets no gradient. With max_norm, each row a forward reads is
    first scaled down in place to norm max_norm if it is longer (F.embedding_renorm_). `_weight`, as in
    PyTorch, is a table to use as it is (nothing drawn, padding row kept), frozen when `_freeze`: how
    from_pretrained makes one. The arguments are PyTorch's, in PyTorch's order."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None, dtype=None):
        super().__init__()
        check_sizes("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        check_device(device, "Embedding")
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: scale_grad_by_freq and sparse are not supported. Hint: leave "
                                      "them at their defaults (False)")
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:  # PyTorch's AssertionError
                raise AssertionError(f"Embedding: padding_idx must be within num_embeddings, got {padding_idx} "
                                     f"for {num_embeddings} embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError(f"Embedding: shape of weight {tuple(_weight.shape)} does not match "
                                     f"num_embeddings and embedding_dim ({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx: int | None = None, max_norm=None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Embedding:
        """An Embedding whose table is `embeddings` (2-D; shared, not copied, as in PyTorch), left out of
        training (requires_grad=False) unless freeze=False. Draws nothing from the random generator, so
        the numbers a seeded script draws next are the same with or without it, as in PyTorch."""
        if embeddings.ndim != 2:
            raise AssertionError(f"Embedding.from_pretrained: embeddings are expected to be 2-dimensional "
                                 f"(num_embeddings, embedding_dim), got shape {tuple(embeddings.shape)}")
        return cls(*embeddings.shape, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, dtype=embeddings.dtype, _weight=embeddings,
                   _freeze=freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, idx):
        return F.embedding(idx, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text
