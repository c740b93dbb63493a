"""Layers of the classic convolutional architectures a learner reads about (re-exported by nn.functional):
local_response_norm (AlexNet, Krizhevsky et al. 2012), channel_shuffle (ShuffleNet, Zhang et al. 2017)
and the power-average pools lp_pool1d and lp_pool2d.

A module of its own so that functional.py and pooling_functions.py stay a readable size. Each is a few
Tensor ops (pads, slices, reshapes, avg_pool), written as PyTorch's Python writes them, so autograd
derives them and they are differentiable to any order.
"""

from __future__ import annotations

import math

from ..tensor import Tensor
from .pooling_functions import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d

__all__ = ["local_response_norm", "channel_shuffle", "lp_pool1d", "lp_pool2d"]


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Tensor:
    """Each channel divided by a power of the energy of its neighbours (input (N, C, *)):
        y[n, c] = x[n, c] / (k + alpha * mean of x[n, c']**2 over c' in c - size//2 .. c + (size-1)//2) ** beta,
    channels past either end counting as 0 (the mean always divides by size, as PyTorch's avg_pool does)."""
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: Expected 3D or higher dimensionality input (got {input.ndim} "
                         "dimensions). Hint: the input is (N, C, *)")
    if input._data.size == 0:
        return input
    channels = input.shape[1]
    squares = input * input
    padding = [0, 0] * (input.ndim - 2) + [size // 2, (size - 1) // 2]  # F.pad's order: last dim first
    padded = squares.pad(tuple(padding))
    window_sum = padded[:, 0:channels]
    for offset in range(1, size):
        window_sum = window_sum + padded[:, offset:offset + channels]
    return input / (window_sum * (alpha / size) + k) ** beta


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Interleave the channels of groups: (N, C, *) seen as (N, groups, C/groups, *), the two channel dims
    swapped, and flattened back, so that the next grouped convolution sees a channel from every group."""
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    channels = input.shape[1]
    if channels % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {channels} channels and {groups} "
                           "groups.")
    n, rest = input.shape[0], tuple(input.shape[2:])
    grouped = input.reshape(n, groups, channels // groups, *rest)
    return grouped.transpose(1, 2).reshape(input.shape)


def power_mean_to_norm(means: Tensor, norm_type: float, window: int) -> Tensor:
    """(window * mean of x**p) ** (1/p), the mean passed through sign(m) * relu(|m|), as PyTorch's: equal
    to m, but with slope 0 where a window is all zeros (relu's), so the infinite slope of the root at 0
    gives a 0 gradient, not a NaN."""
    return (means.sign() * means.abs().relu() * window).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """(sum of x**p over each window) ** (1/p) along L: p = 1 is sum pooling, p = inf max pooling of |x|
    (p = -inf: the smallest |x|).
    As PyTorch's, x**p is not |x|**p: a negative x with a fractional p gives NaN."""
    if norm_type == math.inf:
        return max_pool1d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:  # the smallest |x| of each window
        return -max_pool1d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    means = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return power_mean_to_norm(means, norm_type, kernel_size)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """(sum of x**p over each kh x kw window) ** (1/p); stride defaults to kernel_size."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if norm_type == math.inf:
        return max_pool2d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool2d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    means = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return power_mean_to_norm(means, norm_type, kh * kw)
