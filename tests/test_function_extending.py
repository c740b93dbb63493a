"""The rest of PyTorch's "Extending PyTorch" kit for your own op: ctx.mark_non_differentiable,
@once_differentiable, and gradcheck/gradgradcheck under torch.autograd's names (raise_exception=False).
Each behaviour is written out here (no torch needed) and, when torch is installed, checked against it."""

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import GradcheckError


def define(lib):
    """The same three custom ops written against `lib` (torch or tinygrad_edu)."""

    class ArgMax(lib.autograd.Function):  # an index has no gradient
        @staticmethod
        def forward(ctx, x):
            index = x.argmax()
            ctx.mark_non_differentiable(index)
            return index

        @staticmethod
        def backward(ctx, grad_output):
            return None

    class Cube(lib.autograd.Function):  # a backward in NumPy: right once, not differentiable again
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return lib.from_numpy(3 * x.detach().numpy() ** 2 * grad_output.numpy())

    class WrongSquare(lib.autograd.Function):  # the slip gradcheck exists for: 2x forgotten
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * x

    class CubeOps(Cube):  # the same with Tensor ops: once_differentiable records none of them
        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 3 * x * x

    return ArgMax, Cube, WrongSquare, CubeOps


def behaviour(lib) -> dict:
    ArgMax, Cube, WrongSquare, CubeOps = define(lib)
    x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    index = ArgMax.apply(x)
    Cube.apply(x).sum().backward()
    (first,) = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    (first_ops,) = lib.autograd.grad(CubeOps.apply(x).sum(), x, create_graph=True)
    return {
        "index": int(index.item()), "index requires grad": index.requires_grad, "index node": index.grad_fn,
        "cube grad": x.grad.detach().numpy().tolist(), "recorded first derivative": first.detach().numpy().tolist(),
        "first derivative requires grad": first.requires_grad,
        "with Tensor ops": first_ops.detach().numpy().tolist(),
        "with Tensor ops requires grad": first_ops.requires_grad,
        "gradcheck right": lib.autograd.gradcheck(Cube.apply, (x,)),
        "gradcheck wrong": lib.autograd.gradcheck(WrongSquare.apply, (x,), raise_exception=False),
        "gradgradcheck right": lib.autograd.gradgradcheck(lambda t: t * t.sin(), (x,)),
    }


EXPECTED = {
    "index": 2, "index requires grad": False, "index node": None,
    "cube grad": [0.75, 3.0, 12.0], "recorded first derivative": [0.75, 3.0, 12.0],
    "first derivative requires grad": False,
    "with Tensor ops": [0.75, 3.0, 12.0], "with Tensor ops requires grad": False,
    "gradcheck right": True, "gradcheck wrong": False, "gradgradcheck right": True,
}


def test_extending_kit_written_out():
    assert behaviour(tg) == EXPECTED


def test_extending_kit_as_torch():
    torch = pytest.importorskip("torch")
    assert behaviour(torch) == behaviour(tg) == EXPECTED


def test_once_differentiable_gradient_cannot_be_differentiated_again():
    _, Cube, _, _ = define(tg)
    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    (first,) = tg.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.autograd.grad(first.sum(), x)


def test_gradcheck_raises_by_default_naming_the_element():
    _, _, WrongSquare, _ = define(tg)
    x = tg.tensor(np.array([0.5, 2.0]), requires_grad=True)
    with pytest.raises(GradcheckError, match=r"input 0 element \(0,\)"):
        tg.autograd.gradcheck(WrongSquare.apply, (x,))
    assert tg.gradcheck is tg.autograd.gradcheck  # one function under both names


def test_marking_another_tensor_leaves_the_output_differentiable():
    class Double(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x.sign())  # not the output: nothing changes
            return 2 * x

        @staticmethod
        def backward(ctx, grad_output):
            return 2 * grad_output

    x = tg.tensor([1.0, 3.0], requires_grad=True)
    y = Double.apply(x)
    assert y.requires_grad and y.grad_fn.name() == "DoubleBackward"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_gradcheck_of_a_transposed_input():
    """A transposed input's elements are nudged in place too (a flattened copy would leave the numeric
    Jacobian at 0, and the check would fail a correct gradient, or pass a gradient of 0)."""
    x = tg.tensor(np.arange(1.0, 7.0).reshape(2, 3)).t().detach().requires_grad_()
    assert not x.is_contiguous()
    assert tg.autograd.gradcheck(lambda t: (t * t).sum(dim=0), (x,))
    assert tg.autograd.gradgradcheck(lambda t: (t * t * t).sum(dim=0), (x,))

    class Zero(tg.autograd.Function):  # a wrong (zero) gradient must still fail on such an input
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 0

    assert not tg.autograd.gradcheck(lambda t: Zero.apply(t), (x,), raise_exception=False)
