"""The convolutions as functions (re-exported by nn.functional): conv1d, conv2d, conv3d, conv_transpose1d,
conv_transpose2d, conv_transpose3d, and the size helpers (ntuple, pair, single) every conv and pool uses.

A module of its own so that functional.py stays a readable size. The 2-D and 3-D forms call the primitives
of nn/ops.py, which take any number of spatial dims: conv2d and conv3d are Conv2dFunction, and
conv_transpose2d and conv_transpose3d are Conv2dInputGrad, the adjoint of the convolution in its input (the
computation that gives its input gradient), so none writes a derivative of its own here; one function
(convolution, transposed_convolution) checks and runs both. The 1-D forms are the 2-D ones on a unit
height, (N, C, L) as (N, C, 1, L).
"""

from __future__ import annotations

from ..dtypes import check_same_dtype
from ..tensor import Tensor
from . import ops

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

SPATIAL = {2: "H, W", 3: "D, H, W"}  # the spatial dims of a 2-D and a 3-D layer's input, for messages


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
    """'valid' -> (0, 0); 'same' stays (its amount depends on the kernel); 3 -> (3, 3) ((3, 3, 3) in 3-D).
    `stride` has one entry per spatial dim: 'same' needs them all 1."""
    if not isinstance(padding, str):
        return ntuple(padding, len(stride), name)
    if padding == "valid":
        return (0,) * len(stride)
    if padding != "same":
        numbers = "a pair of ints" if len(stride) == 2 else "a tuple of ints"
        raise ValueError(f"{name}: padding must be an int, {numbers}, 'same' or 'valid', not {padding!r}")
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
                      dims: int, name: str) -> None:
    """The input (N, C, H, W) and the weight must fit: a conv's weight is (out_channels, C/groups, kh, kw),
    a transposed conv's (C, out_channels/groups, kh, kw) (one kernel size more in 3-D, kd); the bias has
    one entry per output channel."""
    c_in = weight.shape[0] if transposed else weight.shape[1] * groups
    kernel = ", ".join("k" + dim.lower() for dim in SPATIAL[dims].split(", "))
    wanted = f"(C, out_channels/groups, {kernel})" if transposed else f"(out_channels, C/groups, {kernel})"
    if x.ndim != dims + 2 or weight.ndim != dims + 2 or x.shape[1] != c_in:
        detail = ""
        if x.ndim == dims + 2 and weight.ndim == dims + 2:  # the usual slip: the channels
            detail = f" The layer takes {c_in} input channels; the input has {x.shape[1]} in dim 1."
            if x.shape[-1] == c_in:  # images from NumPy, PIL or matplotlib are (N, H, W, C)
                order = ", ".join(map(str, (0, dims + 1, *range(1, dims + 1))))
                detail += (f" The input looks channels-last (its last dim is {c_in}): move the channels to dim 1 "
                           f"with x.permute({order}).")
        raise RuntimeError(f"{name}: input {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit (groups="
                           f"{groups}): the input must be (N, C, {SPATIAL[dims]}) or (C, {SPATIAL[dims]}) and the "
                           f"weight {wanted}, with the input's C.{detail} Hint: check in_channels, groups, or the "
                           "order of the input's dimensions.")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{name}: the weight {tuple(weight.shape)} must have a multiple of groups={groups} "
                           "in dim 0. Hint: in_channels and out_channels must both be divisible by groups.")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(f"{name}: the bias has shape {tuple(bias.shape)} but the weight {tuple(weight.shape)} "
                           f"makes {out_channels} output channels; the bias needs shape ({out_channels},)")


def convolution(x: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation, groups: int, dims: int,
                name: str) -> Tensor:
    """conv2d (dims 2) and conv3d (dims 3): the arguments checked, 'same' padding resolved, Conv2dFunction run."""
    stride, dilation = ntuple(stride, dims, name), ntuple(dilation, dims, name)
    padding = conv_padding(padding, stride, name)
    check_conv_options(stride, dilation, groups, name)
    if x.ndim == dims + 1 and weight.ndim == dims + 2:  # unbatched (C, H, W), as PyTorch accepts: add N, run, drop it
        return convolution(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups, dims, name).squeeze(0)
    check_conv_shapes(x, weight, bias, groups, False, dims, name)
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:]))  # the input a window spans
    if padding == "same":
        before = tuple((r - 1) // 2 for r in reach)
        if all(r % 2 for r in reach):  # odd reach: the same amount on both sides, the primitive pads
            padding = before
        else:  # an even reach pads one more after than before: pad here (last dim first), the primitive is symmetric
            x = x.pad(tuple(amount for r, b in zip(reversed(reach), reversed(before)) for amount in (b, r - 1 - b)))
            padding = (0,) * dims
    for size, r, p in zip(x.shape[2:], reach, padding):
        if size + 2 * p < r:
            raise RuntimeError(f"{name}: the kernel {tuple(weight.shape[2:])} (dilation {dilation}) is larger than "
                               f"the padded input {tuple(x.shape[2:])} (padding {padding})")
    options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if bias is None:
        return ops.Conv2dFunction.apply(x, weight, **options)
    return ops.Conv2dFunction.apply(x, weight, bias, **options)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation on NCHW input with weight (out_channels, in_channels/groups, kh, kw):
    y[n, o, i, j] = b[o] + sum_{c, a, b} xp[n, c', i*sh + a*dh, j*sw + b*dw] * w[o, c, a, b],
    xp the input padded with zeros and c' = c + (o // (out_channels/groups)) * in_channels/groups:
    groups splits the channels into that many independent convolutions (groups == in_channels:
    depthwise). Output size per spatial dim: (H + 2*padding - dilation*(k - 1) - 1) // stride + 1.

    padding='valid' is 0; padding='same' (stride 1 only) keeps H and W: dilation*(k - 1) zeros per
    dim, half of them before (rounded down) and the rest after, as PyTorch."""
    return convolution(x, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,  # noqa: A002
           dilation=1, groups: int = 1) -> Tensor:
    """3-D cross-correlation on (N, C, D, H, W) input (or unbatched (C, D, H, W)) with weight
    (out_channels, in_channels/groups, kd, kh, kw): conv2d with one spatial dim more,
    y[n, o, i, j, l] = b[o] + sum_{c, a, b, e} xp[n, c', i*sd + a*dd, j*sh + b*dh, l*sw + e*dw] * w[o, c, a, b, e].
    stride, padding (also 'same' and 'valid') and dilation: an int or one int per dim (D, H, W)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def transposed_convolution(x: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, output_padding,
                           groups: int, dilation, dims: int, name: str) -> Tensor:
    """conv_transpose2d (dims 2) and conv_transpose3d (dims 3): the arguments checked, Conv2dInputGrad run."""
    stride, dilation = ntuple(stride, dims, name), ntuple(dilation, dims, name)
    padding, output_padding = ntuple(padding, dims, name), ntuple(output_padding, dims, name)
    check_conv_options(stride, dilation, groups, name)
    if x.ndim == dims + 1 and weight.ndim == dims + 2:  # unbatched (C, H, W)
        return transposed_convolution(x.unsqueeze(0), weight, bias, stride, padding, output_padding, groups,
                                      dilation, dims, name).squeeze(0)
    check_conv_shapes(x, weight, bias, groups, True, dims, name)
    if any(extra >= max(s, d) for extra, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"{name}: output padding must be smaller than either stride or dilation, "
                           f"but got output_padding {output_padding}, stride {stride}, dilation {dilation}")
    if any(extra >= s for extra, s in zip(output_padding, stride)):
        raise NotImplementedError(f"{name}: output_padding {output_padding} not smaller than the stride "
                                  f"{stride} is not supported (PyTorch allows it when smaller than the dilation)")
    out = tuple((size - 1) * s - 2 * p + d * (k - 1) + extra + 1 for size, s, p, d, k, extra
                in zip(x.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding))
    if min(out) < 1:
        raise RuntimeError(f"{name}: the output size would be {out} for input {tuple(x.shape)}, "
                           f"kernel {tuple(weight.shape[2:])}, stride {stride}, padding {padding}, dilation "
                           f"{dilation}: too small. Hint: less padding.")
    x_shape = (x.shape[0], weight.shape[1] * groups) + out  # the input shape of the conv it is the adjoint of
    options = {"x_shape": x_shape, "stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if bias is None:
        return ops.Conv2dInputGrad.apply(x, weight, **options)
    return ops.Conv2dInputGrad.apply(x, weight, bias, **options)


def conv_transpose2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The transposed convolution ("deconvolution") of NCHW input with weight
    (in_channels, out_channels/groups, kh, kw): each input element x[n, c, i, j] adds x * w[c, o, a, b]
    to output (i*sh + a*dh - ph, j*sw + b*dw - pw), so an image grows by about the stride. It is
    conv2d's input gradient computed forwards (ops.Conv2dInputGrad): conv2d with this weight maps an
    output-sized input back to x's size. Output size per spatial dim:
    (H - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1; output_padding (< stride)
    picks one of the sizes a strided conv2d maps to the same H."""
    return transposed_convolution(x, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                                  "conv_transpose2d")


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,  # noqa: A002
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The transposed convolution of (N, C, D, H, W) input (or unbatched (C, D, H, W)) with weight
    (in_channels, out_channels/groups, kd, kh, kw): conv_transpose2d with one spatial dim more, conv3d's
    input gradient computed forwards. Each of D, H, W grows to
    (size - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1."""
    return transposed_convolution(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                                  "conv_transpose3d")


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
    if isinstance(padding, str):
        padding = conv_padding(padding, (stride,), "conv1d")  # 'same' stays, 'valid' is (0,)
    if padding != "same":
        padding = (0, single(padding, "conv1d"))  # with no padding of the unit height
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
