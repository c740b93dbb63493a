"""Dropout, and Dropout1d/2d/3d, which zero whole channels (nn/dropout_functions.py says why)."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class Dropout(Module):
    """In training mode, zero each element with probability p and scale the rest by
    1/(1-p); in eval mode, the identity."""

    function = F.dropout  # the function in nn.functional; the channel forms below set theirs

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"{type(self).__name__}: probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, x: Tensor) -> Tensor:
        return type(self).function(x, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """In training mode, zero each channel of an (N, C, L) or (C, L) input with probability p and scale the
    rest by 1/(1-p); in eval mode, the identity."""

    function = F.dropout1d


class Dropout2d(Dropout):
    """Dropout1d's rule on (N, C, H, W) input (a 3-D input is read as (N, C, L), as in PyTorch)."""

    function = F.dropout2d


class Dropout3d(Dropout):
    """Dropout1d's rule on (N, C, D, H, W) or (C, D, H, W) input."""

    function = F.dropout3d
