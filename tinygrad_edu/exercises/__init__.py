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

import argparse
import sys
from pathlib import Path

from . import backprop, custom_op, perceptron, sgd_momentum, simple_nn
from .grading import CheckResult

__all__ = ["EXERCISES", "check", "skeleton", "write_skeleton"]

EXERCISES = {grader.NAME: grader for grader in (perceptron, simple_nn, backprop, sgd_momentum, custom_op)}
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


# ---------------------------------------------------------------- the commands `exercise` and `check`

def seconds_type(text: str) -> float:
    """--timeout's value: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {value:g}")
    return value


def add_commands(sub) -> None:
    """Add `exercise` and `check` to the `tinygrad-edu` command's subparsers."""
    exercise = sub.add_parser("exercise", help="list the exercises, or write one's skeleton: exercise NAME --out DIR",
                              description="Without NAME: list the exercises. With NAME: write DIR/NAME.py, a "
                              "skeleton to fill in, then grade it with `tinygrad-edu check NAME DIR/NAME.py`.")
    exercise.add_argument("name", nargs="?", choices=list(EXERCISES), metavar="NAME",
                          help="one of: " + ", ".join(EXERCISES))
    exercise.add_argument("--out", default=".", metavar="DIR", help="folder to write NAME.py into (default: .)")
    exercise.add_argument("--force", action="store_true", help="overwrite DIR/NAME.py if it exists")
    grade_it = sub.add_parser("check", help="grade your solution of an exercise: check NAME FILE",
                              description="Run FILE's code through the exercise's checks; one line per check. "
                              "Exit code 0 only when every check passes.")
    grade_it.add_argument("name", choices=list(EXERCISES), metavar="NAME", help="one of: " + ", ".join(EXERCISES))
    grade_it.add_argument("file", metavar="FILE", help="your solution, e.g. simple_nn.py")
    grade_it.add_argument("--timeout", type=seconds_type, default=60.0, metavar="SECONDS",
                          help="time limit of each check (default: 60)")


def run_command(args) -> int:
    """`tinygrad-edu exercise [NAME]` or `tinygrad-edu check NAME FILE`; returns the exit code."""
    if args.command == "exercise" and args.name is None:
        width = max(map(len, EXERCISES))
        for name, grader in EXERCISES.items():
            print(f"{name:<{width}}  {grader.SUMMARY}")
        print("\nGet one with `tinygrad-edu exercise NAME --out DIR`, grade it with `tinygrad-edu check NAME FILE`.")
        return 0
    if args.command == "exercise":
        try:
            path = write_skeleton(args.name, args.out, force=args.force)
        except (FileExistsError, OSError) as err:
            print(f"tinygrad-edu: error: {err}", file=sys.stderr)
            return 1
        print(f"wrote {path}: fill in its TODOs, then run `tinygrad-edu check {args.name} {path}`")
        return 0
    problem = None
    if Path(args.file).is_dir():
        problem = f"{args.file} is a folder; give the Python file in it, e.g. {Path(args.file) / (args.name + '.py')}"
    elif not Path(args.file).is_file():
        problem = f"no such file: {args.file} (get a skeleton with `tinygrad-edu exercise {args.name}`)"
    elif Path(args.file).suffix != ".py":
        problem = (f"{args.file} is not a Python file (.py); check imports your solution, the file "
                   f"`tinygrad-edu exercise {args.name}` wrote")
    if problem is not None:
        print(f"tinygrad-edu: error: {problem}", file=sys.stderr)
        return 1
    result = check(args.name, args.file, seconds=args.timeout)
    print(result)
    return 0 if result.passed else 1
