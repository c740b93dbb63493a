"""F.bilinear (re-exported by nn.functional; nn.Bilinear in linear.py calls it): y = x1^T A x2 + b for each
output feature, with weight A of shape (out_features, in1_features, in2_features).

A module of its own so that functional.py stays a readable size. It is one einsum,
y[n, o] = sum_ij x1[n, i] A[o, i, j] x2[n, j], which is built from permute, reshape and batched matmul,
so the derivatives are theirs and none is written here:
    dy[n, o]/dx1[n, i] = sum_j A[o, i, j] x2[n, j],    dy[n, o]/dx2[n, j] = sum_i x1[n, i] A[o, i, j],
    dy[n, o]/dA[o, i, j] = x1[n, i] x2[n, j].
Batch dims (*) of the two inputs must be equal (PyTorch does not broadcast them): they are flattened into
one for the einsum, which names every dim, and restored after.
"""

from __future__ import annotations

from ..functions import einsum
from ..tensor import Tensor

__all__ = ["bilinear"]


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x1^T A x2 + b: input1 (*, in1_features), input2 (*, in2_features) with the same *, weight
    (out_features, in1_features, in2_features), bias (out_features,); y (*, out_features)."""
    check_bilinear(input1, input2, weight, bias)
    batch = tuple(input1.shape[:-1])
    flat1, flat2 = input1.reshape(-1, input1.shape[-1]), input2.reshape(-1, input2.shape[-1])
    y = einsum("ni,oij,nj->no", flat1, weight, flat2).reshape(batch + (weight.shape[0],))
    return y if bias is None else y + bias


def check_bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's errors, with the shapes and what was expected."""
    tensors = {"input1": input1, "input2": input2, "weight": weight} | ({} if bias is None else {"bias": bias})
    if len({t.dtype for t in tensors.values()}) > 1:
        got = ", ".join(f"{name}: {t.dtype}" for name, t in tensors.items())
        raise RuntimeError(f"bilinear(): all tensors must have the same dtype, got {got}. Hint: .float() or "
                           ".double() on the odd one out")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out_features, in1_features, in2_features), got shape "
                           f"{tuple(weight.shape)}")
    if input1.ndim == 0 or input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim} (shapes "
                           f"{tuple(input1.shape)} and {tuple(input2.shape)}; both are (*, features), at least 1-D)")
    for dim, (a, b) in enumerate(zip(input1.shape[:-1], input2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {dim}: got {a} and {b} "
                               f"(shapes {tuple(input1.shape)} and {tuple(input2.shape)}; they are not broadcast)")
    for name, features, expected in (("input1", input1.shape[-1], weight.shape[1]),
                                     ("input2", input2.shape[-1], weight.shape[2])):
        if features != expected:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got {features} but expected "
                               f"{expected} (weight {tuple(weight.shape)} is (out_features, in1_features, "
                               "in2_features))")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        got = bias.shape[0] if bias.ndim else "a 0-d bias"
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but expected "
                           f"{weight.shape[0]} (bias is (out_features,), got shape {tuple(bias.shape)})")
