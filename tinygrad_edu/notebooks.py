"""The lessons as Jupyter notebooks, generated from examples/NN_*.py: one source for each lesson.

    python -m tinygrad_edu.notebooks            # rewrite notebooks/NN_*.ipynb and run them (keeps small outputs)
    python -m tinygrad_edu.notebooks --no-run   # cell sources only, no outputs
    python -m tinygrad_edu.notebooks --check    # exit 1 when a notebook's cells differ from its example

An example is a Python script in the "percent" format that Jupyter, VS Code and
jupytext all read: `# %%` starts a code cell, `# %% [markdown]` a text cell whose
lines are comments (`# A *perceptron* is ...`). A module docstring at the top
becomes the first text cell. A script without any `# %%` is one code cell.

The notebook is plain nbformat 4 JSON written here (no converter to install);
running it needs nbclient and ipykernel (the `test` extra). Edit the example,
never the notebook: tests/test_notebooks.py fails when the two disagree.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cell", "read_cells", "parse_cells", "notebook", "write_notebooks", "main"]

REPO = Path(__file__).resolve().parent.parent
CELL_MARK = re.compile(r"^# %%(?P<rest>.*)$")
MARKDOWN = re.compile(r"^\s*\[(markdown|md)\]")
MAX_OUTPUT = 250_000  # characters of one output kept in a committed notebook (a PNG figure is ~40k-220k)


@dataclass(frozen=True)
class Cell:
    kind: str    # "code" or "markdown"
    source: str  # without trailing blank lines


def read_cells(path) -> list[Cell]:
    """The cells of a percent-format script."""
    return parse_cells(Path(path).read_text(encoding="utf-8"))


def parse_cells(text: str) -> list[Cell]:
    """Split a percent-format script into cells (see the module docstring)."""
    cells: list[Cell] = []
    kind, lines = "code", []

    def close() -> None:
        source = "\n".join(lines).strip("\n")
        if kind == "markdown":
            source = "\n".join(uncomment(line) for line in source.splitlines())
        if source.strip():
            cells.append(Cell(kind, source))

    for line in docstring_first(text).splitlines():
        mark = CELL_MARK.match(line)
        if mark:
            close()
            kind, lines = ("markdown" if MARKDOWN.match(mark.group("rest")) else "code"), []
        else:
            lines.append(line)
    close()
    return cells


def docstring_first(text: str) -> str:
    """The script with its module docstring turned into a leading markdown cell."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return text
    docstring = ast.get_docstring(module, clean=False)  # not re-indented: its code blocks stay code
    if docstring is None or CELL_MARK.match(text.lstrip().splitlines()[0]):
        return text
    end = module.body[0].end_lineno
    rest = text.splitlines()[end:]
    if not any(CELL_MARK.match(line) for line in rest):
        rest = ["# %%"] + rest
    comment = ["# " + line if line.strip() else "#" for line in docstring.strip().splitlines()]
    return "\n".join(["# %% [markdown]"] + comment + rest) + "\n"


def uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def cell_json(cell: Cell, index: int, stem: str) -> dict:
    body = {"cell_type": cell.kind, "id": f"{stem[:2]}-{index:02d}", "metadata": {},
            "source": cell.source.splitlines(keepends=True)}
    if cell.kind == "code":
        body.update(execution_count=None, outputs=[])
    return body


def notebook(example: Path) -> dict:
    """The notebook (nbformat 4.5 as a dict) for one example, a note on where it comes from first."""
    note = Cell("markdown", f"*Made from [`examples/{example.name}`](../examples/{example.name}) by "
                "`python -m tinygrad_edu.notebooks`: edit the example, not this notebook. It needs only "
                "tinygrad_edu installed (`pip install -e .` in the repository).*")
    cells = [note] + read_cells(example)
    return {"cells": [cell_json(c, i, example.stem) for i, c in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def notebook_path(example: Path, out_dir: Path) -> Path:
    return out_dir / (example.stem + ".ipynb")


def sources(nb: dict) -> list[tuple[str, str]]:
    """(kind, source) of each cell: what must agree between an example and its notebook."""
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def examples(examples_dir: Path) -> list[Path]:
    return sorted(examples_dir.glob("[0-9][0-9]_*.py"))


def run(nb: dict, timeout: int = 1200) -> dict:
    """Execute a notebook top to bottom in a fresh python3 kernel (in a scratch folder, with this
    tinygrad_edu first on the path), raising on the first error, and keep only small outputs."""
    import nbclient
    import nbformat
    node = nbformat.reads(json.dumps(nb), as_version=4)  # joins the source lines, as nbclient wants
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(REPO) + (os.pathsep + env_path if env_path else "")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            nbclient.NotebookClient(node, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": scratch}}).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
        if not env_path:
            del os.environ["PYTHONPATH"]
    result = json.loads(nbformat.writes(node))
    for cell in result["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = joined_streams([o for o in cell["outputs"] if keep(o)])
        cell.get("metadata", {}).pop("execution", None)
    return result


def joined_streams(outputs: list[dict]) -> list[dict]:
    """Printed text that a dropped progress bar had split in two becomes one output again."""
    joined: list[dict] = []
    for output in outputs:
        previous = joined[-1] if joined else {}
        if output["output_type"] == "stream" and previous.get("output_type") == "stream" \
                and previous["name"] == output["name"]:
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            joined.append(output)
    return joined


def keep(output: dict) -> bool:
    """Outputs worth committing: not progress bars on stderr, not widgets, not huge."""
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        return False
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return False
    return len(json.dumps(output)) <= MAX_OUTPUT


def write_notebooks(examples_dir: Path = REPO / "examples", out_dir: Path = REPO / "notebooks",
                    execute: bool = True, log=print) -> list[Path]:
    """Write one notebook per example (run unless execute=False); returns the paths written."""
    if not examples(examples_dir):
        raise FileNotFoundError(f"no examples/NN_*.py in {examples_dir}: run this from a clone of the repository "
                                "(pip install -e .), or pass --examples DIR")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for example in examples(examples_dir):
        nb = notebook(example)
        if execute:
            log(f"running {example.name} ...")
            nb = run(nb)
        path = notebook_path(example, out_dir)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def stale(examples_dir: Path = REPO / "examples", out_dir: Path = REPO / "notebooks") -> list[str]:
    """What disagrees: a missing notebook, cells that differ from the example, or a notebook with no example."""
    problems = []
    wanted = {notebook_path(e, out_dir): e for e in examples(examples_dir)}
    for path, example in wanted.items():
        if not path.exists():
            problems.append(f"{path} is missing (made from {example})")
        elif sources(json.loads(path.read_text(encoding="utf-8"))) != sources(notebook(example)):
            problems.append(f"{path} differs from {example}")
    problems += [f"{path} has no example (examples/{path.stem}.py)" for path in sorted(out_dir.glob("*.ipynb"))
                 if path not in wanted]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tinygrad_edu.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=REPO / "examples", help="the percent-format scripts")
    parser.add_argument("--out", type=Path, default=REPO / "notebooks", help="where the notebooks go")
    parser.add_argument("--no-run", action="store_true", help="write the cells without running them (no outputs)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if any notebook is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(args.examples, args.out)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("regenerate with: python -m tinygrad_edu.notebooks", file=sys.stderr)
        return 1 if problems else 0
    for path in write_notebooks(args.examples, args.out, execute=not args.no_run):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
