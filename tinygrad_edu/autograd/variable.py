"""Variable: PyTorch's name from before version 0.4, when tensors could not hold gradients.

Tensors have done that job since, and `Variable(t)` just returns a tensor: old tutorials run.
    x = Variable(tinygrad_edu.randn(3), requires_grad=True)    # a leaf tensor sharing t's memory
This file imports nothing from the rest of the package (autograd comes first): it only calls
the tensor methods `detach` and `requires_grad_`.
"""

from __future__ import annotations

__all__ = ["Variable"]


def Variable(data, requires_grad: bool = False, volatile: bool = False):  # noqa: N802 -- PyTorch's name
    """A new leaf tensor sharing `data`'s memory, requiring grad when asked (PyTorch's Variable).
    `volatile` was removed from PyTorch long ago; use no_grad() instead."""
    if not hasattr(data, "detach") or not hasattr(data, "requires_grad_"):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}. "
                        "Wrap it first: Variable(tensor(data))")
    if volatile:
        raise ValueError("Variable: volatile=True has been removed (PyTorch 0.4); use `with no_grad():` instead")
    return data.detach().requires_grad_(requires_grad)
