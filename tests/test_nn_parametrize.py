"""nn.utils.weight_norm / remove_weight_norm (the hook form), nn.utils.parametrize (register_parametrization,
remove_parametrizations, is_parametrized) and nn.utils.parametrizations.weight_norm / spectral_norm: values,
gradients, reprs and state_dict keys as PyTorch 2.13's. Each check against torch (behind importorskip) has a
twin with the values written out or computed in NumPy."""

import copy
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.utils import parametrize

RNG = np.random.default_rng(5)
X = RNG.normal(size=(5, 3))


def linear_with(weight, bias=(0.0, 0.0)) -> nn.Linear:
    layer = nn.Linear(len(weight[0]), len(weight)).double()
    layer.load_state_dict({"weight": tg.tensor(weight, dtype=tg.float64), "bias": tg.tensor(bias, dtype=tg.float64)})
    return layer


def twins(torch, in_features=3, out_features=4):
    """A torch Linear and ours with the same float64 numbers."""
    theirs = torch.nn.Linear(in_features, out_features).double()
    ours = nn.Linear(in_features, out_features).double()
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    return theirs, ours


# ---------------------------------------------------------------- nn.utils.weight_norm (the hook form)

def test_weight_norm_splits_the_weight_into_length_and_direction():
    layer = linear_with([[3.0, 4.0], [0.0, 2.0]])
    with pytest.warns(FutureWarning, match="deprecated in favor of `nn.utils.parametrizations.weight_norm`"):
        nn.utils.weight_norm(layer)
    assert list(layer.state_dict()) == ["bias", "weight_g", "weight_v"]
    np.testing.assert_allclose(layer.weight_g.detach().numpy(), [[5.0], [2.0]])  # one length per output row
    with tg.no_grad():
        layer.weight_g.mul_(2)
    y = layer(tg.tensor([[1.0, 1.0]], dtype=tg.float64))  # the hook recomputes the weight: twice as long
    np.testing.assert_allclose(y.detach().numpy(), [[14.0, 4.0]])
    y.sum().backward()
    # w = g v / |v|: dL/dg = v / |v| . dL/dw, and dL/dw = [1, 1] per row here
    np.testing.assert_allclose(layer.weight_g.grad.numpy(), [[7 / 5], [1.0]])
    assert repr(layer) == "Linear(in_features=2, out_features=2, bias=True)"
    nn.utils.remove_weight_norm(layer)
    assert list(layer.state_dict()) == ["bias", "weight"] and isinstance(layer.weight, nn.Parameter)
    np.testing.assert_allclose(layer.weight.detach().numpy(), [[6.0, 8.0], [0.0, 4.0]])


def test_weight_norm_dims_and_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert nn.utils.weight_norm(nn.Conv2d(2, 3, 3), dim=1).weight_g.shape == (1, 2, 1, 1)
        assert nn.utils.weight_norm(nn.Linear(3, 4), dim=None).weight_g.shape == ()
        layer = nn.utils.weight_norm(nn.Linear(3, 4))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks on the same parameter weight"):
            nn.utils.weight_norm(layer)
    nn.utils.remove_weight_norm(layer)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in Linear"):
        nn.utils.remove_weight_norm(layer)


def test_weight_norm_matches_torch():
    torch = pytest.importorskip("torch")
    theirs, ours = twins(torch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.nn.utils.weight_norm(theirs)
        nn.utils.weight_norm(ours)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs(torch.tensor(X)).pow(2).sum().backward()
    ours(tg.tensor(X)).pow(2).sum().backward()
    for name in ("weight_g", "weight_v", "bias"):
        np.testing.assert_allclose(getattr(ours, name).grad.numpy(), getattr(theirs, name).grad.numpy(), rtol=1e-10)


# ---------------------------------------------------------------- nn.utils.parametrize

class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).T


class Doubled(nn.Module):
    def forward(self, x):
        return x * 2

    def right_inverse(self, x):
        return x / 2


SYMMETRIC_REPR = """ParametrizedLinear(
  in_features=2, out_features=2, bias=True
  (parametrizations): ModuleDict(
    (weight): ParametrizationList(
      (0): Symmetric()
    )
  )
)"""


def test_register_parametrization_computes_the_tensor_at_each_access():
    layer = linear_with([[1.0, 2.0], [3.0, 4.0]])
    original = layer.weight
    parametrize.register_parametrization(layer, "weight", Symmetric())
    assert repr(layer) == SYMMETRIC_REPR and parametrize.is_parametrized(layer, "weight")
    assert not parametrize.is_parametrized(layer, "bias") and isinstance(layer, nn.Linear)
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert layer.parametrizations.weight.original is original  # no right_inverse: the weight itself
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[1, 2], [2, 4]])
    layer(tg.tensor([[1.0, 1.0]], dtype=tg.float64)).sum().backward()
    np.testing.assert_array_equal(original.grad.numpy(), [[1, 2], [0, 1]])  # the lower corner is unused
    with tg.no_grad():
        original[1, 1] = 10.0
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[1, 2], [2, 10]])
    with pytest.raises(RuntimeError, match="parametrization Symmetric does not implement right_inverse"):
        layer.weight = tg.eye(2, dtype=tg.float64)
    assert copy.deepcopy(layer).weight.tolist() == [[1, 2], [2, 10]]


def test_parametrizations_chain_and_assignment_goes_through_right_inverse():
    layer = linear_with([[1.0, 2.0], [3.0, 4.0]])
    parametrize.register_parametrization(layer, "weight", Doubled())
    np.testing.assert_array_equal(layer.parametrizations.weight.original.detach().numpy(), [[0.5, 1], [1.5, 2]])
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[1, 2], [3, 4]])  # the value is kept
    parametrize.register_parametrization(layer, "weight", Doubled())
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[2, 4], [6, 8]])  # applied after the first
    layer.weight = tg.tensor([[4.0, 0.0], [0.0, 4.0]], dtype=tg.float64)
    np.testing.assert_array_equal(layer.parametrizations.weight.original.detach().numpy(), [[1, 0], [0, 1]])
    original = layer.parametrizations.weight.original
    parametrize.remove_parametrizations(layer, "weight")
    assert layer.weight is original and not parametrize.is_parametrized(layer)  # the same Parameter, for optimizers
    np.testing.assert_array_equal(layer.weight.detach().numpy(), [[4, 0], [0, 4]])
    assert repr(layer) == "Linear(in_features=2, out_features=2, bias=True)"
    assert list(layer.state_dict()) == ["bias", "weight"]


def test_parametrize_errors():
    class FirstRow(nn.Module):
        def forward(self, x):
            return x[0]

    with pytest.raises(ValueError, match="may not change the shape of the tensor"):
        parametrize.register_parametrization(nn.Linear(3, 3), "weight", FirstRow())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element with name"):
        parametrize.register_parametrization(nn.Linear(3, 3), "nothere", Symmetric())
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(nn.Linear(3, 3), "weight")
    layer = nn.utils.parametrizations.weight_norm(nn.Linear(3, 3))
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)


def test_parametrize_matches_torch():
    torch = pytest.importorskip("torch")

    class TorchSymmetric(torch.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).T

    theirs, ours = twins(torch, 3, 3)
    torch.nn.utils.parametrize.register_parametrization(theirs, "weight", TorchSymmetric())
    parametrize.register_parametrization(ours, "weight", Symmetric())
    assert repr(ours) == repr(theirs).replace("TorchSymmetric", "Symmetric")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs(torch.tensor(X)).pow(2).sum().backward()
    ours(tg.tensor(X)).pow(2).sum().backward()
    np.testing.assert_allclose(ours.parametrizations.weight.original.grad.numpy(),
                               theirs.parametrizations.weight.original.grad.numpy(), rtol=1e-10)
    torch.nn.utils.parametrize.remove_parametrizations(theirs, "weight")
    parametrize.remove_parametrizations(ours, "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict())


# ---------------------------------------------------------------- parametrizations.weight_norm, spectral_norm

WEIGHT_NORM_REPR = SYMMETRIC_REPR.replace("Symmetric()", "_WeightNorm()")


def test_parametrized_weight_norm():
    layer = nn.utils.parametrizations.weight_norm(linear_with([[3.0, 4.0], [0.0, 2.0]]))
    assert repr(layer) == WEIGHT_NORM_REPR
    keys = ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert list(layer.state_dict()) == keys
    g, v = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    np.testing.assert_allclose(g.detach().numpy(), [[5.0], [2.0]])
    np.testing.assert_allclose(layer.weight.detach().numpy(), [[3, 4], [0, 2]])
    layer(tg.tensor([[1.0, 1.0]], dtype=tg.float64)).sum().backward()
    np.testing.assert_allclose(g.grad.numpy(), [[7 / 5], [1.0]])
    # dL/dv = g / |v| (I - v v^T / |v|^2) dL/dw, with dL/dw = [1, 1]: row 0 (5/5) ([1, 1] - [3, 4] 7/25)
    np.testing.assert_allclose(v.grad.numpy()[0], [1 - 21 / 25, 1 - 28 / 25])
    parametrize.remove_parametrizations(layer, "weight")
    assert list(layer.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(layer.weight.detach().numpy(), [[3, 4], [0, 2]])
    whole = nn.utils.parametrizations.weight_norm(nn.Linear(3, 4), dim=None)  # one length for the whole weight
    assert whole.parametrizations.weight.original0.shape == ()


def test_parametrized_weight_norm_matches_torch():
    torch = pytest.importorskip("torch")
    theirs, ours = twins(torch)
    torch.nn.utils.parametrizations.weight_norm(theirs)
    nn.utils.parametrizations.weight_norm(ours)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    theirs(torch.tensor(X)).pow(2).sum().backward()
    ours(tg.tensor(X)).pow(2).sum().backward()
    for (name, param), (their_name, their_param) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == their_name
        np.testing.assert_allclose(param.grad.numpy(), their_param.grad.numpy(), rtol=1e-10)


def test_spectral_norm_brings_the_largest_singular_value_to_1():
    tg.manual_seed(0)
    layer = nn.utils.parametrizations.spectral_norm(nn.Linear(6, 4).double())
    assert list(layer.state_dict()) == ["bias", "parametrizations.weight.original", "parametrizations.weight.0._u",
                                        "parametrizations.weight.0._v"]
    assert repr(layer).splitlines()[1] == "  in_features=6, out_features=4, bias=True"
    assert repr(layer).splitlines()[4] == "      (0): _SpectralNorm()"
    for _ in range(10):
        layer(tg.zeros(1, 6, dtype=tg.float64))
    assert np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)[0] == pytest.approx(1.0, abs=1e-8)
    spectral = layer.parametrizations.weight[0]
    u = spectral._u.numpy().copy()
    layer.eval()(tg.zeros(1, 6, dtype=tg.float64))
    np.testing.assert_array_equal(spectral._u.numpy(), u)  # eval mode: no power iteration
    # sigma = u . W v, with u and v constants: the same weight divided by a number the gradient sees through W
    original = layer.parametrizations.weight.original
    sigma = u @ original.detach().numpy() @ spectral._v.numpy()
    np.testing.assert_allclose(layer.weight.detach().numpy(), original.detach().numpy() / sigma)
    vector = nn.utils.parametrizations.spectral_norm(nn.Linear(3, 4), "bias")  # a vector: divided by its norm
    assert np.linalg.norm(vector.bias.detach().numpy()) == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(3, 4), n_power_iterations=0)
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'kernel'"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(3, 4), "kernel")
    transposed = nn.utils.parametrizations.spectral_norm(nn.ConvTranspose2d(2, 5, 3))
    assert transposed.parametrizations.weight[0]._u.shape == (5,)  # dim 1, the outputs, for ConvTranspose


def test_spectral_norm_matches_torch_with_the_same_vectors():
    torch = pytest.importorskip("torch")
    theirs, ours = twins(torch, 6, 4)
    torch.nn.utils.parametrizations.spectral_norm(theirs)
    nn.utils.parametrizations.spectral_norm(ours)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    for training in (True, False):
        theirs.train(training), ours.train(training)
        theirs(torch.tensor(X[:, :1].repeat(6, 1))).pow(2).sum().backward()
        ours(tg.tensor(X[:, :1].repeat(6, 1))).pow(2).sum().backward()
        np.testing.assert_allclose(ours.parametrizations.weight[0]._u.numpy(),
                                   theirs.parametrizations.weight[0]._u.numpy(), rtol=1e-10)
        np.testing.assert_allclose(ours.parametrizations.weight.original.grad.numpy(),
                                   theirs.parametrizations.weight.original.grad.numpy(), rtol=1e-9)
