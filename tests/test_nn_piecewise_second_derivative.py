"""relu, leaky_relu, hardtanh, relu6, hardswish and hardsigmoid to second order, at their corners,
at nan and at the infinities, as PyTorch's: with create_graph=True the gradient requires grad (its
node depends on x, as PyTorch's threshold_backward and its kind do), and a second grad gives the
second derivative, 0 for the straight-line activations, without allow_unused. hardsigmoid's second
derivative is 0 here where PyTorch raises ("derivative for aten::hardsigmoid_backward is not
implemented"), so only its first derivative is compared with torch."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

POINTS = [-4.0, -3.0, -1.0, 0.0, 0.5, 1.0, 3.0, 6.0, 7.0, math.nan, math.inf, -math.inf]
SIXTH, THIRD = 1 / 6, 1 / 3
# name, options, first derivatives at POINTS, second derivatives at POINTS (torch 2.13, float64),
# and the node PyTorch names the first derivative's grad_fn
CASES = [
    ("relu", {}, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0], [0] * 12, "ThresholdBackwardBackward0"),
    ("leaky_relu", {}, [0.01, 0.01, 0.01, 0.01, 1, 1, 1, 1, 1, 0.01, 1, 0.01], [0] * 12, "LeakyReluBackwardBackward0"),
    ("leaky_relu", {"negative_slope": 0.2}, [0.2, 0.2, 0.2, 0.2, 1, 1, 1, 1, 1, 0.2, 1, 0.2], [0] * 12,
     "LeakyReluBackwardBackward0"),
    ("hardtanh", {}, [0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0], [0] * 12, "HardtanhBackwardBackward0"),
    ("hardtanh", {"min_val": -3.0, "max_val": 6.0}, [0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0], [0] * 12,
     "HardtanhBackwardBackward0"),
    ("relu6", {}, [0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0], [0] * 12, "HardtanhBackwardBackward0"),
    ("hardswish", {}, [0, 0, SIXTH, 0.5, 2 * THIRD, 5 * SIXTH, 1, 1, 1, 1, 1, 0],
     [0, 0, THIRD, THIRD, THIRD, THIRD, 0, 0, 0, 0, 0, 0], "HardswishBackwardBackward0"),
    ("hardsigmoid", {}, [0, 0, SIXTH, SIXTH, SIXTH, SIXTH, 0, 0, 0, 0, 0, 0], [0] * 12, None),
]
IDS = [f"{name}{options or ''}" for name, options, *_ in CASES]


def derivatives(lib, functional, name, options, second=True):
    """(first derivative, whether it requires grad, its node, second derivative or None) at POINTS."""
    x = lib.tensor(POINTS, dtype=lib.float64, requires_grad=True)
    (slope,) = lib.autograd.grad(getattr(functional, name)(x, **options).sum(), x, create_graph=True)
    curvature = lib.autograd.grad(slope.sum(), x)[0].numpy() if second else None
    return slope.detach().numpy(), slope.requires_grad, slope.grad_fn, curvature


def node_name(node) -> str:
    return node.name() if isinstance(node, tg.autograd.Function) else type(node).__name__


@pytest.mark.parametrize("name, options, slopes, curvatures, node", CASES, ids=IDS)
def test_first_and_second_derivatives_at_corners_nan_and_infinities(name, options, slopes, curvatures, node):
    slope, requires_grad, _, curvature = derivatives(tg, F, name, options)
    assert requires_grad
    np.testing.assert_allclose(slope, slopes, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(curvature, curvatures)


@pytest.mark.parametrize("name, options, slopes, curvatures, node", CASES, ids=IDS)
def test_first_and_second_derivatives_match_torch(name, options, slopes, curvatures, node):
    torch = pytest.importorskip("torch")
    second = node is not None  # PyTorch has no second derivative of hardsigmoid
    ours = derivatives(tg, F, name, options, second)
    theirs = derivatives(torch, torch.nn.functional, name, options, second)
    rtol = 1e-7 if name == "hardsigmoid" else 1e-12  # PyTorch's slope there is 1/6 rounded to float32
    np.testing.assert_allclose(ours[0], theirs[0], rtol=rtol, atol=0)
    assert ours[1] == theirs[1] is True
    if second:
        np.testing.assert_array_equal(ours[3], theirs[3])
    np.testing.assert_allclose(slopes, theirs[0], rtol=rtol, atol=0)  # the table above is PyTorch's
    if node is not None:
        assert node_name(theirs[2]) == node


@pytest.mark.parametrize("name, options, slopes, curvatures, node", [c for c in CASES if c[4]], ids=IDS[:-1])
def test_the_gradients_node_is_named_as_pytorchs(name, options, slopes, curvatures, node):
    if name == "hardswish":
        pytest.skip("hardswish is composite here: its gradient ends in an AddBackward0")
    assert node_name(derivatives(tg, F, name, options)[2]) == node


@pytest.mark.parametrize("name, options", [("leaky_relu", {"negative_slope": 0.2}), ("hardtanh", {}), ("relu6", {})])
@pytest.mark.parametrize("create_graph", [False, True])
def test_inf_and_nan_gradients_are_selected_not_multiplied(name, options, create_graph):
    """PyTorch's rule: where the slope is 0 the gradient is exactly 0 whatever g is (g * 0 would
    give nan for inf and nan), where it is 1, g itself; on both backward routes."""
    x = tg.tensor([-2.0, 0.5, 0.5, 7.0], dtype=tg.float64, requires_grad=True)
    g = tg.tensor([math.inf, math.nan, math.inf, math.nan], dtype=tg.float64)
    (gx,) = tg.autograd.grad(getattr(F, name)(x, **options), [x], g, create_graph=create_graph)
    expected = {"leaky_relu": [math.inf, math.nan, math.inf, math.nan], "hardtanh": [0.0, math.nan, math.inf, 0.0],
                "relu6": [0.0, math.nan, math.inf, 0.0]}[name]
    np.testing.assert_array_equal(gx.detach().numpy(), expected)
