"""Check analytic gradients against finite differences.

For a function f and each input element x_j, the central difference
    (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)
approximates column j of the Jacobian, with an error of order eps**2.
Autograd gives the same Jacobian one row at a time: backward with a
one-hot grad_output e_k returns row k. Both are computed in float64 and
compared element by element.

Use it on your own functions:

>>> x = Tensor(np.random.randn(3), dtype=np.float64, requires_grad=True)
>>> gradcheck(lambda x: (x * x.sin()).sum(), (x,))
True
"""

from __future__ import annotations

import numpy as np

from .autograd import no_grad
from .tensor import Tensor, grad, tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """The analytic and numerical gradients disagree."""


def as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def float64_copies(inputs) -> tuple:
    """float64 copies of the inputs, so that the differences are exact enough."""
    copies = []
    for x in inputs:
        if isinstance(x, Tensor) and np.issubdtype(x.dtype, np.floating):
            copies.append(tensor(x._data.astype(np.float64), requires_grad=x.requires_grad))
        else:
            copies.append(x)
    return tuple(copies)


def evaluate(fn, inputs) -> list:
    """fn's floating outputs, flattened to float64 arrays."""
    # np.array copies: an output may be a view of the input we are about to nudge again
    return [np.array(o._data, dtype=np.float64).ravel() for o in as_tuple(fn(*inputs))
            if isinstance(o, Tensor) and np.issubdtype(o.dtype, np.floating)]


def numerical_jacobians(fn, inputs, checked, eps: float, record: bool) -> list:
    """jac[i][k][:, j]: d output k / d element j of input i, by central differences."""
    jacobians = []
    for i in checked:
        flat = inputs[i]._data.reshape(-1)  # a view: we nudge the input's own data
        columns = []
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = evaluate(fn, inputs) if record else no_grad()(evaluate)(fn, inputs)
            flat[j] = original - eps
            minus = evaluate(fn, inputs) if record else no_grad()(evaluate)(fn, inputs)
            flat[j] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        jacobians.append([np.stack([c[k] for c in columns], axis=1) if columns else None
                          for k in range(len(columns[0]) if columns else 0)])
    return jacobians


def analytic_jacobians(fn, inputs, checked) -> list:
    """jac[i][k][r, :]: row r of d output k / d input i, by one backward pass per output element."""
    outputs = [o for o in as_tuple(fn(*inputs))
               if isinstance(o, Tensor) and np.issubdtype(o.dtype, np.floating)]
    wrt = [inputs[i] for i in checked]
    jacobians = [[np.zeros((o._data.size, inputs[i]._data.size)) for o in outputs] for i in checked]
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue  # a constant output: its Jacobian is zero
        for r in range(out._data.size):
            seed = np.zeros(out._data.size)
            seed[r] = 1.0
            grads = grad(out, wrt, Tensor._wrap(seed.reshape(out.shape).astype(out.dtype)),
                         retain_graph=True, allow_unused=True)
            for n, g in enumerate(grads):
                if g is not None:
                    jacobians[n][k][r] = g._data.reshape(-1)
    return jacobians


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              _record: bool = False) -> bool:
    """True when autograd's gradient of `fn` at `inputs` matches central differences.

    Every floating input with requires_grad=True is checked, element by
    element, against every floating output. Inputs are copied to float64
    first. Raises GradcheckError naming the input, the element, the output
    and both values when |analytic - numeric| > atol + rtol * |numeric|.
    """
    inputs = float64_copies(as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; pass tensors made with requires_grad=True")
    analytic = analytic_jacobians(fn, inputs, checked)
    numeric = numerical_jacobians(fn, inputs, checked, eps, _record)
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


def gradgradcheck(fn, inputs, grad_outputs=None, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3) -> bool:
    """gradcheck of the gradient: checks second derivatives (create_graph=True).

    The function checked is (inputs, grad_outputs) -> d(fn . grad_outputs)/d(inputs);
    `grad_outputs` are random unless given, and are checked as inputs too.
    """
    inputs = float64_copies(as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outputs = [o for o in as_tuple(fn(*inputs)) if isinstance(o, Tensor) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [Tensor(rng.standard_normal(o.shape), dtype=np.float64, requires_grad=True)
                        for o in outputs]
    grad_outputs = float64_copies(as_tuple(grad_outputs))
    n_in = len(inputs)

    def first_derivative(*args):
        xs, gos = args[:n_in], args[n_in:]
        outs = [o for o in as_tuple(fn(*xs)) if isinstance(o, Tensor) and o.requires_grad]
        grads = grad(outs, [xs[i] for i in checked], list(gos), create_graph=True, allow_unused=True)
        return tuple(g if g is not None else Tensor._wrap(np.zeros(xs[i].shape)) for g, i in zip(grads, checked))

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps, atol, rtol, _record=True)
