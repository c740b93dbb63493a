"""torch.testing.assert_close: the check PyTorch's tutorials end with (`assert_close(ours, reference)`).

actual and expected are close where |actual - expected| <= atol + rtol * |expected|, elementwise
(isclose). Unless given, rtol and atol depend on the dtype, as PyTorch's (float32: 1.3e-6 and 1e-5,
float64: 1e-7 and 1e-7, float16: 1e-3 and 1e-5, integers and bools: exact). Shapes must be equal
and, with check_dtype, dtypes too. Lists, tuples and dicts of tensors are compared item by item.
A failure is an AssertionError whose message is PyTorch's: how many elements differ, and where the
greatest absolute and relative differences are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .tensor import Tensor

__all__ = ["assert_close"]

TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
              np.dtype(np.float64): (1e-7, 1e-7)}  # (rtol, atol); other dtypes: exact


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless actual and expected are close (see the module docstring).
    `msg`, a string or a function of the generated message, replaces the message."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, "
                         f"but got no {'rtol' if rtol is None else 'atol'}.")
    try:
        compare(actual, expected, rtol, atol, equal_nan, check_dtype, "")
    except AssertionError as failure:
        text = str(failure)
        if msg is not None:
            text = msg if isinstance(msg, str) else msg(text)
        raise AssertionError(text) from None


def compare(actual, expected, rtol, atol, equal_nan: bool, check_dtype: bool, where: str) -> None:
    """One pair, or the pairs inside two lists or dicts (`where` is the item's path, e.g. "[1]['w']")."""
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, where)
    elif is_number(actual) and is_number(expected):
        compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype, where)
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            fail("The keys of the mappings do not match:\n"
                 f"Missing keys in the actual mapping: {sorted(map(repr, set(expected) - set(actual)))}\n"
                 f"Extra keys in the actual mapping: {sorted(map(repr, set(actual) - set(expected)))}", where)
        for key in expected:
            compare(actual[key], expected[key], rtol, atol, equal_nan, check_dtype, f"{where}[{key!r}]")
    elif is_sequence(actual) and is_sequence(expected):
        if len(actual) != len(expected):
            fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", where)
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(a, e, rtol, atol, equal_nan, check_dtype, f"{where}[{i}]")
    else:
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def compare_tensors(actual: Tensor, expected: Tensor, rtol, atol, equal_nan: bool, check_dtype: bool,
                    where: str) -> None:
    if actual.shape != expected.shape:
        fail(f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.", where)
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.", where)
    a, e = actual._data, expected._data
    if rtol is None:  # the looser of the two dtypes' tolerances
        rtol, atol = (max(pair) for pair in zip(*(TOLERANCES.get(x.dtype, (0.0, 0.0)) for x in (a, e))))
    common = np.promote_types(a.dtype, e.dtype)
    a, e = a.astype(common), e.astype(common)
    matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan) if common.kind == "f" else a == e
    if matches.all():
        return
    if a.ndim == 0:
        report_numbers(a.item(), e.item(), rtol, atol, where)
    if common.kind != "f":  # as PyTorch: the differences of integers and bools in int64
        a, e = a.astype(np.int64), e.astype(np.int64)
    mismatches = int(matches.size - matches.sum())
    extra = f"Mismatched elements: {mismatches} / {matches.size} ({mismatches / matches.size:.1%})"
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_diff = np.abs(a - e).ravel()
        abs_diff[matches.ravel()] = 0  # only the mismatches count
        if common.kind == "f":
            rel_diff = abs_diff / np.abs(e).ravel()
        else:  # PyTorch divides integers in its default float dtype
            rel_diff = abs_diff.astype(np.float32) / np.abs(e).ravel().astype(np.float32)
        rel_diff[matches.ravel()] = 0
    at_abs, at_rel = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))  # (a nan is the greatest, as PyTorch's max)
    fail(mismatch_message("Tensor-likes", extra, abs_diff[at_abs].item(), np.unravel_index(at_abs, a.shape), atol,
                          rel_diff[at_rel].item(), np.unravel_index(at_rel, a.shape), rtol), where)


def compare_numbers(actual, expected, rtol, atol, equal_nan: bool, check_dtype: bool, where: str) -> None:
    if check_dtype and type(actual) is not type(expected):
        fail(f"The (d)types do not match: {type(actual)} != {type(expected)}.", where)
    if rtol is None:  # a Python float is a double; ints and bools are compared exactly
        rtol, atol = (1e-7, 1e-7) if isinstance(actual, float) or isinstance(expected, float) else (0.0, 0.0)
    if not np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan):
        report_numbers(actual, expected, rtol, atol, where)


def report_numbers(actual, expected, rtol, atol, where: str) -> None:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    fail(mismatch_message("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, atol,
                          rel_diff, None, rtol), where)


def mismatch_message(what: str, extra: str, abs_diff, abs_at, atol, rel_diff, rel_at, rtol) -> str:
    """PyTorch's text: 'Tensor-likes are not close!', the count, the greatest differences and where."""
    exact = rtol == 0 and atol == 0
    lines = [f"{what} are not {'equal' if exact else 'close'}!", "", extra]
    for kind, diff, at, tolerance in (("absolute", abs_diff, abs_at, atol), ("relative", rel_diff, rel_at, rtol)):
        if at is None:
            line = f"{kind.title()} difference: {diff}"
        else:
            line = f"Greatest {kind} difference: {diff} at index {tuple(int(i) for i in at)}"
        lines.append(line if exact else f"{line} (up to {tolerance} allowed)")
    return "\n".join(lines)


def fail(message: str, where: str):
    raise AssertionError(message + (f"\n\nThe failure occurred for item {where}" if where else ""))


def is_number(x) -> bool:
    return isinstance(x, (int, float, bool, np.number, np.bool_))


def is_sequence(x) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))
