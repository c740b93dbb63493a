"""nn.functional: float64 gradchecks (and gradgradchecks) of every op, values against torch."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t64(*shape, low=-2.0, high=2.0, requires_grad=True):
    return tg.tensor(RNG.uniform(low, high, shape), dtype=np.float64, requires_grad=requires_grad)


def away_from_zero(*shape):
    """Values at least 0.1 from the kink of relu/leaky_relu/abs."""
    values = RNG.uniform(0.1, 2.0, shape) * RNG.choice([-1.0, 1.0], shape)
    return tg.tensor(values, dtype=np.float64, requires_grad=True)


def seeded_dropout(x):
    tg.manual_seed(3)  # the same mask on every call, so finite differences see one function
    return F.dropout(x, 0.4, training=True)


# name -> (function, inputs) for the composite ops: first and second derivatives.
COMPOSITES = {
    "linear": (F.linear, lambda: (t64(4, 3), t64(2, 3), t64(2))),
    "linear_no_bias": (F.linear, lambda: (t64(2, 4, 3), t64(5, 3))),
    "relu": (F.relu, lambda: (away_from_zero(3, 4),)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda: (away_from_zero(3, 4),)),
    "gelu": (F.gelu, lambda: (t64(3, 4, low=-3, high=3),)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda: (t64(3, 4),)),
    "sigmoid": (F.sigmoid, lambda: (t64(3, 4),)),
    "tanh": (F.tanh, lambda: (t64(3, 4),)),
    "softmax": (lambda x: F.softmax(x, dim=1), lambda: (t64(3, 4),)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=0), lambda: (t64(3, 4),)),
    "dropout": (seeded_dropout, lambda: (t64(3, 4),)),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 2, 1, 1), lambda: (t64(1, 2, 3, 4),)),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), lambda: (t64(2, 2, 3), t64(2, 3), t64(2, 3))),
    "batch_norm_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                         lambda: (t64(4, 3), t64(3), t64(3))),
    "batch_norm_eval": (lambda x, w, b: F.batch_norm(x, tg.tensor([0.1, 0.2], dtype=np.float64),
                                                     tg.tensor([1.5, 0.5], dtype=np.float64), w, b),
                        lambda: (t64(3, 2, 2, 2), t64(2), t64(2))),
    "embedding": (lambda w: F.embedding(np.array([[0, 2], [2, 1]]), w), lambda: (t64(3, 2),)),
    "pad": (lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), lambda: (t64(2, 3),)),
    "mse_loss": (F.mse_loss, lambda: (t64(3, 2), t64(3, 2))),
    "l1_loss": (lambda x: F.l1_loss(x, tg.zeros(3, 2, dtype=np.float64), reduction="sum"),
                lambda: (away_from_zero(3, 2),)),
    "bce": (lambda p, t: F.binary_cross_entropy(p, t, reduction="none"),
            lambda: (t64(3, 2, low=0.1, high=0.9), t64(3, 2, low=0, high=1))),
    "bce_with_logits": (lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=tg.tensor([2.0, 0.5])),
                        lambda: (away_from_zero(3, 2), t64(3, 2, low=0, high=1))),
    "cross_entropy": (lambda x: F.cross_entropy(x, np.array([0, 2, -100, 1]), label_smoothing=0.2,
                                                weight=np.array([1.0, 2.0, 0.5])), lambda: (t64(4, 3),)),
    "cross_entropy_probs": (lambda x, p: F.cross_entropy(x, p), lambda: (t64(4, 3), t64(4, 3, low=0, high=1))),
    "cross_entropy_spatial": (lambda x: F.cross_entropy(x, np.array([[0, 1], [2, 2]]), reduction="none"),
                              lambda: (t64(2, 3, 2),)),
    "nll_loss": (lambda x: F.nll_loss(x, np.array([1, 0, 1]), reduction="sum"), lambda: (t64(3, 2),)),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_gradcheck(name):
    fn, make = COMPOSITES[name]
    assert gradcheck(fn, make())


@pytest.mark.parametrize("name", ["linear", "gelu", "softmax", "layer_norm", "batch_norm_train", "embedding",
                                  "bce_with_logits", "cross_entropy", "avg_pool2d"])
def test_gradgradcheck(name):
    fn, make = COMPOSITES[name]
    assert gradgradcheck(fn, make())


# ---------------------------------------------------------------- conv and pooling (primitives)

@st.composite
def conv_cases(draw):
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    h, w = draw(st.integers(max(kh - 2 * padding[0], 1), 5)), draw(st.integers(max(kw - 2 * padding[1], 1), 5))
    seed = draw(st.integers(0, 2 ** 16))
    return (n, c, h, w), (o, c, kh, kw), stride, padding, seed


@settings(max_examples=15)
@given(conv_cases())
def test_conv2d_gradcheck_any_shape_stride_padding(case):
    x_shape, w_shape, stride, padding, seed = case
    rng = np.random.default_rng(seed)
    x, w, b = (tg.tensor(rng.standard_normal(s), requires_grad=True, dtype=np.float64)
               for s in (x_shape, w_shape, w_shape[:1]))
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), (x, w, b))


@settings(max_examples=6)
@given(conv_cases())
def test_conv2d_gradgradcheck(case):
    x_shape, w_shape, stride, padding, seed = case
    rng = np.random.default_rng(seed)
    x, w = (tg.tensor(rng.standard_normal(s), requires_grad=True, dtype=np.float64) for s in (x_shape, w_shape))
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, stride=stride, padding=padding), (x, w))


@st.composite
def pool_cases(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    h, w = draw(st.integers(k[0], 5)), draw(st.integers(k[1], 5))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    order = draw(st.permutations(range(int(np.prod(shape)))))
    values = (np.array(order, dtype=np.float64) - len(order) / 2).reshape(shape) * 0.3  # distinct: no ties
    return values, k, stride, padding


@settings(max_examples=15)
@given(pool_cases())
def test_max_pool2d_gradcheck_and_gradgradcheck(case):
    values, k, stride, padding = case
    x = tg.tensor(values, requires_grad=True)
    fn = lambda x: F.max_pool2d(x, k, stride, padding)  # noqa: E731
    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))


@settings(max_examples=10)
@given(pool_cases())
def test_avg_pool2d_gradcheck(case):
    values, k, stride, padding = case
    assert gradcheck(lambda x: F.avg_pool2d(x, k, stride, padding), (tg.tensor(values, requires_grad=True),))


@settings(max_examples=15)
@given(conv_cases(), pool_cases())
def test_conv_and_pools_match_torch(conv_case, pool_case):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x_shape, w_shape, stride, padding, seed = conv_case
    rng = np.random.default_rng(seed)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, w_shape[:1]))
    np.testing.assert_allclose(F.conv2d(tg.tensor(x), tg.tensor(w), tg.tensor(b), stride, padding)._data,
                               tf.conv2d(*map(torch.tensor, (x, w, b)), stride=stride, padding=padding).numpy(),
                               atol=1e-12)
    values, k, pstride, ppad = pool_case
    ours_max = F.max_pool2d(tg.tensor(values), k, pstride, ppad)._data
    ours_avg = F.avg_pool2d(tg.tensor(values), k, pstride, ppad)._data
    theirs = torch.tensor(values)
    np.testing.assert_array_equal(ours_max, tf.max_pool2d(theirs, k, pstride or k, ppad).numpy())
    np.testing.assert_allclose(ours_avg, tf.avg_pool2d(theirs, k, pstride or k, ppad).numpy(), atol=1e-12)


def np_pool(values, kernel, stride, padding, reduce, fill):
    """The pooling definition as a loop: pad with `fill`, then reduce each window (stride None: the kernel)."""
    (kh, kw), (ph, pw) = kernel, padding
    sh, sw = stride or kernel
    padded = np.pad(values, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    out_h, out_w = (padded.shape[2] - kh) // sh + 1, (padded.shape[3] - kw) // sw + 1
    out = np.empty(values.shape[:2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = reduce(padded[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return out


@settings(max_examples=15)
@given(pool_cases())
def test_pools_match_a_numpy_loop(case):
    """max pads with -inf (padding never wins); avg pads with 0 and divides by kh*kw (count_include_pad=True)."""
    values, k, stride, padding = case
    np.testing.assert_array_equal(F.max_pool2d(tg.tensor(values), k, stride, padding)._data,
                                  np_pool(values, k, stride, padding, np.max, -np.inf))
    np.testing.assert_allclose(F.avg_pool2d(tg.tensor(values), k, stride, padding)._data,
                               np_pool(values, k, stride, padding, np.mean, 0.0), atol=1e-12)


def test_max_pool2d_padding_never_wins_even_when_all_values_are_negative():
    x = -1.0 - np.arange(16.0).reshape(1, 1, 4, 4)
    out = F.max_pool2d(tg.tensor(x), 3, 2, 1)._data
    np.testing.assert_array_equal(out, [[[[-1.0, -2.0], [-5.0, -6.0]]]])  # a zero pad would have given 0


def test_conv2d_float32_gradients_match_float64():
    """The same backward in float32 and float64: float32 stays float32 and within 1e-4 of the float64 result."""
    x = RNG.standard_normal((4, 3, 9, 9))
    w = RNG.standard_normal((5, 3, 3, 3))
    g = RNG.standard_normal((4, 5, 5, 5))
    grads = {}
    for dtype in (np.float32, np.float64):
        X, W = tg.tensor(x, dtype=dtype, requires_grad=True), tg.tensor(w, dtype=dtype, requires_grad=True)
        F.conv2d(X, W, stride=2, padding=1).backward(tg.tensor(g, dtype=dtype))
        grads[dtype] = X.grad, W.grad
    for low, high in zip(grads[np.float32], grads[np.float64]):
        assert low.dtype == np.float32 and high.dtype == np.float64
        np.testing.assert_allclose(low._data, high._data, rtol=1e-4, atol=1e-4)


def test_conv2d_float32_gradients_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((4, 3, 9, 9)).astype(np.float32)
    w = RNG.standard_normal((5, 3, 3, 3)).astype(np.float32)
    g = RNG.standard_normal((4, 5, 5, 5)).astype(np.float32)
    X, W = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    F.conv2d(X, W, stride=2, padding=1).backward(g)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(tx, tw, stride=2, padding=1).backward(torch.tensor(g))
    assert X.grad.dtype == np.float32 and W.grad.dtype == np.float32
    np.testing.assert_allclose(X.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(W.grad._data, tw.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_max_pool2d_routes_gradient_to_the_first_maximum_on_ties():
    x = tg.tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad._data.ravel(), [1, 0, 0, 0])
    y = tg.tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    F.max_pool2d(y, 3, 1).sum().backward()  # overlapping windows add up at a shared maximum
    np.testing.assert_array_equal(y.grad._data[0, 0, 2:, 2:], [[1, 1], [1, 1]])
    np.testing.assert_array_equal(y.grad._data.sum(), 4)


def test_conv_and_pool_errors_are_explained():
    with pytest.raises(RuntimeError, match=r"\(N, C, H, W\) or \(C, H, W\)"):  # (C, H, W) is fine: unbatched
        F.conv2d(tg.ones(5, 5), tg.ones(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="with the input's C"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.conv2d(tg.ones(1, 3, 2, 2), tg.ones(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"do not fit \(groups=2\).*\(out_channels, C/groups, kh, kw\)"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(2, 2, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match=r"weight \(3, 1, 3, 3\) must have a multiple of groups=2 in dim 0"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(3, 1, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match="half of the kernel"):
        F.max_pool2d(tg.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"avg_pool2d: expected \(N, C, H, W\)"):
        F.avg_pool2d(tg.ones(4, 4), 2)


@pytest.mark.parametrize("kernel", [1, 2, 3, 4, (2, 3)])
def test_conv2d_padding_same_keeps_the_size_and_valid_pads_nothing(kernel):
    x, conv = t64(2, 3, 5, 6), nn.Conv2d(3, 4, kernel, padding="same").double()
    y = conv(x)
    assert y.shape == (2, 4, 5, 6) and conv.padding == "same" and "padding=same" in repr(conv)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    # PyTorch's split: (k - 1) // 2 before, the rest (one more for an even kernel) after.
    padded = F.pad(x, ((kw - 1) // 2, kw // 2, (kh - 1) // 2, kh // 2))
    np.testing.assert_allclose(y._data, F.conv2d(padded, conv.weight, conv.bias)._data, rtol=1e-12)
    assert F.conv2d(x, conv.weight, padding="valid").shape == (2, 4, 6 - kh, 7 - kw)
    assert gradcheck(lambda x, w: F.conv2d(x, w, padding="same"), (t64(1, 2, 3, 4), t64(2, 2, kh, kw)))


def test_conv2d_padding_strings_are_checked():
    with pytest.raises(ValueError, match="conv2d: padding='same' is not supported for strided convolutions"):
        F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(1, 1, 3, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match=r"conv2d: padding must be an int, a pair of ints, 'same' or 'valid'"):
        F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(1, 1, 3, 3), padding="full")
    with pytest.raises(ValueError, match="Conv2d: padding='same' is not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")


@pytest.mark.parametrize("pool", ["MaxPool2d", "AvgPool2d"])
def test_pool_on_a_too_small_input_says_so(pool):
    name = {"MaxPool2d": "max_pool2d", "AvgPool2d": "avg_pool2d"}[pool]
    with pytest.raises(RuntimeError, match=rf"{name}: .*\(1, 1, 2, 2\) is too small for kernel \(3, 3\), "
                                           r"stride \(3, 3\), padding \(0, 0\)"):
        getattr(nn, pool)(3)(tg.ones(1, 1, 2, 2))
    assert getattr(nn, pool)(2)(tg.ones(1, 1, 2, 2)).shape == (1, 1, 1, 1)  # just fits


# ---------------------------------------------------------------- values against torch

def test_activations_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = RNG.standard_normal((4, 5)) * 3
    tx = torch.tensor(x)
    pairs = [(F.gelu(tg.tensor(x)), tf.gelu(tx)), (F.gelu(tg.tensor(x), "tanh"), tf.gelu(tx, approximate="tanh")),
             (F.leaky_relu(tg.tensor(x), 0.3), tf.leaky_relu(tx, 0.3)), (F.softmax(tg.tensor(x), 0), tf.softmax(tx, 0)),
             (F.log_softmax(tg.tensor(x), 1), tf.log_softmax(tx, 1)), (F.sigmoid(tg.tensor(x)), torch.sigmoid(tx))]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-14, atol=1e-15)
    assert np.array_equal(F.erf(tg.tensor(x))._data, torch.erf(tx).numpy()) or \
        np.allclose(F.erf(tg.tensor(x))._data, torch.erf(tx).numpy(), rtol=1e-15, atol=1e-16)


def test_batch_norm_running_stats_match_torch_over_several_steps():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    mean, var = tg.zeros(3, dtype=np.float64), tg.ones(3, dtype=np.float64)
    tmean, tvar = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    for step in range(4):
        x = RNG.standard_normal((5, 3, 2, 2)) * (step + 1) + step
        ours = F.batch_norm(tg.tensor(x), mean, var, tg.tensor(w), tg.tensor(b), training=True, momentum=0.3)
        theirs = tf.batch_norm(torch.tensor(x), tmean, tvar, torch.tensor(w), torch.tensor(b), training=True,
                               momentum=0.3)
        np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mean._data, tmean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(var._data, tvar.numpy(), rtol=1e-12)
    x = RNG.standard_normal((2, 3))
    np.testing.assert_allclose(F.batch_norm(tg.tensor(x), mean, var, tg.tensor(w), tg.tensor(b))._data,
                               tf.batch_norm(torch.tensor(x), tmean, tvar, torch.tensor(w), torch.tensor(b)).numpy(),
                               rtol=1e-12)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(tg.ones(1, 3), None, None, training=True)


def test_layer_norm_matches_torch():
    torch = pytest.importorskip("torch")
    x, w, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(F.layer_norm(tg.tensor(x), (3, 4), tg.tensor(w), tg.tensor(b))._data,
                               torch.nn.functional.layer_norm(*map(torch.tensor, (x,)), (3, 4), torch.tensor(w),
                                                              torch.tensor(b)).numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.layer_norm(tg.ones(2, 3), (4,))


LOGITS = RNG.standard_normal((6, 4)) * 2
TARGET = np.array([0, 3, 1, -100, 2, 3])
WEIGHT = np.array([1.0, 0.5, 2.0, 1.5])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_and_nll_match_torch(reduction, smoothing, weighted):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    weight = WEIGHT if weighted else None
    tweight = torch.tensor(WEIGHT) if weighted else None
    ours = F.cross_entropy(tg.tensor(LOGITS), tg.tensor(TARGET), weight=weight, reduction=reduction,
                           label_smoothing=smoothing)
    theirs = tf.cross_entropy(torch.tensor(LOGITS), torch.tensor(TARGET), weight=tweight, reduction=reduction,
                              label_smoothing=smoothing)
    np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-12, atol=1e-14)
    ours = F.nll_loss(tg.tensor(LOGITS), TARGET, weight=weight, reduction=reduction)
    theirs = tf.nll_loss(torch.tensor(LOGITS), torch.tensor(TARGET), weight=tweight, reduction=reduction)
    np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-12)
    probs = RNG.dirichlet(np.ones(4), 6)
    np.testing.assert_allclose(
        F.cross_entropy(tg.tensor(LOGITS), tg.tensor(probs), weight=weight, reduction=reduction,
                        label_smoothing=smoothing)._data,
        tf.cross_entropy(torch.tensor(LOGITS), torch.tensor(probs), weight=tweight, reduction=reduction,
                         label_smoothing=smoothing).numpy(), rtol=1e-12)


def test_cross_entropy_spatial_single_sample_and_ignore_all():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x, t = RNG.standard_normal((2, 3, 2, 2)), RNG.integers(0, 3, (2, 2, 2))
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), t, label_smoothing=0.1)._data,
                               tf.cross_entropy(torch.tensor(x), torch.tensor(t), label_smoothing=0.1).numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x[0, :, 0, 0]), np.array(1))._data,
                               tf.cross_entropy(torch.tensor(x[0, :, 0, 0]), torch.tensor(1)).numpy(), rtol=1e-12)
    assert np.isnan(F.cross_entropy(tg.tensor(LOGITS), np.full(6, -100)).item())


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_spatial_matches_the_formula(shape, smoothing):
    """(N, C, d...) logits: each position is one sample, and the mean runs over all N*d of them.

    loss at a position = (1 - s) * -log p[target] + (s / C) * sum_c -log p[c],  log p = x - logsumexp_c(x).
    """
    x = RNG.standard_normal(shape)
    target = RNG.integers(0, shape[1], (shape[0],) + shape[2:])
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    picked = np.take_along_axis(log_p, target[:, None], axis=1)[:, 0]
    per_position = -(1 - smoothing) * picked - smoothing / shape[1] * log_p.sum(axis=1)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), target, label_smoothing=smoothing,
                                               reduction="none")._data, per_position, rtol=1e-12)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), target, label_smoothing=smoothing).item(),
                               per_position.mean(), rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    x = tg.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], dtype=np.float64, requires_grad=True)
    loss = F.cross_entropy(x, np.array([1, 2]), label_smoothing=0.1)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad._data).all()
    # Row 0 is wrong by 2000, row 1 by 1 + log(1 + e**-1); the smoothing term adds (0.1/3)*sum(-log p).
    nll = (2000 + 1 + np.log1p(np.exp(-1.0))) / 2
    smooth = (3000 + 2001 + 3 * np.log1p(np.exp(-1.0))) / 2  # -sum(log p) per row: 0+2000+1000, 2000+L, L, 1+L
    np.testing.assert_allclose(loss.item(), 0.9 * nll + 0.1 / 3 * smooth, rtol=1e-12)


def test_bce_with_logits_is_stable_and_matches_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = np.array([[500.0, -500.0, 3.0], [-2.0, 0.5, 40.0]])
    t = np.array([[0.0, 1.0, 1.0], [0.0, 0.3, 1.0]])
    for dtype in (np.float32, np.float64):
        X = tg.tensor(x, dtype=dtype, requires_grad=True)
        loss = F.binary_cross_entropy_with_logits(X, tg.tensor(t, dtype=dtype), reduction="none")
        loss.sum().backward()
        assert np.isfinite(loss._data).all() and np.isfinite(X.grad._data).all()
        np.testing.assert_allclose(loss._data[0, :2], [500.0, 500.0], rtol=1e-6)
    for reduction in ("mean", "sum", "none"):
        for pos_weight in (None, np.array([2.0, 0.5, 1.0])):
            ours = F.binary_cross_entropy_with_logits(tg.tensor(x), tg.tensor(t), weight=tg.tensor(t + 1),
                                                      reduction=reduction, pos_weight=pos_weight)
            theirs = tf.binary_cross_entropy_with_logits(
                torch.tensor(x), torch.tensor(t), weight=torch.tensor(t + 1), reduction=reduction,
                pos_weight=None if pos_weight is None else torch.tensor(pos_weight))
            # atol: log(1 + e**-40) = 4e-18 comes out as 0 without a log1p
            np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_bce_losses_match_torch(reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    p, t = RNG.uniform(0, 1, (3, 4)), RNG.uniform(0, 1, (3, 4))
    p[0, 0], p[0, 1] = 0.0, 1.0  # the -100 clamp of log
    for ours, theirs in [(F.mse_loss(tg.tensor(a), tg.tensor(b), reduction), tf.mse_loss(*map(torch.tensor, (a, b)),
                                                                                     reduction=reduction)),
                         (F.l1_loss(tg.tensor(a), b, reduction), tf.l1_loss(*map(torch.tensor, (a, b)),
                                                                            reduction=reduction)),
                         (F.binary_cross_entropy(tg.tensor(p), tg.tensor(t), tg.tensor(b), reduction),
                          tf.binary_cross_entropy(*map(torch.tensor, (p, t, b)), reduction=reduction))]:
        np.testing.assert_allclose(ours._data, theirs.numpy(), rtol=1e-12)


def test_loss_argument_errors():
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(tg.ones(2), tg.ones(2), reduction="avg")
    with pytest.warns(UserWarning, match=r"squeeze\(1\)"):
        F.mse_loss(tg.ones(3, 1), tg.ones(3))
    with pytest.raises(ValueError, match="shape"):
        F.binary_cross_entropy(tg.ones(3, 1) * 0.5, tg.ones(3))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tg.ones(3) * 2, tg.ones(3))
    with pytest.raises(RuntimeError, match=r"target.long\(\)"):
        F.nll_loss(tg.ones(2, 3), tg.ones(2))
    with pytest.raises(IndexError, match="out of bounds for 3 classes"):
        F.cross_entropy(tg.ones(2, 3), np.array([0, 3]))
    with pytest.raises(RuntimeError, match="one class index per sample"):
        F.cross_entropy(tg.ones(2, 3), np.array([0, 1, 2]))
    with pytest.raises(RuntimeError, match=r"target of shape \(2, 5\) \(one class index per sample\), got \(2, 4\)\. "
                                           r"Hint: the classes are dim 1.*logits.view\(B\*T, C\)"):
        F.cross_entropy(tg.ones(2, 4, 5), tg.zeros(2, 4, dtype=tg.long))  # "Let's build GPT": (B, T, C) logits
    with pytest.raises(RuntimeError, match=r"\(out_features, in_features\)"):
        F.linear(tg.ones(2, 3), tg.ones(3, 2))


def test_dropout_scaling_eval_and_seed():
    x = tg.ones(1000, dtype=np.float64)
    tg.manual_seed(0)
    y = F.dropout(x, 0.3)
    kept = y._data != 0
    assert 0.6 < kept.mean() < 0.8 and np.allclose(y._data[kept], 1 / 0.7)
    tg.manual_seed(0)
    np.testing.assert_array_equal(F.dropout(x, 0.3)._data, y._data)
    assert F.dropout(x, 0.3, training=False) is x
    assert np.all(F.dropout(x, 1.0)._data == 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(x, 1.5)


def test_embedding_padding_idx_gets_no_gradient():
    w = tg.tensor(RNG.standard_normal((4, 2)), requires_grad=True)
    out = F.embedding(tg.tensor([[0, 3], [3, 1]]), w, padding_idx=3)
    np.testing.assert_array_equal(out._data[0, 1], w._data[3])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad._data, [[1, 1], [1, 1], [0, 0], [0, 0]])
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(np.array([4]), w)
    with pytest.raises(RuntimeError, match="integers"):
        F.embedding(np.array([1.0]), w)


# ---------------------------------------------------------------- eps and running statistics, written out

NORM_X = np.array([[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]])
RUNNING_MEAN, RUNNING_VAR = np.array([0.5, 1.0]), np.array([2.0, 0.25])


def norm_library(name):
    return tg if name == "tinygrad_edu" else pytest.importorskip("torch")


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_batch_norm_divides_by_sqrt_of_var_plus_its_own_eps(library):
    # an eps far from the default 1e-5, so that an eps left at its default shows in every element
    lib = norm_library(library)
    x, mean, var = (lib.tensor(a, dtype=lib.float64) for a in (NORM_X, RUNNING_MEAN, RUNNING_VAR))
    evaluated = lib.nn.functional.batch_norm(x, mean, var, eps=0.5)
    np.testing.assert_allclose(evaluated.numpy(), (NORM_X - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + 0.5), rtol=1e-15)
    trained = lib.nn.functional.batch_norm(x, None, None, training=True, eps=0.5)
    expected = (NORM_X - NORM_X.mean(0)) / np.sqrt(NORM_X.var(0) + 0.5)
    np.testing.assert_allclose(trained.numpy(), expected, rtol=1e-14)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_batch_norm_in_eval_keeps_using_its_running_statistics_once_tracking_is_switched_off(library):
    # PyTorch's rule: eval normalises by the buffers whenever they exist, whatever track_running_stats says now
    lib = norm_library(library)
    norm = lib.nn.BatchNorm1d(2, affine=False).double()
    norm.running_mean.copy_(lib.tensor(RUNNING_MEAN))
    norm.running_var.copy_(lib.tensor(RUNNING_VAR))
    norm.eval()
    norm.track_running_stats = False
    out = norm(lib.tensor(NORM_X, dtype=lib.float64))
    np.testing.assert_allclose(out.numpy(), (NORM_X - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + 1e-5), rtol=1e-15)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_instance_norm_with_running_statistics_divides_by_sqrt_of_var_plus_its_own_eps(library):
    lib = norm_library(library)
    x = np.array([[[1.0, 2.0, 4.0], [3.0, 5.0, 0.0]]])
    mean, var = (lib.tensor(a, dtype=lib.float64) for a in (RUNNING_MEAN, RUNNING_VAR))
    out = lib.nn.functional.instance_norm(lib.tensor(x, dtype=lib.float64), mean, var, use_input_stats=False, eps=0.5)
    expected = (x - RUNNING_MEAN[:, None]) / np.sqrt(RUNNING_VAR[:, None] + 0.5)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-15)
