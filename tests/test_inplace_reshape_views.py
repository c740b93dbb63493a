"""In-place ops on a reshape view (view, squeeze, unsqueeze) of a tensor in the graph, as PyTorch
allows them: conv1d and the 1-D pools give a squeezed conv2d/pool2d output, so the common
nn.Conv1d -> nn.ReLU(inplace=True) raised before."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

X = np.arange(-9, 9, dtype=np.float64).reshape(2, 1, 9) / 4
W = np.array([[[1.0, -2.0, 0.5]], [[-1.0, 0.5, 1.5]]])


def conv1d_relu_inplace(lib, functional):
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    y = functional.conv1d(x, w)
    z = functional.relu(y, inplace=True)
    assert z is y
    gx, gw = lib.autograd.grad((z * z).sum(), (x, w), create_graph=True)
    (ggx,) = lib.autograd.grad((gw * gw).sum(), (x,))
    return [t.detach().numpy() for t in (z, gx, gw, ggx)]


def numpy_conv1d_relu():
    """z = relu(conv1d(x, w)), loss = sum z^2: dz = 2 z, gx/gw by the correlation's adjoint."""
    windows = np.stack([X[:, 0, i:i + 3] for i in range(7)], axis=1)  # (2, 7, 3)
    y = np.einsum("nik,ok->noi", windows, W[:, 0])
    z = np.maximum(y, 0)
    dy = 2 * z
    gw = np.einsum("noi,nik->ok", dy, windows)[:, None]
    gx = np.zeros_like(X)
    for i in range(7):
        gx[:, 0, i:i + 3] += np.einsum("no,ok->nk", dy[:, :, i], W[:, 0])
    return z, gx, gw


def test_conv1d_then_inplace_relu_matches_numpy():
    z, gx, gw, ggx = conv1d_relu_inplace(tg, F)
    z_ref, gx_ref, gw_ref = numpy_conv1d_relu()
    np.testing.assert_allclose(z, z_ref)
    np.testing.assert_allclose(gx, gx_ref)
    np.testing.assert_allclose(gw, gw_ref)
    assert ggx.shape == X.shape and np.abs(ggx).sum() > 0


def test_conv1d_then_inplace_relu_matches_torch():
    torch = pytest.importorskip("torch")
    ours = conv1d_relu_inplace(tg, F)
    theirs = conv1d_relu_inplace(torch, torch.nn.functional)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_inplace_on_a_view_changes_its_base_and_the_gradient_sees_it():
    a = tg.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)
    base = a * 1
    flat = base.view(4)
    flat.mul_(3)
    assert base.tolist() == [[3.0, -6.0], [9.0, -12.0]]
    (base * base).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 18 * a.detach().numpy())  # d(3a)^2/da = 18a


def test_inplace_on_a_view_of_a_leaf_still_raises():
    leaf = tg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.view(6).relu_()
    assert leaf.tolist() == [[1.0] * 3] * 2


def test_unbatched_conv2d_then_inplace_relu():
    conv = tg.nn.Conv2d(1, 1, 2, bias=False)
    with tg.no_grad():
        conv.weight.fill_(1.0)
    x = tg.tensor([[[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [0.0, 0.0, -5.0]]], requires_grad=True)
    out = tg.nn.ReLU(inplace=True)(conv(x))  # window sums [[2.5, 4], [-0.5, -3]]
    assert out.tolist() == [[[2.5, 4.0], [0.0, 0.0]]]
    out.sum().backward()
    assert x.grad.tolist() == [[[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [0.0, 0.0, 0.0]]]
