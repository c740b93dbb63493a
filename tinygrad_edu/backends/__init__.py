"""tinygrad_edu.backends: PyTorch's backend switches, answered for a CPU-only library.

`backends.mps.is_available()` and `backends.cudnn.is_available()` are False;
`backends.cudnn.deterministic = True` and `benchmark = False` may be set (and change nothing).
"""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
