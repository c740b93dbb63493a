"""The autograd machinery: graph nodes, the backward engine and the grad modes.

A Tensor made by an op that needs gradients holds its `Function` node in
`tensor._ctx` (public name: `grad_fn`). The node holds its `parents` (the
inputs of the op) and whatever its forward saved. That is the whole graph:
the engine, the graph renderer and the backward tracer all read it.

There are no reference cycles: a node never points at its own output
tensor, so a graph is freed the moment its last tensor is dropped.

This module imports nothing from the rest of the package; it calls Tensor
methods (`sum`, `reshape`, `+`) on the gradients it is handed.
"""

from __future__ import annotations

import functools
import traceback
import weakref

import numpy as np

from .variable import Variable as Variable  # PyTorch's pre-0.4 name: returns a Tensor

__all__ = [
    "Function", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "run_backward", "grad",
]


# ---------------------------------------------------------------- grad modes

class _Mode:
    """Global switches. Read on every op, so they are plain attributes."""
    grad_enabled = True
    anomaly = False


# (name, module) pairs whose forward is running, outermost first: nn.Module.__call__ pushes
# and pops them, and each recorded node keeps the innermost one (`node.module`), so the graph
# renderer can draw every module's ops in a box. A plain list here, so nn can write and the
# core can read it without importing nn.
module_stack: list = []


def is_grad_enabled() -> bool:
    """True when new ops are recorded in the graph."""
    return _Mode.grad_enabled


class _GradSwitch:
    """Base for no_grad/enable_grad: a context manager that is also a decorator,
    with or without parentheses (`@no_grad()` and `@no_grad`, as PyTorch)."""
    value = True

    def __new__(cls, func=None):
        switch = super().__new__(cls)
        return switch(func) if callable(func) else switch

    def __enter__(self):
        self.prev = _Mode.grad_enabled
        _Mode.grad_enabled = self.value

    def __exit__(self, *exc):
        _Mode.grad_enabled = self.prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradSwitch):
    """Record nothing inside: `with no_grad(): p -= lr * p.grad`, or `@no_grad()`."""
    value = False


class enable_grad(_GradSwitch):
    """Record ops again inside a `no_grad` block."""
    value = True


class set_grad_enabled(_GradSwitch):
    """`with set_grad_enabled(False): ...` -- switch recording on or off by a flag."""

    def __new__(cls, mode: bool):
        return object.__new__(cls)

    def __init__(self, mode: bool):
        self.value = bool(mode)

    def __call__(self, fn):
        mode = self.value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class detect_anomaly:
    """Inside this block every op checks its output, and every backward step its
    gradients, for NaN or Inf, and raises naming the op and the line of your code
    that created it. Slow; use it to hunt a NaN, then take it out."""

    def __enter__(self):
        self.prev = _Mode.anomaly
        _Mode.anomaly = True

    def __exit__(self, *exc):
        _Mode.anomaly = self.prev


def is_anomaly_enabled() -> bool:
    return _Mode.anomaly


def user_frame() -> str:
    """The innermost line of the call stack that is not inside tinygrad_edu."""
    package_dir = __file__.rsplit("/", 2)[0]
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(package_dir):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return "<unknown>"


def check_finite(array, what: str, node: "Function") -> None:
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "Inf"
        raise RuntimeError(
            f"detect_anomaly: {node.name()} produced {bad} in its {what}.\n" + (
                f"The op was created at:\n  {node.trace}" if node.trace else
                "It was created outside detect_anomaly(); put the forward pass inside the block "
                "too to see the line of your code that made it."))


# ---------------------------------------------------------------- the node

class Function:
    """One node of the graph: one primitive op.

    A subclass writes
      forward(self, *arrays, **options) -> array   NumPy in, NumPy out
      backward(self, grad_output) -> gradients     Tensors in, Tensors out
    `backward` returns one gradient per input (None where
    `self.needs_input_grad[i]` is False) and may use `self.parents`, the
    input Tensors. Because it is written with Tensor ops, the engine can
    record it (create_graph=True) and differentiate it again.

    Gradients may come back in the broadcast shape: the engine sums them
    down to each input's shape in one place (`unbroadcast`).

    An op may keep one array from its forward pass in `self.saved`: its output
    (exp) or its local derivative (tanh: 1 - tanh(x)**2), and read it back as
    a Tensor with `saved_tensor`.

    `makes_view = True` marks ops whose output may share the input's memory
    (reshape, permute, expand, indexing); it then shares the version counter.

    `reads_inputs = False` marks ops whose backward never reads an input's
    value (add, reshape, ...): changing such an input in place is harmless.
    """
    __slots__ = ("parents", "needs_input_grad", "versions", "saved", "hooks", "retained", "trace", "module",
                 "__dict__", "__weakref__")
    reads_inputs = True
    makes_view = False

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError

    def saved_tensor(self, grad_output, recompute):
        """The array forward kept in `self.saved`, as a Tensor.

        When the backward pass is itself being recorded (create_graph=True)
        the same quantity is recomputed from the inputs instead (`recompute()`,
        with Tensor ops), so that it is part of the graph and second
        derivatives flow through it. gradcheck tests the first path and
        gradgradcheck the second, so the two cannot drift apart.
        """
        if _Mode.grad_enabled:
            return recompute()
        return grad_output._wrap(self.saved)

    @classmethod
    def name(cls) -> str:
        """PyTorch's name for the node: `MulBackward`."""
        return cls.__name__ + "Backward"

    @property
    def next_functions(self) -> tuple:
        """The nodes this one sends gradients to (None for leaves and constants)."""
        if self.parents is None:
            return ()
        return tuple((getattr(p, "_ctx", None), 0) for p in self.parents)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


def unbroadcast(grad, shape: tuple):
    """Sum a gradient that was broadcast up back down to `shape`.

    Broadcasting copies an input along new leading axes and along axes of
    size 1, so its gradient is the sum over those axes. This is the only
    place in the library that does it.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    if axes:
        grad = grad.sum(dim=axes, keepdim=True)
    return grad.reshape(shape)


# ---------------------------------------------------------------- the engine

def topological_order(roots: list) -> list:
    """Nodes reachable from `roots`, each before every node it sends gradients to.

    An iterative depth-first search with a Python list as the stack (no
    recursion, so a chain of 100,000 ops is fine). A node is emitted after
    all its inputs' nodes (post-order); reversed, that puts every consumer
    before what it consumes.
    """
    order, visited, emitted = [], set(), set()
    stack = [node for node in roots if node is not None]
    while stack:
        node = stack[-1]
        if node in visited:  # second time on top: its inputs are all emitted
            stack.pop()
            if node not in emitted:
                emitted.add(node)
                order.append(node)
            continue
        visited.add(node)
        if node.parents is None:
            continue
        for parent, needed in zip(node.parents, node.needs_input_grad):
            if needed:
                ctx = parent._ctx
                if ctx is not None and ctx not in visited:
                    stack.append(ctx)
    order.reverse()
    return order


FREED_MESSAGE = (
    "{op}: trying to backward through the graph a second time (or to use its saved "
    "values after they were freed). A backward pass frees the graph to save memory; "
    "call .backward(retain_graph=True) the first time if you need to go through it again, "
    "or recompute the forward pass.")


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool,
                 inputs=None, allow_unused: bool = False, trace: list | None = None):
    """Reverse-mode differentiation from `roots` (Tensors) seeded with `root_grads`.

    With `inputs=None` gradients are accumulated into the `.grad` of every
    leaf that requires grad (what `Tensor.backward` does). Otherwise the
    gradients with respect to `inputs` are returned and no `.grad` changes
    (what `grad()` does).

    The pending gradients live in one dict: keyed by node for tensors an op
    made, by the tensor itself for leaves. A node runs once every consumer
    has added its share, which the topological order guarantees.
    """
    pending = {}
    for root, g in zip(roots, root_grads):
        key = root._ctx if root._ctx is not None else root
        pending[key] = pending[key] + g if key in pending else g

    wanted = None
    if inputs is not None:  # {key: [positions in inputs]}: the same tensor may be asked for twice
        wanted = {}
        for i, t in enumerate(inputs):
            wanted.setdefault(t._ctx if t._ctx is not None else t, []).append(i)
        results = [None] * len(inputs)

    prev_mode = _Mode.grad_enabled
    _Mode.grad_enabled = create_graph
    try:
        for node in topological_order([r._ctx for r in roots]):
            grad = pending.pop(node, None)
            if grad is None:
                continue
            if node.hooks is not None or node.retained is not None:
                grad = run_node_hooks(node, grad)
            if wanted is not None and node in wanted:
                for i in wanted[node]:
                    results[i] = grad
            parents = node.parents
            if parents is None:
                raise RuntimeError(FREED_MESSAGE.format(op=node.name()))
            if node.versions is not None:
                for parent, version in zip(parents, node.versions):
                    if version is not None and parent._counter[0] != version:
                        raise version_error(node, parent, version)
            grads = node.backward(grad)
            if type(grads) is not tuple:
                grads = (grads,)
            if _Mode.anomaly:
                for g in grads:
                    if g is not None:
                        check_finite(g._data, "gradient (backward)", node)
            sent = [] if trace is not None else None
            for parent, needed, g in zip(parents, node.needs_input_grad, grads):
                if not needed or g is None:
                    continue
                if g._data.shape != parent._data.shape:
                    g = unbroadcast(g, parent._data.shape)
                if g._data.dtype != parent._data.dtype:
                    g = g.astype(parent._data.dtype)  # a float32 input gets a float32 gradient
                key = parent._ctx or parent  # a node is truthy; a leaf is its own key
                if sent is not None:
                    sent.append({"input": parent, "grad": g, "adds_to_existing": key in pending})
                pending[key] = pending[key] + g if key in pending else g
            if trace is not None:
                trace.append({"node": node, "op": node.name(), "grad_output": grad, "sent": sent})
            if not retain_graph:
                # Drop the inputs (and with them the saved arrays) now, not when the graph dies.
                node.parents = node.versions = node.saved = None
    finally:
        _Mode.grad_enabled = prev_mode

    # What is left in `pending` is the gradient of each leaf.
    if wanted is not None:
        for key, positions in wanted.items():
            if key in pending:
                grad = run_leaf_hooks(key, pending[key])
                for i in positions:
                    results[i] = grad
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {inputs[i].shape}) was not used to compute the "
                    "outputs, so it has no gradient. Pass allow_unused=True to get None for it.")
        return results
    given = {id(g._data) for g in root_grads}
    for leaf, grad in pending.items():
        grad = run_leaf_hooks(leaf, grad)
        if not create_graph:
            # Keep each .grad its own array: a pass-through op (add) hands the
            # same gradient to both inputs, and a view may be read-only.
            if id(grad._data) in given or grad._data.base is not None:
                grad = type(grad)._wrap(grad._data.copy())
            given.add(id(grad._data))
        if leaf.grad is None:
            leaf.grad = grad
        elif create_graph:
            leaf.grad = leaf.grad + grad  # recorded, so the sum can be differentiated too
        else:
            leaf.grad = type(grad)._wrap(leaf.grad._data + grad._data)
    return None


def seed_gradient(output, gradient, where: str):
    """dL/d(output) to start backward from: ones for a scalar, else the given gradient."""
    if gradient is None:
        if output._data.size != 1:
            raise RuntimeError(
                f"{where}: grad can be implicitly created only for scalar outputs, but this "
                f"output has shape {output.shape}. Reduce it first (loss = out.sum() or "
                "out.mean()), or pass gradient=... of the same shape.")
        return output._wrap(np.ones_like(output._data))
    if not hasattr(gradient, "_ctx"):  # a list or an array: make it a tensor like the output
        gradient = output._wrap(np.array(gradient, dtype=output.dtype))
    if gradient.shape != output.shape:
        raise RuntimeError(f"{where}: the gradient has shape {gradient.shape} but the output has "
                           f"shape {output.shape}; they must match")
    return gradient


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False):
    """d(outputs)/d(inputs), returned as a tuple; nothing is accumulated into .grad.

    Like torch.autograd.grad. With create_graph=True the result is itself in a
    graph and can be differentiated again.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outputs)
    for i, t in enumerate(list(outputs) + inputs):
        if not t.requires_grad:
            kind = "output" if i < len(outputs) else "input"
            raise RuntimeError(f"grad: {kind} of shape {t.shape} does not require grad; every "
                               "output and input must be part of the graph")
    seeds = [seed_gradient(o, g, "grad") for o, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outputs, seeds, retain_graph, create_graph, inputs, allow_unused)
    if not create_graph:
        results = [None if r is None else r.detach() for r in results]
    return tuple(results)


class RemovableHandle:
    """Returned by register_hook; `.remove()` takes the hook out again."""

    def __init__(self, hooks: list, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def run_leaf_hooks(leaf, grad):
    """A leaf's hooks see its whole gradient, once every path has added its share."""
    for hook in leaf._hooks or ():
        new = hook(grad)
        if new is not None:
            grad = new
    return grad


def run_node_hooks(node: Function, grad):
    """Hooks and retain_grad() of a non-leaf tensor live on its node."""
    if node.hooks:
        for hook in node.hooks:
            new = hook(grad)
            if new is not None:
                grad = new
    if node.retained is not None:
        tensor = node.retained()
        if tensor is not None:
            detached = grad if _Mode.grad_enabled else grad.detach()
            tensor.grad = detached if tensor.grad is None else tensor.grad + detached
    return grad


def version_error(node: Function, parent, version: int) -> RuntimeError:
    i = next(i for i, p in enumerate(node.parents) if p is parent)
    return RuntimeError(
        f"{node.name()}: one of the variables needed for gradient computation has been "
        f"modified by an inplace operation: input {i} of shape {parent.shape} is at "
        f"version {parent._version}; expected version {version} instead. "
        "Hint: do not change a tensor in place (+=, add_, ...) after using it, "
        "or use an out-of-place op (x = x + 1) instead.")


def retain(node: Function, tensor) -> None:
    node.retained = weakref.ref(tensor)
