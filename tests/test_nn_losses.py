"""Losses without torch: gradients at the edge cases, values against the formulas written out in NumPy."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(1)


# ---------------------------------------------------------------- binary cross-entropy with logits

def test_bce_with_logits_gradient_at_zero_logit_is_sigmoid_minus_target():
    # d/dx [(1 - t) x + softplus(-x)] = sigmoid(x) - t = 0.5 - t at x = 0 (a kink of relu/abs must not leak in)
    x = tg.tensor([0.0, 0.0], dtype=np.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, tg.tensor([1.0, 0.0], dtype=np.float64), reduction="sum").backward()
    np.testing.assert_allclose(x.grad._data, [-0.5, 0.5], rtol=1e-15)


def test_bce_with_logits_is_stable_at_huge_logits():
    x = tg.tensor([500.0, -500.0, 500.0, -500.0], dtype=np.float64, requires_grad=True)
    t = tg.tensor([0.0, 1.0, 1.0, 0.0], dtype=np.float64)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss._data, [500.0, 500.0, 0.0, 0.0], atol=1e-200)
    np.testing.assert_allclose(x.grad._data, [1.0, -1.0, 0.0, 0.0], atol=1e-200)


# ---------------------------------------------------------------- binary cross-entropy on probabilities

def bce_formula(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    """PyTorch's: -(t * log p + (1 - t) * log(1 - p)), each log clamped at -100."""
    with np.errstate(divide="ignore"):
        return -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_at_zero_and_one_has_clamped_value_and_finite_gradient(dtype):
    p = np.array([0.0, 1.0, 0.3, 0.0, 1.0, 0.3, 0.0, 1.0, 0.3])
    t = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.3, 0.3, 0.3])
    P = tg.tensor(p, dtype=dtype, requires_grad=True)
    loss = F.binary_cross_entropy(P, tg.tensor(t, dtype=dtype), reduction="none")
    np.testing.assert_allclose(loss._data, bce_formula(p, t), rtol=1e-6)
    loss.sum().backward()
    assert np.isfinite(P.grad._data).all()
    # Where the clamp does not bite the slope is (p - t) / (p (1 - p)).
    np.testing.assert_allclose(P.grad._data[2::3], (0.3 - t[2::3]) / (0.3 * 0.7), rtol=1e-5)


# ---------------------------------------------------------------- cross-entropy and NLL

@pytest.mark.parametrize("loss_fn, options", [(F.cross_entropy, {}), (F.cross_entropy, {"label_smoothing": 0.2}),
                                              (F.nll_loss, {})])
def test_every_target_ignored_gives_nan_value_and_zero_gradient(loss_fn, options):
    # PyTorch: 'mean' is 0 / 0 = NaN, but no sample contributes, so every gradient is 0.
    x = tg.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    loss = loss_fn(x, np.full(3, -100), **options)
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad._data, np.zeros((3, 4)))


LOGITS = RNG.standard_normal((6, 4)) * 2
TARGET = np.array([0, 3, 1, -100, 2, 3])
WEIGHT = np.array([1.0, 0.5, 2.0, 1.5])


def log_softmax_formula(x: np.ndarray, axis: int = 1) -> np.ndarray:
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


def cross_entropy_formula(x, target, weight, reduction, smoothing, ignore_index=-100):
    """PyTorch's, written out: per sample i with class y_i (skipped if y_i == ignore_index),
    nll_i = -w[y_i] log p_i[y_i],  smooth_i = -sum_c w[c] log p_i[c],
    loss_i = (1 - e) nll_i + e / C smooth_i; 'mean' divides both sums by sum_i w[y_i]."""
    log_p = log_softmax_formula(x)
    n, n_classes = x.shape
    w = np.ones(n_classes) if weight is None else weight
    kept = target != ignore_index
    y = np.where(kept, target, 0)
    nll = np.where(kept, -w[y] * log_p[np.arange(n), y], 0.0)
    smooth = np.where(kept, -(w * log_p).sum(1), 0.0)
    loss = (1 - smoothing) * nll + smoothing / n_classes * smooth
    if reduction == "none":
        return loss
    return loss.sum() / (w[y] * kept).sum() if reduction == "mean" else loss.sum()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_and_nll_match_the_formula(reduction, smoothing, weighted):
    weight = WEIGHT if weighted else None
    expected = cross_entropy_formula(LOGITS, TARGET, weight, reduction, smoothing)
    ours = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(TARGET), weight=weight, reduction=reduction,
                           label_smoothing=smoothing)
    np.testing.assert_allclose(ours._data, expected, rtol=1e-12, atol=1e-14)
    # nll_loss takes the log-probabilities; on raw scores it is -w[y] x[y], with the same ignore rule.
    expected_nll = cross_entropy_formula(LOGITS, TARGET, weight, reduction, 0.0)
    np.testing.assert_allclose(F.nll_loss(tg.tensor(log_softmax_formula(LOGITS)), TARGET, weight=weight,
                                          reduction=reduction)._data, expected_nll, rtol=1e-12, atol=1e-14)


def test_cross_entropy_ignore_index_other_than_default():
    target = np.array([0, 3, 1, 2, 2, 3])
    expected = cross_entropy_formula(LOGITS, target, WEIGHT, "mean", 0.1, ignore_index=2)
    ours = F.cross_entropy(tg.tensor(LOGITS), target, weight=WEIGHT, ignore_index=2, label_smoothing=0.1)
    np.testing.assert_allclose(ours.item(), expected, rtol=1e-12)


def test_cross_entropy_with_probability_targets_matches_the_formula():
    probs = RNG.dirichlet(np.ones(4), 6)
    smoothed = probs * (1 - 0.2) + 0.2 / 4
    expected = -(log_softmax_formula(LOGITS) * smoothed * WEIGHT).sum(1)
    ours = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(probs), weight=WEIGHT, reduction="none", label_smoothing=0.2)
    np.testing.assert_allclose(ours._data, expected, rtol=1e-12)
    # 'mean' with probabilities divides by N, not by the weights.
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), tg.tensor(probs), weight=WEIGHT,
                                               label_smoothing=0.2).item(), expected.mean(), rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_pos_weight_and_weight_match_the_formula(reduction):
    x = np.array([[500.0, -500.0, 3.0], [-2.0, 0.5, 40.0]])
    t = np.array([[0.0, 1.0, 1.0], [0.0, 0.3, 1.0]])
    pos_weight, weight = np.array([2.0, 0.5, 1.0]), t + 1
    # -w [p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))], with log sigmoid(x) = -logaddexp(0, -x).
    expected = weight * (pos_weight * t * np.logaddexp(0, -x) + (1 - t) * np.logaddexp(0, x))
    expected = {"mean": expected.mean(), "sum": expected.sum(), "none": expected}[reduction]
    ours = F.binary_cross_entropy_with_logits(tg.tensor(x), tg.tensor(t), weight=tg.tensor(weight),
                                              reduction=reduction, pos_weight=tg.tensor(pos_weight))
    np.testing.assert_allclose(ours._data, expected, rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_bce_losses_match_the_formula(reduction):
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    p, t = RNG.uniform(0, 1, (3, 4)), RNG.uniform(0, 1, (3, 4))
    p[0, 0], p[0, 1] = 0.0, 1.0  # the -100 clamp of log

    def reduce(loss):
        return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]

    pairs = [(F.mse_loss(tg.tensor(a), tg.tensor(b), reduction), reduce((a - b) ** 2)),
             (F.l1_loss(tg.tensor(a), b, reduction), reduce(np.abs(a - b))),
             (F.binary_cross_entropy(tg.tensor(p), tg.tensor(t), tg.tensor(b), reduction),
              reduce(b * bce_formula(p, t)))]
    for ours, expected in pairs:
        np.testing.assert_allclose(ours._data, expected, rtol=1e-12)
