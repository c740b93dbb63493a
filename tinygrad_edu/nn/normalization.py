"""BatchNorm1d/2d/3d, LayerNorm, RMSNorm, GroupNorm and InstanceNorm1d/2d/3d."""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd import no_grad
from ..device import check_device
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from .layer_checks import check_sizes
from .module import Module, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "RMSNorm", "GroupNorm", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d"]


class _BatchNorm(Module):
    """Normalise each channel (dim 1) by the batch's mean and variance when training,
    by the running estimates in eval mode; then scale by weight and shift by bias.

    Buffers: running_mean (starts 0), running_var (starts 1) and
    num_batches_tracked. With momentum=None the running statistics are the
    plain average over all batches seen (factor 1 / num_batches_tracked).
    """
    expected_dims: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        check_sizes(type(self).__name__, num_features=num_features)
        check_device(device, type(self).__name__)
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats, self.use_bias = affine, track_running_stats, affine and bias
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if self.use_bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._wrap(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor._wrap(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor._wrap(np.array(0, dtype=np.int64)))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x: Tensor) -> Tensor:
        name = type(self).__name__
        dims = " or ".join(f"{d}D" for d in self.expected_dims)
        expected = f"a {dims} input with {self.num_features} channels in dim 1"
        # as PyTorch: a ValueError for the number of dims, a RuntimeError for the number of channels
        if x.ndim not in self.expected_dims:
            raise ValueError(f"{name}: expected {expected}, got shape {tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise RuntimeError(f"{name}: expected {expected}, got shape {tuple(x.shape)} ({x.shape[1]} channels). "
                               f"Hint: num_features must be the number of channels, {name}({x.shape[1]})")
        factor = 0.0 if self.momentum is None else self.momentum
        counting = self.training and self.track_running_stats
        if counting and self.momentum is None:
            factor = 1.0 / (int(self.num_batches_tracked.item()) + 1)  # this batch included
        use_batch_stats = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        out = F.batch_norm(x, self.running_mean if track else None, self.running_var if track else None,
                           self.weight, self.bias, use_batch_stats, factor, self.eps)
        if counting:  # only once batch_norm has accepted the batch: a refused one changes nothing
            with no_grad():
                self.num_batches_tracked.add_(1)
        return out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.use_bias}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs."""
    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) inputs, per channel."""
    expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) inputs, per channel."""
    expected_dims = (5,)


def shape_and_weight(normalized_shape, elementwise_affine: bool, dtype) -> tuple:
    """normalized_shape as a tuple, and the weight of LayerNorm and RMSNorm: ones of that shape, or None."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return shape, Parameter(np.ones(shape, dtype=dtype)) if elementwise_affine else None


class LayerNorm(Module):
    """Normalise over the last dims (normalized_shape) of each sample, then scale and shift."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        check_device(device, "LayerNorm")
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.normalized_shape, self.weight = shape_and_weight(normalized_shape, elementwise_affine, dtype)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if elementwise_affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """Divide by the root mean square over the last dims (normalized_shape), then scale: F.rms_norm. No
    centring and no bias, so it is cheaper than LayerNorm; LLaMA-style transformers use it. weight starts
    at 1; eps=None means the input dtype's machine epsilon, as PyTorch's."""

    def __init__(self, normalized_shape, eps: float | None = None, elementwise_affine: bool = True, device=None,
                 dtype=None):
        super().__init__()
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.normalized_shape, self.weight = shape_and_weight(normalized_shape, elementwise_affine, dtype)
        self.eps, self.elementwise_affine = eps, elementwise_affine

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Normalise each sample's channels in num_groups groups (mean and variance over a group's
    channels and all their positions), then scale and shift each channel: weight (num_channels,)
    starts at 1, bias at 0. Unlike batch norm it keeps no running statistics, so training and eval
    give the same result, whatever the batch size. Input (N, C, *)."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        dtype = get_default_dtype() if dtype is None else dtype  # float32 unless changed
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = Parameter(np.ones(num_channels, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype=dtype)) if affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    """Normalise each sample's channel over its positions (F.instance_norm), then scale and shift
    each channel. PyTorch's defaults differ from batch norm's: no weight and bias (affine=False) and
    no running statistics (track_running_stats=False). With track_running_stats the buffers are batch
    norm's (running_mean, running_var, num_batches_tracked, which, as in PyTorch, stays 0) and eval mode
    normalises by them. An unbatched input (one dim fewer) is taken as a batch of one."""
    unbatched_dims: int = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        name = type(self).__name__
        if x.ndim not in self.expected_dims:
            raise ValueError(f"{name}: expected {' or '.join(f'{d}D' for d in self.expected_dims)} input (got "
                             f"{x.ndim}D input)")
        feature_dim = x.ndim - self.unbatched_dims
        if x.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"{name}: expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {x.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          f"warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        batch = x.unsqueeze(0) if x.ndim == self.unbatched_dims else x
        momentum = 0.0 if self.momentum is None else self.momentum
        y = F.instance_norm(batch, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats, momentum, self.eps)
        return y.squeeze(0) if x.ndim == self.unbatched_dims else y


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over (N, C, L) or unbatched (C, L) inputs."""
    expected_dims, unbatched_dims = (2, 3), 2


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over (N, C, H, W) or unbatched (C, H, W) inputs."""
    expected_dims, unbatched_dims = (3, 4), 3


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over (N, C, D, H, W) or unbatched (C, D, H, W) inputs."""
    expected_dims, unbatched_dims = (4, 5), 4
