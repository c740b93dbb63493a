"""Linear algebra on tensors: PyTorch's Tensor methods det, logdet, slogdet, inverse, pinverse,
matrix_power, matrix_exp, mv, inner, vdot, ger, addr, addbmm, cholesky, cholesky_solve,
cholesky_inverse, qr and svd, and the composites torch.linalg shares with them (linalg.py calls
these).

The factorisations are primitives of linalg_ops.py; everything here is a few lines of them and of
matmul, so autograd differentiates it to any order with no derivative of its own. matrix_exp is
a Taylor polynomial of A / 2^s squared s times, matrix_power repeated squaring, lstsq the
pseudo-inverse's solution.

LinalgMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept here so
that tensor.py holds the core. The functions take any Tensor `x` and use only its methods.
"""

from __future__ import annotations

import math

import numpy as np

from . import return_types
from .linalg_ops import (
    QR,
    SVD,
    Cholesky,
    CholeskyFunction,
    Det,
    Eigh,
    Inverse,
    LogAbsDet,
    Pinv,
    SolveTriangular,
    check_square,
)

__all__ = ["LinalgMethods", "det", "slogdet", "logdet", "inverse", "cholesky", "qr", "pinv", "matrix_power",
           "matrix_exp", "multi_dot", "solve_triangular", "cholesky_solve", "lstsq", "default_rtol", "svd", "eigh"]


def identity_like(x):
    """The identity in x's shape (batched) and dtype: a constant."""
    eye = np.eye(x.shape[-1], dtype=x._data.dtype)
    return x._wrap(np.broadcast_to(eye, x.shape).copy())


def det(x):
    """det(A) of a square matrix (or a batch): a primitive (linalg_ops.Det)."""
    check_square(x, "linalg.det")
    return Det.apply(x)


def slogdet(x, op="linalg.slogdet"):
    """(sign, log|det A|): the sign is a constant, log|det A| differentiable (d/dA = A^-T)."""
    check_square(x, op)
    sign = x._wrap(np.asarray(np.linalg.slogdet(x._data)[0], dtype=x._data.dtype))
    result = return_types.linalg_slogdet if op == "linalg.slogdet" else return_types.slogdet
    return result(sign, LogAbsDet.apply(x))


def logdet(x):
    """log det A: log|det A| plus log(sign), so nan where det A < 0 and -inf where it is 0, as PyTorch."""
    sign, logabsdet = slogdet(x, "logdet")
    return logabsdet + sign.log()


def inverse(x):
    """A^-1 (a primitive: linalg_ops.Inverse); a singular matrix raises linalg.LinAlgError."""
    check_square(x, "linalg.inv")
    return Inverse.apply(x)


def cholesky(x, upper: bool = False, op: str = "linalg.cholesky"):
    """L lower-triangular with A = L L^T (or U = L^T with A = U^T U when upper); `op`, the public name
    errors give (torch.cholesky's node is CholeskyBackward0, linalg's LinalgCholeskyExBackward0)."""
    check_square(x, op)
    lower = (CholeskyFunction if op == "cholesky" else Cholesky).apply(x, op=op)
    return lower.mT if upper else lower


def qr(x, mode: str = "reduced"):
    """The named tuple (Q, R) with A = Q R (see linalg_ops.QR for the modes)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    if x.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if mode == "r":
        return return_types.linalg_qr(x._wrap(np.zeros((0,), dtype=x._data.dtype)), *QR.factors(x, mode=mode))
    return return_types.linalg_qr(*QR.factors(x, mode=mode))


def svd(x, full_matrices: bool = True, op: str = "linalg.svd"):
    """The named tuple (U, S, Vh) with A = U diag(S) Vh (linalg_ops.SVD)."""
    if x.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {x.dtype.legacy_name}")
    return return_types.linalg_svd(*SVD.factors(x, full_matrices=full_matrices))


def eigh(x, UPLO: str = "L", op: str = "linalg.eigh"):  # noqa: N803 -- PyTorch's argument name
    """The named tuple (eigenvalues, eigenvectors) of a symmetric matrix (linalg_ops.Eigh)."""
    check_square(x, op)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return return_types.linalg_eigh(*Eigh.factors(x, UPLO=UPLO))


def default_rtol(x, atol, rtol):
    """PyTorch's tolerance rule of pinv and matrix_rank: without rtol, eps * max(m, n), or 0 when a
    positive atol is given."""
    if rtol is not None:
        return rtol
    if atol is not None and atol > 0:
        return 0.0
    return float(np.finfo(x._data.dtype).eps) * max(x.shape[-2], x.shape[-1])


def pinv(x, rcond=None, hermitian: bool = False, *, atol=None, rtol=None):
    """The pseudo-inverse A^+ from the singular values above max(atol, rtol * largest) (from the
    eigenvalues when hermitian). rcond, the older positional form, is rtol."""
    if x.ndim < 2:
        raise RuntimeError("linalg.pinv(A): The input tensor A must have at least 2 dimensions.")
    if rcond is not None:
        rtol = rcond
    return Pinv.apply(x, atol=0.0 if atol is None else atol, rtol=default_rtol(x, atol, rtol), hermitian=hermitian)


def matrix_power(x, n: int):
    """A^n by repeated squaring (about 2 log2 n products); A^0 is the identity, A^-n is (A^-1)^n.
    Integer matrices too, for n >= 0."""
    check_square(x, "linalg.matrix_power", floating=n < 0)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        return identity_like(x)
    base, result = (inverse(x) if n < 0 else x), None
    n = abs(n)
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


TAYLOR_TERMS = 18  # with ||B||_1 <= 1 the first left out, 1/19!, is below 1e-17: float64's rounding


def matrix_exp(x):
    """e^A = (e^(A / 2^s))^(2^s), with s the smallest that brings ||A||_1 / 2^s under 1 (over the
    whole batch) and e^B as its Taylor polynomial to B^18 / 18! in Horner's form
    I + B (I + B/2 (I + ... (I + B/18))), then squared s times."""
    check_square(x, "linalg.matrix_exp")
    norm = float(np.abs(x._data).sum(-2).max(initial=0.0))
    squarings = max(0, math.ceil(math.log2(norm))) if norm > 0 and math.isfinite(norm) else 0
    b = x / 2.0 ** squarings
    eye = identity_like(x)
    result = eye
    for k in range(TAYLOR_TERMS, 0, -1):
        result = eye + (b @ result) / k
    for _ in range(squarings):
        result = result @ result
    return result


def multi_dot(tensors, op: str = "multi_dot"):
    """A1 @ A2 @ ... @ An, left to right; the first may be 1-D (a row) and the last 1-D (a column)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{op}(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            where = "first" if i == 0 else "last" if i == len(tensors) - 1 else f"the {i}th"
            raise RuntimeError(f"{op}(): {where} tensor must be {' or '.join(f'{n}D' for n in allowed)} but got "
                               f"{t.ndim}D")
    result = tensors[0]
    for t in tensors[1:]:
        result = result @ t
    return result


def solve_triangular(a, b, *, upper: bool, left: bool = True, unitriangular: bool = False):
    """X with A X = B (or X A = B when not left), A triangular (upper or lower)."""
    if a.ndim < 2 or b.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor " + ("A" if a.ndim < 2 else "B") +
                           " must have at least 2 dimensions.")
    check_square(a, "linalg.solve_triangular")
    if left:
        return SolveTriangular.apply(a, b, upper=upper, unitriangular=unitriangular)
    # X A = B  <=>  A^T X^T = B^T, and A^T's triangle is the other one
    return SolveTriangular.apply(a.mT, b.mT, upper=not upper, unitriangular=unitriangular).mT


def cholesky_solve(b, factor, upper: bool = False):
    """X with A X = B, A = L L^T given its Cholesky factor L (or A = U^T U when upper): two
    triangular solves. (Only the factor's triangle is read, and only it gets a gradient.)"""
    if upper:
        return solve_triangular(factor, solve_triangular(factor.mT, b, upper=False), upper=True)
    return solve_triangular(factor.mT, solve_triangular(factor, b, upper=False), upper=True)


def lstsq(a, b, rcond=None, *, driver=None):
    """The least-squares (minimum-norm) solution of A X = B as pinv(A) @ B, with PyTorch's other
    fields for its CPU drivers: for 'gelsy' (the default) the rank only; 'gelsd' and 'gelss' also the
    singular values, and they and 'gels' the squared residuals when m > n and A has full rank."""
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if a.ndim < 2 or not (a.ndim - 1 <= b.ndim <= a.ndim):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vector = b.ndim == a.ndim - 1
    rows, cols = a.shape[-2], a.shape[-1]
    rtol = float(np.finfo(a._data.dtype).eps) * max(rows, cols) if rcond is None or rcond < 0 else rcond
    solution = Pinv.apply(a, atol=0.0, rtol=rtol, hermitian=False) @ (b.unsqueeze(-1) if vector else b)
    singular = np.linalg.svd(a._data, compute_uv=False)
    rank = (singular > rtol * singular.max(-1, keepdims=True, initial=0.0)).sum(-1)
    empty = a._wrap(np.zeros((0,), dtype=a._data.dtype))
    residuals = empty
    if driver != "gelsy" and rows > cols and (rank == cols).all() and not vector:
        residuals = ((a @ solution - b) ** 2).sum(-2)
    return return_types.linalg_lstsq(solution.squeeze(-1) if vector else solution, residuals,
                                     a._wrap(rank.astype(np.int64)) if driver != "gels" else empty.long(),
                                     a._wrap(singular) if driver in ("gelsd", "gelss") else empty)


def check_vector(x, op: str, what: str) -> None:
    if x.ndim != 1:
        raise RuntimeError(f"{op}: Expected 1-D argument {what}, but got {x.ndim}-D")


class LinalgMethods:
    """Tensor's linear-algebra methods (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    det = det
    logdet = logdet
    inverse = inverse
    matrix_power = matrix_power
    matrix_exp = matrix_exp

    def slogdet(self):
        """(sign, logabsdet) of det(self): torch.return_types.slogdet."""
        return slogdet(self, "slogdet")

    def pinverse(self, rcond: float = 1e-15):
        """The pseudo-inverse, singular values below rcond * the largest left out (linalg.pinv's rtol)."""
        return pinv(self, rtol=rcond)

    def cholesky(self, upper: bool = False):
        """torch.cholesky, the older name of linalg.cholesky (its node CholeskyBackward0)."""
        return cholesky(self, upper, op="cholesky")

    def cholesky_solve(self, input2, upper: bool = False):
        """X with A X = self, input2 the Cholesky factor of A."""
        return cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False):
        """A^-1 of A = L L^T (U^T U when upper), self its Cholesky factor."""
        return cholesky_solve(identity_like(self), self, upper)

    def qr(self, some: bool = True):
        """torch.qr: (Q, R) as linalg.qr with mode 'reduced' (some) or 'complete'."""
        return return_types.qr(*qr(self, "reduced" if some else "complete"))

    def svd(self, some: bool = True, compute_uv: bool = True):
        """(U, S, V) with self = U diag(S) V^T: torch.svd's older form (linalg.svd gives Vh = V^T).
        With compute_uv=False, U and V are square zeros, as PyTorch's."""
        u, s, vh = svd(self, not some, "svd")
        if not compute_uv:
            batch, (rows, cols) = self.shape[:-2], self.shape[-2:]
            u, vh = self._wrap(np.zeros((*batch, rows, rows), u._data.dtype)), self._wrap(
                np.zeros((*batch, cols, cols), vh._data.dtype))
        return return_types.svd(u, s, vh.mT)

    def mv(self, vec):
        """The product of a matrix and a vector (MvBackward0)."""
        if self.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, {self.ndim}, {vec.ndim}")
        return self @ vec

    def inner(self, other):
        """sum over the last dimension of self[..., k] * other[..., k], for every pair of leading indices:
        shape self.shape[:-1] + other.shape[:-1] (a product by a number when either is 0-d)."""
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                               f"{list(self.shape)} and {list(other.shape)}")
        product = self.reshape(-1, self.shape[-1]) @ other.reshape(-1, other.shape[-1]).mT
        return product.reshape(tuple(self.shape[:-1]) + tuple(other.shape[:-1]))

    def vdot(self, other):
        """sum(self * other) of two 1-D tensors (real: no conjugate to take)."""
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        if self.shape != other.shape:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{self.shape[0]}] and src "
                               f"[{other.shape[0]}] to have the same number of elements, but got {self.shape[0]} "
                               f"and {other.shape[0]} elements respectively")
        return (self * other).sum()

    def ger(self, vec2):
        """The outer product (ger is PyTorch's older name of outer)."""
        return self.outer(vec2)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """beta * self + alpha * outer(vec1, vec2); with beta = 0 self is ignored (its nan too)."""
        check_vector(vec1, "addr", "vec1")
        check_vector(vec2, "addr", "vec2")
        product = vec1.outer(vec2) * alpha if alpha != 1 else vec1.outer(vec2)
        if beta == 0:
            return product.expand(np.broadcast_shapes(self.shape, product.shape))
        return (self if beta == 1 else self * beta) + product

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * sum_b batch1[b] @ batch2[b]; with beta = 0 self is ignored."""
        if batch1.ndim != 3 or batch2.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor" if batch1.ndim != 3 else "batch2 must be a 3D tensor")
        product = batch1.bmm(batch2).sum(0)
        product = product * alpha if alpha != 1 else product
        if beta == 0:
            return product.expand(np.broadcast_shapes(self.shape, product.shape))
        return (self if beta == 1 else self * beta) + product
