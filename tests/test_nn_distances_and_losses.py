"""normalize, cosine_similarity, pairwise_distance and the losses smooth_l1, huber, kl_div, margin_ranking,
soft_margin, triplet_margin: values and slopes at their corners, eps rules, reductions (with the deprecated
size_average/reduce), errors and modules. Checks against torch have torch-free twins with values written out."""

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


def leaves(*arrays):
    return [tg.tensor(a, dtype=tg.float64, requires_grad=True) for a in arrays]


def value_and_grads(fn, *arrays):
    inputs = leaves(*arrays)
    out = fn(*inputs)
    out.sum().backward()
    return out.detach().numpy(), [x.grad.numpy() for x in inputs]


# ---------------------------------------------------------------- corners and eps rules (torch 2.13's values)

def test_normalize_divides_by_the_norm_clamped_to_eps():
    value, (grad,) = value_and_grads(lambda x: F.normalize(x), [[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(value, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(grad[1], [1e12, 1e12])  # 1/eps at a zero vector
    np.testing.assert_allclose(F.normalize(tg.tensor([[3.0, -4.0]]), p=1)._data, [[3 / 7, -4 / 7]], rtol=1e-6)
    with pytest.raises(RuntimeError, match="floating"):
        F.normalize(tg.tensor([3, 4]), dim=0)


def test_cosine_similarity_clamps_each_norm_on_its_own():
    def cos(a, b):
        return F.cosine_similarity(tg.tensor(a, dtype=tg.float64), tg.tensor(b, dtype=tg.float64))._data[0]
    assert cos([[1e-3, 0.0]], [[1e-6, 0.0]]) == pytest.approx(1.0)  # both norms above eps: the plain cosine
    assert cos([[1e-3, 0.0]], [[1e-9, 0.0]]) == pytest.approx(0.1)  # 1e-9 / max(1e-9, 1e-8)
    assert cos([[0.0, 0.0]], [[1.0, 2.0]]) == 0.0
    # at a zero vector the slope is b / (|b| eps): the clamped norm keeps the unclamped norm's slope
    _, (grad_a, grad_b) = value_and_grads(lambda a, b: F.cosine_similarity(a, b), [[0.0, 0.0]], [[1.0, 2.0]])
    np.testing.assert_allclose(grad_a, [[44721359.549995795, 89442719.09999159]], rtol=1e-12)
    np.testing.assert_array_equal(grad_b, [[0.0, 0.0]])
    assert F.cosine_similarity(tg.zeros(3, 1, 4), tg.ones(5, 4), dim=-1).shape == (3, 5)
    with pytest.raises(IndexError, match="cosine_similarity: dim 1 is out of range"):
        F.cosine_similarity(tg.ones(2), tg.ones(2))


def test_pairwise_distance_adds_eps_to_each_difference():
    value, (grad_a, grad_b) = value_and_grads(F.pairwise_distance, [[1.0, 2.0]], [[1.0, 2.0]])
    np.testing.assert_allclose(value, [np.sqrt(2) * 1e-6])
    np.testing.assert_allclose(grad_a, [[0.5 ** 0.5] * 2])
    np.testing.assert_allclose(grad_b, [[-(0.5 ** 0.5)] * 2])
    assert F.pairwise_distance(tg.ones(3, 4), tg.zeros(3, 4), keepdim=True).shape == (3, 1)
    assert F.pairwise_distance(tg.ones(4), tg.zeros(4)).shape == ()
    np.testing.assert_allclose(F.pairwise_distance(tg.tensor([[1.0, 2.0]]), tg.zeros(1, 2), p=1)._data, [3.000002])


def test_robust_losses_slopes_at_their_corners():
    x, zeros = [1.0, -1.0, 0.0, 2.0], [0.0] * 4
    _, (grad, _) = value_and_grads(lambda a, b: F.smooth_l1_loss(a, b, reduction="none"), x, zeros)
    np.testing.assert_array_equal(grad, [1.0, -1.0, 0.0, 1.0])
    value, (grad, _) = value_and_grads(lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.0),
                                       [1.0, -2.0, 0.0], [0.0] * 3)
    np.testing.assert_array_equal(value, [1.0, 2.0, 0.0])  # beta = 0 is the l1 loss
    np.testing.assert_array_equal(grad, [1.0, -1.0, 0.0])
    value, (grad, _) = value_and_grads(lambda a, b: F.huber_loss(a, b, reduction="none", delta=2.0),
                                       [2.0, -2.0, 0.0, 3.0], zeros)
    np.testing.assert_array_equal(value, [2.0, 2.0, 0.0, 4.0])
    np.testing.assert_array_equal(grad, [2.0, -2.0, 0.0, 2.0])
    weighted = F.huber_loss(tg.tensor([1.0, 3.0]), tg.zeros(2), weight=tg.tensor([2.0, 1.0]))
    assert weighted.item() == pytest.approx(1.75)
    # the margin met exactly: the slope is the line's (clamp_min passes it at its bound)
    _, grads = value_and_grads(lambda a, b, y: F.margin_ranking_loss(a, b, y, reduction="none"),
                               [1.0, 2.0], [1.0, 1.0], [1.0, -1.0])
    np.testing.assert_array_equal(np.array(grads), [[-1.0, 1.0], [1.0, -1.0], [0.0, -1.0]])


def test_kl_div_reductions_zero_targets_and_log_target():
    log_p = np.log([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    q = np.array([[0.5, 0.5, 0.0], [0.25, 0.25, 0.5]])
    pointwise = np.where(q > 0, q * (np.log(np.where(q > 0, q, 1)) - log_p), 0.0)
    ours = F.kl_div(tg.tensor(log_p), tg.tensor(q), reduction="none")._data
    np.testing.assert_allclose(ours, pointwise, rtol=1e-12)  # 0 where the target is 0 (xlogy)
    assert F.kl_div(tg.tensor(log_p), tg.tensor(q), reduction="batchmean").item() == pytest.approx(pointwise.sum() / 2)
    assert F.kl_div(tg.tensor(log_p), tg.tensor(q), reduction="sum").item() == pytest.approx(pointwise.sum())
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        assert F.kl_div(tg.tensor(log_p), tg.tensor(q)).item() == pytest.approx(pointwise.mean())
    log_q = np.log([[0.5, 0.5, 1e-3], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(F.kl_div(tg.tensor(log_p), tg.tensor(log_q), reduction="none", log_target=True)._data,
                               np.exp(log_q) * (log_q - log_p), rtol=1e-12)
    assert np.isnan(F.kl_div(tg.tensor([-1.0]), tg.tensor([-0.5]), reduction="none")._data[0])  # log of a negative
    single = F.kl_div(tg.tensor(-1.0), tg.tensor(0.5), reduction="batchmean")  # 0-d: no batch to divide by
    assert single.item() == pytest.approx(0.5 * np.log(0.5) + 0.5)
    _, (grad, _) = value_and_grads(lambda x, t: F.kl_div(x, t, reduction="batchmean"), log_p, q)
    np.testing.assert_allclose(grad, -q / 2)
    with pytest.raises(ValueError, match="'bad' is not a valid value for reduction"):
        F.kl_div(tg.tensor(log_p), tg.tensor(q), reduction="bad")


def test_soft_margin_and_triplet_losses_match_their_formulas():
    x, y = np.array([1.0, -0.5, 2.0]), np.array([1.0, 1.0, -1.0])
    assert F.soft_margin_loss(tg.tensor(x), tg.tensor(y)).item() == pytest.approx(np.log1p(np.exp(-y * x)).mean())
    a, p, n = np.array([[1.0, 2.0]]), np.array([[1.0, 2.5]]), np.array([[1.0, 1.5]])
    distance = lambda u, v: np.sqrt(((u - v + 1e-6) ** 2).sum(-1))  # noqa: E731
    plain = np.maximum(distance(a, p) - distance(a, n) + 1.0, 0)
    swapped = np.maximum(distance(a, p) - np.minimum(distance(a, n), distance(p, n)) + 1.0, 0)
    tensors = [tg.tensor(v) for v in (a, p, n)]
    np.testing.assert_allclose(F.triplet_margin_loss(*tensors, reduction="none")._data, plain, rtol=1e-6)
    np.testing.assert_allclose(F.triplet_margin_loss(*tensors, swap=True, reduction="none")._data, swapped, rtol=1e-6)
    with pytest.raises(ValueError, match="margin must be greater than 0, got -1"):
        F.triplet_margin_loss(*tensors, margin=-1)
    with pytest.raises(RuntimeError, match="anchor 2D, positive 1D, and negative 2D"):
        F.triplet_margin_loss(tensors[0], tg.ones(2), tensors[2])


def test_loss_argument_errors():
    with pytest.raises(RuntimeError, match="does not support negative values for beta"):
        F.smooth_l1_loss(tg.ones(1), tg.zeros(1), beta=-1.0)
    with pytest.raises(RuntimeError, match="does not support non-positive values for delta"):
        F.huber_loss(tg.ones(1), tg.zeros(1), delta=0.0)
    with pytest.raises(RuntimeError, match="All input tensors should have same dimension"):
        F.margin_ranking_loss(tg.ones(2), tg.ones(2), tg.ones(2, 1))
    with pytest.raises(ValueError, match="reduction"):
        F.smooth_l1_loss(tg.ones(1), tg.zeros(1), reduction="bad")
    with pytest.raises(ValueError, match="reduction"):
        nn.HuberLoss(reduction="batchmean")


def test_deprecated_size_average_and_reduce_set_the_reduction_with_pytorchs_warning():
    x, t = tg.tensor([1.0, 3.0]), tg.zeros(2)
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        assert F.smooth_l1_loss(x, t, size_average=False).item() == pytest.approx(3.0)
    with pytest.warns(UserWarning, match="please use reduction='none' instead"):
        assert F.smooth_l1_loss(x, t, reduce=False).tolist() == [0.5, 2.5]
    with pytest.warns(UserWarning, match="please use reduction='mean' instead"):
        assert nn.SoftMarginLoss(size_average=True).reduction == "mean"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"  # no warning when they are not given


def test_modules_keep_pytorchs_attributes_and_reprs():
    losses = [nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=2.0), nn.KLDivLoss(reduction="batchmean", log_target=True),
              nn.MarginRankingLoss(0.5), nn.SoftMarginLoss(), nn.TripletMarginLoss(margin=2.0, swap=True),
              nn.CosineSimilarity(0, 1e-6), nn.PairwiseDistance(1, keepdim=True)]
    assert [repr(m) for m in losses] == ["SmoothL1Loss()", "HuberLoss()", "KLDivLoss()", "MarginRankingLoss()",
                                         "SoftMarginLoss()", "TripletMarginLoss()", "CosineSimilarity()",
                                         "PairwiseDistance()"]
    assert all(m.state_dict() == {} for m in losses)
    assert (losses[0].beta, losses[1].delta, losses[2].log_target, losses[3].margin) == (0.5, 2.0, True, 0.5)
    assert (losses[5].margin, losses[5].p, losses[5].eps, losses[5].swap) == (2.0, 2.0, 1e-6, True)
    assert (losses[6].dim, losses[6].eps, losses[7].norm, losses[7].eps, losses[7].keepdim) == (0, 1e-6, 1, 1e-6, True)
    a, b = tg.tensor([[3.0, 4.0]]), tg.tensor([[4.0, 3.0]])
    assert nn.CosineSimilarity()(a, b).item() == pytest.approx(24 / 25)
    assert nn.PairwiseDistance(p=1)(a, b).item() == pytest.approx(2.000002 - 2e-6, abs=1e-5)
    assert nn.MarginRankingLoss(1.0)(a[0], b[0], tg.tensor([1.0, 1.0])).item() == pytest.approx(1.0)


# ---------------------------------------------------------------- against torch

def compare(torch, name, arrays, labels=(), weight=None, **options):
    """F.<name> against torch's in float64 on the same arrays: value, shape and the gradient of a weighted
    sum for each array but those at the positions in `labels`; `weight`, an array, is passed to both."""
    ours = [tg.tensor(a, dtype=None if i in labels else tg.float64, requires_grad=i not in labels)
            for i, a in enumerate(arrays)]
    theirs = [torch.tensor(a, requires_grad=i not in labels) for i, a in enumerate(arrays)]
    ours_options, their_options = options, options
    if weight is not None:
        ours_options, their_options = {**options, "weight": tg.tensor(weight)}, {**options,
                                                                                 "weight": torch.tensor(weight)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(F, name)(*ours, **ours_options)
        expected = getattr(torch.nn.functional, name)(*theirs, **their_options)
    seed = np.cos(np.arange(expected.numel())).reshape(tuple(expected.shape))
    (out * tg.tensor(seed)).sum().backward()
    (expected * torch.tensor(seed)).sum().backward()
    assert tuple(out.shape) == tuple(expected.shape)
    np.testing.assert_allclose(out._data, expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    for x, t in zip(ours, theirs):
        if t.requires_grad:
            scale = 1 + np.abs(t.grad.numpy()).max()  # rounding noise scales with the largest gradient
            np.testing.assert_allclose(x.grad._data, t.grad.numpy(), rtol=1e-12, atol=1e-14 * scale)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_values_and_gradients_match_torch(reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x, t, n = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    x[0] = [1.0, 0.0, 2.5]  # corners: |d| = beta = 1, d = 0, |d| = delta = 2
    t[0] = [0.0, 0.0, 0.5]
    for options in ({}, {"beta": 0.5}, {"beta": 0.0}):
        compare(torch, "smooth_l1_loss", [x, t], reduction=reduction, **options)
    compare(torch, "huber_loss", [x, t], reduction=reduction, delta=2.0)
    log_p = x - np.log(np.exp(x).sum(1, keepdims=True))
    q = np.exp(t) / np.exp(t).sum(1, keepdims=True)
    compare(torch, "kl_div", [log_p, q], reduction=reduction)
    compare(torch, "kl_div", [log_p, np.log(q)], reduction=reduction, log_target=True)
    compare(torch, "kl_div", [log_p, q], reduction="batchmean")
    compare(torch, "triplet_margin_loss", [x, t, n], reduction=reduction)
    compare(torch, "triplet_margin_loss", [x, t, n], reduction=reduction, swap=True, p=1, margin=3.0)
    signs = np.array([1.0, -1.0, 1.0, 1.0])
    compare(torch, "margin_ranking_loss", [x[:, 0], x[:, 1], signs], reduction=reduction, margin=0.3)
    ours = leaves(x[:, 0])
    theirs = torch.tensor(x[:, 0], requires_grad=True)
    out = F.soft_margin_loss(ours[0], tg.tensor(signs), reduction=reduction)
    expected = torch.nn.functional.soft_margin_loss(theirs, torch.tensor(signs), reduction=reduction)
    np.testing.assert_allclose(out._data, expected.detach().numpy(), rtol=1e-12)


def test_distances_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    compare(torch, "normalize", [a])
    compare(torch, "normalize", [a], p=1, dim=0)
    compare(torch, "normalize", [np.zeros((2, 3))])
    compare(torch, "cosine_similarity", [a, b])
    compare(torch, "cosine_similarity", [rng.standard_normal((3, 1, 4)), b[0]], dim=-1)
    compare(torch, "cosine_similarity", [np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]])])
    compare(torch, "cosine_similarity", [np.array([[1e-3, 0.0]]), np.array([[1e-9, 2e-9]])])
    compare(torch, "pairwise_distance", [a, b])
    compare(torch, "pairwise_distance", [a, b[0]], p=1, keepdim=True)
    compare(torch, "pairwise_distance", [a, a])
    compare(torch, "pairwise_distance", [a, b], p=float("inf"))


@pytest.mark.parametrize("function", [F.cosine_similarity, F.pairwise_distance])
def test_shapes_that_do_not_broadcast_raise_runtime_error_naming_the_function(function):
    a, b = tg.zeros(3, 4, requires_grad=True), tg.ones(2, 4)
    with pytest.raises(RuntimeError, match=rf"{function.__name__}: shapes \(3, 4\) and \(2, 4\) cannot be broadcast"):
        function(a, b)
    assert a.tolist() == [[0.0] * 4] * 3 and a.grad is None


@pytest.mark.parametrize("name", ["cosine_similarity", "pairwise_distance"])
def test_shapes_that_do_not_broadcast_raise_the_error_type_of_torch(name):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        getattr(torch.nn.functional, name)(torch.zeros(3, 4), torch.ones(2, 4))
    with pytest.raises(RuntimeError):
        getattr(F, name)(tg.zeros(3, 4), tg.ones(2, 4))
