"""Draw the computation graph: the same `_ctx` / `inputs` structure the engine walks.

    loss = model(x).pow(2).mean()
    draw_graph(loss, names=model)          # a graphviz.Digraph: shows inline in Jupyter
    save_graph(loss, "graph.svg")          # or .png / .pdf / .dot

    loss.backward(retain_graph=True)       # keep the graph, to draw it after backward
    draw_graph(loss)                       # value and gradient on every tensor, as micrograd draws

backward() keeps only the leaves' .grad; for the root and the intermediate
tensors the drawing asks the engine for d(root)/d(tensor) over the kept graph
(intermediate_grads), so every box shows its gradient. retain_grads(loss)
before backward keeps them as .grad instead, as PyTorch's retain_grad does.

A tensor `t` made by an op holds that op's node in `t._ctx`; the node holds
its inputs in `node.inputs`. Nodes never point at their output tensor, so the
walk draws the root tensor and every parent tensor: an intermediate tensor is
always the parent of some later op.

What the shapes and colours mean (the legend in the picture says the same):
  blue box         a leaf that requires grad (a parameter or an input you differentiate)
  grey dashed box  a constant: a tensor that does not require grad, or a Python number
  white box        an intermediate tensor (made by an op)
  orange box       the root (the tensor you drew, usually the loss)
  green ellipse    an op (one graph node: Mul, MatMul, ...)
"""

from __future__ import annotations

import shutil
from collections import deque
from pathlib import Path

import graphviz
import numpy as np

from ..autograd import run_backward
from ..autograd.function import public_node
from ..tensor import Tensor
from ..tracing import inputs_of, name_table, op_label, summarize, tensor_name

__all__ = ["draw_graph", "save_graph", "retain_grads"]

STYLES = {
    "root": {"shape": "box", "style": "filled,bold", "fillcolor": "#ffd59e", "peripheries": "2"},
    "leaf": {"shape": "box", "style": "filled", "fillcolor": "#c6e2ff"},
    "constant": {"shape": "box", "style": "filled,dashed", "fillcolor": "#eeeeee", "fontcolor": "#555555"},
    "tensor": {"shape": "box", "style": "filled", "fillcolor": "#ffffff"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#d5f5d5"},
    "more": {"shape": "note", "style": "filled", "fillcolor": "#fff3c4"},
}
LEGEND = [("root", "root (output)"), ("leaf", "leaf, requires grad"), ("tensor", "intermediate tensor"),
          ("constant", "constant (no grad)"), ("op", "op")]
FREED_NOTE = ("Parts of this graph were freed by backward(): call loss.backward(retain_graph=True) "
              "to draw the whole graph with its gradients.")


# ---------------------------------------------------------------- the walk

def walk(roots: list) -> tuple[list, list]:
    """Breadth-first from the roots: (nodes nearest the roots first, edges).

    A node is (key, (kind, object)) with kind "tensor", "op" or "number"; keys
    are short and numbered in walk order ("t0", "op1"), so the DOT source is
    the same on every run. Iterative (a deque, no recursion): a deep chain is fine.
    """
    nodes, edges, keys = [], [], {}
    queue = deque()

    def visit(kind: str, obj) -> str:
        """The key of a tensor or op node, adding it (and queueing a tensor) the first time."""
        if id(obj) not in keys:
            keys[id(obj)] = f"{'t' if kind == 'tensor' else 'op'}{len(nodes)}"
            nodes.append((keys[id(obj)], (kind, obj)))
            if kind == "tensor":
                queue.append(obj)
        return keys[id(obj)]

    for t in roots:
        visit("tensor", t)
    while queue:
        t = queue.popleft()
        fn = public_node(t._ctx)  # (an output of a user's op with several: the op)
        if fn is None:
            continue
        is_new = id(fn) not in keys
        op_key = visit("op", fn)
        edges.append((op_key, keys[id(t)]))
        if not is_new:
            continue
        for parent in inputs_of(fn):
            if isinstance(parent, Tensor):
                key = visit("tensor", parent)
            elif parent is None:  # an optional input left out
                continue
            else:  # a Python number: its own small node for each use
                key = f"n{len(nodes)}"
                nodes.append((key, ("number", parent)))
            edges.append((key, op_key))
    return nodes, edges


def module_groups(nodes: list, edges: list, names) -> tuple[dict, dict]:
    """({node key: id(module)}, {id(module): (name, module)}): which module's box each node sits in.

    Every op node records the module whose forward made it (`node.module`, a
    (name, module) pair or None), so an op goes in that module's box, and so do
    its output tensors and its Python-number inputs. A parameter goes in the box
    of the module that holds it. The modules known are the recorded ones, their
    submodules and, with `names=model`, all of model's. Ops made outside any
    module's forward (the loss) stay outside.
    """
    known = {}  # id(module) -> (name, module)
    if hasattr(names, "named_modules"):
        known.update({id(m): (prefix, m) for prefix, m in names.named_modules() if prefix})
    groups = {}
    for key, (kind, node) in nodes:
        if kind == "op" and node.module is not None:
            groups[key] = id(node.module[1])
            known.setdefault(id(node.module[1]), node.module)
    for name, module in list(known.values()):  # a recorded module names its submodules: boxes can nest
        for prefix, sub in module.named_modules():
            if prefix:
                outermost = name == type(module).__name__
                known.setdefault(id(sub), (prefix if outermost else f"{name}.{prefix}", sub))
    keys = {id(node): key for key, (_, node) in nodes}
    owners = {id(p): module_id for module_id, (_, module) in known.items()
              for p in module.parameters(recurse=False)}  # id(parameter) -> id(the module that holds it)
    for key, (kind, node) in nodes:
        if kind != "tensor":
            continue
        op_key = keys.get(id(public_node(node._ctx)))
        if op_key in groups:
            groups[key] = groups[op_key]
        elif id(node) in owners:
            groups[key] = owners[id(node)]
    for tail, head in edges:  # a number node feeds exactly one op
        if tail.startswith("n") and head in groups:
            groups[tail] = groups[head]
    return groups, known


def module_parent(module, known: dict):
    """id of the known module that holds `module` as a direct child (its enclosing box), or None."""
    for module_id, (_, candidate) in known.items():
        if any(child is module for child in candidate._modules.values()):
            return module_id
    return None


def cluster_label(name: str, module) -> str:
    """'1: Tanh'; the outermost module is named by its class already, so just 'Sequential'."""
    cls = type(module).__name__
    return cls if name == cls else f"{name}: {cls}"


class Graph(graphviz.Digraph):
    """The drawing draw_graph returns: a graphviz.Digraph that, in a notebook without Graphviz's
    `dot` program, shows its DOT source and one line on how to get the picture instead of failing."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if shutil.which("dot") is not None:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        hint = ("Graphviz's `dot` program was not found, so here is the graph's DOT source; install it "
                "(apt-get install graphviz / brew install graphviz / conda install graphviz) to see the picture.")
        return {"text/plain": hint + "\n\n" + self.source}


def add_clusters(dot: graphviz.Digraph, boxes: dict, known: dict) -> None:
    """Attach each module's box to its parent module's box (or to the graph), innermost first.

    graphviz copies a subgraph's body when it is attached, so a box must be
    complete (its own child boxes included) before it goes into its parent.
    """
    parents = {}
    pending = list(boxes)
    while pending:  # make a box for every enclosing module we know of, even one with no ops of its own
        module_id = pending.pop()
        parent = module_parent(known[module_id][1], known)
        parents[module_id] = parent
        if parent is not None and parent not in boxes:
            boxes[parent] = graphviz.Digraph(f"cluster_{len(boxes)}")
            pending.append(parent)

    def depth(module_id) -> int:
        steps = 0
        while parents.get(module_id) is not None and steps < len(parents):  # steps: a shared module can't loop us
            module_id, steps = parents[module_id], steps + 1
        return steps

    for module_id in sorted(boxes, key=depth, reverse=True):
        name, module = known[module_id]
        box = boxes[module_id]
        box.attr(label=cluster_label(name, module), style="rounded,dashed", color="#888888")
        (boxes[parents[module_id]] if parents[module_id] is not None else dot).subgraph(box)


# ---------------------------------------------------------------- labels

def tensor_label(t: Tensor, table: dict, show_values: bool, show_grads: bool, grad=None) -> str:
    """name, shape and dtype, value, gradient (t.grad, or `grad` worked out for the picture)."""
    lines = []
    name = tensor_name(t, table)
    if name:
        lines.append(name)
    shape = "scalar" if t.ndim == 0 else str(tuple(t.shape))
    lines.append(f"{shape} {t._data.dtype}")
    if show_values:
        lines.append(f"value {summarize(t._data)}")
    if show_grads and t._grad is not None:  # _grad: a non-leaf's .grad warns, as in PyTorch
        lines.append(f"grad {summarize(t._grad._data)}")
    elif show_grads and grad is not None:
        lines.append(f"grad {summarize(grad)}")
    return "\\n".join(lines)


def intermediate_grads(roots: list, tensors: list) -> dict:
    """{id(tensor): gradient} for the root and the intermediate tensors, after a backward pass that kept
    the graph: backward() fills only the leaves' .grad, so the picture asks the engine once more for
    d(root)/d(tensor), as torch.autograd.grad would (no .grad changes). Empty before backward (no leaf
    has a .grad yet), for several roots or a non-scalar root, and when backward freed the graph."""
    if len(roots) != 1 or roots[0]._data.size != 1 or not roots[0].requires_grad:
        return {}
    if not any(t._ctx is None and t._grad is not None for t in tensors):
        return {}
    wanted = [t for t in tensors if t._ctx is not None and t.requires_grad and t._grad is None]
    if not wanted or any(not inputs_of(t._ctx) for t in wanted):
        return {}
    root = roots[0]
    grads = run_backward([root], [root._wrap(np.ones_like(root._data))], True, False, inputs=wanted,
                         allow_unused=True)
    return {id(t): g._data for t, g in zip(wanted, grads) if g is not None}


def tensor_kind(t: Tensor, is_root: bool) -> str:
    if is_root:
        return "root"
    if not t.requires_grad:
        return "constant"
    return "leaf" if t._ctx is None else "tensor"


# ---------------------------------------------------------------- public API

def draw_graph(root, show_values: bool = True, show_grads: bool = True, max_nodes: int = 200,
               group_modules: bool = True, rankdir: str = "LR", names=None, legend: bool = True) -> graphviz.Digraph:
    """The computation graph that produced `root` (a Tensor, or a list of them) as a graphviz.Digraph.

    Tensor boxes show the tensor's name (its `.name`, or a parameter name from
    `names=`: a dict {tensor: name} or a Module), its shape and dtype, its
    value (the number for a scalar, min/mean/max otherwise) and, when
    `.grad` is set and `show_grads`, its gradient the same way. Ellipses are
    ops ("Mul", "MatMul"). Data flows along the arrows, from inputs to the root.

    `group_modules` draws each module's ops inside a labelled box ("1: Tanh"):
    every op records the module whose forward made it, so no `names=` is
    needed. A module inside another ("block.conv" in "block") gets a box inside
    its parent's box. Output tensors sit with their op, parameters with the
    module that holds them (`names=model` also labels them "block.conv.weight").
    Ops made outside any module (the loss) stay outside.

    With more than `max_nodes` nodes, the ones nearest the root are kept and
    the rest become one "... N more nodes" box, and the picture says so.
    After a backward() without retain_graph=True the graph is freed: what is
    left is drawn, with a note saying how to keep it.
    """
    roots = list(dict.fromkeys(root)) if isinstance(root, (list, tuple)) else [root]  # dict: drop repeats
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"draw_graph: expected a Tensor (or a list of Tensors), got {type(r).__name__}")
    table = name_table(names)
    nodes, edges = walk(roots)
    kept = nodes[:max_nodes]
    kept_keys = {key for key, _ in kept}
    hidden = len(nodes) - len(kept)
    root_keys = {nodes[i][0] for i in range(len(roots))}
    groups, known = module_groups(kept, edges, names) if group_modules else ({}, {})

    dot = Graph("computation_graph")
    dot.attr(rankdir=rankdir, fontname="Helvetica", fontsize="11")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    freed = False
    used = set()  # the styles in the picture: the legend explains only those
    clusters = {}
    computed = intermediate_grads(roots, [node for _, (kind, node) in nodes if kind == "tensor"]) if show_grads else {}
    for key, (kind, node) in kept:
        if kind == "tensor":
            style_name = tensor_kind(node, key in root_keys)
            label = tensor_label(node, table, show_values, show_grads, computed.get(id(node)))
        elif kind == "number":
            style_name, label = "constant", f"{node:.4g}" if isinstance(node, float) else str(node)
        else:
            style_name, label = "op", op_label(node)
            if node.inputs is None:
                freed = True
                label += "\\n(freed by backward)"
        used.add(style_name)
        style = STYLES[style_name]
        target = dot
        if key in groups:
            target = clusters.setdefault(groups[key], graphviz.Digraph(f"cluster_{len(clusters)}"))
        target.node(key, label=label, **style)

    # The spine (op -> its result -> the next op) gets a heavy weight, so dot draws it straight and
    # puts the leaves beside it: a long network stays one column (or row) wide, not a staircase.
    spine = {key for key, (kind, node) in kept if kind == "op" or (kind == "tensor" and node._ctx is not None)}
    beside = leaves_beside_ops(edges, kept_keys, spine, groups) if rankdir.upper() in ("TB", "BT") else {}
    for op_key, leaves in beside.items():
        row = graphviz.Digraph(f"row_{op_key}")
        row.attr(rank="same")
        for key in [op_key, *leaves]:
            row.node(key)
        clusters[groups[op_key]].subgraph(row)
    add_clusters(dot, clusters, known)

    flipped = {(leaf, op_key) for op_key, leaves in beside.items() for leaf in leaves[1::2]}
    for tail, head in edges:
        if (tail, head) in flipped:  # a flat edge runs left to right: op -> leaf, arrow turned back, on the op's right
            dot.edge(head, tail, dir="back")
        elif tail in kept_keys and head in kept_keys:
            dot.edge(tail, head, **({"weight": "8"} if tail in spine else {}))
    notes = []
    if hidden:
        dot.node("more", label=f"… {hidden} more nodes", **STYLES["more"])
        for head in sorted({head for tail, head in edges if head in kept_keys and tail not in kept_keys}):
            dot.edge("more", head, style="dashed")
        notes.append(f"Showing the {len(kept)} nodes nearest the root of {len(nodes)}; "
                     f"{hidden} more collapsed (raise max_nodes to see them).")
    if freed:
        notes.append(FREED_NOTE)
    if notes:
        dot.attr(label="\\n".join(notes), labelloc="t")
    if legend:
        add_legend(dot, used)
    return dot


def leaves_beside_ops(edges: list, kept_keys: set, spine: set, groups: dict) -> dict:
    """{op key: [its leaf inputs in its module's box]} for a top-to-bottom drawing.

    Drawn top to bottom, a module's parameters sit a row above its op, level with the previous
    module's output, so the two boxes cannot stack and dot sets them side by side (lesson 9's
    Linear -> Tanh -> Linear was 1200 pt wide). On the op's own row, one on each side of it, the
    parameters keep every box to its own rows: the boxes stack and the spine runs straight down.
    """
    uses = {}
    for tail, _ in edges:
        uses[tail] = uses.get(tail, 0) + 1
    beside = {}
    for tail, head in edges:  # a leaf used by two ops stays where dot puts it: one row can't hold both ops
        if (tail in kept_keys and head in kept_keys and tail not in spine and uses[tail] == 1
                and head in groups and groups.get(tail) == groups[head]):
            beside.setdefault(head, []).append(tail)
    return beside


def add_legend(dot: graphviz.Digraph, used) -> None:
    """A small legend, one swatch for each kind of box in `used` (in the order of LEGEND):
    one node holding a table, so it stays compact beside a graph of any direction."""
    rows = []
    for kind, text in LEGEND:
        if kind not in used:
            continue
        style = STYLES[kind]
        border = ' STYLE="dashed"' if "dashed" in style["style"] else ""
        width = "2" if "bold" in style["style"] else "1"
        shape = " (ellipse)" if style["shape"] == "ellipse" else ""
        rows.append(f'<TR><TD ID="legend_{kind}" BGCOLOR="{style["fillcolor"]}" BORDER="{width}"{border}>'
                    f"{text}{shape}</TD></TR>")
    if rows:
        table = '<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="3"><TR><TD>legend</TD></TR>' + "".join(rows)
        dot.node("legend", label=f"<{table}</TABLE>>", shape="plaintext", fontsize="8")


def retain_grads(root) -> "Tensor":
    """Make backward keep the gradient of every intermediate tensor in root's graph
    (`retain_grad()` on each), so that draw_graph after backward shows a gradient on
    every box, intermediates too. Call it before backward; returns root.

        retain_grads(loss); loss.backward(retain_graph=True); draw_graph(loss)
    """
    roots = list(root) if isinstance(root, (list, tuple)) else [root]
    nodes, _ = walk(roots)
    for _, (kind, t) in nodes:
        if kind == "tensor" and t._ctx is not None and t.requires_grad:
            t.retain_grad()
    return root


def save_graph(root, path, **opts) -> Path:
    """Draw `root`'s graph (options as draw_graph) to `path`; the format comes from the extension.

    `.dot` (or `.gv`) writes the DOT source and always works. `.svg`, `.png`,
    `.pdf` need Graphviz's `dot` program; without it the `.dot` file is
    written next to `path` instead, with a one-line hint. Returns the path
    actually written.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if not fmt:
        raise ValueError(f"save_graph: {str(path)!r} has no extension; use .svg, .png, .pdf or .dot")
    dot = draw_graph(root, **opts)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("dot", "gv"):
        path.write_text(dot.source)
        return path
    if shutil.which("dot") is not None:
        try:
            dot.render(outfile=str(path), format=fmt, cleanup=True)
            return path
        except graphviz.ExecutableNotFound:
            pass
    fallback = path.with_suffix(".dot")
    fallback.write_text(dot.source)
    print(f"save_graph: Graphviz's `dot` program was not found, so {fallback} was written instead of {path}; "
          "install it (apt-get install graphviz / brew install graphviz / conda install graphviz) or render "
          f"later with: dot -T{fmt} {fallback} -o {path}")
    return fallback
