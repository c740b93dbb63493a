"""Registry entries (see op_registry.py) for the 3-D layers of nn.functional: conv3d and conv_transpose3d
(the convolution primitives of nn/ops.py on (N, C, D, H, W)), max_pool3d and max_unpool3d (the pooling
primitives), and the composite avg_pool3d, adaptive_avg_pool3d and adaptive_max_pool3d. The 3-D layers
run the code of the 2-D ones, so these entries are what proves that code right with one spatial dim more
(first and second derivatives), against NumPy written here: loops over the output, one element at a time.

Shapes are kept small (a batch of one or two, sides up to 3): gradgradcheck perturbs every element, and
an input of 2 x 2 x 3 x 3 x 3 has 108 of them."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st
from registry_core import register
from registry_nn import transposed_options
from registry_nn_layers import pool_size
from strategies import values

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- conv3d, conv_transpose3d


def triple(draw, low: int, high: int) -> tuple:
    return tuple(draw(st.integers(low, high)) for _ in range(3))


def sample_conv3d(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel, stride, padding, dilation = triple(draw, 1, 2), triple(draw, 1, 2), triple(draw, 0, 1), triple(draw, 1, 2)
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))  # the input a window spans
    spatial = tuple(draw(st.integers(max(r - 2 * p, 1), 3)) for r, p in zip(reach, padding))
    arrays = [values(draw, (1, c_in) + spatial, "real"),
              values(draw, (c_out, c_in // groups) + kernel, "real"), values(draw, (c_out,), "real")]
    return arrays, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


def np_conv3d(x, w, b, stride, padding, dilation, groups):
    """out[n, o, i, j, l] = b[o] + sum over c, a, e, f of
    xp[n, c + (o's group) * C/groups, i*sd + a*dd, j*sh + e*dh, l*sw + f*dw] * w[o, c, a, e, f]."""
    x = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    kernel = w.shape[2:]
    out_size = tuple((size - d * (k - 1) - 1) // s + 1 for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation))
    out = np.zeros((x.shape[0], w.shape[0]) + out_size)
    c_per, o_per = x.shape[1] // groups, w.shape[0] // groups
    for position in itertools.product(*map(range, out_size)):
        window = tuple(slice(i * s, i * s + d * (k - 1) + 1, d)
                       for i, s, d, k in zip(position, stride, dilation, kernel))
        for group in range(groups):
            patch = x[(slice(None), slice(group * c_per, (group + 1) * c_per)) + window]
            out[(slice(None), slice(group * o_per, (group + 1) * o_per)) + position] = np.einsum(
                "ncdhw,ocdhw->no", patch, w[group * o_per:(group + 1) * o_per])
    return out + b.reshape(1, -1, 1, 1, 1)


def sample_conv_transpose3d(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel, stride, dilation = triple(draw, 1, 2), triple(draw, 1, 2), triple(draw, 1, 2)
    output_padding = tuple(draw(st.integers(0, s - 1)) for s in stride)
    x_shape = (draw(st.integers(1, 2)), c_in) + triple(draw, 1, 2)
    arrays = [values(draw, x_shape, "real"), values(draw, (c_in, c_out // groups) + kernel, "real"),
              values(draw, (c_out,), "real")]
    return arrays, transposed_options(draw, x_shape, kernel, stride, output_padding, groups, dilation)


def np_conv_transpose3d(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input element x[n, c, i, j, l] adds x * w[c, o, a, e, f] to the output at i*sd + a*dd - pd (and so
    on along H and W), o among c's group's output channels: written into an unpadded output, then cropped."""
    kernel, c_per, o_per = w.shape[2:], x.shape[1] // groups, w.shape[1]
    full_size = tuple((size - 1) * s + d * (k - 1) + 1 + extra for size, s, d, k, extra
                      in zip(x.shape[2:], stride, dilation, kernel, output_padding))
    full = np.zeros((x.shape[0], o_per * groups) + full_size)
    for position, offset, c in itertools.product(itertools.product(*map(range, x.shape[2:])),
                                                 itertools.product(*map(range, kernel)), range(x.shape[1])):
        group = c // c_per
        target = tuple(i * s + a * d for i, a, s, d in zip(position, offset, stride, dilation))
        full[(slice(None), slice(group * o_per, (group + 1) * o_per)) + target] += \
            x[(slice(None), c) + position][:, None] * w[(c, slice(None)) + offset]
    crop = tuple(slice(p, size - p) for p, size in zip(padding, full_size))
    return full[(slice(None), slice(None)) + crop] + b.reshape(1, -1, 1, 1, 1)


# ---------------------------------------------------------------- max_pool3d, avg_pool3d


def sample_max_pool3d(draw):
    k, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    padding = draw(st.integers(0, k // 2))  # PyTorch allows at most half the kernel
    low = dilation * (k - 1) + 1  # the input holds one window, so no window lies in the padding alone
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + triple(draw, low, 3)
    kwargs = {"kernel_size": k, "stride": draw(st.sampled_from([None, 1, 2])), "padding": padding,
              "dilation": dilation, "ceil_mode": draw(st.booleans())}
    return [values(draw, shape, "distinct")], kwargs


def np_max_pool3d(x, kernel_size, stride, padding, dilation, ceil_mode):
    s, reach = stride or kernel_size, dilation * (kernel_size - 1) + 1
    out_size = tuple(pool_size(size, kernel_size, s, padding, ceil_mode, dilation) for size in x.shape[2:])
    x = np.pad(x, ((0, 0), (0, 0)) + ((padding, padding + s + reach),) * 3,
               constant_values=-np.inf)  # pads never win; ceil_mode's windows may reach past the padding
    out = np.zeros(x.shape[:2] + out_size)
    for position in itertools.product(*map(range, out_size)):
        window = tuple(slice(i * s, i * s + reach, dilation) for i in position)
        out[(slice(None), slice(None)) + position] = x[(slice(None), slice(None)) + window].max(axis=(2, 3, 4))
    return out


def sample_avg_pool3d(draw):
    kernel = triple(draw, 1, 2)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(
        draw(st.integers(max(k - 2 * p, 1), 3)) for k, p in zip(kernel, padding))
    count_include_pad = draw(st.booleans())
    kwargs = {"kernel_size": kernel, "stride": draw(st.sampled_from([None, 1, 2, (2, 1, 1)])), "padding": padding,
              "ceil_mode": draw(st.booleans()), "count_include_pad": count_include_pad,
              "divisor_override": draw(st.sampled_from([None, 3])) if count_include_pad else None}
    return [values(draw, shape, "grid")], kwargs


def np_avg_pool3d(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """Each window's sum over the part inside x, divided by the window's size within x and its padding
    (count_include_pad), or within x alone, or by divisor_override."""
    stride = (stride,) * 3 if isinstance(stride, int) else (stride or kernel_size)
    size = x.shape[2:]
    out_size = tuple(pool_size(*each, ceil_mode) for each in zip(size, kernel_size, stride, padding))
    out = np.empty(x.shape[:2] + out_size)
    for position in itertools.product(*map(range, out_size)):
        starts = [i * s - p for i, s, p in zip(position, stride, padding)]
        inside = tuple(slice(max(start, 0), min(start + k, n)) for start, k, n in zip(starts, kernel_size, size))
        padded = math.prod(min(start + k, n + p) - start for start, k, n, p in zip(starts, kernel_size, size, padding))
        divisor = divisor_override or (padded if count_include_pad else math.prod(s.stop - s.start for s in inside))
        total = x[(slice(None), slice(None)) + inside].sum(axis=(2, 3, 4))
        out[(slice(None), slice(None)) + position] = total / divisor
    return out


# ---------------------------------------------------------------- adaptive pools, max_unpool3d


def sample_adaptive3d(draw):
    shape = (1, draw(st.integers(1, 2))) + triple(draw, 1, 3)
    output_size = draw(st.one_of(st.integers(1, 3), st.tuples(*[st.sampled_from([None, 1, 2, 3])] * 3)))
    return [values(draw, shape, "distinct")], {"output_size": output_size}


def np_adaptive3d(reduce):
    def ref(x, output_size):
        if isinstance(output_size, int):
            output_size = (output_size,) * 3
        out_size = tuple(n if o is None else o for n, o in zip(x.shape[2:], output_size))
        out = np.empty(x.shape[:2] + out_size)
        for position in itertools.product(*map(range, out_size)):
            window = tuple(slice(math.floor(i * n / o), math.ceil((i + 1) * n / o))
                           for i, n, o in zip(position, x.shape[2:], out_size))
            out[(slice(None), slice(None)) + position] = reduce(x[(slice(None), slice(None)) + window], axis=(2, 3, 4))
        return out
    return ref


def sample_max_unpool3d(draw):
    """Values and indices as max_pool3d(kernel, return_indices=True) gives them: distinct places in each volume."""
    shape = tuple(draw(st.integers(1, 2)) for _ in range(5))
    kernel = triple(draw, 1, 2)
    volume, count = math.prod(shape[2:]) * math.prod(kernel), math.prod(shape[2:])
    indices = [draw(st.permutations(range(volume)))[:count] for _ in range(shape[0] * shape[1])]
    return [values(draw, shape, "real")], {"indices": np.array(indices, dtype=np.int64).reshape(shape),
                                           "kernel_size": kernel}


def np_max_unpool3d(x, indices, kernel_size):
    n, c = x.shape[:2]
    out_size = tuple(size * k for size, k in zip(x.shape[2:], kernel_size))
    out = np.zeros((n, c, math.prod(out_size)))
    for i, j in itertools.product(range(n), range(c)):
        out[i, j, indices[i, j].reshape(-1)] = x[i, j].reshape(-1)
    return out.reshape((n, c) + out_size)


register("F.conv3d", lambda x, w, b, **kw: F.conv3d(x, w, b, **kw), np_conv3d, sample_conv3d)
register("F.conv_transpose3d", lambda x, w, b, **kw: F.conv_transpose3d(x, w, b, **kw), np_conv_transpose3d,
         sample_conv_transpose3d)
register("F.max_pool3d", lambda x, **kw: F.max_pool3d(x, **kw), np_max_pool3d, sample_max_pool3d)
register("F.avg_pool3d", F.avg_pool3d, np_avg_pool3d, sample_avg_pool3d)
register("F.adaptive_avg_pool3d", F.adaptive_avg_pool3d, np_adaptive3d(np.mean), sample_adaptive3d)
register("F.adaptive_max_pool3d", F.adaptive_max_pool3d, np_adaptive3d(np.max), sample_adaptive3d)
register("F.max_unpool3d", lambda x, indices, **kw: F.max_unpool3d(x, tg.tensor(indices), **kw), np_max_unpool3d,
         sample_max_unpool3d)
