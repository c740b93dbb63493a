"""The README's promises: the two set-up lines, and a quickstart that runs and solves XOR."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_setup_lines_are_in_a_code_block():
    blocks = re.findall(r"```\n(.*?)```", README, re.S)
    lines = {line.strip() for block in blocks for line in block.splitlines()}
    assert "pip install -e . && tinygrad-edu xor" in lines
    assert 'pip install -e ".[test]" && pytest' in lines


def test_quickstart_runs_and_solves_xor():
    code = re.search(r"## Quickstart\n\n```python\n(.*?)```", README, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 15  # "a 15-line quickstart"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README quickstart", "exec"), {})
    assert out.getvalue().startswith("[[False], [True], [True], [False]]")
