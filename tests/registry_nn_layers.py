"""Registry entries (see op_registry.py) for the composite layers of nn.functional: the 1-D convs
and pools, avg_pool2d's options, group_norm, instance_norm, interpolate and pixel_(un)shuffle, and for
max_unpool2d (a primitive, with a long reference too), registered by registry_nn.py in one loop. Kept
apart because their references are long: each is written from the op's definition, one output element
at a time, not from the library's code."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st
from strategies import values

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


def maybe_unbatched(ref):
    """A reference for (N, C, ...) that also takes one unbatched (C, ...) input, as the ops do."""
    def wrapped(x, *args, unbatched=False, **kwargs):
        if unbatched:
            return ref(x[None], *args, **kwargs)[0]
        return ref(x, *args, **kwargs)
    return wrapped


def call_unbatched(fn):
    return lambda x, *args, unbatched=False, **kwargs: fn(x, *args, **kwargs)


def batch_shape(draw, channels: int, length: int) -> tuple[tuple, bool]:
    unbatched = draw(st.booleans())
    return ((channels, length) if unbatched else (draw(st.integers(1, 2)), channels, length)), unbatched


# ---------------------------------------------------------------- conv1d

def sample_conv1d(draw):
    groups, k, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    padding = draw(st.sampled_from([0, 1, "same", "valid"]))
    stride = 1 if padding == "same" else draw(st.integers(1, 2))
    reach = dilation * (k - 1) + 1  # the input a window spans
    low = max(reach - 2 * padding, 1) if isinstance(padding, int) else reach
    x_shape, unbatched = batch_shape(draw, c_in, draw(st.integers(low, 6)))
    arrays = [values(draw, x_shape, "real"), values(draw, (c_out, c_in // groups, k), "real"),
              values(draw, (c_out,), "real")]
    return arrays, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups,
                    "unbatched": unbatched}


def np_conv1d(x, w, b, stride, padding, dilation, groups):
    """y[n, o, i] = b[o] + sum over c, a of xp[n, c + (o's group) * C/groups, i*stride + a*dilation] * w[o, c, a];
    'same' pads dilation*(k-1) zeros, half of them (rounded down) before."""
    reach = dilation * (w.shape[2] - 1) + 1
    if padding == "same":
        before, after = (reach - 1) // 2, reach - 1 - (reach - 1) // 2
    else:
        before = after = 0 if padding == "valid" else padding
    x = np.pad(x, ((0, 0), (0, 0), (before, after)))
    out = np.empty((x.shape[0], w.shape[0], (x.shape[2] - reach) // stride + 1))
    c_per, o_per = x.shape[1] // groups, w.shape[0] // groups
    for i, group in itertools.product(range(out.shape[2]), range(groups)):
        window = x[:, group * c_per:(group + 1) * c_per, i * stride:i * stride + reach:dilation]
        outputs = slice(group * o_per, (group + 1) * o_per)
        out[:, outputs, i] = np.einsum("nca,oca->no", window, w[outputs]) + b[outputs]
    return out


def sample_conv_transpose1d(draw):
    groups, dilation, stride = (draw(st.integers(1, 2)) for _ in range(3))
    k = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    output_padding = draw(st.integers(0, stride - 1))
    x_shape, unbatched = batch_shape(draw, c_in, draw(st.integers(1, 4)))
    full = (x_shape[-1] - 1) * stride + dilation * (k - 1) + output_padding + 1  # the output length with no padding
    arrays = [values(draw, x_shape, "real"), values(draw, (c_in, c_out // groups, k), "real"),
              values(draw, (c_out,), "real")]
    return arrays, {"stride": stride, "padding": draw(st.integers(0, min(1, (full - 1) // 2))),
                    "output_padding": output_padding, "groups": groups, "dilation": dilation, "unbatched": unbatched}


def np_conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input element x[n, c, i] adds x * w[c, o, a] to output position i*stride + a*dilation - padding,
    o among c's group's output channels."""
    c_per, o_per, k = x.shape[1] // groups, w.shape[1], w.shape[2]
    full = np.zeros((x.shape[0], o_per * groups, (x.shape[2] - 1) * stride + dilation * (k - 1) + 1 + output_padding))
    for i, a, c in itertools.product(range(x.shape[2]), range(k), range(x.shape[1])):
        group = c // c_per
        full[:, group * o_per:(group + 1) * o_per, i * stride + a * dilation] += x[:, c, i, None] * w[c, :, a]
    return full[:, :, padding:full.shape[2] - padding] + b[None, :, None]


# ---------------------------------------------------------------- pools

def pool_size(size, kernel, stride, padding, ceil_mode, dilation=1):
    """PyTorch's rule (torch/nn/modules/pooling.py's docs): floor or ceil of (size + 2p - d(k - 1) - 1) / s, plus
    one; with ceil_mode, a last window that would start past the input and its left padding is dropped."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    count = math.ceil(span / stride) if ceil_mode else span // stride
    if ceil_mode and count * stride >= size + padding:
        count -= 1
    return count + 1


def sample_pool1d(draw, domain="distinct"):
    k = draw(st.integers(1, 3))
    padding = draw(st.integers(0, k // 2))  # at most half the kernel, as PyTorch
    x_shape, unbatched = batch_shape(draw, draw(st.integers(1, 2)), draw(st.integers(max(k - 2 * padding, 1), 5)))
    kwargs = {"kernel_size": k, "stride": draw(st.sampled_from([None, 1, 2, 3])), "padding": padding,
              "ceil_mode": draw(st.booleans()), "unbatched": unbatched}
    return [values(draw, x_shape, domain)], kwargs


def np_pool1d(x, kernel_size, stride, padding, ceil_mode, reduce, pad_value):
    stride = stride or kernel_size
    out = np.empty(x.shape[:2] + (pool_size(x.shape[2], kernel_size, stride, padding, ceil_mode),))
    # ceil_mode's last window may reach past the right padding: pad_value there too
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding + stride)), constant_values=pad_value)
    for i in range(out.shape[2]):
        out[:, :, i] = reduce(x[:, :, i * stride:i * stride + kernel_size], i * stride)
    return out


def np_max_pool1d(x, kernel_size, stride, padding, ceil_mode):
    return np_pool1d(x, kernel_size, stride, padding, ceil_mode, lambda window, start: window.max(axis=2), -np.inf)


def sample_avg_pool1d(draw):
    arrays, kwargs = sample_pool1d(draw, "grid")  # never 0: hypothesis likes arrays of zeros, which any divisor fits
    return arrays, {**kwargs, "count_include_pad": draw(st.booleans())}


def np_avg_pool1d(x, kernel_size, stride, padding, ceil_mode, count_include_pad):
    length = x.shape[2]

    def mean(window, start):  # start: the window's first position in the padded input
        if count_include_pad:  # the window's part inside x and its padding (ceil_mode's last one may reach past)
            return window.sum(axis=2) / (min(start + kernel_size, length + 2 * padding) - start)
        return window.sum(axis=2) / (min(start + kernel_size, length + padding) - max(start, padding))
    return np_pool1d(x, kernel_size, stride, padding, ceil_mode, mean, 0.0)


def sample_avg_pool2d(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(max(kh - 2 * padding[0], 1), 4)),
             draw(st.integers(max(kw - 2 * padding[1], 1), 4)))
    count_include_pad = draw(st.booleans())
    kwargs = {"kernel_size": (kh, kw), "stride": draw(st.sampled_from([None, 1, 2, (2, 1), (3, 2)])),
              "padding": padding, "ceil_mode": draw(st.booleans()), "count_include_pad": count_include_pad,
              "divisor_override": draw(st.sampled_from([None, 3])) if count_include_pad else None}
    return [values(draw, shape, "grid")], kwargs


def np_avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    (kh, kw), (ph, pw) = kernel_size, padding
    sh, sw = (stride, stride) if isinstance(stride, int) else (stride or kernel_size)
    height, width = x.shape[2:]
    out = np.empty(x.shape[:2] + (pool_size(height, kh, sh, ph, ceil_mode), pool_size(width, kw, sw, pw, ceil_mode)))
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph + sh), (pw, pw + sw)))  # ceil_mode's windows may reach past the padding
    for i, j in itertools.product(range(out.shape[2]), range(out.shape[3])):
        top, left = i * sh, j * sw
        inside = ((min(top + kh, height + ph) - max(top, ph)) * (min(left + kw, width + pw) - max(left, pw)))
        padded = (min(top + kh, height + 2 * ph) - top) * (min(left + kw, width + 2 * pw) - left)
        divisor = divisor_override or (padded if count_include_pad else inside)
        out[:, :, i, j] = x[:, :, top:top + kh, left:left + kw].sum(axis=(2, 3)) / divisor
    return out


def sample_adaptive1d(draw):
    x_shape, unbatched = batch_shape(draw, draw(st.integers(1, 2)), draw(st.integers(1, 6)))
    return [values(draw, x_shape, "distinct")], {"output_size": draw(st.integers(1, 4)), "unbatched": unbatched}


def np_adaptive1d(reduce):
    def ref(x, output_size):
        length = x.shape[2]
        out = np.empty(x.shape[:2] + (output_size,))
        for i in range(output_size):
            start, end = math.floor(i * length / output_size), math.ceil((i + 1) * length / output_size)
            out[:, :, i] = reduce(x[:, :, start:end], axis=2)
        return out
    return ref


# ---------------------------------------------------------------- max_unpool2d (a primitive: MaxUnpool2dFunction)

def sample_max_unpool2d(draw):
    """Values and indices as max_pool2d(kernel, return_indices=True) gives them: distinct places
    (repeated ones keep the later value, which its gradient does not follow: PyTorch's rule)."""
    shape = tuple(draw(st.integers(1, 2)) for _ in range(4))
    kernel = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    plane, count = shape[2] * kernel[0] * shape[3] * kernel[1], shape[2] * shape[3]
    indices = [draw(st.permutations(range(plane)))[:count] for _ in range(shape[0] * shape[1])]
    return [values(draw, shape, "real")], {"indices": np.array(indices, dtype=np.int64).reshape(shape),
                                           "kernel_size": kernel}


def np_max_unpool2d(x, indices, kernel_size):
    n, c, h, w = x.shape
    out = np.zeros((n, c, h * kernel_size[0] * w * kernel_size[1]))
    for i, j, a, b in itertools.product(range(n), range(c), range(h), range(w)):
        out[i, j, indices[i, j, a, b]] = x[i, j, a, b]
    return out.reshape(n, c, h * kernel_size[0], w * kernel_size[1])


# ---------------------------------------------------------------- group_norm, instance_norm

def sample_group_norm(draw):
    groups, per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    spatial = draw(st.sampled_from([(), (2,), (2, 3)]))
    if per_group == 1 and not spatial:
        spatial = (2,)  # a group of one value has no spread to normalise by
    channels = groups * per_group
    shape = (draw(st.integers(1, 2)), channels) + spatial
    arrays = [values(draw, shape, "distinct"), values(draw, (channels,), "real"), values(draw, (channels,), "real")]
    return arrays, {"num_groups": groups, "eps": draw(st.sampled_from([1e-5, 0.1]))}


def np_group_norm(x, weight, bias, num_groups, eps):
    out = np.empty_like(x)
    per_group = x.shape[1] // num_groups
    for n, g in itertools.product(range(x.shape[0]), range(num_groups)):
        group = x[n, g * per_group:(g + 1) * per_group]
        out[n, g * per_group:(g + 1) * per_group] = (group - group.mean()) / np.sqrt(group.var() + eps)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return out * weight.reshape(shape) + bias.reshape(shape)


# ---------------------------------------------------------------- pixel_shuffle, pixel_unshuffle

def sample_pixel_shuffle(draw):
    r = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (2,), (2, 1)]))
    shape = batch + (draw(st.integers(1, 2)) * r * r, draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return [values(draw, shape, "real")], {"upscale_factor": r}


def np_pixel_shuffle(x, upscale_factor):
    r = upscale_factor
    *batch, channels, height, width = x.shape
    out = np.empty((*batch, channels // (r * r), height * r, width * r), dtype=x.dtype)
    for i, j in itertools.product(range(r), range(r)):  # out[..., c, h*r + i, w*r + j] = x[..., c*r*r + i*r + j, h, w]
        out[..., :, i::r, j::r] = x[..., i * r + j::r * r, :, :]
    return out


def sample_pixel_unshuffle(draw):
    r = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (2,), (2, 1)]))
    shape = batch + (draw(st.integers(1, 2)), draw(st.integers(1, 2)) * r, draw(st.integers(1, 2)) * r)
    return [values(draw, shape, "real")], {"downscale_factor": r}


def np_pixel_unshuffle(x, downscale_factor):
    r = downscale_factor
    *batch, channels, height, width = x.shape
    out = np.empty((*batch, channels * r * r, height // r, width // r), dtype=x.dtype)
    for i, j in itertools.product(range(r), range(r)):
        out[..., i * r + j::r * r, :, :] = x[..., :, i::r, j::r]
    return out


def sample_instance_norm(draw):
    channels, spatial = draw(st.integers(1, 3)), draw(st.sampled_from([(2,), (3,), (2, 2)]))
    shape = (draw(st.integers(1, 2)), channels) + spatial
    arrays = [values(draw, shape, "distinct"), values(draw, (channels,), "real"), values(draw, (channels,), "real")]
    return arrays, {"eps": draw(st.sampled_from([1e-5, 0.1]))}


def np_instance_norm(x, weight, bias, eps):
    out = np.empty_like(x)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        out[n, c] = (x[n, c] - x[n, c].mean()) / np.sqrt(x[n, c].var() + eps) * weight[c] + bias[c]
    return out


# ---------------------------------------------------------------- interpolate

def sample_interpolate(draw):
    spatial_dims = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 4)) for _ in range(spatial_dims))
    linear_mode = {1: "linear", 2: "bilinear", 3: "trilinear"}[spatial_dims]
    mode = draw(st.sampled_from(["nearest", "nearest-exact", linear_mode]))
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        kwargs["size"] = tuple(draw(st.integers(1, 5)) for _ in spatial)
    else:  # simple factors: PyTorch finds nearest positions in float32, the reference in float64; for these
        # both land on the same integers
        kwargs["scale_factor"] = draw(st.sampled_from([2, 3, 0.5, 1.5]))
        if min(math.floor(n * kwargs["scale_factor"]) for n in spatial) < 1:
            kwargs["scale_factor"] = 2
    if mode not in ("nearest", "nearest-exact"):
        kwargs["align_corners"] = draw(st.booleans())
    return [values(draw, (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial, "real")], kwargs


def np_interpolate(x, mode, size=None, scale_factor=None, align_corners=None):
    """Each output element from the input positions PyTorch's formulas give (see nn/interpolation.py):
    the nearest one, or the 2**dims corners around the source point weighted by the product over dims."""
    spatial = x.shape[2:]
    if size is not None:
        out_sizes, scales = size, [n / m for n, m in zip(spatial, size)]
    else:
        out_sizes, scales = [math.floor(n * scale_factor) for n in spatial], [1 / scale_factor] * len(spatial)
    out = np.empty(x.shape[:2] + tuple(out_sizes))
    for index in itertools.product(*(range(m) for m in out_sizes)):
        if mode in ("nearest", "nearest-exact"):
            shift = 0.5 if mode == "nearest-exact" else 0.0
            source = tuple(min(math.floor((i + shift) * s), n - 1) for i, s, n in zip(index, scales, spatial))
            out[(slice(None), slice(None)) + index] = x[(slice(None), slice(None)) + source]
            continue
        corners = []  # per dim: [(input position, weight), (next position, weight)]
        for i, s, n, m in zip(index, scales, spatial, out_sizes):
            if align_corners:
                point = i * (n - 1) / (m - 1) if m > 1 else 0.0
            else:
                point = max((i + 0.5) * s - 0.5, 0.0)
            low = min(math.floor(point), n - 1)
            corners.append([(low, 1 - (point - low)), (min(low + 1, n - 1), point - low)])
        total = 0.0
        for choice in itertools.product(*corners):
            weight = math.prod(w for _, w in choice)
            total = total + weight * x[(slice(None), slice(None)) + tuple(p for p, _ in choice)]
        out[(slice(None), slice(None)) + index] = total
    return out


ENTRIES = [
    ("F.conv1d", call_unbatched(lambda x, w, b, **kw: F.conv1d(x, w, b, **kw)), maybe_unbatched(np_conv1d),
     sample_conv1d),
    ("F.conv_transpose1d", call_unbatched(lambda x, w, b, **kw: F.conv_transpose1d(x, w, b, **kw)),
     maybe_unbatched(np_conv_transpose1d), sample_conv_transpose1d),
    ("F.max_pool1d", call_unbatched(F.max_pool1d), maybe_unbatched(np_max_pool1d), sample_pool1d),
    ("F.avg_pool1d", call_unbatched(F.avg_pool1d), maybe_unbatched(np_avg_pool1d), sample_avg_pool1d),
    ("F.avg_pool2d", F.avg_pool2d, np_avg_pool2d, sample_avg_pool2d),
    ("F.max_unpool2d", lambda x, indices, **kw: F.max_unpool2d(x, tg.tensor(indices), **kw), np_max_unpool2d,
     sample_max_unpool2d),
    ("F.adaptive_avg_pool1d", call_unbatched(F.adaptive_avg_pool1d), maybe_unbatched(np_adaptive1d(np.mean)),
     sample_adaptive1d),
    ("F.adaptive_max_pool1d", call_unbatched(F.adaptive_max_pool1d), maybe_unbatched(np_adaptive1d(np.max)),
     sample_adaptive1d),
    ("F.group_norm", lambda x, w, b, **kw: F.group_norm(x, weight=w, bias=b, **kw), np_group_norm, sample_group_norm),
    ("F.instance_norm", lambda x, w, b, **kw: F.instance_norm(x, weight=w, bias=b, **kw), np_instance_norm,
     sample_instance_norm),
    ("F.interpolate", F.interpolate, np_interpolate, sample_interpolate),
    ("F.pixel_shuffle", F.pixel_shuffle, np_pixel_shuffle, sample_pixel_shuffle),
    ("F.pixel_unshuffle", F.pixel_unshuffle, np_pixel_unshuffle, sample_pixel_unshuffle),
]
