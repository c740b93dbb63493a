"""tinygrad_edu.special against torch.special: values, first and second derivatives, the corners
(xlogy at x = 0, sinc at 0, gammaln at its poles) and the signatures (eps, dim, dtype, decimals, out=).

Each torch comparison has a torch-free twin: PyTorch 2.13's numbers written out, or SciPy/NumPy's formula.
The registry (tests/registry_math.py) gradchecks xlogy, gammaln, digamma, polygamma and sinc elsewhere.
"""

import math

import numpy as np
import pytest
import scipy.special

import tinygrad_edu as tg
import tinygrad_edu.special as special

X = [-2.5, -0.7, 0.0, 0.3, 1.0, 2.2, 4.0]
P = [0.0, 0.1, 0.5, 0.9, 1.0, 0.3, 0.7]
UNARY = {  # name: the input it is checked on
    "expit": X, "logit": P, "erf": X, "erfc": X, "erfinv": [2 * p - 1 for p in P], "expm1": X, "exp2": X,
    "log1p": [x + 3 for x in X], "sinc": X, "gammaln": X, "digamma": X, "psi": X,
}
NUMPY = {  # the same functions in NumPy/SciPy: the torch-free twin of the values
    "expit": scipy.special.expit, "logit": scipy.special.logit, "erf": scipy.special.erf, "erfc": scipy.special.erfc,
    "erfinv": scipy.special.erfinv, "expm1": np.expm1, "exp2": np.exp2, "log1p": np.log1p, "sinc": np.sinc,
    "gammaln": scipy.special.gammaln, "digamma": scipy.special.digamma, "psi": scipy.special.digamma,
}
# PyTorch 2.13's values and slopes on X, written out (torch.special.<name>(x), its gradient)
PYTORCH = {
    "sinc": ([0.1273239545, 0.3678830106, 1.0, 0.8583936913, 0.0, 0.0850444803, -0.0],
             [0.0509295818, 1.3652403755, 0.0, -0.9020281301, -1.0, 0.3290784155, 0.25]),
    "gammaln": ([-0.0562437165, 1.4524729388, math.inf, 1.0957979948, 0.0, 0.0969474668, 1.7917594692],
                [1.1031566406, -2.0739527936, -math.inf, -3.5025242222, -0.5772156649, 0.5442934367, 1.2561176684]),
    "digamma": ([1.1031566406, -2.0739527936, -math.inf, -3.5025242222, -0.5772156649, 0.5442934367, 1.2561176684],
                [9.5392466449, 14.2861808723, math.inf, 12.2453645449, 1.6449340676, 0.5729327612, 0.2838229558]),
}


def value_and_slopes(lib, name, values):
    """f(x), df/dx and d2f/dx2 (summed over x) in `lib` (tinygrad_edu or torch), as NumPy arrays."""
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    y = getattr(lib.special, name)(x)
    (slope,) = lib.autograd.grad(y.sum(), x, create_graph=True)
    (curvature,) = lib.autograd.grad(slope.sum(), x)
    return y.detach().numpy(), slope.detach().numpy(), curvature.numpy()


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_functions_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = value_and_slopes(tg, name, UNARY[name]), value_and_slopes(torch, name, UNARY[name])
    if name == "sinc":  # the one difference, pinned in test_sinc_at_zero
        ours, theirs = [a[np.array(X) != 0] for a in ours], [a[np.array(X) != 0] for a in theirs]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-8, err_msg=name)  # PyTorch's trigamma is good to 5e-10


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_match_numpy(name):
    x = np.array(UNARY[name])
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(special_value(name, x), NUMPY[name](x), rtol=1e-12)


def special_value(name, x):
    return getattr(special, name)(tg.tensor(x)).numpy()


@pytest.mark.parametrize("name", sorted(PYTORCH))
def test_values_and_slopes_are_pytorchs(name):
    value, slope, _ = value_and_slopes(tg, name, X)
    np.testing.assert_allclose(value, PYTORCH[name][0], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(slope, PYTORCH[name][1], rtol=1e-8, atol=1e-10)


def test_sinc_at_zero():
    """1 with slope 0 at x = 0, as PyTorch; the second derivative there is 0 (PyTorch: nan, 0 / 0 in its
    masked backward; the true value is -pi**2 / 3)."""
    value, slope, curvature = value_and_slopes(tg, "sinc", [0.0])
    assert (value.item(), slope.item(), curvature.item()) == (1.0, 0.0, 0.0)


XLOGY_X = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0]
XLOGY_Y = [0.0, -1.0, math.nan, math.inf, 3.0, 0.0, -1.0, 0.5]
XLOGY_PYTORCH = {  # torch.special.xlogy(x, y) and its gradients, PyTorch 2.13
    "value": [0.0, 0.0, math.nan, 0.0, 0.0, -math.inf, math.nan, 2 * math.log(0.5)],
    "dx": [0.0, 0.0, math.nan, math.inf, math.log(3.0), -math.inf, math.nan, math.log(0.5)],
    "dy": [math.nan, -0.0, math.nan, 0.0, 0.0, math.inf, -1.0, 4.0],
}


def xlogy_and_gradients(lib):
    x = lib.tensor(XLOGY_X, dtype=lib.float64, requires_grad=True)
    y = lib.tensor(XLOGY_Y, dtype=lib.float64, requires_grad=True)
    z = lib.special.xlogy(x, y)
    dx, dy = lib.autograd.grad(z.sum(), (x, y))
    return {"value": z.detach().numpy(), "dx": dx.numpy(), "dy": dy.numpy()}


def test_xlogy_corners_are_pytorchs():
    """0 where x == 0 (unless y is nan); d/dx = log(y) even at x = 0, but 0 where x == 0 and y <= 0."""
    for key, got in xlogy_and_gradients(tg).items():
        np.testing.assert_array_equal(got, XLOGY_PYTORCH[key], err_msg=key)


def test_xlogy_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = xlogy_and_gradients(tg), xlogy_and_gradients(torch)
    for key in ours:
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_polygamma_is_the_derivative_of_digamma():
    x = tg.tensor([0.5, 1.0, 3.0], dtype=tg.float64, requires_grad=True)
    (slope,) = tg.autograd.grad(special.polygamma(1, x).sum(), x)
    np.testing.assert_allclose(special.polygamma(1, x).detach().numpy(), [math.pi ** 2 / 2, math.pi ** 2 / 6,
                                                                          math.pi ** 2 / 6 - 1.25], rtol=1e-12)
    np.testing.assert_allclose(slope.numpy(), scipy.special.polygamma(2, [0.5, 1.0, 3.0]), rtol=1e-12)
    assert special.digamma(x).grad_fn.name() == "DigammaBackward0"
    assert special.polygamma(2, x).grad_fn.name() == "PolygammaBackward0"
    assert special.gammaln(x).grad_fn.name() == "LgammaBackward0"
    with pytest.raises(RuntimeError, match="polygamma: n must be a non-negative integer"):
        special.polygamma(-1, x)


def test_gammaln_of_minus_infinity_is_inf_as_pytorch():
    assert special.gammaln(tg.tensor([-math.inf])).item() == math.inf  # SciPy says -inf


def test_integers_become_float32_and_the_options_are_pytorchs():
    assert special.expit(tg.tensor([1, 2])).dtype == tg.float32
    assert special.gammaln(tg.tensor([1, 3])).tolist() == pytest.approx([0.0, math.log(2)])
    assert special.round(tg.tensor([0.5, 1.5, 2.567]), decimals=1).tolist() == pytest.approx([0.5, 1.5, 2.6])
    assert special.logit(tg.tensor([0.0, 0.5]), eps=0.25).tolist() == pytest.approx([math.log(1 / 3), 0.0])
    logits = tg.tensor([[1.0, 2.0, 3.0]])
    probabilities = special.softmax(logits, 1, dtype=tg.float64)
    assert probabilities.dtype == tg.float64
    np.testing.assert_allclose(probabilities.numpy(), scipy.special.softmax([[1.0, 2.0, 3.0]], 1), rtol=1e-15)
    np.testing.assert_allclose(special.log_softmax(logits, -1).numpy(),
                               scipy.special.log_softmax([[1.0, 2.0, 3.0]], -1), rtol=1e-6)
    assert special.logsumexp(logits, 1, keepdim=True).shape == (1, 1)
    out = tg.zeros(2)
    assert special.erf(tg.tensor([0.0, 1.0]), out=out) is out
    assert out.tolist() == pytest.approx([0.0, 0.8427007929])


def test_special_is_a_module_of_the_package():
    import importlib
    assert importlib.import_module("tinygrad_edu.special") is tg.special
    assert tg.special.psi is tg.special.digamma
