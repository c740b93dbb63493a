"""Tensor: construction, dtype rules, attributes, creation functions, repr, in-place ops."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def test_dtype_rules():
    assert tg.tensor(1.5).dtype == np.float32
    assert tg.tensor([1.0, 2.0]).dtype == np.float32
    assert tg.tensor(3).dtype == np.int64
    assert tg.tensor([1, 2]).dtype == np.int64
    assert tg.tensor([True, False]).dtype == np.bool_
    assert tg.tensor(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert tg.tensor(np.zeros(2, dtype=np.int32)).dtype == np.int32
    assert tg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert tg.tensor(np.float64(2.0)).dtype == np.float64


def test_tensor_copies_its_input():
    a = np.ones(3)
    t = tg.tensor(a)
    a[0] = 5
    assert t._data[0] == 1


def test_int_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="int64"):
        tg.tensor([1, 2]).requires_grad_()


def test_attributes():
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size() == (2, 3) and x.size(1) == 3
    assert len(x) == 2 and x.numel() == 6 and x.dim() == 2
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0" and repr(y.grad_fn) == "<MulBackward0 object>"
    assert y.detach().requires_grad is False and y.detach()._data is y._data
    assert x.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert x.sum().item() == 21.0
    assert isinstance(x.detach().numpy(), np.ndarray)
    assert x.float() is x and x.double().dtype == np.float64
    assert x.T.shape == (3, 2)
    assert [row.tolist() for row in x.detach()] == [[1, 2, 3], [4, 5, 6]]


def test_numpy_refuses_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="detach"):
        tg.tensor([1.0], requires_grad=True).numpy()


def test_repr_like_pytorch():
    assert repr(tg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x + 1) == "tensor([2., 3.], grad_fn=<AddBackward0>)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert "dtype=tinygrad_edu.float64" in repr(tg.tensor(np.ones(2)))


def test_creation_functions():
    assert tg.zeros(2, 3).shape == (2, 3) and tg.zeros((2, 3)).dtype == np.float32
    assert tg.ones(2, dtype=np.float64).dtype == np.float64
    assert tg.full((2, 2), 7.0).tolist() == [[7, 7], [7, 7]]
    assert tg.full((2,), 3).dtype == np.int64
    assert tg.eye(3)._data.trace() == 3
    assert tg.arange(5).tolist() == [0, 1, 2, 3, 4] and tg.arange(5).dtype == np.int64
    assert tg.arange(0, 1, 0.25).dtype == np.float32
    assert np.allclose(tg.linspace(0, 1, 5)._data, [0, 0.25, 0.5, 0.75, 1])
    x = tg.randn(4, 5, requires_grad=True)
    assert x.requires_grad and x.dtype == np.float32
    assert tg.zeros_like(x).shape == (4, 5) and tg.ones_like(x)._data.sum() == 20
    assert tg.randn_like(x).shape == (4, 5) and tg.rand(3)._data.min() >= 0


def test_manual_seed_reproduces_every_draw():
    tg.manual_seed(123)
    a = (tg.randn(5).tolist(), tg.rand(3).tolist(), tg.randint(0, 10, (4,)).tolist())
    tg.manual_seed(123)
    b = (tg.randn(5).tolist(), tg.rand(3).tolist(), tg.randint(0, 10, (4,)).tolist())
    assert a == b
    tg.manual_seed(124)
    assert tg.randn(5).tolist() != a[0]


def test_python_scalars_keep_tensor_dtype():
    x = tg.ones(3)
    assert (x * 2.5).dtype == np.float32 and (2.5 * x).dtype == np.float32
    assert (1 - x).dtype == np.float32 and (x ** 2).dtype == np.float32


def test_mixed_dtypes_follow_pytorch_promotion():
    a, b = tg.ones(2, dtype=np.float32), tg.ones(2, dtype=np.float64)
    assert (a + b).dtype == tg.float64
    assert (tg.tensor([1, 2]) * 0.5).dtype == tg.float32  # NumPy would say float64


def test_comparisons_and_argmax_are_constants():
    x = tg.tensor([1.0, 3.0, 2.0], requires_grad=True)
    assert (x > 1.5).tolist() == [False, True, True] and not (x > 1.5).requires_grad
    assert x.argmax().item() == 1 and x.argmin().item() == 0
    assert (x == x).all().item()


def test_inplace_ops_under_no_grad_and_outside_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        x += 1
        x -= 0.5
        x *= 2
        x.add_(1).sub_(1).mul_(1)
    assert x.tolist() == [3.0, 5.0]
    c = tg.tensor([1.0, 2.0])
    c.add_(tg.tensor([1.0, 1.0]))
    c.copy_(tg.tensor([5.0, 6.0]))
    assert c.tolist() == [5.0, 6.0]
    c.fill_(2.0)
    assert c.tolist() == [2.0, 2.0]
    c.zero_()
    assert c.tolist() == [0.0, 0.0]


def test_inplace_bumps_version():
    x = tg.tensor([1.0])
    v = x._version
    x.add_(1)
    x += 1
    assert x._version == v + 2


def test_functional_forms():
    x = tg.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert tg.exp(x).tolist() == x.exp().tolist()
    assert tg.sum(x, 0).tolist() == [4.0, 2.0]
    assert tg.where(x > 0, x, 0.0).tolist() == [[1.0, 0.0], [3.0, 4.0]]
    assert tg.where(x > 0, 1.0, x).tolist() == [[1.0, -2.0], [1.0, 1.0]]
    assert tg.maximum(x, tg.zeros(2)).tolist() == [[1.0, 0.0], [3.0, 4.0]]
    assert tg.cat([x, x], 1).shape == (2, 4) and tg.stack([x, x]).shape == (2, 2, 2)


def test_numpy_axis_aliases():
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(axis=1, keepdims=True).shape == (2, 1)
    assert x.mean(axis=(0, 1)).item() == 2.5
    assert x.max(dim=-1).values.tolist() == [2.0, 5.0] and x.min(0).values.tolist() == [0.0, 1.0, 2.0]


def test_softmax_stable_for_huge_logits():
    logits = tg.tensor([[1000.0, 0.0, -1000.0], [5000.0, 5000.0, 0.0]], dtype=np.float64, requires_grad=True)
    p = logits.softmax(-1)
    logp = logits.log_softmax(-1)
    assert np.isfinite(p._data).all() and np.isfinite(logp._data[:, :2]).all()
    np.testing.assert_allclose(p._data[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(logp._data[0, :2], [0.0, -1000.0])
    logp[:, 0].sum().backward()
    assert np.isfinite(logits.grad._data).all()
    assert tg.tensor([-np.inf, -np.inf]).logsumexp(0).item() == -np.inf


def test_tensor_is_hashable_by_identity():
    a, b = tg.tensor([1.0]), tg.tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


def test_tensor_in_numpy_expression():
    x = tg.tensor([1.0, 2.0])
    assert isinstance(np.ones(2) * x, Tensor)
    assert np.asarray(x).tolist() == [1.0, 2.0]


def test_data_is_a_tensor_sharing_memory_outside_the_graph():
    """PyTorch's `.data`: a tensor with no history over the same memory, so a learner's
    hand-written SGD step `p.data += -lr * p.grad` updates p itself."""
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    p.data += -0.5 * p.grad
    np.testing.assert_allclose(p.detach().numpy(), [0.0, 0.0])
    assert isinstance(p.data, tg.Tensor) and not p.data.requires_grad and p.data.grad_fn is None
    p.data = tg.tensor([5.0, 6.0])
    np.testing.assert_allclose(p.detach().numpy(), [5.0, 6.0])
    assert p.requires_grad
    with pytest.raises(TypeError, match="data: assign a Tensor"):
        p.data = [1.0, 2.0]
