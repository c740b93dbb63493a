"""nn.Bilinear and F.bilinear: PyTorch's values, gradients, initialisation, repr, state_dict keys, batch dims and
errors. Written-out cases here, torch behind importorskip; the registry (tests/registry_padding_bilinear.py)
gradchecks F.bilinear to second order against NumPy's einsum."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

WEIGHT = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]  # (out 2, in1 2, in2 3)

ERRORS = [  # (input1, input2, weight, bias shapes, PyTorch's message)
    ((5, 2), (1, 3), (4, 2, 3), (4,), "input batch dimensions do not match at dim 0: got 5 and 1"),
    ((5, 2), (3,), (4, 2, 3), (4,), "input dimensions do not match: got 2 and 1"),
    ((5, 2), (5, 4), (4, 2, 3), (4,), "input2 size does not match weight size: got 4 but expected 3"),
    ((5, 3), (5, 3), (4, 2, 3), (4,), "input1 size does not match weight size: got 3 but expected 2"),
    ((5, 2), (5, 3), (4, 2, 3), (5,), "bias size does not match weight size: got 5 but expected 4"),
    ((5, 2), (5, 3), (4, 2, 3), (1, 4), "bias size does not match weight size: got 1 but expected 4"),
]


def test_bilinear_written_out():
    # y_o = x1^T A_o x2: A_0 x2 = [-2, -2], so y_0 = 1*-2 + 2*-2 = -6; A_1 x2 = [0, 0], so y_1 = 0
    x1 = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    x2 = tg.tensor([1.0, 0.0, -1.0], dtype=tg.float64, requires_grad=True)
    weight = tg.tensor(WEIGHT, dtype=tg.float64, requires_grad=True)
    bias = tg.tensor([0.5, -1.0], dtype=tg.float64, requires_grad=True)
    y = F.bilinear(x1, x2, weight, bias)
    np.testing.assert_allclose(y.detach().numpy(), [-5.5, -1.0])
    y.sum().backward()
    np.testing.assert_allclose(x1.grad.numpy(), [-2.0, -2.0])  # sum_o A_o x2
    np.testing.assert_allclose(x2.grad.numpy(), [12.0, 15.0, 18.0])  # sum_o x1^T A_o = [9, 12, 15] + [3, 3, 3]
    np.testing.assert_allclose(weight.grad.numpy(), [[[1, 0, -1], [2, 0, -2]]] * 2)  # outer(x1, x2) for each o
    np.testing.assert_allclose(bias.grad.numpy(), [1.0, 1.0])
    # batch dims: each row on its own; no bias
    batch1, batch2 = tg.stack([x1.detach(), -x1.detach()]), tg.stack([x2.detach(), x2.detach()])
    np.testing.assert_allclose(F.bilinear(batch1, batch2, weight.detach()).numpy(), [[-6.0, 0.0], [6.0, 0.0]])
    assert tuple(F.bilinear(tg.zeros(7, 5, 2), tg.zeros(7, 5, 3), tg.zeros(4, 2, 3)).shape) == (7, 5, 4)
    assert tuple(F.bilinear(tg.zeros(0, 2), tg.zeros(0, 3), tg.zeros(4, 2, 3)).shape) == (0, 4)


def test_bilinear_module_init_repr_and_state_dict():
    layer = nn.Bilinear(4, 3, 5)
    assert repr(layer) == "Bilinear(in1_features=4, in2_features=3, out_features=5, bias=True)"
    assert repr(nn.Bilinear(2, 3, 4, bias=False)) == \
        "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)"
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert tuple(layer.weight.shape) == (5, 4, 3) and tuple(layer.bias.shape) == (5,)
    assert layer.weight.dtype == tg.float32 and nn.Bilinear(2, 3, 4, dtype=tg.float64).weight.dtype == tg.float64
    assert nn.Bilinear(2, 3, 4, bias=False).bias is None
    # PyTorch's init: weight and bias from U(-1/sqrt(in1_features), 1/sqrt(in1_features)) = U(-0.5, 0.5) here
    tg.manual_seed(0)
    big = nn.Bilinear(4, 50, 40)
    for param in (big.weight, big.bias):
        values = param.detach().numpy()
        assert np.abs(values).max() <= 0.5 and np.abs(values).max() > 0.45
    assert abs(big.weight.detach().numpy().std() - 1 / math.sqrt(12)) < 0.01  # a uniform's spread, width 1
    tg.manual_seed(0)
    np.testing.assert_array_equal(nn.Bilinear(4, 50, 40).weight.detach().numpy(), big.weight.detach().numpy())
    out = layer(tg.ones(2, 4), tg.ones(2, 3))
    assert tuple(out.shape) == (2, 5)
    np.testing.assert_allclose(out.detach().numpy()[0], layer.weight.detach().numpy().sum((1, 2)) +
                               layer.bias.detach().numpy(), rtol=1e-5)


@pytest.mark.parametrize("shapes", ERRORS)
def test_bilinear_errors(shapes):
    *sizes, message = shapes
    with pytest.raises(RuntimeError, match=message):
        F.bilinear(*(tg.zeros(*size) for size in sizes))
    with pytest.raises(RuntimeError, match="all tensors must have the same dtype, got input1: tinygrad_edu.float64"):
        nn.Bilinear(2, 3, 4)(tg.zeros(5, 2, dtype=tg.float64), tg.zeros(5, 3))
    with pytest.raises(RuntimeError, match=r"weight must be 3-D .* got shape \(4, 2\)"):
        F.bilinear(tg.zeros(5, 2), tg.zeros(5, 3), tg.zeros(4, 2))


def test_bilinear_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    theirs = torch.nn.Bilinear(2, 3, 4).double()
    ours = nn.Bilinear(2, 3, 4, dtype=tg.float64)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    for batch in [(5,), (), (7, 5), (0,)]:
        x1, x2 = rng.normal(size=batch + (2,)), rng.normal(size=batch + (3,))
        t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
        o1, o2 = tg.tensor(x1, requires_grad=True), tg.tensor(x2, requires_grad=True)
        want, got = theirs(t1, t2), ours(o1, o2)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
        g = rng.normal(size=tuple(want.shape))
        want.backward(torch.tensor(g))
        got.backward(tg.tensor(g))
        for mine, its in ((o1, t1), (o2, t2), (ours.weight, theirs.weight), (ours.bias, theirs.bias)):
            np.testing.assert_allclose(mine.grad.numpy(), its.grad.numpy(), rtol=1e-12, atol=1e-12)
        theirs.zero_grad()
        ours.zero_grad()
    for *sizes, message in ERRORS:
        with pytest.raises(RuntimeError, match=message):
            torch.nn.functional.bilinear(*(torch.zeros(*size) for size in sizes))
    # PyTorch's init draws from the same bounds: the largest |value| of a big layer is near 1/sqrt(in1_features)
    assert 0.45 < torch.nn.Bilinear(4, 50, 40).weight.abs().max().item() <= 0.5
