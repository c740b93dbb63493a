"""The pools of nn.functional: max, average and adaptive pooling in 1-D and 2-D, the max pools'
indices (return_indices) and their partial inverse, max_unpool1d and max_unpool2d.

A module of its own because the pools are a family with their own rules (PyTorch's output
sizes, ceil_mode, dilation, where the indices point) and functional.py had no room left for
the indices and unpooling; functional.py re-exports every name.

max_pool2d and max_unpool2d call primitives of nn/ops.py (MaxPool2dFunction, MaxUnpool2dFunction),
for speed; the average and adaptive pools are built from Tensor ops. A 1-D pool is its 2-D form
on a unit height: (N, C, L) is (N, C, 1, L), so it shares the primitive and its derivatives (a
reshape each way costs nothing next to the op).

Indices are PyTorch's: int64, the position of each maximum in its input plane flattened
(row * W + column for 2-D, the position along L for 1-D), the first maximum where several tie.
They are not differentiable; the values keep their gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..creation import stack
from ..tensor import Tensor
from . import ops
from .activation_functions import floating_only
from .conv_functions import check_1d, ntuple, pair, single

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "max_pool1d", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d", "max_unpool1d", "max_unpool2d"]


def squeezed(result, dim: int):
    """result.squeeze(dim), or each of a (values, indices) pair squeezed: a pool's batch or unit dim taken off."""
    if isinstance(result, tuple):
        return tuple(t.squeeze(dim) for t in result)
    return result.squeeze(dim)


# ---------------------------------------------------------------- max and average pools

def pool_args(x: Tensor, kernel_size, stride, padding, ceil_mode: bool, name: str, dilation=(1, 1)):
    """kernel, stride, padding as pairs, and the output's (Ho, Wo) (PyTorch's rule, ops.pool_output_size)."""
    kernel = pair(kernel_size, name)
    stride = kernel if stride is None or stride == [] else pair(stride, name)
    padding = pair(padding, name)
    if min(kernel) <= 0 or min(stride) <= 0:
        what = "stride" if min(kernel) > 0 else "kernel_size"
        raise RuntimeError(f"{name}: {what} should be greater than zero, got kernel_size {kernel} and "
                           f"stride {stride}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{name}: dilation should be greater than zero, got {dilation}")
    if x.ndim != 4:
        raise RuntimeError(f"{name}: expected (N, C, H, W) or unbatched (C, H, W) input, got shape {tuple(x.shape)}. "
                           "Hint: check the order of the input's dimensions.")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: padding {padding} should be at most half of the kernel {kernel}")
    out = tuple(ops.pool_output_size(*each, ceil_mode) for each in zip(x.shape[2:], kernel, stride, padding, dilation))
    if min(out) < 1:
        raise RuntimeError(f"{name}: input of shape {tuple(x.shape)} is too small for kernel {kernel}, "
                           f"stride {stride}, padding {padding}, dilation {dilation}: the output size would be "
                           f"{out} ((size + 2*padding - dilation*(kernel-1) - 1) / stride + 1, rounded down, or up "
                           "with ceil_mode). Hint: a smaller kernel, or more padding.")
    return kernel, stride, padding, out


def max_pool(x: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool, return_indices: bool, name: str):
    """max_pool2d and max_pool1d (on a unit height): the MaxPool2dFunction primitive. With return_indices,
    forward fills `best` (each window's offset of its maximum), from which the indices are read."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return squeezed(max_pool(x.unsqueeze(0), kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                                 name), 0)
    dilation = pair(dilation, name)
    kernel, stride, padding, out = pool_args(x, kernel_size, stride, padding, ceil_mode, name, dilation)
    best = None
    if return_indices:
        best = np.empty(tuple(x.shape[:2]) + out, dtype=ops.smallest_int(kernel[0] * kernel[1]))
    values = ops.MaxPool2dFunction.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                                         ceil_mode=ceil_mode, best=best)
    if not return_indices:
        return values
    return values, Tensor._wrap(ops.plane_positions(best, (kernel, stride, padding, dilation), x.shape[3]))


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,  # noqa: A002
               return_indices: bool = False):
    """The maximum of each kernel-sized window, windows `stride` apart (default: kernel_size), the
    window's elements `dilation` apart. ceil_mode=True keeps a last, partial window where the input
    does not divide evenly (PyTorch's rule: it must start inside the input or its left padding).
    return_indices=True returns the pair (values, indices), as PyTorch's (a plain tuple)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool2d")


def avg_pool(x: Tensor, kernel_size, stride, padding, ceil_mode: bool, count_include_pad: bool, divisor_override,
             name: str):
    """avg_pool2d and avg_pool1d (on a unit height). Composite: the sum of kh*kw strided slices,
    one per kernel offset, divided by the window's size (or by how many of its elements are
    inside x, with count_include_pad=False; or by divisor_override). A partial window of
    ceil_mode is divided by how much of it lies inside x and its padding (inside x alone, with
    count_include_pad=False), as PyTorch's."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return avg_pool(x.unsqueeze(0), kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override, name).squeeze(0)
    (kh, kw), (sh, sw), (ph, pw), (ho, wo) = pool_args(x, kernel_size, stride, padding, ceil_mode, name)
    height, width = x.shape[2:]
    # how far ceil_mode's last windows reach past the right padding: zeros there too, counted in no divisor
    beyond_h = max(0, (ho - 1) * sh + kh - (height + 2 * ph))
    beyond_w = max(0, (wo - 1) * sw + kw - (width + 2 * pw))
    if ph or pw or beyond_h or beyond_w:
        x = x.pad((pw, pw + beyond_w, ph, ph + beyond_h))
    total = None
    for a in range(kh):
        for b in range(kw):
            piece = x[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw]
            total = piece if total is None else total + piece
    if divisor_override:
        return total / divisor_override
    if not (beyond_h or beyond_w) and (count_include_pad or not (ph or pw)):
        return total / (kh * kw)
    if count_include_pad:  # 1 inside x and its padding
        inside = np.ones((height + 2 * ph, width + 2 * pw), dtype=x.dtype)
    else:  # 1 inside x, 0 in the padding
        inside = np.pad(np.ones((height, width), dtype=x.dtype), ((ph, ph), (pw, pw)))
    inside = np.pad(inside, ((0, beyond_h), (0, beyond_w)))
    counts = sliding_window_view(inside, (kh, kw))[::sh, ::sw].sum(axis=(2, 3))  # x's elements in each window
    return total / Tensor._wrap(counts.astype(x.dtype))


def avg_pool2d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window; zero padding counts unless count_include_pad=False; ceil_mode as max_pool2d's."""
    return avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, "avg_pool2d")


# ---------------------------------------------------------------- adaptive pools

def adaptive_bounds(size: int, out: int) -> list:
    """PyTorch's windows for adaptive pooling: output i covers input floor(i*size/out) to
    ceil((i+1)*size/out) (end excluded), so the windows tile the input and may overlap by one."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_size(x: Tensor, output_size, name: str) -> tuple:
    """The output's (out_h, out_w) for a 4-D x: an int means a square, None in the pair keeps that dim of x."""
    if x.ndim != 4:
        raise RuntimeError(f"{name}: expected (N, C, H, W) or unbatched (C, H, W) input, got shape {tuple(x.shape)}")
    if not isinstance(output_size, (tuple, list)):
        output_size = (output_size, output_size)
    if len(output_size) != 2:
        raise ValueError(f"{name}: output_size must be an int or a pair, got {output_size!r}")
    out = tuple(x.shape[2 + i] if s is None else int(s) for i, s in enumerate(output_size))
    if min(out) < 1:
        raise ValueError(f"{name}: output_size must be positive, got {output_size!r}")
    return out


def adaptive_avg(x: Tensor, output_size, name: str) -> Tensor:
    """Each window given by adaptive_bounds averaged. A mean over a rectangle can be taken one axis
    at a time, so this costs out_h + out_w slices, not out_h * out_w."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return adaptive_avg(x.unsqueeze(0), output_size, name).squeeze(0)
    out_h, out_w = adaptive_size(x, output_size, name)
    x = stack([x[:, :, :, start:end].mean(3) for start, end in adaptive_bounds(x.shape[3], out_w)], 3)
    return stack([x[:, :, start:end].mean(2) for start, end in adaptive_bounds(x.shape[2], out_h)], 2)


def adaptive_max(x: Tensor, output_size, return_indices: bool, name: str):
    """The maximum of each window given by adaptive_bounds, one axis at a time as adaptive_avg: along
    each row first (max(3): the first of tied values, and its column), then down the columns (max(2):
    the first row that holds it), which picks the first maximum in reading order, as PyTorch's
    adaptive max pool does; its gradient goes there (max(dim)'s rule). The indices are the chosen
    row times W plus the column the first step found in that row."""
    if x.ndim == 3:  # unbatched (C, H, W)
        return squeezed(adaptive_max(x.unsqueeze(0), output_size, return_indices, name), 0)
    out_h, out_w = adaptive_size(x, output_size, name)
    width = x.shape[3]
    row_maxima, columns = [], []
    for start, end in adaptive_bounds(width, out_w):
        values, indices = x[:, :, :, start:end].max(3)
        row_maxima.append(values)
        columns.append(indices._data + start)
    x, columns = stack(row_maxima, 3), np.stack(columns, 3)  # (N, C, H, out_w)
    maxima, places = [], []
    for start, end in adaptive_bounds(x.shape[2], out_h):
        values, indices = x[:, :, start:end].max(2)  # (N, C, out_w)
        rows = indices._data + start
        maxima.append(values)
        places.append(rows * width + np.take_along_axis(columns, rows[:, :, None], axis=2)[:, :, 0])
    if not return_indices:
        return stack(maxima, 2)
    return stack(maxima, 2), Tensor._wrap(np.stack(places, 2).astype(np.int64))


def adaptive_avg_pool2d(x: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (out_h, out_w), whatever the input's H and W.
    Output (i, j) is the mean of x[..., floor(i*H/out_h):ceil((i+1)*H/out_h), (same for W)].
    An int means a square output; None in the pair keeps that dim of the input."""
    return adaptive_avg(x, output_size, "adaptive_avg_pool2d")


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to a fixed output size; the windows are adaptive_avg_pool2d's. return_indices=True
    returns the pair (values, indices)."""
    return adaptive_max(input, output_size, return_indices, "adaptive_max_pool2d")


# ---------------------------------------------------------------- the 1-D forms, on a unit height

def pool1d_args(kernel_size, stride, padding, name: str) -> tuple:
    """kernel, stride and padding of a 1-D pool as its 2-D form's, with a unit height."""
    stride = None if stride is None or stride == [] else (1, single(stride, name))
    return (1, single(kernel_size, name)), stride, (0, single(padding, name))


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,  # noqa: A002
               return_indices: bool = False):
    """The maximum of each window of kernel_size along L, windows `stride` apart (default: kernel_size),
    its elements `dilation` apart; ceil_mode and return_indices as max_pool2d's."""
    check_1d(input, "max_pool1d")
    dilation = (1, single(dilation, "max_pool1d"))
    return squeezed(max_pool(input.unsqueeze(-2), *pool1d_args(kernel_size, stride, padding, "max_pool1d"),
                             dilation, ceil_mode, return_indices, "max_pool1d"), -2)


def avg_pool1d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window along L; zero padding counts unless count_include_pad=False; ceil_mode as
    max_pool2d's."""
    check_1d(x, "avg_pool1d")
    return avg_pool(x.unsqueeze(-2), *pool1d_args(kernel_size, stride, padding, "avg_pool1d"), ceil_mode,
                    count_include_pad, None, "avg_pool1d").squeeze(-2)


def adaptive_avg_pool1d(x: Tensor, output_size) -> Tensor:
    """Average pooling to output_size along L, with adaptive_avg_pool2d's windows."""
    check_1d(x, "adaptive_avg_pool1d")
    size = (1, single(output_size, "adaptive_avg_pool1d"))
    return adaptive_avg(x.unsqueeze(-2), size, "adaptive_avg_pool1d").squeeze(-2)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to output_size along L, with adaptive_avg_pool1d's windows; return_indices as
    adaptive_max_pool2d's."""
    check_1d(input, "adaptive_max_pool1d")
    size = (1, single(output_size, "adaptive_max_pool1d"))
    return squeezed(adaptive_max(input.unsqueeze(-2), size, return_indices, "adaptive_max_pool1d"), -2)


# ---------------------------------------------------------------- unpooling

def unpool_size(x: Tensor, kernel: tuple, stride: tuple, padding: tuple, output_size) -> tuple:
    """PyTorch's output size of max_unpool (F._unpool_output_size): by default (size - 1) * stride + kernel
    - 2 * padding along each dim (what the pool read); a given output_size (the spatial dims, or all of
    (N, C, ...)) must lie strictly within stride of that, as the sizes a pool maps to this one do."""
    n = len(kernel)
    default = tuple((size - 1) * s + k - 2 * p for size, k, s, p in zip(x.shape[-n:], kernel, stride, padding))
    if output_size is None:
        size = default
    else:
        output_size = tuple(output_size)
        if len(output_size) == n + 2:
            output_size = output_size[2:]
        if len(output_size) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                             f"length of '{len(output_size)}'")
        for d in range(n):
            low, high = default[d] - stride[d], default[d] + stride[d]
            if not low < output_size[d] < high:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
        size = tuple(int(s) for s in output_size)
    for d in range(n):
        if size[d] < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={size[d]}")
    return size


def max_unpool(x: Tensor, indices, size: tuple) -> Tensor:
    """x's elements written at `indices` of planes of `size` (H, W), zeros elsewhere: MaxUnpool2dFunction,
    with PyTorch's checks of x and the indices."""
    if x.ndim not in (3, 4):
        raise RuntimeError(f"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {x.ndim} "
                           "dimensions.")
    floating_only(x, "max_unpool2d")
    places = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if places.dtype != np.int64:
        name = indices.dtype.legacy_name if isinstance(indices, Tensor) else places.dtype
        raise RuntimeError(f"elements in indices should be type int64 but got: {name}")
    if places.shape != tuple(x.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(x.shape)}) but "
                           f"got indices tensor with shape: {list(places.shape)}")
    bad = (places < 0) | (places >= size[0] * size[1])
    if bad.any():
        raise RuntimeError(f"Found an invalid max index: {places[bad][0]} (output volumes are of size "
                           f"{size[0]}x{size[1]})")
    if x.ndim == 3:  # unbatched (C, H, W)
        return ops.MaxUnpool2dFunction.apply(x.unsqueeze(0), indices=places[None], size=size).squeeze(0)
    return ops.MaxUnpool2dFunction.apply(x, indices=places, size=size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """A partial inverse of max_pool2d: each value written back where `indices` (max_pool2d's, with
    return_indices=True) says its maximum came from, zeros elsewhere. The output's H and W are
    (size - 1) * stride + kernel_size - 2 * padding, or output_size (when the pool's input size does
    not follow from its output's). Its gradient is g read at the indices."""
    kernel = pair(kernel_size, "max_unpool2d")
    stride = kernel if stride is None else pair(stride, "max_unpool2d")
    padding = pair(padding, "max_unpool2d")
    return max_unpool(input, indices, unpool_size(input, kernel, stride, padding, output_size))


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """max_unpool2d along L, for max_pool1d's indices: the output's L is (size - 1) * stride + kernel_size
    - 2 * padding, or output_size. Runs max_unpool2d on (..., L, 1), as PyTorch does."""
    kernel = ntuple(kernel_size, 1, "max_unpool1d")
    stride = kernel if stride is None else ntuple(stride, 1, "max_unpool1d")
    padding = ntuple(padding, 1, "max_unpool1d")
    size = unpool_size(input, kernel, stride, padding, output_size) + (1,)
    indices = indices.unsqueeze(-1) if isinstance(indices, Tensor) else np.asarray(indices)[..., None]
    return max_unpool(input.unsqueeze(-1), indices, size).squeeze(-1)
