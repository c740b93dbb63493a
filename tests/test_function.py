"""tinygrad_edu.autograd.Function: PyTorch's protocol for custom ops, the same one the library's ops use."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import movement_ops, ops
from tinygrad_edu.autograd import Function


class LegendreP3(Function):
    """P3(x) = (5x^3 - 3x) / 2,   dP3/dx = 1.5 (5x^2 - 1): the shape of PyTorch's own example."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


class ScaledExp(Function):
    """y = exp(x) * scale, saving its output and a non-tensor option on ctx."""

    @staticmethod
    def forward(ctx, x, scale):
        y = x.exp() * scale       # Tensor ops inside forward: recorded? no, forward runs without recording
        ctx.scale = scale
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return grad_output * y, None


def f64(values):
    return tg.tensor(values, dtype=tg.float64, requires_grad=True)


def test_a_learners_op_runs_and_gradchecks_to_second_order():
    x = f64([0.3, -1.2, 2.0])
    y = LegendreP3.apply(x)
    np.testing.assert_allclose(y.detach().numpy(), 0.5 * (5 * x.detach().numpy() ** 3 - 3 * x.detach().numpy()))
    assert y.grad_fn.name() == "LegendreP3Backward" and isinstance(y.grad_fn, LegendreP3)
    assert tg.gradcheck(LegendreP3.apply, (x,))
    assert tg.gradgradcheck(LegendreP3.apply, (x,))


def test_forward_runs_without_recording_and_saved_output_is_in_the_graph():
    x = f64([0.5, 1.0])
    y = ScaledExp.apply(x, 3.0)
    assert y.grad_fn.inputs == (x, 3.0)  # one node, not the exp and mul made inside forward
    assert tg.gradcheck(lambda t: ScaledExp.apply(t, 3.0), (x,))
    assert tg.gradgradcheck(lambda t: ScaledExp.apply(t, 3.0), (x,))


def test_next_functions_name_the_nodes_and_accumulate_grad_for_leaves():
    x, w = f64([1.0]), f64([2.0])
    h = x * w
    y = h.exp() + 1.0
    (exp_node, _), (constant, _) = y.grad_fn.next_functions
    assert exp_node.name() == "ExpBackward0" and constant is None
    ((mul_node, _),) = exp_node.next_functions
    leaves = [node for node, _ in mul_node.next_functions]
    assert [n.name() for n in leaves] == ["AccumulateGrad", "AccumulateGrad"]
    assert leaves[0].variable is x and leaves[1].variable is w


def test_backward_returning_the_wrong_number_of_gradients_is_explained():
    class TwoInputs(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output  # forgot the second one

    out = TwoInputs.apply(f64([1.0]), f64([2.0]))
    with pytest.raises(RuntimeError, match="TwoInputsBackward: backward returned 1 gradients but forward had 2"):
        out.sum().backward()


def test_saved_tensor_changed_in_place_is_refused_at_backward():
    x = f64([1.0, 2.0])
    h = x * 1.0
    y = LegendreP3.apply(h)
    with tg.no_grad():
        h += 1
    with pytest.raises(RuntimeError, match="LegendreP3Backward.*modified by an inplace operation"):
        y.sum().backward()


class SavesSome(Function):
    """Saves only some of its inputs (None for the others), as Mul does: saved_tensors gives None there."""

    @staticmethod
    def forward(ctx, x, y, z):
        ctx.save_for_backward(None, y, None)
        return x * y + z

    @staticmethod
    def backward(ctx, grad_output):
        nothing, y, nothing_either = ctx.saved_tensors
        assert nothing is None and nothing_either is None and isinstance(y, tg.Tensor)
        return grad_output * y, None, grad_output


class SavesNothing(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(None)
        return x * 2.0

    @staticmethod
    def backward(ctx, grad_output):
        assert ctx.saved_tensors == (None,)
        return grad_output * 2.0


def test_saved_tensors_gives_none_where_forward_saved_none():
    x, y, z = f64([1.0, 2.0]), f64([3.0, 4.0]), f64([0.5, 0.5])
    SavesSome.apply(x, y, z).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])
    SavesNothing.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 6.0])


def test_a_change_in_place_elsewhere_is_checked_but_accepted():
    # Any in-place change makes older nodes compare their saved versions at backward (a change
    # to a tensor they did not save passes); a change to one they saved is refused.
    x = f64([1.0, 2.0])
    h = x * 1.0
    y = LegendreP3.apply(h) * x
    other = tg.zeros(2)
    other += 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * (5 * np.array([1.0, 4.0]) - 1) * [1.0, 2.0]
                               + 0.5 * (5 * np.array([1.0, 8.0]) - 3 * np.array([1.0, 2.0])))
    y = LegendreP3.apply(h) * x
    with tg.no_grad():
        x += 1
    with pytest.raises(RuntimeError, match="MulBackward0.*modified by an inplace operation"):
        y.sum().backward()


def test_a_tensor_changed_in_place_every_step_adds_nothing_to_the_saved_tensors_cache():
    from tinygrad_edu.autograd import function
    w, scale = f64([1.0, 2.0]), tg.ones(2, dtype=tg.float64)
    before = len(function._PICKERS)
    for _ in range(50):
        (w * scale).sum().backward()  # Mul saves (None, scale), scale at a new version each time
        with tg.no_grad():
            scale.mul_(1.0)
    assert len(function._PICKERS) - before <= 1
    np.testing.assert_allclose(w.grad.numpy(), [50.0, 50.0])


def test_second_backward_through_freed_saved_tensors_says_retain_graph():
    x = f64([1.0])
    y = LegendreP3.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    z = LegendreP3.apply(x).sum()
    z.backward(retain_graph=True)
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 * 6.0])  # three backward passes of 1.5 * (5 - 1)


def test_library_primitives_use_the_same_protocol():
    for op in (ops.Add, ops.Mul, ops.TanhFunction, ops.Sum, movement_ops.GetItem):
        assert issubclass(op, Function) and op.numpy_forward
        # (defined on the op or on the family it belongs to: TanhFunction's are ElementwiseFromOutput's)
        assert isinstance(inspect.getattr_static(op, "forward"), staticmethod)
        assert isinstance(inspect.getattr_static(op, "backward"), staticmethod)
    x = f64([0.5])
    y = ops.Mul.apply(x, x)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0])


# ---------------------------------------------------------------- arithmetic backwards run on arrays

ARITHMETIC_CASES = {
    "x * y": lambda x, y: x * y, "x / y": lambda x, y: x / y, "x - y": lambda x, y: x - y,
    "2 - x": lambda x, y: 2 - x, "-x": lambda x, y: -x, "2 / x": lambda x, y: 2 / x, "x * 3": lambda x, y: x * 3,
    "x * x + x": lambda x, y: x * x + x,  # three gradients of x meet: the engine adds them on the arrays too
}
OPERANDS = {  # y: another dtype, an int beyond float32's exact range, a bool, 0-d tensors
    "float32 and int64": lambda: (tg.tensor([1.5, -2.0], requires_grad=True), tg.tensor([3, 2 ** 25 + 1])),
    "float16 and float32": lambda: (tg.tensor([1.5, -2.0], dtype=tg.float16, requires_grad=True),
                                    tg.tensor([3.1, 7.3], requires_grad=True)),
    "float32 and bool": lambda: (tg.tensor([1.5, -2.0], requires_grad=True), tg.tensor([True, False])),
    "0-d float64": lambda: (tg.tensor(1.5, dtype=tg.float64, requires_grad=True),
                            tg.tensor(3.0, dtype=tg.float64, requires_grad=True)),
}


@pytest.mark.parametrize("operands", OPERANDS)
@pytest.mark.parametrize("case", ARITHMETIC_CASES)
def test_an_arithmetic_backward_gives_the_same_gradient_on_arrays_as_recorded(case, operands):
    """Mul, Div, Sub and Neg set arithmetic_backward: a plain backward runs their formula on the
    NumPy arrays (engine.on_arrays), a recorded one on tensors. Same line, so same gradient, bit for bit,
    in the same dtype, and always an array (NumPy gives a 0-d result as a scalar)."""
    if case == "x - y" and operands == "float32 and bool":
        pytest.skip("- with a bool operand raises, as in PyTorch (tests/test_lecture_parity.py)")
    results = []
    for create_graph in (False, True):
        x, y = OPERANDS[operands]()
        inputs = [t for t in (x, y) if t.requires_grad]
        grads = tg.autograd.grad(ARITHMETIC_CASES[case](x, y).sum(), inputs, create_graph=create_graph,
                                 allow_unused=True)
        results.append([None if g is None else g.detach() for g in grads])
    for plain, recorded in zip(*results):
        assert (plain is None) == (recorded is None)
        if plain is not None:
            assert type(plain._data) is np.ndarray and plain.dtype == recorded.dtype
            np.testing.assert_array_equal(plain.numpy(), recorded.numpy())


def test_a_plain_backward_of_arithmetic_makes_no_ops(monkeypatch):
    """The plain route is the one taken: backward through these ops, x used twice, makes no op at all."""
    made = []
    apply = Function.apply.__func__
    monkeypatch.setattr(Function, "apply", classmethod(lambda cls, *a, **k: made.append(cls) or apply(cls, *a, **k)))
    x, y = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([3.0, 4.0], requires_grad=True)
    out = -(x * y / (y + 1) - x)
    made.clear()
    out.backward(tg.ones(2))
    assert made == []
    np.testing.assert_allclose(x.grad.numpy(), 1 - np.array([3.0, 4.0]) / np.array([4.0, 5.0]))
    assert [op.arithmetic_backward for op in (ops.Mul, ops.Div, ops.Sub, ops.Neg)] == [True] * 4


def test_a_custom_function_node_is_named_as_pytorch_names_it():
    """PyTorch names a custom Function's node after the class plus "Backward", with no number
    (its own ops' nodes end in a number: MulBackward0); the drawings label it LegendreP3."""
    from tinygrad_edu.tracing import op_label
    y = LegendreP3.apply(tg.tensor([0.5], requires_grad=True))
    assert y.grad_fn.name() == "LegendreP3Backward" and repr(y.grad_fn) == "<LegendreP3Backward object>"
    assert op_label(y.grad_fn) == "LegendreP3" and op_label((y * 2).grad_fn) == "Mul"
    torch = pytest.importorskip("torch")

    class TorchLegendreP3(torch.autograd.Function):
        forward, backward = LegendreP3.forward, LegendreP3.backward
    assert TorchLegendreP3.apply(torch.tensor([0.5], requires_grad=True)).grad_fn.name() == "TorchLegendreP3Backward"
