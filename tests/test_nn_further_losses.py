"""gaussian_nll_loss, poisson_nll_loss, hinge_embedding_loss, cosine_embedding_loss, multi_margin_loss and
multilabel_soft_margin_loss (nn/further_loss_functions.py) and their modules: values and gradients against
torch 2.13 in float64, each with a torch-free twin whose values (torch's) are written out; the slopes at
the corners, var's broadcasting rules, the errors, the reprs and the weight buffers."""

import numpy as np
import pytest
from test_nn_distances_and_losses import compare

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


def leaf(values, requires_grad=True):
    return tg.tensor(values, dtype=tg.float64, requires_grad=requires_grad)


def value_and_grads(out, *inputs):
    """The loss's value and the gradients of its sum for the inputs that require grad."""
    out.sum().backward()
    return out.detach().numpy(), [x.grad.numpy() for x in inputs if x.requires_grad]


# ---------------------------------------------------------------- torch-free twins: torch 2.13's values written out

def test_gaussian_nll_loss_clamps_var_in_value_only():
    x, y, var = leaf([[1.0, 2.0], [0.5, -1.0]]), leaf([[0.0, 2.5], [1.0, 1.0]]), leaf([[1.0, 0.5], [2.0, 1e-9]])
    value, (gx, gy, gvar) = value_and_grads(F.gaussian_nll_loss(x, y, var, reduction="none"), x, y, var)
    np.testing.assert_allclose(value, [[0.5, -0.09657359027997264], [0.40907359027997264, 1999993.092244721]],
                               rtol=1e-12)
    np.testing.assert_allclose(gx, [[1.0, -1.0], [-0.25, -2e6]], rtol=1e-12)
    np.testing.assert_allclose(gy, -gx, rtol=1e-12)
    # var = 1e-9 is held at eps = 1e-6 in value, but its slope is that of var itself: 0.5 (1/v - d^2/v^2) at v = eps
    np.testing.assert_allclose(gvar, [[0.0, 0.5], [0.21875, -1999999500000.0]], rtol=1e-12)


def test_gaussian_nll_loss_one_variance_per_row_and_the_full_constant():
    x, y, var = leaf([[1.0, 2.0], [0.5, -1.0]]), leaf([[0.0, 2.5], [1.0, 1.0]]), leaf([0.5, 2.0])
    value, (gx, gy, gvar) = value_and_grads(F.gaussian_nll_loss(x, y, var, full=True), x, y, var)
    assert value == pytest.approx(1.4970635332046727, rel=1e-12)
    np.testing.assert_allclose(gx, [[0.5, -0.25], [-0.0625, -0.25]], rtol=1e-12)
    np.testing.assert_allclose(gvar, [-0.125, -0.0078125], rtol=1e-12)
    without = F.gaussian_nll_loss(x, y, var).item()
    assert value - without == pytest.approx(0.5 * np.log(2 * np.pi), rel=1e-12)
    assert F.gaussian_nll_loss(x, y, 1.0, reduction="sum").item() == pytest.approx(0.5 * (1 + 0.25 + 0.25 + 4))


def test_poisson_nll_loss_log_input_and_the_stirling_term():
    x = leaf([2.0, 0.0, 1.5])
    value, (gx,) = value_and_grads(F.poisson_nll_loss(x, tg.tensor([1.0, 0.0, 3.0]), reduction="none"), x)
    np.testing.assert_allclose(value, [5.38905609893065, 1.0, -0.018310929661935482], rtol=1e-12)
    np.testing.assert_allclose(gx, [6.38905609893065, 1.0, 1.4816890703380645], rtol=1e-12)
    rate, counts = leaf([2.0, 0.5, 1.5]), leaf([1.0, 0.0, 3.0])
    out = F.poisson_nll_loss(rate, counts, log_input=False, full=True, reduction="sum")
    value, (grate, gcounts) = value_and_grads(out, rate, counts)
    assert value == pytest.approx(3.8545390136586186, rel=1e-12)
    np.testing.assert_allclose(grate, [0.5000000025, 1.0, -0.9999999866666669], rtol=1e-12)
    # Stirling's term only where t > 1; at t = 0 PyTorch's target gradient is NaN (0 * log 0 in the masked
    # term's backward), here that of the rest of the loss, -log(input + eps)
    np.testing.assert_allclose(gcounts, [-0.6931471855599453, -np.log(0.5 + 1e-8), 0.8598138405599456], rtol=1e-12)


def test_hinge_embedding_loss_and_its_slope_at_the_margin():
    x = leaf([0.3, 2.0, 1.0, 0.5])
    value, (gx,) = value_and_grads(F.hinge_embedding_loss(x, tg.tensor([1.0, -1.0, -1.0, 0.0]), reduction="none"), x)
    np.testing.assert_allclose(value, [0.3, 0.0, 0.0, 1.0])  # a target of 0 gets both terms, as in PyTorch
    np.testing.assert_array_equal(gx, [1.0, 0.0, -1.0, 0.0])  # at x = margin the slope is the line's (-1)
    assert F.hinge_embedding_loss(leaf([0.25, 3.0]), tg.tensor([-1, -1]), margin=2.0).item() == pytest.approx(0.875)


def test_cosine_embedding_loss_pairs_and_a_zero_vector():
    a, b = leaf([[1.0, 0.0], [1.0, 1.0], [3.0, 4.0]]), leaf([[1.0, 1.0], [2.0, -1.0], [0.0, 0.0]])
    out = F.cosine_embedding_loss(a, b, tg.tensor([1.0, -1.0, -1.0]), margin=0.1, reduction="none")
    value, (ga, gb) = value_and_grads(out, a, b)
    np.testing.assert_allclose(value, [0.2928932188139829, 0.21622776601672725, 0.0], rtol=1e-12)
    np.testing.assert_allclose(ga, [[-7.072120666862247e-13, -0.7071067811860171],
                                    [0.47434164902516995, -0.47434164902501186], [0.0, 0.0]], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(gb, [[-0.35355339059318536, 0.35355339059283175],
                                    [0.18973665961006164, 0.37947331922006006], [0.0, 0.0]], rtol=1e-9)
    one_pair = F.cosine_embedding_loss(leaf([3.0, 4.0]), leaf([4.0, 3.0]), tg.tensor(1.0), reduction="none")
    assert one_pair.shape == () and one_pair.item() == pytest.approx(1 - 24 / 25)


def test_multi_margin_loss_weights_and_powers():
    x = leaf([[0.1, 0.5, -0.3], [1.0, 0.2, 0.4]])
    weight = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    out = F.multi_margin_loss(x, tg.tensor([1, 0]), p=2, margin=0.7, weight=weight, reduction="none")
    value, (gx,) = value_and_grads(out, x)
    np.testing.assert_allclose(value, [0.06, 0.0033333333333333335], rtol=1e-12)  # w[y] * max(0, gap)**2 / C
    np.testing.assert_allclose(gx, [[0.4, -0.4, 0.0], [-0.06666666666666667, 0.0, 0.06666666666666667]], rtol=1e-12)
    x = leaf([[0.1, 0.5, -0.3], [1.0, 0.2, 0.4]])
    value, (gx,) = value_and_grads(F.multi_margin_loss(x, tg.tensor([1, 0])), x)
    assert value == pytest.approx(0.23333333333333334, rel=1e-12)
    np.testing.assert_allclose(gx, [[1 / 6, -1 / 3, 1 / 6], [-1 / 3, 1 / 6, 1 / 6]], rtol=1e-12)


def test_multi_margin_loss_slope_at_the_corner_is_zero_as_pytorchs_kernel():
    x = leaf([0.0, 1.0])  # margin - x[1] + x[0] = 0: the term is not counted
    value, (gx,) = value_and_grads(F.multi_margin_loss(x, tg.tensor(1)), x)
    assert value == 0.0
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    assert F.multi_margin_loss(tg.zeros(3), tg.tensor([1]), reduction="none").shape == (1,)  # the target's shape
    assert F.multi_margin_loss(tg.zeros(3), tg.tensor(1), reduction="none").shape == ()


def test_multilabel_soft_margin_loss_mean_over_classes():
    x = leaf([[1.0, -2.0, 0.0], [0.5, 3.0, -1.0]])
    labels = tg.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    out = F.multilabel_soft_margin_loss(x, labels, weight=tg.tensor([1.0, 2.0, 0.5]), reduction="none")
    value, (gx,) = value_and_grads(out, x)
    np.testing.assert_allclose(value, [0.3045637666280468, 0.40929417702890075], rtol=1e-12)
    np.testing.assert_allclose(gx, [[-0.08964714045666503, 0.0794686146814117, -0.08333333333333333],
                                    [0.20748644373395148, -0.03161724878504452, 0.04482357022833251]], rtol=1e-12)
    far = F.multilabel_soft_margin_loss(tg.tensor([[1000.0, -1000.0]]), tg.tensor([[0.0, 1.0]]))
    assert far.item() == pytest.approx(1000.0)  # finite: logsigmoid, not log(sigmoid)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("var_shape", [(4, 2), (1, 1), (), (3,)])
def test_gaussian_nll_loss_refuses_a_var_of_another_shape(var_shape):
    x = tg.zeros(4, 3)
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var is of incorrect size"):
        F.gaussian_nll_loss(x, x, tg.ones(*var_shape))


def test_gaussian_nll_loss_shapes_it_takes():
    x = tg.zeros(4, 3)
    for var_shape in [(4, 3), (4,), (4, 1), (1, 3)]:
        assert F.gaussian_nll_loss(x, x, tg.ones(*var_shape), reduction="none").shape == (4, 3)
    assert F.gaussian_nll_loss(tg.zeros(3), tg.zeros(3), tg.ones(()), reduction="none").shape == (3,)


def test_loss_option_errors():
    x = tg.zeros(4, 3)
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(x, x, -1.0)
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(x, x, -tg.ones(4, 3))
    with pytest.raises(TypeError, match="var must be a float or a Tensor.*1.0"):
        F.gaussian_nll_loss(x, x, 1)
    for function, args in [(F.gaussian_nll_loss, (x, x, 1.0)), (F.poisson_nll_loss, (x, x)),
                           (F.hinge_embedding_loss, (x, x)), (F.multilabel_soft_margin_loss, (x, x)),
                           (F.cosine_embedding_loss, (x, x, tg.ones(4))),
                           (F.multi_margin_loss, (x, tg.tensor([0, 1, 2, 0])))]:
        with pytest.raises(ValueError, match=f"{function.__name__}: reduction must be"):
            function(*args, reduction="bad")


def test_cosine_embedding_loss_target_and_input_dims():
    x = tg.zeros(4, 3)
    with pytest.raises(RuntimeError, match=r"0D target tensor expects 1D input tensors, but found inputs with sizes "
                                           r"\[4, 3\] and \[4, 3\]"):
        F.cosine_embedding_loss(x, x, tg.tensor(1.0))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        F.cosine_embedding_loss(x, x, tg.ones(4, 1))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input tensors"):
        F.cosine_embedding_loss(tg.zeros(3), tg.zeros(3), tg.ones(4))


def test_multi_margin_loss_errors():
    x, labels = tg.zeros(2, 3), tg.tensor([1, 0])
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(x, labels, p=3)
    with pytest.raises(ValueError, match="weight must be one-dimensional"):
        F.multi_margin_loss(x, labels, weight=tg.ones(1, 3))
    with pytest.raises(RuntimeError, match="inconsistent weight size, expected 3 but got \\[2\\]"):
        F.multi_margin_loss(x, labels, weight=tg.ones(2))
    for bad in ([3, 0], [-1, 0]):
        with pytest.raises(RuntimeError, match="target out of range"):
            F.multi_margin_loss(x, tg.tensor(bad))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2\], but got \[3\]"):
        F.multi_margin_loss(x, tg.tensor([1, 0, 1]))
    with pytest.raises(RuntimeError, match="class indices"):
        F.multi_margin_loss(x, tg.tensor([1.0, 0.0]))
    with pytest.raises(RuntimeError, match=r"Expected non-empty vector or matrix .* got: \[1, 2, 3\]"):
        F.multi_margin_loss(x.unsqueeze(0), labels)


# ---------------------------------------------------------------- modules

def test_modules_keep_pytorchs_options_reprs_and_buffers():
    losses = [nn.GaussianNLLLoss(full=True, eps=1e-3), nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-4),
              nn.HingeEmbeddingLoss(2.0), nn.CosineEmbeddingLoss(0.5), nn.MultiMarginLoss(p=2, margin=0.5),
              nn.MultiLabelSoftMarginLoss()]
    assert [repr(m) for m in losses] == ["GaussianNLLLoss()", "PoissonNLLLoss()", "HingeEmbeddingLoss()",
                                         "CosineEmbeddingLoss()", "MultiMarginLoss()", "MultiLabelSoftMarginLoss()"]
    assert all(m.state_dict() == {} for m in losses)
    assert (losses[0].full, losses[0].eps, losses[1].log_input, losses[1].full, losses[1].eps) == (
        True, 1e-3, False, True, 1e-4)
    assert (losses[2].margin, losses[3].margin, losses[4].p, losses[4].margin) == (2.0, 0.5, 2, 0.5)
    weighted = [nn.MultiMarginLoss(weight=tg.ones(3)), nn.MultiLabelSoftMarginLoss(weight=[1.0, 2.0, 3.0])]
    assert [list(m.state_dict()) for m in weighted] == [["weight"], ["weight"]]
    assert weighted[1].weight.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only, as in PyTorch
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D instead"):
        nn.MultiMarginLoss(weight=tg.ones(1, 3))


def test_modules_call_their_functions_with_their_options():
    x, y = leaf([[1.0, 2.0], [0.5, -1.0]]), leaf([[0.0, 2.5], [1.0, 1.0]])
    assert nn.GaussianNLLLoss(full=True)(x, y, tg.ones(2, 2)).item() == pytest.approx(
        F.gaussian_nll_loss(x, y, tg.ones(2, 2), full=True).item())
    assert nn.PoissonNLLLoss(reduction="sum")(x, y).item() == pytest.approx(
        F.poisson_nll_loss(x, y, reduction="sum").item())
    assert nn.HingeEmbeddingLoss(margin=0.2)(x, tg.tensor([[-1.0, 1.0], [1.0, -1.0]])).item() == pytest.approx(
        (0 + 2.0 + 0.5 + 1.2) / 4)
    assert nn.CosineEmbeddingLoss()(x, y, tg.tensor([1.0, 1.0]), ).item() == pytest.approx(
        F.cosine_embedding_loss(x, y, tg.tensor([1.0, 1.0])).item())
    assert nn.MultiMarginLoss(weight=tg.tensor([2.0, 1.0]))(x, tg.tensor([0, 1])).item() == pytest.approx(
        (2 * 2.0 + 1 * 2.5) / 2 / 2)
    assert nn.MultiLabelSoftMarginLoss(weight=tg.tensor([1.0, 0.0]), reduction="none")(
        x, tg.tensor([[1.0, 0.0], [0.0, 1.0]])).tolist() == pytest.approx(
        [np.log1p(np.exp(-1.0)) / 2, np.log1p(np.exp(0.5)) / 2])


def test_deprecated_size_average_and_reduce_set_the_reduction():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.PoissonNLLLoss(size_average=False).reduction == "sum"
    for module in (nn.HingeEmbeddingLoss, nn.CosineEmbeddingLoss, nn.MultiMarginLoss, nn.MultiLabelSoftMarginLoss):
        with pytest.warns(UserWarning, match="reduction='none'"):
            assert module(reduce=False).reduction == "none"
    with pytest.warns(UserWarning):
        assert F.hinge_embedding_loss(tg.ones(3), tg.ones(3), reduce=False).shape == (3,)


# ---------------------------------------------------------------- against torch

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_values_and_gradients_match_torch(reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    for var in (rng.random((4, 3)) + 0.1, rng.random(4) + 0.1, rng.random((4, 1)) + 0.1, rng.random((1, 3)) + 0.1,
                np.array([0.0, 1e-7, 2.0])[None].repeat(4, 0)):
        for full in (False, True):
            compare(torch, "gaussian_nll_loss", [x, t, var], full=full, eps=1e-3, reduction=reduction)
    counts = rng.integers(0, 5, (4, 3)).astype(float)
    compare(torch, "poisson_nll_loss", [x, counts], reduction=reduction)
    compare(torch, "poisson_nll_loss", [np.abs(x), counts], log_input=False, reduction=reduction)
    compare(torch, "poisson_nll_loss", [x, counts + 1], full=True, reduction=reduction)
    compare(torch, "poisson_nll_loss", [x, counts], labels=(1,), full=True, size_average=False)
    signs = np.where(rng.random((4, 3)) > 0.5, 1.0, -1.0)
    signs[0, 0] = 0.0
    compare(torch, "hinge_embedding_loss", [x, signs], labels=(1,), margin=0.3, reduction=reduction)
    compare(torch, "cosine_embedding_loss", [x, t, np.array([1.0, -1.0, 1.0, -1.0])], labels=(2,),
            margin=0.2, reduction=reduction)
    compare(torch, "cosine_embedding_loss", [x[0], t[0], np.array(-1.0)], labels=(2,), margin=-0.5,
            reduction=reduction)
    classes = np.array([0, 2, 1, 2])
    for p in (1, 2):
        compare(torch, "multi_margin_loss", [x, classes], labels=(1,), p=p, margin=0.8, reduction=reduction)
        compare(torch, "multi_margin_loss", [x, classes], labels=(1,), p=p, weight=np.array([1.0, 2.0, 3.0]),
                reduction=reduction)
        compare(torch, "multi_margin_loss", [x[0], np.array(1)], labels=(1,), p=p, reduction=reduction)
    chosen = (rng.random((4, 3)) > 0.5).astype(float)
    compare(torch, "multilabel_soft_margin_loss", [x, chosen], reduction=reduction)
    compare(torch, "multilabel_soft_margin_loss", [x, chosen], labels=(1,), weight=np.array([1.0, 2.0, 0.5]),
            reduction=reduction)


def test_modules_match_torchs_reprs_and_state_dicts():
    torch = pytest.importorskip("torch")
    for name in ("GaussianNLLLoss", "PoissonNLLLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss", "MultiMarginLoss",
                 "MultiLabelSoftMarginLoss"):
        ours, theirs = getattr(nn, name)(), getattr(torch.nn, name)()
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(nn.MultiMarginLoss(weight=tg.ones(3)).state_dict()) == list(
        torch.nn.MultiMarginLoss(weight=torch.ones(3)).state_dict())


def test_errors_have_torchs_types():
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    cases = [
        (ValueError, "gaussian_nll_loss", lambda m: (m.zeros(4, 3), m.zeros(4, 3), m.ones(4, 2))),
        (ValueError, "gaussian_nll_loss", lambda m: (m.zeros(4, 3), m.zeros(4, 3), -1.0)),
        (TypeError, "gaussian_nll_loss", lambda m: (m.zeros(4, 3), m.zeros(4, 3), 1)),
        (RuntimeError, "cosine_embedding_loss", lambda m: (m.zeros(4, 3), m.zeros(4, 3), m.ones(()))),
        (RuntimeError, "cosine_embedding_loss", lambda m: (m.zeros(4, 3), m.zeros(4, 3), m.ones(4, 1))),
        (RuntimeError, "multi_margin_loss", lambda m: (m.zeros(2, 3), m.tensor([3, 0]))),
        (RuntimeError, "multi_margin_loss", lambda m: (m.zeros(2, 3), m.tensor([1, 0, 1]))),
        (RuntimeError, "multi_margin_loss", lambda m: (m.zeros(2, 3), m.tensor([1.0, 0.0]))),
        (RuntimeError, "multi_margin_loss", lambda m: (m.zeros(1, 2, 3), m.tensor([1, 0]))),
    ]
    for error, name, arguments in cases:
        with pytest.raises(error):
            getattr(TF, name)(*arguments(torch))
        with pytest.raises(error):
            getattr(F, name)(*arguments(tg))
