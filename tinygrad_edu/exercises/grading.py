"""What every grader shares: the result lines, loading the learner's file, a time limit, array helpers.

A grader is a function `grade(target, report)` that runs the learner's code and
calls `report.check(name)` once per check. Inside `with report.check(name) as line:`
it calls `line.fail(message, hint)` when something is wrong (which ends the
block); a block that ends quietly is a PASS. An exception from the learner's
code inside the block becomes a FAIL that names it, and the skeleton's
`NotImplementedError("TODO ...")` becomes "not implemented yet: fill in TODO ...".

The learner's file is imported as a module: it is their own code, so running it
is what they asked for. The only protection is a time limit, so that an endless
loop in `train()` ends as a FAIL instead of a hung terminal.
"""

from __future__ import annotations

import contextlib
import html
import importlib.machinery
import importlib.util
import io
import signal
import sys
import threading
import traceback
import types
from pathlib import Path

import numpy as np

from ..tensor import Tensor

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


class Failed(Exception):
    """Raised by `Line.fail` to end a check's block."""


class TimeLimit(BaseException):
    """The learner's code ran longer than the grader's time limit (a BaseException, like KeyboardInterrupt,
    so that an `except Exception:` in the learner's loop does not swallow it)."""


class Line:
    """One check: its name, PASS/FAIL/SKIP, and what to say."""

    def __init__(self, name: str):
        self.name, self.status, self.message, self.hint = name, PASS, "", ""

    def fail(self, message: str, hint: str = "") -> None:
        self.status, self.message, self.hint = FAIL, message, hint
        raise Failed

    def note(self, message: str) -> None:
        """What a PASS line says (shapes, the loss found, ...)."""
        self.message = message

    def __str__(self) -> str:
        text = f"{self.status} {self.name}"
        if self.message:
            text += f": {self.message}"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class CheckResult:
    """The lines of one grading run. `passed` is True when every check passed.

    Shown as text in a terminal (`print(result)`, or the repr in a REPL) and as
    a small table in a notebook (`_repr_html_`).
    """

    def __init__(self, exercise: str, source: str):
        self.exercise, self.source, self.lines = exercise, source, []

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(line.status == PASS for line in self.lines)

    @property
    def failures(self) -> list:
        return [line for line in self.lines if line.status != PASS]

    def summary(self) -> str:
        passed = sum(line.status == PASS for line in self.lines)
        if self.passed:
            return f"{self.exercise}: all {passed} checks passed."
        return f"{self.exercise}: {passed} of {len(self.lines)} checks passed."

    def __str__(self) -> str:
        return "\n".join([str(line) for line in self.lines] + [self.summary()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {PASS: "#1a7f37", FAIL: "#cf222e", SKIP: "#6e7781"}
        rows = []
        for line in self.lines:
            text = html.escape(line.message)
            if line.hint:
                text += f"<br><i>Hint: {html.escape(line.hint)}</i>"
            rows.append(f"<tr><td style='color:{colour[line.status]};font-weight:bold'>{line.status}</td>"
                        f"<td style='text-align:left'>{html.escape(line.name)}</td>"
                        f"<td style='text-align:left'>{text}</td></tr>")
        return (f"<table><caption style='text-align:left'>{html.escape(self.summary())}</caption>"
                + "".join(rows) + "</table>")

    # ---- used by the graders

    @contextlib.contextmanager
    def check(self, name: str, seconds: float = 60.0,
              slow_hint: str = "look for a loop that never ends (a while loop, or epochs counted the wrong way)."):
        """One check's block: a PASS unless `fail` is called or the learner's code raises."""
        line = Line(name)
        self.lines.append(line)
        try:
            with time_limit(seconds), contextlib.redirect_stdout(io.StringIO()):
                yield line
        except Failed:
            pass
        except TimeLimit:
            line.status, line.message, line.hint = FAIL, f"still running after {seconds:g} s", slow_hint
        except NotImplementedError as err:
            line.status, line.message = FAIL, f"not implemented yet: fill in {todo_name(err)}"
        except Exception as err:  # the learner's code raised: say what and where
            line.status, line.message = FAIL, f"your code raised {describe(err)}"

    def skip(self, name: str, reason: str) -> None:
        line = Line(name)
        line.status, line.message = SKIP, reason
        self.lines.append(line)

    def ok(self) -> bool:
        """True while no check so far failed (graders stop when a later check needs an earlier one)."""
        return all(line.status == PASS for line in self.lines)

    def run_in_order(self, steps, seconds: float, *args) -> None:
        """Run each (name, check) of `steps` as check(*args, line), one after another; once one
        has failed, the rest are skipped (each needs the ones before it)."""
        for name, run in steps:
            if not self.ok():
                self.skip(name, "runs once the checks above pass")
                continue
            with self.check(name, seconds) as line:
                run(*args, line)


def todo_name(err: NotImplementedError) -> str:
    text = str(err).strip()
    return text if text.startswith("TODO") else f"the TODO ({text or 'NotImplementedError'})"


def describe(err: BaseException) -> str:
    """'ValueError: shapes ... (my_file.py, line 12, in forward)': the error and the learner's line."""
    where = ""
    package = str(Path(__file__).resolve().parents[1])
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if not str(Path(frame.filename).resolve()).startswith(package):  # the innermost line of the learner's
            where = f" ({Path(frame.filename).name}, line {frame.lineno}, in {frame.name})"
            break
    message = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {message}{where}"


# ---------------------------------------------------------------- time limit

@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit inside the block after `seconds` (SIGALRM; only in the main thread on Unix).

    Elsewhere (a thread, Windows) the block runs without a limit: a grader
    must never leave a runaway thread behind in a notebook's kernel.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- the learner's code

def load_module(path) -> object:
    """Import the learner's file as a fresh module (its `if __name__ == "__main__":` part does not run)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    name = f"learner_{path.stem}_{abs(hash(str(path.resolve())))}"
    # the loader given, so a solution saved under another suffix is still read as Python source (without
    # it, spec_from_file_location returns None for a name not ending in .py)
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def find_target(report: CheckResult, target, name: str, kind: type | None = None, seconds: float = 60.0):
    """The object `name` (a class or function) from a path, a module, or the object itself; None on failure."""
    with report.check(f"load {name}", seconds, slow_hint="importing your file runs its top-level code: put your own "
                      "experiments under `if __name__ == \"__main__\":`, which the grader does not run.") as line:
        if isinstance(target, (str, Path)):
            try:
                target = load_module(target)
            except SyntaxError as err:
                line.fail(f"{Path(err.filename or str(target)).name}, line {err.lineno}: syntax error: {err.msg}",
                          "fix the line shown (a missing bracket or colon, or mixed-up indentation).")
        if isinstance(target, types.ModuleType):
            found = getattr(target, name, None)
            if found is None and kind is not None:  # a renamed class: the one subclass of `kind` it defines
                own = [value for value in vars(target).values() if isinstance(value, type) and
                       issubclass(value, kind) and value is not kind and value.__module__ == target.__name__]
                found = own[0] if len(own) == 1 else None
            if found is None:
                line.fail(f"the file defines no `{name}`",
                          f"keep the name from the skeleton: `{name}` (get a fresh one with "
                          f"`tinygrad-edu exercise {report.exercise} --out DIR`).")
            target = found
        if kind is not None and not (isinstance(target, type) and issubclass(target, kind)) and target is not kind:
            line.fail(f"`{name}` should be a subclass of {kind.__module__}.{kind.__name__}")
        line.note(f"found {getattr(target, '__name__', name)}")
        return target
    return None


# ---------------------------------------------------------------- arrays

def to_numpy(value) -> np.ndarray:
    """A learner's value (ndarray, Tensor, number, list) as a float64 NumPy array."""
    if isinstance(value, Tensor):
        value = value.detach().numpy()
    return np.array(value, dtype=np.float64)


def fmt(x) -> str:
    return f"{float(x):.6g}"


def first_difference(expected: np.ndarray, got: np.ndarray, rtol: float = 1e-5, atol: float = 1e-8):
    """The index of the first element where got differs from expected (None if they agree)."""
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol) | ~np.isfinite(got)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0])


def common_factor(expected, got, rtol: float = 1e-2, near_one: float = 0.1, still: float = 1e-7) -> float | None:
    """c when got == c * expected everywhere (c not within `near_one` of 1), else None: 'sign flipped', 'a missing
    1/N'. A c close to 1 is no constant a learner leaves out or adds (those are -1, 2, 1/2, N, 1/N, the learning
    rate...): got is almost right, and the mistake is elsewhere, so it is not reported as a factor.

    expected and got may also be lists of arrays, the parts of a whole (one per weight): then c only when EVERY part
    that should change (expected above `still` somewhere) is c times its expected, each measured on its own scale,
    and every other part stays below `still`. Measured on the parts joined together, a part with small values (a
    bias, a layer far from the loss) would fit any c within the largest part's tolerance, and a slip in one weight
    would pass for a slip that scales them all."""
    if isinstance(expected, (list, tuple)):
        moving = [(e, g) for e, g in zip(expected, got) if np.abs(e).max(initial=0) > still]
        if not moving or any(np.abs(e).max(initial=0) <= still and not np.abs(g).max(initial=0) <= still
                             for e, g in zip(expected, got)):
            return None
        factors = [common_factor(e, g, rtol, near_one) for e, g in moving]
        if any(c is None for c in factors) or not np.allclose(factors, factors[0], rtol=rtol):
            return None
        return float(np.median(factors))
    scale = np.abs(expected).max()
    if scale == 0 or not np.isfinite(got).all():
        return None
    big = np.abs(expected) > 1e-3 * scale
    c = float(np.median(got[big] / expected[big]))
    if abs(c - 1) < near_one:
        return None
    if c != 0 and np.allclose(got, c * expected, rtol=rtol, atol=rtol * scale * abs(c)):
        return c
    return None


def factor_hint(c: float, n: int | None = None) -> str:
    """What a constant factor between got and expected usually means when it is in everything the grader compared
    (a slip in a line they all go through: the loss's derivative, the update). simple_nn says something else when
    only some weights have it (local_factor_hint)."""
    if np.isclose(c, -1):
        return ("the sign is flipped: check the order of a difference (prediction minus target, y_hat - y), "
                "and that the update subtracts the gradient (W -= lr * dW).")
    if n is not None and np.isclose(c, n):
        return f"off by a factor {n} = N, the number of samples: the mean's 1/N is missing."
    if n is not None and np.isclose(c, 1 / n):
        return f"off by a factor 1/{n} = 1/N: the 1/N is applied twice (or to a sum that is already a mean)."
    if n is not None and n != 4 and np.isclose(c, n / 4):
        return f"off by a factor {n}/4: the number of samples is written in as 4 (XOR's); use len(X)."
    if np.isclose(c, 0.5):
        return "off by a factor 1/2: the 2 from the derivative of the square, d(e^2)/de = 2e, is missing."
    if np.isclose(c, 2):
        return "off by a factor 2: the derivative of the square is counted twice (or the loss has a 1/2 you forgot)."
    return f"every element is off by the same factor {c:.4g}: look for a missing or extra constant."
