"""sign as PyTorch's: 0 at nan, a node (SignBackward0) whose gradient is zeros, so that abs's first
derivative recorded with create_graph=True requires grad and its second derivative is zeros; and
minimum as its own node (MinimumBackward0) with PyTorch's rule at ties (half each) and at nan
(the whole gradient to each input). Each torch comparison has a twin with PyTorch 2.13's numbers."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg

NAN, INF = math.nan, math.inf
X = [-1.5, -0.0, 0.0, 2.0, NAN, INF, -INF]
SIGN = [-1.0, 0.0, 0.0, 1.0, 0.0, 1.0, -1.0]  # PyTorch's: 0 at nan and +0 at -0 (NumPy: nan, -0)


def abs_derivatives(lib, dtype_name):
    """abs's value's first derivative (recorded), whether it requires grad, its node, the second
    derivative, and the plain first derivative, in `lib` (tinygrad_edu or torch)."""
    x = lib.tensor(X, dtype=getattr(lib, dtype_name), requires_grad=True)
    (slope,) = lib.autograd.grad(x.abs().sum(), x, create_graph=True)
    (curvature,) = lib.autograd.grad(slope.sum(), x)
    x.abs().sum().backward()
    # (+ 0: torch's zeros from SignBackward0 have no storage for tolist)
    return slope.detach().tolist(), slope.requires_grad, slope.grad_fn.name(), (curvature + 0).tolist(), x.grad.tolist()


@pytest.mark.parametrize("dtype_name", ["float16", "float32", "float64"])
def test_sign_values_and_zero_gradient_are_pytorchs(dtype_name):
    x = tg.tensor(X, dtype=getattr(tg, dtype_name), requires_grad=True)
    y = x.sign()
    values = y.detach().numpy()
    assert y.tolist() == SIGN and not np.signbit(values[values == 0]).any() and y.dtype == x.dtype
    assert y.grad_fn.name() == "SignBackward0" and x.sgn().grad_fn.name() == "SgnBackward0"
    y.backward(tg.tensor([INF, NAN, 1.0, 1.0, 1.0, 1.0, 1.0], dtype=getattr(tg, dtype_name)))
    assert x.grad.tolist() == [0.0] * len(X)  # zeros, even under an inf or nan gradient


def test_sign_of_integers_and_bools_as_pytorch():
    assert tg.tensor([-3, 0, 4]).sign().tolist() == [-1, 0, 1]
    assert tg.tensor([1, 0], dtype=tg.uint8).sgn().dtype == tg.uint8
    assert tg.tensor([True, False]).sign().tolist() == [True, False]


def test_abs_under_create_graph_is_pytorchs():
    slope, requires_grad, node, curvature, plain = abs_derivatives(tg, "float64")
    assert slope == SIGN and plain == SIGN  # slope 0 at 0 and at nan, as PyTorch's grad * sgn(x)
    assert requires_grad and node == "MulBackward0"
    assert curvature == [0.0] * len(X)


@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_abs_matches_torch(dtype_name):
    torch = pytest.importorskip("torch")
    assert abs_derivatives(tg, dtype_name) == abs_derivatives(torch, dtype_name)
    assert tg.tensor(X).sign().tolist() == torch.tensor(X).sign().tolist()


MIN_X = [1.0, 2.0, NAN, 1.0, NAN, 3.0]
MIN_Y = [1.0, 1.0, 1.0, NAN, NAN, 4.0]
TIES = {  # op: (its node, x.grad, y.grad) under the gradient [1, 2, ..., 6], PyTorch 2.13's
    "minimum": ("MinimumBackward0", [0.5, 0.0, 3.0, 4.0, 5.0, 6.0], [0.5, 2.0, 3.0, 4.0, 5.0, 0.0]),
    "maximum": ("MaximumBackward0", [0.5, 2.0, 3.0, 4.0, 5.0, 0.0], [0.5, 0.0, 3.0, 4.0, 5.0, 6.0]),
}


def tie_gradients(lib, op):
    x = lib.tensor(MIN_X, dtype=lib.float64, requires_grad=True)
    y = lib.tensor(MIN_Y, dtype=lib.float64, requires_grad=True)
    z = getattr(lib, op)(x, y)
    z.backward(lib.arange(1.0, 7.0, dtype=lib.float64))
    return z.grad_fn.name(), x.grad.tolist(), y.grad.tolist()


@pytest.mark.parametrize("op", TIES)
def test_minimum_and_maximum_at_ties_and_nan_are_pytorchs(op):
    assert tie_gradients(tg, op) == TIES[op]


@pytest.mark.parametrize("op", TIES)
def test_minimum_and_maximum_at_ties_and_nan_match_torch(op):
    torch = pytest.importorskip("torch")
    assert tie_gradients(torch, op) == TIES[op]


def test_min_with_a_tensor_is_minimum():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    z = x.min(tg.tensor([1.0, 3.0]))
    assert z.grad_fn.name() == "MinimumBackward0" and z.tolist() == [1.0, 2.0]
    z.sum().backward()
    assert x.grad.tolist() == [0.5, 1.0]
    with pytest.raises(RuntimeError, match=r"^minimum: shapes \(2,\) and \(3,\) cannot be broadcast"):
        x.minimum(tg.zeros(3))
