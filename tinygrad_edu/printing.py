"""How a tensor prints: PyTorch's format, so printed results can be compared line by line.

    tensor([1.0000, 2.5000])                     4 decimals, every element the same width
    tensor([1., 2.])                             floats that are all whole numbers
    tensor([1.0000e-05, 1.0000e+03])             scientific when the values span more than
                                                 1000x, or go above 1e8 or below 1e-4
    tensor([1, 2], dtype=tinygrad_edu.int32)     dtype shown unless float32 (the default), int64, bool
    tensor(2., grad_fn=<MulBackward0>)           the node that made it, else requires_grad=True

Lines wrap at 80 characters; a tensor of more than 1000 elements shows its first and
last 3 entries along each dimension. The rules are those of PyTorch's `_tensor_str.py`.
This module reads a tensor's array (`_data`) and node (`_ctx`) and nothing else.
"""

from __future__ import annotations

import math

import numpy as np

from . import dtypes

PRECISION = 4      # digits after the point
THRESHOLD = 1000   # more elements than this: summarise with "..."
EDGEITEMS = 3      # entries kept at each end of a summarised dimension
LINEWIDTH = 80     # characters per line


class Formatter:
    """Chooses one format for every element, from the nonzero finite values:
    integer mode (`2.`), fixed (`2.5000`) or scientific (`2.5000e+00`), and one width."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(str(value)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite).astype(np.float64)
        smallest, largest = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        for value in finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{PRECISION}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # the trailing point
            else:
                width = len(f"{value:.{PRECISION}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{PRECISION}f}"
        return " " * (self.max_width - len(text)) + text


def summarized(values: np.ndarray) -> np.ndarray:
    """Only the entries that will be shown (first and last EDGEITEMS along each dimension)."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * EDGEITEMS:
        values = np.concatenate([values[:EDGEITEMS], values[-EDGEITEMS:]])
    if values.ndim == 1:
        return values
    return np.stack([summarized(row) for row in values])


def vector_str(values: np.ndarray, indent: int, summarize: bool, formatter: Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (formatter.max_width + 2)))
    if summarize and values.shape[0] > 2 * EDGEITEMS:
        entries = ([formatter.format(v) for v in values[:EDGEITEMS].tolist()] + [" ..."]
                   + [formatter.format(v) for v in values[-EDGEITEMS:].tolist()])
    else:
        entries = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(entries[i:i + per_line]) for i in range(0, len(entries), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def nested_str(values: np.ndarray, indent: int, summarize: bool, formatter: Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return vector_str(values, indent, summarize, formatter)
    if summarize and values.shape[0] > 2 * EDGEITEMS:
        rows = ([nested_str(values[i], indent + 1, summarize, formatter) for i in range(EDGEITEMS)]
                + ["..."]
                + [nested_str(values[i], indent + 1, summarize, formatter)
                   for i in range(len(values) - EDGEITEMS, len(values))])
    else:
        rows = [nested_str(row, indent + 1, summarize, formatter) for row in values]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def values_str(values: np.ndarray, indent: int) -> str:
    """The bracketed numbers, as PyTorch's _tensor_str."""
    if values.size == 0:
        return "[]"
    summarize = values.size > THRESHOLD
    formatter = Formatter(summarized(values) if summarize else values)
    return nested_str(values, indent, summarize, formatter)


def add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """`, dtype=...`, `, grad_fn=<...>` after the numbers, on a new line if the line would pass 80."""
    parts = [text]
    last_line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_length + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_length = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, prefix: str = "tensor(") -> str:
    """repr(t) in PyTorch's format (t: a Tensor)."""
    values = t._data
    indent = len(prefix)
    dtype = dtypes.of_array(values)
    default = dtypes.get_default_dtype()
    suffixes = []
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if dtype != default:
            suffixes.append(f"dtype={dtype}")
    elif dtype not in (default, dtypes.int64, dtypes.bool):
        suffixes.append(f"dtype={dtype}")
    if t._ctx is not None:
        suffixes.append(f"grad_fn=<{t._ctx.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return add_suffixes(prefix + values_str(values, indent), suffixes, indent)
