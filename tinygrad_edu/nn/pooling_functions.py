"""The pools of nn.functional: max, average and adaptive pooling in 1-D, 2-D and 3-D, the max pools'
indices (return_indices) and their partial inverse, max_unpool1d, max_unpool2d and max_unpool3d.

A module of its own because the pools are a family with their own rules (PyTorch's output
sizes, ceil_mode, dilation, where the indices point) and functional.py had no room left for
the indices and unpooling; functional.py re-exports every name.

max_pool2d and max_unpool2d call primitives of nn/ops.py (MaxPool2dFunction, MaxUnpool2dFunction),
for speed; the average and adaptive pools are built from Tensor ops. A 1-D pool is its 2-D form
on a unit height: (N, C, L) is (N, C, 1, L), so it shares the primitive and its derivatives (a
reshape each way costs nothing next to the op). A 3-D pool is the same code as the 2-D one with one
spatial dim more: each helper below takes `dims`, the number of spatial dims (2 or 3), and the
primitives take any number.

Indices are PyTorch's: int64, the position of each maximum in its input plane flattened
(row * W + column for 2-D, (depth * H + row) * W + column for 3-D, the position along L for 1-D),
the first maximum where several tie.
They are not differentiable; the values keep their gradient.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..creation import stack
from ..tensor import Tensor
from . import ops
from .activation_functions import floating_only
from .conv_functions import SPATIAL, check_1d, ntuple, single

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "max_pool1d", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d", "max_unpool1d", "max_unpool2d", "max_pool3d", "avg_pool3d",
           "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool3d"]


def squeezed(result, dim: int):
    """result.squeeze(dim), or each of a (values, indices) pair squeezed: a pool's batch or unit dim taken off."""
    if isinstance(result, tuple):
        return tuple(t.squeeze(dim) for t in result)
    return result.squeeze(dim)


# ---------------------------------------------------------------- max and average pools

def pool_args(x: Tensor, kernel_size, stride, padding, ceil_mode: bool, name: str, dilation: tuple):
    """kernel, stride, padding as tuples (one int per spatial dim, as many as in `dilation`), and the output's
    (Ho, Wo) ((Do, Ho, Wo) in 3-D; PyTorch's rule, ops.pool_output_size)."""
    dims = len(dilation)
    kernel = ntuple(kernel_size, dims, name)
    stride = kernel if stride is None or stride == [] else ntuple(stride, dims, name)
    padding = ntuple(padding, dims, name)
    if min(kernel) <= 0 or min(stride) <= 0:
        what = "stride" if min(kernel) > 0 else "kernel_size"
        raise RuntimeError(f"{name}: {what} should be greater than zero, got kernel_size {kernel} and "
                           f"stride {stride}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{name}: dilation should be greater than zero, got {dilation}")
    if x.ndim != dims + 2:
        raise RuntimeError(f"{name}: expected (N, C, {SPATIAL[dims]}) or unbatched (C, {SPATIAL[dims]}) input, got "
                           f"shape {tuple(x.shape)}. Hint: check the order of the input's dimensions.")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{name}: padding {padding} should be at most half of the kernel {kernel}")
    out = tuple(ops.pool_output_size(*each, ceil_mode) for each in zip(x.shape[2:], kernel, stride, padding, dilation))
    if min(out) < 1:
        raise RuntimeError(f"{name}: input of shape {tuple(x.shape)} is too small for kernel {kernel}, "
                           f"stride {stride}, padding {padding}, dilation {dilation}: the output size would be "
                           f"{out} ((size + 2*padding - dilation*(kernel-1) - 1) / stride + 1, rounded down, or up "
                           "with ceil_mode). Hint: a smaller kernel, or more padding.")
    return kernel, stride, padding, out


def max_pool(x: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool, return_indices: bool, dims: int,
             name: str):
    """max_pool2d, max_pool3d and max_pool1d (on a unit height): the MaxPool2dFunction primitive. With
    return_indices, forward fills `best` (each window's offset of its maximum), from which the indices are read."""
    if x.ndim == dims + 1:  # unbatched (C, H, W)
        return squeezed(max_pool(x.unsqueeze(0), kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                                 dims, name), 0)
    dilation = ntuple(dilation, dims, name)
    kernel, stride, padding, out = pool_args(x, kernel_size, stride, padding, ceil_mode, name, dilation)
    best = None
    if return_indices:
        best = np.empty(tuple(x.shape[:2]) + out, dtype=ops.smallest_int(math.prod(kernel)))
    values = ops.MaxPool2dFunction.apply(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                                         ceil_mode=ceil_mode, best=best)
    if not return_indices:
        return values
    return values, Tensor._wrap(ops.plane_positions(best, (kernel, stride, padding, dilation), x.shape[2:]))


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,  # noqa: A002
               return_indices: bool = False):
    """The maximum of each kernel-sized window, windows `stride` apart (default: kernel_size), the
    window's elements `dilation` apart. ceil_mode=True keeps a last, partial window where the input
    does not divide evenly (PyTorch's rule: it must start inside the input or its left padding).
    return_indices=True returns the pair (values, indices), as PyTorch's (a plain tuple)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d")


def avg_pool(x: Tensor, kernel_size, stride, padding, ceil_mode: bool, count_include_pad: bool, divisor_override,
             dims: int, name: str):
    """avg_pool2d, avg_pool3d and avg_pool1d (on a unit height). Composite: the sum of kh*kw strided
    slices (kd*kh*kw in 3-D), one per kernel offset, divided by the window's size (or by how many of its
    elements are inside x, with count_include_pad=False; or by divisor_override). A partial window of
    ceil_mode is divided by how much of it lies inside x and its padding (inside x alone, with
    count_include_pad=False), as PyTorch's."""
    if x.ndim == dims + 1:  # unbatched (C, H, W)
        return avg_pool(x.unsqueeze(0), kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override, dims, name).squeeze(0)
    kernel, stride, padding, out = pool_args(x, kernel_size, stride, padding, ceil_mode, name, (1,) * dims)
    size = tuple(x.shape[2:])
    # how far ceil_mode's last windows reach past the right padding: zeros there too, counted in no divisor
    beyond = tuple(max(0, (o - 1) * s + k - (n + 2 * p)) for o, s, k, n, p in zip(out, stride, kernel, size, padding))
    if any(padding) or any(beyond):  # F.pad's order: (left, right) of the last dim first
        x = x.pad(tuple(amount for p, extra in zip(padding[::-1], beyond[::-1]) for amount in (p, p + extra)))
    total = None
    for offset in itertools.product(*map(range, kernel)):
        piece = x[(ops.ALL, ops.ALL) + tuple(slice(a, a + s * (o - 1) + 1, s) for a, s, o in zip(offset, stride, out))]
        total = piece if total is None else total + piece
    if divisor_override:
        return total / divisor_override
    if not any(beyond) and (count_include_pad or not any(padding)):
        return total / math.prod(kernel)
    if count_include_pad:  # 1 inside x and its padding
        inside = np.ones(tuple(n + 2 * p for n, p in zip(size, padding)), dtype=x.dtype)
    else:  # 1 inside x, 0 in the padding
        inside = np.pad(np.ones(size, dtype=x.dtype), [(p, p) for p in padding])
    inside = np.pad(inside, [(0, extra) for extra in beyond])
    windows = sliding_window_view(inside, kernel)[tuple(slice(None, None, s) for s in stride)]
    counts = windows.sum(axis=tuple(range(dims, 2 * dims)))  # x's elements in each window
    return total / Tensor._wrap(counts.astype(x.dtype))


def avg_pool2d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window; zero padding counts unless count_include_pad=False; ceil_mode as max_pool2d's."""
    return avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2, "avg_pool2d")


# ---------------------------------------------------------------- adaptive pools

def adaptive_bounds(size: int, out: int) -> list:
    """PyTorch's windows for adaptive pooling: output i covers input floor(i*size/out) to
    ceil((i+1)*size/out) (end excluded), so the windows tile the input and may overlap by one."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_size(x: Tensor, output_size, dims: int, name: str) -> tuple:
    """The output's (out_h, out_w) for a 4-D x ((out_d, out_h, out_w) for a 5-D one): an int means a square
    (a cube), None in the tuple keeps that dim of x."""
    if x.ndim != dims + 2:
        raise RuntimeError(f"{name}: expected (N, C, {SPATIAL[dims]}) or unbatched (C, {SPATIAL[dims]}) input, got "
                           f"shape {tuple(x.shape)}")
    if not isinstance(output_size, (tuple, list)):
        output_size = (output_size,) * dims
    if len(output_size) != dims:
        raise ValueError(f"{name}: output_size must be an int or a tuple of {dims}, got {output_size!r}")
    out = tuple(x.shape[2 + i] if s is None else int(s) for i, s in enumerate(output_size))
    if min(out) < 1:
        raise ValueError(f"{name}: output_size must be positive, got {output_size!r}")
    return out


def along(axis: int, start: int, end: int) -> tuple:
    """The index of x[..., start:end] along `axis` (counted from 0), the other dims whole."""
    return (ops.ALL,) * axis + (slice(start, end),)


def adaptive_avg(x: Tensor, output_size, dims: int, name: str) -> Tensor:
    """Each window given by adaptive_bounds averaged. A mean over a rectangle (a box) can be taken one axis
    at a time, the last first, so this costs out_h + out_w slices, not out_h * out_w."""
    if x.ndim == dims + 1:  # unbatched (C, H, W)
        return adaptive_avg(x.unsqueeze(0), output_size, dims, name).squeeze(0)
    out = adaptive_size(x, output_size, dims, name)
    for axis in reversed(range(2, 2 + dims)):
        x = stack([x[along(axis, start, end)].mean(axis) for start, end in adaptive_bounds(x.shape[axis],
                                                                                          out[axis - 2])], axis)
    return x


def adaptive_max(x: Tensor, output_size, return_indices: bool, dims: int, name: str):
    """The maximum of each window given by adaptive_bounds, one axis at a time as adaptive_avg: along
    each row first (max(3): the first of tied values, and its column), then down the columns (max(2):
    the first row that holds it; in 3-D then across the depths), which picks the first maximum in reading
    order, as PyTorch's adaptive max pool does; its gradient goes there (max(dim)'s rule). The indices
    are the chosen row times W plus the column the first step found in that row (and the chosen depth
    times H*W plus those, in 3-D)."""
    if x.ndim == dims + 1:  # unbatched (C, H, W)
        return squeezed(adaptive_max(x.unsqueeze(0), output_size, return_indices, dims, name), 0)
    out = adaptive_size(x, output_size, dims, name)
    places, span = None, 1  # each value's place in the dims reduced so far (flattened), and their size
    for axis in reversed(range(2, 2 + dims)):
        maxima, found = [], []
        for start, end in adaptive_bounds(x.shape[axis], out[axis - 2]):
            values, indices = x[along(axis, start, end)].max(axis)
            chosen = indices._data + start
            maxima.append(values)
            if axis == dims + 1:  # the last axis, reduced first: the place is the position along it
                found.append(chosen)
            else:  # the place within the dims reduced before, read where this axis's maximum was chosen
                inner = np.take_along_axis(places, np.expand_dims(chosen, axis), axis).squeeze(axis)
                found.append(chosen * span + inner)
        span *= x.shape[axis]
        x, places = stack(maxima, axis), np.stack(found, axis)
    if not return_indices:
        return x
    return x, Tensor._wrap(places.astype(np.int64))


def adaptive_avg_pool2d(x: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (out_h, out_w), whatever the input's H and W.
    Output (i, j) is the mean of x[..., floor(i*H/out_h):ceil((i+1)*H/out_h), (same for W)].
    An int means a square output; None in the pair keeps that dim of the input."""
    return adaptive_avg(x, output_size, 2, "adaptive_avg_pool2d")


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to a fixed output size; the windows are adaptive_avg_pool2d's. return_indices=True
    returns the pair (values, indices)."""
    return adaptive_max(input, output_size, return_indices, 2, "adaptive_max_pool2d")


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
                             dilation, ceil_mode, return_indices, 2, "max_pool1d"), -2)


def avg_pool1d(x: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each window along L; zero padding counts unless count_include_pad=False; ceil_mode as
    max_pool2d's."""
    check_1d(x, "avg_pool1d")
    return avg_pool(x.unsqueeze(-2), *pool1d_args(kernel_size, stride, padding, "avg_pool1d"), ceil_mode,
                    count_include_pad, None, 2, "avg_pool1d").squeeze(-2)


def adaptive_avg_pool1d(x: Tensor, output_size) -> Tensor:
    """Average pooling to output_size along L, with adaptive_avg_pool2d's windows."""
    check_1d(x, "adaptive_avg_pool1d")
    size = (1, single(output_size, "adaptive_avg_pool1d"))
    return adaptive_avg(x.unsqueeze(-2), size, 2, "adaptive_avg_pool1d").squeeze(-2)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to output_size along L, with adaptive_avg_pool1d's windows; return_indices as
    adaptive_max_pool2d's."""
    check_1d(input, "adaptive_max_pool1d")
    size = (1, single(output_size, "adaptive_max_pool1d"))
    return squeezed(adaptive_max(input.unsqueeze(-2), size, return_indices, 2, "adaptive_max_pool1d"), -2)


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
    """x's elements written at `indices` of planes of `size` (H, W) (volumes (D, H, W) in 3-D), zeros
    elsewhere: MaxUnpool2dFunction, with PyTorch's checks of x and the indices."""
    dims = len(size)
    if x.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Input to max_unpooling{dims}d should be a {dims + 1}d or {dims + 2}d Tensor, but got a "
                           f"tensor with {x.ndim} dimensions.")
    floating_only(x, f"max_unpool{dims}d")
    places = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if places.dtype != np.int64:
        name = indices.dtype.legacy_name if isinstance(indices, Tensor) else places.dtype
        raise RuntimeError(f"elements in indices should be type int64 but got: {name}")
    if places.shape != tuple(x.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(x.shape)}) but "
                           f"got indices tensor with shape: {list(places.shape)}")
    bad = (places < 0) | (places >= math.prod(size))
    if bad.any():
        raise RuntimeError(f"Found an invalid max index: {places[bad][0]} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    if x.ndim == dims + 1:  # unbatched (C, H, W)
        return ops.MaxUnpool2dFunction.apply(x.unsqueeze(0), indices=places[None], size=size).squeeze(0)
    return ops.MaxUnpool2dFunction.apply(x, indices=places, size=size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """A partial inverse of max_pool2d: each value written back where `indices` (max_pool2d's, with
    return_indices=True) says its maximum came from, zeros elsewhere. The output's H and W are
    (size - 1) * stride + kernel_size - 2 * padding, or output_size (when the pool's input size does
    not follow from its output's). Its gradient is g read at the indices."""
    return max_unpool(input, indices, unpool_args(input, kernel_size, stride, padding, output_size, 2, "max_unpool2d"))


def unpool_args(x: Tensor, kernel_size, stride, padding, output_size, dims: int, name: str) -> tuple:
    """The output's spatial size of max_unpool1d/2d/3d, from its sizes given as ints or tuples (unpool_size)."""
    kernel = ntuple(kernel_size, dims, name)
    stride = kernel if stride is None else ntuple(stride, dims, name)
    return unpool_size(x, kernel, stride, ntuple(padding, dims, name), output_size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """max_unpool2d along L, for max_pool1d's indices: the output's L is (size - 1) * stride + kernel_size
    - 2 * padding, or output_size. Runs max_unpool2d on (..., L, 1), as PyTorch does."""
    size = unpool_args(input, kernel_size, stride, padding, output_size, 1, "max_unpool1d") + (1,)
    indices = indices.unsqueeze(-1) if isinstance(indices, Tensor) else np.asarray(indices)[..., None]
    return max_unpool(input.unsqueeze(-1), indices, size).squeeze(-1)


# ---------------------------------------------------------------- the 3-D forms, on (N, C, D, H, W)

def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,  # noqa: A002
               return_indices: bool = False):
    """max_pool2d over (N, C, D, H, W) or (C, D, H, W): the maximum of each kd x kh x kw window. The indices
    (return_indices=True) are positions in each (D, H, W) volume flattened, (depth * H + row) * W + column."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3, "max_pool3d")


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,  # noqa: A002
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """avg_pool2d over (N, C, D, H, W) or (C, D, H, W): the mean of each kd x kh x kw window."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3,
                    "avg_pool3d")


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed (out_d, out_h, out_w), with
    adaptive_avg_pool2d's windows along each dim; an int means a cube, None keeps that dim."""
    return adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to a fixed (out_d, out_h, out_w), with adaptive_avg_pool3d's windows; return_indices=True
    returns the pair (values, indices), the indices as max_pool3d's."""
    return adaptive_max(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """A partial inverse of max_pool3d, as max_unpool2d's of max_pool2d: each value written where max_pool3d's
    indices say, zeros elsewhere. Each of D, H, W is (size - 1) * stride + kernel_size - 2 * padding, or
    output_size."""
    return max_unpool(input, indices, unpool_args(input, kernel_size, stride, padding, output_size, 3,
                                                  "max_unpool3d"))
