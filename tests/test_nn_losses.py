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
    np.testing.assert_allclose(x.grad.data, [-0.5, 0.5], rtol=1e-15)


def test_bce_with_logits_is_stable_at_huge_logits():
    x = tg.tensor([500.0, -500.0, 500.0, -500.0], dtype=np.float64, requires_grad=True)
    t = tg.tensor([0.0, 1.0, 1.0, 0.0], dtype=np.float64)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [500.0, 500.0, 0.0, 0.0], atol=1e-200)
    np.testing.assert_allclose(x.grad.data, [1.0, -1.0, 0.0, 0.0], atol=1e-200)


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
    np.testing.assert_allclose(loss.data, bce_formula(p, t), rtol=1e-6)
    loss.sum().backward()
    assert np.isfinite(P.grad.data).all()
    # Where the clamp does not bite the slope is (p - t) / (p (1 - p)).
    np.testing.assert_allclose(P.grad.data[2::3], (0.3 - t[2::3]) / (0.3 * 0.7), rtol=1e-5)


# ---------------------------------------------------------------- cross-entropy and NLL

@pytest.mark.parametrize("loss_fn, options", [(F.cross_entropy, {}), (F.cross_entropy, {"label_smoothing": 0.2}),
                                              (F.nll_loss, {})])
def test_every_target_ignored_gives_nan_value_and_zero_gradient(loss_fn, options):
    # PyTorch: 'mean' is 0 / 0 = NaN, but no sample contributes, so every gradient is 0.
    x = tg.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    loss = loss_fn(x, np.full(3, -100), **options)
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((3, 4)))
