"""F.pad (re-exported by nn.functional): constant padding, and PyTorch's three modes that pad with the
input's own values, 'reflect', 'replicate' and 'circular' (Conv1d/Conv2d's padding_mode uses them).

A module of its own because those modes have rules of their own, PyTorch's: they pad the last 1, 2 or 3
dims of a (C, *) or (N, C, *) input, reflect can reach no further than one less than a dim's size,
circular no further than its size, and a negative amount crops. Each mode is one gather per padded
dim: output position j of a dim of size n reads input position p = j - before, brought back inside:

    reflect    p < 0  ->  -p;   p > n - 1  ->  2(n - 1) - p     (mirrored about the edge, which is not repeated)
    replicate  p clamped to [0, n - 1]                          (the edge repeated)
    circular   p mod n                                          (the other end; a negative amount crops first)

so the derivative is indexing's (GetItem's backward adds the gradient of every copy back to the element
it was copied from) and no new one is written here. (Where circular padding crops more than is left to
wrap round, PyTorch 2.13 returns memory it never wrote, or an empty tensor; this raises instead.)
"""

from __future__ import annotations

import numbers

import numpy as np

from ..tensor import Tensor

__all__ = ["pad"]

MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad `input` by pad = (left, right) for the last dim, then (top, bottom) for the one before, and so on
    (PyTorch's order). mode='constant' adds `value` (default 0) around any number of dims; 'reflect',
    'replicate' and 'circular' pad the last 1, 2 or 3 dims of a (C, *) or (N, C, *) input with the
    input's own values (see the module docstring) and take no value."""
    check_pad(pad)
    if mode == "constant":
        return input.pad(pad, 0.0 if value is None else value)
    if mode not in MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r}; PyTorch's are {', '.join(MODES)}")
    if value is not None and value != 0:
        raise RuntimeError(f'pad: padding mode "{mode}" doesn\'t take in value argument (it pads with the '
                           f"input's own values). Hint: mode='constant' pads with a value.")
    dims, shape = len(pad) // 2, tuple(input.shape)
    if dims > input.ndim:
        raise RuntimeError(f"pad: padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pad)} and input of dimension {input.ndim} (shape {shape})")
    if dims not in (1, 2, 3) or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(f"pad: padding size {len(pad)} is not supported for {input.ndim}D input tensor "
                                  f"(shape {shape}): mode {mode!r} pads the last 1, 2 or 3 dims of a (C, *) or "
                                  "(N, C, *) input, so 2 numbers for (C, W) or (N, C, W), 4 for (C, H, W) or "
                                  "(N, C, H, W), 6 for (C, D, H, W) or (N, C, D, H, W)")
    if mode != "circular" and 0 in shape[input.ndim - dims - 1:]:
        raise RuntimeError(f"pad: expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch "
                           f"size and other non-zero dimensions for input, but got: {list(shape)} (mode {mode!r})")
    sizes = [shape[-1 - i] + pad[2 * i] + pad[2 * i + 1] for i in range(dims)]  # the last dim first, as pad
    if mode != "circular" and (min(sizes) < 0 or max(sizes) < 1):  # (PyTorch's rule: empty in some dims only)
        raise RuntimeError(f"pad: input {list(shape)} is too small for padding {tuple(pad)} (a negative amount "
                           f"crops): the padded dims would have sizes {sizes[::-1]}")
    for i in range(dims):
        axis = input.ndim - 1 - i
        positions = source_positions(mode, shape[axis], pad[2 * i], pad[2 * i + 1], axis, shape, 2 * i + 4)
        input = input[(slice(None),) * axis + (positions,)]
    return input


def check_pad(pad) -> None:
    """PyTorch's checks on the amounts themselves: whole numbers, a (before, after) pair per dim."""
    for position, amount in enumerate(pad):
        if isinstance(amount, bool) or not isinstance(amount, numbers.Integral):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{type(amount).__name__} at pos {position}")
    if len(pad) % 2:
        raise RuntimeError(f"pad: padding length must be divisible by 2, got {tuple(pad)} (a (before, after) pair "
                           "per dim, the last dim first)")


def source_positions(mode: str, size: int, before: int, after: int, axis: int, shape: tuple,
                     argument: int) -> np.ndarray:
    """For each output position along one dim, the input position it copies (see the module docstring)."""
    amounts = f"padding ({before}, {after}) at dimension {axis} of input {list(shape)}"
    if mode == "circular":  # PyTorch's order: a negative amount crops first, then the rest wraps round what is left
        start, stop = max(-before, 0), size - max(-after, 0)
        kept = stop - start
        if before > kept or after > kept:
            raise RuntimeError(f"pad: padding value causes wrapping around more than once: {amounts}; mode "
                               f"'circular' pads each side by at most the dim's size ({kept})")
        if kept < 1 and (before < 0 or after < 0):
            raise RuntimeError(f"pad: negative padding value is resulting in an empty dimension: {amounts}")
        return start + np.arange(-max(before, 0), kept + max(after, 0)) % kept
    positions = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    if before >= size or after >= size:
        raise RuntimeError(f"pad: argument #{argument}: padding size should be less than the corresponding input "
                           f"dimension, but got: {amounts}. Hint: mode 'reflect' mirrors about the edge, so it "
                           f"reaches at most size - 1 = {size - 1} elements; pad in two steps, or use 'replicate'")
    positions = np.abs(positions)
    return np.where(positions > size - 1, 2 * (size - 1) - positions, positions)
