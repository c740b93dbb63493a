"""The padding layers (nn.ZeroPad2d, nn.ReflectionPad2d, ...): F.pad as modules, with PyTorch's reprs.
Written-out values first; then every layer against torch, values and gradients, when torch is installed."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

ROW = [[[1.0, 2.0, 3.0]]]  # (N, C, W) = (1, 1, 3)


@pytest.mark.parametrize("layer, expected", [
    (nn.ZeroPad1d(2), [0, 0, 1, 2, 3, 0, 0]),
    (nn.ConstantPad1d((1, 2), 9.0), [9, 1, 2, 3, 9, 9]),
    (nn.ReflectionPad1d(2), [3, 2, 1, 2, 3, 2, 1]),
    (nn.ReplicationPad1d(2), [1, 1, 1, 2, 3, 3, 3]),
    (nn.CircularPad1d(2), [2, 3, 1, 2, 3, 1, 2]),
])
def test_values_written_out(layer, expected):
    x = tg.tensor(ROW, requires_grad=True)
    y = layer(x)
    assert y.detach().numpy()[0, 0].tolist() == expected
    y.sum().backward()  # each input element gets one for every place it was copied to
    copies = [sum(1 for e in expected if e == v) for v in (1.0, 2.0, 3.0)]
    assert x.grad.numpy()[0, 0].tolist() == copies


def test_reprs_and_no_state():
    assert repr(nn.ZeroPad2d(1)) == "ZeroPad2d((1, 1, 1, 1))"
    assert repr(nn.ZeroPad2d((1, 2, 3, 4))) == "ZeroPad2d((1, 2, 3, 4))"
    assert repr(nn.ConstantPad2d((1, 0, 2, 0), -1.0)) == "ConstantPad2d(padding=(1, 0, 2, 0), value=-1.0)"
    assert repr(nn.ReflectionPad3d(1)) == "ReflectionPad3d((1, 1, 1, 1, 1, 1))"
    assert repr(nn.ReplicationPad1d((1, 2))) == "ReplicationPad1d((1, 2))"
    assert repr(nn.CircularPad2d(1)) == "CircularPad2d((1, 1, 1, 1))"
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d) and nn.ZeroPad2d(1).value == 0.0
    assert nn.ReflectionPad2d(1).state_dict() == {} and list(nn.ReflectionPad2d(1).parameters()) == []


def test_a_mode_that_cannot_pad_says_so():
    with pytest.raises(RuntimeError, match="padding length"):
        nn.ReflectionPad2d(1)(tg.zeros(3))
    with pytest.raises(RuntimeError, match="reflect"):
        nn.ReflectionPad1d(3)(tg.tensor(ROW))  # reflect reaches at most size - 1


LAYERS = [(name, dims) for dims in (1, 2, 3)
          for name in ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")]


@pytest.mark.parametrize("name, dims", LAYERS)
def test_against_torch(name, dims):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(dims)
    x = rng.standard_normal((2, 3) + (4,) * dims)
    padding = tuple(int(p) for p in rng.integers(0, 3, 2 * dims))
    args = (padding, 0.5) if name == "ConstantPad" else (padding,)
    ours, theirs = getattr(nn, f"{name}{dims}d")(*args), getattr(torch.nn, f"{name}{dims}d")(*args)
    assert repr(ours) == repr(theirs)
    xt, xo = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    yt, yo = theirs(xt), ours(xo)
    np.testing.assert_array_equal(yo.detach().numpy(), yt.detach().numpy())
    g = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g))
    yo.backward(tg.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-14, atol=1e-14)


def test_negative_constant_padding_crops_as_pytorch():
    x = tg.arange(12.0).reshape(3, 4).requires_grad_()
    y = tg.nn.functional.pad(x, (-1, 2, 1, -2), value=7.0)  # cut a column on the left, a row at the bottom
    assert y.detach().numpy().tolist() == [[7, 7, 7, 7, 7], [1, 2, 3, 7, 7]]
    y.sum().backward()
    assert x.grad.numpy().tolist() == [[0, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert nn.ZeroPad1d((-3, 0))(tg.ones(2, 3)).shape == (2, 0)
    with pytest.raises(RuntimeError, match="would be negative"):
        tg.nn.functional.pad(tg.ones(3), (-2, -2))


def test_negative_constant_padding_against_torch():
    torch = pytest.importorskip("torch")
    x = np.arange(24.0).reshape(2, 3, 4)
    g = np.random.default_rng(0).standard_normal((2, 4, 3))
    xt, xo = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    yt, yo = torch.nn.functional.pad(xt, (-2, 1, 2, -1), value=0.5), tg.nn.functional.pad(xo, (-2, 1, 2, -1), value=0.5)
    np.testing.assert_array_equal(yo.detach().numpy(), yt.detach().numpy())
    yt.backward(torch.tensor(g))
    yo.backward(tg.tensor(g))
    np.testing.assert_array_equal(xo.grad.numpy(), xt.grad.numpy())
