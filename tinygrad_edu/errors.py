"""Messages shared by the op entry point and the tensor methods, so that every op says the same
thing the same way: the op's public name first, then the shapes, then the fix.

This module imports nothing from the package, so the autograd core can use it too.
"""

from __future__ import annotations

BROADCAST_HINT = ("Broadcasting lines shapes up from the right; each pair of sizes must be equal or "
                  "one of them 1. Hint: reshape or unsqueeze one operand so the sizes line up.")


def broadcast_error(op: str, shapes) -> RuntimeError:
    """`op: shapes (2,) and (3,) cannot be broadcast together. ...`"""
    return RuntimeError(f"{op}: shapes {' and '.join(str(s) for s in shapes)} cannot be broadcast "
                        f"together. {BROADCAST_HINT}")


def index_error(op: str, shape: tuple, err: Exception) -> IndexError:
    """An out-of-range index, for reads (x[5]) and writes (x[5] = 1.) alike, from NumPy's error:
    "getitem: index 5 is out of range for a tensor of shape (3,) (dim 0 has size 3, so valid
    indices are -3 to 2)"."""
    text = str(err)
    words = text.split()
    if text.startswith("index ") and "axis" in words and "size" in words:  # "index 5 is out of bounds for axis 0 ..."
        index, axis, size = words[1], words[words.index("axis") + 1], words[-1]
        return IndexError(f"{op}: index {index} is out of range for a tensor of shape {tuple(shape)} "
                          f"(dim {axis} has size {size}, so valid indices are {-int(size)} to {int(size) - 1})")
    return IndexError(f"{op}: invalid index for a tensor of shape {tuple(shape)}: {text}")
