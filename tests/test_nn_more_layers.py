"""The less common layers of nn/more_layers.py (AlphaDropout, FeatureAlphaDropout, RReLU, LPPool1d/2d,
LocalResponseNorm, ChannelShuffle, EmbeddingBag, MultiLabelMarginLoss, TripletMarginWithDistanceLoss) and
their functions: values, gradients, reprs, state_dict keys, training/eval behaviour and errors as PyTorch
2.13's. Each check against torch (behind importorskip) has a twin with the values written out or computed
in NumPy; the random ones are checked by their statistics. The registry (tests/registry_more_layers.py)
gradchecks the deterministic functions against NumPy, to second order."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(11)


def modules(library):
    return [library.AlphaDropout(), library.AlphaDropout(0.2, True), library.FeatureAlphaDropout(0.1),
            library.RReLU(), library.RReLU(0.1, 0.3, True), library.LPPool1d(2, 3),
            library.LPPool2d(1.5, (2, 3), stride=1, ceil_mode=True), library.LocalResponseNorm(2),
            library.LocalResponseNorm(3, 1e-3, 0.5, 2.0), library.ChannelShuffle(2),
            library.EmbeddingBag(10, 3), library.EmbeddingBag(10, 3, mode="max", padding_idx=-1),
            library.MultiLabelMarginLoss(), library.TripletMarginWithDistanceLoss(margin=2.0)]


REPRS = ["AlphaDropout(p=0.5, inplace=False)", "AlphaDropout(p=0.2, inplace=True)",
         "FeatureAlphaDropout(p=0.1, inplace=False)", "RReLU(lower=0.125, upper=0.3333333333333333)",
         "RReLU(lower=0.1, upper=0.3, inplace=True)",
         "LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)",
         "LPPool2d(norm_type=1.5, kernel_size=(2, 3), stride=1, ceil_mode=True)",
         "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)", "LocalResponseNorm(3, alpha=0.001, beta=0.5, k=2.0)",
         "ChannelShuffle(groups=2)", "EmbeddingBag(10, 3, mode='mean')",
         "EmbeddingBag(10, 3, mode='max', padding_idx=9)",
         "MultiLabelMarginLoss()", "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)"]
STATE_KEYS = [[]] * 10 + [["weight"], ["weight"], [], []]


def test_reprs_and_state_dict_keys():
    assert [repr(m) for m in modules(nn)] == REPRS
    assert [list(m.state_dict()) for m in modules(nn)] == STATE_KEYS


def test_reprs_and_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    assert [repr(m) for m in modules(torch.nn)] == REPRS
    assert [list(m.state_dict()) for m in modules(torch.nn)] == STATE_KEYS


# ---------------------------------------------------------------- alpha_dropout, feature_alpha_dropout

ALPHA = 1.7580993408473766  # SELU's scale * alpha


def alpha_constants(p):
    a = 1 / math.sqrt((ALPHA ** 2 * p + 1) * (1 - p))
    return a, a * ALPHA * p  # the scale of a kept element, and the shift added to it


def test_alpha_dropout_keeps_a_standard_normal_input_at_mean_0_and_variance_1():
    tg.manual_seed(0)
    x = tg.randn(400_000)
    for p in (0.1, 0.5, 0.8):
        y = nn.AlphaDropout(p)(x).numpy()
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01
        dropped = np.isclose(y, alpha_constants(p)[0] * ALPHA * (p - 1))
        assert abs(dropped.mean() - p) < 0.005  # about p of them are dropped


def test_alpha_dropout_values_and_gradient():
    # kept: a * x + a * alpha' * p; dropped: a * alpha' * (p - 1); the gradient is a where kept, 0 where dropped
    tg.manual_seed(3)
    x = tg.full((1000,), 2.0, dtype=tg.float64, requires_grad=True)
    y = F.alpha_dropout(x, 0.3, training=True)
    a, shift = alpha_constants(0.3)
    kept = y.detach().numpy() > 0
    np.testing.assert_allclose(np.unique(y.detach().numpy()), [-1.0595481589864801, 2.175997300629775])
    np.testing.assert_allclose(y.detach().numpy(), np.where(kept, 2 * a + shift, a * ALPHA * (0.3 - 1)))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, a, 0.0))


def test_alpha_dropout_values_match_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.functional.alpha_dropout(torch.full((1000,), 2.0, dtype=torch.float64), 0.3, True)
    np.testing.assert_allclose(np.unique(theirs.numpy()), [-1.0595481589864801, 2.175997300629775])


def test_alpha_dropout_is_reproducible_with_manual_seed_and_the_identity_out_of_training():
    x = tg.randn(50)
    tg.manual_seed(5)
    first = F.alpha_dropout(x, 0.5, True).numpy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(F.alpha_dropout(x, 0.5, True).numpy(), first)
    assert F.alpha_dropout(x, 0.5) is x  # training=False is F.alpha_dropout's default, as PyTorch's
    assert nn.AlphaDropout().eval()(x) is x and F.alpha_dropout(x, 0.0, True) is x
    np.testing.assert_array_equal(F.alpha_dropout(x, 1.0, True).numpy(), np.zeros(50, dtype=np.float32))


def test_alpha_dropout_inplace_changes_the_input():
    x = tg.ones(20)
    tg.manual_seed(0)
    y = F.alpha_dropout(x, 0.5, True, inplace=True)
    assert y is x and not np.all(x.numpy() == 1)


def test_feature_alpha_dropout_drops_whole_channels():
    tg.manual_seed(1)
    x = tg.ones((8, 6, 5), dtype=tg.float64, requires_grad=True)
    y = nn.FeatureAlphaDropout(0.5)(x)
    np.testing.assert_array_equal(y.detach().numpy().std(axis=2), np.zeros((8, 6)))  # one draw per (n, c)
    a, _ = alpha_constants(0.5)
    expected = {round(a * ALPHA * -0.5, 6), round(a + a * ALPHA * 0.5, 6)}  # dropped, kept
    assert set(np.unique(y.detach().numpy()[:, :, 0]).round(6)) == expected
    y.sum().backward()
    assert set(np.unique(x.grad.numpy())) == {0.0, a}


def test_alpha_dropout_errors():
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        F.alpha_dropout(tg.randn(3), 1.5, True)
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.feature_alpha_dropout(tg.randn(3), 0.5, True)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        F.alpha_dropout(tg.arange(3), 0.5, True)


# ---------------------------------------------------------------- rrelu

def test_rrelu_in_training_draws_one_slope_per_element_in_lower_upper():
    tg.manual_seed(0)
    x = tg.full((100_000,), -1.0, dtype=tg.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and abs(slopes.mean() - 0.2) < 0.001
    assert abs(slopes.var() - 0.2 ** 2 / 12) < 1e-4  # a uniform's variance, (upper - lower)**2 / 12
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), slopes)  # the derivative is the slope that was drawn


def test_rrelu_training_keeps_positives_and_draws_at_zero_too():
    tg.manual_seed(2)
    x = tg.tensor([-2.0, 0.0, 3.0], dtype=tg.float64, requires_grad=True)
    y = nn.RReLU(0.1, 0.3)(x)  # a module starts in training mode
    y.sum().backward()
    assert y[2].item() == 3.0 and x.grad[2].item() == 1.0
    assert 0.1 <= x.grad[1].item() <= 0.3  # PyTorch's kernel tests x <= 0: x = 0 takes a drawn slope
    assert y[0].item() == pytest.approx(-2 * x.grad[0].item())


def test_rrelu_out_of_training_is_leaky_relu_with_the_mean_slope():
    x = tg.tensor([-1.0, 0.0, 2.0], dtype=tg.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3)
    y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [-0.2, 0.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 0.2, 1.0])  # slope at 0: the mean slope, as PyTorch's
    np.testing.assert_allclose(nn.RReLU(0.1, 0.3).eval()(tg.tensor([-1.0])).numpy(), [-0.2], rtol=1e-6)


def test_rrelu_matches_torch_out_of_training_and_with_a_fixed_slope():
    torch = pytest.importorskip("torch")
    for training, lower, upper in ((False, 0.1, 0.3), (True, 0.2, 0.2)):
        ours = tg.tensor([-1.0, 0.0, 2.0], dtype=tg.float64, requires_grad=True)
        theirs = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
        F.rrelu(ours, lower, upper, training).sum().backward()
        torch.nn.functional.rrelu(theirs, lower, upper, training).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())


def test_rrelu_is_reproducible_inplace_and_refuses_bad_bounds():
    x = -tg.ones(10)
    tg.manual_seed(4)
    first = F.rrelu(x, training=True).numpy()
    tg.manual_seed(4)
    np.testing.assert_array_equal(F.rrelu(x, training=True).numpy(), first)
    y = tg.tensor([-1.0, 1.0])
    assert F.rrelu_(y) is y and y.tolist() == pytest.approx([-(1 / 8 + 1 / 3) / 2, 1.0])
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal to the upper bound"):
        F.rrelu(tg.randn(3), 0.5, 0.1, True)
    with pytest.raises(NotImplementedError, match="'Long'"):
        F.rrelu(tg.arange(3), training=True)


# ---------------------------------------------------------------- local_response_norm, channel_shuffle

def test_local_response_norm_written_out():
    # channels [1, 2, 3] at one position, size 2: the window of c is c-1 .. c, so the energies are
    # [1, 5, 13] / 2; alpha = 1, beta = 1, k = 1: y = x / (1 + energy)
    x = tg.tensor([[[1.0], [2.0], [3.0]]], dtype=tg.float64, requires_grad=True)
    y = F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=1.0)
    np.testing.assert_allclose(y.detach().numpy().ravel(), [1 / 1.5, 2 / 3.5, 3 / 7.5])
    y[0, 0, 0].backward()  # d/dx0 of x0 / (1 + x0**2 / 2) = (1 - x0**2 / 2) / (1 + x0**2 / 2)**2
    np.testing.assert_allclose(x.grad.numpy().ravel(), [0.5 / 2.25, 0, 0])
    np.testing.assert_allclose(nn.LocalResponseNorm(2, 1.0, 1.0, 1.0)(x).detach().numpy(), y.detach().numpy())
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality input"):
        F.local_response_norm(tg.randn(2, 4), 2)


def test_channel_shuffle_written_out():
    x = tg.arange(6.0).reshape(1, 6, 1)
    np.testing.assert_array_equal(nn.ChannelShuffle(2)(x).numpy().ravel(), [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(F.channel_shuffle(x, 3).numpy().ravel(), [0, 2, 4, 1, 3, 5])
    with pytest.raises(RuntimeError, match="Number of channels must be divisible by groups. Got 5 channels and 2"):
        F.channel_shuffle(tg.randn(2, 5, 3), 2)
    with pytest.raises(RuntimeError, match="expects input with > 2 dims"):
        F.channel_shuffle(tg.randn(2, 4), 2)
    with pytest.raises(RuntimeError, match="must be positive"):
        F.channel_shuffle(tg.randn(2, 4, 1), 0)


# ---------------------------------------------------------------- lp_pool1d, lp_pool2d

def test_lp_pool_written_out():
    x = tg.tensor([[[3.0, 4.0, 1.0, 2.0, 2.0]]], dtype=tg.float64, requires_grad=True)
    np.testing.assert_allclose(F.lp_pool1d(x, 2, 2).detach().numpy(), [[[5.0, math.sqrt(5)]]])
    np.testing.assert_allclose(nn.LPPool1d(1, 2, stride=1)(x).detach().numpy(), [[[7, 5, 3, 4]]])
    np.testing.assert_allclose(F.lp_pool1d(x, math.inf, 2).detach().numpy(), [[[4, 2]]])
    np.testing.assert_allclose(F.lp_pool1d(x, -math.inf, 2).detach().numpy(), [[[3, 1]]])
    F.lp_pool1d(x, 2, 2).sum().backward()  # d||w||/dw = w / ||w||
    np.testing.assert_allclose(x.grad.numpy(), [[[0.6, 0.8, 1 / math.sqrt(5), 2 / math.sqrt(5), 0]]])
    grid = tg.tensor(np.arange(1.0, 13.0).reshape(1, 1, 3, 4))
    np.testing.assert_allclose(nn.LPPool2d(2, 2)(grid).numpy(), [[[[math.sqrt(1 + 4 + 25 + 36),
                                                                    math.sqrt(9 + 16 + 49 + 64)]]]])


def test_lp_pool_gives_a_zero_gradient_on_an_all_zero_window_and_nan_for_negative_fractional_powers():
    x = tg.tensor([[[0.0, 0.0, 1.0, 2.0]]], dtype=tg.float64, requires_grad=True)
    F.lp_pool1d(x, 2, 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[[0, 0, 1 / math.sqrt(5), 2 / math.sqrt(5)]]])
    assert np.isnan(F.lp_pool1d(tg.tensor([[-1.0, 2.0]]), 1.5, 2).item())  # x**p, not |x|**p, as PyTorch's


def test_lp_pool_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.abs(RNG.normal(size=(2, 3, 4, 5))) + 0.1
    x[0, 0, :2, :2] = 0  # an all-zero window: gradient 0 in both
    for p in (1, 2, 1.5, math.inf):
        for kwargs in ({}, {"stride": 1}, {"stride": 2, "ceil_mode": True}):
            ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
            F.lp_pool2d(ours, p, 2, **kwargs).sum().backward()
            torch.nn.functional.lp_pool2d(theirs, p, 2, **kwargs).sum().backward()
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)
            ours1d = F.lp_pool1d(tg.tensor(x[0]), p, 3, **kwargs).numpy()
            theirs1d = torch.nn.functional.lp_pool1d(torch.tensor(x[0]), p, 3, **kwargs).numpy()
            np.testing.assert_allclose(ours1d, theirs1d)


# ---------------------------------------------------------------- embedding_bag

TABLE = np.arange(12.0).reshape(6, 2)  # row i is [2i, 2i + 1]
INDICES, OFFSETS = [1, 2, 4, 5, 4, 3, 2, 0], [0, 2, 2, 5]  # bags [1, 2], [], [4, 5, 4], [3, 2, 0]
BAGS = {("sum", None): [[6, 8], [0, 0], [26, 29], [10, 13]],
        ("sum", 2): [[2, 3], [0, 0], [26, 29], [6, 8]],
        ("mean", None): [[3, 4], [0, 0], [26 / 3, 29 / 3], [10 / 3, 13 / 3]],
        ("mean", 2): [[2, 3], [0, 0], [26 / 3, 29 / 3], [3, 4]],
        ("max", None): [[4, 5], [0, 0], [10, 11], [6, 7]],
        ("max", 2): [[2, 3], [0, 0], [10, 11], [6, 7]]}


@pytest.mark.parametrize("mode, padding_idx", list(BAGS))
def test_embedding_bag_written_out(mode, padding_idx):
    out = F.embedding_bag(tg.tensor(INDICES), tg.tensor(TABLE), tg.tensor(OFFSETS), mode=mode, padding_idx=padding_idx)
    np.testing.assert_allclose(out.numpy(), BAGS[mode, padding_idx])
    last = F.embedding_bag(tg.tensor(INDICES), tg.tensor(TABLE), tg.tensor(OFFSETS + [8]), mode=mode,
                           padding_idx=padding_idx, include_last_offset=True)
    np.testing.assert_allclose(last.numpy(), BAGS[mode, padding_idx])


def test_embedding_bag_gradients_written_out():
    weight = tg.tensor(TABLE, requires_grad=True)
    per_sample = tg.tensor(np.arange(8.0), requires_grad=True)
    out = F.embedding_bag(tg.tensor(INDICES), weight, tg.tensor(OFFSETS), mode="sum", per_sample_weights=per_sample)
    np.testing.assert_allclose(out.detach().numpy(), [[4, 5], [0, 0], [78, 87], [54, 72]])
    out.sum().backward()
    np.testing.assert_allclose(weight.grad.numpy()[:, 0], [7, 0, 1 + 6, 5, 2 + 4, 3])  # sum of each row's weights
    np.testing.assert_allclose(per_sample.grad.numpy(), [TABLE[i].sum() for i in INDICES])
    weight = tg.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]], requires_grad=True)
    F.embedding_bag(tg.tensor([[0, 1, 2]]), weight, mode="max").sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), [[1, 0], [0, 0], [0, 1]])  # ties: the first row, as PyTorch
    weight = tg.tensor(TABLE, requires_grad=True)
    F.embedding_bag(tg.tensor([[1, 2, 2], [0, 5, 2]]), weight, padding_idx=2).sum().backward()
    np.testing.assert_allclose(weight.grad.numpy()[:, 0], [0.5, 1, 0, 0, 0, 0.5])  # means of 1 and 2 rows


def test_embedding_bag_module():
    tg.manual_seed(0)
    bag = nn.EmbeddingBag(6, 3, mode="sum", padding_idx=-1)
    assert bag.padding_idx == 5 and bag.weight.dtype == tg.float32
    np.testing.assert_array_equal(bag.weight[5].detach().numpy(), np.zeros(3))
    out = bag(tg.tensor([0, 1, 5, 2]), tg.tensor([0, 3]))
    expected = bag.weight.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), [expected[0] + expected[1], expected[2]], rtol=1e-6)
    frozen = nn.EmbeddingBag.from_pretrained(tg.tensor(TABLE), mode="max")
    assert not frozen.weight.requires_grad
    np.testing.assert_allclose(frozen(tg.tensor([[1, 3]])).numpy(), [[6, 7]])


def test_embedding_bag_errors():
    i, w, o = tg.tensor(INDICES), tg.tensor(TABLE), tg.tensor(OFFSETS)
    cases = [(lambda: F.embedding_bag(i, w), ValueError, "offsets has to be a 1D Tensor but got None"),
             (lambda: F.embedding_bag(i.reshape(2, 4), w, o), ValueError, "if input is 2D, then offsets has to be"),
             (lambda: F.embedding_bag(i, w, tg.tensor([1, 2])), RuntimeError, "offsets\\[0\\] has to be 0"),
             (lambda: F.embedding_bag(i, w, tg.tensor([0, 9])), RuntimeError, "can not be greater than input's"),
             (lambda: F.embedding_bag(i, w, tg.tensor([0, 3, 2])), RuntimeError, "must not decrease"),
             (lambda: F.embedding_bag(i, w, o, include_last_offset=True), RuntimeError, "append 8"),
             (lambda: F.embedding_bag(i, w, o, mode="mean", per_sample_weights=tg.ones(8)), NotImplementedError,
              "only supported for mode='sum'"),
             (lambda: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=tg.ones(7)), ValueError,
              "must have the same shape as the input"),
             (lambda: F.embedding_bag(i, w, o, mode="median"), ValueError, "mode has to be one of sum, mean or max"),
             (lambda: F.embedding_bag(i.float(), w, o), RuntimeError, "Long, Int"),
             (lambda: F.embedding_bag(i + 3, w, o), RuntimeError, "takes value 7 which is not in the valid range"),
             (lambda: F.embedding_bag(i.reshape(2, 2, 2), w), ValueError, "input has to be 1D or 2D"),
             (lambda: F.embedding_bag(i, w, o, padding_idx=7), RuntimeError, "padding_idx must be within")]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()


def test_embedding_bag_matches_torch():
    torch = pytest.importorskip("torch")
    table = RNG.normal(size=(6, 2))
    g = RNG.normal(size=(4, 2))
    for mode in ("sum", "mean", "max"):
        for padding_idx in (None, 2, -1):
            ours_w, theirs_w = tg.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
            ours = F.embedding_bag(tg.tensor(INDICES), ours_w, tg.tensor(OFFSETS), mode=mode, padding_idx=padding_idx)
            theirs = torch.nn.functional.embedding_bag(torch.tensor(INDICES), theirs_w, torch.tensor(OFFSETS),
                                                       mode=mode, padding_idx=padding_idx)
            (ours * tg.tensor(g)).sum().backward()
            (theirs * torch.tensor(g)).sum().backward()
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
            np.testing.assert_allclose(ours_w.grad.numpy(), theirs_w.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- multilabel_margin_loss

def test_multilabel_margin_loss_written_out():
    # classes {3, 0} of x = [.1, .2, .4, .8]: (1 - .6) + (1 - .4) + (1 + .1) + (1 + .3) = 3.4, over C = 4
    x = tg.tensor([0.1, 0.2, 0.4, 0.8])
    assert F.multilabel_margin_loss(x, tg.tensor([3, 0, -1, 1])).item() == pytest.approx(0.85)
    assert F.multilabel_margin_loss(x, tg.tensor([3, 3, -1, 1])).item() == pytest.approx(0.65)  # listed twice: twice
    assert F.multilabel_margin_loss(x, tg.tensor([3, 1, 2, 0])).item() == 0  # every class listed: no terms
    assert F.multilabel_margin_loss(x, tg.tensor([-1, 0, 2, 1])).item() == 0  # none listed
    batch = nn.MultiLabelMarginLoss(reduction="none")(x.reshape(1, 4), tg.tensor([[3, 0, -1, 1]]))
    assert batch.shape == (1,) and batch.item() == pytest.approx(0.85)


def test_multilabel_margin_loss_gradient_is_0_at_the_corner():
    # x[3] - x[1] = 1 exactly: the term is at its corner and, as in PyTorch's kernel, not counted
    x = tg.tensor([0.1, 0.2, 0.4, 1.2], requires_grad=True)
    F.multilabel_margin_loss(x, tg.tensor([3, 0, -1, 1])).backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.25, 0.5, -0.25])


def test_multilabel_margin_loss_errors():
    x = tg.randn(2, 4)
    with pytest.raises(RuntimeError, match="'target' is out of range"):
        F.multilabel_margin_loss(x, tg.tensor([[1, 5, -1, 0], [0, -1, 0, 0]]))
    with pytest.raises(RuntimeError, match="inconsistent target size: \\[1, 4\\] for input of size: \\[2, 4\\]"):
        F.multilabel_margin_loss(x, tg.tensor([[1, 2, -1, 0]]))
    with pytest.raises(RuntimeError, match="expected scalar type Long"):
        F.multilabel_margin_loss(x, tg.zeros(2, 4))
    with pytest.raises(RuntimeError, match="Expected non-empty vector or matrix"):
        F.multilabel_margin_loss(tg.randn(2, 3, 4), tg.zeros(2, 3, 4, dtype=tg.int64))


def test_multilabel_margin_loss_matches_torch():
    torch = pytest.importorskip("torch")
    x = RNG.normal(size=(3, 5))
    target = np.array([[3, 0, -1, 1, 1], [1, 2, 2, -1, 4], [0, 1, 2, 3, 4]])
    for reduction in ("mean", "sum", "none"):
        ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours_loss = F.multilabel_margin_loss(ours, tg.tensor(target), reduction=reduction)
        theirs_loss = torch.nn.functional.multilabel_margin_loss(theirs, torch.tensor(target), reduction=reduction)
        ours_loss.sum().backward()
        theirs_loss.sum().backward()
        np.testing.assert_allclose(ours_loss.detach().numpy(), theirs_loss.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- triplet_margin_with_distance_loss

def test_triplet_margin_with_distance_loss_written_out():
    anchor, positive, negative = tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]]), tg.tensor([[0.0, 2.0]])
    manhattan = lambda x1, x2: (x1 - x2).abs().sum(-1)  # noqa: E731
    loss = F.triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=manhattan, margin=1.0)
    assert loss.item() == 7 - 2 + 1
    swapped = nn.TripletMarginWithDistanceLoss(distance_function=manhattan, swap=True)
    assert swapped(anchor, positive, negative).item() == 7 - 2 + 1  # d(p, n) = 5 is not nearer than d(a, n) = 2
    default = nn.TripletMarginWithDistanceLoss()(anchor, positive, negative)  # Euclidean: 5 - 2 + 1
    assert default.item() == pytest.approx(4.0, abs=1e-5)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=-1)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_with_distance_loss(tg.randn(2, 3), tg.randn(2, 3), tg.randn(3))


def test_triplet_margin_with_distance_loss_matches_torch():
    torch = pytest.importorskip("torch")
    arrays = [RNG.normal(size=(4, 3)) for _ in range(3)]
    for swap in (False, True):
        for reduction in ("mean", "none"):
            ours = [tg.tensor(a, requires_grad=True) for a in arrays]
            theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
            ours_loss = F.triplet_margin_with_distance_loss(
                *ours, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), swap=swap, reduction=reduction)
            theirs_loss = torch.nn.functional.triplet_margin_with_distance_loss(
                *theirs, distance_function=lambda u, v: 1 - torch.nn.functional.cosine_similarity(u, v), swap=swap,
                reduction=reduction)
            ours_loss.sum().backward()
            theirs_loss.sum().backward()
            np.testing.assert_allclose(ours_loss.detach().numpy(), theirs_loss.detach().numpy(), rtol=1e-12)
            for a, b in zip(ours, theirs):
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-14)


# ---------------------------------------------------------------- LazyLinear, UninitializedParameter

def test_lazy_linear_takes_in_features_from_its_first_input_and_becomes_a_linear():
    layer = nn.LazyLinear(4)
    assert repr(layer) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    assert list(layer.state_dict()) == ["weight", "bias"] and repr(layer.weight) == "<UninitializedParameter>"
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        layer.weight.shape
    weight = layer.weight
    optimizer = tg.optim.SGD(layer.parameters(), lr=0.1)  # made before the shapes are known
    tg.manual_seed(0)
    x = tg.randn(2, 3)
    layer(x).sum().backward()
    assert type(layer) is nn.Linear and type(weight) is nn.Parameter and layer.weight is weight
    assert repr(layer) == "Linear(in_features=3, out_features=4, bias=True)" and weight.shape == (4, 3)
    tg.manual_seed(0)
    tg.randn(2, 3)
    drawn = nn.Linear(3, 4)  # the same draws as a Linear made at that point
    np.testing.assert_array_equal(weight.detach().numpy(), drawn.weight.detach().numpy())
    np.testing.assert_array_equal(layer.bias.detach().numpy(), drawn.bias.detach().numpy())
    optimizer.step()  # the optimizer trains the materialised parameters
    np.testing.assert_allclose(weight.detach().numpy(), drawn.weight.detach().numpy() - 0.1 * x.numpy().sum(0),
                               rtol=1e-6)


def test_lazy_linear_options():
    assert list(nn.LazyLinear(4, bias=False).state_dict()) == ["weight"]
    double = nn.LazyLinear(4, dtype=tg.float64)
    double(tg.randn(2, 3, dtype=tg.float64))
    assert double.weight.dtype == tg.float64
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    assert net(tg.randn(5, 7)).shape == (5, 1) and [tuple(p.shape) for p in net.parameters()] == [(8, 7), (8,),
                                                                                                  (1, 8), (1,)]
    loaded = nn.LazyLinear(4)
    loaded.load_state_dict(nn.Linear(3, 4).state_dict())
    assert loaded.weight.shape == (4, 3)
    with pytest.raises(IndexError, match="0-d"):
        nn.LazyLinear(4)(tg.tensor(3.0))


def test_lazy_linear_matches_torch_before_and_after_its_first_call():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    assert repr(ours) == repr(theirs) and repr(ours.weight) == repr(theirs.weight)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours(tg.randn(2, 3)), theirs(torch.randn(2, 3))
    assert repr(ours) == repr(theirs) and type(ours).__name__ == type(theirs).__name__
    assert type(ours.weight).__name__ == type(theirs.weight).__name__ and ours.weight.shape == theirs.weight.shape
