"""The primitives of linear algebra: inverse, determinant, log|det|, solve, triangular solve,
Cholesky, QR, the pseudo-inverse, the symmetric eigendecomposition, the SVD and LU, each computed by
numpy.linalg (LU by a few lines of NumPy) beside its derivative.

Why primitives: a factorisation is a loop of pivots and reflections that NumPy (LAPACK) runs in
one call; written with Tensor ops it would be hundreds of nodes and less accurate. Each backward
is the matrix formula of its derivative, written with Tensor ops (matmul, the solves and inverses
here), so it can be differentiated again; the formulas are PyTorch's (FunctionsManual.cpp).
QR, Eigh and SVD have several factors: each is one primitive that packs them (Factorisation).
Every op works on the last two axes and is batched over the ones before (batch dims broadcast
in solve, as in PyTorch). Composites built on these (pinv's users, matrix_power, matrix_exp,
lstsq, ...) are in linalg_methods.py.
"""

from __future__ import annotations

import math

import numpy as np

from .ops import Primitive

__all__ = ["LinAlgError", "Inverse", "Det", "LogAbsDet", "LinalgSolve", "SolveTriangular", "Cholesky",
           "CholeskyFunction", "Pinv", "Factorisation", "QR", "Eigh", "SVD", "check_square",
           "cholesky_failure", "unpack", "LU", "lu_arrays", "permutation_matrix"]


class LinAlgError(RuntimeError):
    """A matrix for which the computation is not defined (singular, not positive-definite):
    PyTorch's torch.linalg.LinAlgError, a RuntimeError."""


def check_square(x, op: str, what: str = "A", floating: bool = True) -> None:
    """PyTorch's checks of a square (batch of) matrix argument (of a floating dtype, unless not `floating`)."""
    if x.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {what} must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"{op}: {what} must be batches of square matrices, but they are "
                           f"{x.shape[-2]} by {x.shape[-1]} matrices")
    if floating and x._data.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{x.dtype.legacy_name}")


def batch_prefix(batch: int | None) -> str:
    return "" if batch is None else f"(Batch element {batch}): "


def first_singular(a: np.ndarray) -> tuple[int | None, int]:
    """(batch element, 1-based diagonal index) of the first zero pivot of the LU factorisation
    of the first singular matrix in `a`, as PyTorch names it; (None, 0) if none is singular."""
    matrices = a.reshape(-1, *a.shape[-2:])
    for index, matrix in enumerate(matrices):
        u = matrix.astype(np.float64)
        n = u.shape[-1]
        for k in range(n):  # Gaussian elimination with partial pivoting, as LAPACK's getrf
            pivot = k + int(np.argmax(np.abs(u[k:, k])))
            u[[k, pivot]] = u[[pivot, k]]
            if u[k, k] == 0:
                return (index if a.ndim > 2 else None), k + 1
            u[k + 1:] -= np.outer(u[k + 1:, k] / u[k, k], u[k])
    return None, 0


class Inverse(Primitive):
    """Z = A^-1.   dL/dA = -Z^T g Z^T   (d(A^-1) = -A^-1 dA A^-1)."""

    @staticmethod
    def forward(ctx, a):
        try:
            z = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            batch, k = first_singular(a)
            raise LinAlgError(f"linalg.inv: {batch_prefix(batch)}The diagonal element {k} is zero, the inversion "
                              "could not be completed because the input matrix is singular.") from None
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return -(z.mT @ g @ z.mT)

    @classmethod
    def name(cls) -> str:
        return "LinalgInvExBackward0"


def cofactors(a):
    """The cofactor matrix C[i, j] = (-1)^(i+j) det(A without row i and column j), from one batch of
    the n^2 minors (gathered by indexing) and one Det: differentiable, and defined for singular A."""
    n = a.shape[-1]
    if n == 1:
        return a * 0.0 + 1.0
    keep = np.array([[k for k in range(n) if k != i] for i in range(n)])  # keep[i]: the indices but i
    rows = keep[:, None, :, None]      # (n, 1, n-1, 1): minor (i, j) takes rows keep[i] ...
    cols = keep[None, :, None, :]      # (1, n, 1, n-1): ... and columns keep[j]
    minors = a[(Ellipsis, rows, cols)]  # (..., n, n, n-1, n-1)
    signs = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return Det.apply(minors) * signs


class Det(Primitive):
    """z = det(A).   dz/dA = adj(A)^T = z A^-T   (Jacobi's formula). From the inverse when every
    matrix is invertible; else from the cofactors (cofactors()), which a singular A also has
    (PyTorch's gradient there is the same adjugate, computed from an SVD)."""

    @staticmethod
    def forward(ctx, a):
        z = np.asarray(np.linalg.det(a))
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if np.all(np.isfinite(np.linalg.cond(a._data))) and np.all(z._data != 0):
            return (g * z)[..., None, None] * Inverse.apply(a).mT
        return g[..., None, None] * cofactors(a)

    @classmethod
    def name(cls) -> str:
        return "LinalgDetBackward0"


class LogAbsDet(Primitive):
    """z = log|det(A)| (slogdet's second output; the sign has no gradient).   dz/dA = A^-T."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.slogdet(a)[1])

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g[..., None, None] * Inverse.apply(a).mT

    @classmethod
    def name(cls) -> str:
        return "LinalgSlogdetBackward0"


class LinalgSolve(Primitive):
    """X = A^-1 B (B a batch of matrices; batch dims broadcast).
    dL/dB = A^-T g,   dL/dA = -(dL/dB) X^T."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            x = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = LinalgSolve.apply(a.mT, g)
        return (-(gb @ x.mT) if ctx.needs_input_grad[0] else None), gb

    @classmethod
    def name(cls) -> str:
        return "LinalgSolveExBackward0"


def triangle(a, upper: bool, unitriangular: bool):
    """The triangle of `a` a triangular solve reads (NumPy arrays and Tensors alike): the upper or
    lower one, without the diagonal when it is taken as ones."""
    offset = (1 if upper else -1) if unitriangular else 0
    if isinstance(a, np.ndarray):
        return np.triu(a, offset) if upper else np.tril(a, offset)
    return a.triu(offset) if upper else a.tril(offset)


class SolveTriangular(Primitive):
    """X = A^-1 B with A triangular: only its upper (or lower) triangle is read, and with
    unitriangular its diagonal is taken as ones.
    dL/dB = A^-T g (a triangular solve with the other triangle),
    dL/dA = -(dL/dB) X^T, kept on the triangle that was read."""

    @staticmethod
    def forward(ctx, a, b, upper=True, unitriangular=False):
        ctx.upper, ctx.unitriangular = upper, unitriangular
        matrix = triangle(a, upper, unitriangular)
        if unitriangular:
            matrix = matrix + np.eye(a.shape[-1], dtype=a.dtype)
        x = np.linalg.solve(matrix, b)  # (LAPACK's trtrs would skip the elimination; NumPy has no batched one)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = SolveTriangular.apply(a.mT, g, upper=not ctx.upper, unitriangular=ctx.unitriangular)
        ga = triangle(-(gb @ x.mT), ctx.upper, ctx.unitriangular) if ctx.needs_input_grad[0] else None
        return ga, gb

    @classmethod
    def name(cls) -> str:
        return "LinalgSolveTriangularBackward0"


def cholesky_failure(a: np.ndarray) -> tuple[int | None, int]:
    """(batch element, order) of the first leading minor that is not positive-definite, in the first
    matrix that has one; (None, 0) when all are positive-definite."""
    matrices = a.reshape(-1, *a.shape[-2:])
    for index, matrix in enumerate(matrices):
        for order in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:order, :order])
            except np.linalg.LinAlgError:
                return (index if a.ndim > 2 else None), order
    return None, 0


class Cholesky(Primitive):
    """L lower-triangular with A = L L^T (A symmetric positive-definite; its lower triangle is read).
    With phi = tril(L^T g) with its diagonal halved,
    dL/dA = sym(L^-T phi L^-1),  sym(X) = (X + X^T) / 2   (PyTorch's cholesky_backward)."""

    @staticmethod
    def forward(ctx, a, op="linalg.cholesky"):
        try:
            lower = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            batch, order = cholesky_failure(a)
            raise LinAlgError(f"{op}: {batch_prefix(batch)}The factorization could not be completed because the "
                              f"input is not positive-definite (the leading minor of order {order} is not "
                              "positive-definite).") from None
        ctx.save_for_backward(lower)
        return lower

    @staticmethod
    def backward(ctx, g):
        (lower,) = ctx.saved_tensors
        phi = (lower.mT @ g).tril()
        phi = phi - 0.5 * phi * np.eye(lower.shape[-1])
        left = SolveTriangular.apply(lower.mT, phi, upper=True)          # L^-T phi
        x = SolveTriangular.apply(lower.mT, left.mT, upper=True).mT      # L^-T phi L^-1
        return 0.5 * (x + x.mT)

    @classmethod
    def name(cls) -> str:
        return "LinalgCholeskyExBackward0"


class CholeskyFunction(Cholesky):
    """torch.cholesky (the older name): the same op, its node PyTorch's CholeskyBackward0."""

    @classmethod
    def name(cls) -> str:
        return "CholeskyBackward0"


class Pinv(Primitive):
    """Z = A^+, the Moore-Penrose pseudo-inverse: V diag(1/s) U^T over the singular values s above
    max(atol, rtol * max(s)) (with hermitian=True, from the eigenvalues instead).
    Its derivative (PyTorch's pinv_backward, for m <= n; the m > n one is its transpose):
    K = g^T Z,  dL/dA = -(Z K)^T + K Z^T - A Z K Z^T + Z^T Z (g^T - K A)."""

    @staticmethod
    def forward(ctx, a, atol=0.0, rtol=0.0, hermitian=False):
        if hermitian:
            values, vectors = np.linalg.eigh(a)
            limit = np.maximum(atol, rtol * np.abs(values).max(-1, keepdims=True, initial=0.0))
            inverted = np.where(np.abs(values) > limit, 1 / np.where(values == 0, 1, values), 0)
            z = (vectors * inverted[..., None, :]) @ np.swapaxes(vectors, -1, -2)
        else:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
            limit = np.maximum(atol, rtol * s.max(-1, keepdims=True, initial=0.0))
            inverted = np.where(s > limit, 1 / np.where(s == 0, 1, s), 0)
            z = np.swapaxes(vh, -1, -2) @ (inverted[..., None] * np.swapaxes(u, -1, -2))
        z = z.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, g):
        a, z = ctx.saved_tensors
        if a.shape[-2] <= a.shape[-1]:
            k = g.mT @ z
            k_zt = k @ z.mT
            return -(z @ k).mT + k_zt - (a @ z) @ k_zt + (z.mT @ z) @ (g.mT - k @ a)
        k = z @ g.mT
        zt_k = z.mT @ k
        return -(k @ z).mT + (g.mT - a @ k) @ z @ z.mT + zt_k - zt_k @ z @ a

    @classmethod
    def name(cls) -> str:
        return "LinalgPinvBackward0"


def qr_backward_tall(q, r, gq, gr):
    """dL/dA of A = Q R for m >= n (reduced): with M = R gR^T - gQ^T Q,
    dL/dA = (gQ + Q copyltu(M)) R^-T, copyltu(M) the symmetric matrix with M's lower triangle."""
    m = r @ gr.mT - gq.mT @ q
    lower = m.tril(-1)
    copyltu = lower + lower.mT + m * np.eye(m.shape[-1])
    return SolveTriangular.apply(r, (gq + q @ copyltu).mT, upper=True).mT


def unpack(packed, shapes):
    """The factors Factorisation.forward packed side by side, back in their shapes (arrays and Tensors
    alike: slices and reshapes, so for a Tensor the gradient of each factor flows to the packed one)."""
    batch, parts, start = tuple(packed.shape[:-1]), [], 0
    for shape in shapes:
        size = math.prod(shape)
        parts.append(packed[..., start:start + size].reshape(batch + tuple(shape)))
        start += size
    return parts


class Factorisation(Primitive):
    """A factorisation with several factors (QR, eigh, SVD) as a primitive with one output: forward
    packs the factors, each flattened over its matrix dimensions, side by side in one array, and the
    public function unpacks them (`unpack`). Backward gets the packed gradient and the packed factors
    it saved, unpacks both and calls `derivative(ctx, a, factors, grads)`.

    Why one output: backward reads the factors, and a second derivative differentiates through them.
    Saved as the op's one output they come back as a tensor whose node is the op, and the gradients
    of all the places that use a factor add up there, as any tensor's do. (As several outputs, a factor
    that a loss uses and backward reads reaches the op through two OutputOf nodes, and OutputOf keeps
    only the last gradient it is given.) The cost: a factor's grad_fn is the unpacking's view, not
    PyTorch's LinalgQrBackward0."""

    @staticmethod
    def shapes(shape: tuple, **options) -> list:
        raise NotImplementedError("shapes(input shape, **options): each factor's matrix shape")

    @staticmethod
    def factor(a, **options) -> tuple:
        raise NotImplementedError("factor(a, **options): the factors, NumPy arrays")

    @staticmethod
    def derivative(ctx, a, factors, grads):
        raise NotImplementedError("derivative(ctx, a, factors, grads): dL/dA with Tensor ops")

    @staticmethod
    def forward(ctx, a, **options):
        ctx.options = options
        batch = a.shape[:-2]
        factors = type(ctx).factor(a, **options)
        packed = np.concatenate([f.reshape(batch + (-1,)) for f in factors], -1)
        ctx.save_for_backward(a, packed)
        return packed

    @staticmethod
    def backward(ctx, g):
        a, packed = ctx.saved_tensors
        shapes = type(ctx).shapes(tuple(a.shape), **ctx.options)
        return type(ctx).derivative(ctx, a, unpack(packed, shapes), unpack(g, shapes))

    @classmethod
    def factors(cls, x, **options) -> list:
        """The factors of x, as Tensors (in the graph when x requires grad)."""
        return unpack(cls.apply(x, **options), cls.shapes(tuple(x.shape), **options))


class QR(Factorisation):
    """(Q, R) with A = Q R, Q orthonormal columns, R upper-triangular (LAPACK's signs, as PyTorch).
    mode 'reduced': Q m x k, R k x n (k = min(m, n)); 'complete': Q m x m; 'r': R only.
    Backward (m >= n): qr_backward_tall. For m < n, A = [X | Y] with X square: X = Q U gives dX from
    qr_backward_tall with gQ + Y gV^T for gQ, and dY = Q gV (V = Q^T Y, R = [U | V]).
    Not differentiable, as in PyTorch, when mode='complete' with m > n and when mode='r'."""

    @staticmethod
    def shapes(shape, mode="reduced"):
        rows, cols = shape[-2:]
        k = rows if mode == "complete" else min(rows, cols)
        return [(k, cols)] if mode == "r" else [(rows, k), (k, cols)]

    @staticmethod
    def factor(a, mode="reduced"):
        q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        return (r,) if mode == "r" else (q, r)

    @staticmethod
    def derivative(ctx, a, factors, grads):
        rows, cols = a.shape[-2], a.shape[-1]
        if ctx.options.get("mode") == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        if ctx.options.get("mode") == "complete" and rows > cols:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        (q, r), (gq, gr) = factors, grads
        if rows >= cols:
            return qr_backward_tall(q, r, gq, gr)
        y, gu, gv = a[..., rows:], gr[..., :rows], gr[..., rows:]
        gx = qr_backward_tall(q, r[..., :rows], gq + y @ gv.mT, gu)
        return concat_last(gx, q @ gv)

    @classmethod
    def name(cls) -> str:
        return "LinalgQrBackward0"


def concat_last(x, y):
    """[x | y] along the last axis, as a sum of two pads (creation.cat sits above this module)."""
    return x.pad((0, y.shape[-1])) + y.pad((x.shape[-1], 0))


def skew_over_gaps(x, values):
    """(x - x^T) / E with E[i, j] = values[j] - values[i] off the diagonal and 0 on it: the part of an
    eigenvector or singular-vector gradient that turns one vector towards another."""
    gaps = values.unsqueeze(-2) - values.unsqueeze(-1)
    eye = np.eye(values.shape[-1])
    return (x - x.mT) / (gaps + eye)  # (x - x^T has a zero diagonal: the 1s there only avoid 0 / 0)


class Eigh(Factorisation):
    """(L, V): the eigenvalues (ascending) and eigenvectors of a symmetric A = V diag(L) V^T; only the
    triangle UPLO names ('L' lower, 'U' upper) is read.
    dL/dA = V (diag(gL) + (K - K^T) / E) V^T,  K = V^T gV / 2,  E[i, j] = L_j - L_i   (skew_over_gaps)
    (PyTorch's linalg_eig_backward for Hermitian A: symmetric; infinite where two eigenvalues are equal,
    as there the eigenvectors are not defined)."""

    @staticmethod
    def shapes(shape, UPLO="L"):  # noqa: N803 -- PyTorch's argument name
        return [(shape[-1],), shape[-2:]]

    @staticmethod
    def factor(a, UPLO="L"):  # noqa: N803
        return np.linalg.eigh(a, UPLO=UPLO)

    @staticmethod
    def derivative(ctx, a, factors, grads):
        (values, vectors), (g_values, g_vectors) = factors, grads
        inner = skew_over_gaps(0.5 * (vectors.mT @ g_vectors), values)
        inner = inner + g_values.unsqueeze(-1) * np.eye(values.shape[-1])
        return vectors @ inner @ vectors.mT

    @classmethod
    def name(cls) -> str:
        return "LinalgEighBackward0"


class SVD(Factorisation):
    """(U, S, Vh) with A = U diag(S) Vh, S descending (LAPACK's gesdd, as PyTorch's CPU svd).
    Backward (PyTorch's svd_backward; with full_matrices, the columns of U and rows of Vh past
    k = min(m, n) get no gradient, as there):
      inner = (skew(U^T gU) S + S skew(V^T gV)) / E  with E[j, i] = S_i^2 - S_j^2, and gS on its diagonal;
      dL/dA = U inner Vh, plus (I - U U^T) gU S^-1 Vh when m > k, or U S^-1 gV^T (I - V V^T) when n > k."""

    @staticmethod
    def shapes(shape, full_matrices=True):
        rows, cols = shape[-2:]
        k = min(rows, cols)
        if full_matrices:
            return [(rows, rows), (k,), (cols, cols)]
        return [(rows, k), (k,), (k, cols)]

    @staticmethod
    def factor(a, full_matrices=True):
        return np.linalg.svd(a, full_matrices=full_matrices)

    @staticmethod
    def derivative(ctx, a, factors, grads):
        (u, s, vh), (gu, gs, gvh) = factors, grads
        k = s.shape[-1]
        u, vh, gu, gvh = u[..., :k], vh[..., :k, :], gu[..., :k], gvh[..., :k, :]
        rows, cols = u.shape[-2], vh.shape[-1]
        squares = s * s
        gaps = squares.unsqueeze(-2) - squares.unsqueeze(-1) + np.eye(k)  # 1 on the diagonal: no 0 / 0
        utgu, vtgv = u.mT @ gu, vh @ gvh.mT
        inner = ((utgu - utgu.mT) * s.unsqueeze(-2) + s.unsqueeze(-1) * (vtgv - vtgv.mT)) / gaps
        inner = inner + gs.unsqueeze(-1) * np.eye(k)
        if rows > k:
            gu_over_s = gu / s.unsqueeze(-2)
            return (u @ inner + gu_over_s - u @ (u.mT @ gu_over_s)) @ vh
        if cols > k:
            gvh_over_s = gvh / s.unsqueeze(-1)  # (gV S^-1)^T
            return u @ (inner @ vh + gvh_over_s - (gvh_over_s @ vh.mT) @ vh)
        return u @ inner @ vh

    @classmethod
    def name(cls) -> str:
        return "LinalgSvdBackward0"


def lu_arrays(a: np.ndarray):
    """LAPACK's getrf in NumPy, for a batch: Gaussian elimination with partial pivoting, a column at a
    time. Returns (LU, pivots, perm): L's strict lower triangle and U in one array, the 1-based row
    swapped with row j at step j (int32), and the order of A's rows in L U (A[perm] = L U)."""
    rows, cols = a.shape[-2:]
    batch = a.shape[:-2]
    lu = a.reshape(-1, rows, cols).astype(a.dtype, copy=True)
    count, steps = lu.shape[0], min(rows, cols)
    perm = np.tile(np.arange(rows), (count, 1))
    pivots = np.zeros((count, steps), dtype=np.int32)
    every = np.arange(count)
    for j in range(steps):
        best = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        pivots[:, j] = best + 1
        lu[every, j], lu[every, best] = lu[every, best].copy(), lu[every, j].copy()
        perm[every, j], perm[every, best] = perm[every, best].copy(), perm[every, j].copy()
        pivot = lu[:, j, j]
        lu[:, j + 1:, j] /= np.where(pivot == 0, 1, pivot)[:, None]  # a zero pivot: LAPACK leaves the column
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(a.shape), pivots.reshape(batch + (steps,)), perm.reshape(batch + (rows,))


def permutation_matrix(perm: np.ndarray, dtype) -> np.ndarray:
    """P with A = P A[perm]: P[i, j] = 1 where perm[j] = i (a batch of them for a batch of perms)."""
    return (perm[..., None, :] == np.arange(perm.shape[-1])[:, None]).astype(dtype)


class LU(Factorisation):
    """(L, U) of A[perm] = L U, L unit lower-triangular, U upper-triangular (the row order is a constant,
    linalg.lu_factor's pivots). For square A, with A' = L U and X = L^-1 dA' U^-1:
    dL = L tril(X, -1), dU = triu(X) U, so
    dL/dA' = L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T  (PyTorch's linalg_lu_backward), put back in A's
    row order. Rectangular matrices have no gradient here."""

    @staticmethod
    def shapes(shape):
        rows, cols = shape[-2:]
        k = min(rows, cols)
        return [(rows, k), (k, cols)]

    @staticmethod
    def factor(a):
        lu, _, _ = lu_arrays(a)
        k = min(a.shape[-2:])
        lower = np.tril(lu[..., :k], -1) + np.eye(a.shape[-2], k, dtype=a.dtype)
        return lower, np.triu(lu[..., :k, :])

    @staticmethod
    def derivative(ctx, a, factors, grads):
        (lower, upper), (g_lower, g_upper) = factors, grads
        if a.shape[-2] != a.shape[-1]:
            raise RuntimeError("linalg.lu: the derivative is implemented for square matrices only in tinygrad_edu")
        inner = (lower.mT @ g_lower).tril(-1) + (g_upper @ upper.mT).triu()
        left = SolveTriangular.apply(lower.mT, inner, upper=True, unitriangular=True)  # L^-T inner
        g_permuted = SolveTriangular.apply(upper, left.mT, upper=True).mT  # (L^-T inner) U^-T
        return permutation_matrix(lu_arrays(a._data)[2], a._data.dtype) @ g_permuted

    @classmethod
    def name(cls) -> str:
        return "LinalgLuBackward0"
