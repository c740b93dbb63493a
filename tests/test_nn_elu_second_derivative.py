"""elu, selu and celu at 0 and at NaN, to second order, as PyTorch's: the slope at 0 is the
exponential side's (alpha / scale) but the second derivative there is 0 (PyTorch's elu double
backward counts x < 0 only), and NaN takes the linear side's slope (its kernels test x <= 0)."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

POINTS = [-1.0, -0.0, 0.0, 1.0, float("nan")]
E = np.exp(-1.0)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
# name, options, first derivatives at POINTS, second derivatives at POINTS (worked out by hand)
CASES = [
    ("elu", {}, [E, 1, 1, 1, 1], [E, 0, 0, 0, 0]),
    ("elu", {"alpha": 2.0}, [2 * E, 2, 2, 1, 1], [2 * E, 0, 0, 0, 0]),
    ("selu", {}, [SELU_SCALE * SELU_ALPHA * E, SELU_SCALE * SELU_ALPHA, SELU_SCALE * SELU_ALPHA, SELU_SCALE,
                  SELU_SCALE], [SELU_SCALE * SELU_ALPHA * E, 0, 0, 0, 0]),
    ("celu", {"alpha": 2.0}, [np.exp(-0.5), 1, 1, 1, 1], [np.exp(-0.5) / 2, 0, 0, 0, 0]),
]


def derivatives(lib, functional, name, options):
    x = lib.tensor(POINTS, dtype=lib.float64, requires_grad=True)
    (slope,) = lib.autograd.grad(getattr(functional, name)(x, **options).sum(), x, create_graph=True)
    (curvature,) = lib.autograd.grad(slope.sum(), x)
    return slope.detach().numpy(), curvature.numpy()


@pytest.mark.parametrize("name, options, slopes, curvatures", CASES)
def test_first_and_second_derivatives_at_zero_and_nan(name, options, slopes, curvatures):
    slope, curvature = derivatives(tg, F, name, options)
    np.testing.assert_allclose(slope, slopes, rtol=1e-12)
    np.testing.assert_allclose(curvature, curvatures, rtol=1e-12)


@pytest.mark.parametrize("name, options, slopes, curvatures", CASES)
def test_first_and_second_derivatives_match_torch(name, options, slopes, curvatures):
    torch = pytest.importorskip("torch")
    ours = derivatives(tg, F, name, options)
    theirs = derivatives(torch, torch.nn.functional, name, options)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_large_inputs_still_do_not_overflow():
    x = tg.tensor([1000.0, -1000.0, float("nan")], requires_grad=True)
    y = F.elu(x)
    y.sum().backward()
    assert y.tolist()[:2] == [1000.0, -1.0] and np.isnan(y.tolist()[2])
    assert x.grad.tolist() == [1.0, 0.0, 1.0]
