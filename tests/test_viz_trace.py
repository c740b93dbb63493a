"""trace_backward: the engine's own steps on a diamond (z = x*y + x: x's gradient arrives by two paths)."""

import json

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.viz import trace_backward


def diamond(x0=2.0, y0=-3.0):
    x = tg.Tensor(x0, requires_grad=True, name="x")
    y = tg.Tensor(y0, requires_grad=True, name="y")
    return x, y, x * y + x


def test_diamond_records_order_values_and_the_two_paths():
    x, y, z = diamond()
    records = trace_backward(z, print_fn=None)
    assert [r["op"] for r in records] == ["Add", "Mul", "leaves"]
    assert [r["step"] for r in records] == [1, 2, 3]
    add, mul, leaves = records
    assert add["node"] == "AddBackward0" and add["grad_in_value"] == 1.0
    assert [(g["input"], g["value"], g["adds"]) for g in add["grads_out"]] == [
        ("the output of step 2 (Mul)", 1.0, False), ("x", 1.0, False)]
    assert not add["adds"]
    # Mul gets 1 from Add and sends y to x (which already holds 1 from Add) and x to y.
    assert mul["grad_in_value"] == 1.0
    assert [(g["input"], g["value"], g["adds"]) for g in mul["grads_out"]] == [("x", -3.0, True), ("y", 2.0, False)]
    assert mul["adds"]
    assert [(g["input"], g["value"]) for g in leaves["grads_out"]] == [("x", -2.0), ("y", 2.0)]
    assert x.grad.item() == -2.0 and y.grad.item() == 2.0  # the real .grad, as backward() sets it


def test_rules_come_from_the_op_docstrings():
    x, y, z = diamond()
    add, mul, _ = trace_backward(z, print_fn=None)
    assert add["rule"] == "z = x + y.   dz/dx = 1, dz/dy = 1."
    assert mul["rule"] == "z = x * y.   dz/dx = y, dz/dy = x."
    w = tg.Tensor(np.ones((2, 2)), requires_grad=True)
    matmul = trace_backward((w @ w).sum(), print_fn=None)[1]
    assert matmul["op"] == "Mm" and "dL/dX = dL/dZ @ Y^T" in matmul["rule"]  # from its second paragraph


def test_printed_trace(capsys):
    x, y, z = diamond()
    trace_backward(z)
    out = capsys.readouterr().out
    assert out.count("two paths meet") == 1
    lines = out.splitlines()
    assert lines[0].startswith("step 1  AddBackward")
    assert "sends -3 to x   (adds to the gradient already there: two paths meet)" in out
    assert lines[-1] == "leaf gradients: x.grad = -2, y.grad = 2"


def test_print_fn_receives_the_text_and_records_are_plain(capsys):
    x, y, z = diamond()
    printed = []
    records = trace_backward(z, print_fn=printed.append)
    assert capsys.readouterr().out == ""
    assert len(printed) == 1 and "MulBackward" in printed[0]
    assert json.loads(json.dumps(records)) == records  # strings, numbers, lists: a notebook table


def test_retain_graph():
    x, y, z = diamond()
    trace_backward(z, retain_graph=True, print_fn=None)
    trace_backward(z, print_fn=None)  # the graph was kept; gradients accumulate as with backward()
    assert x.grad.item() == -4.0
    with pytest.raises(RuntimeError, match="second time"):
        z.backward()


def test_matches_backward_on_a_small_network():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    W1, W2 = rng.normal(size=(3, 4)), rng.normal(size=(4, 1))

    def loss_and_params():
        params = [tg.tensor(W1, requires_grad=True, name="W1"), tg.tensor(W2, requires_grad=True, name="W2")]
        return ((tg.tensor(X) @ params[0]).tanh() @ params[1]).pow(2).mean(), params

    loss, params = loss_and_params()
    records = trace_backward(loss, print_fn=None)
    reference, ref_params = loss_and_params()
    reference.backward()
    leaves = {g["input"]: np.array(g["value"]) for g in records[-1]["grads_out"]}
    assert set(leaves) == {"W1", "W2"}
    for p, ref in zip(params, ref_params):
        np.testing.assert_allclose(leaves[p.name], ref.grad._data)
        np.testing.assert_allclose(p.grad._data, ref.grad._data)
    assert not any(r["adds"] for r in records)  # a chain: no gradient meets another


def test_names_from_a_module():
    nn = pytest.importorskip("tinygrad_edu.nn")
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    records = trace_backward(net(tg.randn(3, 2)).sum(), names=net, print_fn=None)
    leaves = {g["input"] for g in records[-1]["grads_out"]}
    assert leaves == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_errors_explain():
    x, y, z = diamond()
    with pytest.raises(RuntimeError, match=r"trace_backward: the loss must have one element, got shape \(2,\)"):
        trace_backward(tg.stack([z, z]))
    with pytest.raises(RuntimeError, match="does not require grad"):
        trace_backward(tg.tensor(1.0))
    with pytest.raises(TypeError, match="expected a Tensor"):
        trace_backward(1.0)
