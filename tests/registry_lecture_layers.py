"""Registry entries (see op_registry.py) for the layers modern lectures use that were added together: F.rms_norm,
F.prelu, F.softmin and F.threshold (composed from existing ops), and F.unfold and F.fold (two primitives, each
the other's backward). These entries are what proves their derivatives (first and second order), against NumPy
written here (loops over the windows for unfold and fold), not the library's code."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import np_softmax, one_dim, register, unary
from strategies import shapes, values

import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- F.rms_norm


def sample_rms_norm(draw):
    """x of 1 to 3 dims, nonzero (the root mean square is then at least 0.5, far from eps), normalised over its
    last 1 or 2 dims, with a weight of that shape or none, and eps None or 1e-5."""
    shape = draw(shapes(min_dims=1))
    normalized = shape[len(shape) - draw(st.integers(1, min(2, len(shape)))):]
    arrays = [values(draw, shape, "nonzero")]
    if draw(st.booleans()):
        arrays.append(values(draw, normalized, "real"))
    return arrays, {"normalized_shape": normalized, "eps": draw(st.sampled_from([None, 1e-5]))}


def np_rms_norm(x, weight=1.0, normalized_shape=(), eps=None):
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    eps = np.finfo(x.dtype).eps if eps is None else eps
    return x / np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps) * weight


register("F.rms_norm", lambda x, weight=None, **kw: F.rms_norm(x, weight=weight, **kw), np_rms_norm,
         sample_rms_norm)


# ---------------------------------------------------------------- F.prelu

def sample_prelu(draw):
    """x on the grid (never at the kink 0), of 0 to 3 dims, with one slope or one per channel (dim 1)."""
    shape = draw(shapes())
    channels = shape[1] if len(shape) >= 2 else 1
    count = draw(st.sampled_from([1, channels]))
    return [values(draw, shape, "grid"), values(draw, (count,), "real")], {}


def np_prelu(x, weight):
    if weight.size > 1:
        weight = weight.reshape((weight.size,) + (1,) * (x.ndim - 2))
    else:
        weight = weight.reshape(())
    return np.where(x > 0, x, weight * x)


register("F.prelu", F.prelu, np_prelu, sample_prelu)
register("F.softmin", lambda x, dim: F.softmin(x, dim), lambda x, dim: np_softmax(-x, dim), one_dim())
register("F.threshold", lambda x: F.threshold(x, 0.45, -1.5), lambda x: np.where(x > 0.45, x, -1.5), unary("grid"))


# ---------------------------------------------------------------- F.unfold, F.fold

def sample_windows(draw):
    """An image shape (N, C, H, W) or unbatched (C, H, W) and the options, chosen so that at least one window fits."""
    chosen = {name: (draw(st.integers(low, high)), draw(st.integers(low, high)))
              for name, low, high in (("kernel_size", 1, 3), ("dilation", 1, 2), ("padding", 0, 1), ("stride", 1, 2))}
    reach = [d * (k - 1) + 1 - 2 * p for k, d, p in zip(chosen["kernel_size"], chosen["dilation"], chosen["padding"])]
    image = tuple(draw(st.integers(max(1, r), max(1, r) + 2)) for r in reach)
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    return batch + (draw(st.integers(1, 2)),) + image, chosen


def window_places(image, kernel_size, dilation, padding, stride):
    """For each (a, b, i, j): the padded image's row and column that window (i, j) reads at kernel offset (a, b)."""
    blocks = [(size + 2 * p - d * (k - 1) - 1) // s + 1
              for size, k, d, p, s in zip(image, kernel_size, dilation, padding, stride)]
    for a in range(kernel_size[0]):
        for b in range(kernel_size[1]):
            for i in range(blocks[0]):
                for j in range(blocks[1]):
                    yield a, b, i * blocks[1] + j, i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1]


def np_unfold(x, **chosen):
    (kh, kw), (ph, pw) = chosen["kernel_size"], chosen["padding"]
    padded = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)])
    places = list(window_places(x.shape[-2:], **chosen))
    columns = np.zeros(x.shape[:-2] + (kh * kw, 1 + max(place[2] for place in places)))
    for a, b, column, row, col in places:
        columns[..., a * kw + b, column] = padded[..., row, col]
    return columns.reshape(x.shape[:-3] + (-1, columns.shape[-1]))  # rows (c, a, b)


def np_fold(columns, output_size, **chosen):
    (kh, kw), (ph, pw) = chosen["kernel_size"], chosen["padding"]
    rows, count = columns.shape[-2:]
    split = columns.reshape(columns.shape[:-2] + (rows // (kh * kw), kh * kw, count))
    padded = np.zeros(columns.shape[:-2] + (rows // (kh * kw), output_size[0] + 2 * ph, output_size[1] + 2 * pw))
    for a, b, column, row, col in window_places(output_size, **chosen):
        padded[..., row, col] += split[..., a * kw + b, column]
    return padded[..., ph:ph + output_size[0], pw:pw + output_size[1]]


def sample_unfold(draw):
    shape, chosen = sample_windows(draw)
    return [values(draw, shape, "real")], chosen


def sample_fold(draw):
    shape, chosen = sample_windows(draw)
    columns_shape = np_unfold(np.zeros(shape), **chosen).shape
    return [values(draw, columns_shape, "real")], {"output_size": shape[-2:], **chosen}


register("F.unfold", F.unfold, np_unfold, sample_unfold)
register("F.fold", F.fold, np_fold, sample_fold)
