"""Convolutions and pools: Conv1d, Conv2d and Conv3d, ConvTranspose1d/2d/3d, the max, average
and adaptive pools and MaxUnpool in 1-D, 2-D and 3-D, on batches (N, C, L) / (N, C, H, W) / (N, C, D, H, W)
or one unbatched input (without N).

The 1-D layers call the 1-D functions, which run the 2-D ones on a unit height (conv_functions.py,
functional.py); the 3-D functions run the 2-D ones' code with one spatial dim more."""

from __future__ import annotations

import math

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from .conv_functions import conv_padding, ntuple, single
from .layer_checks import check_sizes
from .module import Module, Parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
           "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
           "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the convolutions share: weight (out_channels, in_channels/groups, *kernel_size), or
    (in_channels, out_channels/groups, *kernel_size) for a transposed one; bias (out_channels,).
    padding: an int, one int per spatial dim, 'valid' (none) or 'same' (the output keeps the input's
    size; stride 1; not for transposed convolutions). padding_mode: what the padding holds, 'zeros', or
    'reflect', 'replicate' or 'circular' (F.pad's modes: the input is padded by F.pad, then convolved
    with no padding, as PyTorch does; not for transposed convolutions).

    PyTorch's initialisation: weight from kaiming_uniform_(a=sqrt(5)), i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] * prod(kernel_size)
    (in_channels/groups * prod(kernel_size), or out_channels/groups * ... when transposed); bias the same.
    """
    spatial_dims = 0
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride, padding, dilation, groups: int,
                 bias: bool, padding_mode: str, output_padding=0, device=None, dtype=None):
        super().__init__()
        name, dims = type(self).__name__, self.spatial_dims
        check_sizes(name, in_channels=in_channels, out_channels=out_channels)
        if groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got groups={groups}")
        for what, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % groups:
                raise ValueError(f"{name}: {what} must be divisible by groups, got {what}={channels} and "
                                 f"groups={groups}")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {list(PADDING_MODES)}, but got "
                             f"padding_mode={padding_mode!r}")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ntuple(kernel_size, dims, name)
        self.stride = ntuple(stride, dims, name)
        if isinstance(padding, str) and self.transposed:
            raise ValueError(f"{name}: padding must be an int or a tuple of ints, not {padding!r} ('same' and "
                             "'valid' are the convolutions')")
        if isinstance(padding, str):  # checks 'same' and 'valid'; PyTorch keeps the string
            conv_padding(padding, self.stride, name)
            self.padding = padding
        else:
            self.padding = ntuple(padding, dims, name)
        self.dilation = ntuple(dilation, dims, name)
        self.output_padding = ntuple(output_padding, dims, name)
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = self.mode_padding()
        if self.transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty(out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def mode_padding(self) -> tuple:
        """The padding as F.pad takes it, (left, right) of the last dim first (PyTorch keeps it as
        _reversed_padding_repeated_twice): what a padding_mode other than 'zeros' adds before a convolution
        that then pads no more. 'same' puts the odd one of dilation * (kernel - 1) on the right, as PyTorch."""
        if self.padding == "valid":
            return (0, 0) * self.spatial_dims
        amounts = []
        for i in reversed(range(self.spatial_dims)):
            if self.padding == "same":
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                amounts += [total // 2, total - total // 2]
            else:
                amounts += [self.padding[i]] * 2
        return tuple(amounts)

    def padded(self, x: Tensor) -> tuple:
        """(input, padding) for the convolution: x and self.padding with padding_mode 'zeros', else x padded
        by F.pad in that mode and no more padding (PyTorch's way)."""
        if self.padding_mode == "zeros":
            return x, self.padding
        return F.pad(x, self._reversed_padding_repeated_twice, mode=self.padding_mode), 0

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        dims = self.spatial_dims
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _ConvolutionNd(_ConvNd):
    """A convolution that is not transposed: PyTorch's argument order; forward pads in padding_mode, then
    calls `function`, F.conv1d, F.conv2d or F.conv3d."""
    function = staticmethod(F.conv2d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device=device, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        x, padding = self.padded(x)
        return self.function(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvolutionNd):
    """1-D convolution (cross-correlation) over (N, C, L) or (C, L), weight (out_channels, in_channels/groups, k)."""
    spatial_dims, function = 1, staticmethod(F.conv1d)


class Conv2d(_ConvolutionNd):
    """2-D convolution (cross-correlation) over (N, C, H, W) or (C, H, W),
    weight (out_channels, in_channels/groups, kh, kw)."""
    spatial_dims, function = 2, staticmethod(F.conv2d)


class Conv3d(_ConvolutionNd):
    """3-D convolution (cross-correlation) over (N, C, D, H, W) or (C, D, H, W),
    weight (out_channels, in_channels/groups, kd, kh, kw)."""
    spatial_dims, function = 3, staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution: PyTorch's argument order (output_padding before groups, dilation after bias)."""
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, device, dtype)

    def options(self, output_size) -> tuple:
        """(stride, padding, output_padding, groups, dilation) for the function; output_size (which
        PyTorch turns into an output_padding) is not supported."""
        if output_size is not None:
            raise NotImplementedError(f"{type(self).__name__}: output_size is not supported. Hint: give the "
                                      "layer output_padding instead.")
        return self.stride, self.padding, self.output_padding, self.groups, self.dilation


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C, L) or (C, L), weight (in_channels, out_channels/groups, k):
    the length grows to (L - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1."""
    spatial_dims = 1

    def forward(self, x: Tensor, output_size=None) -> Tensor:
        return F.conv_transpose1d(x, self.weight, self.bias, *self.options(output_size))


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C, H, W) or (C, H, W), weight (in_channels, out_channels/groups,
    kh, kw): each dim grows to (H - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1
    (DCGAN's generator: kernel 4, stride 2, padding 1 doubles H and W)."""
    spatial_dims = 2

    def forward(self, x: Tensor, output_size=None) -> Tensor:
        return F.conv_transpose2d(x, self.weight, self.bias, *self.options(output_size))


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over (N, C, D, H, W) or (C, D, H, W), weight (in_channels,
    out_channels/groups, kd, kh, kw): each of D, H, W grows as ConvTranspose2d's H and W."""
    spatial_dims = 3

    def forward(self, x: Tensor, output_size=None) -> Tensor:
        return F.conv_transpose3d(x, self.weight, self.bias, *self.options(output_size))


class _MaxPoolNd(Module):
    """The maximum of each window; stride defaults to kernel_size. Sizes are kept as given, as PyTorch's.
    With return_indices=True, forward returns (values, indices), for MaxUnpool1d/2d/3d."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False):
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode
        self.stride = kernel_size if stride is None or stride == [] else stride  # 0 is an error, not the default

    def options(self) -> tuple:
        """The arguments of F.max_pool1d/2d/3d after the input, in their order."""
        return self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max pooling along L of (N, C, L) or (C, L)."""

    def forward(self, x: Tensor):
        return F.max_pool1d(x, *self.options())


class MaxPool2d(_MaxPoolNd):
    """Max pooling over H and W of (N, C, H, W) or (C, H, W)."""

    def forward(self, x: Tensor):
        return F.max_pool2d(x, *self.options())


class MaxPool3d(_MaxPoolNd):
    """Max pooling over D, H and W of (N, C, D, H, W) or (C, D, H, W)."""

    def forward(self, x: Tensor):
        return F.max_pool3d(x, *self.options())


class _MaxUnpoolNd(Module):
    """The partial inverse of a max pool: forward(input, indices, output_size=None) writes each value
    where the pool's indices say its maximum came from, zeros elsewhere. Sizes are kept as tuples, as
    PyTorch's; stride defaults to kernel_size."""
    spatial_dims = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name, n = type(self).__name__, self.spatial_dims
        self.kernel_size = ntuple(kernel_size, n, name)
        self.stride = ntuple(kernel_size if stride is None else stride, n, name)
        self.padding = ntuple(padding, n, name)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """MaxPool1d undone, for (N, C, L) or (C, L) and MaxPool1d's indices."""
    spatial_dims = 1

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:  # noqa: A002
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """MaxPool2d undone, for (N, C, H, W) or (C, H, W) and MaxPool2d's indices."""

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:  # noqa: A002
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    """MaxPool3d undone, for (N, C, D, H, W) or (C, D, H, W) and MaxPool3d's indices."""
    spatial_dims = 3

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:  # noqa: A002
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class AvgPool1d(Module):
    """The mean of each window along L (zero padding counted unless count_include_pad=False);
    stride defaults to kernel_size. Sizes are kept as 1-tuples, as PyTorch's."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True):
        super().__init__()
        self.kernel_size = (single(kernel_size, "AvgPool1d"),)
        self.stride = self.kernel_size if stride is None or stride == [] else (single(stride, "AvgPool1d"),)
        self.padding = (single(padding, "AvgPool1d"),)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    """The mean of each window (zero padding counted unless count_include_pad=False; divided by
    divisor_override when given); stride defaults to kernel_size. Sizes are kept as given, as PyTorch's."""
    function = staticmethod(F.avg_pool2d)  # F.avg_pool2d or F.avg_pool3d

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None or stride == [] else stride
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return self.function(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                             self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Average pooling over H and W of (N, C, H, W) or (C, H, W)."""


class AvgPool3d(_AvgPoolNd):
    """Average pooling over D, H and W of (N, C, D, H, W) or (C, D, H, W)."""
    function = staticmethod(F.avg_pool3d)


class _AdaptivePoolNd(Module):
    """Pooling to a fixed output size, whatever the input's size: output i averages (or takes the
    max of) input floor(i*size/out) to ceil((i+1)*size/out). AdaptiveAvgPool2d(1) is global average
    pooling; in 2-D an int means a square output, and None in a pair keeps that dim."""

    def __init__(self, output_size, return_indices: bool = False):  # (the max pools' option)
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveAvgPoolNd(_AdaptivePoolNd):
    function = staticmethod(F.adaptive_avg_pool2d)  # F.adaptive_avg_pool1d, 2d or 3d

    def __init__(self, output_size):
        super().__init__(output_size)

    def forward(self, x: Tensor) -> Tensor:
        return self.function(x, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    function = staticmethod(F.adaptive_max_pool2d)  # F.adaptive_max_pool1d, 2d or 3d

    def forward(self, x: Tensor):
        return self.function(x, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    function = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    function = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    function = staticmethod(F.adaptive_avg_pool3d)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    function = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    function = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    function = staticmethod(F.adaptive_max_pool3d)
