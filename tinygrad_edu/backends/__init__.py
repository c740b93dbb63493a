"""tinygrad_edu.backends: PyTorch's backend switches, answered for a CPU-only library.

`backends.mps.is_available()` and `backends.cudnn.is_available()` are False;
`backends.cudnn.deterministic = True`, `benchmark = False`, `allow_tf32 = True` and
`backends.cuda.matmul.allow_tf32 = True` may be set (and change nothing).
"""

from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
