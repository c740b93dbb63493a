"""README.md and docs/api.md against the code: every snippet runs and prints what it shows, every name they
use exists, and every public name of the package is on the reference page."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import textwrap
import warnings
from pathlib import Path

import pytest

import tinygrad_edu as tg

ROOT = Path(__file__).resolve().parent.parent
PAGES = {name: (ROOT / name).read_text() for name in ("README.md", "docs/api.md")}


def snippets():
    for page, text in PAGES.items():
        for match in re.finditer(r"```python\n(.*?)```", text, re.S):
            line = text[: match.start()].count("\n") + 1
            yield pytest.param(page, line, textwrap.dedent(match.group(1)), id=f"{page}:{line}")


def stand_ins() -> dict:
    """Small versions of what a snippet leaves to the reader (a model, an encoder, a batch, ...)."""
    import numpy as np

    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F
    import tinygrad_edu.optim as optim
    from tinygrad_edu.ops import Primitive
    from tinygrad_edu.utils.data import DataLoader, TensorDataset

    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    return dict(
        tg=tg, np=np, nn=nn, F=F, optim=optim, Primitive=Primitive, model=model,
        encoder=nn.Linear(4, 6), decoder=nn.Linear(3, 4), x=tg.randn(5, 4),
        mu=tg.randn(5, 3, requires_grad=True), logvar=tg.randn(5, 3, requires_grad=True),
        scores=tg.randn(5, 3, requires_grad=True), returns=tg.randn(5),
        loader=DataLoader(TensorDataset(tg.randn(10, 4), tg.randint(0, 3, (10,))), batch_size=5),
        opt=optim.SGD(model.parameters(), lr=0.1),
    )


@pytest.mark.parametrize("page, line, code", list(snippets()))
def test_snippet_runs_and_prints_what_it_shows(page, line, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # snippets write graph.svg, backward.html, model.npz
    code = code.replace("range(50)", "range(2)")  # the optimizer loop's 50 epochs: two show it runs
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, f"{page}:{line}", "exec"), stand_ins())
    shown = [comment.strip() for call, comment in re.findall(r"^(print\(.*\))\s*#(.*)$", code, re.M)]
    printed = out.getvalue().splitlines()
    if shown and len(printed) == len(shown):
        for got, want in zip(printed, shown, strict=True):
            assert got.startswith(want), f"{page}:{line} shows {want!r}, prints {got!r}"
    elif shown:
        assert len(printed) == len(shown), f"{page}:{line} shows {len(shown)} lines, prints {printed}"


def test_readme_mul_is_ops_mul():
    """How it works quotes Mul from ops.py: its derivative line must be the real one's."""
    from tinygrad_edu import ops

    assert f'"""{ops.Mul.__doc__}"""' in PAGES["README.md"]


# Names the pages mention as missing (the error a script gets) or as placeholders.
ABSENT = {"nn.CTCLoss", "nn.FractionalMaxPool2d", "nn.LazyConv2d", "torch.compile", "torch.X", "tinygrad_edu.X"}


def test_names_the_pages_use_exist():
    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F
    import tinygrad_edu.optim as optim

    roots = {"tg": tg, "nn": nn, "F": F, "optim": optim, "tinygrad_edu": tg, "torch": tg}
    torch_run_only = {"torch.functional"}  # `tinygrad-edu run` maps it to tinygrad_edu itself
    missing = []
    for page, text in PAGES.items():
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        for code in re.findall(r"`([^`]+)`", text):
            for match in re.finditer(r"(?<![\w.])(tg|nn|F|optim|tinygrad_edu|torch)((?:\.[A-Za-z_]\w*)+)", code):
                obj, path = roots[match.group(1)], match.group(1)
                for part in match.group(2).strip(".").split("."):
                    path += "." + part
                    if path in ABSENT or path in torch_run_only:
                        break
                    if hasattr(obj, part):
                        obj = getattr(obj, part)
                        continue
                    try:
                        obj = importlib.import_module(f"{obj.__name__}.{part}")
                    except ImportError:
                        missing.append(f"{page}: {path}")
                        break
    assert not missing, missing


def test_names_said_to_be_missing_are_missing():
    """The pages' "not here" lists: a name that arrives must leave the list (api.md once said `tg.conv3d` and
    `tg.alpha_dropout` were not here, long after they were)."""
    import tinygrad_edu.amp as amp
    import tinygrad_edu.distributions as distributions
    import tinygrad_edu.nn as nn

    said_missing = {
        nn: ("CTCLoss", "FractionalMaxPool2d", "LazyConv2d"),
        tg: ("compile", "jit", "fft", "get_printoptions", "custom_fwd", "custom_bwd", "get_autocast_dtype"),
        tg.Tensor: ("output_nr", "grad_dtype"),
        tg.linalg: ("lu_factor_ex", "eig", "eigvals", "householder_product", "ldl_factor"),
        amp: ("custom_fwd", "custom_bwd", "get_autocast_dtype"),
        distributions: ("Beta", "Gamma", "Dirichlet", "Poisson", "OneHotCategorical", "TransformedDistribution"),
    }
    for where, names in said_missing.items():
        for name in names:
            assert not hasattr(where, name), f"{where.__name__}.{name} exists now: the docs still say it is not here"


def documented_words() -> set:
    """Every identifier on docs/api.md, with `MaxPool1d/2d/3d` and `clamp_min/max` spelt out."""
    api = PAGES["docs/api.md"]
    words = set(re.findall(r"[A-Za-z_]\w*", api))
    for match in re.finditer(r"([A-Za-z_]\w*?)(\d?[a-z]*)((?:/\w+)+)", api):
        stem, first, rest = match.groups()
        for alt in rest.strip("/").split("/"):
            words.add(stem + alt)
            if "_" in stem + first:
                words.add((stem + first).rsplit("_", 1)[0] + "_" + alt)
            words.add(re.sub(r"\dd", alt, stem + first))
    return words


@pytest.mark.parametrize("module", [
    "tinygrad_edu", "tinygrad_edu.nn", "tinygrad_edu.nn.functional", "tinygrad_edu.optim",
    "tinygrad_edu.optim.lr_scheduler", "tinygrad_edu.utils.data", "tinygrad_edu.distributions",
    "tinygrad_edu.autograd", "tinygrad_edu.autograd.functional", "tinygrad_edu.nn.init", "tinygrad_edu.linalg",
    "tinygrad_edu.special", "tinygrad_edu.viz",
])
def test_every_public_name_is_on_the_reference_page(module):
    words = documented_words()
    undocumented = [name for name in importlib.import_module(module).__all__ if name not in words]
    assert not undocumented, f"{module} exports names docs/api.md never mentions: {undocumented}"
