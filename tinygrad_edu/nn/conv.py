"""Convolutions and pools: Conv1d and Conv2d, the max, average and adaptive pools in 1-D and 2-D,
on batches (N, C, L) / (N, C, H, W) or one unbatched (C, L) / (C, H, W) input.

The 1-D layers call the 1-D functions, which run the 2-D ones on a unit height (functional.py)."""

from __future__ import annotations

import math

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["Conv1d", "Conv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What Conv1d and Conv2d share: weight (out_channels, in_channels, *kernel_size), bias (out_channels,).
    padding: an int, one int per spatial dim, 'valid' (none) or 'same' (the output keeps the input's
    size; stride 1). dilation, groups and padding_mode other than PyTorch's defaults are not supported.

    PyTorch's initialisation: weight from kaiming_uniform_(a=sqrt(5)), i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels * prod(kernel_size); bias the same.
    """
    spatial_dims = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        name, dims = type(self).__name__, self.spatial_dims
        if F.ntuple(dilation, dims, name) != (1,) * dims or groups != 1:
            raise NotImplementedError(f"{name}: dilation and groups other than 1 are not supported")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {list(PADDING_MODES)}, but got "
                             f"padding_mode={padding_mode!r}")
        if padding_mode != "zeros":
            raise NotImplementedError(f"{name}: padding_mode={padding_mode!r} is not supported, only 'zeros'. "
                                      "Hint: pad the input yourself with F.pad, then padding=0.")
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F.ntuple(kernel_size, dims, name)
        self.stride = F.ntuple(stride, dims, name)
        if isinstance(padding, str):  # checks 'same' and 'valid'; PyTorch keeps the string
            F.conv_padding(padding, self.stride, name)
            self.padding = padding
        else:
            self.padding = F.ntuple(padding, dims, name)
        self.padding_mode = padding_mode
        self.weight = Parameter(np.empty((out_channels, in_channels) + self.kernel_size, dtype=dtype))
        self.bias = Parameter(np.empty(out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_channels * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.spatial_dims:
            text += f", padding={self.padding}"
        return text if self.bias is not None else text + ", bias=False"


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over (N, C, L) or (C, L), weight (out_channels, in_channels, k)."""
    spatial_dims = 1

    def forward(self, x: Tensor) -> Tensor:
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding)


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over (N, C, H, W) or (C, H, W),
    weight (out_channels, in_channels, kh, kw)."""
    spatial_dims = 2

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)


class _MaxPoolNd(Module):
    """The maximum of each window; stride defaults to kernel_size. Sizes are kept as given, as PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False):
        super().__init__()
        F.refuse_pool_options(type(self).__name__, dilation, ceil_mode, return_indices)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode
        self.stride = kernel_size if stride is None or stride == [] else stride  # 0 is an error, not the default

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max pooling along L of (N, C, L) or (C, L)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool1d(x, self.kernel_size, self.stride, self.padding)


class MaxPool2d(_MaxPoolNd):
    """Max pooling over H and W of (N, C, H, W) or (C, H, W)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool1d(Module):
    """The mean of each window along L (zero padding counted unless count_include_pad=False);
    stride defaults to kernel_size. Sizes are kept as 1-tuples, as PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True):
        super().__init__()
        F.refuse_pool_options("AvgPool1d", ceil_mode=ceil_mode)
        self.kernel_size = (F.single(kernel_size, "AvgPool1d"),)
        self.stride = self.kernel_size if stride is None or stride == [] else (F.single(stride, "AvgPool1d"),)
        self.padding = (F.single(padding, "AvgPool1d"),)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, count_include_pad=self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """The mean of each window (zero padding counted unless count_include_pad=False; divided by
    divisor_override when given); stride defaults to kernel_size."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None):
        super().__init__()
        F.refuse_pool_options("AvgPool2d", ceil_mode=ceil_mode)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None or stride == [] else stride
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, count_include_pad=self.count_include_pad,
                            divisor_override=self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePoolNd(Module):
    """Pooling to a fixed output size, whatever the input's size: output i averages (or takes the
    max of) input floor(i*size/out) to ceil((i+1)*size/out). AdaptiveAvgPool2d(1) is global average
    pooling; in 2-D an int means a square output, and None in a pair keeps that dim."""

    def __init__(self, output_size, return_indices: bool = False):  # (the max pools' option, refused)
        super().__init__()
        F.refuse_pool_options(type(self).__name__, return_indices=return_indices)
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    def __init__(self, output_size):
        super().__init__(output_size)

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    def __init__(self, output_size):
        super().__init__(output_size)

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)


class AdaptiveMaxPool1d(_AdaptivePoolNd):
    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_max_pool1d(x, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePoolNd):
    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_max_pool2d(x, self.output_size)
