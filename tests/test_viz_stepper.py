"""step_backward: the engine's steps on the graph, read back as data, as SVG, and as a page a browser runs."""

import json
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.tracing import summarize
from tinygrad_edu.viz import stepper as stepper_module

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def diamond():
    a = tg.Tensor(2.0, requires_grad=True, name="a")
    b = tg.Tensor(-3.0, requires_grad=True, name="b")
    c = a * b + a
    c.name = "c"
    return a, b, c


def key_named(stepper, name):
    return next(key for key, text in stepper.labels.items() if text == name)


def test_diamond_steps_in_engine_order_with_the_sum_where_paths_meet():
    a, b, c = diamond()
    s = viz.step_backward(c)
    assert len(s) == 2 and [step["node"] for step in s.steps] == ["AddBackward0", "MulBackward0"]  # PyTorch's names
    assert [step["name"] for step in s.steps] == ["Add", "Mul"]
    add, mul = s.steps
    assert add["rule"] == "z = x + y.   dz/dx = 1, dz/dy = 1."
    assert mul["rule"] == "z = x * y.   dz/dx = y, dz/dy = x."
    ka, kb, kc = key_named(s, "a"), key_named(s, "b"), key_named(s, "c")
    assert add["out"] == kc and add["grad_in"] == "1"
    assert [(g["to_label"], g["grad"], g["adds"]) for g in add["sent"]] == [("output of Mul", "1", False),
                                                                             ("a", "1", False)]
    # the second path into a: 1 was there, -3 arrives, -2 is the sum
    assert [(g["to"], g["grad"], g["adds"], g["before"], g["total"]) for g in mul["sent"]] == [
        (ka, "-3", True, "1", "-2"), (kb, "2", False, None, "2")]
    assert s.start[kc] == "grad 1" and s.start[ka] == "grad –"
    assert add["set"][ka] == "grad 1" and mul["set"] == {ka: "grad -2", kb: "grad 2"}
    assert a.grad.item() == -2.0 and b.grad.item() == 2.0  # the real backward ran
    assert sorted(add["inputs"]) == sorted([ka, s.steps[1]["out"]])  # the arrows that carry the gradients


def test_final_gradients_match_backward_on_a_network_intermediates_too():
    nn = pytest.importorskip("tinygrad_edu.nn")

    def make():
        tg.manual_seed(0)
        net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
        x, y = tg.randn(4, 2), tg.randn(4, 1)
        x.name, y.name = "x", "target"
        return net, nn.functional.mse_loss(net(x), y)

    net, loss = make()
    s = viz.step_backward(loss, names=net)
    ref_net, ref_loss = make()
    tensors = [t for _, (kind, t) in stepper_module.walk([ref_loss])[0] if kind == "tensor"]
    viz.retain_grads(ref_loss)
    ref_loss.backward()
    assert len(s.final) == sum(t.requires_grad for t in tensors) > 7  # every tensor that needs a gradient got one
    for key, (kind, t) in stepper_module.walk([ref_loss])[0]:
        if kind == "tensor" and t.requires_grad:
            assert s.final[key] == "grad " + summarize(t.grad._data), key
    for p, ref in zip(net.parameters(), ref_net.parameters()):
        np.testing.assert_allclose(p.grad._data, ref.grad._data, rtol=1e-6)
    assert {"0.weight", "2.bias", "x", "target"} <= set(s.labels.values())


@pytest.mark.parametrize("layout", ["dot", "simple"])
def test_every_key_the_script_uses_is_in_the_svg(layout):
    if layout == "dot" and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    a, b, c = diamond()
    s = viz.step_backward(c, layout=layout)
    svg = s.svg()
    ids = set(re.findall(r'id="(tgs\d+_[0-9a-f]+_\w+)"', svg))
    wanted = {f"{s.prefix}_{k}" for step in s.steps for k in [step["op"], step["out"]] + step["inputs"]}
    wanted |= {f"{s.prefix}_{i}_{step['op']}" for step in s.steps for i in step["inputs"]}
    assert wanted <= ids
    node_groups = re.findall(r'<g id="' + s.prefix + r'_(\w+)" class="node">(.*?)</g>', svg, re.S)
    assert len(node_groups) == 6  # a, b, c, the product, Add, Mul
    grad_lines = {key: re.findall(r">(grad [^<]*)<", body) for key, body in node_groups}
    assert sum(len(v) for v in grad_lines.values()) == 4  # one grad line per tensor needing a gradient


def simple_nn_loss():
    """Lesson 7's SimpleNN on XOR, as the tour steps it: a chain of 16 ops, 3500 pt wide left to right."""
    tg.manual_seed(0)
    X = tg.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    W1, b1 = tg.randn(2, 2, requires_grad=True), tg.zeros(2, requires_grad=True)
    W2, b2 = tg.randn(2, 1, requires_grad=True), tg.zeros(1, requires_grad=True)
    out = ((X @ W1 + b1).sigmoid() @ W2 + b2).sigmoid()
    return ((out - tg.tensor(np.array([[0], [1], [1], [0]], dtype=np.float32))) ** 2).mean()


@pytest.mark.parametrize("layout", ["dot", "simple"])
def test_a_network_is_drawn_top_to_bottom_a_small_graph_left_to_right(layout):
    """rankdir="auto": the diamond reads well left to right and stays so; a network's long chain would be
    3500 pt wide (a learner scrolls sideways and cannot read the boxes), so it runs top to bottom."""
    if layout == "dot" and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    small = viz.step_backward(diamond()[2], layout=layout)
    assert stepper_module.svg_width(small.svg()) == stepper_module.svg_width(small.svg_in("LR")) <= 700
    net = viz.step_backward(simple_nn_loss(), layout=layout)
    wide, svg = net.svg_in("LR"), net.svg()
    assert stepper_module.svg_width(wide) > 2000
    assert stepper_module.svg_width(svg) == stepper_module.svg_width(net.svg_in("TB")) <= 700
    assert svg.count('class="node"') == wide.count('class="node"') and svg.count('class="edge"') == len(net.edges)
    forced = viz.step_backward(diamond()[2], layout=layout, rankdir="TB")
    assert stepper_module.svg_width(forced.svg()) < stepper_module.svg_width(small.svg())
    with pytest.raises(ValueError, match="rankdir"):
        viz.step_backward(diamond()[2], rankdir="sideways")


def test_without_dot_the_simple_layout_is_used(monkeypatch):
    monkeypatch.setattr(stepper_module.shutil, "which", lambda name: None)
    a, b, c = diamond()
    svg = viz.step_backward(c).svg()
    assert svg.startswith("<svg") and "<title>" not in svg  # dot writes <title>; ours does not
    assert svg.count('class="node"') == 6 and svg.count('class="edge"') == 6


def test_the_page_is_self_contained(tmp_path):
    a, b, c = diamond()
    s = viz.step_backward(c)
    fragment = s._repr_html_()
    assert fragment.count("<script>") == 1
    assert "src=" not in fragment and "href=" not in fragment and "url(" not in fragment  # nothing to fetch
    data = json.loads(re.search(r"var data = (.*?);\n", fragment).group(1))
    assert data["prefix"] == s.prefix and len(data["steps"]) == 2
    path = s.save(tmp_path / "backward.html")
    assert path.read_text().startswith("<!DOCTYPE html>")
    assert "2 engine steps" in repr(s)
    other = viz.step_backward(diamond()[2])
    assert other.prefix != s.prefix  # two steppers on one page do not share ids


def test_the_first_panel_names_the_root_it_starts_from():
    # c = a * b + a is no loss: the panel said "The loss starts with gradient 1 (dL/dL = 1)" over a graph
    # with no loss in it. It names the root, or says "the output" when the root has no name.
    a, b, c = diamond()
    fragment = viz.step_backward(c)._repr_html_()
    assert '<div class="tg-panel"><b>c</b> starts with gradient 1 (dc/dc = 1).' in fragment
    assert "dL/dL" not in fragment and "The loss" not in fragment
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.name = "loss"
    assert "<b>loss</b> starts with gradient 1 (dloss/dloss = 1)" in viz.step_backward(loss)._repr_html_()
    unnamed = viz.step_backward((x * 3).sum())._repr_html_()
    assert "The output starts with gradient 1" in unnamed


def test_errors():
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.step_backward(1.0)
    x = tg.zeros(3, requires_grad=True)
    y = x
    for _ in range(110):
        y = y * 1.0
    with pytest.raises(ValueError, match="the stepper is for small graphs"):
        viz.step_backward(y.sum())


def chromium_dom(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("layout", ["dot", "simple"])
def test_a_browser_runs_the_steps(tmp_path, layout):
    if layout == "dot" and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    a, b, c = diamond()
    path = viz.step_backward(c, layout=layout).save(tmp_path / "backward.html")
    start = chromium_dom(path.as_uri())
    assert "step 0 of 2" in start and "grad –" in start
    assert "<b>c</b> starts with gradient 1 (dc/dc = 1)" in start and "loss" not in start.lower()
    one = chromium_dom(path.as_uri() + "#step=1")
    assert "Step 1: AddBackward0" in one and 'class="node tg-active"' in one
    assert re.findall(r'class="tg-changed">(grad [^<]*)', one) == ["grad 1", "grad 1"]  # the product and a
    done = chromium_dom(path.as_uri() + "#step=2")
    assert "Step 2: MulBackward0" in done and "now -2" in done and "Done: every leaf" in done
    assert done.count("tg-meet") >= 1  # a's box shows the sum of two paths
    assert sorted(re.findall(r">(grad -?\d+)<", done)) == ["grad -2", "grad 1", "grad 1", "grad 2"]


def test_the_readme_example_runs(tmp_path, monkeypatch):
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    code = re.search(r"## Step through backward\n.*?```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    scope = {"tg": tg}
    exec(compile(code, "README step through backward", "exec"), scope)
    page = (tmp_path / "backward.html").read_text()
    assert 'class="tg-stepper"' in page and scope["a"].grad.item() == -4.0  # two backward passes, -2 each


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_keys_and_buttons_drive_it(tmp_path):
    a, b, c = diamond()
    s = viz.step_backward(c)
    presses = ("var box = document.querySelector('.tg-stepper'), seen = [];"
               "function count() { seen.push(box.querySelector('.tg-count').textContent.split(' ')[1]); }"
               "['ArrowRight', 'ArrowRight', 'ArrowRight', 'Home', 'End', 'ArrowLeft', ' '].forEach(function (k) {"
               "  box.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true})); count(); });"
               "['first', 'next', 'last', 'prev'].forEach(function (go) {"
               "  box.querySelector('[data-go=' + go + ']').click(); count(); });"
               "document.body.insertAdjacentHTML('beforeend', '<p id=seen>' + seen.join(',') + '</p>');")
    page = s.page().replace("</body>", f"<script>{presses}</script></body>")
    path = tmp_path / "keys.html"
    path.write_text(page)
    dom = chromium_dom(path.as_uri())
    seen = re.search(r'<p id="seen">([^<]*)</p>', dom).group(1)
    assert seen == "1,2,2,0,2,1,2,0,1,2,1"  # stops at the last step; Home/End/space; the four buttons
    assert "Step 1: AddBackward0" in dom
