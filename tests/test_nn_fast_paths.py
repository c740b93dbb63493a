"""The speed primitives of a classifier's step (nn.ops.Linear, ops.LogSoftmax, nll_loss's
common case) against the composites they replace: same values, same first and second
derivatives, same dtype. (benchmarks/mlp_step.py measures what they save.)"""

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
    """No weight and no ignored target takes the three-node path; a weight of ones takes the general one."""
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
