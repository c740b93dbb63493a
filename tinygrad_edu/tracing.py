"""The backward tracer: watch the engine work, one node at a time, with the numbers.

    >>> x, y = Tensor(2.0, requires_grad=True, name="x"), Tensor(-3.0, requires_grad=True, name="y")
    >>> records = trace_backward(x * y + x)      # or (x * y + x).backward(trace=True)
    step 1  AddBackward   z = x + y.   dz/dx = 1, dz/dy = 1.
            gradient in: 1
            sends 1 to the output of step 2 (Mul)
            sends 1 to x
    step 2  MulBackward   z = x * y.   dz/dx = y, dz/dy = x.
            gradient in: 1
            sends -3 to x   (adds to the gradient already there: two paths meet)
            sends 2 to y
    leaf gradients: x.grad = -2, y.grad = 2

This is the engine itself running (`run_backward(..., trace=records)`), not a
re-enactment: the order, the gradients and the "two paths meet" flags are the
ones the real backward pass used, and the leaves' .grad are set as by
loss.backward().

It sits just above the engine (it needs only autograd and NumPy, and reads
tensors through their attributes) so that `Tensor.backward(trace=True)` can
use it; `tinygrad_edu.viz.trace_backward` is the same function, and the graph
renderer shares its value summaries and names.
"""

from __future__ import annotations

import html
import inspect
import re
from typing import Callable

import numpy as np

from .autograd import run_backward
from .autograd.function import OutputOf, public_node

__all__ = ["trace_backward", "format_trace", "summarize", "name_table", "tensor_name", "inputs_of", "Trace",
           "outputs_gathered", "gradient_in"]

SMALL = 6  # tensors with at most this many elements are shown in full


def summarize(array) -> str:
    """The values themselves for a small array ('-2', '[1, 2.5]', '[[1, 2], [3, 4]]'),
    else 'min a  mean b  max c'."""
    array = np.asarray(array)
    if array.size == 0:
        return "(empty)"
    if array.size <= SMALL:
        return number_list(array)
    values = array.astype(np.float64)
    return f"min {values.min():.4g}  mean {values.mean():.4g}  max {values.max():.4g}"


def number_list(array: np.ndarray) -> str:
    """A nested list written with 4 significant digits: [[1, 2], [3, 0.5]]."""
    if array.ndim == 0:
        if array.dtype == np.bool_:
            return str(bool(array))
        return f"{array.item():.4g}"
    return "[" + ", ".join(number_list(row) for row in array) + "]"


def inputs_of(node) -> tuple:
    """A graph node's inputs (Tensors, numbers, None), or () once backward has freed them.
    Every reader of the graph (the drawing, the stepper) asks here."""
    return node.inputs or ()


def name_table(names) -> dict:
    """{id(tensor): name} from a dict {tensor: name} or anything with named_parameters() (a Module)."""
    if names is None:
        return {}
    if hasattr(names, "named_parameters"):
        return {id(p): name for name, p in names.named_parameters()}
    if isinstance(names, dict):
        return {id(t): name for t, name in names.items()}
    raise TypeError(f"draw_graph: names must be a dict {{tensor: name}} or a Module, not {type(names).__name__}")


def tensor_name(t, table: dict) -> str | None:
    """A user's name (t.name) first, then a parameter name from `names=`."""
    return getattr(t, "name", None) or table.get(id(t))



TWO_PATHS = "adds to the gradient already there: two paths meet"


def rule_of(node) -> str:
    """The local derivative rule: the first paragraph of the op class's docstring, on one line
    (and the second too when the first states no derivative, as MatMul's)."""
    paragraphs = [" ".join(line.strip() for line in p.splitlines())
                  for p in inspect.getdoc(type(node)).split("\n\n")] if type(node).__doc__ else []
    if not paragraphs:
        return "(no rule documented)"
    if not re.search(r"\bd\w*/d", paragraphs[0]) and len(paragraphs) > 1:
        return paragraphs[0] + "   " + paragraphs[1]
    return paragraphs[0]


def plain(array):
    """A Python number for one element, else a nested list: safe to put in a table or JSON."""
    array = np.asarray(array)
    return array.item() if array.size == 1 else array.tolist()


class Trace(list):
    """The records trace_backward returns: a plain list of dicts, that prints as the trace
    (repr) and shows itself as a table in a notebook (_repr_html_)."""

    def __repr__(self) -> str:
        return format_trace(self) if self else "Trace([])"

    def _repr_html_(self) -> str:
        return trace_html(self)


def traced_backward(loss, retain_graph: bool = False) -> list[dict]:
    """Run the engine on a scalar `loss` and return its own step records
    ({node, op, grad_output, sent: [{input, grad, adds_to_existing}]}, in the order it ran).
    Leaves get their .grad as with loss.backward()."""
    if not hasattr(loss, "_ctx"):
        raise TypeError(f"trace_backward: expected a Tensor, got {type(loss).__name__}")
    if loss._data.size != 1:
        raise RuntimeError(f"trace_backward: the loss must have one element, got shape {tuple(loss.shape)}. "
                           "Hint: reduce it first, e.g. trace_backward(out.sum()) or out.mean().")
    if not loss.requires_grad:
        raise RuntimeError("trace_backward: the loss does not require grad, so there is nothing to trace. "
                           "Make an input with requires_grad=True, and don't compute the loss under no_grad().")
    seed = loss._wrap(np.ones_like(loss._data))
    steps = []
    run_backward([loss], [seed], retain_graph, False, trace=steps)
    return steps


def op_label(node) -> str:
    """The node's name without PyTorch's "Backward0" (or 1, 2...): 'Mul', 'Addmm', 'Select'."""
    return re.sub(r"Backward\d*$", "", node.name())


def trace_backward(loss, retain_graph: bool = False, names=None,
                   print_fn: Callable[[str], None] | None = print) -> Trace:
    """Run loss.backward() and print, node by node in the order the engine runs:
    the op, its local derivative rule, the gradient arriving at it, the gradient
    it sends to each input, and where a gradient is added to one that another
    path already delivered (the chain rule's sum over paths).

    Returns one plain dict per step (strings and numbers, ready for a table):
      step, op ("Mul"), node ("MulBackward"), rule, grad_in, grad_in_value,
      grads_out (a list of {input, grad, value, adds}), adds (True when any
      gradient this step sent met another path's).
    The last record has op "leaves": the accumulated .grad of each leaf.
    The list is a `Trace`: its repr is the printed text, and in a notebook it shows as a table.
    `names` is as for draw_graph (a Module or {tensor: name}); print_fn=None prints nothing.
    """
    steps, gathered = outputs_gathered(traced_backward(loss, retain_graph))
    table = name_table(names)
    step_of = {id(s["node"]): i + 1 for i, s in enumerate(steps)}
    leaves = {}  # id -> tensor: the leaves that received a gradient, in order

    def label(t) -> str:
        name = tensor_name(t, table)
        if name:
            return name
        node = public_node(t._ctx)
        if node is not None and id(node) in step_of:
            which = "the output" if node is t._ctx else f"output {t._ctx.index}"
            return f"{which} of step {step_of[id(node)]} ({op_label(node)})"
        return f"a leaf of shape {tuple(t.shape)}"

    records = Trace()
    for i, s in enumerate(steps, 1):
        grads_out = []
        for sent in s["sent"]:
            parent, grad = sent["input"], sent["grad"]
            if parent._ctx is None:
                leaves.setdefault(id(parent), parent)
            grads_out.append({"input": label(parent), "grad": summarize(grad._data), "value": plain(grad._data),
                              "adds": sent["adds_to_existing"]})
        grad_in, grad_in_value = gradient_in(s, gathered)
        records.append({"step": i, "op": op_label(s["node"]), "node": s["op"], "rule": rule_of(s["node"]),
                        "grad_in": grad_in, "grad_in_value": grad_in_value,
                        "grads_out": grads_out, "adds": any(g["adds"] for g in grads_out)})
    leaf_grads = [{"input": label(t), "grad": summarize(t.grad._data), "value": plain(t.grad._data), "adds": False}
                  for t in leaves.values() if t.grad is not None]
    records.append({"step": len(steps) + 1, "op": "leaves", "node": "", "rule": "each leaf's accumulated .grad",
                    "grad_in": "", "grad_in_value": None, "grads_out": leaf_grads, "adds": False})
    if print_fn is not None:
        print_fn(format_trace(records))
    return records


def outputs_gathered(steps: list) -> tuple[list, dict]:
    """The engine's steps without those of OutputOf nodes (each passes one output's gradient on to
    a user's op with several outputs), and {id(op): [the gradient of each output, None if none]}."""
    gathered, kept = {}, []
    for s in steps:
        node = s["node"]
        if isinstance(node, OutputOf):
            slots = gathered.setdefault(id(node.op), [None] * len(node.op.output_grads))
            slots[node.index] = s["grad_output"]
        else:
            kept.append(s)
    return kept, gathered


def gradient_in(step: dict, gathered: dict) -> tuple:
    """The gradient arriving at a step, as text and as plain numbers; for an op with several outputs,
    the gradient of each (see outputs_gathered)."""
    if id(step["node"]) not in gathered:
        return summarize(step["grad_output"]._data), plain(step["grad_output"]._data)
    grads = gathered[id(step["node"])]
    text = "; ".join(f"output {k}: {'none' if g is None else summarize(g._data)}" for k, g in enumerate(grads))
    return text, [None if g is None else plain(g._data) for g in grads]


def trace_html(records: list[dict]) -> str:
    """The records as an HTML table: one row per step, the gradients sent as lines in one cell."""
    rows = []
    for r in records[:-1]:
        sent = "<br>".join(f"{html.escape(g['grad'])} &rarr; {html.escape(g['input'])}"
                           + (" <b>(adds: two paths meet)</b>" if g["adds"] else "") for g in r["grads_out"])
        rows.append(f"<tr><td>{r['step']}</td><td>{html.escape(r['node'])}</td><td style='text-align:left'>"
                    f"{html.escape(r['rule'])}</td><td>{html.escape(r['grad_in'])}</td>"
                    f"<td style='text-align:left'>{sent}</td></tr>")
    leaves = ", ".join(f"{html.escape(g['input'])}.grad = {html.escape(g['grad'])}" for g in records[-1]["grads_out"])
    return ("<table><thead><tr><th>step</th><th>node</th><th>rule</th><th>gradient in</th>"
            "<th>gradients sent</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            f"<p>leaf gradients: {leaves or '(none)'}</p>")


def format_trace(records: list[dict]) -> str:
    """The records as the text trace_backward prints."""
    lines = []
    for r in records[:-1]:
        lines.append(f"step {r['step']}  {r['node']}   {r['rule']}")
        lines.append(f"        gradient in: {r['grad_in']}")
        for g in r["grads_out"]:
            lines.append(f"        sends {g['grad']} to {g['input']}" + (f"   ({TWO_PATHS})" if g["adds"] else ""))
    leaves = records[-1]["grads_out"]
    lines.append("leaf gradients: " + (", ".join(f"{g['input']}.grad = {g['grad']}" for g in leaves) or "(none)"))
    return "\n".join(lines)
