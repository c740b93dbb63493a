"""Show what a lesson made: its figures inline in a notebook, their paths on a terminal.

    if __name__ == "__main__":
        viz.show(run(progress_bar=True))

A lesson's `run()` prints its text and tables and writes its figures to files,
returning them in `result["figures"]` with `result["captions"]` (file name ->
what to look at). In Jupyter, show(result) puts every figure in the output,
PNGs embedded and SVG graphs inline, each under its caption, and any Stepper
the result holds; in a script it prints the figures' paths.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from .progress import in_notebook
from .stepper import Stepper

__all__ = ["show", "Shown"]


def show(result: dict) -> None:
    """Display a lesson's figures (a notebook) or print their paths (anywhere else)."""
    shown = Shown(result)
    if in_notebook():
        from IPython.display import display  # present whenever a Jupyter kernel runs us
        display(shown)
    else:
        print("figures:", *[path for path, _ in shown.figures()])


class Shown:
    """The figures of a lesson's result, embedded: `_repr_html_` for Jupyter, a plain list otherwise."""

    def __init__(self, result: dict):
        self.result = result

    def figures(self) -> list[tuple[Path, str]]:
        """(path, caption) of each figure file that exists, in the lesson's order."""
        captions = self.result.get("captions", {})
        paths = [Path(p) for p in self.result.get("figures", [])]
        return [(p, captions.get(p.name) or p.stem.replace("_", " ").capitalize() + ".") for p in paths if p.exists()]

    def __repr__(self) -> str:
        return "\n".join(f"{path}: {caption}" for path, caption in self.figures()) or "(no figures)"

    def _repr_html_(self) -> str:
        parts = []
        for number, (path, caption) in enumerate(self.figures(), 1):
            if path.suffix == ".png":
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                picture = f'<img src="data:image/png;base64,{data}" style="max-width:100%">'
            elif path.suffix == ".svg":
                svg = path.read_text(encoding="utf-8")
                picture = f'<div style="overflow:auto;max-height:640px">{svg[svg.find("<svg"):]}</div>'
            else:  # a .dot graph (no Graphviz): its source
                picture = f"<pre>{html.escape(path.read_text(encoding='utf-8'))}</pre>"
            parts.append(f"<figure style='margin:14px 0'>{picture}<figcaption><b>Figure {number}.</b> "
                         f"{html.escape(caption)}</figcaption></figure>")
        parts += [value.html_fragment() for value in self.result.values() if isinstance(value, Stepper)]
        return "".join(parts)
