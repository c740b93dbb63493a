"""Registry entries (see op_registry.py) for nn.functional's layers and activations: the primitives
conv2d and max_pool2d, linear, embedding, log_softmax, the less common activations and glu, and the
composite layers whose entries are kept in registry_nn_layers.py (1-D conv and pools, avg_pool2d's
options, group_norm, interpolate). The losses and distances are in registry_losses.py."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from registry_core import np_erf, np_sigmoid, np_softmax, one_dim, register, unary
from registry_nn_layers import ENTRIES as LAYER_ENTRIES
from registry_nn_layers import pool_size
from strategies import shapes, values

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- nn primitives (tinygrad_edu/nn/ops.py)
# conv2d and max_pool2d are primitives for speed, erf for precision; their backward passes are built
# from primitives, so they get gradgradcheck like everything else.

@st.composite
def conv_case(draw):
    n, groups = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))  # groups == c_in: depthwise
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = (draw(st.integers(1, 2)), draw(st.integers(1, 2))), (draw(st.integers(0, 1)),
                                                                           draw(st.integers(0, 1)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    reach_h, reach_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1  # the input a window spans
    h = draw(st.integers(max(reach_h - 2 * padding[0], 1), 5))
    w = draw(st.integers(max(reach_w - 2 * padding[1], 1), 5))
    return (n, c_in, h, w), (c_out, c_in // groups, kh, kw), stride, padding, dilation, groups


def sample_conv2d(draw):
    x_shape, w_shape, stride, padding, dilation, groups = draw(conv_case())
    arrays = [values(draw, x_shape, "real"), values(draw, w_shape, "real"), values(draw, w_shape[:1], "real")]
    return arrays, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


def np_conv2d(x, w, b, stride, padding, dilation=(1, 1), groups=1):
    """out[n, o, i, j] = b[o] + sum over c, a, b of xp[n, c + (o's group) * C/groups, i*sh + a*dh, j*sw + b*dw]
    * w[o, c, a, b], one output element (and group) at a time."""
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    (kh, kw), (sh, sw), (dh, dw) = w.shape[2:], stride, dilation
    out_h, out_w = (x.shape[2] - dh * (kh - 1) - 1) // sh + 1, (x.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    c_per, o_per = x.shape[1] // groups, w.shape[0] // groups
    for i, j, group in itertools.product(range(out_h), range(out_w), range(groups)):
        patch = x[:, group * c_per:(group + 1) * c_per, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                  j * sw:j * sw + dw * (kw - 1) + 1:dw]
        out[:, group * o_per:(group + 1) * o_per, i, j] = np.einsum("ncij,ocij->no", patch,
                                                                    w[group * o_per:(group + 1) * o_per])
    return out + b[None, :, None, None]


def sample_conv_transpose2d(draw):
    n, groups = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride, dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))), (draw(st.integers(1, 2)),
                                                                             draw(st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, s - 1)) for s in stride)
    x_shape = (n, c_in, draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    arrays = [values(draw, x_shape, "real"), values(draw, (c_in, c_out // groups) + kernel, "real"),
              values(draw, (c_out,), "real")]
    return arrays, transposed_options(draw, x_shape, kernel, stride, output_padding, groups, dilation)


def transposed_options(draw, x_shape, kernel, stride, output_padding, groups, dilation) -> dict:
    """conv_transpose2d/3d's options, with a padding of 0 or 1 per dim that leaves one output element at least."""
    padding = []
    for size, s, d, k, extra in zip(x_shape[2:], stride, dilation, kernel, output_padding):
        full = (size - 1) * s + d * (k - 1) + extra + 1  # the output size with no padding
        padding.append(draw(st.integers(0, min(1, (full - 1) // 2))))
    return {"stride": stride, "padding": tuple(padding), "output_padding": output_padding, "groups": groups,
            "dilation": dilation}


def np_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input element x[n, c, i, j] adds x * w[c, o, a, b] to the output at (i*sh + a*dh - ph,
    j*sw + b*dw - pw), o among c's group's output channels: written into an unpadded output, then cropped."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    kh, kw = w.shape[2:]
    c_per, o_per = x.shape[1] // groups, w.shape[1]
    full = np.zeros((x.shape[0], o_per * groups, (x.shape[2] - 1) * sh + dh * (kh - 1) + 1 + output_padding[0],
                     (x.shape[3] - 1) * sw + dw * (kw - 1) + 1 + output_padding[1]))
    for i, j, a, b_, c in itertools.product(range(x.shape[2]), range(x.shape[3]), range(kh), range(kw),
                                            range(x.shape[1])):
        group = c // c_per
        full[:, group * o_per:(group + 1) * o_per, i * sh + a * dh, j * sw + b_ * dw] += \
            x[:, c, i, j, None] * w[c, :, a, b_]
    out_h, out_w = full.shape[2] - 2 * ph, full.shape[3] - 2 * pw
    return full[:, :, ph:ph + out_h, pw:pw + out_w] + b[None, :, None, None]


def sample_max_pool(draw):
    k, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    stride = draw(st.sampled_from([None, 1, 2]))
    padding = draw(st.integers(0, k // 2))  # PyTorch allows at most half the kernel
    low = dilation * (k - 1) + 1  # the input holds one window, so no window lies in the padding alone
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(low, 4)), draw(st.integers(low, 4)))
    kwargs = {"kernel_size": k, "stride": stride, "padding": padding, "dilation": dilation,
              "ceil_mode": draw(st.booleans())}
    return [values(draw, shape, "distinct")], kwargs


def np_max_pool(x, kernel_size, stride, padding=0, dilation=1, ceil_mode=False):
    s, reach = stride or kernel_size, dilation * (kernel_size - 1) + 1
    out_h, out_w = (pool_size(size, kernel_size, s, padding, ceil_mode, dilation) for size in x.shape[2:])
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding + s + reach), (padding, padding + s + reach)),
               constant_values=-np.inf)  # pads never win; ceil_mode's windows may reach past the padding
    out = np.zeros(x.shape[:2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = x[:, :, i * s:i * s + reach:dilation, j * s:j * s + reach:dilation].max(axis=(2, 3))
    return out


def sample_linear(draw):
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(), (2,), (2, 3)]))
    arrays = [values(draw, lead + (n_in,), "real"), values(draw, (n_out, n_in), "real"), values(draw, (n_out,), "real")]
    return arrays, {}


def sample_embedding(draw):
    rows, width = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=5)), dtype=np.int64)
    return [values(draw, (rows, width), "real")], {"idx": idx}


register("conv2d", lambda x, w, b, **kw: F.conv2d(x, w, b, **kw), np_conv2d, sample_conv2d)
register("max_pool2d", lambda x, **kw: F.max_pool2d(x, **kw), np_max_pool, sample_max_pool)
register("F.conv_transpose2d", lambda x, w, b, **kw: F.conv_transpose2d(x, w, b, **kw), np_conv_transpose2d,
         sample_conv_transpose2d)
register("F.erf", lambda x: F.erf(x), np_erf, unary(), covers=())
register("F.linear", lambda x, w, b: F.linear(x, w, b), lambda x, w, b: x @ w.T + b, sample_linear)
register("F.log_softmax", lambda x, dim: F.log_softmax(x, dim), lambda x, dim: np.log(np_softmax(x, dim)), one_dim())
register("F.embedding", lambda w, idx: F.embedding(tg.tensor(idx), w), lambda w, idx: w[idx], sample_embedding)

# the composite layers of nn.functional: 1-D conv and pools, avg_pool2d's options, group_norm, interpolate
for entry in LAYER_ENTRIES:
    register(*entry)


# ---------------------------------------------------------------- nn.functional's less common activations
# (nn/activation_functions.py): composites; the grid keeps them 0.1 from their corners, and the
# arguments are chosen so the corners fall inside [-2, 2] but off the grid (their slopes there:
# tests/test_nn_activations.py)

def np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * np.minimum(x, threshold / beta))) / beta)


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def np_relu6(x):
    return np.clip(x, 0, 6)


def sample_glu(draw):
    shape = list(draw(shapes(min_dims=1)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] *= 2
    return [values(draw, tuple(shape), "real")], {"dim": dim}


def np_glu(x, dim):
    a, b = np.split(x, 2, axis=dim)
    return a * np_sigmoid(b)


ACTIVATIONS = {  # name: (fn, NumPy reference, domain)
    "silu": (lambda x: F.silu(x), lambda x: x * np_sigmoid(x), "real"),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: np_elu(x, 0.7), "grid"),
    "selu": (lambda x: F.selu(x), lambda x: 1.0507009873554805 * np_elu(x, 1.6732632423543772), "grid"),
    "celu": (lambda x: F.celu(x, 1.5), lambda x: np.maximum(x, 0) + np.minimum(0, 1.5 * np.expm1(x / 1.5)), "grid"),
    "softplus": (lambda x: F.softplus(x, 2.0, 1.5), lambda x: np_softplus(x, 2.0, 1.5), "grid"),  # linear above 0.75
    "softsign": (lambda x: F.softsign(x), lambda x: x / (1 + np.abs(x)), "grid"),
    "relu6": (lambda x: F.relu6(x * 4 + 0.2), lambda x: np_relu6(x * 4 + 0.2), "grid"),  # x = -0.05, 1.45
    "hardtanh": (lambda x: F.hardtanh(x, -1.05, 0.95), lambda x: np.clip(x, -1.05, 0.95), "grid"),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x), "grid"),
    "hardswish": (lambda x: F.hardswish(x * 2 + 0.1), lambda x: (2 * x + 0.1) * np_relu6(2 * x + 3.1) / 6, "grid"),
    "hardsigmoid": (lambda x: F.hardsigmoid(x * 2 + 0.1), lambda x: np_relu6(2 * x + 3.1) / 6, "grid"),
    "logsigmoid": (lambda x: F.logsigmoid(x * 10), lambda x: -np.logaddexp(0, -10 * x), "real"),
    "mish": (lambda x: F.mish(x * 2), lambda x: 2 * x * np.tanh(np.logaddexp(0, 2 * x)), "real"),
    "hardshrink": (lambda x: F.hardshrink(x, 0.45), lambda x: np.where(np.abs(x) > 0.45, x, 0.0), "grid"),
    "softshrink": (lambda x: F.softshrink(x, 0.45), lambda x: np.where(np.abs(x) > 0.45, x - 0.45 * np.sign(x), 0.0),
                   "grid"),
    "tanhshrink": (lambda x: F.tanhshrink(x), lambda x: x - np.tanh(x), "real"),
}

for _name, (_fn, _reference, _domain) in ACTIVATIONS.items():
    register(f"F.{_name}", _fn, _reference, unary(_domain))
register("F.glu", lambda x, dim: F.glu(x, dim), np_glu, sample_glu)


def sample_attention(draw):
    """query (B, L, E), key (B, S, E), value (B, S, Ev), with or without the causal mask."""
    batch, target, source = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    features, value_features = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    arrays = [values(draw, (batch, target, features), "real"), values(draw, (batch, source, features), "real"),
              values(draw, (batch, source, value_features), "real")]
    return arrays, {"is_causal": draw(st.booleans())}


def np_attention(query, key, value, is_causal):
    scores = query @ key.swapaxes(-1, -2) / np.sqrt(query.shape[-1])
    if is_causal:
        scores = np.where(np.tri(query.shape[-2], key.shape[-2], dtype=bool), scores, -np.inf)
    weights = np_softmax(scores, -1)  # (the causal mask keeps key 0 for every query)
    return weights @ value


register("F.scaled_dot_product_attention",
         lambda q, k, v, is_causal: F.scaled_dot_product_attention(q, k, v, is_causal=is_causal),
         np_attention, sample_attention)
