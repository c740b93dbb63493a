"""Progress bars where someone is watching: in a notebook and on a terminal, nowhere else.

    for epoch in progress(range(epochs), enabled=True, desc="training"):
        ...

tqdm.auto picks a widget bar in Jupyter/VS Code/Colab (or a text bar when
ipywidgets is missing) and a text bar on a terminal. When output is piped to a
file or captured by a test, the iterable comes back untouched, so logs hold no
half-drawn bars.
"""

from __future__ import annotations

import sys
import warnings
from typing import Iterable

__all__ = ["progress", "in_notebook", "watched"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code, Colab): tqdm.auto's own test."""
    return "ipykernel.zmqshell" in sys.modules


def watched() -> bool:
    """Is anyone watching the bar? In a notebook, or stderr is a terminal (not a pipe, not a test)."""
    if in_notebook():
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def progress(iterable: Iterable, enabled: bool = True, desc: str | None = None, total: int | None = None):
    """A tqdm.auto bar over `iterable` when enabled and watched(), else the iterable itself."""
    if not (enabled and watched()):
        return iterable
    with warnings.catch_warnings():  # tqdm.auto warns when ipywidgets is missing; its text bar is fine
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
    return tqdm(iterable, desc=desc, total=total, leave=False, dynamic_ncols=True)
