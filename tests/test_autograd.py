"""The engine: accumulation, hooks, retain_grad, retain_graph, grad(), higher order, modes, anomaly, memory."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg


def f64(values, requires_grad=True):
    return tg.tensor(values, dtype=np.float64, requires_grad=requires_grad)


def test_gradients_accumulate_over_backward_calls():
    x = f64([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [3 + 2, 3 + 4]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3, 3]


def test_intermediates_keep_no_grad_unless_retained():
    x = f64([1.0, 2.0])
    y = x * 2
    z = y * y
    y.retain_grad()
    w = x + 1
    (z.sum() + w.sum()).backward()
    assert y.grad.tolist() == [4.0, 8.0]
    with pytest.warns(UserWarning, match="not a leaf.*retain_grad.*requires_grad_"):
        assert w.grad is None
    assert x.grad.tolist() == [2 * 4.0 + 1, 2 * 8.0 + 1]


def test_the_tutorials_slip_of_a_scaled_random_weight_is_explained():
    """randn(..., requires_grad=True) * 0.01 is the output of a multiply, not a leaf."""
    w = tg.randn(3, 2, requires_grad=True) * 0.01
    (w * w).sum().backward()
    with pytest.warns(UserWarning, match="randn\\(3, 2\\) \\* 0.01\\).requires_grad_\\(\\)"):
        assert w.grad is None
    leaf = (tg.randn(3, 2) * 0.01).requires_grad_()
    (leaf * leaf).sum().backward()
    assert leaf.grad is not None


def test_assigning_a_grad_of_another_shape_is_refused():
    x = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"grad: assigned grad has shape \(5,\) but the tensor has shape \(3,\)"):
        x.grad = tg.zeros(5)
    with pytest.raises(TypeError, match="must be a Tensor or None"):
        x.grad = [0.0, 0.0, 0.0]
    assert x.grad is None


def test_diamond_gradients_add_up():
    x = f64(3.0)
    y = x * x + x  # two paths from x
    y.backward()
    assert x.grad.item() == 2 * 3 + 1


def test_each_node_runs_once_after_all_its_consumers():
    """The engine takes the newest waiting node first (see autograd/engine.py). A tensor used by
    an op made right after it and by one made much later must still get both gradients before
    its own backward runs, and each backward must run exactly once."""
    calls = []

    class Scale(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor):
            ctx.factor = factor
            return x * factor

        @staticmethod
        def backward(ctx, grad):
            calls.append((ctx.factor, grad.tolist()))
            return grad * ctx.factor, None

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 2.0)            # used early and late
    early = Scale.apply(y, 3.0)
    chain = early
    for _ in range(3):
        chain = chain + 0.0
    late = Scale.apply(y, 5.0)         # newer than the chain
    (chain + late).sum().backward()
    assert [factor for factor, _ in calls] == [5.0, 3.0, 2.0]
    assert calls[-1][1] == [8.0, 8.0]  # y's gradient is complete (3 + 5) when its backward runs
    assert x.grad.tolist() == [16.0, 16.0]


def test_shared_gradient_is_not_aliased_between_leaves():
    a, b = f64([1.0]), f64([2.0])
    (a + b).sum().backward()
    with tg.no_grad():
        a.grad.zero_()
    assert b.grad.tolist() == [1.0]


def test_hooks_see_and_replace_gradients():
    x = f64([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 2
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[20.0, 20.0]]
    assert x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert len(seen) == 1


def test_a_grad_never_shares_memory_with_a_hooks_tensor_or_a_retained_grad():
    # PyTorch copies a tensor a hook returns, and retain_grad keeps a copy, so that zeroing
    # x.grad (optimizer.zero_grad(set_to_none=False)) leaves them alone. An add passes its
    # gradient on unchanged, which is where sharing would come from.
    x, kept = f64([1.0, 2.0]), tg.tensor([5.0, 5.0], dtype=tg.float64)
    x.register_hook(lambda g: kept)
    (x * 3).sum().backward()
    x.grad.zero_()
    assert kept.tolist() == [5.0, 5.0]

    x, kept = f64([1.0, 2.0]), tg.tensor([5.0, 5.0], dtype=tg.float64)
    z = x + 0.0
    z.register_hook(lambda g: kept)
    (z * 3).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]
    x.grad.zero_()
    assert kept.tolist() == [5.0, 5.0]

    x = f64([1.0, 2.0])
    z = x + 0.0
    z.retain_grad()
    (z * 3).sum().backward()
    x.grad.zero_()
    assert z.grad.tolist() == [3.0, 3.0]


class ReturnsWhatItSaved(tg.autograd.Function):
    """A custom op whose backward hands back a tensor that lives on: a saved input."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(w)
        return x * w

    @staticmethod
    def backward(ctx, g):
        (w,) = ctx.saved_tensors
        return w, None


def test_a_grad_never_shares_memory_with_a_tensor_a_custom_backward_returns_or_the_seed():
    # As PyTorch: .grad is a copy when the gradient is also someone else's tensor.
    x, w = f64([1.0, 1.0, 1.0]), tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    ReturnsWhatItSaved.apply(x, w).sum().backward()
    x.grad.zero_()
    assert w.tolist() == [1.0, 2.0, 3.0]
    w.add_(1)
    x.grad = None
    ReturnsWhatItSaved.apply(x, w).sum().backward()
    w.mul_(0)
    assert x.grad.tolist() == [2.0, 3.0, 4.0]

    # a non-leaf asked for by backward(inputs=...), whose gradient an add passed on from the seed
    x = f64([1.0, 1.0])
    y = x * 2
    seed = tg.ones(2, dtype=tg.float64)
    (y + 0.0).backward(seed, inputs=[y])
    y.grad.zero_()
    assert seed.tolist() == [1.0, 1.0] and x.grad is None


def test_under_create_graph_a_grad_is_its_own_writable_copy_still_in_the_graph():
    x = f64([1.0, 1.0, 1.0])
    x.sum().backward(create_graph=True)  # the seed broadcast: a read-only view
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x, v = f64([1.0, 1.0, 1.0]), tg.ones(3, dtype=tg.float64)
    (x + 0.0).backward(v, create_graph=True)  # the add hands the seed itself on
    x.grad.mul_(0)
    assert v.tolist() == [1.0, 1.0, 1.0]
    x, w = f64([1.0, 1.0, 1.0]), tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    ReturnsWhatItSaved.apply(x, w).sum().backward(create_graph=True)
    assert x.grad is not w and not np.shares_memory(x.grad.numpy(), w.numpy())
    a, b = f64([1.0, 1.0]), f64([1.0, 1.0])
    (a * a + b).sum().backward(create_graph=True)
    (ga,) = tg.autograd.grad(a.grad.sum(), a)  # a.grad = 2a, still differentiable
    assert ga.tolist() == [2.0, 2.0]


def test_backward_inputs_with_retain_grad_counts_the_gradient_once():
    x = f64([1.0, 1.0])
    y = x * 2
    y.retain_grad()
    (y * 3).sum().backward(inputs=[y])
    assert y.grad.tolist() == [3.0, 3.0] and x.grad is None  # as PyTorch (it was 6: stored twice)


def test_custom_backward_sharing_matches_torch():
    torch = pytest.importorskip("torch")

    class Twin(torch.autograd.Function):
        forward, backward = ReturnsWhatItSaved.forward, ReturnsWhatItSaved.backward
    results = []
    for module, op in ((tg, ReturnsWhatItSaved), (torch, Twin)):
        x = module.ones(3, dtype=module.float64, requires_grad=True)
        w = module.tensor([1.0, 2.0, 3.0], dtype=module.float64)  # (x's dtype: no cast, which would copy)
        op.apply(x, w).sum().backward()
        x.grad.zero_()
        results.append(w.tolist())
    assert results[0] == results[1] == [1.0, 2.0, 3.0]


def test_a_retained_grad_under_create_graph_is_in_the_graph():
    x = f64([1.0, 2.0])
    z = x * x
    z.retain_grad()
    (z * z).sum().backward(create_graph=True)
    assert z.grad.tolist() == [2.0, 8.0] and z.grad.grad_fn.name() == "CloneBackward0"
    (gx,) = tg.autograd.grad(z.grad.sum(), x)  # d(sum 2 x^2)/dx = 4x
    assert gx.tolist() == [4.0, 8.0]


def test_clone_is_its_own_node():
    x = f64([1.0, 2.0])
    y = x.clone()
    assert y.grad_fn.name() == "CloneBackward0" and y.data_ptr() != x.data_ptr()
    assert x.long().clone().dtype == tg.int64


def test_second_backward_without_retain_graph_raises():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_backward_non_scalar_needs_gradient():
    x = f64([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape (\(2,\)|tinygrad_edu\.Size\(\[2\]\))"):
        (x * 2).backward()
    (x * 2).backward(tg.tensor([1.0, 10.0], dtype=np.float64))
    assert x.grad.tolist() == [2.0, 20.0]


def test_backward_on_constant_says_why():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.tensor([1.0]).sum().backward()
    x = f64([1.0])
    with tg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


def test_grad_function_like_torch_autograd_grad():
    x, w = f64([1.0, 2.0]), f64([3.0, 4.0])
    y = (x * w).sum()
    gx, gw = tg.grad(y, [x, w], retain_graph=True)
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None  # nothing accumulated
    (gx2,) = tg.grad(y * 2, x)
    assert gx2.tolist() == [6.0, 8.0]
    unused = f64([0.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.grad((x * 2).sum(), [x, unused])
    assert tg.grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None


def test_grad_wrt_intermediate():
    x = f64([1.0, 2.0])
    h = x * 3
    y = (h * h).sum()
    (gh,) = tg.grad(y, h)
    assert gh.tolist() == [6.0, 12.0]


def test_hessian_vector_product_and_newton_step():
    # f(w) = (w1 - 2)^2 + 2 (w2 + 1)^2 : one Newton step from anywhere lands on (2, -1)
    w = f64([5.0, 7.0])
    f = (w[0] - 2) ** 2 + 2 * (w[1] + 1) ** 2
    (g,) = tg.grad(f, w, create_graph=True)
    v = tg.tensor([1.0, 0.0], dtype=np.float64)
    (hv,) = tg.grad((g * v).sum(), w, retain_graph=True)
    assert hv.tolist() == [2.0, 0.0]
    hessian = np.stack([tg.grad(g[i], w, retain_graph=True)[0]._data for i in range(2)])
    np.testing.assert_allclose(hessian, [[2, 0], [0, 4]])
    step = np.linalg.solve(hessian, g._data)
    np.testing.assert_allclose(w._data - step, [2.0, -1.0])


def test_third_derivative():
    x = f64(0.7)
    y = x.sin()
    (d1,) = tg.grad(y, x, create_graph=True)
    (d2,) = tg.grad(d1, x, create_graph=True)
    (d3,) = tg.grad(d2, x)
    np.testing.assert_allclose([d1.item(), d2.item(), d3.item()], [np.cos(0.7), -np.sin(0.7), -np.cos(0.7)])


def test_backward_create_graph_gradient_penalty():
    x = f64([1.0, 2.0])
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    penalty = (x.grad ** 2).sum()  # sum (3 x^2)^2
    x_grad_first = x.grad.tolist()
    x.grad = None
    penalty.backward()
    assert x_grad_first == [3.0, 12.0]
    np.testing.assert_allclose(x.grad._data, 36 * x._data ** 3)


def test_without_create_graph_backward_records_nothing():
    x = f64([1.0])
    (x * x).sum().backward()
    assert x.grad._ctx is None and not x.grad.requires_grad


def test_no_grad_and_enable_grad_context_and_decorator():
    x = f64([1.0])
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        assert not (x * 2).requires_grad
        with tg.enable_grad():
            assert (x * 2).requires_grad
    assert tg.is_grad_enabled()

    @tg.no_grad()
    def predict(t):
        return t * 2

    assert not predict(x).requires_grad
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad


def test_set_grad_enabled_switches_at_once_when_called_as_pytorch():
    x = f64([1.0])
    try:
        tg.set_grad_enabled(False)  # a plain call switches recording off until switched back
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    assert (x * 2).requires_grad
    with tg.no_grad():
        with tg.set_grad_enabled(True):  # a block: back to what it was before, after
            assert (x * 2).requires_grad
        assert not tg.is_grad_enabled()

    @tg.set_grad_enabled(False)  # a decorator: only the calls
    def doubled(t):
        return t * 2
    assert tg.is_grad_enabled() and not doubled(x).requires_grad and tg.is_grad_enabled()


def test_set_detect_anomaly_switches_at_once_or_for_a_block_as_pytorch():
    x = f64([0.0])
    try:
        tg.autograd.set_detect_anomaly(True)
        with pytest.raises(RuntimeError, match="LogBackward0 produced Inf"):
            x.log()
    finally:
        tg.autograd.set_detect_anomaly(False)
    assert not tg.is_anomaly_enabled() and x.log().item() == float("-inf")
    with tg.autograd.set_detect_anomaly(True):
        assert tg.is_anomaly_enabled()
    assert not tg.is_anomaly_enabled()


def test_detect_anomaly_names_op_and_user_line():
    x = f64([0.0])
    with tg.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"LogBackward0 produced Inf.*forward") as info:
            x.log()
    assert "test_autograd.py" in str(info.value)
    x = f64([0.0])
    with tg.detect_anomaly():
        y = x.sqrt().sum()  # forward fine (0), backward 1 / (2 sqrt 0) = inf
        with pytest.raises(RuntimeError, match=r"SqrtBackward0 produced Inf.*backward"):
            y.backward()


def test_inplace_on_leaf_requiring_grad_raises_like_pytorch():
    x = f64([1.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad.*in-place.*no_grad"):
        x += 1
    with pytest.raises(RuntimeError, match="add_"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="__setitem__.*leaf Variable"):
        x[0] = 2.0
    np.testing.assert_array_equal(x.detach().numpy(), [1.0])  # refused: nothing changed


def test_inplace_in_the_graph_is_recorded_like_pytorch():
    """h += b on a tensor in the graph rebases h's history onto the in-place op (PyTorch's
    behaviour), so the gradient is that of the new value."""
    x, b = f64([1.0, 2.0]), f64([0.5, -1.0])
    h = x * 3
    h += b
    h *= 2  # 2 is a number: Mul saved the old h, which this very op changes...
    assert h.grad_fn.name() == "MulBackward0"
    assert h.grad_fn.next_functions[0][0].name() == "AddBackward0"
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])
    np.testing.assert_allclose(b.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(h.detach().numpy(), [7.0, 10.0])


def test_inplace_that_overwrites_a_saved_input_is_caught_at_backward():
    x, w = f64([1.0, 2.0]), f64([3.0, 4.0])
    h = x * 1.0
    y = h * w       # Mul saved h for the gradient of w
    h += 1          # ...and h changes
    with pytest.raises(RuntimeError, match="MulBackward0.*modified by an inplace operation"):
        y.sum().backward()


def test_setitem_in_the_graph_is_recorded():
    """logits[i] = f(x): the written rows get their gradient from x, the rest from the old value."""
    x, w = f64([1.0, 2.0, 3.0]), f64([1.0, 1.0, 1.0])
    out = w * 1.0
    out[1:] = x[1:] * x[1:]
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 4.0, 6.0])
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 0.0, 0.0])
    zeros = tg.zeros(3, dtype=tg.float64)  # a constant that gets a graph written into it
    zeros[0] = x[0] * 5
    zeros.sum().backward()
    assert zeros.grad_fn.name() == "IndexPutBackward0"
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 4.0, 6.0])


def test_augmented_assignment_on_fancy_index_in_the_graph():
    """dlogits[range(n), y] -= 1 (a lecture's hand-written softmax gradient) works and is recorded."""
    logits = f64([[1.0, 2.0], [0.5, 0.1]])
    d = logits.softmax(1).clone()  # softmax saves its output: changing it in place would raise, as in PyTorch
    d[range(2), [1, 0]] -= 1
    d = d / 2
    d.sum().backward()
    assert logits.grad is not None and logits.grad.shape == (2, 2)
    expected = np.exp([[1.0, 2.0], [0.5, 0.1]])
    expected /= expected.sum(1, keepdims=True)
    expected[[0, 1], [1, 0]] -= 1
    np.testing.assert_allclose(d.detach().numpy(), expected / 2)


def test_inplace_on_a_slice_of_a_graph_tensor_writes_through():
    x = f64([1.0, 2.0, 3.0])
    h = x * 2
    view = h[1:]
    view *= x[1:]   # h's memory and history both change: h = [2, 2*2*2, 3*2*3]
    np.testing.assert_allclose(h.detach().numpy(), [2.0, 8.0, 18.0])
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 8.0, 12.0])


def test_modified_saved_tensor_is_detected_at_backward():
    x = f64([1.0, 2.0])
    w = tg.tensor([3.0, 4.0], dtype=np.float64)
    y = (x * w).sum()
    w.mul_(2)  # w was saved by Mul for the gradient of x
    message = r"MulBackward.*modified by an inplace operation.*version 1.*expected version 0"
    with pytest.raises(RuntimeError, match=message):
        y.backward()


def test_inplace_on_unsaved_input_is_fine():
    x = f64([1.0, 2.0])
    c = tg.tensor([3.0, 4.0], dtype=np.float64)
    y = (x + c).sum()  # Add does not read its inputs in backward
    c.add_(1)
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_inplace_on_saved_output_under_no_grad_raises():
    x = f64([1.0])
    y = x.exp()
    with tg.no_grad():
        y.mul_(2)  # allowed outside the graph, but Exp saved y as its output...
    with pytest.raises(RuntimeError, match="ExpBackward0.*modified by an inplace operation"):
        y.sum().backward()


def test_deep_chain_of_100k_ops():
    x = f64([0.5])
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    del y  # dropping a 100k-deep graph must not recurse either
    z = x
    for _ in range(100_000):
        z = z + 0.0
    del z


def test_graph_memory_freed_after_backward():
    x = f64(np.ones(1000))
    h = x * 2
    probe = weakref.ref(h)
    loss = (h * h).sum()
    del h
    assert probe() is not None  # still held by the graph
    loss.backward()
    assert probe() is None  # backward freed the graph's saved tensors while loss is alive
    assert loss.grad_fn is not None


def test_graph_freed_without_gc_when_last_reference_goes():
    gc.disable()
    try:
        x = f64(np.ones(10))
        y = (x * 2).tanh().sum()
        probe = weakref.ref(y.grad_fn)
        del y
        assert probe() is None  # freed by reference counting alone: no cycles
    finally:
        gc.enable()


def test_matches_torch_on_a_small_network():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xs, w1s, w2s = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    x, w1, w2 = f64(xs, False), f64(w1s), f64(w2s)
    out = ((x @ w1).tanh() @ w2).log_softmax(-1)[:, 0].mean() + (w1 ** 2).sum() * 0.01
    out.backward()
    tx = torch.tensor(xs)
    tw1, tw2 = torch.tensor(w1s, requires_grad=True), torch.tensor(w2s, requires_grad=True)
    tout = torch.log_softmax(torch.tanh(tx @ tw1) @ tw2, -1)[:, 0].mean() + (tw1 ** 2).sum() * 0.01
    tout.backward()
    np.testing.assert_allclose(out.item(), tout.item(), rtol=1e-12)
    np.testing.assert_allclose(w1.grad._data, tw1.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(w2.grad._data, tw2.grad.numpy(), rtol=1e-10)


def test_backward_trace_prints_the_engine_steps(capsys):
    x, y = tg.tensor(2.0, requires_grad=True, name="x"), tg.tensor(-3.0, requires_grad=True, name="y")
    (x * y + x).backward(trace=True)
    out = capsys.readouterr().out
    assert "step 1  AddBackward" in out and "step 2  MulBackward" in out
    assert "sends -3 to x   (adds to the gradient already there: two paths meet)" in out
    assert x.grad.item() == -2 and y.grad.item() == 2
    with pytest.raises(ValueError, match="trace=True"):
        (x * y).backward(gradient=tg.tensor(1.0), trace=True)


def test_float32_leaves_get_float32_gradients_whatever_the_loss_mixes():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * tg.tensor(np.array([3.0, 4.0]))).sum()  # a float64 constant makes the loss float64
    assert loss.dtype == np.float64
    loss.backward()
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [3.0, 4.0]


def test_numpy_scalars_are_weak_like_python_numbers():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    y = w / np.sqrt(2.0) * np.float64(3.0)
    assert y.dtype == np.float32


def test_detach_shares_the_version_counter():
    w = f64([1.0, 2.0])
    z = (w * w).sum()
    w.detach().add_(1)  # the same memory, changed behind the graph's back
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_views_share_the_version_counter():
    w = f64([1.0, 2.0])
    y = w[0:2]
    z = (y * y).sum()
    with tg.no_grad():
        w.add_(1)  # y is a view of w: y's saved value changed too
    with pytest.raises(RuntimeError, match="MulBackward"):
        z.backward()
    c = f64([1.0, 2.0], requires_grad=False)
    copy = c[[0, 1]]  # advanced indexing copies: no shared counter
    copy.add_(1)
    assert c._version == 0


def test_grad_with_the_same_input_twice_and_leaf_hooks():
    x = f64([1.0, 2.0])
    gx1, gx2 = tg.grad((x * x).sum(), [x, x])
    assert gx1.tolist() == gx2.tolist() == [2.0, 4.0]
    x.register_hook(lambda g: g * 10)
    (gx,) = tg.grad((x * x).sum(), x)
    assert gx.tolist() == [20.0, 40.0]


def test_pow_with_a_number_base_at_zero():
    x = f64([1.0, 2.0])
    (0.0 ** x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_std_of_a_constant_slice_has_zero_gradient():
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    x.std(dim=1).sum().backward()
    assert x.grad.tolist() == [[0.0] * 3] * 2


def test_detect_anomaly_hint_when_graph_was_built_outside():
    x = f64([0.0])
    y = x.sqrt().sum()
    with tg.detect_anomaly():
        with pytest.raises(RuntimeError, match="created outside detect_anomaly"):
            y.backward()


def test_setitem_is_an_inplace_write():
    x = tg.zeros(3)
    x[1] = 5.0
    x[x > 4] = 7.0
    assert x.tolist() == [0.0, 7.0, 0.0] and x._version == 2
    w = tg.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 1.0
    with tg.no_grad():
        w[0] = 1.0
    assert w.tolist() == [1.0, 0.0]


def test_nodes_record_the_module_whose_forward_made_them():
    from tinygrad_edu import nn, viz  # noqa: F401  (importing viz switches the recording on)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    out = model(tg.randn(4, 2)).sum()
    linear_node = out.grad_fn.inputs[0].grad_fn
    tanh_node = linear_node.inputs[0].grad_fn
    assert out.grad_fn.module is None  # made outside any module
    assert linear_node.module[0] == "2" and isinstance(linear_node.module[1], nn.Linear)
    assert tanh_node.module[0] == "1" and isinstance(tanh_node.module[1], nn.Tanh)


def test_pow_with_a_tensor_exponent_at_base_zero():
    a, b = f64([0.0, 2.0]), f64([2.0, 1.5])
    (a ** b).sum().backward()
    assert b.grad._data[0] == 0.0 and np.isclose(b.grad._data[1], 2 ** 1.5 * np.log(2))


def test_clamp_with_tensor_bounds_sends_them_gradients():
    x, lo, hi = f64([0.5, 1.0, 1.5]), f64([0.8] * 3), f64([1.2] * 3)
    x.clamp(lo, hi).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0] and hi.grad.tolist() == [0.0, 0.0, 1.0]


def test_no_grad_works_as_a_bare_decorator():
    x = f64([1.0])

    @tg.no_grad
    def predict(t):
        return t * 2

    assert not predict(x).requires_grad and predict.__name__ == "predict"


def test_unary_inplace_methods_record_like_their_out_of_place_forms():
    x = f64([0.5, 1.0])
    h = x * 2
    h.sin_()
    h.exp_()
    h.sum().backward()
    expected = np.exp(np.sin(2 * np.array([0.5, 1.0]))) * np.cos(2 * np.array([0.5, 1.0])) * 2
    np.testing.assert_allclose(x.grad.numpy(), expected)
    plain = tg.tensor([0.0, -1.0, 4.0])
    assert plain.relu_() is plain and plain.tolist() == [0.0, 0.0, 4.0]
    assert plain.clamp_(max=1.0).tolist() == [0.0, 0.0, 1.0] and plain._version == 2
    with pytest.raises(RuntimeError, match="sin_: the result has dtype float32.*int64"):
        tg.tensor([1, 2]).sin_()


def test_unsqueeze_squeeze_in_place_and_random_fills():
    x = f64([1.0, 2.0])
    h = x * 3
    h.unsqueeze_(0)
    assert h.shape == (1, 2)
    (h * h).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [18.0, 36.0])
    t = tg.zeros(2, 3).unsqueeze_(1)
    assert t.shape == (2, 1, 3) and t.squeeze_().shape == (2, 3)
    w = tg.zeros(1000)
    w.uniform_(-2.0, 2.0, generator=tg.Generator().manual_seed(0))
    assert -2.0 <= w.min().item() and w.max().item() <= 2.0 and abs(w.mean().item()) < 0.2
    w.normal_(5.0, 0.1)
    assert abs(w.mean().item() - 5.0) < 0.05
    leaf = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="uniform_: a leaf Variable"):
        leaf.uniform_()
    with tg.no_grad():
        leaf.normal_()


def test_inference_mode_is_no_grad():
    x = f64([1.0])
    with tg.inference_mode():
        assert not (x * 2).requires_grad
    with tg.inference_mode(False):
        assert (x * 2).requires_grad

    @tg.inference_mode()
    def predict(t):
        return t * 2
    assert not predict(x).requires_grad


# ---------------------------------------------------------------- found in review, 2026-12-03

@pytest.mark.parametrize("op", ["relu", "exp", "sigmoid", "sin"])
def test_a_0d_leaf_gets_an_array_grad_that_in_place_ops_accept(op):
    """NumPy gives an elementwise op on a 0-d array as a scalar; the engine keeps .grad an array."""
    t = tg.tensor(2.0, requires_grad=True)
    getattr(t, op)().backward()
    assert type(t.grad._data) is np.ndarray
    t.grad.add_(1)
    t.grad.zero_()
    assert t.grad.item() == 0


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_float64_seed_into_a_float32_graph_is_cast_as_pytorch_does(create_graph):
    x = tg.tensor(np.ones((2, 4), np.float32), requires_grad=True)
    w = tg.tensor(np.ones((3, 4), np.float32), requires_grad=True)
    gx, gw = tg.autograd.grad(tg.nn.functional.linear(x, w), [x, w], tg.tensor(np.ones((2, 3))),
                              create_graph=create_graph)
    assert gx.dtype == gw.dtype == tg.float32
    np.testing.assert_array_equal(gx.numpy(force=True), np.full((2, 4), 3.0, np.float32))
    np.testing.assert_array_equal(gw.numpy(force=True), np.full((3, 4), 2.0, np.float32))
