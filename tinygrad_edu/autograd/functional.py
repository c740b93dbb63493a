"""Higher-level derivatives of a whole function, as torch.autograd.functional.

    jacobian(f, x)      J[i, j] = d f(x)_i / d x_j            shape f(x).shape + x.shape
    hessian(f, x)       H[i, j] = d^2 f(x) / d x_i d x_j      f returns one number
    vjp(f, x, v)        v^T J   (one backward pass)           returns (f(x), v^T J)
    jvp(f, x, v)        J v     (two backward passes)         returns (f(x), J v)
    vhp(f, x, v)        v^T H                                 returns (f(x), v^T H)
    hvp(f, x, v)        H v                                   returns (f(x), H v)

Everything is built on `grad` (reverse mode). A Jacobian is found one row at a
time: backward with a one-hot grad_output e_k gives row k, d f_k / d x. The
Hessian is the Jacobian of the gradient, which needs the gradient recorded
(create_graph=True) so it can be differentiated again. J v has no reverse-mode
pass of its own; the "double-backward trick" gets it from two: g(u) = u^T J is
linear in a dummy u, so d(g . v)/du = J v.

`inputs` is a Tensor or a tuple of Tensors and `func` returns a Tensor or a tuple;
the results follow PyTorch's nesting: a Tensor when both are single, else tuples
(for jacobian, a tuple over outputs of tuples over inputs). With create_graph=False
the results are detached; with strict=True an output that does not depend on an
input raises instead of giving zeros. `vectorize` and the strategies are accepted
for compatibility; the rows are always computed one by one in reverse mode, which
gives the same numbers.

This module sits beside the engine and imports only from it: it makes tensors
with `type(x)._wrap(array)`, as the engine does.
"""

from __future__ import annotations

import numpy as np

from .engine import grad
from .mode import enable_grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"]


# ---------------------------------------------------------------- the plumbing PyTorch's nesting needs

def as_tuple(value, what: str, fn_name: str) -> tuple[bool, tuple]:
    """(was_tuple, the tensors as a tuple); raise if something in it is not a Tensor."""
    is_tuple = isinstance(value, (tuple, list))
    values = tuple(value) if is_tuple else (value,)
    for i, v in enumerate(values):
        if not hasattr(v, "_ctx"):
            raise TypeError(f"{fn_name}: the {what} must be a Tensor or a tuple of Tensors, "
                            f"but element {i} is a {type(v).__name__}")
    return is_tuple, values


def prepare_inputs(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh tensors that require grad, so the derivative is taken with respect to them.
    With create_graph and an input already in a graph, stay connected to it (a reshape to
    the same shape), so the result can be differentiated with respect to the caller's input."""
    prepared = []
    for x in inputs:
        if create_graph and x.requires_grad:
            prepared.append(x.reshape(x.shape))
        else:
            prepared.append(x.detach().requires_grad_(True))
    return tuple(prepared)


def zeros_like(x):
    return type(x)._wrap(np.zeros(x.shape, dtype=x.dtype))


def finish(values, create_graph: bool):
    """Detach unless the caller wants to differentiate the result again."""
    if create_graph:
        return values
    return tuple(v.detach() for v in values)


def untuple(is_tuple: bool, values: tuple):
    return values if is_tuple else values[0]


def gradients(output, inputs: tuple, grad_output, create_graph: bool, strict: bool, fn_name: str,
              output_index: int = 0) -> tuple:
    """d(output . grad_output)/d(each input), zeros for an input the output does not depend on
    (or an error in strict mode)."""
    if output.requires_grad:
        found = grad(output, inputs, grad_output, retain_graph=True, create_graph=create_graph,
                     allow_unused=True)
    else:  # the output is a constant: it depends on no input
        found = (None,) * len(inputs)
    result = []
    for i, (x, g) in enumerate(zip(inputs, found)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn_name}: output {output_index} of the function is independent of input {i}. "
                                   "This is not allowed in strict mode (strict=False gives zeros).")
            g = zeros_like(x)
        result.append(g)
    return tuple(result)


def check_v(v, outputs: tuple, fn_name: str, against: str) -> tuple:
    """v as a tuple shaped like `outputs` (v may be None only for one single-element output)."""
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(f"{fn_name}: the vector v can only be None if the {against} is a single "
                               f"Tensor with a single element; got shapes {[tuple(o.shape) for o in outputs]}")
        return (type(outputs[0])._wrap(np.ones(outputs[0].shape, dtype=outputs[0].dtype)),)
    _, v = as_tuple(v, "vector v", fn_name)
    if len(v) != len(outputs):
        raise RuntimeError(f"{fn_name}: v has {len(v)} tensors but the {against} has {len(outputs)}")
    for i, (a, b) in enumerate(zip(v, outputs)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"{fn_name}: v[{i}] has shape {tuple(a.shape)} but the {against} {i} has shape "
                               f"{tuple(b.shape)}; they must match")
    return v


def call(func, inputs: tuple, fn_name: str) -> tuple[bool, tuple]:
    with enable_grad():  # works inside no_grad() too, as PyTorch's
        outputs = func(*inputs)
    return as_tuple(outputs, "output of the function", fn_name)


# ---------------------------------------------------------------- the functions

def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): one backward pass with grad_output v. The second result is
    shaped like the inputs."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", "vjp")
    inputs = prepare_inputs(inputs, create_graph)
    outputs_tuple, outputs = call(func, inputs, "vjp")
    v = check_v(v, outputs, "vjp", "output")
    total = None
    for i, (out, vi) in enumerate(zip(outputs, v)):
        part = gradients(out, inputs, vi, create_graph, strict, "vjp", i)
        total = part if total is None else tuple(a + b for a, b in zip(total, part))
    return untuple(outputs_tuple, finish(outputs, create_graph)), untuple(inputs_tuple, finish(total, create_graph))


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v). The double-backward trick: with a dummy u (zeros that require grad),
    g(u) = u^T J is a recorded function of u, linear in it, and d(g . v)/du = J v."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", "jvp")
    inputs = prepare_inputs(inputs, create_graph)
    v = check_v(v, inputs, "jvp", "input")
    outputs_tuple, outputs = call(func, inputs, "jvp")
    results = []
    for i, out in enumerate(outputs):
        dummy = zeros_like(out).requires_grad_(True)
        with enable_grad():
            u_t_j = gradients(out, inputs, dummy, True, strict, "jvp", i)
        total = None
        for g, vi in zip(u_t_j, v):
            if g.requires_grad:  # g is independent of the dummy when the output does not use that input
                product = (g * vi).sum()
                total = product if total is None else total + product
        if total is None:
            results.append(zeros_like(out))
        else:
            found = grad(total, dummy, retain_graph=True, create_graph=create_graph, allow_unused=True)[0]
            results.append(zeros_like(out) if found is None else found)
    return untuple(outputs_tuple, finish(outputs, create_graph)), untuple(outputs_tuple, finish(results, create_graph))


def jacobian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """The Jacobian of func at inputs, J[i][j] of shape outputs[i].shape + inputs[j].shape,
    found one output element at a time (a backward pass with a one-hot grad_output per row)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', not {strategy!r}")
    inputs_tuple, inputs = as_tuple(inputs, "inputs", "jacobian")
    inputs = prepare_inputs(inputs, create_graph)
    outputs_tuple, outputs = call(func, inputs, "jacobian")
    blocks = []
    for i, out in enumerate(outputs):
        rows = [[] for _ in inputs]
        for k in range(out.numel()):
            one_hot = np.zeros(out.numel(), dtype=out.dtype)
            one_hot[k] = 1
            row = gradients(out, inputs, type(out)._wrap(one_hot.reshape(out.shape)), create_graph, strict,
                            "jacobian", i)
            for j, g in enumerate(row):
                rows[j].append(g)
        per_input = []
        for x, row in zip(inputs, rows):
            if row:
                per_input.append(stack_rows(row).reshape(tuple(out.shape) + tuple(x.shape)))
            else:  # an empty output: an empty Jacobian
                per_input.append(type(x)._wrap(np.zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)))
        blocks.append(finish(tuple(per_input), create_graph))
    if outputs_tuple and inputs_tuple:
        return tuple(blocks)
    if outputs_tuple:
        return tuple(block[0] for block in blocks)
    return untuple(inputs_tuple, blocks[0])


def stack_rows(rows: list):
    """Stack the Jacobian's rows into one tensor. Rows in a graph (create_graph=True) are stacked
    with Tensor methods, so the Jacobian stays differentiable: row k is padded with k zero rows
    before and n-1-k after, and the padded rows are summed."""
    if not any(r.requires_grad for r in rows):
        return type(rows[0])._wrap(np.stack([r._data for r in rows]))
    n, total = len(rows), None
    for k, row in enumerate(rows):
        padded = row.unsqueeze(0).pad((0, 0) * row.ndim + (k, n - 1 - k))
        total = padded if total is None else total + padded
    return total


def hessian(func, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a function that returns one number: the Jacobian of its gradient,
    H[i][j] of shape inputs[i].shape + inputs[j].shape."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", "hessian")

    def gradient_of_func(*xs):
        _, out = call(func, xs, "hessian")
        if len(out) != 1:
            raise RuntimeError(f"hessian: the function must return a single Tensor, got {len(out)}")
        if out[0].numel() != 1:
            raise RuntimeError(f"hessian: the Tensor the function returns must have a single element, "
                               f"got shape {tuple(out[0].shape)}")
        return untuple(inputs_tuple, gradients(out[0].reshape(()), xs, None, True, strict, "hessian"))

    # the gradient has the inputs' nesting, so the Jacobian of it has the Hessian's
    return jacobian(gradient_of_func, untuple(inputs_tuple, inputs), create_graph=create_graph, strict=strict,
                    vectorize=vectorize, strategy=outer_jacobian_strategy)


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H): differentiate (gradient . v) once more."""
    inputs_tuple, inputs, v, output, first = recorded_gradient(func, inputs, v, create_graph, strict, "vhp")
    result = product_gradient(first, v, inputs, create_graph, strict, "vhp")
    return finish((output,), create_graph)[0], untuple(inputs_tuple, finish(result, create_graph))


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v). PyTorch's route: the double-backward trick on the gradient (a dummy u,
    d/du of (d(gradient . u)/dx) . v). For a function whose second derivatives are continuous H is
    symmetric and H v = v^T H."""
    inputs_tuple, inputs, v, output, first = recorded_gradient(func, inputs, v, create_graph, strict, "hvp")
    dummies = tuple(zeros_like(x).requires_grad_(True) for x in inputs)
    with enable_grad():
        linear = dot_sum(first, dummies)
        if linear is None:
            back = tuple(zeros_like(x) for x in inputs)
        else:
            back = gradients(linear, inputs, None, True, strict, "hvp")  # back = u^T H, linear in u
    result = product_gradient(back, v, dummies, create_graph, strict, "hvp")
    return finish((output,), create_graph)[0], untuple(inputs_tuple, finish(result, create_graph))


def recorded_gradient(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    """What vhp and hvp start from: (the inputs as given, the prepared inputs, v checked against
    them, func's scalar output, and its gradient recorded so that it can be differentiated)."""
    inputs_tuple, inputs = as_tuple(inputs, "inputs", fn_name)
    inputs = prepare_inputs(inputs, create_graph)
    v = check_v(v, inputs, fn_name, "input")
    output = scalar_output(func, inputs, fn_name)
    with enable_grad():
        first = gradients(output, inputs, None, True, strict, fn_name)
    return inputs_tuple, inputs, v, output, first


def scalar_output(func, inputs: tuple, fn_name: str):
    _, outputs = call(func, inputs, fn_name)
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError(f"{fn_name}: the function must return a single Tensor with a single element, "
                           f"got shapes {[tuple(o.shape) for o in outputs]}")
    return outputs[0]


def product_gradient(vector_fn: tuple, v: tuple, wrt: tuple, create_graph: bool, strict: bool, fn_name: str):
    """d(sum_i vector_fn[i] . v[i]) / d(wrt): zeros where nothing depends on wrt."""
    total = dot_sum(vector_fn, v)
    if total is None:
        if strict:
            raise RuntimeError(f"{fn_name}: the gradient is independent of the inputs (the function is at most "
                               "linear in them). This is not allowed in strict mode.")
        return tuple(zeros_like(x) for x in wrt)
    return gradients(total, wrt, None, create_graph, strict, fn_name)


def dot_sum(vector_fn: tuple, v: tuple):
    """sum_i vector_fn[i] . v[i] over the parts in a graph, as one scalar tensor; None if none is."""
    total = None
    for g, vi in zip(vector_fn, v):
        if g.requires_grad:
            term = (g * vi).sum()
            total = term if total is None else total + term
    return total
