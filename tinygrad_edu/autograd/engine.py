"""The backward engine: walk the graph from the loss to the leaves, once.

The core loop (`run_backward`) fits on a screen: take the newest node that
has a gradient waiting, call its backward, fit each input's gradient to that
input (the one place where broadcast gradients are summed back down) and add
it to what is waiting for the input. What is left at the end belongs to the
leaves. Hooks, retain_grad, anomaly checks and the tracer sit around the loop
as named helpers.

Why "newest first" is a correct order: nodes are numbered as they are made
(`seq`), and an op can only use tensors that already exist, so every consumer
of a node is newer than it. Taking the newest waiting node (from a heap) means
that all its consumers have already run, so its gradient is complete. This is
how PyTorch's engine orders its ready queue, and it needs no separate pass to
sort the graph first (`topological_order` is kept for the tools that list a
graph's nodes).

A plain backward (no create_graph) records nothing, so where a step is arithmetic on arrays
it is done on the arrays: adding two gradients that meet (`plus`), and the backward of an op
marked `arithmetic_backward` (`on_arrays`). Under create_graph the same lines run on Tensors.

The pending gradients live in one dict: keyed by node for tensors an op made,
by the tensor itself for leaves.
"""

from __future__ import annotations

import heapq
import weakref

import numpy as np

from ..dtypes import quiet_numpy, restore_numpy
from .function import _FREED, FREED_MESSAGE, Function, TensorBase, input_key
from .mode import Mode, check_finite

__all__ = ["backward_observers", "run_backward", "grad", "seed_gradient", "topological_order", "unbroadcast",
           "RemovableHandle"]


# Callables run with the roots at the start of every backward pass. Empty unless a tool is
# watching: `tinygrad-edu run --graph` adds one while a script runs, to keep the graph of the
# script's last loss (torch_compat.LastLoss). Read once per backward, never per op.
backward_observers: list = []


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool,
                 inputs=None, allow_unused: bool = False, trace: list | None = None, accumulate: bool = True):
    """Reverse-mode differentiation from `roots` (Tensors) seeded with `root_grads`.

    With `inputs=None` the gradients go into the `.grad` of every leaf that requires
    grad (`Tensor.backward`). With `inputs`, the gradients of those tensors are
    returned (`grad()`), and with `accumulate=True` also added to their `.grad` only
    (`backward(inputs=...)`). `trace`, a list, receives one record per step (tracing.py).
    """
    for observe in backward_observers:
        observe(roots)
    pending, ready = {}, []  # gradients waiting, by node or leaf; the nodes that have one, as a heap
    given = {id(r._data) for r in root_grads}  # arrays a .grad must not share (see deliver)
    for root, g in zip(roots, root_grads):
        add_to(pending, ready, key_of(root), g)
    wanted = None if inputs is None else {key_of(t): [] for t in inputs}
    previous, Mode.grad_enabled = Mode.grad_enabled, create_graph
    token = quiet_numpy()  # as in every op: inf and nan without NumPy's warnings (sqrt's 0.5 / z at 0)
    try:
        while ready:
            node = heapq.heappop(ready)[1]  # the newest node with a gradient: all its consumers are done
            grad_output = pending.pop(node)
            if node.hooks is not None or node.retained is not None:
                grad_output = run_node_hooks(node, grad_output)
            if wanted is not None and node in wanted:
                wanted[node].append(grad_output)
            grads = call_backward(node, grad_output, given)
            sent = None if trace is None else []  # what the tracer records of this step
            for x, needed, g in zip(node.inputs, node.needs_input_grad, grads):
                if needed and g is not None:
                    add_to(pending, ready, input_key(x, node), fit(g, x, node), sent, x)
            if trace is not None:
                trace.append({"node": node, "op": node.name(), "grad_output": grad_output, "sent": sent})
            if not retain_graph:  # drop the inputs and saved arrays now, not when the graph dies
                node.inputs, node.saved, node.output = None, _FREED, None
    finally:
        Mode.grad_enabled = previous
        restore_numpy(token)
    if wanted is None:
        for leaf, g in pending.items():
            deliver(leaf, run_leaf_hooks(leaf, g), create_graph, given)
        return None
    return collect(inputs, wanted, pending, allow_unused, accumulate, create_graph, given)


def key_of(t):
    """Where a tensor's gradient waits: at its node, or at the tensor itself for a leaf."""
    return t._ctx if t._ctx is not None else t


def add_to(pending: dict, ready: list, key, g, sent: list | None = None, x=None) -> None:
    """Add gradient `g` to what waits at `key` (two paths meeting add up); a node that gets its
    first gradient joins the heap `ready`, newest first (see run_backward)."""
    if sent is not None:
        sent.append({"input": x, "grad": g, "adds_to_existing": key in pending})
    if key in pending:
        pending[key] = plus(pending[key], g)
    else:
        pending[key] = g
        if isinstance(key, Function):
            heapq.heappush(ready, (-key.seq, key))


def plus(a, b):
    """Two gradients of one input added: recorded under create_graph, else on the arrays (no op)."""
    if Mode.grad_enabled:
        return a + b
    total = a._data + b._data
    return a._wrap(total if type(total) is np.ndarray else np.asarray(total))  # (0-d + 0-d is a NumPy scalar)


def call_backward(node, grad_output, given: set) -> tuple:
    """The node's backward, with its result checked: one gradient per input, each a tensor or None.
    A user's op may return a tensor that lives on (a saved input, an attribute): its array goes into
    `given`, so that no .grad shares it (the library's ops return new arrays, or grad_output)."""
    if node.inputs is None:
        raise RuntimeError(FREED_MESSAGE.format(op=node.name()))
    op = type(node)
    if op.arithmetic_backward and not Mode.grad_enabled and not Mode.anomaly:
        return on_arrays(node, grad_output)
    library = op.numpy_forward
    if library or node.output_grads is None:
        grads = op.backward(node, grad_output)
    else:  # a user's op with several outputs: one gradient each, gathered by their nodes (function.OutputOf)
        grads = op.backward(node, *node.gradients_of_outputs())
    if type(grads) is tuple and len(grads) == len(node.inputs) and library and not Mode.anomaly:
        return grads  # the common case: a library op's tuple
    if type(grads) is not tuple:
        grads = tuple(grads) if isinstance(grads, list) else (grads,)
    if not library:
        given.update(id(g._data) for g in grads if isinstance(g, TensorBase) and g is not grad_output)
    if len(grads) != len(node.inputs):
        if len(grads) < len(node.inputs) or any(g is not None for g in grads[len(node.inputs):]):
            raise RuntimeError(
                f"{node.name()}: backward returned {len(grads)} gradients but forward had "
                f"{len(node.inputs)} inputs. Return one gradient per input of forward, None for "
                "inputs that are not tensors or need no gradient.")
    if Mode.anomaly:
        for g in grads:
            if g is not None:
                check_finite(g._data, "gradient (backward)", node)
    return grads


class Arrays:
    """What an arithmetic backward reads of its node, with NumPy arrays where the node has tensors."""
    __slots__ = ("saved_tensors", "needs_input_grad")


def on_arrays(node, grad_output) -> tuple:
    """A plain backward of an op whose backward is arithmetic (Function.arithmetic_backward): the same
    line of code run on the NumPy arrays, so that it makes no ops and no nodes; the results become tensors."""
    ctx, values = Arrays(), []
    for t in node.saved_tensors:
        values.append(t._data if isinstance(t, TensorBase) else t)
    ctx.saved_tensors, ctx.needs_input_grad = tuple(values), node.needs_input_grad
    grads = type(node).backward(ctx, grad_output._data)
    if type(grads) is not tuple:  # one input (Neg): one gradient
        grads = (grads,)
    results = []
    for g in grads:
        results.append(None if g is None else grad_output._wrap(g))
    return tuple(results)


def fit(g, x, node):
    """The gradient `g` fitted to input `x`: summed down from its broadcast shape (the only place
    in the library that does it) and in x's dtype (a float32 input gets a float32 gradient)."""
    if not isinstance(g, TensorBase):
        raise TypeError(f"{node.name()}: backward must return Tensors (or None), not {type(g).__name__}")
    array, x_array = g._data, x._data
    if type(array) is not np.ndarray:  # NumPy gives a 0-d result as a scalar: keep .grad an array
        g = g._wrap(np.asarray(array))
        array = g._data
    if array.shape != x_array.shape:
        g = unbroadcast(g, x_array.shape, node)
    if array.dtype is not x_array.dtype and array.dtype != x_array.dtype:  # (`is`: the quick common case)
        g = g.astype(x_array.dtype)
    return g


def unbroadcast(grad, shape: tuple, node=None):
    """Sum a gradient that was broadcast up back down to `shape`.

    Broadcasting copies an input along new leading axes and along axes of
    size 1, so its gradient is the sum over those axes.
    """
    extra = grad.ndim - len(shape)
    if extra < 0 or any(n != 1 and n != m for n, m in zip(shape, grad.shape[extra:])):
        op = node.name() if node is not None else "backward"
        raise RuntimeError(f"{op}: returned a gradient of shape {tuple(grad.shape)} for an input of "
                           f"shape {tuple(shape)}; the gradient must have the input's shape "
                           "(or a shape that broadcasting made from it)")
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    if axes:
        grad = grad.sum(dim=axes, keepdim=True)
    return grad.reshape(shape)


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
        if node.inputs is None:
            continue
        for x, needed in zip(node.inputs, node.needs_input_grad):
            if needed:
                key = x._ctx if x._before is None else input_key(x, node)  # input_key's common case inline
                if key is not None and key not in visited and isinstance(key, Function):
                    stack.append(key)
    order.reverse()
    return order


# ---------------------------------------------------------------- around the loop

def deliver(leaf, g, create_graph: bool, given: set) -> None:
    """Add a leaf's gradient into its .grad (a recorded sum under create_graph); or a non-leaf's,
    asked for by backward(inputs=...)."""
    if not create_graph:
        g = g.detach()
    # Keep each .grad its own array: a pass-through op (add) hands the same gradient to several
    # inputs (and back the seed itself), and a view may be read-only. (A copy in the graph under
    # create_graph, to be differentiated again.)
    if g._data.base is not None or id(g._data) in given:
        g = g.clone() if create_graph else type(g)._wrap(g._data.copy())
    given.add(id(g._data))
    if leaf._grad is None:
        leaf._grad = g
    elif create_graph:
        leaf._grad = leaf._grad + g
    else:
        leaf._grad = type(g)._wrap(leaf._grad._data + g._data)


def collect(inputs, wanted, pending, allow_unused, accumulate, create_graph, given) -> list:
    """The gradients of `inputs`: from the node of a non-leaf, from what is left for a leaf."""
    results = []
    for i, t in enumerate(inputs):
        key = key_of(t)
        if key in pending:
            g = run_leaf_hooks(key, pending[key])
        elif wanted[key]:
            g = wanted[key][0]
        else:
            g = None
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {tuple(t.shape)}) was not used to compute the outputs, so "
                "it has no gradient. Pass allow_unused=True to get None for it.")
        results.append(g)
    if accumulate:
        for t, g in zip(inputs, results):
            if g is not None and (t._ctx is None or t._ctx.retained is None):  # (retain_grad() has stored it)
                deliver(t, g, create_graph, given)
    return results


def seed_gradient(output, gradient, where: str):
    """dL/d(output) to start backward from: ones for a scalar, else the given gradient."""
    if gradient is None:
        if output._data.size != 1:
            raise RuntimeError(
                f"{where}: grad can be implicitly created only for scalar outputs, but this "
                f"output has shape {tuple(output.shape)}. Reduce it first (loss = out.sum() or "
                "out.mean()), or pass gradient=... of the same shape.")
        return output._wrap(np.ones_like(output._data))
    if not isinstance(gradient, TensorBase):  # a list or an array: make it a tensor like the output
        gradient = output._wrap(np.array(gradient, dtype=output._data.dtype))
    if gradient._data.shape != output._data.shape:
        raise RuntimeError(f"{where}: the gradient has shape {tuple(gradient.shape)} but the output has "
                           f"shape {tuple(output.shape)}; they must match")
    kinds = gradient._data.dtype.kind + output._data.dtype.kind
    if kinds == "ff" and gradient._data.dtype != output._data.dtype:  # float64 into float32: cast, as PyTorch
        gradient = gradient.astype(output._data.dtype)
    return gradient


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """d(outputs)/d(inputs), returned as a tuple; nothing is accumulated into .grad.

    Like torch.autograd.grad. With create_graph=True the result is itself in a
    graph and can be differentiated again. An input the outputs do not depend on raises, unless
    allow_unused=True (its gradient is None) or materialize_grads=True (zeros). only_inputs is
    ignored, as in PyTorch (which deprecated it).
    """
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True (a batch of vector-Jacobian products through "
                                  "vmap) is not supported; call grad once per grad_outputs instead")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outputs)
    for i, t in enumerate(list(outputs) + inputs):
        if not t.requires_grad:
            kind = "output" if i < len(outputs) else "input"
            raise RuntimeError(f"grad: {kind} of shape {tuple(t.shape)} does not require grad; every "
                               "output and input must be part of the graph")
    seeds = [seed_gradient(o, g, "grad") for o, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outputs, seeds, retain_graph, create_graph, inputs, allow_unused, accumulate=False)
    if not create_graph:
        results = [None if r is None else r.detach() for r in results]
    if materialize_grads:  # zeros for the unused inputs (a leaf that requires grad under create_graph, as PyTorch's)
        results = [zeros_like_leaf(t, create_graph) if r is None else r for r, t in zip(results, inputs)]
    return tuple(results)


def zeros_like_leaf(t, requires_grad: bool):
    z = t._wrap(np.zeros_like(t._data))
    z.requires_grad = requires_grad
    return z


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """torch.autograd.backward: tensor.backward() for several tensors at once, their gradients
    (grad_tensors, one per tensor; None for a scalar) added into the leaves' .grad."""
    tensors = [tensors] if isinstance(tensors, TensorBase) else list(tensors)
    grad_tensors = grad_variables if grad_tensors is None else grad_tensors
    if grad_tensors is None or isinstance(grad_tensors, TensorBase):
        grad_tensors = [grad_tensors] * len(tensors) if grad_tensors is None else [grad_tensors]
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"backward: got {len(grad_tensors)} grad_tensors for {len(tensors)} tensors; "
                           "give one per tensor (None for a scalar)")
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(
                f"backward: element {i} of tensors does not require grad and does not have a grad_fn. "
                "Make an input with requires_grad=True, and don't compute the loss under no_grad().")
    seeds = [seed_gradient(t, g, "backward") for t, g in zip(tensors, grad_tensors)]
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, TensorBase) else list(inputs)
    run_backward(tensors, seeds, create_graph if retain_graph is None else retain_graph, create_graph, inputs,
                 allow_unused=True)


class RemovableHandle:
    """Returned by register_hook; `.remove()` takes the hook out again."""

    def __init__(self, hooks: list, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def run_hooks(hooks, grad, where: str):
    """Each hook sees the gradient; a returned tensor replaces it, and must keep its shape.
    The replacement goes on as a copy (a clone, recorded under create_graph): the hook's caller
    may still hold that tensor, and a .grad it reaches must not share its memory (PyTorch copies too)."""
    for hook in hooks:
        new = hook(grad)
        if new is not None and new is not grad:
            if not isinstance(new, TensorBase) or new._data.shape != grad._data.shape:
                shape = getattr(new, "shape", type(new).__name__)
                raise RuntimeError(f"hook on {where}: returned a gradient of shape {tuple(shape)} for a "
                                   f"gradient of shape {tuple(grad.shape)}; a hook may replace the "
                                   "gradient only with a tensor of the same shape")
            grad = new.clone()
    return grad


def run_leaf_hooks(leaf, grad):
    """A leaf's hooks see its whole gradient, once every path has added its share."""
    if isinstance(leaf, TensorBase) and leaf._hooks:
        return run_hooks(leaf._hooks, grad, f"a leaf of shape {tuple(leaf.shape)}")
    return grad


def run_node_hooks(node, grad):
    """Hooks and retain_grad() of a non-leaf tensor live on its node."""
    if node.hooks:
        grad = run_hooks(node.hooks, grad, f"the output of {node.name()}")
    if node.retained is not None:
        tensor = node.retained()
        if tensor is not None:
            # A copy (recorded under create_graph), as PyTorch's retain_grad: the same gradient may
            # pass on unchanged (through an add) into a leaf's .grad, and the two must not share memory.
            kept = grad.clone()
            tensor._grad = kept if tensor._grad is None else tensor._grad + kept
    return grad


def retain(node, tensor) -> None:
    node.retained = weakref.ref(tensor)
