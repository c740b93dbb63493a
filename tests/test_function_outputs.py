"""Your own op with several outputs, as PyTorch's Function allows: forward returns a tuple, backward
gets one gradient per output (zeros for an output that got none). The tutorials' Sinh (which returns
exp(x) and exp(-x) too, so that a second backward can flow through them) and a sort with
non-differentiable indices are written out here, and checked against torch when it is installed."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.tracing import trace_backward
from tinygrad_edu.viz import draw_graph, step_backward

X = [0.5, 1.0, -0.25]


def define(lib):
    """The same ops written against `lib` (torch or tinygrad_edu); backward records what it got."""
    got = {}

    class Sinh(lib.autograd.Function):  # the "Double Backward with Custom Functions" tutorial's
        @staticmethod
        def forward(ctx, x):
            expx, expnegx = lib.exp(x), lib.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx, grad_out, grad_expx, grad_expnegx):
            got["sinh"] = (grad_out, grad_expx, grad_expnegx)
            expx, expnegx = ctx.saved_tensors
            return grad_out * (expx + expnegx) / 2 + grad_expx * expx - grad_expnegx * expnegx

    class Sort(lib.autograd.Function):  # the indices have no gradient
        @staticmethod
        def forward(ctx, x):
            values, indices = x.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, grad_values, grad_indices):
            got["sort"] = grad_indices
            (indices,) = ctx.saved_tensors
            return lib.zeros_like(grad_values).scatter(0, indices, grad_values)

    class Split(lib.autograd.Function):  # an input and an output saved; None for an unused output
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            square = x * x
            ctx.save_for_backward(x, square)
            return square, x * 3, "a label"

        @staticmethod
        def backward(ctx, grad_square, grad_triple, grad_label):
            got["split"] = (grad_square, grad_triple, grad_label)
            x, square = ctx.saved_tensors
            grad = 2 * x * grad_square if grad_square is not None else 0 * x
            return grad + 3 * grad_triple if grad_triple is not None else grad

    class Double(lib.autograd.Function):  # a tuple of one stays a tuple
        @staticmethod
        def forward(ctx, x):
            return (x * 2,)

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    return Sinh, Sort, Split, Double, got


def values(t):
    return None if t is None else np.asarray(t.detach().numpy()).tolist()


def behaviour(lib) -> dict:
    Sinh, Sort, Split, Double, got = define(lib)
    out = {}
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    s, e, en = Sinh.apply(x)
    out["sinh"] = [values(t) for t in (s, e, en)]
    out["same node"] = s.grad_fn is e.grad_fn is en.grad_fn
    out["node name"] = s.grad_fn.name()
    product = s * e
    out["edges"] = [(f.name(), nr) for f, nr in product.grad_fn.next_functions]
    (s * e + en).sum().backward()
    out["sinh grads in"] = [values(g) for g in got["sinh"]]
    out["sinh x.grad"] = values(x.grad)
    x.grad = None
    Sinh.apply(x)[0].sum().backward()
    out["unused outputs get zeros"] = [values(g) for g in got["sinh"][1:]]
    out["gradcheck"] = lib.autograd.gradcheck(Sinh.apply, (x,))
    out["gradgradcheck"] = lib.autograd.gradgradcheck(Sinh.apply, (x,))
    (g,) = lib.autograd.grad(Sinh.apply(x)[1].sum() * 2, x, create_graph=True)  # d/dx of 2 e^x: 2 e^x
    out["create_graph first"] = values(g)
    out["second"] = values(lib.autograd.grad(g.sum(), x)[0])  # d/dx of 2 e^x again

    y = lib.tensor([3.0, 1.0, 2.0], dtype=lib.float64, requires_grad=True)
    v, i = Sort.apply(y)
    out["sort"] = (values(v), values(i), i.requires_grad, i.grad_fn is None, str(i.dtype).split(".")[-1])
    (v * lib.tensor([1.0, 10.0, 100.0], dtype=lib.float64)).sum().backward()
    out["sort grad"] = values(y.grad)
    out["index grad in"] = (values(got["sort"]), str(got["sort"].dtype).split(".")[-1])

    z = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
    square, triple, label = Split.apply(z)
    out["label"] = label
    square.sum().backward()
    out["split grads in"] = [values(g) if not isinstance(g, str) else g for g in got["split"]]
    out["split z.grad"] = values(z.grad)
    square, triple, _ = Split.apply(z)
    (g,) = lib.autograd.grad((square * triple).sum(), z, create_graph=True)  # d(3 z^3)/dz = 9 z^2
    out["split second"] = (values(g), values(lib.autograd.grad(g.sum(), z)[0]))  # 18 z

    (doubled,) = result = Double.apply(z)
    out["one"] = (type(result).__name__, len(result), values(doubled))
    return out


def test_behaviour_written_out():
    b = behaviour(tg)
    sinh, e, en = np.sinh(X), np.exp(X), np.exp(-np.array(X))
    np.testing.assert_allclose(b["sinh"], [sinh, e, en], rtol=1e-15)
    assert b["same node"] and b["node name"] == "SinhBackward"
    assert b["edges"] == [("SinhBackward", 0), ("SinhBackward", 1)]
    # the loss s * e + en: grad_out = e, grad_expx = s, grad_expnegx = 1
    np.testing.assert_allclose(b["sinh grads in"], [e, sinh, np.ones(3)], rtol=1e-15)
    np.testing.assert_allclose(b["sinh x.grad"], np.cosh(X) * e + sinh * e - en, rtol=1e-14)
    assert b["unused outputs get zeros"] == [[0.0] * 3, [0.0] * 3]
    assert b["gradcheck"] and b["gradgradcheck"]
    np.testing.assert_allclose(b["create_graph first"], 2 * e, rtol=1e-15)
    np.testing.assert_allclose(b["second"], 2 * e, rtol=1e-15)
    assert b["sort"] == ([1.0, 2.0, 3.0], [1, 2, 0], False, True, "int64")
    assert b["sort grad"] == [100.0, 1.0, 10.0]
    assert b["index grad in"] == ([0, 0, 0], "int64")
    assert b["label"] == "a label"
    assert b["split grads in"] == [[1.0, 1.0], None, None]  # set_materialize_grads(False): None, not zeros
    assert b["split z.grad"] == [2.0, -4.0]
    assert b["split second"] == ([9.0, 36.0], [18.0, -36.0])
    assert b["one"] == ("tuple", 1, [2.0, -4.0])


def same(a, b) -> bool:
    """Equal, numbers to 1e-14 relative, lists and tuples item by item."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-14 * max(1.0, abs(b))
    return a == b


def test_behaviour_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = behaviour(tg), behaviour(torch)
    for key in theirs:
        assert same(ours[key], theirs[key]), (key, ours[key], theirs[key])


def test_hooks_retain_grad_and_repeated_backward():
    Sinh, *_ = define(tg)
    x = tg.tensor(X, dtype=tg.float64, requires_grad=True)
    s, e, en = Sinh.apply(x)
    s.retain_grad()
    e.register_hook(lambda g: g * 0)  # the hook of one output changes only that output's gradient
    loss = (s * 2 + e + en).sum()
    loss.backward(retain_graph=True)
    np.testing.assert_allclose(s.grad.numpy(), [2.0] * 3)
    first = x.grad.numpy().copy()
    np.testing.assert_allclose(first, 2 * np.cosh(X) - np.exp(-np.array(X)), rtol=1e-14)
    loss.backward()  # the gathered gradients start afresh each pass: twice the first
    np.testing.assert_allclose(x.grad.numpy(), 2 * first, rtol=1e-14)
    with pytest.raises(RuntimeError, match="SumBackward0: trying to backward through the graph a second time"):
        loss.backward()
    with pytest.raises(RuntimeError, match="SinhBackward: trying to backward through the graph a second time"):
        en.sum().backward()  # a new sum, over an output whose node was freed: named as the op


def test_grad_of_one_output_and_no_grad():
    Sinh, *_ = define(tg)
    x = tg.tensor(X, dtype=tg.float64, requires_grad=True)
    s, e, en = Sinh.apply(x)
    (g_e,) = tg.autograd.grad((s * e).sum(), e)  # the gradient at an output itself
    np.testing.assert_allclose(g_e.numpy(), np.sinh(X), rtol=1e-15)
    with tg.no_grad():
        outs = Sinh.apply(x)
    assert all(t.grad_fn is None and not t.requires_grad for t in outs)


def test_trace_graph_and_stepper_show_one_op():
    Sinh, *_ = define(tg)
    x = tg.tensor(X, dtype=tg.float64, requires_grad=True)
    s, e, en = Sinh.apply(x)
    loss = (s * e + en).sum()
    source = draw_graph(loss).source
    assert source.count("label=Sinh") == 1  # one box for the op, with an arrow to each output
    records = trace_backward(loss, retain_graph=True, print_fn=None)
    sinh_step = next(r for r in records if r["op"] == "Sinh")
    assert sinh_step["grad_in"].startswith("output 0: ") and "output 2: [1, 1, 1]" in sinh_step["grad_in"]
    sent = [g["input"] for r in records for g in r["grads_out"]]
    assert f"output 0 of step {sinh_step['step']} (Sinh)" in sent
    assert f"output 2 of step {sinh_step['step']} (Sinh)" in sent
    x.grad = None
    stepper = step_backward(loss)
    assert len(stepper) == len(records) - 1  # the same steps (the last record lists the leaves)
    np.testing.assert_allclose(x.grad.numpy(), np.cosh(X) * np.exp(X) + np.sinh(X) * np.exp(X) - np.exp(-np.array(X)),
                               rtol=1e-14)


@pytest.mark.parametrize("lib_name", ["tinygrad_edu", "torch"])
def test_a_saved_output_changed_in_place_is_refused(lib_name):
    lib = tg if lib_name == "tinygrad_edu" else pytest.importorskip("torch")
    Sinh, *_ = define(lib)
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    s, e, en = Sinh.apply(x)
    loss = (s * 2 + en).sum()
    with lib.no_grad():
        e.add_(1)  # saved by forward: backward would read the changed value
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
    s, e, en = Sinh.apply(x)
    loss = (e + en).sum()
    with lib.no_grad():
        s.mul_(2)  # not saved: nothing to refuse
    x.grad = None
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(X) - np.exp(-np.array(X)), rtol=1e-14)


def test_anomaly_mode_checks_every_output():
    class Halves(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x / 2, x / 0

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 / 2

    x = tg.tensor([1.0], requires_grad=True)
    Halves.apply(x)  # no check without anomaly mode
    with tg.autograd.detect_anomaly(), pytest.raises(RuntimeError, match="HalvesBackward"):
        Halves.apply(x)


class DoubleAndExp(tg.autograd.Function):
    """Two outputs, the second saved: its gradient reaches the op through two nodes in a second
    derivative (the loss's use and the backward's use of the saved output)."""

    @staticmethod
    def forward(ctx, x):
        a, b = x * 2, x.exp()
        ctx.save_for_backward(b)
        return a, b

    @staticmethod
    def backward(ctx, ga, gb):
        (b,) = ctx.saved_tensors
        return ga * 2 + gb * b


def second_derivative(lib, function):
    x = lib.tensor([0.3, -0.2, 0.5], dtype=lib.float64, requires_grad=True)
    a, b = function.apply(x)
    (g,) = lib.autograd.grad((a * b * b).sum(), x, create_graph=True)
    (h,) = lib.autograd.grad(g.sum(), x)
    return x, h


def test_second_derivative_through_a_saved_output_used_twice():
    x, h = second_derivative(tg, DoubleAndExp)
    # L = sum(2x e^{2x}): dL/dx = (2 + 4x) e^{2x}, d2L/dx2 = (8 + 8x) e^{2x} (summed over g's elements: the same)
    np.testing.assert_allclose(h.numpy(), (8 + 8 * x.detach().numpy()) * np.exp(2 * x.detach().numpy()), rtol=1e-12)
    f = lambda t: (lambda a, b: (a * b * b).sum())(*DoubleAndExp.apply(t))  # noqa: E731
    assert tg.autograd.gradgradcheck(f, (x,))


def test_second_derivative_through_a_saved_output_matches_torch():
    torch = pytest.importorskip("torch")

    class Theirs(torch.autograd.Function):
        forward, backward = DoubleAndExp.forward, DoubleAndExp.backward

    np.testing.assert_allclose(second_derivative(tg, DoubleAndExp)[1].numpy(),
                               second_derivative(torch, Theirs)[1].numpy(), rtol=1e-12)
