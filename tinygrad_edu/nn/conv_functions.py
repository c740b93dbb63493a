"""The convolutions as functions (re-exported by nn.functional): conv1d, conv2d, conv_transpose1d,
conv_transpose2d, and the size helpers (ntuple, pair, single) every conv and pool uses.

A module of its own so that functional.py stays a readable size. The 2-D forms call the primitives of
nn/ops.py: conv2d is Conv2dFunction, and conv_transpose2d is Conv2dInputGrad, the adjoint of conv2d in
its input (the computation that gives conv2d's input gradient), so neither writes a derivative of its
own here. The 1-D forms are the 2-D ones on a unit height, (N, C, L) as (N, C, 1, L).
"""

from __future__ import annotations

from ..dtypes import check_same_dtype
from ..tensor import Tensor
from . import ops

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


def ntuple(value, n: int, name: str) -> tuple:
    """3 -> (3,) * n; a tuple or list of n ints stays (as a tuple)."""
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            what = "a pair of ints" if n == 2 else f"a tuple of {n} int"
            raise ValueError(f"{name}: expected an int or {what}, got {value!r}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def pair(value, name: str) -> tuple[int, int]:
    """3 -> (3, 3); (2, 3) stays."""
    return ntuple(value, 2, name)


def single(value, name: str) -> int:
    """3 -> 3 and (3,) -> 3: a 1-D layer's size, in the forms PyTorch accepts."""
    return ntuple(value, 1, name)[0]


def check_1d(x: Tensor, name: str) -> None:
    if x.ndim not in (2, 3):
        raise RuntimeError(f"{name}: expected (N, C, L) or unbatched (C, L) input, got shape {tuple(x.shape)}. "
                           "Hint: check the order of the input's dimensions (channels before length).")


def conv_padding(padding, stride: tuple, name: str):
    """'valid' -> (0, 0); 'same' stays (its amount depends on the kernel); 3 -> (3, 3).
    `stride` has one entry per spatial dim: 'same' needs them all 1."""
    if not isinstance(padding, str):
        return pair(padding, name)
    if padding == "valid":
        return (0, 0)
    if padding != "same":
        raise ValueError(f"{name}: padding must be an int, a pair of ints, 'same' or 'valid', not {padding!r}")
    if any(step != 1 for step in stride):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {stride}). "
                         "Hint: stride=1, or give the padding as numbers.")
    return padding


def check_conv_options(stride: tuple, dilation: tuple, groups: int, name: str) -> None:
    """PyTorch's errors for a stride, dilation or groups that is not positive."""
    for option, value in (("stride", stride), ("dilation", dilation)):
        if min(value) <= 0:
            raise RuntimeError(f"{name}: {option} should be greater than zero, got {option} {value}")
    if groups <= 0:
        raise RuntimeError(f"{name}: non-positive groups is not supported, got groups={groups}")


def check_conv_shapes(x: Tensor, weight: Tensor, bias: Tensor | None, groups: int, transposed: bool,
                      name: str) -> None:
    """The input (N, C, H, W) and the weight must fit: a conv's weight is (out_channels, C/groups, kh, kw),
    a transposed conv's (C, out_channels/groups, kh, kw); the bias has one entry per output channel."""
    c_in = weight.shape[0] if transposed else weight.shape[1] * groups
    wanted = "(C, out_channels/groups, kh, kw)" if transposed else "(out_channels, C/groups, kh, kw)"
    if x.ndim != 4 or weight.ndim != 4 or x.shape[1] != c_in:
        raise RuntimeError(f"{name}: input {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit (groups="
                           f"{groups}): the input must be (N, C, H, W) or (C, H, W) and the weight {wanted}, "
                           "with the input's C. Hint: check in_channels, groups, or the order of the input's "
                           "dimensions.")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{name}: the weight {tuple(weight.shape)} must have a multiple of groups={groups} "
                           "in dim 0. Hint: in_channels and out_channels must both be divisible by groups.")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(f"{name}: the bias has shape {tuple(bias.shape)} but the weight {tuple(weight.shape)} "
                           f"makes {out_channels} output channels; the bias needs shape ({out_channels},)")


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation on NCHW input with weight (out_channels, in_channels/groups, kh, kw):
    y[n, o, i, j] = b[o] + sum_{c, a, b} xp[n, c', i*sh + a*dh, j*sw + b*dw] * w[o, c, a, b],
    xp the input padded with zeros and c' = c + (o // (out_channels/groups)) * in_channels/groups:
    groups splits the channels into that many independent convolutions (groups == in_channels:
    depthwise). Output size per spatial dim: (H + 2*padding - dilation*(k - 1) - 1) // stride + 1.

    padding='valid' is 0; padding='same' (stride 1 only) keeps H and W: dilation*(k - 1) zeros per
    dim, half of them before (rounded down) and the rest after, as PyTorch."""
    stride, dilation = pair(stride, "conv2d"), pair(dilation, "conv2d")
    padding = conv_padding(padding, stride, "conv2d")
    check_conv_options(stride, dilation, groups, "conv2d")
    if x.ndim == 3 and weight.ndim == 4:  # unbatched (C, H, W), as PyTorch accepts: add N, run, drop it
        return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    check_conv_shapes(x, weight, bias, groups, False, "conv2d")
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:]))  # the input a window spans
    if padding == "same":
        before = tuple((r - 1) // 2 for r in reach)
        if all(r % 2 for r in reach):  # odd reach: the same amount on both sides, the primitive pads
            padding = before
        else:  # an even reach pads one more after than before: pad here, the primitive is symmetric
            x = x.pad((before[1], reach[1] - 1 - before[1], before[0], reach[0] - 1 - before[0]))
            padding = (0, 0)
    for size, r, p in zip(x.shape[2:], reach, padding):
        if size + 2 * p < r:
            raise RuntimeError(f"conv2d: the kernel {tuple(weight.shape[2:])} (dilation {dilation}) is larger than "
                               f"the padded input {tuple(x.shape[2:])} (padding {padding})")
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if bias is None:
        return ops.Conv2dFunction.apply(x, weight, **options)
    return ops.Conv2dFunction.apply(x, weight, bias, **options)


def conv_transpose2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The transposed convolution ("deconvolution") of NCHW input with weight
    (in_channels, out_channels/groups, kh, kw): each input element x[n, c, i, j] adds x * w[c, o, a, b]
    to output (i*sh + a*dh - ph, j*sw + b*dw - pw), so an image grows by about the stride. It is
    conv2d's input gradient computed forwards (ops.Conv2dInputGrad): conv2d with this weight maps an
    output-sized input back to x's size. Output size per spatial dim:
    (H - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1; output_padding (< stride)
    picks one of the sizes a strided conv2d maps to the same H."""
    stride, dilation = pair(stride, "conv_transpose2d"), pair(dilation, "conv_transpose2d")
    padding, output_padding = pair(padding, "conv_transpose2d"), pair(output_padding, "conv_transpose2d")
    check_conv_options(stride, dilation, groups, "conv_transpose2d")
    if x.ndim == 3 and weight.ndim == 4:  # unbatched (C, H, W)
        return conv_transpose2d(x.unsqueeze(0), weight, bias, stride, padding, output_padding, groups,
                                dilation).squeeze(0)
    check_conv_shapes(x, weight, bias, groups, True, "conv_transpose2d")
    if any(extra >= max(s, d) for extra, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"conv_transpose2d: output padding must be smaller than either stride or dilation, "
                           f"but got output_padding {output_padding}, stride {stride}, dilation {dilation}")
    if any(extra >= s for extra, s in zip(output_padding, stride)):
        raise NotImplementedError(f"conv_transpose2d: output_padding {output_padding} not smaller than the stride "
                                  f"{stride} is not supported (PyTorch allows it when smaller than the dilation)")
    out = tuple((size - 1) * s - 2 * p + d * (k - 1) + extra + 1 for size, s, p, d, k, extra
                in zip(x.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding))
    if min(out) < 1:
        raise RuntimeError(f"conv_transpose2d: the output size would be {out} for input {tuple(x.shape)}, "
                           f"kernel {tuple(weight.shape[2:])}, stride {stride}, padding {padding}, dilation "
                           f"{dilation}: too small. Hint: less padding.")
    x_shape = (x.shape[0], weight.shape[1] * groups) + out  # the input shape of the conv2d it is the adjoint of
    options = {"x_shape": x_shape, "stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if bias is None:
        return ops.Conv2dInputGrad.apply(x, weight, **options)
    return ops.Conv2dInputGrad.apply(x, weight, bias, **options)


def conv1d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-D cross-correlation on (N, C, L) input with weight (out_channels, in_channels/groups, k):
    y[n, o, i] = b[o] + sum_{c, a} xp[n, c', i*stride + a*dilation] * w[o, c, a] (c' as in conv2d),
    conv2d with a unit height. Output length (L + 2*padding - dilation*(k - 1) - 1) // stride + 1;
    padding 'valid' and 'same' as conv2d's."""
    check_1d(x, "conv1d")
    if weight.ndim != 3 or x.shape[-2] != weight.shape[1] * groups:
        raise RuntimeError(f"conv1d: input {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit (groups="
                           f"{groups}): the weight must be (out_channels, C/groups, kernel_size) with the input's "
                           "C in dim -2. Hint: check in_channels, groups, or the order of the input's dimensions.")
    check_same_dtype("conv1d", [t._data for t in (x, weight, bias) if t is not None])  # conv2d's would say conv2d
    stride, dilation = single(stride, "conv1d"), single(dilation, "conv1d")
    check_conv_options((stride,), (dilation,), groups, "conv1d")
    padding = conv_padding(padding, (stride,), "conv1d") if isinstance(padding, str) else (0, single(padding, "conv1d"))
    reach = dilation * (weight.shape[2] - 1) + 1
    if isinstance(padding, tuple) and x.shape[-1] + 2 * padding[1] < reach:
        raise RuntimeError(f"conv1d: the kernel ({weight.shape[2]}, dilation {dilation}) is longer than the padded "
                           f"input ({x.shape[-1]} with padding {padding[1]})")
    return conv2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, (1, stride), padding, (1, dilation),
                  groups).squeeze(-2)


def conv_transpose1d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The transposed convolution of (N, C, L) input with weight (in_channels, out_channels/groups, k):
    conv_transpose2d with a unit height. Output length
    (L - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1."""
    check_1d(x, "conv_transpose1d")
    if weight.ndim != 3:
        raise RuntimeError(f"conv_transpose1d: the weight {tuple(weight.shape)} must be (in_channels, "
                           "out_channels/groups, kernel_size)")
    name = "conv_transpose1d"
    check_conv_options((single(stride, name),), (single(dilation, name),), groups, name)
    return conv_transpose2d(x.unsqueeze(-2), weight.unsqueeze(2), bias, (1, single(stride, name)),
                            (0, single(padding, name)), (0, single(output_padding, name)), groups,
                            (1, single(dilation, name))).squeeze(-2)
