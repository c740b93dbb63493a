"""Adaptive pooling, unbatched (C, H, W) input to conv and pools, Unflatten, and the F names tutorials use."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import gradcheck

RNG = np.random.default_rng(3)


def numpy_adaptive(x, out_h, out_w, reduce):
    """The definition, one output cell at a time: rows floor(i*H/out_h) .. ceil((i+1)*H/out_h)."""
    n, c, h, w = x.shape
    y = np.empty((n, c, out_h, out_w), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            r0, r1 = math.floor(i * h / out_h), math.ceil((i + 1) * h / out_h)
            c0, c1 = math.floor(j * w / out_w), math.ceil((j + 1) * w / out_w)
            y[:, :, i, j] = reduce(x[:, :, r0:r1, c0:c1], axis=(2, 3))
    return y


SIZES = [(3, 4), 1, (5, 7), (7, 10), (9, 13), 4]


@pytest.mark.parametrize("output_size", SIZES)
def test_adaptive_pools_follow_the_window_formula(output_size):
    x = RNG.standard_normal((2, 3, 7, 10)).astype(np.float32)
    oh, ow = output_size if isinstance(output_size, tuple) else (output_size, output_size)
    avg = nn.AdaptiveAvgPool2d(output_size)(tg.tensor(x))
    assert avg.shape == (2, 3, oh, ow) and avg.dtype == np.float32
    np.testing.assert_allclose(avg.numpy(), numpy_adaptive(x, oh, ow, np.mean), rtol=1e-5, atol=1e-6)
    mx = nn.AdaptiveMaxPool2d(output_size)(tg.tensor(x))
    np.testing.assert_array_equal(mx.numpy(), numpy_adaptive(x, oh, ow, np.max))


def test_adaptive_none_keeps_a_dim_and_unbatched_input():
    x = RNG.standard_normal((3, 6, 5)).astype(np.float32)
    y = F.adaptive_avg_pool2d(tg.tensor(x), (None, 2))
    assert y.shape == (3, 6, 2)
    np.testing.assert_allclose(y.numpy(), numpy_adaptive(x[None], 6, 2, np.mean)[0], rtol=1e-6)
    assert repr(nn.AdaptiveAvgPool2d((5, 7))) == "AdaptiveAvgPool2d(output_size=(5, 7))"


def test_adaptive_pools_gradcheck():
    x = tg.tensor(RNG.standard_normal((1, 2, 5, 7)), requires_grad=True)
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (x,))
    assert gradcheck(lambda x: F.adaptive_max_pool2d(x, (2, 3)), (x,))


def test_adaptive_avg_gradient_spreads_over_overlapping_windows():
    # H=5 -> 3 outputs: windows rows [0,2), [1,4), [3,5): rows 1 and 3 are in two windows
    x = tg.ones(1, 1, 5, 1, requires_grad=True)
    F.adaptive_avg_pool2d(x, (3, 1)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy().ravel(), [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2])


@pytest.mark.parametrize("layer", [lambda: nn.Conv2d(3, 4, 3, padding=1), lambda: nn.MaxPool2d(2),
                                   lambda: nn.AvgPool2d(2, stride=1), lambda: nn.AdaptiveAvgPool2d(2),
                                   lambda: nn.Conv2d(3, 2, 2, stride=2, padding="valid")],
                         ids=["conv", "maxpool", "avgpool", "adaptive", "conv-strided"])
def test_unbatched_chw_input_gives_chw_output(layer):
    tg.manual_seed(0)
    module = layer()
    x = tg.tensor(RNG.standard_normal((2, 3, 6, 6)).astype(np.float32))
    batched = module(x)
    single = module(x[1])
    assert single.shape == batched.shape[1:]
    np.testing.assert_allclose(single.detach().numpy(), batched[1].detach().numpy(), rtol=1e-6, atol=1e-7)


def test_unbatched_conv_gradient():
    x = tg.tensor(RNG.standard_normal((2, 4, 4)), requires_grad=True)
    w = tg.tensor(RNG.standard_normal((3, 2, 3, 3)), requires_grad=True)
    assert gradcheck(lambda x, w: F.conv2d(x, w, padding=1), (x, w))


def test_pool_errors_name_the_shapes():
    with pytest.raises(RuntimeError, match=r"max_pool2d: expected \(N, C, H, W\) or unbatched \(C, H, W\)"):
        F.max_pool2d(tg.randn(4, 4), 2)
    with pytest.raises(RuntimeError, match="adaptive_avg_pool2d"):
        F.adaptive_avg_pool2d(tg.randn(4, 4), 2)


def test_unflatten_inverts_flatten():
    x = tg.randn(2, 3, 4, 5)
    flat = nn.Flatten()(x)
    assert flat.shape == (2, 60)
    back = nn.Unflatten(1, (3, 4, 5))(flat)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    assert nn.Unflatten(-1, (2, 2))(tg.randn(3, 4)).shape == (3, 2, 2)
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"


def test_functional_names_the_tutorials_call():
    for name in ("relu", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "log_softmax", "softmax", "nll_loss",
                 "cross_entropy", "dropout", "linear", "embedding", "sigmoid", "tanh", "conv2d", "mse_loss"):
        assert callable(getattr(F, name)), name


def test_adaptive_pools_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 7, 10)).astype(np.float32)
    for size in SIZES + [(None, 3)]:
        want = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x), size).numpy()
        np.testing.assert_allclose(F.adaptive_avg_pool2d(tg.tensor(x), size).numpy(), want, rtol=1e-5, atol=1e-6)
        want = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), size).numpy()
        np.testing.assert_array_equal(F.adaptive_max_pool2d(tg.tensor(x), size).numpy(), want)
    conv = torch.nn.Conv2d(3, 2, 3)
    got = F.conv2d(tg.tensor(x[0]), tg.tensor(conv.weight.detach().numpy()), tg.tensor(conv.bias.detach().numpy()))
    np.testing.assert_allclose(got.numpy(), conv(torch.tensor(x[0])).detach().numpy(), rtol=1e-5, atol=1e-5)
