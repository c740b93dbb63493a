"""The notebooks: made from examples/ (one source), valid, and run top to bottom in a real kernel without error."""

import json
import shutil
from pathlib import Path

import pytest

from tinygrad_edu import notebooks
from tinygrad_edu.notebooks import Cell, parse_cells

nbformat = pytest.importorskip("nbformat")
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


# ---------------------------------------------------------------- the converter

def test_percent_cells_markdown_and_code():
    text = ("# %% [markdown]\n# # Lesson\n#\n# Two *words*.\n\n# %%\nimport math\nx = 1\n\n\n"
            "# %% Training [markdown]\n# not markdown: a title first\n# %% [md]\n# short form\n# %%\n\n")
    assert parse_cells(text) == [Cell("markdown", "# Lesson\n\nTwo *words*."), Cell("code", "import math\nx = 1"),
                                 Cell("code", "# not markdown: a title first"), Cell("markdown", "short form")]


def test_a_module_docstring_becomes_the_first_text_cell():
    text = '"""Lesson 1: one neuron.\n\n    w <- w + lr * x\n"""\n\nimport math\nprint(math.pi)\n'
    assert parse_cells(text) == [Cell("markdown", "Lesson 1: one neuron.\n\n    w <- w + lr * x"),
                                 Cell("code", "import math\nprint(math.pi)")]
    with_cells = '"""Doc."""\n# %%\na = 1\n# %% [markdown]\n# text\n'
    assert parse_cells(with_cells) == [Cell("markdown", "Doc."), Cell("code", "a = 1"), Cell("markdown", "text")]
    assert parse_cells("x = 1\ny = 2\n") == [Cell("code", "x = 1\ny = 2")]  # no markers: one code cell


def test_notebook_json_is_valid_and_names_its_source(tmp_path):
    example = tmp_path / "03_demo.py"
    example.write_text("# %% [markdown]\n# Hello\n# %%\nprint('hi')\n")
    nb = notebooks.notebook(example)
    nbformat.validate(nbformat.from_dict(nb))
    assert [c["cell_type"] for c in nb["cells"]] == ["markdown", "markdown", "code"]
    assert "examples/03_demo.py" in "".join(nb["cells"][0]["source"])
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert len({c["id"] for c in nb["cells"]}) == 3


def test_check_finds_a_notebook_that_drifted(tmp_path):
    examples, out = tmp_path / "examples", tmp_path / "notebooks"
    examples.mkdir()
    (examples / "01_a.py").write_text("# %%\nx = 1\n")
    (examples / "02_b.py").write_text("# %%\ny = 2\n")
    notebooks.write_notebooks(examples, out, execute=False)
    assert notebooks.main(["--check", "--examples", str(examples), "--out", str(out)]) == 0
    (examples / "01_a.py").write_text("# %%\nx = 100\n")  # the example changed, the notebook did not
    (out / "02_b.ipynb").unlink()
    (out / "99_orphan.ipynb").write_text("{}")
    problems = notebooks.stale(examples, out)
    assert len(problems) == 3
    assert "01_a.ipynb differs" in problems[0] and "02_b.ipynb is missing" in problems[1]
    assert "99_orphan.ipynb has no example" in problems[2]
    assert notebooks.main(["--check", "--examples", str(examples), "--out", str(out)]) == 1


# ---------------------------------------------------------------- the committed notebooks

def test_one_notebook_per_example_and_they_agree():
    examples = notebooks.examples(ROOT / "examples")
    assert [p.stem for p in NOTEBOOKS] == [p.stem for p in examples] and len(examples) >= 10
    assert notebooks.stale(ROOT / "examples", ROOT / "notebooks") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_are_valid_and_small(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert path.stat().st_size < 1_500_000
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{path.name} was committed with an error"
            assert output.get("name") != "stderr"  # no half-drawn progress bars or warnings


# ---------------------------------------------------------------- running them

def execute(nb, tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's tinygrad_edu
    monkeypatch.setenv("TINYGRAD_EDU_QUICK", "1")
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    nb = execute(nbformat.read(path, as_version=4), tmp_path, monkeypatch)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", "\n".join(output.get("traceback", []))
        images = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        assert len(images) == len(set(images)), "a figure was drawn twice"


def test_in_a_notebook_graphs_traces_plots_steppers_and_bars_show_once(tmp_path, monkeypatch):
    cells = [
        "import tinygrad_edu as tg\nfrom tinygrad_edu import viz\n"
        "a = tg.tensor(2.0, requires_grad=True, name='a')\nb = tg.tensor(-3.0, requires_grad=True, name='b')",
        "viz.draw_graph(a * b + a)",
        "viz.trace_backward(a * b + a, print_fn=None)",
        "viz.plot_loss([3.0, 2.0, 1.5, 1.2])",
        "fig = viz.plot_loss([3.0, 2.0])",
        "viz.step_backward(a * b + a)",
        "from tinygrad_edu.viz.progress import progress\nfor i in progress(range(3), desc='bar'):\n    pass",
        "viz.plot_loss([2.0, 1.0], save='loss.png');\n"
        "if __name__ == '__main__':\n    viz.show({'figures': ['loss.png'], 'captions': {'loss.png': 'Falls.'}})",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute(nb, tmp_path, monkeypatch)
    outputs = [cell.outputs for cell in nb.cells]
    assert outputs[0] == []
    if shutil.which("dot") is not None:
        assert "image/svg+xml" in outputs[1][0]["data"] and "<svg" in outputs[1][0]["data"]["image/svg+xml"]
    else:  # no Graphviz: the DOT source and one line on how to get the picture, not an error
        text = outputs[1][0]["data"]["text/plain"]
        assert "`dot` program was not found" in text and "digraph computation_graph" in text
    trace = outputs[2][0]["data"]
    assert "<table>" in trace["text/html"] and "MulBackward" in trace["text/html"]
    assert trace["text/plain"].startswith("step 1  AddBackward") and len(trace["text/plain"]) < 600
    assert [("image/png" in o.get("data", {})) for o in outputs[3]] == [True]  # the plot, once
    assert outputs[4] == []  # assigned, not the cell's value: not drawn by the inline backend either
    stepper = outputs[5][0]["data"]["text/html"]
    assert 'class="tg-stepper"' in stepper and "<script>" in stepper
    assert any(o.get("name") == "stderr" and "bar" in o["text"] for o in outputs[6])  # a progress bar
    assert len(outputs[7]) == 1 and "data:image/png;base64," in outputs[7][0]["data"]["text/html"]
    assert "Falls." in outputs[7][0]["data"]["text/html"]  # a lesson's saved figure, shown once with its caption


def test_no_progress_bar_when_nobody_watches(capsys):
    from tinygrad_edu.viz.progress import progress, watched
    items = range(3)
    assert not watched()  # pytest captures stderr: not a terminal, not a notebook
    assert progress(items, desc="x") is items
    assert capsys.readouterr().err == ""


def test_regeneration_is_one_command(tmp_path):
    out = tmp_path / "notebooks"
    assert notebooks.main(["--no-run", "--out", str(out)]) == 0
    for path in NOTEBOOKS:
        fresh = json.loads((out / path.name).read_text())
        assert notebooks.sources(fresh) == notebooks.sources(json.loads(path.read_text()))


def test_kept_outputs_drop_bars_widgets_and_giants_and_join_split_text():
    bar = {"output_type": "stream", "name": "stderr", "text": "50%|#####     |"}
    widget = {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {}}}
    giant = {"output_type": "display_data", "data": {"image/png": "x" * (notebooks.MAX_OUTPUT + 1)}}
    plot = {"output_type": "display_data", "data": {"image/png": "iVBOR"}}
    text = [{"output_type": "stream", "name": "stdout", "text": "trained\n"},
            {"output_type": "stream", "name": "stdout", "text": "solved\n"}]
    kept = notebooks.joined_streams([o for o in [text[0], bar, widget, text[1], giant, plot] if notebooks.keep(o)])
    assert kept == [{"output_type": "stream", "name": "stdout", "text": "trained\nsolved\n"}, plot]
