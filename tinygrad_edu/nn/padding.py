"""The padding layers (ZeroPad2d, ReflectionPad2d, ...): F.pad (nn/padding_functions.py) as modules, for
the models that pad as a layer of their own (CycleGAN's ResNet blocks start with ReflectionPad2d).
The number in the name is how many trailing dims are padded; an int pads every side by that much,
a tuple is PyTorch's order: (left, right), then (top, bottom), then (front, back). No parameters.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


class PadNd(Module):
    """F.pad(x, padding, mode) as a layer; a subclass names the mode and how many dims it pads."""
    mode, dims = "constant", 1

    def __init__(self, padding):
        super().__init__()
        self.padding = (padding,) * (2 * self.dims) if isinstance(padding, int) else tuple(padding)

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPadNd(PadNd):
    """Pads with `value`."""

    def __init__(self, padding, value: float):
        super().__init__(padding)
        self.value = value

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(ConstantPadNd):
    dims = 1


class ConstantPad2d(ConstantPadNd):
    dims = 2


class ConstantPad3d(ConstantPadNd):
    dims = 3


class ZeroPadNd(ConstantPadNd):
    """Pads with zeros (a ConstantPad with value 0, as in PyTorch, printed with the padding alone)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(ZeroPadNd, ConstantPad1d):
    pass


class ZeroPad2d(ZeroPadNd, ConstantPad2d):
    pass


class ZeroPad3d(ZeroPadNd, ConstantPad3d):
    pass


class ReflectionPad1d(PadNd):
    """Mirrors the input about its edge (the edge itself not repeated): [1, 2, 3] by 2 -> [3, 2, 1, 2, 3, 2, 1]."""
    mode, dims = "reflect", 1


class ReflectionPad2d(ReflectionPad1d):
    dims = 2


class ReflectionPad3d(ReflectionPad1d):
    dims = 3


class ReplicationPad1d(PadNd):
    """Repeats the edge: [1, 2, 3] by 2 -> [1, 1, 1, 2, 3, 3, 3]."""
    mode, dims = "replicate", 1


class ReplicationPad2d(ReplicationPad1d):
    dims = 2


class ReplicationPad3d(ReplicationPad1d):
    dims = 3


class CircularPad1d(PadNd):
    """Wraps around: [1, 2, 3] by 2 -> [2, 3, 1, 2, 3, 1, 2]."""
    mode, dims = "circular", 1


class CircularPad2d(CircularPad1d):
    dims = 2


class CircularPad3d(CircularPad1d):
    dims = 3
