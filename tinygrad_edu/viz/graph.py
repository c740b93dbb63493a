"""Draw the computation graph: the same `_ctx` / `parents` structure the engine walks.

    loss = model(x).pow(2).mean()
    draw_graph(loss, names=model)          # a graphviz.Digraph: shows inline in Jupyter
    save_graph(loss, "graph.svg")          # or .png / .pdf / .dot

A tensor `t` made by an op holds that op's node in `t._ctx`; the node holds
its inputs in `node.parents`. Nodes never point at their output tensor, so the
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

from ..tensor import Tensor
from ..tracing import name_table, summarize, tensor_name

__all__ = ["draw_graph", "save_graph"]

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


# ---------------------------------------------------------------- text helpers (shared with trace.py)

def module_labels(names) -> dict:
    """{dotted prefix: 'prefix: ClassName'} for a Module's submodules, so clusters say what they are."""
    if not hasattr(names, "named_modules"):
        return {}
    return {prefix: f"{prefix}: {type(m).__name__}" for prefix, m in names.named_modules() if prefix}


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
        fn = t._ctx
        if fn is None:
            continue
        is_new = id(fn) not in keys
        op_key = visit("op", fn)
        edges.append((op_key, keys[id(t)]))
        if not is_new:
            continue
        for parent in fn.parents or ():
            if isinstance(parent, Tensor):
                key = visit("tensor", parent)
            elif parent is None:  # an optional input left out
                continue
            else:  # a Python number: its own small node for each use
                key = f"n{len(nodes)}"
                nodes.append((key, ("number", parent)))
            edges.append((key, op_key))
    return nodes, edges


def param_groups(nodes: list, table: dict) -> dict:
    """{node key: module prefix} for the nodes that belong to one module.

    Nodes do not record which module made them, so this reads the parameter
    names instead: "encoder.fc1.weight" belongs to "encoder.fc1". An op goes
    in a module's cluster when it consumes one of that module's parameters, or
    a tensor computed from those parameters alone (weight.T in a Linear).
    Its output tensor and the parameters go in the same cluster. Ops with no
    parameters (a Tanh module's forward) stay outside: there is nothing in the
    graph that says who called them.
    """
    owner = {}  # id(tensor) -> prefix, for parameters and tensors made from one module's parameters only
    for t_id, name in table.items():
        if "." in name:
            owner[t_id] = name.rsplit(".", 1)[0]
    keys = {id(node): key for key, (_, node) in nodes}
    groups = {}
    ops = [node for _, (kind, node) in nodes if kind == "op"]
    made_by = {}  # id(op) -> the drawn tensors it made
    for _, (kind, t) in nodes:
        if kind == "tensor" and t._ctx is not None:
            made_by.setdefault(id(t._ctx), []).append(t)
    changed = True
    while changed:  # a few passes settle it: each pass reaches one more op into a parameter-only chain
        changed = False
        for fn in ops:
            tensors = [p for p in (fn.parents or ()) if isinstance(p, Tensor)]
            prefixes = {owner.get(id(p)) for p in tensors}
            found = sorted(p for p in prefixes if p is not None)
            if not found:
                continue
            key = keys[id(fn)]
            if groups.get(key) != found[0]:
                groups[key] = found[0]
                changed = True
            if prefixes == {found[0]}:  # made from this module's parameters alone
                for t in made_by.get(id(fn), ()):
                    if owner.get(id(t)) != found[0]:
                        owner[id(t)] = found[0]
                        changed = True
    for key, (kind, node) in nodes:
        if kind == "tensor":
            if id(node) in owner:
                groups[key] = owner[id(node)]
            elif id(node._ctx) in keys and keys[id(node._ctx)] in groups:
                groups[key] = groups[keys[id(node._ctx)]]
    return groups


# ---------------------------------------------------------------- labels

def tensor_label(t: Tensor, table: dict, show_values: bool, show_grads: bool) -> str:
    lines = []
    name = tensor_name(t, table)
    if name:
        lines.append(name)
    shape = "scalar" if t.ndim == 0 else str(tuple(t.shape))
    lines.append(f"{shape} {t.dtype}")
    if show_values:
        lines.append(f"value {summarize(t.data)}")
    if show_grads and t.grad is not None:
        lines.append(f"grad {summarize(t.grad.data)}")
    return "\\n".join(lines)


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

    `group_modules` (with a Module as `names`) draws each module's ops inside
    a labelled box. The nodes do not record which module made them, so the
    grouping comes from parameter names: an op that consumes
    "encoder.fc1.weight" (or weight.T) sits in the box "encoder.fc1".

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
    groups = param_groups(kept, table) if group_modules else {}
    cluster_names = module_labels(names)

    dot = graphviz.Digraph("computation_graph")
    dot.attr(rankdir=rankdir, fontname="Helvetica", fontsize="11")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    freed = False
    clusters = {}
    for key, (kind, node) in kept:
        if kind == "tensor":
            style = STYLES[tensor_kind(node, key in root_keys)]
            label = tensor_label(node, table, show_values, show_grads)
        elif kind == "number":
            style, label = STYLES["constant"], f"{node:.4g}" if isinstance(node, float) else str(node)
        else:
            style, label = STYLES["op"], type(node).__name__
            if node.parents is None:
                freed = True
                label += "\\n(freed by backward)"
        target = dot
        if key in groups:
            target = clusters.setdefault(groups[key], graphviz.Digraph(f"cluster_{len(clusters)}"))
        target.node(key, label=label, **style)
    for prefix, sub in clusters.items():
        sub.attr(label=cluster_names.get(prefix, prefix), style="rounded,dashed", color="#888888")
        dot.subgraph(sub)

    for tail, head in edges:
        if tail in kept_keys and head in kept_keys:
            dot.edge(tail, head)
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
        add_legend(dot)
    return dot


def add_legend(dot: graphviz.Digraph) -> None:
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", fontsize="9", style="rounded", color="#bbbbbb")
        for kind, text in LEGEND:
            legend.node(f"legend_{kind}", label=text, fontsize="8", **STYLES[kind])
        for (a, _), (b, _) in zip(LEGEND, LEGEND[1:]):  # invisible edges keep the legend in one column
            legend.edge(f"legend_{a}", f"legend_{b}", style="invis")


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
