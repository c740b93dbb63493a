"""draw_graph and save_graph: node and edge counts and labels read back from the DOT source."""

import re
import shutil

import graphviz
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.viz import draw_graph, save_graph

HAS_DOT = shutil.which("dot") is not None
NODE = re.compile(r'^\s*(\w+) \[(.*)\]$', re.M)
EDGE = re.compile(r'^\s*(\w+) -> (\w+)(?: \[(.*)\])?$', re.M)


def parse(dot: graphviz.Digraph) -> tuple[dict, list]:
    """{node key: attribute text} and [(tail, head)] of the drawn graph, legend left out."""
    source = dot.source
    nodes = {key: attrs for key, attrs in NODE.findall(source)
             if not key.startswith("legend") and key not in ("node", "edge", "graph")}
    edges = [(a, b) for a, b, _ in EDGE.findall(source) if not a.startswith("legend_")]
    return nodes, edges


def label(attrs: str) -> str:
    match = re.search(r'label=("(?:[^"\\]|\\.)*"|\S+)', attrs)
    return match.group(1).strip('"')


def key_of(nodes: dict, text: str) -> str:
    """The one node whose label starts with `text`."""
    found = [k for k, a in nodes.items() if label(a).startswith(text)]
    assert len(found) == 1, (text, found)
    return found[0]


def diamond():
    """z = x * y + x with x = 2, y = -3: x reaches z by two paths."""
    x = tg.Tensor(2.0, requires_grad=True, name="x")
    y = tg.Tensor(-3.0, requires_grad=True, name="y")
    z = x * y + x
    z.name = "z"
    return x, y, z


def test_diamond_counts_labels_and_edges():
    x, y, z = diamond()
    nodes, edges = parse(draw_graph(z))
    labels = sorted(label(a) for a in nodes.values())
    assert len(nodes) == 6  # z, x, y, the Mul output; Add, Mul
    assert "Add" in labels and "Mul" in labels
    assert "x\\nscalar float32\\nvalue 2" in labels
    assert "y\\nscalar float32\\nvalue -3" in labels
    assert "z\\nscalar float32\\nvalue -4" in labels
    assert len(edges) == 6
    xk, add, mul = key_of(nodes, "x\\n"), key_of(nodes, "Add"), key_of(nodes, "Mul")
    assert sorted(head for tail, head in edges if tail == xk) == sorted([add, mul])  # used twice
    assert (add, key_of(nodes, "z\\n")) in edges


def test_grads_show_after_backward_and_options_hide_them():
    x, y, z = diamond()
    z.backward(retain_graph=True)
    nodes, _ = parse(draw_graph(z))
    assert label(nodes[key_of(nodes, "x\\n")]).endswith("grad -2")  # y + 1
    assert label(nodes[key_of(nodes, "y\\n")]).endswith("grad 2")
    source = draw_graph(z, show_grads=False, show_values=False, legend=False).source
    assert "grad" not in source and "value" not in source


def test_kinds_look_different_root_leaf_constant_number():
    w = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="w")
    c = tg.Tensor([1.0, 1.0, 1.0], name="c")
    out = (w * c + 2).sum()
    nodes, edges = parse(draw_graph(out))
    assert "peripheries=2" in nodes[key_of(nodes, "scalar")]  # the root
    assert "#c6e2ff" in nodes[key_of(nodes, "w\\n")]  # a leaf that requires grad
    assert "dashed" in nodes[key_of(nodes, "c\\n")]  # a constant tensor
    assert "dashed" in nodes[key_of(nodes, "2")]  # a Python number
    assert "value [1, 2, 3]" in label(nodes[key_of(nodes, "w\\n")])  # small: the values themselves
    assert "(3,) float32" in label(nodes[key_of(nodes, "w\\n")])


def test_small_tensors_show_values_large_ones_a_summary():
    small = tg.Tensor([[1.0, 2.5], [-3.0, 0.125]], requires_grad=True, name="small")
    large = tg.Tensor(np.arange(7.0), requires_grad=True, name="large")
    nodes, _ = parse(draw_graph([small.sum(), large.sum()]))
    assert "value [[1, 2.5], [-3, 0.125]]" in label(nodes[key_of(nodes, "small\\n")])
    assert "value min 0  mean 3  max 6" in label(nodes[key_of(nodes, "large\\n")])


def legend_entries(source: str) -> set:
    return set(re.findall(r'ID="legend_(\w+)"', source))


def test_legend_lists_only_the_kinds_in_the_picture():
    x, y, z = diamond()  # root, leaves, an intermediate, ops; no constant
    source = draw_graph(z).source
    assert legend_entries(source) == {"root", "leaf", "tensor", "op"}
    assert "leaf, requires grad" in source and "constant (no grad)" not in source
    out = (x * 2).sum()  # a Python number: a constant box appears, and its legend entry
    assert legend_entries(draw_graph(out).source) == {"root", "leaf", "tensor", "constant", "op"}
    assert legend_entries(draw_graph(x).source) == {"root"}  # a lone leaf drawn as the root
    assert "legend" not in draw_graph(z, legend=False).source


def test_retain_grads_shows_a_gradient_on_every_tensor():
    from tinygrad_edu.viz import retain_grads
    x, y, z = diamond()
    retain_grads(z)
    z.backward(retain_graph=True)
    nodes, _ = parse(draw_graph(z))
    tensors = [label(a) for a in nodes.values() if "float32" in label(a)]
    assert len(tensors) == 4 and all("\\ngrad " in t for t in tensors)
    product = [t for t in tensors if t.startswith("scalar")]  # the unnamed x * y
    assert product == ["scalar float32\\nvalue -6\\ngrad 1"]  # dz/d(xy) = 1


def test_after_backward_every_tensor_shows_its_gradient_without_retain_grads():
    x, y, z = diamond()
    nodes, _ = parse(draw_graph(z))
    assert not any("grad" in label(a) for a in nodes.values())  # before backward: values only
    z.backward(retain_graph=True)
    nodes, _ = parse(draw_graph(z))
    assert label(nodes[key_of(nodes, "scalar")]) == "scalar float32\\nvalue -6\\ngrad 1"  # dz/d(x*y) = 1
    assert label(nodes[key_of(nodes, "z\\n")]).endswith("grad 1")  # dz/dz
    assert label(nodes[key_of(nodes, "x\\n")]).endswith("grad -2")
    assert x.grad.item() == -2.0 and y.grad.item() == 2.0  # drawing does not touch .grad


def test_intermediate_gradients_are_the_true_ones_on_a_network():
    tg.manual_seed(0)
    W = tg.randn(3, 2, requires_grad=True)
    x = tg.randn(4, 3)
    hidden = (x @ W).tanh()
    loss = (hidden ** 2).mean()
    loss.backward(retain_graph=True)
    nodes, _ = parse(draw_graph(loss, show_values=False))
    h = hidden._data
    expected = 2 * h / h.size  # d mean(h^2) / dh
    from tinygrad_edu.tracing import summarize
    assert f"(4, 2) float32\\ngrad {summarize(expected)}" in [label(a) for a in nodes.values()]
    pre = expected * (1 - h ** 2)  # through tanh
    assert f"(4, 2) float32\\ngrad {summarize(pre)}" in [label(a) for a in nodes.values()]


def test_no_gradients_drawn_once_backward_freed_the_graph():
    x, y, z = diamond()
    z.backward()
    source = draw_graph(z).source
    assert "freed by backward" in source and "retain_graph=True" in source
    nodes, _ = parse(draw_graph(z))
    assert label(nodes[key_of(nodes, "z\\n")]) == "z\\nscalar float32\\nvalue -4"


def tensor_mlp():
    """A 2-layer MLP from plain tensors: relu(x @ W1 + b1) @ W2 + b2, then the mean."""
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.normal(size=(4, 3)))
    params = {name: tg.tensor(rng.normal(size=shape), requires_grad=True)
              for name, shape in [("W1", (3, 5)), ("b1", (5,)), ("W2", (5, 2)), ("b2", (2,))]}
    out = ((x @ params["W1"] + params["b1"]).relu() @ params["W2"] + params["b2"]).mean()
    return params, out


def test_tensor_mlp_counts_and_names_from_a_dict():
    params, out = tensor_mlp()
    nodes, edges = parse(draw_graph(out, names={t: n for n, t in params.items()}))
    ops = sorted(label(a).split("\\n")[0] for a in nodes.values() if "ellipse" in a)
    assert ops == ["Add", "Add", "Mean", "Mm", "Mm", "Relu"]  # PyTorch's node names (MmBackward0...)
    for name in params:
        assert key_of(nodes, name + "\\n")
    # tensors: out, x, 4 params, 5 intermediates (2 matmul, 2 add, relu)
    assert len(nodes) == 6 + 11
    assert len(edges) == 6 + 10  # one edge per op output, one per op input (2 Mm 2, 2 Add 2, Relu, Mean)


CLUSTER_START = re.compile(r"^\s*subgraph (cluster_\w+) \{$")
CLUSTER_LABEL = re.compile(r'^\s*color=.* label=("(?:[^"\\]|\\.)*"|\S+)')


def boxes(dot: graphviz.Digraph) -> tuple[dict, dict, dict]:
    """Read the module boxes back from the DOT source, legend left out.

    ({box label: [node keys directly inside]}, {node key: box label or None}, {box label: enclosing box label or None}).
    """
    stack, members, where, parent, labels = [], {}, {}, {}, {}
    for line in dot.source.splitlines():
        start = CLUSTER_START.match(line)
        if start:
            parent[start.group(1)] = stack[-1] if stack else None
            stack.append(start.group(1))
            members[start.group(1)] = []
        elif line.strip() == "}" and stack:
            stack.pop()
        elif CLUSTER_LABEL.match(line) and stack:
            labels[stack[-1]] = CLUSTER_LABEL.match(line).group(1).strip('"')
        elif NODE.match(line) and not NODE.match(line).group(1).startswith(("legend", "node", "edge", "graph")):
            key = NODE.match(line).group(1)
            where[key] = stack[-1] if stack else None
            if stack:
                members[stack[-1]].append(key)
    return ({labels[c]: keys for c, keys in members.items() if c != "cluster_legend"},
            {key: labels.get(c) for key, c in where.items()},
            {labels[c]: labels.get(p) for c, p in parent.items() if c != "cluster_legend"})


def mlp_loss():
    nn = pytest.importorskip("tinygrad_edu.nn")
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    return nn, net, net(tg.randn(4, 2)).pow(2).mean()


def test_each_module_gets_a_box_without_names():
    nn, net, loss = mlp_loss()
    dot = draw_graph(loss)
    nodes, _ = parse(dot)
    members, where, parent = boxes(dot)
    assert set(members) == {"0: Linear", "1: Tanh", "2: Linear"}
    assert all(up is None for up in parent.values())  # Sequential runs no op of its own: no outer box
    for box, op in [("0: Linear", "Addmm"), ("1: Tanh", "Tanh"), ("2: Linear", "Addmm")]:  # PyTorch's node names
        ops = [k for k in members[box] if "ellipse" in nodes[k]]
        assert [label(nodes[k]) for k in ops] == [op]
        outputs = [k for k in members[box] if "ellipse" not in nodes[k] and "#ffffff" in nodes[k]]
        assert len(outputs) == 1  # the op's output tensor sits with it
    for op in ("Pow", "Mean"):  # the loss: made outside any module
        assert where[key_of(nodes, op)] is None
    weight_key = key_of(nodes, "(3, 2) float32")  # the parameters sit with the module that holds them
    assert where[weight_key] == "0: Linear"


def test_names_label_parameters_inside_their_box():
    nn, net, loss = mlp_loss()
    nodes, _ = parse(draw_graph(loss, names=net))
    _, where, _ = boxes(draw_graph(loss, names=net))
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert where[key_of(nodes, name + "\\n")] == name[0] + ": Linear"


def test_top_to_bottom_a_module_box_keeps_its_parameters_on_its_op_row():
    """Top to bottom, a Linear's weight and bias sit either side of its op (rank=same), so its box does not
    share a row with the previous module's box: the boxes stack and the spine runs straight down (lesson 9's
    network was 1216 pt wide with the boxes side by side, 734 pt stacked). Left to right nothing changes."""
    nn, net, loss = mlp_loss()
    source = draw_graph(loss, names=net, rankdir="TB").source
    nodes, edges = parse(draw_graph(loss, names=net, rankdir="TB"))
    rows = [set(re.findall(r"^\s*(\w+)$", body, re.M))
            for body in re.findall(r"subgraph row_\w+ \{\n\s*rank=same\n(.*?)\n\s*\}", source, re.S)]
    for layer in ("0", "2"):
        weight, bias = key_of(nodes, f"{layer}.weight\\n"), key_of(nodes, f"{layer}.bias\\n")
        (row,) = [r for r in rows if weight in r]
        assert bias in row and len(row) == 3 and label(nodes[(row - {weight, bias}).pop()]) == "Addmm"
    assert len(rows) == 2
    # the second leaf is drawn on the op's right: written op -> leaf with the arrow turned back
    assert len(re.findall(r"op\d+ -> t\d+ \[dir=back\]", source)) == 2
    assert "rank=same" not in draw_graph(loss, names=net).source  # LR: as it was
    if HAS_DOT:
        from tinygrad_edu.viz.stepper import svg_width
        tb = svg_width(draw_graph(loss, names=net, rankdir="TB").pipe(format="svg").decode())
        lr = svg_width(draw_graph(loss, names=net).pipe(format="svg").decode())
        assert tb <= 800 < lr


def test_a_parameter_used_twice_stays_off_the_op_rows():
    """One row cannot hold two ops: a weight two ops of a module use is left where dot puts it."""
    nn = pytest.importorskip("tinygrad_edu.nn")

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(tg.randn(3))
            self.b = nn.Parameter(tg.randn(3))

        def forward(self, x):
            return (x * self.w) * self.w + self.b

    net = Twice()
    dot = draw_graph(net(tg.randn(3)).sum(), names=net, rankdir="TB")
    nodes, _ = parse(dot)
    rows = re.findall(r"subgraph row_\w+ \{\n\s*rank=same\n(.*?)\n\s*\}", dot.source, re.S)
    assert len(rows) == 1 and key_of(nodes, "b\\n") in rows[0] and key_of(nodes, "w\\n") not in rows[0]
    if HAS_DOT:
        assert "<svg" in dot.pipe(format="svg").decode()  # dot lays it out


def test_group_modules_false_draws_no_boxes():
    nn, net, loss = mlp_loss()
    members, where, _ = boxes(draw_graph(loss, group_modules=False))
    assert members == {} and set(where.values()) == {None}


def nested_net(nn):
    """A module with a Sequential inside it and a relu of its own (nn is imported only if present)."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
            self.head = nn.Linear(3, 1)

        def forward(self, x):
            return self.head(self.block(x).relu())
    return Net()


@pytest.mark.parametrize("with_names", [False, True])
def test_nested_modules_give_nested_boxes(with_names):
    nn = pytest.importorskip("tinygrad_edu.nn")
    tg.manual_seed(0)
    net = nested_net(nn)
    loss = net(tg.randn(4, 2)).mean()
    dot = draw_graph(loss, names=net if with_names else None)
    nodes, _ = parse(dot)
    members, where, parent = boxes(dot)
    assert parent == {"Net": None, "head: Linear": "Net", "block: Sequential": "Net",
                      "block.0: Linear": "block: Sequential", "block.1: Tanh": "block: Sequential"}
    assert where[key_of(nodes, "Relu")] == "Net"  # Net's own forward made it
    assert where[key_of(nodes, "Tanh")] == "block.1: Tanh"
    assert members["block: Sequential"] == []  # Sequential's forward makes no op itself


def test_boxes_survive_a_backward_that_frees_the_graph():
    nn, net, loss = mlp_loss()
    out = net(tg.randn(4, 2))
    out.sum().backward()
    nodes, _ = parse(draw_graph(out))
    _, where, _ = boxes(draw_graph(out))
    assert where[key_of(nodes, "Addmm")] == "2: Linear"  # freed, but the node still knows its module


def test_max_nodes_collapses_and_says_so():
    x = tg.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(50):
        y = y * 1.01  # each step: an op, its output tensor and a number node
    nodes, edges = parse(draw_graph(y, max_nodes=10))
    assert len(nodes) == 11  # ten kept plus the "more" box
    total = 1 + 50 * 3
    assert label(nodes["more"]) == f"… {total - 10} more nodes"
    assert f"Showing the 10 nodes nearest the root of {total}" in draw_graph(y, max_nodes=10).source
    assert any(tail == "more" for tail, _ in edges)
    assert "more" not in parse(draw_graph(y))[0]


def test_deep_chain_has_no_recursion_limit():
    x = tg.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y + 1
    nodes, _ = parse(draw_graph(y, max_nodes=10_000))
    assert len(nodes) == 1 + 3000 * 3


def test_freed_graph_is_drawn_with_a_note():
    x, y, z = diamond()
    z.backward()
    dot = draw_graph(z)
    nodes, edges = parse(dot)
    assert len(nodes) == 2 and len(edges) == 1  # z and its Add: the rest was freed
    assert "(freed by backward)" in label(nodes[key_of(nodes, "Add")])
    assert "retain_graph=True" in dot.source


def test_bad_arguments_explain():
    with pytest.raises(TypeError, match="draw_graph: expected a Tensor"):
        draw_graph(3.0)
    x, y, z = diamond()
    with pytest.raises(TypeError, match="names must be"):
        draw_graph(z, names=["x"])
    with pytest.raises(ValueError, match="no extension"):
        save_graph(z, "graph")


def test_save_dot_needs_no_graphviz(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    x, y, z = diamond()
    path = save_graph(z, tmp_path / "sub" / "g.dot")
    assert path == tmp_path / "sub" / "g.dot"
    assert path.read_text().startswith("digraph")
    assert capsys.readouterr().out == ""


def check_fallback(tmp_path, capsys, asked):
    x, y, z = diamond()
    path = save_graph(z, asked)
    assert path == tmp_path / "g.dot"
    assert path.read_text().startswith("digraph") and "Mul" in path.read_text()
    assert not asked.exists()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz",
                 f"dot -T{asked.suffix[1:]} {path} -o {asked}"):
        assert hint in lines[0]


def test_missing_dot_program_writes_dot_and_one_line_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    check_fallback(tmp_path, capsys, tmp_path / "g.svg")


def test_render_failing_with_executable_not_found_falls_back(tmp_path, monkeypatch, capsys):
    def render(self, *args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot",))
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(graphviz.Digraph, "render", render)
    check_fallback(tmp_path, capsys, tmp_path / "g.png")


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed (apt-get install graphviz)")
@pytest.mark.parametrize("suffix, start", [(".svg", b"<?xml"), (".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF")])
def test_render_with_dot(tmp_path, suffix, start):
    x, y, z = diamond()
    path = save_graph(z, tmp_path / f"g{suffix}")
    assert path == tmp_path / f"g{suffix}"
    data = path.read_bytes()
    assert data.startswith(start)
    if suffix == ".svg":
        assert b"<svg" in data and b"Mul" in data
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"g{suffix}"]  # the .gv source was cleaned up
