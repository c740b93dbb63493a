"""How a tensor prints: PyTorch's format, so printed results can be compared line by line.

    tensor([1.0000, 2.5000])                     4 decimals, every element the same width
    tensor([1., 2.])                             floats that are all whole numbers
    tensor([1.0000e-05, 1.0000e+03])             scientific when the values span more than
                                                 1000x, or go above 1e8 or below 1e-4
    tensor([1, 2], dtype=tinygrad_edu.int32)     dtype shown unless float32 (the default), int64, bool
    tensor(2., grad_fn=<MulBackward0>)           the node that made it, else requires_grad=True

Lines wrap at 80 characters; a tensor of more than 1000 elements shows its first and
last 3 entries along each dimension. The rules are those of PyTorch's `_tensor_str.py`,
and so are the knobs that change them: `set_printoptions(precision=, threshold=, edgeitems=,
linewidth=, profile=, sci_mode=)` (tinygrad_edu.set_printoptions, as torch.set_printoptions).
This module reads a tensor's array (`_data`) and node (`_ctx`) and nothing else.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import dtypes

__all__ = ["set_printoptions", "tensor_repr"]


@dataclasses.dataclass
class PrintOptions:
    precision: int = 4           # digits after the point
    threshold: float = 1000      # more elements than this: summarise with "..."
    edgeitems: int = 3           # entries kept at each end of a summarised dimension
    linewidth: int = 80          # characters per line
    sci_mode: bool | None = None  # None: scientific or not, chosen from the values


OPTIONS = PrintOptions()
PROFILES = {
    "default": PrintOptions(),
    "short": PrintOptions(precision=2, edgeitems=2),
    "full": PrintOptions(threshold=math.inf),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """PyTorch's set_printoptions: a profile ('default', 'short': 2 digits and 2 edge items,
    'full': never summarise) first, then each option given. As in PyTorch, sci_mode is set on
    every call, so a call without it goes back to choosing from the values; an unknown profile
    is ignored."""
    if profile in PROFILES:
        for field in ("precision", "threshold", "edgeitems", "linewidth"):
            setattr(OPTIONS, field, getattr(PROFILES[profile], field))
    for field, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                         ("linewidth", linewidth)):
        if value is not None:
            setattr(OPTIONS, field, value)
    OPTIONS.sci_mode = sci_mode


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
        if OPTIONS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = bool(OPTIONS.sci_mode)
        for value in finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{OPTIONS.precision}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # the trailing point
            else:
                width = len(f"{value:.{OPTIONS.precision}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                text += "."
        else:
            text = f"{value:.{OPTIONS.precision}f}"
        return " " * (self.max_width - len(text)) + text


def summarized(values: np.ndarray) -> np.ndarray:
    """Only the entries that will be shown (first and last `edgeitems` along each dimension)."""
    edge = OPTIONS.edgeitems
    if values.ndim == 0:
        return values
    if values.ndim > 1 and not edge:
        return values[:0]
    if values.shape[0] > 2 * edge:
        values = np.concatenate([values[:edge], values[-edge:]])
    if values.ndim == 1:
        return values
    return np.stack([summarized(row) for row in values])


def vector_str(values: np.ndarray, indent: int, summarize: bool, formatter: Formatter) -> str:
    per_line = max(1, math.floor((OPTIONS.linewidth - indent) / (formatter.max_width + 2)))
    edge = OPTIONS.edgeitems
    if summarize and not edge:
        entries = ["..."]
    elif summarize and values.shape[0] > 2 * edge:
        entries = ([formatter.format(v) for v in values[:edge].tolist()] + [" ..."]
                   + [formatter.format(v) for v in values[-edge:].tolist()])
    else:
        entries = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(entries[i:i + per_line]) for i in range(0, len(entries), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def nested_str(values: np.ndarray, indent: int, summarize: bool, formatter: Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return vector_str(values, indent, summarize, formatter)
    edge = OPTIONS.edgeitems
    if summarize and values.shape[0] > 2 * edge:
        rows = ([nested_str(values[i], indent + 1, summarize, formatter) for i in range(edge)]
                + ["..."]
                + [nested_str(values[i], indent + 1, summarize, formatter)
                   for i in range(len(values) - edge, len(values))])
    else:
        rows = [nested_str(row, indent + 1, summarize, formatter) for row in values]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def values_str(values: np.ndarray, indent: int) -> str:
    """The bracketed numbers, as PyTorch's _tensor_str."""
    if values.size == 0:
        return "[]"
    summarize = values.size > OPTIONS.threshold
    formatter = Formatter(summarized(values) if summarize else values)
    return nested_str(values, indent, summarize, formatter)


def add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """`, dtype=...`, `, grad_fn=<...>` after the numbers, on a new line if the line would pass 80."""
    parts = [text]
    last_line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_length + len(suffix) + 2 > OPTIONS.linewidth:
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
    else:
        if not OPTIONS.edgeitems:  # no entries shown, so PyTorch shows the shape
            suffixes.append(f"size={tuple(values.shape)}")
        if dtype not in (default, dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={dtype}")
    if t._ctx is not None:
        suffixes.append(f"grad_fn=<{t._ctx.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return add_suffixes(prefix + values_str(values, indent), suffixes, indent)
