"""Step through backward: the engine's own steps on the graph, one click at a time.

    stepper = step_backward(loss)          # runs loss.backward(), recording every engine step
    stepper                                # in Jupyter: the graph with buttons (or arrow keys)
    stepper.save("backward.html")          # a page that works offline: SVG plus a small script

Each step is one node the engine processed (in the engine's order). The op
lights up, its derivative rule (the first lines of the op's docstring) and the
gradient arriving at its output are shown, the arrows to its inputs carry the
gradients it sends, and every tensor box shows its gradient so far. Where two
paths meet, the box turns orange and the panel shows the sum being formed.

This is not a re-enactment: the records come from the engine itself
(`run_backward(..., trace=...)`, read through tracing.traced_backward), so the
order, the numbers and the "adds to what is there" flags are the real ones, and
the leaves' .grad are set exactly as loss.backward() sets them.

Graphviz's `dot` lays the graph out when it is installed; without it a small
layered layout of our own is used. Either way the graph runs from the inputs on
the left to the loss on the right, unless that is wider than a page
(WIDEST, a network's long chain of ops): then from the inputs at the top to the
loss at the bottom, so the boxes stay readable without scrolling sideways.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import uuid
from pathlib import Path

import graphviz
import numpy as np

from ..tracing import (
    gradient_in,
    name_table,
    op_label,
    outputs_gathered,
    rule_of,
    summarize,
    tensor_name,
    traced_backward,
)
from .graph import STYLES, tensor_kind, walk

__all__ = ["step_backward", "Stepper"]

MAX_NODES = 200
WIDEST = 900  # points: a left-to-right drawing wider than this is drawn top to bottom (rankdir="auto")
NOTHING_YET = "grad –"
_ids = itertools.count(1)  # a page may hold several steppers: each gets its own id prefix


def step_backward(loss, names=None, retain_graph: bool = False, layout: str = "auto",
                  rankdir: str = "auto") -> "Stepper":
    """Run loss.backward() and return a Stepper: the graph and the engine's steps, to click through.

    `names` labels parameters as in draw_graph (a Module or {tensor: name}).
    `layout` is "dot" (Graphviz), "simple" (our own layered layout) or "auto"
    (dot when installed). `rankdir` is "LR" (inputs on the left, the loss on
    the right), "TB" (inputs at the top, the loss at the bottom) or "auto": LR
    unless that is wider than WIDEST points, as a network's is, then TB. Like
    backward(), it frees the graph unless retain_graph=True, and accumulates
    into the leaves' .grad.
    """
    if not hasattr(loss, "_ctx"):
        raise TypeError(f"step_backward: expected a Tensor, got {type(loss).__name__}")
    nodes, edges = walk([loss])
    if len(nodes) > MAX_NODES:
        raise ValueError(f"step_backward: the graph has {len(nodes)} nodes; the stepper is for small graphs "
                         f"(at most {MAX_NODES}). Hint: step through a smaller batch or model, or use "
                         "viz.trace_backward(loss) for the text trace.")
    steps, gathered = outputs_gathered(traced_backward(loss, retain_graph))
    return Stepper(nodes, edges, steps, name_table(names), layout, gathered, rankdir)


def op_name(node) -> str:
    """'Mul' for a MulBackward0 node; 'Addmm' for nn.Linear on a batch (the drawing's names)."""
    return op_label(node)


def svg_width(svg: str) -> float:
    """The width in points an SVG asks for (its <svg width="...pt">); 0 if it says none."""
    match = re.search(r'<svg[^>]*?\swidth="([\d.]+)(?:pt|px)?"', svg)
    return float(match.group(1)) if match else 0.0


class Stepper:
    """The graph of one backward pass and its steps; shows itself in a notebook (_repr_html_)."""

    def __init__(self, nodes: list, edges: list, steps: list, names: dict, layout: str = "auto",
                 gathered: dict | None = None, rankdir: str = "auto"):
        if rankdir.upper() not in ("AUTO", "LR", "TB"):
            raise ValueError(f'step_backward: rankdir must be "auto", "LR" or "TB", got {rankdir!r}')
        # unique on a page, even beside a stepper drawn before the kernel restarted
        self.prefix = f"tgs{next(_ids)}_{uuid.uuid4().hex[:6]}"
        self.nodes, self.edges, self.names, self.layout = nodes, edges, names, layout
        self.rankdir = rankdir.upper() if rankdir.upper() != "AUTO" else "auto"
        tensors = {key: t for key, (kind, t) in nodes if kind == "tensor"}
        self.labels = {key: self.tensor_text(t, names) for key, t in tensors.items()}
        root = nodes[0][0]
        self.kinds = {key: tensor_kind(t, key == root) for key, t in tensors.items()}
        self.start = {key: NOTHING_YET for key, t in tensors.items() if t.requires_grad}
        self.start[root] = "grad 1"
        totals = {root: np.ones_like(tensors[root]._data, dtype=np.float64)}  # the seed: dL/dL = 1
        self.gathered = gathered or {}  # an op with several outputs: the gradient of each (tracing.outputs_gathered)
        self.steps = [self.step(s, totals) for s in steps]
        self.final = {key: "grad " + summarize(total) for key, total in totals.items()}

    def step(self, record: dict, totals: dict) -> dict:
        """One engine record as plain data for the page. `totals` holds each tensor's gradient so far
        (by key); the gradients this step sends are added to it, as the engine adds them."""
        keys = {id(obj): key for key, (kind, obj) in self.nodes if kind != "number"}
        op_key = keys[id(record["node"])]
        out = next((t for op, t in self.edges if op == op_key), None)  # the op's output tensor
        sent, changed = [], {}
        for given in record["sent"]:
            key = keys[id(given["input"])]
            grad = np.asarray(given["grad"]._data, dtype=np.float64)
            before = totals.get(key)
            totals[key] = grad if before is None else before + grad
            sent.append({"to": key, "to_label": self.labels[key], "grad": summarize(grad), "adds": before is not None,
                         "before": None if before is None else summarize(before), "total": summarize(totals[key])})
            changed[key] = "grad " + summarize(totals[key])
        return {"op": op_key, "node": record["op"], "name": op_name(record["node"]), "rule": rule_of(record["node"]),
                "out": out,
                "out_label": self.labels.get(out), "grad_in": gradient_in(record, self.gathered)[0],
                "inputs": [t for t, op in self.edges if op == op_key], "sent": sent, "set": changed}

    @staticmethod
    def tensor_text(t, names: dict) -> str:
        name = tensor_name(t, names)
        if name:
            return name
        if t._ctx is not None:
            return f"output of {op_name(t._ctx)}"
        return f"tensor of shape {tuple(t.shape)}"

    def __repr__(self) -> str:
        return (f"<Stepper: {len(self.steps)} engine steps over a graph of {len(self.nodes)} nodes; "
                "shows itself in a notebook, or .save('backward.html') and open it>")

    def __len__(self) -> int:
        return len(self.steps)

    # ------------------------------------------------------------ the picture

    def node_lines(self, key: str, kind: str, obj) -> list[str]:
        """The text lines of one box; a tensor's last line is its gradient, sized for the longest it gets."""
        if kind == "number":
            return [f"{obj:.4g}" if isinstance(obj, float) else str(obj)]
        if kind == "op":
            return [op_name(obj)]
        shape = "scalar" if obj.ndim == 0 else str(tuple(obj.shape))
        lines = [f"{shape} {obj._data.dtype}", "value " + summarize(obj._data)]
        if tensor_name(obj, self.names):
            lines.insert(0, tensor_name(obj, self.names))
        if key in self.start:
            widest = max([self.start[key], self.final.get(key, "")] + [s["set"].get(key, "") for s in self.steps],
                         key=len)
            lines.append(widest)
        return lines

    def svg(self) -> str:
        """The picture; with rankdir="auto", left to right if that fits in WIDEST points, else top to bottom."""
        if self.rankdir != "auto":
            return self.svg_in(self.rankdir)
        wide = self.svg_in("LR")
        return wide if svg_width(wide) <= WIDEST else self.svg_in("TB")

    def svg_in(self, rankdir: str) -> str:
        """The picture drawn "LR" (left to right) or "TB" (top to bottom), by dot or by our own layout."""
        use_dot = self.layout == "dot" or (self.layout == "auto" and shutil.which("dot") is not None)
        return self.dot_svg(rankdir) if use_dot else self.simple_svg(rankdir)

    def style_of(self, key: str, kind: str) -> dict:
        if kind == "tensor":
            return STYLES[self.kinds[key]]
        return STYLES["constant" if kind == "number" else "op"]

    def dot_svg(self, rankdir: str = "LR") -> str:
        dot = graphviz.Digraph("backward")
        dot.attr(rankdir=rankdir, fontname="Helvetica", bgcolor="transparent")
        dot.attr("node", fontname="Helvetica", fontsize="10")
        for key, (kind, obj) in self.nodes:
            dot.node(key, label="\\n".join(self.node_lines(key, kind, obj)), id=f"{self.prefix}_{key}",
                     **self.style_of(key, kind))
        # as draw_graph: the spine (op -> its result -> the next op) weighs more, so dot keeps it straight
        # and puts the leaves beside it instead of drawing a staircase
        spine = {key for key, (kind, obj) in self.nodes if kind == "op" or (kind == "tensor" and obj._ctx is not None)}
        for tail, head in self.edges:
            dot.edge(tail, head, id=f"{self.prefix}_{tail}_{head}", **({"weight": "8"} if tail in spine else {}))
        svg = dot.pipe(format="svg").decode("utf-8")
        svg = re.sub(r"<title>.*?</title>", "", svg[svg.index("<svg"):])  # no "t3" tooltips
        return svg.replace('id="graph0"', f'id="{self.prefix}_graph"')  # ids stay unique on a page

    def simple_svg(self, rankdir: str = "LR") -> str:
        """A layered layout without Graphviz: the layer is the longest path to the root (the root last:
        rightmost left to right, lowest top to bottom), boxes side by side in a layer, straight arrows."""
        inputs_of = {}
        for tail, head in self.edges:
            inputs_of.setdefault(head, []).append(tail)
        depth = {self.nodes[0][0]: 0}
        changed = True  # relax until stable: a layer is the longest path to the root
        while changed:
            changed = False
            for head, tails in inputs_of.items():
                if head not in depth:
                    continue
                for tail in tails:
                    if depth.get(tail, -1) < depth[head] + 1 and depth[head] + 1 <= len(self.nodes):
                        depth[tail] = depth[head] + 1
                        changed = True
        columns = max(depth.values()) + 1
        members = [[] for _ in range(columns)]
        for key, _ in self.nodes:
            members[columns - 1 - depth.get(key, 0)].append(key)
        rank = {key: i for i, key in enumerate(members[-1])}
        feeds = {}
        for tail, head in self.edges:
            feeds.setdefault(tail, []).append(head)
        for column in range(columns - 2, -1, -1):  # from the root back: a box sits level with the boxes it feeds
            members[column].sort(key=lambda k: sum(rank.get(h, 0) for h in feeds.get(k, [0])) / len(feeds.get(k, [0])))
            rank.update({key: i for i, key in enumerate(members[column])})
        kinds = dict(self.nodes)
        boxes = {}
        for column, keys in enumerate(members):
            for key in keys:
                kind, obj = kinds[key]
                lines = self.node_lines(key, kind, obj)
                boxes[key] = (column, 16 + 6.2 * max(len(line) for line in lines), 10 + 14 * len(lines), lines, kind)
        centre = {}
        if rankdir == "TB":  # a layer is a row, its boxes side by side and centred; the root at the bottom
            heights = [max([b[2] for b in boxes.values() if b[0] == r] + [20]) for r in range(columns)]
            tops = [20 + sum(heights[:r]) + 44 * r for r in range(columns)]
            rows = [sum(boxes[k][1] for k in keys) + 24 * max(len(keys) - 1, 0) for keys in members]
            total_w, total_h = max(rows) + 40, tops[-1] + heights[-1] + 20
            for r, keys in enumerate(members):
                x = 20 + (max(rows) - rows[r]) / 2
                for key in keys:
                    centre[key] = (x + boxes[key][1] / 2, tops[r] + heights[r] / 2)
                    x += boxes[key][1] + 24
        else:  # a layer is a column, its boxes stacked from the top; the root on the right
            widths = [max([b[1] for b in boxes.values() if b[0] == c] + [40]) for c in range(columns)]
            lefts = [20 + sum(widths[:c]) + 60 * c for c in range(columns)]
            stacked = [0] * columns
            for column, keys in enumerate(members):
                for key in keys:
                    centre[key] = (lefts[column] + widths[column] / 2, 20 + stacked[column] + boxes[key][2] / 2)
                    stacked[column] += boxes[key][2] + 24
            total_w, total_h = lefts[-1] + widths[-1] + 20, max(stacked) + 20
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}pt" height="{total_h:.0f}pt" '
                 f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="Helvetica,sans-serif" font-size="10">']
        for tail, head in self.edges:
            (x1, y1), (x2, y2) = centre[tail], centre[head]
            if rankdir == "TB":  # from the bottom of the tail to the top of the head
                y1, y2 = y1 + boxes[tail][2] / 2, y2 - boxes[head][2] / 2
            else:  # from the right side of the tail to the left side of the head
                x1, x2 = x1 + boxes[tail][1] / 2, x2 - boxes[head][1] / 2
            length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1e-9)
            ux, uy = (x2 - x1) / length, (y2 - y1) / length  # the arrowhead points along the line
            bx, by = x2 - 8 * ux, y2 - 8 * uy
            parts.append(f'<g id="{self.prefix}_{tail}_{head}" class="edge"><path fill="none" stroke="black" '
                         f'd="M{x1:.1f},{y1:.1f} L{x2 - 6 * ux:.1f},{y2 - 6 * uy:.1f}"/><polygon fill="black" '
                         f'stroke="black" points="{x2:.1f},{y2:.1f} {bx - 4 * uy:.1f},{by + 4 * ux:.1f} '
                         f'{bx + 4 * uy:.1f},{by - 4 * ux:.1f}"/></g>')
        for key, (_, width, height, lines, kind) in boxes.items():
            cx, cy = centre[key]
            style = self.style_of(key, kind)
            fill = style.get("fillcolor", "white")
            dash = ' stroke-dasharray="4,3"' if "dashed" in style.get("style", "") else ""
            if style["shape"] == "ellipse":
                shape = (f'<ellipse fill="{fill}" stroke="black" cx="{cx:.1f}" cy="{cy:.1f}" '
                         f'rx="{width / 2:.1f}" ry="{height / 2:.1f}"/>')
            else:
                left, right, top, bottom = cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2
                shape = (f'<polygon fill="{fill}" stroke="black"{dash} points="{left:.1f},{top:.1f} '
                         f'{right:.1f},{top:.1f} {right:.1f},{bottom:.1f} {left:.1f},{bottom:.1f}"/>')
            texts = "".join(f'<text text-anchor="middle" x="{cx:.1f}" y="{cy - 7 * len(lines) + 14 * i + 11:.1f}">'
                            f"{html.escape(line)}</text>" for i, line in enumerate(lines))
            parts.append(f'<g id="{self.prefix}_{key}" class="node">{shape}{texts}</g>')
        parts.append("</svg>")
        return "".join(parts)

    # ------------------------------------------------------------ the page

    def data(self) -> dict:
        """Everything the script needs, as plain JSON."""
        return {"prefix": self.prefix, "root": self.nodes[0][0], "start": self.start, "steps": self.steps,
                "seed": self.seed_text()}

    def seed_text(self) -> str:
        """The panel before the first step, naming the root: 'loss starts with gradient 1 (dloss/dloss = 1)',
        'c starts with ... (dc/dc = 1)'. The root is whatever backward() was called on, not always a loss."""
        root = self.nodes[0][0]
        name = tensor_name(dict(self.nodes)[root][1], self.names)
        if name:
            name = html.escape(name)
            first = f"<b>{name}</b> starts with gradient 1 (d{name}/d{name} = 1)"
        else:
            first = "The output starts with gradient 1 (its derivative with respect to itself)"
        return f"{first}. Press <b>step</b> (or the right arrow key) to let the engine process one node."

    def _repr_html_(self) -> str:
        return self.html_fragment()

    def html_fragment(self) -> str:
        """A <div> with the controls, the panel, the SVG and the script: paste it into any page."""
        p = self.prefix
        data = json.dumps(self.data()).replace("</", "<\\/")
        return (f'<div class="tg-stepper" id="{p}" tabindex="0">'
                f"<style>{STEPPER_CSS.replace('#P', '#' + p)}</style>"
                '<div class="tg-controls"><button data-go="first" title="Home">&laquo; start</button>'
                '<button data-go="prev" title="left arrow">&#x25C0; back</button>'
                '<button data-go="next" title="right arrow">step &#x25B6;</button>'
                '<button data-go="last" title="End">end &raquo;</button>'
                '<button data-go="fit" title="fit the graph to the width, or back to full size">fit width</button>'
                '<span class="tg-count"></span></div>'
                f'<div class="tg-panel">{self.seed_text()}</div>'
                f'<div class="tg-graph">{self.svg()}</div>'
                f"<script>{STEPPER_JS.replace('__DATA__', data)}</script></div>")

    def page(self, title: str = "Step through backward") -> str:
        """A whole HTML page: opens offline; #step=N in the address opens it at step N."""
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(title)}</title><style>body {{ font: 15px/1.5 system-ui, sans-serif; "
                "margin: 20px; color: #1d2330; }</style></head><body data-stepper-page>"
                f"<h1>{html.escape(title)}</h1><p>Each step is one node of the graph processed by the engine, in "
                "the order it ran. Use the buttons or the arrow keys (Home/End for the start and the end).</p>"
                f"{self.html_fragment()}</body></html>\n")

    def save(self, path) -> Path:
        """Write the page (see page()) to `path` and return it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.page(), encoding="utf-8")
        return path


STEPPER_CSS = """
#P { font: 14px/1.45 system-ui, sans-serif; border: 1px solid #dde3ea; border-radius: 8px; padding: 10px;
     background: #fff; outline: none; }
#P:focus { border-color: #7aa7e0; }
#P .tg-controls button { font-size: 14px; margin-right: 6px; padding: 3px 10px; cursor: pointer; }
#P .tg-count { margin-left: 8px; color: #4a5568; }
#P .tg-panel { margin: 8px 0; padding: 8px 10px; background: #f7f9fb; border-left: 4px solid #f6c343;
     min-height: 5.5em; }
#P .tg-panel .tg-rule { font-family: ui-monospace, monospace; background: #fff7d6; padding: 1px 4px; }
#P .tg-panel .tg-adds { color: #c05621; font-weight: bold; }
#P .tg-graph { overflow: auto; max-height: 80vh; }
#P .tg-graph svg { max-width: none; height: auto; }
#P.tg-fit .tg-graph svg { width: 100%; }
#P .tg-active ellipse { fill: #ffd43b; stroke: #b7791f; stroke-width: 3px; }
#P .tg-done ellipse { fill: #e2e8f0; }
#P .tg-out polygon { stroke: #b7791f; stroke-width: 3px; }
#P .tg-to polygon { fill: #fff3bf; stroke: #d69e2e; stroke-width: 3px; }
#P .tg-meet polygon { fill: #ffd8a8; stroke: #dd6b20; stroke-width: 4px; }
#P .tg-flow path { stroke: #dd6b20; stroke-width: 3px; stroke-dasharray: 7 4; animation: tg-back 0.6s linear infinite; }
#P .tg-flow polygon { fill: #dd6b20; stroke: #dd6b20; }
#P .tg-changed { font-weight: bold; fill: #9c4221; }
@keyframes tg-back { to { stroke-dashoffset: 11; } }
"""

# One engine step per click. State k = the start labels with the first k steps' changes applied.
STEPPER_JS = r"""
(function () {
  var data = __DATA__;
  var root = document.getElementById(data.prefix);
  var at = 0;
  function el(key) { return document.getElementById(data.prefix + "_" + key); }
  function gradText(key) {
    var node = el(key); if (!node) return null;
    var texts = node.getElementsByTagName("text");
    for (var i = texts.length - 1; i >= 0; i--) if (texts[i].textContent.indexOf("grad ") === 0) return texts[i];
    return null;
  }
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;"); }
  function show(k) {
    at = Math.max(0, Math.min(k, data.steps.length));
    var labels = {}, key, i;
    for (key in data.start) labels[key] = data.start[key];
    for (i = 0; i < at; i++) for (key in data.steps[i].set) labels[key] = data.steps[i].set[key];
    var marked = root.querySelectorAll(".tg-active,.tg-done,.tg-out,.tg-to,.tg-meet,.tg-flow,.tg-changed");
    for (i = 0; i < marked.length; i++)
      marked[i].classList.remove("tg-active", "tg-done", "tg-out", "tg-to", "tg-meet", "tg-flow", "tg-changed");
    for (key in labels) { var t = gradText(key); if (t) t.textContent = labels[key]; }
    for (i = 0; i < at - 1; i++) { var done = el(data.steps[i].op); if (done) done.classList.add("tg-done"); }
    var panel = root.querySelector(".tg-panel");
    root.querySelector(".tg-count").textContent = "step " + at + " of " + data.steps.length;
    if (at === 0) {
      if (el(data.root)) reveal(el(data.root));
      panel.innerHTML = data.seed;
      return;
    }
    var s = data.steps[at - 1];
    el(s.op).classList.add("tg-active");
    reveal(el(s.op));
    if (s.out && el(s.out)) el(s.out).classList.add("tg-out");
    for (i = 0; i < s.inputs.length; i++) {
      var edge = el(s.inputs[i] + "_" + s.op); if (edge) edge.classList.add("tg-flow");
    }
    var lines = [];
    for (i = 0; i < s.sent.length; i++) {
      var g = s.sent[i], box = el(g.to);
      if (box) box.classList.add(g.adds ? "tg-meet" : "tg-to");
      var t2 = gradText(g.to); if (t2) t2.classList.add("tg-changed");
      lines.push("sends <b>" + esc(g.grad) + "</b> to " + esc(g.to_label) + (g.adds ?
        ' <span class="tg-adds">+ ' + esc(g.before) + " already there (another path): now " + esc(g.total) +
        "</span>" : ""));
    }
    panel.innerHTML = "<b>Step " + at + ": " + esc(s.node) + "</b><br><span class=\"tg-rule\">" + esc(s.rule) +
      "</span><br>gradient arriving at its output" + (s.out_label ? " (" + esc(s.out_label) + ")" : "") +
      ": <b>" + esc(s.grad_in) + "</b><br>" +
      (lines.length ? lines.join("<br>") : "sends nothing (no input needs a gradient)") +
      (at === data.steps.length ? "<br><i>Done: every leaf now holds its .grad.</i>" : "");
  }
  root.addEventListener("click", function (e) {
    var go = e.target.getAttribute && e.target.getAttribute("data-go");
    if (go === "next") show(at + 1); else if (go === "prev") show(at - 1);
    else if (go === "first") show(0); else if (go === "last") show(data.steps.length);
    else if (go === "fit") {
      root.classList.toggle("tg-fit");
      e.target.textContent = root.classList.contains("tg-fit") ? "full size" : "fit width";
    }
  });
  function reveal(node) {  // scroll the graph (not the page) so the node being processed is in view
    var box = root.querySelector(".tg-graph"), r = node.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.left < b.left || r.right > b.right) box.scrollLeft += (r.left + r.right - b.left - b.right) / 2;
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += (r.top + r.bottom - b.top - b.bottom) / 2;
  }
  function key(e) {
    var moves = {ArrowRight: at + 1, " ": at + 1, ArrowLeft: at - 1, Home: 0, End: data.steps.length};
    if (!(e.key in moves)) return;
    show(moves[e.key]);
    e.preventDefault();
    e.stopPropagation();  // in Jupyter, the arrow keys would otherwise move between cells
  }
  root.addEventListener("keydown", key);
  if (document.body && document.body.getAttribute("data-stepper-page") !== null)
    document.addEventListener("keydown", function (e) { if (e.target === document.body) key(e); });
  var wanted = /[#&]step=(\d+)/.exec(window.location.hash || "");  // #step=N opens every stepper at step N
  show(wanted ? parseInt(wanted[1], 10) : 0);
})();
"""

