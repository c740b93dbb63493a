"""F.unfold and F.fold: the sliding windows of an image as columns (im2col) and their sum back into an image
(col2im), as PyTorch's. Every "convolution from scratch" lesson writes unfold by hand: a convolution is
unfold, a matrix product with the weight as (O, C*kh*kw), and a reshape.

Two primitives, because nn/ops.py already has the NumPy halves (im2col and col2im, the inside of
Conv2dFunction) and a composite (kh*kw slices stacked) would make a graph node per kernel offset. Unfold is
linear, and fold is its adjoint (each column element added back where unfold read it), so each one's
backward is the other: differentiable to any order with no third op.
  Im2Col:  z[n, (c, a, b), (i, j)] = xp[n, c, i*sh + a*dh, j*sw + b*dw]   (xp: x padded with zeros)
           dL/dx = Col2Im(h)
  Col2Im:  z[n, c, y, x] = sum of the column elements Im2Col would read from (y, x)
           dL/dcolumns = Im2Col(h)
"""

from __future__ import annotations

import math

import numpy as np

from ..ops import Primitive
from ..tensor import Tensor
from .conv_functions import pair
from .ops import col2im, columns_for, im2col, output_shape

__all__ = ["unfold", "fold", "Im2Col", "Col2Im"]


class Im2Col(Primitive):
    """(N, C, H, W) -> (N, C*kh*kw, L): each window of x unrolled into a column, L windows. Backward: Col2Im."""

    @staticmethod
    def forward(ctx, x, kernel_size, dilation, padding, stride):
        ctx.options = {"kernel_size": kernel_size, "dilation": dilation, "padding": padding, "stride": stride}
        ctx.image_size = x.shape[2:]
        columns = columns_for(x, kernel_size, stride, padding, dilation)
        im2col(x, kernel_size, stride, padding, dilation, columns)
        return columns

    @staticmethod
    def backward(ctx, h):
        return Col2Im.apply(h, output_size=ctx.image_size, **ctx.options)


class Col2Im(Primitive):
    """(N, C*kh*kw, L) -> (N, C, H, W), (H, W) = output_size: each column element added into the place of the
    image Im2Col would have read it from. Backward: Im2Col."""

    @staticmethod
    def forward(ctx, columns, output_size, kernel_size, dilation, padding, stride):
        ctx.options = {"kernel_size": kernel_size, "dilation": dilation, "padding": padding, "stride": stride}
        n, rows, _ = columns.shape
        channels = rows // (kernel_size[0] * kernel_size[1])
        out = np.zeros((n, channels) + tuple(output_size), dtype=columns.dtype)
        blocks = output_shape(out.shape, kernel_size, stride, padding, dilation)
        col2im(columns.reshape(n, channels, *kernel_size, *blocks), stride, padding, dilation, out)
        return out

    @staticmethod
    def backward(ctx, h):
        return Im2Col.apply(h, **ctx.options)


def options(kernel_size, dilation, padding, stride, name: str) -> dict:
    """The four options as pairs, checked as PyTorch checks them."""
    pairs = {"kernel_size": pair(kernel_size, name), "dilation": pair(dilation, name),
             "padding": pair(padding, name), "stride": pair(stride, name)}
    for option, low in (("kernel_size", 1), ("dilation", 1), ("stride", 1), ("padding", 0)):
        if min(pairs[option]) < low:
            raise RuntimeError(f"{name}: {option} should be at least {low}, but got {option}={pairs[option]}")
    return pairs


def blocks_of(image_size: tuple, chosen: dict, name: str) -> tuple:
    """(Lh, Lw): how many windows fit along the height and the width; PyTorch's error when one is none."""
    blocks = output_shape((0, 0) + tuple(image_size), chosen["kernel_size"], chosen["stride"], chosen["padding"],
                          chosen["dilation"])
    if min(blocks) < 1:
        raise RuntimeError(f"{name}: given input with spatial size {tuple(image_size)}, kernel_size="
                           f"{chosen['kernel_size']}, dilation={chosen['dilation']}, padding={chosen['padding']}, "
                           f"calculated shape of the array of sliding blocks as {blocks}, but its components must be "
                           f"at least one. Hint: a smaller kernel_size or dilation, or more padding")
    return blocks


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:  # noqa: A002
    """(N, C, H, W) or unbatched (C, H, W) -> (N, C*kh*kw, L) or (C*kh*kw, L): column l holds the l-th window
    (row-major over the Lh x Lw window positions), its rows ordered (c, a, b) for kernel offset (a, b)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"unfold: expected a 3D (unbatched) or 4D (batched) input, got shape "
                           f"{tuple(input.shape)}. Hint: an image is (C, H, W) or (N, C, H, W)")
    chosen = options(kernel_size, dilation, padding, stride, "unfold")
    blocks_of(input.shape[-2:], chosen, "unfold")
    if input.ndim == 3:
        return Im2Col.apply(input.unsqueeze(0), **chosen).squeeze(0)
    return Im2Col.apply(input, **chosen)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:  # noqa: A002
    """(N, C*kh*kw, L) or unbatched (C*kh*kw, L) -> (N, C, H, W) or (C, H, W), (H, W) = output_size: unfold's
    adjoint, each column element added back where unfold reads it (so overlapping windows add up)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"fold: expected a 2D (unbatched) or 3D (batched) input, got shape "
                           f"{tuple(input.shape)}. Hint: fold takes unfold's (N, C*kh*kw, L) columns")
    chosen = options(kernel_size, dilation, padding, stride, "fold")
    output_size = pair(output_size, "fold")
    rows, count = input.shape[-2:]
    window = math.prod(chosen["kernel_size"])
    if rows % window:
        raise RuntimeError(f"fold: expected size of input's dimension {input.ndim - 2} to be divisible by the "
                           f"product of kernel_size, but got input.size({input.ndim - 2})={rows} and kernel_size="
                           f"{chosen['kernel_size']}")
    blocks = blocks_of(output_size, chosen, "fold")
    if count != blocks[0] * blocks[1]:
        raise RuntimeError(f"fold: given output_size={output_size}, kernel_size={chosen['kernel_size']}, dilation="
                           f"{chosen['dilation']}, padding={chosen['padding']}, stride={chosen['stride']}, expected "
                           f"size of input's dimension {input.ndim - 1} to match the calculated number of sliding "
                           f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size({input.ndim - 1})={count}")
    if input.ndim == 2:
        return Col2Im.apply(input.unsqueeze(0), output_size=output_size, **chosen).squeeze(0)
    return Col2Im.apply(input, output_size=output_size, **chosen)
