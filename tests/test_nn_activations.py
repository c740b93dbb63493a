"""The less common activations (nn/activation_functions.py and their modules): values and slopes at
their corners and far out, dtypes, in-place forms and reprs. Each check against torch has a twin
with the expected values written out, which runs without torch."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

# Points that hit every corner (0, +-1, +-3, 6, softplus's threshold 20) and the far ends.
POINTS = np.array([-1000.0, -30.0, -6.0, -3.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 3.0, 6.0, 7.0,
                   19.99, 20.0, 20.01, 30.0, 1000.0])

CASES = [("silu", {}), ("elu", {}), ("elu", {"alpha": 2.0}), ("selu", {}), ("celu", {}), ("celu", {"alpha": 2.0}),
         ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 5.0}), ("softsign", {}), ("relu6", {}),
         ("hardtanh", {}), ("hardtanh", {"min_val": -3.0, "max_val": 6.0}), ("hardswish", {}), ("hardsigmoid", {}),
         ("logsigmoid", {}), ("mish", {})]


def value_and_slope(name, options, points=POINTS, dtype=np.float64):
    x = tg.tensor(points, dtype=dtype, requires_grad=True)
    y = getattr(F, name)(x, **options)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("name, options", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_slopes_match_torch_at_corners_and_far_out(name, options, dtype):
    torch = pytest.importorskip("torch")
    x = torch.tensor(POINTS, dtype=getattr(torch, np.dtype(dtype).name), requires_grad=True)
    expected = getattr(torch.nn.functional, name)(x, **options)
    expected.sum().backward()
    value, slope = value_and_slope(name, options, dtype=dtype)
    assert value.dtype == dtype
    tolerance = {"rtol": 1e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-13, "atol": 1e-15}
    np.testing.assert_allclose(value, expected.detach().numpy(), **tolerance)
    if name == "hardsigmoid" and dtype == np.float64:  # PyTorch's slope is 1/6 rounded to float32 even here
        tolerance = {"rtol": 1e-7}
    np.testing.assert_allclose(slope, x.grad.numpy(), **tolerance)


# The twin: slopes at the corners, as PyTorch gives them (torch 2.13, float64).
CORNER_SLOPES = [
    ("elu", {}, [0.0], [1.0]),
    ("elu", {"alpha": 2.0}, [0.0], [2.0]),  # PyTorch takes the exponential side at 0
    ("selu", {}, [0.0], [1.0507009873554805 * 1.6732632423543772]),
    ("celu", {"alpha": 2.0}, [0.0], [1.0]),
    ("silu", {}, [0.0], [0.5]),
    ("mish", {}, [0.0], [0.6]),
    ("logsigmoid", {}, [0.0, -1000.0, 1000.0], [0.5, 1.0, 0.0]),
    ("softsign", {}, [0.0], [1.0]),
    ("relu6", {}, [-1.0, 0.0, 6.0, 7.0], [0.0, 0.0, 0.0, 0.0]),  # 0 at both bounds, unlike clamp
    ("hardtanh", {}, [-2.0, -1.0, 0.0, 1.0, 2.0], [0.0, 0.0, 1.0, 0.0, 0.0]),
    ("hardswish", {}, [-4.0, -3.0, 0.0, 3.0, 4.0], [0.0, 0.0, 0.5, 1.0, 1.0]),
    ("hardsigmoid", {}, [-4.0, -3.0, 0.0, 3.0, 4.0], [0.0, 0.0, 1 / 6, 0.0, 0.0]),
    ("softplus", {}, [19.99, 20.0, 20.01], [0.9999999979181314, 0.9999999979388464, 1.0]),  # linear above 20
    ("softplus", {"beta": 2.0, "threshold": 4.0}, [1.99, 2.0, 2.01], [0.9816571093022567, 0.9820137900379085, 1.0]),
]


@pytest.mark.parametrize("name, options, points, slopes", CORNER_SLOPES)
def test_slopes_at_corners_are_pytorchs(name, options, points, slopes):
    _, slope = value_and_slope(name, options, np.array(points))
    np.testing.assert_allclose(slope, slopes, rtol=1e-12, atol=1e-15)


def test_values_match_their_formulas_written_in_numpy():
    x = np.linspace(-8, 8, 41)
    sigmoid = 1 / (1 + np.exp(-x))
    softplus = np.log1p(np.exp(x))
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    expected = {
        "silu": x * sigmoid, "elu": np.where(x > 0, x, np.expm1(x)),
        "selu": scale * np.where(x > 0, x, alpha * np.expm1(x)),
        "celu": np.maximum(x, 0) + np.minimum(0, np.expm1(x)), "softplus": softplus, "softsign": x / (1 + abs(x)),
        "relu6": np.clip(x, 0, 6), "hardtanh": np.clip(x, -1, 1), "hardswish": x * np.clip(x + 3, 0, 6) / 6,
        "hardsigmoid": np.clip(x + 3, 0, 6) / 6, "logsigmoid": np.log(sigmoid), "mish": x * np.tanh(softplus),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(getattr(F, name)(tg.tensor(x))._data, values, rtol=1e-13, atol=1e-15, err_msg=name)


def test_large_inputs_stay_finite_with_finite_slopes():
    values = {"softplus": [0.0, 1000.0], "logsigmoid": [-1000.0, 0.0], "mish": [0.0, 1000.0], "silu": [0.0, 1000.0],
              "elu": [-1.0, 1000.0], "selu": [-1.7580993408473766, 1050.7009873554805], "celu": [-1.0, 1000.0]}
    for name, expected in values.items():
        for dtype in (np.float32, np.float64):
            value, slope = value_and_slope(name, {}, np.array([-1000.0, 1000.0]), dtype)
            np.testing.assert_allclose(value, expected, rtol=1e-6, err_msg=name)
            assert np.isfinite(slope).all(), name
    # log1p keeps what 1 + exp(-20) would round away
    assert F.logsigmoid(tg.tensor([20.0]))._data[0] == pytest.approx(-2.0611536e-09, rel=1e-6)


def test_integer_and_bool_inputs_as_pytorch():
    ints = tg.tensor([-2, 0, 3, 7])
    for name in ("silu", "elu", "selu", "celu", "softplus", "hardswish", "hardsigmoid", "logsigmoid", "mish", "glu",
                 "gelu"):
        with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
            getattr(F, name)(ints)
    assert F.relu6(ints).dtype == tg.int64 and F.relu6(ints).tolist() == [0, 0, 3, 6]
    assert F.hardtanh(ints.int(), -1.5, 2.5).dtype == tg.int32  # bounds truncated to -1 and 2, as PyTorch
    assert F.hardtanh(ints, -1.5, 2.5).tolist() == [-1, 0, 2, 2]
    assert F.softsign(ints).dtype == tg.float32  # a division
    assert F.softsign(tg.tensor([1.0], dtype=tg.float16)).dtype == tg.float16
    with pytest.raises(RuntimeError, match="Bool inputs not supported for hardtanh"):
        F.relu6(tg.tensor([True]))
    with pytest.raises(NotImplementedError, match="'Bool'"):
        F.softsign(tg.tensor([True]))
    for approximate in ("none", "tanh"):
        with pytest.raises(NotImplementedError, match="gelu: not implemented for 'Bool'"):
            nn.GELU(approximate)(tg.tensor([True]))


def test_integer_and_bool_inputs_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    for name in ("silu", "elu", "softplus", "hardswish", "logsigmoid", "mish", "glu", "gelu"):
        with pytest.raises(NotImplementedError):
            getattr(tf, name)(torch.tensor([-2, 0, 3, 7]))
    for approximate in ("none", "tanh"):
        with pytest.raises(NotImplementedError, match="'Bool'"):
            torch.nn.GELU(approximate)(torch.tensor([True]))
    assert tf.hardtanh(torch.tensor([-2, 0, 3, 7]), -1.5, 2.5).tolist() == [-1, 0, 2, 2]
    assert tf.softsign(torch.tensor([-2, 0, 3, 7])).dtype == torch.float32
    with pytest.raises(RuntimeError, match="Bool inputs not supported for hardtanh"):
        tf.relu6(torch.tensor([True]))


def test_inplace_changes_the_input_and_is_recorded_in_a_graph():
    x = tg.tensor([-1.0, 2.0])
    assert F.elu(x, inplace=True) is x
    np.testing.assert_allclose(x._data, [math.expm1(-1.0), 2.0], rtol=1e-6)
    leaf = tg.tensor([-1.0, 2.0], dtype=tg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="silu_: a leaf Variable that requires grad"):
        F.silu(leaf, inplace=True)
    hidden = leaf * 1
    assert nn.SiLU(inplace=True)(hidden) is hidden
    hidden.sum().backward()
    sigmoid = 1 / (1 + np.exp(-leaf._data))
    np.testing.assert_allclose(leaf.grad._data, sigmoid * (1 + leaf._data * (1 - sigmoid)), rtol=1e-14)
    y = tg.tensor([-1.0, 0.5, 8.0])
    pairs = [(nn.ReLU6(True), nn.ReLU6()), (nn.Hardtanh(-2.0, 3.0, True), nn.Hardtanh(-2.0, 3.0)),
             (nn.ELU(inplace=True), nn.ELU()), (nn.CELU(inplace=True), nn.CELU()), (nn.SELU(True), nn.SELU()),
             (nn.Mish(True), nn.Mish()), (nn.Hardswish(True), nn.Hardswish()), (nn.Hardsigmoid(True), nn.Hardsigmoid())]
    for in_place, out_of_place in pairs:
        expected = out_of_place(y)
        assert in_place(y) is y
        np.testing.assert_array_equal(y._data, expected._data)


def test_glu_halves_along_dim_and_explains_odd_sizes():
    x = tg.tensor([[1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_allclose(F.glu(x)._data, [[1 / (1 + math.exp(-3)), 2 / (1 + math.exp(-4))]], rtol=1e-6)
    assert nn.GLU(dim=1)(tg.zeros(2, 4, 3)).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 0 is size 3"):
        F.glu(tg.zeros(3))
    with pytest.raises(RuntimeError, match="does not support scalars"):
        F.glu(tg.tensor(1.0))
    with pytest.raises(IndexError, match="glu: dim 2 is out of range"):
        F.glu(tg.zeros(2, 4), dim=2)


def modules(namespace):
    return [namespace.SiLU(), namespace.ELU(), namespace.SELU(), namespace.CELU(), namespace.Softplus(),
            namespace.Softsign(), namespace.ReLU6(), namespace.Hardtanh(), namespace.Hardswish(),
            namespace.Hardsigmoid(), namespace.LogSigmoid(), namespace.Mish(), namespace.GLU(),
            namespace.ELU(inplace=True), namespace.SiLU(True), namespace.ReLU6(True),
            namespace.Hardtanh(-2.0, 3.0, True), namespace.CELU(2.0, True), namespace.Softplus(2, 10),
            namespace.SELU(True), namespace.Hardswish(True), namespace.Hardsigmoid(True), namespace.Mish(True),
            namespace.GLU(1)]


REPRS = ["SiLU()", "ELU(alpha=1.0)", "SELU()", "CELU(alpha=1.0)", "Softplus(beta=1.0, threshold=20.0)", "Softsign()",
         "ReLU6()", "Hardtanh(min_val=-1.0, max_val=1.0)", "Hardswish()", "Hardsigmoid()", "LogSigmoid()", "Mish()",
         "GLU(dim=-1)", "ELU(alpha=1.0, inplace=True)", "SiLU(inplace=True)", "ReLU6(inplace=True)",
         "Hardtanh(min_val=-2.0, max_val=3.0, inplace=True)", "CELU(alpha=2.0, inplace=True)",
         "Softplus(beta=2, threshold=10)", "SELU(inplace=True)", "Hardswish()", "Hardsigmoid()", "Mish(inplace=True)",
         "GLU(dim=1)"]


def test_module_reprs_and_empty_state_dicts():
    for module, expected in zip(modules(nn), REPRS, strict=True):
        assert repr(module) == expected
        assert module.state_dict() == {}


def test_module_reprs_match_torch():
    torch = pytest.importorskip("torch")
    assert [repr(m) for m in modules(torch.nn)] == REPRS


def test_hardtanh_module_checks_its_bounds_and_takes_the_old_names():
    with pytest.raises(AssertionError, match=r"max_val \(1.0\) must be greater than min_val \(1.0\)"):
        nn.Hardtanh(1.0, 1.0)
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        module = nn.Hardtanh(min_value=-2.0)
    assert repr(module) == "Hardtanh(min_val=-2.0, max_val=1.0)"
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(tg.zeros(2), 2.0, 1.0)
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu(tg.zeros(2), alpha=0.0)


def relu_family_reprs(namespace):
    return [repr(m) for m in (namespace.ReLU(), namespace.ReLU(inplace=True), namespace.LeakyReLU(),
                              namespace.LeakyReLU(0.1, inplace=True), namespace.Dropout(0.3, inplace=True),
                              namespace.Dropout())]


RELU_FAMILY_REPRS = ["ReLU()", "ReLU(inplace=True)", "LeakyReLU(negative_slope=0.01)",
                     "LeakyReLU(negative_slope=0.1, inplace=True)", "Dropout(p=0.3, inplace=True)",
                     "Dropout(p=0.5, inplace=False)"]


def test_relu_leaky_relu_and_dropout_take_inplace_as_pytorch():
    assert relu_family_reprs(nn) == RELU_FAMILY_REPRS
    x = tg.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0]
    x = tg.tensor([-1.0, 2.0])
    assert nn.LeakyReLU(0.1, inplace=True)(x) is x and x.tolist() == [pytest.approx(-0.1), 2.0]
    x = tg.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]
    assert nn.ReLU()(x) is not x
    x = tg.tensor([1.0, 2.0, 3.0, 4.0])
    assert nn.Dropout(0.5, inplace=True)(x) is x and set(x.tolist()) <= {0.0, 2.0, 4.0, 6.0, 8.0}
    assert F.dropout(x, 1.0, inplace=True) is x and x.tolist() == [0.0] * 4
    assert F.dropout(x, 0.5, training=False, inplace=True) is x
    leaf = tg.tensor([-1.0, 2.0], requires_grad=True)
    for name, function in (("relu_", F.relu), ("leaky_relu_", F.leaky_relu), ("dropout_", F.dropout)):
        with pytest.raises(RuntimeError, match=f"{name}: a leaf Variable that requires grad"):
            function(leaf, inplace=True)
    hidden = leaf * 1
    assert F.leaky_relu(hidden, 0.1, inplace=True) is hidden
    hidden.sum().backward()
    assert leaf.grad.tolist() == [pytest.approx(0.1), 1.0]
    ints = tg.tensor([1, -2])
    assert F.relu(ints, inplace=True) is ints and ints.tolist() == [1, 0]
    with pytest.raises(NotImplementedError, match="leaky_relu: not implemented for 'Long'"):
        F.leaky_relu(ints)
    assert F.dropout(ints, 1.0).tolist() == [0, 0] and F.dropout(ints, 1.0).dtype == tg.int64
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        F.dropout(ints, 0.5)


def test_relu_leaky_relu_and_dropout_inplace_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    assert relu_family_reprs(torch.nn) == RELU_FAMILY_REPRS
    x = torch.tensor([-1.0, 2.0])
    assert tf.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0]
    x = torch.tensor([-1.0, 2.0])
    assert torch.nn.LeakyReLU(0.1, inplace=True)(x) is x and x.tolist() == [pytest.approx(-0.1), 2.0]
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert tf.dropout(x, 1.0, inplace=True) is x and x.tolist() == [0.0] * 4
    assert tf.dropout(x, 0.5, training=False, inplace=True) is x
    leaf = torch.tensor([-1.0, 2.0], requires_grad=True)
    for function in (tf.relu, tf.leaky_relu, tf.dropout):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            function(leaf, inplace=True)
    hidden = leaf * 1
    tf.leaky_relu(hidden, 0.1, inplace=True).sum().backward()
    assert leaf.grad.tolist() == [pytest.approx(0.1), 1.0]
    ints = torch.tensor([1, -2])
    assert tf.relu(ints, inplace=True) is ints and ints.tolist() == [1, 0]
    with pytest.raises(NotImplementedError, match="'Long'"):
        tf.leaky_relu(ints)
    assert tf.dropout(ints, 1.0).tolist() == [0, 0] and tf.dropout(ints, 1.0).dtype == torch.int64
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        tf.dropout(ints, 0.5)
