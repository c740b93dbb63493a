"""nn without torch: activations and norms against their formulas written out in NumPy."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(2)


def test_leaky_relu_slope_at_zero_is_negative_slope():
    # PyTorch: x > 0 ? x : negative_slope * x, so at 0 the slope is negative_slope.
    x = tg.tensor([0.0, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = F.leaky_relu(x, 0.2)
    np.testing.assert_array_equal(y._data, [0.0, -0.2, 2.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [0.2, 0.2, 1.0])


# ---------------------------------------------------------------- activations

ERF = np.vectorize(math.erf)


def test_activations_match_their_formulas():
    x = RNG.standard_normal((4, 5)) * 3
    shifted = x - x.max(0, keepdims=True)
    softmax0 = np.exp(shifted) / np.exp(shifted).sum(0, keepdims=True)
    log_softmax1 = x - x.max(1, keepdims=True) - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True))
    pairs = [
        (F.gelu(tg.tensor(x)), x / 2 * (1 + ERF(x / math.sqrt(2)))),
        (F.gelu(tg.tensor(x), "tanh"), x / 2 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
        (F.leaky_relu(tg.tensor(x), 0.3), np.where(x > 0, x, 0.3 * x)),
        (F.relu(tg.tensor(x)), np.maximum(x, 0)),
        (F.softmax(tg.tensor(x), 0), softmax0),
        (F.log_softmax(tg.tensor(x), 1), log_softmax1),
        (F.sigmoid(tg.tensor(x)), 1 / (1 + np.exp(-x))),
        (F.tanh(tg.tensor(x)), np.tanh(x)),
        (F.erf(tg.tensor(x)), ERF(x)),
        (nn.GELU()(tg.tensor(x)), x / 2 * (1 + ERF(x / math.sqrt(2)))),
        (nn.LeakyReLU(0.2)(tg.tensor(x)), np.where(x > 0, x, 0.2 * x)),
    ]
    for ours, expected in pairs:
        np.testing.assert_allclose(ours._data, expected, rtol=1e-13, atol=1e-15)


def test_gelu_known_values():
    # Phi(1) = 0.841344746068543 (the normal CDF), so gelu(1) = 0.841344746..., gelu(-1) = -0.158655253...
    x = tg.tensor([1.0, -1.0, 0.0], dtype=np.float64)
    np.testing.assert_allclose(F.gelu(x)._data, [0.841344746068543, -0.158655253931457, 0], rtol=1e-14, atol=1e-300)


# ---------------------------------------------------------------- layer norm

def test_layer_norm_matches_the_formula():
    x, w, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    mean = x.mean((1, 2), keepdims=True)
    var = x.var((1, 2), keepdims=True)  # biased (ddof 0), as PyTorch's layer norm
    expected = (x - mean) / np.sqrt(var + 1e-5) * w + b
    np.testing.assert_allclose(F.layer_norm(tg.tensor(x), (3, 4), tg.tensor(w), tg.tensor(b))._data, expected,
                               rtol=1e-12, atol=1e-12)
    layer = nn.LayerNorm(4, eps=1e-3).double()
    expected = (x - x.mean(2, keepdims=True)) / np.sqrt(x.var(2, keepdims=True) + 1e-3)
    np.testing.assert_allclose(layer(tg.tensor(x))._data, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- batch norm

def batch_norm_reference(batches, momentum, eps=1e-5, w=None, b=None):
    """PyTorch's batch norm, written out: per channel (dim 1), the output uses the batch mean
    and biased variance; running_mean / running_var move by
    running = (1 - m) running + m * statistic, with the UNBIASED variance (n / (n - 1)),
    and m = 1 / num_batches_tracked when momentum is None (a cumulative average)."""
    n_channels = batches[0].shape[1]
    running_mean, running_var = np.zeros(n_channels), np.ones(n_channels)
    outputs = []
    for step, x in enumerate(batches, start=1):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        count = x.size // n_channels
        mean, var = x.mean(axes), x.var(axes)
        y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
        if w is not None:
            y = y * w.reshape(shape) + b.reshape(shape)
        outputs.append(y)
        m = 1 / step if momentum is None else momentum
        running_mean = (1 - m) * running_mean + m * mean
        running_var = (1 - m) * running_var + m * var * count / (count - 1)
    return outputs, running_mean, running_var


@pytest.mark.parametrize("module, shape, momentum", [(nn.BatchNorm2d, (4, 3, 2, 2), 0.2),
                                                      (nn.BatchNorm1d, (5, 3), None),
                                                      (nn.BatchNorm1d, (4, 3, 2), 0.1)])
def test_batchnorm_running_statistics_match_the_formula(module, shape, momentum):
    bn = module(3, momentum=momentum).double()
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    bn.weight._data[:], bn.bias._data[:] = w, b
    batches = [RNG.standard_normal(shape) * (step + 1) + step for step in range(3)]
    outputs, running_mean, running_var = batch_norm_reference(batches, momentum, w=w, b=b)
    for x, expected in zip(batches, outputs):
        np.testing.assert_allclose(bn(tg.tensor(x))._data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean._data, running_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var._data, running_var, rtol=1e-12)
    assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == np.int64
    # Eval: the running statistics replace the batch's, and nothing is updated or counted.
    x = RNG.standard_normal(shape)
    view = (1, -1) + (1,) * (len(shape) - 2)
    expected = ((x - running_mean.reshape(view)) / np.sqrt(running_var.reshape(view) + 1e-5) * w.reshape(view)
                + b.reshape(view))
    np.testing.assert_allclose(bn.eval()(tg.tensor(x))._data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean._data, running_mean, rtol=1e-12)
    assert bn.num_batches_tracked.item() == 3


def test_functional_batch_norm_updates_running_statistics_in_place():
    mean, var = tg.zeros(3, dtype=np.float64), tg.ones(3, dtype=np.float64)
    batches = [RNG.standard_normal((5, 3, 2, 2)) * (step + 1) + step for step in range(4)]
    outputs, running_mean, running_var = batch_norm_reference(batches, 0.3)
    for x, expected in zip(batches, outputs):
        np.testing.assert_allclose(F.batch_norm(tg.tensor(x), mean, var, training=True, momentum=0.3)._data,
                                   expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mean._data, running_mean, rtol=1e-12)
    np.testing.assert_allclose(var._data, running_var, rtol=1e-12)
