"""RMSNorm, PReLU, Softmin, Threshold, Softmax2d and their functions (F.rms_norm, F.prelu, F.softmin,
F.threshold): values, gradients (float64), reprs, state_dict keys and errors as PyTorch 2.13's. Each check
against torch (behind importorskip) has a twin with the values written out; the registry
(tests/registry_rms_prelu.py) gradchecks the functions against NumPy formulas."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(7)


def modules(library):
    return [library.RMSNorm(8), library.RMSNorm([2, 3], eps=1e-6, elementwise_affine=False), library.PReLU(),
            library.PReLU(3, init=0.1), library.Softmin(1), library.Softmin(), library.Threshold(0.1, 20),
            library.Threshold(0.1, 20, inplace=True), library.Softmax2d()]


REPRS = ["RMSNorm((8,), eps=None, elementwise_affine=True)",
         "RMSNorm((2, 3), eps=1e-06, elementwise_affine=False)", "PReLU(num_parameters=1)",
         "PReLU(num_parameters=3)", "Softmin(dim=1)", "Softmin(dim=None)", "Threshold(threshold=0.1, value=20)",
         "Threshold(threshold=0.1, value=20, inplace=True)", "Softmax2d()"]
STATE_KEYS = [["weight"], [], ["weight"], ["weight"], [], [], [], [], []]


def test_reprs_and_state_dict_keys():
    assert [repr(m) for m in modules(nn)] == REPRS
    assert [list(m.state_dict()) for m in modules(nn)] == STATE_KEYS
    np.testing.assert_array_equal(nn.RMSNorm((2, 3)).weight.detach().numpy(), np.ones((2, 3), dtype=np.float32))
    np.testing.assert_array_equal(nn.PReLU(3, init=0.1).weight.detach().numpy(), np.full(3, 0.1, dtype=np.float32))
    assert nn.PReLU().weight.dtype == tg.float32 and nn.RMSNorm(4, dtype=tg.float64).weight.dtype == tg.float64


def test_reprs_and_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    assert [repr(m) for m in modules(torch.nn)] == REPRS
    assert [list(m.state_dict()) for m in modules(torch.nn)] == STATE_KEYS


# ---------------------------------------------------------------- rms_norm

def test_rms_norm_written_out():
    # x = [1, 7]: mean square 25, rms 5, y = x / 5; dy/dx = I / r - x x^T / (n r^3), so with upstream [1, 0]
    # the gradient is [1/5 - 1/250, -7/250] and weight's is y * [1, 0]
    x = tg.tensor([[1.0, 7.0]], dtype=tg.float64, requires_grad=True)
    weight = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    y = F.rms_norm(x, (2,), weight, eps=0.0)
    np.testing.assert_allclose(y.detach().numpy(), [[0.2, 2.8]])
    (y * tg.tensor([[1.0, 0.0]], dtype=tg.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.196, -0.028]])
    np.testing.assert_allclose(weight.grad.numpy(), [0.2, 0.0])
    layer_output = nn.RMSNorm(2, eps=0.0)(tg.tensor([[1.0, 7.0]]))
    np.testing.assert_allclose(layer_output.detach().numpy(), [[0.2, 1.4]], rtol=1e-6)


@pytest.mark.parametrize("dtype, slope", [(tg.float64, 67108864.0), (tg.float32, 2896.3093)])
def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon(dtype, slope):
    # at x = 0 the slope of x / sqrt(mean(x**2) + eps) is 1 / sqrt(eps): 2**26 for float64's eps 2**-52
    x = tg.zeros(3, dtype=dtype, requires_grad=True)
    F.rms_norm(x, [3]).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [slope] * 3, rtol=1e-6)


def test_rms_norm_matches_torch():
    torch = pytest.importorskip("torch")
    x, weight = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(3, 4))
    g = RNG.normal(size=(2, 3, 4))
    for eps in (None, 1e-3):
        ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(weight, requires_grad=True)
        theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
        ours = F.rms_norm(ours_x, (3, 4), ours_w, eps)
        theirs = torch.nn.functional.rms_norm(theirs_x, (3, 4), theirs_w, eps)
        (ours * tg.tensor(g)).sum().backward()
        (theirs * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(ours_w.grad.numpy(), theirs_w.grad.numpy(), rtol=1e-10)
    ours = nn.RMSNorm(4)(tg.tensor(x, dtype=tg.float32))
    theirs = torch.nn.RMSNorm(4)(torch.tensor(x, dtype=torch.float32))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5)


def test_rms_norm_refuses_a_shape_that_is_not_the_inputs_last():
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\], expected input with shape \[\*4\], but got "
                                           r"input of size\[2, 3\]"):
        F.rms_norm(tg.zeros(2, 3), (4,))


# ---------------------------------------------------------------- prelu

def test_prelu_written_out_with_pytorchs_slopes_at_zero():
    # x at 0 takes the negative side's slope (weight) and gives weight the slope x = 0, as PyTorch's
    x = tg.tensor([-1.0, 0.0, 2.0], dtype=tg.float64, requires_grad=True)
    weight = tg.tensor([0.25], dtype=tg.float64, requires_grad=True)
    y = F.prelu(x, weight)
    np.testing.assert_array_equal(y.detach().numpy(), [-0.25, 0.0, 2.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.25, 0.25, 1.0])
    np.testing.assert_array_equal(weight.grad.numpy(), [-1.0])


def test_prelu_has_one_slope_per_channel_in_dim_1():
    x = tg.tensor([[[-1.0, 1.0], [-1.0, 1.0], [-2.0, 3.0]]], dtype=tg.float64, requires_grad=True)  # (1, 3, 2)
    layer = nn.PReLU(3)
    layer.weight.data = tg.tensor([0.1, 0.2, 0.3], dtype=tg.float64)
    y = layer(x)
    np.testing.assert_allclose(y.detach().numpy(), [[[-0.1, 1.0], [-0.2, 1.0], [-0.6, 3.0]]])
    y.sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), [-1.0, -1.0, -2.0])
    assert F.prelu(tg.tensor(-1.0), tg.tensor([2.0])).item() == -2.0  # a 0-d input has one channel
    for shape, count, channels in (((2, 3, 4), 4, 3), ((3,), 3, 1)):
        with pytest.raises(RuntimeError, match=f"Found parameter numbers = {count} and channel size = {channels}"):
            F.prelu(tg.zeros(*shape), tg.ones(count))


def test_prelu_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.concatenate([RNG.normal(size=22), [0.0, 0.0]]).reshape(2, 3, 4)
    for weight in (np.array([0.3]), RNG.normal(size=3)):
        ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(weight, requires_grad=True)
        theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
        ours, theirs = F.prelu(ours_x, ours_w), torch.nn.functional.prelu(theirs_x, theirs_w)
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
        (ours * ours).sum().backward()
        (theirs * theirs).sum().backward()
        np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours_w.grad.numpy(), theirs_w.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- threshold, softmin, softmax2d

def test_threshold_written_out_with_slope_zero_at_the_threshold():
    x = tg.tensor([0.5, 1.0, 2.0, float("nan")], dtype=tg.float64, requires_grad=True)
    y = F.threshold(x, 1.0, -3.0)
    np.testing.assert_array_equal(y.detach().numpy(), [-3.0, -3.0, 2.0, np.nan])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0, 1.0])
    assert F.threshold(tg.tensor([1, 2, 3]), 2, 0).tolist() == [0, 0, 3]
    z = tg.tensor([0.5, 2.0])
    assert nn.Threshold(1.0, 7.0, inplace=True)(z) is z and z.tolist() == [7.0, 2.0]


def test_threshold_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.array([0.5, 1.0, 2.0, np.nan])
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = F.threshold(ours_x, 1.0, -3.0), torch.nn.functional.threshold(theirs_x, 1.0, -3.0)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_array_equal(ours_x.grad.numpy(), theirs_x.grad.numpy())
    assert torch.nn.functional.threshold(torch.tensor([1, 2, 3]), 2, 0).tolist() == [0, 0, 3]


def test_softmin_and_softmax2d_written_out():
    # softmin([1, 2]) = [e^-1, e^-2] / (e^-1 + e^-2) = [1 / (1 + e^-1), ...]
    np.testing.assert_allclose(F.softmin(tg.tensor([1.0, 2.0]), 0).numpy(), [0.7310586, 0.2689414], rtol=1e-6)
    np.testing.assert_allclose(nn.Softmin(1)(tg.tensor([[1.0, 2.0]])).numpy(), [[0.7310586, 0.2689414]], rtol=1e-6)
    assert F.softmin(tg.tensor([1.0, 2.0]), 0, dtype=tg.float64).dtype == tg.float64
    x = tg.tensor(RNG.normal(size=(2, 3, 4, 5)))
    np.testing.assert_allclose(nn.Softmax2d()(x).numpy(), F.softmax(x, 1).numpy())
    np.testing.assert_allclose(nn.Softmax2d()(x[0]).sum(0).numpy(), np.ones((4, 5)))
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 1D instead"):
        nn.Softmax2d()(tg.zeros(3))


def test_softmin_and_softmax2d_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.normal(size=(2, 3, 4))
    np.testing.assert_allclose(F.softmin(tg.tensor(x), 1).numpy(), torch.nn.functional.softmin(torch.tensor(x), 1),
                               rtol=1e-12)
    np.testing.assert_allclose(nn.Softmin(2)(tg.tensor(x)).numpy(), torch.nn.Softmin(2)(torch.tensor(x)), rtol=1e-12)
    np.testing.assert_allclose(nn.Softmax2d()(tg.tensor(x)).numpy(), torch.nn.Softmax2d()(torch.tensor(x)),
                               rtol=1e-12)
