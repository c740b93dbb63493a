"""The speed primitives (nn.ops: LinearFunction, CrossEntropyFunction, the convolution and
pooling ops; ops.LogSoftmaxFunction) against the composites they replace or the formula
written out in NumPy: same values, same first and second derivatives, same dtype; and the
speed properties they promise. (benchmarks/ measures what they save.)"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t64(*shape, scale=1.0):
    return tg.tensor(RNG.standard_normal(shape) * scale, dtype=np.float64, requires_grad=True)


def grads_of(fn, inputs):
    """The value of fn(inputs).sum() and the gradient of every input, as arrays."""
    for x in inputs:
        x.grad = None
    out = fn(*inputs)
    out.sum().backward()
    return [out._data.copy()] + [x.grad._data.copy() for x in inputs]


def composite_linear(x, w, b=None):
    y = x @ w.mT
    return y if b is None else y + b


@pytest.mark.parametrize("x_shape", [(3,), (4, 3), (2, 4, 3)], ids=["1-D", "2-D", "3-D"])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_the_composite_and_gradchecks(x_shape, bias):
    inputs = [t64(*x_shape), t64(5, 3)] + ([t64(5)] if bias else [])
    for ours, composite in zip(grads_of(F.linear, inputs), grads_of(composite_linear, inputs)):
        np.testing.assert_allclose(ours, composite, rtol=1e-12, atol=1e-12)
    assert gradcheck(F.linear, inputs)
    assert gradgradcheck(F.linear, inputs)


def test_linear_weight_gradient_is_its_own_array_in_the_weights_layout():
    """The point of the primitive: dL/dw is not a transposed view the engine has to copy."""
    w = tg.randn(5, 3, requires_grad=True)
    F.linear(tg.randn(4, 3), w).sum().backward()
    assert w.grad._data.flags.c_contiguous and w.grad._data.flags.owndata


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_log_softmax_matches_the_composite_and_gradgradchecks(dim):
    x = t64(3, 4, 2)
    ours = grads_of(lambda x: F.log_softmax(x, dim) * x, [x])
    composite = grads_of(lambda x: x.log_softmax(dim) * x, [x])
    for a, b in zip(ours, composite):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda x: F.log_softmax(x, dim), [x])
    assert gradgradcheck(lambda x: F.log_softmax(x, dim), [x])


def test_log_softmax_is_stable_and_keeps_float32():
    x = tg.tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    out = F.log_softmax(x, dim=1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[0.0, -2000.0, -1000.0], [-np.log(3)] * 3], rtol=1e-6)
    with np.errstate(divide="ignore", invalid="ignore"):
        all_minus_inf = F.log_softmax(tg.tensor([[-np.inf, -np.inf]]), dim=1)
    assert np.isnan(all_minus_inf.numpy()).all()  # as PyTorch: 0/0


def test_log_softmax_dim_out_of_range_names_the_op():
    with pytest.raises(IndexError, match="log_softmax: dim 2 is out of range"):
        F.log_softmax(tg.ones(2, 3), dim=2)


def test_cross_entropy_common_case_equals_the_general_path():
    """No weight and no ignored target takes the one-node path; a weight of ones takes the general one."""
    logits, target = t64(6, 4, scale=3.0), np.array([0, 3, 1, 1, 2, 0])
    fast = grads_of(lambda x: F.cross_entropy(x, target), [logits])
    general = grads_of(lambda x: F.cross_entropy(x, target, weight=np.ones(4)), [logits])
    for a, b in zip(fast, general):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert gradgradcheck(lambda x: F.cross_entropy(x, target), [logits])


def test_cross_entropy_keeps_float32_end_to_end():
    model_out = tg.randn(8, 10, requires_grad=True)
    loss = F.cross_entropy(F.linear(model_out, tg.randn(10, 10)), tg.tensor(np.arange(8)))
    loss.backward()
    assert loss.dtype == np.float32 and model_out.grad.dtype == np.float32


def test_cross_entropy_is_one_node_in_the_common_case_only():
    logits, target = t64(4, 3), np.array([0, 2, 1, 2])
    for reduction in ("mean", "sum"):
        assert F.cross_entropy(logits, target, reduction=reduction).grad_fn.name() == "CrossEntropyBackward0"
    for options in ({"weight": np.ones(3)}, {"label_smoothing": 0.1}, {"ignore_index": 2}, {"reduction": "none"}):
        assert F.cross_entropy(logits, target, **options).grad_fn.name() != "CrossEntropyBackward0", options
    assert F.cross_entropy(logits, target, ignore_index=5).grad_fn.name() == "CrossEntropyBackward0"
    with pytest.raises(IndexError, match="out of bounds"):  # a bad target still gets the general path's error
        F.cross_entropy(logits, np.array([0, 3, 1, 2]))


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    """The textbook form, written out in NumPy (no torch needed), and its second derivative."""
    logits, target = t64(5, 4, scale=2.0), np.array([3, 0, 0, 2, 1])
    F.cross_entropy(logits, target).backward()
    x = logits._data
    softmax = np.exp(x - x.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    np.testing.assert_allclose(logits.grad._data, (softmax - np.eye(4)[target]) / 5, rtol=1e-12, atol=1e-15)
    assert gradgradcheck(lambda x: F.cross_entropy(x, target, reduction="sum"), [logits])


def test_cross_entropy_of_infinite_logits_is_pytorchs():
    """Rows PyTorch 2.13 answers with: all -inf or one +inf -> nan loss and nan gradient in every
    entry; -inf on a wrong class only -> exact, zero gradient."""
    for row, target, loss, grad in (([-np.inf, -np.inf], 1, np.nan, [np.nan, np.nan]),
                                    ([np.inf, 0.0], 1, np.nan, [np.nan, np.nan]),
                                    ([-np.inf, 0.0], 1, 0.0, [0.0, 0.0])):
        x = tg.tensor([row], requires_grad=True)
        out = F.cross_entropy(x, np.array([target]))
        out.backward()
        np.testing.assert_array_equal(out.detach().numpy(), loss)
        np.testing.assert_array_equal(x.grad.numpy(), [grad])


def test_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    logits, target = t64(6, 5, scale=3.0), np.array([4, 0, 1, 1, 2, 3])
    loss = F.cross_entropy(logits, target)
    loss.backward()
    theirs = torch.tensor(logits._data, requires_grad=True)
    their_loss = torch.nn.functional.cross_entropy(theirs, torch.tensor(target))
    their_loss.backward()
    np.testing.assert_allclose(loss.item(), their_loss.item(), rtol=1e-12)
    np.testing.assert_allclose(logits.grad._data, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_conv_needs_no_np_pad_adds_its_bias_inside_and_gives_one_contiguous_input_gradient(monkeypatch):
    x, w, b = t64(2, 3, 7, 6), t64(4, 3, 3, 3), t64(4)
    expected = grads_of(lambda x, w, b: F.conv2d(x, w, padding=1) + b.reshape(1, -1, 1, 1), [x, w, b])

    def no_pad(*args, **kwargs):
        raise AssertionError("np.pad was called")
    monkeypatch.setattr(np, "pad", no_pad)
    out = F.conv2d(x, w, b, padding=1)
    assert out.grad_fn.name() == "ConvolutionBackward0" and len(out.grad_fn.inputs) == 3  # the bias is an input
    for ours, theirs in zip(grads_of(lambda x, w, b: F.conv2d(x, w, b, padding=1), [x, w, b]), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    assert x.grad._data.flags.c_contiguous and x.grad._data.base is None


def test_max_pool_keeps_an_int8_argmax():
    x = t64(2, 3, 6, 6)
    out = F.max_pool2d(x, 2)
    assert out.grad_fn.best.dtype == np.int8 and out.grad_fn.best.shape == (2, 3, 3, 3)
    out.sum().backward()
    windows = x._data.reshape(2, 3, 3, 2, 3, 2)
    is_max = windows == windows.max(axis=(3, 5), keepdims=True)  # distinct values: one maximum per window
    np.testing.assert_array_equal(x.grad._data, is_max.reshape(2, 3, 6, 6).astype(float))
