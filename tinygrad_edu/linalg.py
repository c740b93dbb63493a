"""tinygrad_edu.linalg: PyTorch's torch.linalg names for the linear algebra a course needs.

Norms are composites (differentiable). The factorisations (svd, inv, det, solve, eigh) are
NumPy's numpy.linalg and have no gradient here: called on a tensor that requires grad while
grad mode is on, they raise an error that says to use .detach() (or no_grad()) when only the
values are needed, rather than silently leaving a term out of a gradient.
"""

from __future__ import annotations

import numpy as np

from . import return_types
from .autograd import Mode
from .composite import products, reductions
from .dims import axis_of
from .tensor import Tensor

__all__ = ["norm", "vector_norm", "matrix_norm", "svd", "svdvals", "inv", "det", "slogdet", "solve", "eigh",
           "eigvalsh", "cross", "matmul"]


def constant_of(x: Tensor, op: str) -> np.ndarray:
    """x's array, refusing a tensor whose gradient would be silently lost."""
    if not isinstance(x, Tensor):
        x = Tensor._wrap(np.asarray(x))
    if x.requires_grad and Mode.grad_enabled:
        raise RuntimeError(f"{op}: has no gradient in tinygrad_edu (it is NumPy's numpy.linalg). If you only "
                           f"need the values, call it on x.detach() or inside no_grad().")
    if x.ndim < 2:
        raise RuntimeError(f"{op}: expected a matrix (or a batch of matrices), got shape {x.shape}")
    return x._data


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over `dim` (all elements when None); ord may be inf, -inf or 0."""
    return reductions.norm(x, ord, dim, keepdim, dtype)


def matrix_norm(x: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:
    """'fro' sqrt(sum x^2); 1 / -1 the largest / smallest column sum of |x|; inf / -inf the same for
    rows (differentiable); 2, -2 and 'nuc' come from the singular values (no gradient)."""
    if dtype is not None:
        x = x.astype(dtype)
    rows, cols = (axis_of(x.ndim, d, "matrix_norm") for d in dim)
    if ord == "fro":
        return reductions.norm(x, "fro", (rows, cols), keepdim)
    if ord in (1, -1, float("inf"), float("-inf")):
        summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = x.abs().sum(summed, keepdim=True)
        out = sums.amax(other, keepdim=True) if ord > 0 else sums.amin(other, keepdim=True)
        return out if keepdim else out.squeeze((rows, cols))
    if ord in (2, -2, "nuc"):
        matrices = np.moveaxis(constant_of(x, "matrix_norm"), (rows, cols), (-2, -1))
        singular = np.linalg.svd(matrices, compute_uv=False)
        value = {2: singular.max(-1), -2: singular.min(-1), "nuc": singular.sum(-1)}[ord]
        if keepdim:
            value = np.expand_dims(value, (rows, cols))
        return Tensor._wrap(np.asarray(value, dtype=x.dtype))
    raise RuntimeError(f"matrix_norm: ord={ord!r} is not supported; use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf")


def norm(x: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """A vector norm, or a matrix norm when `dim` is a pair (or x is 2-D and ord is given), as torch.linalg.norm.
    ord=None is the 2-norm of the flattened tensor (the Frobenius norm for a matrix)."""
    if ord is None:
        return reductions.norm(x, 2, dim, keepdim, dtype)
    pair = (isinstance(dim, (tuple, list)) and len(dim) == 2) or (dim is None and x.ndim == 2)
    if pair:
        return matrix_norm(x, ord, tuple(dim) if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(x, ord, dim, keepdim, dtype=dtype)


def svd(x: Tensor, full_matrices: bool = True):
    """(U, S, Vh) with x = U diag(S) Vh (no gradient)."""
    u, s, vh = np.linalg.svd(constant_of(x, "svd"), full_matrices=full_matrices)
    return return_types.linalg_svd(Tensor._wrap(u), Tensor._wrap(s), Tensor._wrap(vh))


def svdvals(x: Tensor) -> Tensor:
    """The singular values, largest first (no gradient)."""
    return Tensor._wrap(np.linalg.svd(constant_of(x, "svdvals"), compute_uv=False))


def inv(x: Tensor) -> Tensor:
    """The inverse matrix (no gradient)."""
    try:
        return Tensor._wrap(np.linalg.inv(constant_of(x, "inv")))
    except np.linalg.LinAlgError as err:
        raise RuntimeError(f"inv: the matrix of shape {x.shape} is not invertible ({err})") from None


def det(x: Tensor) -> Tensor:
    """The determinant (no gradient)."""
    return Tensor._wrap(np.asarray(np.linalg.det(constant_of(x, "det"))))


def slogdet(x: Tensor):
    """(sign, log|det|) (no gradient)."""
    sign, logabsdet = np.linalg.slogdet(constant_of(x, "slogdet"))
    return return_types.slogdet(Tensor._wrap(np.asarray(sign)), Tensor._wrap(np.asarray(logabsdet)))


def solve(a: Tensor, b: Tensor) -> Tensor:
    """x with a @ x = b (no gradient)."""
    b_array = b._data if isinstance(b, Tensor) else np.asarray(b)
    if isinstance(b, Tensor) and b.requires_grad and Mode.grad_enabled:
        constant_of(b.reshape(1, -1), "solve")
    return Tensor._wrap(np.linalg.solve(constant_of(a, "solve"), b_array))


def eigh(x: Tensor, UPLO: str = "L"):  # noqa: N803 -- PyTorch's argument name
    """(eigenvalues ascending, eigenvectors) of a symmetric matrix (no gradient)."""
    values, vectors = np.linalg.eigh(constant_of(x, "eigh"), UPLO=UPLO)
    return Tensor._wrap(values), Tensor._wrap(vectors)


def eigvalsh(x: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    return Tensor._wrap(np.linalg.eigvalsh(constant_of(x, "eigvalsh"), UPLO=UPLO))


def cross(x: Tensor, other: Tensor, dim: int = -1) -> Tensor:
    """The cross product along `dim` (default the last one)."""
    return products.cross(x, other, dim)


def matmul(x: Tensor, other: Tensor) -> Tensor:
    return x @ other
