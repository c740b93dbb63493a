"""tinygrad_edu.linalg: PyTorch's torch.linalg names for the linear algebra a course needs.

Differentiable (to any order): the norms (composites), inv, det, slogdet, solve, solve_triangular,
cholesky, qr, pinv, eigh and svd (primitives of linalg_ops.py, each with its derivative), and what is built
from them in linalg_methods.py and here (matrix_power, matrix_exp, lstsq's solution, multi_dot,
tensorinv, tensorsolve, cond for the norms that are not singular values, ...).
eigh and svd are primitives too; matrix_rank and the info of the *_ex functions are integers.
"""

from __future__ import annotations

import math

import numpy as np

from . import creation, linalg_methods, return_types
from .composite import products, reductions
from .dims import axis_of
from .linalg_methods import det, lstsq, matrix_exp, matrix_power, pinv, qr, solve_triangular
from .linalg_ops import (
    LU,
    LinAlgError,
    LinalgSolve,
    SolveTriangular,
    check_square,
    cholesky_failure,
    first_singular,
    lu_arrays,
    permutation_matrix,
)
from .tensor import Tensor

__all__ = ["norm", "vector_norm", "matrix_norm", "svd", "svdvals", "inv", "inv_ex", "det", "slogdet", "solve",
           "solve_ex", "solve_triangular", "eigh", "eigvalsh", "cross", "matmul", "cholesky", "cholesky_ex", "qr",
           "pinv", "lstsq", "matrix_power", "matrix_exp", "matrix_rank", "multi_dot", "vecdot", "cond", "diagonal",
           "vander", "tensorinv", "tensorsolve", "lu_factor", "lu", "lu_solve", "LinAlgError"]


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over `dim` (all elements when None); ord may be inf, -inf or 0."""
    return reductions.norm(x, ord, dim, keepdim, dtype)


def matrix_norm(x: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:
    """'fro' sqrt(sum x^2); 1 / -1 the largest / smallest column sum of |x|; inf / -inf the same for
    rows; 2, -2 and 'nuc' the largest, smallest and sum of the singular values (svdvals)."""
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
        singular = svdvals(x.permute(*[d for d in range(x.ndim) if d not in (rows, cols)], rows, cols))
        value = {2: singular[..., 0], -2: singular[..., -1]}.get(ord) if ord != "nuc" else singular.sum(-1)
        if keepdim:
            value = value.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols))
        return value
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


def svd(A: Tensor, full_matrices: bool = True, *, driver=None):  # noqa: N803 -- PyTorch's argument names
    """The named tuple (U, S, Vh) with A = U diag(S) Vh, S descending (linalg_ops.SVD). Its gradient,
    as PyTorch's, is defined for distinct nonzero singular values and a loss that does not depend on the
    signs of the singular vectors."""
    return linalg_methods.svd(A, full_matrices)


def svdvals(A: Tensor, *, driver=None) -> Tensor:  # noqa: N803
    """The singular values, largest first. d/dA = U diag(gS) Vh."""
    return linalg_methods.svd(A, False, "linalg.svdvals").S


def slogdet(A: Tensor):  # noqa: N803
    """The named tuple (sign, logabsdet) of det(A); sign is a constant, d logabsdet/dA = A^-T."""
    return linalg_methods.slogdet(A)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803
    """L lower-triangular with A = L L^T (U = L^T when upper), from A's lower triangle."""
    return linalg_methods.cholesky(A, upper)


def multi_dot(tensors) -> Tensor:
    """tensors[0] @ tensors[1] @ ...: the first may be 1-D (a row), the last 1-D (a column)."""
    return linalg_methods.multi_dot(tensors)


def inv(A: Tensor) -> Tensor:  # noqa: N803 -- PyTorch's argument names
    """The inverse matrix. d(A^-1) = -A^-1 dA A^-1; a singular A raises LinAlgError."""
    return linalg_methods.inverse(A)


def inv_ex(A: Tensor, *, check_errors: bool = False):  # noqa: N803
    """(inverse, info): info is 0, or (for a singular matrix) the 1-based index of LU's first zero
    pivot, and then the inverse is not defined (NaN here); with check_errors a singular A raises."""
    check_square(A, "linalg.inv_ex")
    info = singular_info(A)
    if not info.any():
        return return_types.linalg_inv_ex(inv(A), Tensor._wrap(info))
    if check_errors:
        inv(A)  # raises, naming the matrix and the pivot
    return return_types.linalg_inv_ex(Tensor._wrap(np.full(A.shape, np.nan, dtype=A._data.dtype)), Tensor._wrap(info))


def singular_info(A: Tensor) -> np.ndarray:  # noqa: N803
    """LAPACK's info per matrix: 0, or the 1-based index of the first zero pivot (int32)."""
    matrices = A._data.reshape(-1, *A.shape[-2:])
    info = [first_singular(m)[1] for m in matrices]
    return np.asarray(info, dtype=np.int32).reshape(A.shape[:-2])


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803
    """X with A X = B (or X A = B when not left). B is a vector (or a batch of them) when it is
    1-D or has A's shape without the last dimension, as in PyTorch. Batch dimensions broadcast.
    dB = A^-T g, dA = -dB X^T (linalg_ops.LinalgSolve)."""
    check_square(A, "linalg.solve")
    if not isinstance(B, Tensor):
        B = Tensor._wrap(np.asarray(B, dtype=A._data.dtype))
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        B = B.unsqueeze(-1)
    if B.shape[-2 if left else -1] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    X = LinalgSolve.apply(A, B) if left else LinalgSolve.apply(A.mT, B.mT).mT  # noqa: N806
    return X.squeeze(-1) if vector else X


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False):  # noqa: N803
    """(result, info), info as inv_ex's (the result is NaN where A is singular)."""
    check_square(A, "linalg.solve_ex")
    info = singular_info(A)
    if not info.any() or check_errors:
        return return_types.linalg_solve_ex(solve(A, B, left=left), Tensor._wrap(info))
    with_nan = solve(A.detach() + np.eye(A.shape[-1], dtype=A._data.dtype), B, left=left)  # (just its shape)
    return return_types.linalg_solve_ex(Tensor._wrap(np.full(with_nan.shape, np.nan, dtype=with_nan._data.dtype)),
                                        Tensor._wrap(info))


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False):  # noqa: N803
    """(L, info): info is 0 for a positive-definite matrix, else the order of its first leading
    minor that is not (LAPACK's). L is then not defined: zeros here (PyTorch leaves LAPACK's
    partial factor). With check_errors such a matrix raises LinAlgError."""
    check_square(A, "linalg.cholesky_ex")
    matrices = A._data.reshape(-1, *A.shape[-2:])
    info = np.asarray([cholesky_failure(m)[1] for m in matrices], dtype=np.int32).reshape(A.shape[:-2])
    if not info.any() or check_errors:
        return return_types.linalg_cholesky_ex(linalg_methods.cholesky(A, upper, "linalg.cholesky_ex"),
                                               Tensor._wrap(info))
    good = Tensor._wrap((info == 0)[..., None, None])
    safe = A.where(good, Tensor._wrap(np.eye(A.shape[-1], dtype=A._data.dtype)))
    return return_types.linalg_cholesky_ex(cholesky(safe, upper=upper) * good, Tensor._wrap(info))


def matrix_rank(A: Tensor, tol=None, hermitian: bool = False, *, atol=None, rtol=None) -> Tensor:  # noqa: N803
    """How many singular values (eigenvalue magnitudes when hermitian) are above
    max(atol, rtol * the largest): int64, no gradient. tol, the older positional form, is atol."""
    if tol is not None:
        atol, rtol = tol, 0.0
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    data = A._data
    values = np.abs(np.linalg.eigvalsh(data)) if hermitian else np.linalg.svd(data, compute_uv=False)
    rtol = linalg_methods.default_rtol(A, atol, rtol)
    limit = np.maximum(0.0 if atol is None else atol, rtol * values.max(-1, keepdims=True, initial=0.0))
    return Tensor._wrap((values > limit).sum(-1).astype(np.int64))


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """sum(x * y) along dim, batch dimensions broadcast (real: no conjugate to take)."""
    return (x * y).sum(dim)


def cond(A: Tensor, p=None) -> Tensor:  # noqa: N803
    """The condition number ||A||_p ||A^-1||_p: for p None, 2 or -2 a ratio of singular values; for
    'fro', 'nuc', 1, -1, inf and -inf from matrix_norm and inv."""
    if p in (None, 2, -2):
        singular = svdvals(A)
        ratio = singular[..., 0] / singular[..., -1]
        return ratio if p != -2 else 1 / ratio
    check_square(A, "linalg.cond")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: N803
    """The diagonal of the last two dimensions (torch.diagonal with other defaults)."""
    return A.diagonal(offset, dim1, dim2)


def vander(x: Tensor, N: int | None = None) -> Tensor:  # noqa: N803
    """The Vandermonde matrix [1, x, x^2, ..., x^(N-1)] along a new last dimension (increasing
    powers, as PyTorch; NumPy's vander decreases). The powers are a cumulative product of x."""
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    N = x.shape[-1] if N is None else N  # noqa: N806
    if N < 1:
        raise RuntimeError("N must be greater than 1.")
    if x._data.dtype.kind == "b":
        x = x.long()
    ones = creation.ones_like(x).unsqueeze(-1)
    if N == 1:
        return ones
    powers = x.unsqueeze(-1).expand(*x.shape, N - 1).cumprod(-1)
    return creation.cat([ones, powers], -1)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:  # noqa: N803
    """The inverse for tensordot: A reshaped to a square (prod of A.shape[:ind]) matrix, inverted,
    and reshaped to A.shape[ind:] + A.shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(*A.shape[ind:], *A.shape[:ind])


def tensorsolve(A: Tensor, B: Tensor, dims=None) -> Tensor:  # noqa: N803
    """X with tensordot(A, X, X.ndim) = B; the dims listed are moved to A's end first."""
    if dims is not None:
        dims = [axis_of(A.ndim, d, "linalg.tensorsolve") for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in dims], *dims)  # noqa: N806
    result_shape = A.shape[B.ndim:]
    rows, cols = math.prod(B.shape), math.prod(result_shape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(result_shape) == prod(other.shape), "
                           f"but got {cols} != {rows}")
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(result_shape)


def lu(A: Tensor, *, pivot: bool = True):  # noqa: N803
    """The named tuple (P, L, U) with A = P L U: P a permutation matrix (a constant), L unit
    lower-triangular (m x k), U upper-triangular (k x n), k = min(m, n); partial pivoting, as LAPACK."""
    check_pivot(A, pivot, "linalg.lu")
    lower, upper = LU.factors(A)
    return return_types.linalg_lu(Tensor._wrap(permutation_matrix(lu_arrays(A._data)[2], A._data.dtype)), lower,
                                  upper)


def lu_factor(A: Tensor, *, pivot: bool = True):  # noqa: N803
    """The named tuple (LU, pivots): L's strict lower triangle and U in one matrix, and the 1-based row
    swapped with row j at step j (int32), as LAPACK's getrf. A zero on U's diagonal raises, as PyTorch."""
    check_pivot(A, pivot, "linalg.lu_factor")
    lower, upper = LU.factors(A)
    rows, cols = A.shape[-2:]
    k = min(rows, cols)
    packed = lower.tril(-1).pad((0, cols - k)) + upper.pad((0, 0, 0, rows - k))
    zeros = np.argwhere(np.diagonal(upper._data, axis1=-2, axis2=-1).reshape(-1, k) == 0)
    if len(zeros):
        i = int(zeros[0][1]) + 1
        raise RuntimeError(f"torch.linalg.lu_factor: U[{i},{i}] is zero and using it on lu_solve would result in a "
                           "division by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return return_types.linalg_lu_factor(packed, Tensor._wrap(lu_arrays(A._data)[1]))


def check_pivot(A: Tensor, pivot: bool, op: str) -> None:  # noqa: N803
    if A.ndim < 2:
        raise RuntimeError(f"{op}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    if not pivot:
        raise RuntimeError(f"{op}: LU without pivoting is not implemented on the CPU")


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False) -> Tensor:  # noqa: N803
    """X with A X = B (A^T X = B with adjoint; X A = B, X A^T = B when not left) from lu_factor's (LU,
    pivots): two triangular solves on LU's triangles and the row permutation (a constant)."""
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return lu_solve(LU, pivots, B.mT, left=True, adjoint=not adjoint).mT
    swaps = pivots._data.reshape(-1, pivots.shape[-1]).astype(np.int64) - 1
    perm = np.tile(np.arange(LU.shape[-1]), (len(swaps), 1))
    every = np.arange(len(swaps))
    for j in range(swaps.shape[-1]):  # the row swaps, in order
        perm[every, j], perm[every, swaps[:, j]] = perm[every, swaps[:, j]].copy(), perm[every, j].copy()
    p = Tensor._wrap(permutation_matrix(perm.reshape(*pivots.shape[:-1], -1), LU._data.dtype))
    if adjoint:  # A^T = U^T L^T P^T:  X = P L^-T U^-T B
        y = SolveTriangular.apply(LU.mT, B, upper=False)
        return p @ SolveTriangular.apply(LU.mT, y, upper=True, unitriangular=True)
    y = SolveTriangular.apply(LU, p.mT @ B, upper=False, unitriangular=True)  # X = U^-1 L^-1 P^T B
    return SolveTriangular.apply(LU, y, upper=True)


def eigh(A: Tensor, UPLO: str = "L"):  # noqa: N803 -- PyTorch's argument names
    """The named tuple (eigenvalues ascending, eigenvectors) of a symmetric matrix, from its lower
    (UPLO='L') or upper ('U') triangle (linalg_ops.Eigh)."""
    return linalg_methods.eigh(A, UPLO)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of a symmetric matrix, ascending. d/dA = V diag(gL) V^T."""
    return linalg_methods.eigh(A, UPLO, "linalg.eigvalsh").eigenvalues


def cross(x: Tensor, other: Tensor, dim: int = -1) -> Tensor:
    """The cross product along `dim` (default the last one)."""
    return products.cross(x, other, dim)


def matmul(x: Tensor, other: Tensor) -> Tensor:
    return x @ other
