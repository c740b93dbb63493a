"""tensor_functions.py and composite/statistics.py: hstack, atleast_nd, broadcast_*, std_mean,
nansum, nan_to_num, logaddexp, logspace, tensordot, kron, cov, corrcoef.

Values, dtypes and gradients against PyTorch (skipped without it), each with a twin that checks the
same thing against written-out values or a NumPy formula. The registry (registry_tensor_functions.py)
gradchecks them against NumPy on sampled inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

NAN, INF = float("nan"), float("inf")
F32_MAX = float(np.finfo(np.float32).max)
X = [[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.75, 3.0], [2.0, 1.0, 1.0, -2.0]]
Y = [[1.0, 0.5, -1.5, 2.5], [0.0, 2.0, 1.0, -0.5], [-1.0, 0.75, 3.0, 1.25]]
WITH_SPECIALS = [[1.0, NAN, 2.0, INF], [-INF, 0.5, NAN, -1.0], [3.0, 1.5, -2.0, 0.25]]

# name -> (call, inputs): call(lib, *tensors) on float64 tensors that require grad; PyTorch is compared on
# values, dtypes and the gradients of a weighted sum of the outputs
CASES = {
    "hstack": (lambda lib, x, y: lib.hstack([x, y[:, :2]]), [X, Y]),
    "hstack_1d": (lambda lib, x, y: lib.hstack([x[0], y[1], x[2, 1]]), [X, Y]),
    "vstack": (lambda lib, x, y: lib.vstack([x[0], y[:2]]), [X, Y]),
    "dstack": (lambda lib, x, y: lib.dstack([x, y]), [X, Y]),
    "dstack_1d": (lambda lib, x, y: lib.dstack([x[0], y[1]]), [X, Y]),
    "atleast_1d": (lambda lib, x: lib.atleast_1d(x[0, 0], x), [X]),
    "atleast_2d": (lambda lib, x: lib.atleast_2d((x[0, 0], x[1], x)), [X]),
    "atleast_3d": (lambda lib, x: lib.atleast_3d(x[0, 0], x[1], x, x.reshape(3, 2, 2)), [X]),
    "broadcast_to": (lambda lib, x: lib.broadcast_to(x[:, :1], (2, 3, 4)), [X]),
    "broadcast_to_method": (lambda lib, x: x[1].broadcast_to((3, -1)), [X]),
    "broadcast_tensors": (lambda lib, x, y: lib.broadcast_tensors(x[:, :1], y[0], x[0, 0]), [X, Y]),
    "var_mean": (lambda lib, x: lib.var_mean(x, 1), [X]),
    "var_mean_correction": (lambda lib, x: lib.var_mean(x, (0, 1), correction=0, keepdim=True), [X]),
    "std_mean": (lambda lib, x: lib.std_mean(x, 0, False), [X]),
    "std_mean_all": (lambda lib, x: lib.std_mean(x, correction=2), [X]),
    "std_mean_bool": (lambda lib, x: lib.std_mean(x, False), [X]),
    "nansum": (lambda lib, x: lib.nansum(x), [WITH_SPECIALS[1:2] + X[1:]]),
    "nansum_dim": (lambda lib, x: x.nansum(1, keepdim=True), [WITH_SPECIALS[1:2] + X[1:]]),
    "nanmean": (lambda lib, x: lib.nanmean(x, 0), [WITH_SPECIALS[1:2] + X[1:]]),
    "nanmean_all": (lambda lib, x: x.nanmean(), [WITH_SPECIALS[1:2] + X[1:]]),
    "nan_to_num": (lambda lib, x: lib.nan_to_num(x), [WITH_SPECIALS]),
    "nan_to_num_options": (lambda lib, x: x.nan_to_num(nan=-1.0, posinf=9.0, neginf=-9.0), [WITH_SPECIALS]),
    "logaddexp": (lambda lib, x, y: lib.logaddexp(x, y[0]), [X, Y]),
    "logaddexp_ties": (lambda lib, x: x.logaddexp(x), [X]),
    "tensordot_2": (lambda lib, x, y: lib.tensordot(x.reshape(2, 3, 2), y.reshape(3, 2, 2)), [X, Y]),
    "tensordot_0": (lambda lib, x, y: lib.tensordot(x[0], y[1], dims=0), [X, Y]),
    "tensordot_lists": (lambda lib, x, y: lib.tensordot(x.reshape(2, 3, 2), y.reshape(2, 2, 3),
                                                        dims=([1, 0], [2, 1])), [X, Y]),
    "kron": (lambda lib, x, y: lib.kron(x[:2, :2], y[:, 1:]), [X, Y]),
    "kron_ndims": (lambda lib, x, y: x[0].kron(y.reshape(2, 3, 2)), [X, Y]),
    "cov": (lambda lib, x: lib.cov(x), [X]),
    "cov_1d": (lambda lib, x: x[0].cov(correction=0), [X]),
    "cov_weights": (lambda lib, x, y: lib.cov(x, fweights=lib.tensor([1, 3, 2, 1]), aweights=y[1] + 1.0), [X, Y]),
    "corrcoef": (lambda lib, x: lib.corrcoef(x), [X]),
    "corrcoef_method": (lambda lib, x: x[1:].corrcoef(), [X]),
}


def value_and_gradients(lib, name):
    call, inputs = CASES[name]
    leaves = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in inputs]
    out = call(lib, *leaves)
    outs = out if isinstance(out, tuple) else (out,)
    total = sum((o * lib.arange(o.numel(), dtype=lib.float64).reshape(o.shape).cos()).sum() for o in outs)
    grads = lib.autograd.grad(total, leaves, allow_unused=True)
    return ([o.detach().numpy() for o in outs], [str(o.dtype).split(".")[-1] for o in outs],
            [np.zeros(np.shape(a)) if g is None else g.numpy() for a, g in zip(inputs, grads)])


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_dtypes_and_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = value_and_gradients(tg, name), value_and_gradients(torch, name)
    assert ours[1] == theirs[1]
    for a, b in zip(ours[0] + ours[2], theirs[0] + theirs[2]):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------- the torch-free twins

def test_stacking_values_and_shapes():
    x, y = np.array(X), np.array(Y)
    (values,), _, _ = value_and_gradients(tg, "hstack")
    np.testing.assert_array_equal(values, np.hstack([x, y[:, :2]]))
    (values,), _, _ = value_and_gradients(tg, "hstack_1d")
    np.testing.assert_array_equal(values, [0.5, -1.0, 2.0, 0.25, 0.0, 2.0, 1.0, -0.5, 1.0])
    (values,), _, _ = value_and_gradients(tg, "vstack")
    np.testing.assert_array_equal(values, np.vstack([x[0], y[:2]]))
    (values,), _, _ = value_and_gradients(tg, "dstack")
    np.testing.assert_array_equal(values, np.dstack([x, y]))
    shapes = [tuple(t.shape) for t in tg.atleast_3d(tg.tensor(1.0), tg.ones(4), tg.ones(3, 4), tg.ones(3, 2, 2))]
    assert shapes == [(1, 1, 1), (1, 4, 1), (3, 4, 1), (3, 2, 2)]
    assert tuple(tg.atleast_2d(tg.tensor(1.0)).shape) == (1, 1) and tuple(tg.atleast_2d(tg.ones(3)).shape) == (1, 3)
    assert isinstance(tg.atleast_1d((tg.tensor(1.0),)), tuple) and isinstance(tg.atleast_1d(tg.tensor(1.0)), tg.Tensor)
    with pytest.raises(RuntimeError, match="non-empty"):
        tg.hstack([])


def test_broadcasting():
    a, b = tg.ones(2, 1, requires_grad=True), tg.ones(3, requires_grad=True)
    big_a, big_b = tg.broadcast_tensors(a, b)
    assert tuple(big_a.shape) == tuple(big_b.shape) == (2, 3)
    (big_a + 2 * big_b).sum().backward()  # the gradients are summed back to each input's shape
    np.testing.assert_array_equal(a.grad.numpy(), [[3.0], [3.0]])
    np.testing.assert_array_equal(b.grad.numpy(), [4.0, 4.0, 4.0])
    assert tg.broadcast_shapes((2, 1), (3,), 1) == tg.Size([2, 3])
    assert tuple(tg.ones(3).broadcast_to((2, -1)).shape) == (2, 3)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\) at "
                                           "non-singleton dimension 1"):
        tg.broadcast_tensors(tg.ones(2, 3), tg.ones(4))


def test_std_mean_and_var_mean():
    x = np.array(X)
    var, mean = tg.var_mean(tg.tensor(X), 1)
    np.testing.assert_allclose(var.numpy(), x.var(1, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(mean.numpy(), x.mean(1), rtol=1e-6)
    assert var.dtype == tg.float32
    values, _, _ = value_and_gradients(tg, "std_mean")  # positional unbiased=False: correction 0
    np.testing.assert_allclose(values[0], x.std(0), rtol=1e-12)
    values, _, _ = value_and_gradients(tg, "std_mean_bool")
    np.testing.assert_allclose(values[0], x.std(), rtol=1e-12)
    values, _, _ = value_and_gradients(tg, "std_mean_all")
    np.testing.assert_allclose(values[0], x.std(ddof=2), rtol=1e-12)
    with pytest.raises(RuntimeError, match="either unbiased= or correction="):
        tg.var_mean(tg.tensor(X), 0, True, correction=0)


def test_nan_skipping_reductions():
    x = tg.tensor([[1.0, NAN, 2.0], [NAN, NAN, 4.0]], requires_grad=True)
    np.testing.assert_array_equal(tg.nansum(x).detach().numpy(), 7.0)
    np.testing.assert_array_equal(x.nanmean(1).detach().numpy(), [1.5, 4.0])
    assert np.isnan(x.nanmean(0).detach().numpy()[1])  # an all-NaN column, as PyTorch
    x.nansum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    assert tg.nansum(tg.tensor([1, 2, 3])).dtype == tg.int64
    assert tg.nansum(tg.tensor([1.0, NAN]), dtype=tg.float64).dtype == tg.float64
    with pytest.raises(RuntimeError, match="nanmean.*floating point"):
        tg.nanmean(tg.tensor([1, 2]))


def test_nan_to_num():
    x = tg.tensor([NAN, INF, -INF, 1.0], requires_grad=True)
    out = tg.nan_to_num(x)
    np.testing.assert_array_equal(out.detach().numpy(), np.array([0.0, F32_MAX, -F32_MAX, 1.0], dtype=np.float32))
    assert out.dtype == tg.float32
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 1.0])  # grad * isfinite(x), PyTorch's
    np.testing.assert_array_equal(x.detach().nan_to_num(1.0, 2.0, -3.0).numpy(), [1.0, 2.0, -3.0, 1.0])
    y = tg.tensor([NAN, -INF, 1.0], dtype=tg.float64)
    assert y.nan_to_num_() is y
    np.testing.assert_array_equal(y.numpy(), [0.0, np.finfo(np.float64).min, 1.0])
    ints = tg.tensor([1, 2])
    assert tg.nan_to_num(ints).tolist() == [1, 2] and tg.nan_to_num(ints).dtype == tg.int64


def test_logaddexp():
    x = tg.tensor([1.0, -INF, INF, 0.0, 800.0], dtype=tg.float64, requires_grad=True)
    y = tg.tensor([2.0, -INF, INF, 0.0, 799.0], dtype=tg.float64)
    out = tg.logaddexp(x, y)
    np.testing.assert_allclose(out.detach().numpy(), np.logaddexp(x.detach().numpy(), y.numpy()), rtol=1e-15)
    out[[0, 3, 4]].sum().backward()
    sigmoid = 1 / (1 + np.exp(-np.array([-1.0, 0.0, 1.0])))  # d/dx = sigmoid(x - y); 1/2 at a tie
    np.testing.assert_allclose(x.grad.numpy()[[0, 3, 4]], sigmoid, rtol=1e-15)
    with pytest.raises(RuntimeError, match="logaddexp"):
        tg.logaddexp(tg.tensor([1]), tg.tensor([2]))
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        x.logaddexp(2.0)


def test_logspace():
    out = tg.logspace(0, 2, 5)
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), [1.0, 10 ** 0.5, 10.0, 10 ** 1.5, 100.0], rtol=1e-7)
    assert tg.logspace(0, 2, 3, dtype=tg.int64).tolist() == [1, 10, 100]
    assert tg.logspace(0, 2, 3, base=2).tolist() == [1.0, 2.0, 4.0]
    assert tg.logspace(0, 1, 2, requires_grad=True).requires_grad


def test_tensordot_and_kron():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(tg.tensordot(tg.tensor(a), tg.tensor(b), dims=1).numpy(), [[10.0, 13.0],
                                                                                          [28.0, 40.0]])
    x, y = np.array(X), np.array(Y)
    (values,), _, _ = value_and_gradients(tg, "tensordot_lists")
    np.testing.assert_allclose(values, np.tensordot(x.reshape(2, 3, 2), y.reshape(2, 2, 3), ([1, 0], [2, 1])),
                               rtol=1e-12)
    with pytest.raises(RuntimeError, match="contracted dimensions need to match, but first has size 3 in dim 1 and "
                                           "second has size 4 in dim 0"):
        tg.tensordot(tg.ones(2, 3), tg.ones(4, 5), dims=([1], [0]))
    assert tg.kron(tg.tensor([1, 2]), tg.tensor([[1, 10]])).tolist() == [[1, 10, 2, 20]]
    (values,), _, _ = value_and_gradients(tg, "kron")
    np.testing.assert_array_equal(values, np.kron(x[:2, :2], y[:, 1:]))


def test_cov_and_corrcoef():
    ints = tg.tensor([[1, 2, 3], [4, 6, 9]])
    np.testing.assert_allclose(tg.cov(ints).numpy(), [[1.0, 2.5], [2.5, 19 / 3]], rtol=1e-6)
    assert tg.cov(ints).dtype == tg.float32
    np.testing.assert_allclose(tg.corrcoef(ints).numpy(), [[1.0, 2.5 / np.sqrt(19 / 3)], [2.5 / np.sqrt(19 / 3), 1.0]],
                               rtol=1e-6)
    x, y = np.array(X), np.array(Y)
    (values,), _, _ = value_and_gradients(tg, "cov_weights")
    np.testing.assert_allclose(values, np.cov(x, fweights=[1, 3, 2, 1], aweights=y[1] + 1.0), rtol=1e-12)
    (values,), _, _ = value_and_gradients(tg, "corrcoef")
    np.testing.assert_allclose(values, np.corrcoef(x), rtol=1e-12)
    assert tuple(tg.cov(tg.tensor([1.0, 2.0, 4.0])).shape) == ()
    with pytest.raises(ValueError, match="two or fewer dimensions"):
        tg.cov(tg.ones(2, 2, 2))
    with pytest.raises(RuntimeError, match="fweights must be non-negative integers"):
        tg.cov(tg.ones(3), fweights=tg.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="fweights must be non-negative integers"):
        tg.cov(tg.ones(3), fweights=tg.tensor([1, -2, 3]))
    with pytest.raises(RuntimeError, match="aweights to have floating point dtype"):
        tg.cov(tg.ones(3), aweights=tg.tensor([1, 2, 3]))
