"""Grader of custom_op: the learner's SiLU, a Function with forward(ctx, x) and backward(ctx, grad_output).

Checked as the library checks its own primitives: the value against the formula
written in NumPy, the node it records (SiLU.apply(x).grad_fn is a SiLU node that
saved its tensors), gradcheck (autograd's first derivative against central
differences) and gradgradcheck (the backward, recorded with create_graph=True, is
itself differentiated and checked). A wrong derivative is compared with the usual
slips (the sigmoid's derivative without the product rule, only one term of it,
the terms subtracted, grad_output left out, the sign) to say which one it is.
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function
from tinygrad_edu.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck

from .grading import CheckResult, find_target, first_difference, fmt, to_numpy

NAME = "custom_op"
SUMMARY = "a new autograd primitive, SiLU: forward(ctx, x) and backward(ctx, grad_output), gradchecked twice"

POINTS = np.array([-3.0, -1.2, -0.3, 0.0, 0.4, 1.0, 2.5])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


SLIPS = {  # dy/dx a learner may write instead of s (1 + x (1 - s))
    "sigmoid only": (lambda x: sigmoid(x),
                     "that is sigmoid(x) alone, the first term of the product rule: d(x s)/dx = s + x s'."),
    "sigmoid'": (lambda x: sigmoid(x) * (1 - sigmoid(x)),
                 "that is the sigmoid's derivative s (1 - s); silu is x times s, so use the product rule."),
    "x s'": (lambda x: x * sigmoid(x) * (1 - sigmoid(x)),
             "that is only x s', the second term of the product rule; add s."),
    "s - x s'": (lambda x: sigmoid(x) - x * sigmoid(x) * (1 - sigmoid(x)),
                 "that is s - x s': the product rule adds its two terms, d(x s)/dx = s + x s'."),
    "sign": (lambda x: -sigmoid(x) * (1 + x * (1 - sigmoid(x))), "the sign is flipped."),
    "s' of x": (lambda x: sigmoid(x) + x * x * (1 - x),
                "that is s + x * x (1 - x): sigmoid' = s (1 - s) is written with the sigmoid's value s, not its "
                "input x, so the second term is x s (1 - s)."),
}


def grade(target, report: CheckResult, seconds: float = 60.0) -> None:
    op = find_target(report, target, "SiLU", kind=Function, seconds=seconds)
    if op is None:
        return
    steps = (("forward", check_forward), ("the graph node", check_node), ("gradcheck", check_gradient),
             ("gradgradcheck", check_second_derivative))
    report.run_in_order(steps, seconds, op)


def check_forward(op, line) -> None:
    given = np.stack([POINTS, -POINTS])
    x = tg.tensor(given, requires_grad=True)
    y = op.apply(x)
    if not np.array_equal(x.detach().numpy(), given):
        line.fail("SiLU.apply(x) changed its input x in place",
                  "forward makes a new tensor from x (return x * x.sigmoid()); an in-place op (x *= ..., x.mul_) "
                  "changes the caller's tensor and the x that backward reads.")
    if not isinstance(y, tg.Tensor):
        line.fail(f"SiLU.apply(x) returned {type(y).__name__}, not a Tensor",
                  "forward returns a tensor made from x with tensor operations: x * x.sigmoid().")
    if tuple(y.shape) != tuple(x.shape):
        line.fail(f"SiLU.apply(x) has shape {tuple(y.shape)} for x of shape {tuple(x.shape)}",
                  "silu works element by element: the output has the input's shape.")
    expected = x.detach().numpy() * sigmoid(x.detach().numpy())
    got = to_numpy(y)
    where = first_difference(expected, got, rtol=1e-6)
    if where is not None:
        hint = "silu(x) = x * sigmoid(x)."
        if np.allclose(got, sigmoid(x.detach().numpy())):
            hint = "that is sigmoid(x); silu multiplies it by x."
        line.fail(f"silu({fmt(x.detach().numpy()[where])}) is {fmt(got[where])}, expected {fmt(expected[where])}", hint)
    line.note("x * sigmoid(x) for a (2, 7) input")


def check_node(op, line) -> None:
    x = tg.tensor(POINTS, requires_grad=True)
    y = op.apply(x)
    node = y.grad_fn
    if node is None or not y.requires_grad:
        line.fail("SiLU.apply(x) of an x with requires_grad=True made no graph node (y.grad_fn is None)",
                  "call the op as SiLU.apply(x), and return a new tensor from forward (not x.detach()).")
    if not isinstance(node, op):
        line.fail(f"y.grad_fn is {type(node).__name__}, not a SiLU node",
                  "forward's result becomes the op's output; compute it inside forward and return it.")
    saved = node.saved_tensors
    if not saved:
        line.fail("the SiLU node saved no tensors",
                  "keep x for backward with ctx.save_for_backward(x), and read it back with ctx.saved_tensors.")
    line.note(f"y.grad_fn is {node.name()}, with {len(saved)} saved tensor{'s' if len(saved) > 1 else ''}")


def check_gradient(op, line) -> None:
    x = tg.tensor(POINTS, requires_grad=True)
    try:
        gradcheck(op.apply, (x,))
    except GradcheckError as err:
        line.fail(describe_difference(op) or f"autograd and finite differences disagree "
                  f"({str(err).removeprefix('gradcheck: ')})", derivative_hint(op))
    line.note("dy/dx matches central differences at " + ", ".join(f"{v:g}" for v in POINTS))


def describe_difference(op) -> str:
    """'at x = -3 your backward gives ..., central differences of your forward give ...' (or '')."""
    x = tg.tensor(POINTS, requires_grad=True)
    op.apply(x).backward(tg.tensor(np.ones(POINTS.shape)))
    got = to_numpy(x.grad)
    eps = 1e-6
    with tg.no_grad():
        plus, minus = to_numpy(op.apply(tg.tensor(POINTS + eps))), to_numpy(op.apply(tg.tensor(POINTS - eps)))
    numeric = (plus - minus) / (2 * eps)
    where = first_difference(numeric, got, rtol=1e-4, atol=1e-6)
    if where is None:
        return ""
    return (f"at x = {POINTS[where]:g}, SiLU.backward with grad_output = 1 returns {fmt(got[where])}, but central "
            f"differences of your forward give dy/dx = {fmt(numeric[where])}")


def derivative_hint(op) -> str:
    """Which slip the learner's dy/dx (and its use of grad_output) matches."""
    x = tg.tensor(POINTS, requires_grad=True)
    op.apply(x).backward(tg.tensor(np.full(POINTS.shape, 2.0)))
    got = to_numpy(x.grad) / 2
    s = sigmoid(POINTS)
    right = s * (1 + POINTS * (1 - s))
    if np.allclose(got * 2, right):
        return "grad_output is left out: by the chain rule, dL/dx = grad_output * dy/dx."
    for derivative, hint in SLIPS.values():
        if np.allclose(got, derivative(POINTS)):
            return hint
    i = first_difference(right, got)
    at = f"; at x = {POINTS[i[0]]:g} it is {fmt(right[i])}" if i is not None else ""  # the right value, not theirs
    return f"work out d(x sigmoid(x))/dx with the product rule and sigmoid' = s (1 - s){at}."


def check_second_derivative(op, line) -> None:
    x = tg.tensor(POINTS, requires_grad=True)
    try:
        gradgradcheck(op.apply, (x,))
    except GradcheckError as err:
        line.fail(f"the second derivative is wrong ({str(err).removeprefix('gradcheck: ')})", constant_hint(op) or
                  "backward must be built from tensor operations on the saved tensors (not NumPy, not .numpy() "
                  "or .detach()), so that autograd can record and differentiate it.")
    line.note("backward is differentiable: second derivatives match")


def constant_hint(op) -> str:
    """The hint when forward saved a tensor it computed (sigmoid(x)): forward runs unrecorded, so that tensor is a
    constant to autograd, and backward's derivative through it is lost (as in PyTorch). '' when it saved none."""
    x = tg.tensor(POINTS, requires_grad=True)
    node = op.apply(x).grad_fn
    computed = [t for t in (node.saved_tensors if node is not None else ()) if isinstance(t, tg.Tensor)
                and not t.requires_grad]
    if not computed:
        return ""
    return ("forward saved a tensor it computed (such as s = x.sigmoid()): forward is not recorded, so to autograd "
            "that tensor is a constant that does not depend on x, and the second derivative misses its part. Save "
            "only x (or the output) and compute s = x.sigmoid() inside backward.")
