"""Exercises with a grader: get a skeleton, fill in its TODOs, check it.

    tinygrad-edu exercise                    list the exercises
    tinygrad-edu exercise simple_nn --out .  write ./simple_nn.py, the skeleton
    tinygrad-edu check simple_nn simple_nn.py

From Python or a notebook:

    >>> from tinygrad_edu.exercises import check
    >>> check("simple_nn", "simple_nn.py")      # or the class itself: check("simple_nn", SimpleNN)
    PASS load SimpleNN: found SimpleNN
    ...

Each exercise has a skeleton (skeletons/NAME.py), a reference solution
(solutions/NAME.py, graded by the test suite, never shown by the grader) and a
grader (NAME.py here). A grader checks the learner's code against something
independent of the reference solution: autograd, finite differences,
tinygrad_edu.optim, or the formula in the skeleton's docstring.
"""

from __future__ import annotations

from pathlib import Path

from . import backprop, perceptron, sgd_momentum, simple_nn
from .grading import CheckResult

__all__ = ["EXERCISES", "check", "skeleton", "write_skeleton"]

EXERCISES = {grader.NAME: grader for grader in (perceptron, simple_nn, backprop, sgd_momentum)}
SKELETONS = Path(__file__).parent / "skeletons"


def _exercise(name: str):
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; the exercises are: {', '.join(EXERCISES)}")
    return EXERCISES[name]


def skeleton(name: str) -> str:
    """The text of the exercise's skeleton file."""
    _exercise(name)
    return (SKELETONS / f"{name}.py").read_text()


def write_skeleton(name: str, out_dir=".", force: bool = False) -> Path:
    """Write out_dir/NAME.py; refuses (FileExistsError) to overwrite your work unless force=True."""
    text = skeleton(name)
    path = Path(out_dir) / f"{name}.py"
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists already; keep your work, or pass --force (force=True) to start over")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def check(name: str, target, seconds: float = 60.0) -> CheckResult:
    """Grade an exercise. `target`: a file path, a module, or the class/function itself.

    Returns a CheckResult: `result.passed`, `result.lines`; printed (or shown in a
    notebook) as one line per check. `seconds` limits each check's run time.
    """
    grader = _exercise(name)
    source = str(target) if isinstance(target, (str, Path)) else getattr(target, "__name__", repr(target))
    report = CheckResult(name, source)
    grader.grade(target, report, seconds=seconds)
    return report
