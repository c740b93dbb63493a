"""Grad modes, anomaly mode and the stack of running modules: the switches every op reads.

`Mode` is one object whose switches are slots, because `Function.apply` and the
engine read them on every op, and on Python 3.11 a slot is the quickest attribute
read while a class attribute's read goes through the class (as a class, Mode cost
about 700 of the 53,000 instructions per op of benchmarks/overhead.py's chain).
`no_grad`, `enable_grad` and `set_grad_enabled` are context
managers and decorators, as in PyTorch.
"""

from __future__ import annotations

import functools
import traceback

import numpy as np

__all__ = ["Mode", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly",
           "is_anomaly_enabled", "set_detect_anomaly", "inference_mode", "module_stack", "user_frame", "check_finite"]


class Switches:
    """Global switches. Read on every op, so they are slots of one object (Mode), the quickest
    attribute read Python has."""
    __slots__ = ("grad_enabled", "anomaly", "record_modules")

    def __init__(self):
        self.grad_enabled = True
        self.anomaly = False
        self.record_modules = False  # nn.Module.__call__ pushes onto module_stack only while viz is in use


Mode = Switches()


# (name, module) pairs whose forward is running, outermost first: nn.Module.__call__ pushes
# and pops them, and each recorded node keeps the innermost one (`node.module`), so the graph
# renderer can draw every module's ops in a box. A plain list here, so nn can write and the
# core can read it without importing nn.
module_stack: list = []


def is_grad_enabled() -> bool:
    """True when new ops are recorded in the graph."""
    return Mode.grad_enabled


class _GradSwitch:
    """Base for no_grad/enable_grad: a context manager that is also a decorator,
    with or without parentheses (`@no_grad()` and `@no_grad`, as PyTorch)."""
    value = True

    def __new__(cls, func=None):
        switch = super().__new__(cls)
        return switch(func) if callable(func) else switch

    def __enter__(self):
        self.prev = Mode.grad_enabled
        Mode.grad_enabled = self.value

    def __exit__(self, *exc):
        Mode.grad_enabled = self.prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradSwitch):
    """Record nothing inside: `with no_grad(): p -= lr * p.grad`, or `@no_grad()`."""
    value = False


class inference_mode(_GradSwitch):
    """PyTorch's faster no_grad for pure inference; here it is no_grad (`inference_mode(False)`
    leaves recording as it is)."""
    value = False

    def __new__(cls, mode=True):
        if callable(mode):
            return _GradSwitch.__new__(cls, mode)
        switch = object.__new__(cls)
        switch.value = False if mode else Mode.grad_enabled
        return switch

    def __init__(self, mode=True):
        pass


class enable_grad(_GradSwitch):
    """Record ops again inside a `no_grad` block."""
    value = True


class set_grad_enabled(_GradSwitch):
    """Switch recording on or off by a flag, as PyTorch's: at once when called, `set_grad_enabled(False)`
    (until switched back), or for a block, `with set_grad_enabled(False): ...` (back as it was after)."""

    def __new__(cls, mode: bool):
        return object.__new__(cls)

    def __init__(self, mode: bool):
        self.value = bool(mode)
        self.prev = Mode.grad_enabled
        Mode.grad_enabled = self.value

    def __enter__(self):  # (switched already; prev is what it was before the call)
        Mode.grad_enabled = self.value

    def __call__(self, fn):
        Mode.grad_enabled = self.prev  # a decorator: the switch is for the calls only
        mode = self.value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class detect_anomaly:
    """Inside this block every op checks its output, and every backward step its
    gradients, for NaN or Inf, and raises naming the op and the line of your code
    that created it. Slow; use it to hunt a NaN, then take it out."""

    def __enter__(self):
        self.prev = Mode.anomaly
        Mode.anomaly = True

    def __exit__(self, *exc):
        Mode.anomaly = self.prev


class set_detect_anomaly:
    """Anomaly detection on or off by a flag, as PyTorch's: at once when called,
    `set_detect_anomaly(True)`, or for a block, `with set_detect_anomaly(True): ...` (back as it
    was after). (`check_nan` is accepted; NaN and Inf are always checked.)"""

    def __init__(self, mode: bool, check_nan: bool = True):
        self.prev = Mode.anomaly
        Mode.anomaly = bool(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        Mode.anomaly = self.prev


def is_anomaly_enabled() -> bool:
    return Mode.anomaly


def user_frame() -> str:
    """The innermost line of the call stack that is not inside tinygrad_edu."""
    package_dir = __file__.rsplit("/", 2)[0]
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(package_dir):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}\n    {frame.line}'
    return "<unknown>"


def check_finite(array, what: str, node) -> None:
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "Inf"
        raise RuntimeError(
            f"detect_anomaly: {node.name()} produced {bad} in its {what}.\n" + (
                f"The op was created at:\n  {node.trace}" if node.trace else
                "It was created outside detect_anomaly(); put the forward pass inside the block "
                "too to see the line of your code that made it."))
