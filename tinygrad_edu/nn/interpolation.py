"""F.interpolate, the function behind nn.Upsample: resize the spatial dims of (N, C, L),
(N, C, H, W) or (N, C, D, H, W) input.

A module of its own because resizing is a family apart from convolution and pooling: each
output position reads the input positions a formula gives (PyTorch's, below), so it is
composite -- along each spatial dim, a gather (index_select, whose derivative adds the
gradient back where each value came from) for 'nearest', and a weighted sum of two gathers for
the linear modes (a separable interpolation: bilinear is linear along H, then along W).

Source positions, for output index i along a dim of input size n and output size m, with
scale = 1 / scale_factor when a scale_factor is given (and not recomputed), else n / m:
  nearest:        floor(i * scale), at most n - 1 (in float32, as PyTorch, so the same
                  indices come out where the product lands near an integer)
  nearest-exact:  floor((i + 0.5) * scale), at most n - 1
  linear modes:   (i + 0.5) * scale - 0.5, at least 0; with align_corners=True,
                  i * (n - 1) / (m - 1) (the corner pixels' centres line up)
and a linear mode mixes the inputs at floor(src) and the one after (the last one at the edge).
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor

__all__ = ["interpolate"]

LINEAR_MODES = {"linear": 3, "bilinear": 4, "trilinear": 5}  # the input's ndim each one needs
NEAREST_MODES = ("nearest", "nearest-exact")


def spatial_sizes(x: Tensor, size, scale_factor, recompute_scale_factor) -> tuple[tuple, tuple]:
    """The output's spatial sizes, and the scale_factor of each dim (None where the sizes set the scale)."""
    spatial = tuple(x.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    given = size if size is not None else scale_factor
    values = tuple(given) if isinstance(given, (tuple, list)) else (given,) * len(spatial)
    if len(values) != len(spatial):
        raise ValueError(f"interpolate: the input {tuple(x.shape)} has {len(spatial)} spatial dims {spatial} but "
                         f"{'size' if size is not None else 'scale_factor'} {given!r} gives {len(values)}. Hint: "
                         "the input is (N, C, d1, ..., dk) and the size (o1, ..., ok).")
    if size is not None:
        return tuple(int(s) for s in values), (None,) * len(spatial)
    sizes = tuple(math.floor(n * float(f)) for n, f in zip(spatial, values))
    if recompute_scale_factor:
        return sizes, (None,) * len(spatial)
    return sizes, tuple(float(f) for f in values)


def nearest_indices(n: int, m: int, scale_factor, exact: bool) -> np.ndarray:
    scale = np.float32(1 / scale_factor if scale_factor else n / m)
    positions = np.arange(m, dtype=np.float32) + np.float32(0.5 if exact else 0.0)
    return np.minimum(np.floor(positions * scale).astype(np.int64), n - 1)


def linear_weights(n: int, m: int, scale_factor, align_corners: bool):
    """The two source indices of each output position and the weight of the second."""
    if align_corners:
        src = np.arange(m) * ((n - 1) / (m - 1) if m > 1 else 0.0)
    else:
        scale = 1 / scale_factor if scale_factor else n / m
        src = np.maximum((np.arange(m) + 0.5) * scale - 0.5, 0.0)
    first = np.minimum(np.floor(src).astype(np.int64), n - 1)
    second = np.minimum(first + 1, n - 1)
    return first, second, src - first


def interpolate(x: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of x (N, C, *spatial) to `size`, or by `scale_factor`
    (output size floor(input size * scale_factor)), reading positions by `mode`:
    'nearest', 'nearest-exact', 'linear' (3-D input), 'bilinear' (4-D) or 'trilinear' (5-D).
    See the module docstring for the formulas."""
    if mode not in NEAREST_MODES and mode not in LINEAR_MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; the modes here are 'nearest', "
                                  "'nearest-exact', 'linear', 'bilinear' and 'trilinear'")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if x.ndim not in (3, 4, 5):
        raise NotImplementedError(f"interpolate: expected a 3-D, 4-D or 5-D input (N, C, *spatial), got shape "
                                  f"{tuple(x.shape)}. Hint: an unbatched input needs x.unsqueeze(0).")
    if mode in LINEAR_MODES and x.ndim != LINEAR_MODES[mode]:
        raise NotImplementedError(f"interpolate: got {x.ndim}D input, but {mode} mode needs "
                                  f"{LINEAR_MODES[mode]}D input (shape {tuple(x.shape)})")
    if mode in LINEAR_MODES and not x.is_floating_point():
        raise NotImplementedError(f"interpolate: mode {mode!r} mixes neighbouring values and needs a floating "
                                  f"input, got {x.dtype}. Hint: x.float()")
    if mode in NEAREST_MODES and align_corners is not None:
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | trilinear")
    sizes, factors = spatial_sizes(x, size, scale_factor, recompute_scale_factor)
    if min(sizes, default=1) < 1:
        raise ValueError(f"interpolate: the output size {sizes} must be positive (input {tuple(x.shape)})")
    for dim, (n, m, factor) in enumerate(zip(x.shape[2:], sizes, factors), start=2):
        if mode in NEAREST_MODES:
            x = x.index_select(dim, Tensor._wrap(nearest_indices(n, m, factor, mode == "nearest-exact")))
            continue
        first, second, weight = linear_weights(n, m, factor, bool(align_corners))
        weight = Tensor._wrap(weight.astype(x.dtype).reshape((m,) + (1,) * (x.ndim - 1 - dim)))
        x = x.index_select(dim, Tensor._wrap(first)) * (1 - weight) + x.index_select(dim, Tensor._wrap(second)) * weight
    return x
