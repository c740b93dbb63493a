"""What every lesson shares: quick mode, the output folder, the progress bar, the narrative.

Each lesson module has one function, `run(quick=False, out_dir=None, seed=0,
log=print, progress=False, ...) -> dict`, that the examples, the command line,
the tour and the tests all call. The dict holds what the lesson claims
(accuracies, losses, gradient errors) and `figures`, the files it wrote.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from ..viz.progress import progress as progress_bar

QUICK_ENV = "TINYGRAD_EDU_QUICK"
DEFAULT_OUT = Path("tinygrad_edu_out")


def is_quick(quick: bool = False) -> bool:
    """Quick mode (fewer epochs, smaller data): asked for, or TINYGRAD_EDU_QUICK=1."""
    return bool(quick) or os.environ.get(QUICK_ENV, "") not in ("", "0")


def out_folder(out_dir, name: str) -> Path:
    """The folder a lesson writes into (default ./tinygrad_edu_out/<name>, name = its tinygrad-edu command),
    created if needed.

    Raises OSError naming the path when it cannot be made or written to, so the
    command line can say so in one line.
    """
    path = Path(out_dir) if out_dir is not None else DEFAULT_OUT / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(f"cannot create the output folder {path}: {err.strerror or err}") from None
    if not os.access(path, os.W_OK):
        raise OSError(f"cannot write to the output folder {path}: permission denied")
    return path


def quiet(*args, **kwargs) -> None:
    """A `log` that prints nothing."""


def progress(iterable: Iterable, enabled: bool, desc: str, total: int | None = None):
    """A tqdm progress bar over `iterable` when enabled and watched (a notebook or a terminal; see
    viz/progress.py), else the iterable itself. Call `show_loss(bar, loss)` inside the loop to put
    the loss on the bar."""
    return progress_bar(iterable, enabled, desc, total)


def show_loss(bar, loss: float, every: int = 1, step: int = 0) -> None:
    """Show the loss on a tqdm bar (a no-op for a plain iterable)."""
    if hasattr(bar, "set_postfix") and step % every == 0:
        bar.set_postfix(loss=f"{loss:.4f}", refresh=False)


def table(headers: list[str], rows: list[list], log: Callable = print) -> dict:
    """Print rows under headers as aligned columns; return them as {"headers", "rows", "text"} for the
    tour (which draws an HTML table and leaves the printed `text` out of its log)."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    text = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in [list(headers)] + cells]
    for line in text:
        log(line)
    return {"headers": list(headers), "rows": cells, "text": text}


def fmt(value) -> str:
    if isinstance(value, float) and value == 0:
        return "0"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.3f}"
    return str(value)


Log = Callable[..., None]


def save_graph(root, path, log: Log = print, **options) -> Path:
    """Draw `root`'s graph to `path` (.svg) with Graphviz's `dot`. Without `dot` on the PATH, write the
    graph's DOT source next to it (.dot) and say, through `log` (silent under --quiet), which file
    was written and the command that turns it into the picture. Returns the file written."""
    from tinygrad_edu import viz
    path = Path(path)
    if shutil.which("dot") is not None:
        return viz.save_graph(root, path, **options)
    source = path.with_suffix(".dot")
    viz.save_graph(root, source, **options)
    log(f"Graphviz's `dot` program was not found, so the graph was written as {source} (DOT source). "
        f"To see it, install Graphviz (apt-get install graphviz / brew install graphviz / conda install "
        f"graphviz) and run: dot -T{path.suffix.lstrip('.')} {source} -o {path}")
    return source
