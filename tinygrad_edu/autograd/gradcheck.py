"""Check analytic gradients against finite differences.

For a function f and each input element x_j, the central difference
    (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)
approximates column j of the Jacobian, with an error of order eps**2.
Autograd gives the same Jacobian one row at a time: backward with a
one-hot grad_output e_k returns row k. Both are computed in float64 and
compared element by element.

Use it on your own functions (`tinygrad_edu.gradcheck`, or `torch.autograd.gradcheck`'s
name, `tinygrad_edu.autograd.gradcheck`):

>>> x = tg.randn(3, dtype=tg.float64, requires_grad=True)
>>> gradcheck(lambda x: (x * x.sin()).sum(), (x,))
True

It lives in autograd because PyTorch puts it there; like the engine it knows tensors only
through TensorBase, and makes the tensors it needs with `type(x)._wrap(array)`.
"""

from __future__ import annotations

import numpy as np

from .engine import grad
from .function import TensorBase
from .mode import no_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """The analytic and numerical gradients disagree."""


def as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def float64_copies(inputs) -> tuple:
    """float64 copies of the inputs, so that the differences are exact enough."""
    copies = []
    for x in inputs:
        if isinstance(x, TensorBase) and x._data.dtype.kind == "f":
            copies.append(leaf(x, x._data.astype(np.float64), x.requires_grad))
        else:
            copies.append(x)
    return tuple(copies)


def leaf(like, array, requires_grad: bool):
    """A new leaf tensor (of like's type) around `array`."""
    t = type(like)._wrap(array)
    t.requires_grad = requires_grad
    return t


def evaluate(fn, inputs) -> list:
    """fn's floating outputs, flattened to float64 arrays."""
    # np.array copies: an output may be a view of the input we are about to nudge again
    return [np.array(o._data, dtype=np.float64).ravel() for o in as_tuple(fn(*inputs))
            if isinstance(o, TensorBase) and o._data.dtype.kind == "f"]


def numerical_jacobians(fn, inputs, checked, eps: float, record: bool) -> list:
    """jac[i][k][:, j]: d output k / d element j of input i, by central differences."""
    jacobians = []
    for i in checked:
        data = inputs[i]._data  # nudged in place, element by element in row-major order (as reshape(-1) reads
        columns = []            # the gradients), by index: reshape(-1) of a transposed input would be a copy
        for j in np.ndindex(data.shape):
            original = data[j]
            data[j] = original + eps
            plus = evaluate(fn, inputs) if record else no_grad()(evaluate)(fn, inputs)
            data[j] = original - eps
            minus = evaluate(fn, inputs) if record else no_grad()(evaluate)(fn, inputs)
            data[j] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        jacobians.append([np.stack([c[k] for c in columns], axis=1) if columns else None
                          for k in range(len(columns[0]) if columns else 0)])
    return jacobians


def analytic_jacobians(fn, inputs, checked) -> list:
    """jac[i][k][r, :]: row r of d output k / d input i, by one backward pass per output element."""
    outputs = [o for o in as_tuple(fn(*inputs)) if isinstance(o, TensorBase) and o._data.dtype.kind == "f"]
    wrt = [inputs[i] for i in checked]
    jacobians = [[np.zeros((o._data.size, inputs[i]._data.size)) for o in outputs] for i in checked]
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue  # a constant output: its Jacobian is zero
        for r in range(out._data.size):
            seed = np.zeros(out._data.size)
            seed[r] = 1.0
            grads = grad(out, wrt, out._wrap(seed.reshape(out._data.shape).astype(out._data.dtype)),
                         retain_graph=True, allow_unused=True)
            for n, g in enumerate(grads):
                if g is not None:
                    jacobians[n][k][r] = g._data.reshape(-1)
    return jacobians


def gradcheck(fn, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, _record: bool = False) -> bool:
    """True when autograd's gradient of `fn` at `inputs` matches central differences.

    Every floating input with requires_grad=True is checked, element by
    element, against every floating output. Inputs are copied to float64
    first. Raises GradcheckError naming the input, the element, the output
    and both values when |analytic - numeric| > atol + rtol * |numeric|
    (returns False instead with raise_exception=False, as PyTorch's).
    """
    try:
        return compare(fn, inputs, eps, atol, rtol, _record)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def compare(fn, inputs, eps: float, atol: float, rtol: float, record: bool) -> bool:
    """gradcheck's work: raises GradcheckError at the first element that disagrees."""
    inputs = float64_copies(as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, TensorBase) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; pass tensors made with requires_grad=True")
    analytic = analytic_jacobians(fn, inputs, checked)
    numeric = numerical_jacobians(fn, inputs, checked, eps, record)
    for n, i in enumerate(checked):
        for k, (a, num) in enumerate(zip(analytic[n], numeric[n])):
            if num is None:
                continue
            bad = np.abs(a - num) > atol + rtol * np.abs(num)
            if bad.any() or not np.isfinite(a).all() and np.isfinite(num).all():
                r, j = np.argwhere(bad | ~np.isfinite(a))[0]
                element = tuple(int(e) for e in np.unravel_index(j, inputs[i].shape))
                raise GradcheckError(
                    f"gradcheck: gradient of output {k} (flat element {r}) "
                    f"with respect to input {i} element {element} "
                    f"(shape {tuple(inputs[i].shape)}): analytic {a[r, j]:.10g} vs numeric {num[r, j]:.10g}")
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """gradcheck of the gradient: checks second derivatives (create_graph=True).

    The function checked is (inputs, grad_outputs) -> d(fn . grad_outputs)/d(inputs);
    `grad_outputs` are random unless given, and are checked as inputs too.
    """
    inputs = float64_copies(as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, TensorBase) and x.requires_grad]
    outputs = [o for o in as_tuple(fn(*inputs)) if isinstance(o, TensorBase) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [leaf(o, rng.standard_normal(o._data.shape), True) for o in outputs]
    grad_outputs = float64_copies(as_tuple(grad_outputs))
    n_in = len(inputs)

    def first_derivative(*args):
        xs, gos = args[:n_in], args[n_in:]
        outs = [o for o in as_tuple(fn(*xs)) if isinstance(o, TensorBase) and o.requires_grad]
        grads = grad(outs, [xs[i] for i in checked], list(gos), create_graph=True, allow_unused=True)
        return tuple(g if g is not None else xs[i]._wrap(np.zeros(xs[i]._data.shape)) for g, i in zip(grads, checked))

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, _record=True)
