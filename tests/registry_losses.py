"""Registry entries (see op_registry.py) for nn.functional's losses and distances: the fused
primitives cross_entropy, nll_loss, mse_loss and binary_cross_entropy_with_logits, and the composites
of nn/distance_functions.py and nn/loss_functions.py (normalize, cosine_similarity, pairwise_distance,
smooth_l1, huber, kl_div, margin_ranking, soft_margin, triplet_margin) and nn/further_loss_functions.py
(gaussian_nll, poisson_nll, hinge_embedding, cosine_embedding, multi_margin, multilabel_soft_margin).
Their corners are kept off the samples, as the activations' are."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from registry_core import np_softmax, register
from strategies import shapes, values

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

# ---------------------------------------------------------------- samplers and references

def np_reduce(losses, reduction):
    return losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses


def sample_cross_entropy(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=np.int64)
    return [values(draw, (n, c), "real")], {"target": target, "reduction": draw(st.sampled_from(["mean", "sum"]))}


def np_cross_entropy(x, target, reduction):
    """-log softmax(x)[n, target[n]], averaged or summed (the fused primitive's case)."""
    picked = np.log(np_softmax(x, 1))[np.arange(len(target)), target]
    return -picked.mean() if reduction == "mean" else -picked.sum()


def sample_pair_loss(draw, min_dims=0):
    """Input and target of one shape (both get gradients), and a reduction."""
    shape = draw(shapes(min_dims=min_dims))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return [values(draw, shape, "real"), values(draw, shape, "real")], {"reduction": reduction}


def sample_vectors_along(count, domain="real"):
    def sample(draw):
        shape = draw(shapes(min_dims=1))
        dim = draw(st.integers(-len(shape), len(shape) - 1))
        return [values(draw, shape, domain) for _ in range(count)], {"dim": dim}
    return sample


def sample_rows(count, options):
    """count (n, d) arrays no two of which are ever equal element for element (the distance's corner):
    the grid, the grid shifted by 0.05, shifted by 0.025."""
    def sample(draw):
        shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        arrays = [values(draw, shape, "grid"), values(draw, shape, "offgrid"), values(draw, shape, "offgrid") - 0.025]
        return arrays[:count], {k: draw(v) for k, v in options.items()}
    return sample


def np_norm_along(x, dim, eps):
    return np.maximum(np.sqrt(np.sum(x * x, axis=dim, keepdims=True)), eps)


def np_cosine_similarity(x1, x2, dim):
    return np.sum(x1 / np_norm_along(x1, dim, 1e-8) * x2 / np_norm_along(x2, dim, 1e-8), axis=dim)


def np_robust(x, reduction, beta, scale):  # smooth_l1 (scale 1 / beta) and huber (scale 1) against a target of 0.02
    d = x - 0.02
    return np_reduce(np.where(abs(d) < beta, 0.5 * d * d * scale, (abs(d) - 0.5 * beta) * beta * scale), reduction)


def sample_loss(domain, **options):
    def sample(draw):
        return [values(draw, draw(shapes(min_dims=1)), domain)], {"reduction": draw(st.sampled_from(
            ["mean", "sum", "none"])), **{k: draw(v) for k, v in options.items()}}
    return sample


def signs_like(x):
    return np.where(np.arange(x.size).reshape(x.shape) % 2, 1.0, -1.0)


def np_kl_div(x, t, log_target):
    return (np.exp(t) * (t - x) if log_target else t * (np.log(t) - x)).sum() / x.shape[0]


def sample_kl_div(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real"), values(draw, shape, "positive")], {"log_target": draw(st.booleans())}


def np_triplet(a, p, n, swap, reduction):
    distance = lambda x, y: np.sqrt(np.sum((x - y + 1e-6) ** 2, axis=-1))  # noqa: E731
    negative = np.minimum(distance(a, n), distance(p, n)) if swap else distance(a, n)
    return np_reduce(np.maximum(distance(a, p) - negative + 1.0, 0), reduction)


def against_002(name):
    """F.<name>(x, target) against a target of 0.02 everywhere: the loss's corners fall off the grid."""
    return lambda x, **kw: getattr(F, name)(x, tg.full(x.shape, 0.02, dtype=x.dtype), **kw)


# ---------------------------------------------------------------- the entries

register("F.cross_entropy", lambda x, **kw: F.cross_entropy(x, **kw), np_cross_entropy, sample_cross_entropy)
register("F.nll_loss", lambda x, **kw: F.nll_loss(x, **kw),
         lambda x, target, reduction: np_reduce(-x[np.arange(len(target)), target], reduction), sample_cross_entropy)
register("F.mse_loss", lambda x, y, **kw: F.mse_loss(x, y, **kw),
         lambda x, y, reduction: np_reduce((x - y) ** 2, reduction), sample_pair_loss)
register("F.binary_cross_entropy_with_logits", lambda x, t, **kw: F.binary_cross_entropy_with_logits(x, t, **kw),
         lambda x, t, reduction: np_reduce((1 - t) * x + np.logaddexp(0, -x), reduction), sample_pair_loss)
register("F.normalize", lambda x, dim: F.normalize(x, dim=dim),
         lambda x, dim: x / np_norm_along(x, dim, 1e-12), sample_vectors_along(1, "nonzero"))
register("F.cosine_similarity", lambda x1, x2, dim: F.cosine_similarity(x1, x2, dim),
         np_cosine_similarity, sample_vectors_along(2, "nonzero"))
register("F.pairwise_distance", lambda x1, x2, **kw: F.pairwise_distance(x1, x2, **kw),
         lambda x1, x2, p, keepdim: np.sum(np.abs(x1 - x2 + 1e-6) ** p, axis=-1, keepdims=keepdim) ** (1 / p),
         sample_rows(2, {"p": st.sampled_from([2.0, 3.0]), "keepdim": st.booleans()}))
register("F.smooth_l1_loss", against_002("smooth_l1_loss"),
         lambda x, reduction, beta: np_robust(x, reduction, beta, 1 / beta), sample_loss("grid", beta=st.just(0.75)))
register("F.huber_loss", against_002("huber_loss"),
         lambda x, reduction, delta: np_robust(x, reduction, delta, 1.0), sample_loss("grid", delta=st.just(0.75)))
register("F.kl_div", lambda x, t, log_target: F.kl_div(x, t, reduction="batchmean", log_target=log_target),
         np_kl_div, sample_kl_div)
register("F.margin_ranking_loss", lambda x1, x2, **kw: F.margin_ranking_loss(
    x1, x2, tg.tensor(signs_like(x1._data)), **kw),
    lambda x1, x2, reduction: np_reduce(np.maximum(-signs_like(x1) * (x1 - x2), 0), reduction),
    lambda draw: ([values(draw, (3,), "grid"), values(draw, (3,), "offgrid")],
                  {"reduction": draw(st.sampled_from(["mean", "sum", "none"]))}))
register("F.soft_margin_loss", lambda x, **kw: F.soft_margin_loss(x, tg.tensor(signs_like(x._data)), **kw),
         lambda x, reduction: np_reduce(np.log1p(np.exp(-signs_like(x) * x)), reduction), sample_loss("real"))
register("F.triplet_margin_loss", lambda a, p, n, **kw: F.triplet_margin_loss(a, p, n, **kw), np_triplet,
         sample_rows(3, {"swap": st.booleans(), "reduction": st.sampled_from(["mean", "sum", "none"])}))



# ---------------------------------------------------------------- the further losses (nn/further_loss_functions.py)

def sample_gaussian_nll(draw):
    """Mean, target and a variance above eps (its clamp is pinned in test_nn_further_losses.py), the
    variance one per prediction or one per row."""
    shape = draw(shapes(min_dims=1))
    var_shape = shape if draw(st.booleans()) else shape[:-1]
    return ([values(draw, shape, "real"), values(draw, shape, "real"), values(draw, var_shape, "positive")],
            {"full": draw(st.booleans()), "reduction": draw(st.sampled_from(["mean", "sum", "none"]))})


def np_gaussian_nll(x, t, var, full, reduction):
    var = var if var.shape == x.shape else var[..., None]
    return np_reduce(0.5 * (np.log(var) + (x - t) ** 2 / var) + (0.5 * np.log(2 * np.pi) if full else 0), reduction)


def sample_poisson_nll(draw):
    """Log-rates (or rates > 0) and counts; with full=True the counts are >= 2, off Stirling's cut at 1."""
    shape, log_input, full = draw(shapes()), draw(st.booleans()), draw(st.booleans())
    rates = values(draw, shape, "real" if log_input else "positive")
    counts = values(draw, shape, "positive") + (1.5 if full else 0)
    return [rates, counts], {"log_input": log_input, "full": full,
                             "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}


def np_poisson_nll(x, t, log_input, full, reduction):
    loss = np.exp(x) - t * x if log_input else x - t * np.log(x + 1e-8)
    if full:
        loss = loss + np.where(t > 1, t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t), 0)
    return np_reduce(loss, reduction)


def np_hinge_embedding(x, reduction, margin):
    y = signs_like(x)
    return np_reduce(np.where(y == 1, x, np.maximum(margin - x, 0)), reduction)


def np_cosine_embedding(x1, x2, reduction, margin):
    y = signs_like(x1[:, 0])
    cos = (x1 * x2).sum(1) / np.sqrt(((x1 * x1).sum(1) + 1e-12) * ((x2 * x2).sum(1) + 1e-12))
    return np_reduce(np.where(y == 1, 1 - cos, np.maximum(cos - margin, 0)), reduction)


def sample_multi_margin(draw):
    """Scores 0.3 apart (so no gap margin - x[y] + x[i] is 0, the corner), classes, p and maybe a weight."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=np.int64)
    weight = np.linspace(0.5, 2.0, c) if draw(st.booleans()) else None
    return [values(draw, (n, c), "distinct")], {"target": target, "p": draw(st.sampled_from([1, 2])),
                                                "weight": weight,
                                                "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}


def np_multi_margin(x, target, p, weight, reduction):
    rows = np.arange(len(target))
    hinges = np.maximum(1.0 - x[rows, target][:, None] + x, 0) ** p
    hinges[rows, target] = 0
    if weight is not None:
        hinges = hinges * weight[target][:, None]
    return np_reduce(hinges.sum(1) / x.shape[1], reduction)


def np_multilabel_soft_margin(x, t, reduction):
    w = np.linspace(0.5, 2.0, x.shape[-1])
    return np_reduce((w * (t * np.logaddexp(0, -x) + (1 - t) * np.logaddexp(0, x))).mean(-1), reduction)


register("F.gaussian_nll_loss", lambda x, t, var, **kw: F.gaussian_nll_loss(x, t, var, **kw), np_gaussian_nll,
         sample_gaussian_nll)
register("F.poisson_nll_loss", lambda x, t, **kw: F.poisson_nll_loss(x, t, **kw), np_poisson_nll, sample_poisson_nll)
register("F.hinge_embedding_loss", lambda x, **kw: F.hinge_embedding_loss(x, tg.tensor(signs_like(x._data)), **kw),
         np_hinge_embedding, sample_loss("grid", margin=st.just(0.75)))
register("F.cosine_embedding_loss", lambda x1, x2, **kw: F.cosine_embedding_loss(
    x1, x2, tg.tensor(signs_like(x1._data[:, 0])), **kw), np_cosine_embedding,
    lambda draw: ([values(draw, (3, 2), "nonzero"), values(draw, (3, 2), "nonzero")],
                  {"reduction": draw(st.sampled_from(["mean", "sum", "none"])), "margin": 0.25}))
register("F.multi_margin_loss", lambda x, **kw: F.multi_margin_loss(x, **kw), np_multi_margin, sample_multi_margin)
register("F.multilabel_soft_margin_loss", lambda x, t, **kw: F.multilabel_soft_margin_loss(
    x, t, weight=tg.tensor(np.linspace(0.5, 2.0, x.shape[-1])), **kw), np_multilabel_soft_margin,
    lambda draw: sample_pair_loss(draw, min_dims=1))
