"""Registry entries (see op_registry.py) for the less common layers of nn/more_layers.py: F.local_response_norm,
F.channel_shuffle, F.lp_pool1d/2d, F.rrelu out of training, F.embedding_bag, F.multilabel_margin_loss and
F.triplet_margin_with_distance_loss, each against NumPy written from its definition (loops over channels,
windows, bags and label pairs), not from the library's code. The random forms (rrelu in training,
alpha_dropout) draw new numbers each call, so they are checked in test_nn_more_layers.py instead."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from registry_core import register
from registry_losses import sample_rows
from strategies import values

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- local_response_norm, channel_shuffle


def sample_local_response_norm(draw):
    spatial = draw(st.sampled_from([(2,), (2, 2), (1, 2, 2)]))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 4))) + spatial
    options = {"size": draw(st.integers(1, 4)), "alpha": draw(st.sampled_from([1e-4, 0.5])),
               "beta": draw(st.sampled_from([0.75, 0.5])), "k": draw(st.sampled_from([1.0, 2.0]))}
    return [values(draw, shape, "real")], options


def np_local_response_norm(x, size, alpha, beta, k):
    out = np.empty_like(x)
    channels = x.shape[1]
    for c in range(channels):
        neighbours = range(max(c - size // 2, 0), min(c + (size - 1) // 2, channels - 1) + 1)
        energy = sum(x[:, d] ** 2 for d in neighbours) / size
        out[:, c] = x[:, c] / (k + alpha * energy) ** beta
    return out


def sample_channel_shuffle(draw):
    groups, per_group = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = draw(st.sampled_from([(1,), (2,), (2, 1)]))
    return [values(draw, (draw(st.integers(1, 2)), groups * per_group) + spatial, "real")], {"groups": groups}


def np_channel_shuffle(x, groups):
    per_group = x.shape[1] // groups
    out = np.empty_like(x)
    for g, i in itertools.product(range(groups), range(per_group)):  # channel i of group g goes to i * groups + g
        out[:, i * groups + g] = x[:, g * per_group + i]
    return out


# ---------------------------------------------------------------- lp_pool1d, lp_pool2d

def sample_lp_pool(spatial_dims):
    def sample(draw):
        kernel = tuple(draw(st.integers(1, 3)) for _ in range(spatial_dims))
        shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(k + draw(st.integers(0, 3)) for k in kernel)
        stride = draw(st.sampled_from([None, 1, 2]))
        kernel_size = kernel[0] if spatial_dims == 1 else kernel
        return [values(draw, shape, "positive")], {"norm_type": draw(st.sampled_from([1, 2, 3, 1.5])),
                                                   "kernel_size": kernel_size, "stride": stride}
    return sample


def np_lp_pool(x, norm_type, kernel_size, stride):
    """(sum of x**p over each window, floor mode) ** (1/p), one window at a time."""
    kernel = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
    steps = kernel if stride is None else (stride,) * len(kernel)
    spatial = x.shape[2:]
    counts = [(n - k) // s + 1 for n, k, s in zip(spatial, kernel, steps)]
    out = np.empty(x.shape[:2] + tuple(counts))
    for place in itertools.product(*(range(c) for c in counts)):
        window = tuple(slice(i * s, i * s + k) for i, s, k in zip(place, steps, kernel))
        out[(...,) + place] = (x[(..., *window)] ** norm_type).sum(axis=tuple(range(2, x.ndim))) ** (1 / norm_type)
    return out


# ---------------------------------------------------------------- embedding_bag

def sample_embedding_bag(draw):
    """A table, per-sample weights, and bags as a 2-D input or as a 1-D input with offsets (empty bags
    allowed), some indices perhaps the padding_idx. mode 'max' needs rows that differ in every column."""
    rows, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    if draw(st.booleans()):
        indices = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=2, max_size=6)), dtype=np.int64)
        cuts = sorted(draw(st.lists(st.integers(0, indices.size), min_size=0, max_size=3)))
        offsets = np.array([0] + cuts, dtype=np.int64)
    else:
        bags, length = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        indices = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=bags * length,
                                         max_size=bags * length)), dtype=np.int64).reshape(bags, length)
        offsets = None
    arrays = [values(draw, (rows, dim), "distinct" if mode == "max" else "real")]
    if mode == "sum":
        arrays.append(values(draw, indices.shape, "real"))
    return arrays, {"indices": indices, "offsets": offsets, "mode": mode,
                    "padding_idx": draw(st.sampled_from([None, 0]))}


def np_embedding_bag(weight, per_sample_weights=None, indices=None, offsets=None, mode="mean", padding_idx=None):
    if indices.ndim == 2:
        bags = list(indices)
        weights = list(per_sample_weights) if per_sample_weights is not None else None
    else:
        ends = list(offsets[1:]) + [indices.size]
        bags = [indices[start:end] for start, end in zip(offsets, ends)]
        weights = [per_sample_weights[start:end] for start, end in zip(offsets, ends)] \
            if per_sample_weights is not None else None
    out = np.zeros((len(bags), weight.shape[1]))
    for b, bag in enumerate(bags):
        kept = [j for j, i in enumerate(bag) if i != padding_idx]
        if not kept:
            continue
        chosen = np.stack([weight[bag[j]] * (weights[b][j] if weights is not None else 1.0) for j in kept])
        out[b] = {"sum": chosen.sum, "mean": chosen.mean, "max": chosen.max}[mode](axis=0)
    return out


def call_embedding_bag(weight, per_sample_weights=None, indices=None, offsets=None, **kwargs):
    return F.embedding_bag(tg.tensor(indices), weight, None if offsets is None else tg.tensor(offsets),
                           per_sample_weights=per_sample_weights, **kwargs)


# ---------------------------------------------------------------- the two losses

def sample_multilabel_margin(draw):
    """Scores 0.3 apart (so no x[j] - x[i] is 1, the corner) and per sample a list of classes ended by -1."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    target = np.full((n, c), -1, dtype=np.int64)
    for row in range(n):
        labels = draw(st.lists(st.integers(0, c - 1), min_size=0, max_size=c))
        target[row, :len(labels)] = labels
    unbatched = n == 1 and draw(st.booleans())
    scores = values(draw, (n, c), "distinct")
    if unbatched:
        scores, target = scores[0], target[0]
    return [scores], {"target": target, "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}


def np_multilabel_margin(x, target, reduction):
    scores, labels = np.atleast_2d(x), np.atleast_2d(target)
    losses = np.zeros(len(scores))
    for n, (row, listed) in enumerate(zip(scores, labels)):
        listed = list(listed[:list(listed).index(-1)] if -1 in listed else listed)
        others = [i for i in range(row.size) if i not in listed]
        losses[n] = sum(max(0.0, 1 - (row[j] - row[i])) for j in listed for i in others) / row.size
    losses = losses.reshape(np.shape(x)[:-1])
    return {"mean": losses.mean, "sum": losses.sum, "none": lambda: losses}[reduction]()


sample_triplets = sample_rows(3, {"swap": st.booleans(), "margin": st.sampled_from([1.0, 0.5]),
                                 "reduction": st.sampled_from(["mean", "sum", "none"])})


def np_triplet_with_distance(a, p, n, swap, margin, reduction):
    distance = lambda x, y: np.sqrt(np.sum((x - y + 1e-6) ** 2, axis=-1))  # noqa: E731  (pairwise_distance's eps)
    negative = np.minimum(distance(a, n), distance(p, n)) if swap else distance(a, n)
    losses = np.maximum(distance(a, p) - negative + margin, 0)
    return {"mean": losses.mean, "sum": losses.sum, "none": lambda: losses}[reduction]()


# ---------------------------------------------------------------- the entries

register("F.local_response_norm", F.local_response_norm, np_local_response_norm, sample_local_response_norm)
register("F.channel_shuffle", F.channel_shuffle, np_channel_shuffle, sample_channel_shuffle)
register("F.lp_pool1d", F.lp_pool1d, np_lp_pool, sample_lp_pool(1))
register("F.lp_pool2d", F.lp_pool2d, np_lp_pool, sample_lp_pool(2))
register("F.rrelu", lambda x, **kw: F.rrelu(x, 0.1, 0.3, **kw), lambda x, training: np.where(x > 0, x, 0.2 * x),
         lambda draw: ([values(draw, draw(st.sampled_from([(), (3,), (2, 2)])), "grid")], {"training": False}))
register("F.embedding_bag", call_embedding_bag, np_embedding_bag, sample_embedding_bag)
register("F.multilabel_margin_loss", lambda x, target, **kw: F.multilabel_margin_loss(x, tg.tensor(target), **kw),
         np_multilabel_margin, sample_multilabel_margin)
register("F.triplet_margin_with_distance_loss",
         lambda a, p, n, **kw: F.triplet_margin_with_distance_loss(a, p, n, **kw), np_triplet_with_distance,
         sample_triplets)
