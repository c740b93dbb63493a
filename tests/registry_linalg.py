"""Registry entries (see op_registry.py) for the linear algebra of linalg_ops.py, linalg_methods.py and
linalg.py: inverse, det, slogdet, logdet, solve, solve_triangular, cholesky (and cholesky_solve,
cholesky_inverse), qr, pinv, lstsq, matrix_power, matrix_exp, multi_dot, svd, eigh, the singular-value
norms, cond, lu, lu_factor with lu_solve, and the products mv, inner, vdot, ger, addr, addbmm. NumPy is
the reference (its numpy.linalg, or the formula written out; SciPy's lu).

Inputs are well-conditioned so that finite differences mean something: square matrices are
0.5 X + 4 I (diagonally dominant: invertible, far from singular), and the ops that want a symmetric
positive-definite matrix are called on X X^T + I, built inside the entry so the gradient flows to X.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from hypothesis import strategies as st
from registry_core import register
from strategies import values

import tinygrad_edu as tg


def batch_shapes(draw, max_dims=1):
    return tuple(draw(st.lists(st.integers(1, 2), max_size=max_dims)))


def square(draw, n, batch=()):
    """0.5 X + 4 I: strictly diagonally dominant (|X| <= 2), so invertible and well-conditioned."""
    return 0.5 * values(draw, batch + (n, n), "real") + 4 * np.eye(n)


def sample_square(draw):
    return [square(draw, draw(st.integers(1, 3)), batch_shapes(draw))], {}


def sample_square_and_rhs(draw):
    n, batch = draw(st.integers(1, 3)), batch_shapes(draw)
    return [square(draw, n, batch), values(draw, batch + (n, draw(st.integers(1, 2))), "real")], {}


def sample_matrix(draw):
    shape = batch_shapes(draw) + (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return [values(draw, shape, "real")], {}


def sample_triangular(draw):
    (a, b), _ = sample_square_and_rhs(draw)
    return [a, b], {"upper": draw(st.booleans()), "unitriangular": draw(st.booleans())}


def sample_qr(draw):
    (a,), _ = sample_matrix(draw)
    # full rank (QR's derivative divides by R's diagonal), and no column exactly 0 below the diagonal:
    # there LAPACK skips the reflection, and Q's sign jumps (as PyTorch's)
    rows, cols = a.shape[-2:]
    a = a + 3 * np.eye(rows, cols) + np.sqrt(0.02) * np.arange(1, rows * cols + 1).reshape(rows, cols) / (rows * cols)
    mode = "complete" if a.shape[-2] <= a.shape[-1] and draw(st.booleans()) else "reduced"
    return [a], {"mode": mode}


def sample_full_rank(draw):
    """An m x n matrix with well-separated singular values (pinv's derivative is smooth there)."""
    (a,), _ = sample_matrix(draw)
    return [0.5 * a + 3 * np.eye(*a.shape[-2:])], {}


def sample_lstsq(draw):
    (a,), _ = sample_full_rank(draw)
    return [a, values(draw, a.shape[:-1] + (draw(st.integers(1, 2)),), "real")], {}


def sample_separated(draw):
    """An m x n matrix 0.1 X + 1.5 diag(1, 2, ...) (+ an irrational 0.01 sqrt(2) k in each element k, so
    that no entry is exactly 0, where LAPACK's choice of signs jumps): its singular values stay about
    1.5 - 2 * 0.6 apart (||0.1 X||_2 <= 0.6), where the singular vectors' derivative (which divides by
    their gaps) is tame."""
    shape = batch_shapes(draw) + (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    rows, cols = shape[-2:]
    offset = np.zeros((rows, cols))
    np.fill_diagonal(offset, 1.5 * np.arange(1, min(rows, cols) + 1))
    offset = offset + 0.01 * np.sqrt(2) * np.arange(1, rows * cols + 1).reshape(rows, cols)
    return [0.1 * values(draw, shape, "real") + offset], {}


def sample_svd(draw):
    (a,), _ = sample_separated(draw)
    full = a.shape[-2] == a.shape[-1] and draw(st.booleans())  # (extra columns of U or V have no gradient)
    return [a], {"full_matrices": full}


def sample_symmetric_half(draw):
    """x with x + x^T = 0.05 (X + X^T) + diag(1.5, 3, ...) (+ sample_separated's irrational offsets): its
    eigenvalues stay about 1.5 - 2 * 0.6 apart."""
    n = draw(st.integers(1, 3))
    offset = np.diag(0.75 * np.arange(1, n + 1)) + 0.01 * np.sqrt(2) * np.arange(1, n * n + 1).reshape(n, n)
    return [0.05 * values(draw, batch_shapes(draw) + (n, n), "real") + offset], {
        "UPLO": draw(st.sampled_from(["L", "U"]))}


def sample_norm_ord(draw):
    (a,), _ = sample_separated(draw)
    return [a], {"ord": draw(st.sampled_from([2, -2, "nuc"]))}


def sample_power(draw):
    (a,), _ = sample_square(draw)
    return [a], {"n": draw(st.integers(-2, 5))}


def sample_exp(draw):
    """Norms below and above 1, so matrix_exp runs with and without squarings."""
    n = draw(st.integers(1, 3))
    return [values(draw, batch_shapes(draw) + (n, n), "real") * draw(st.sampled_from([0.2, 1.0, 2.0]))], {}


def sample_chain(draw):
    sizes = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(3, 5)))]
    arrays = [values(draw, (sizes[i], sizes[i + 1]), "real") for i in range(len(sizes) - 1)]
    if draw(st.booleans()):
        arrays[0] = arrays[0][0]
    if draw(st.booleans()):
        arrays[-1] = arrays[-1][:, 0]
    return arrays, {}


def sample_mv(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return [values(draw, (m, n), "real"), values(draw, (n,), "real")], {}


def sample_inner(draw):
    k = draw(st.integers(1, 3))
    shape_x, shape_y = batch_shapes(draw, 2) + (k,), batch_shapes(draw, 2) + (k,)
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real")], {}


def sample_vdot(draw):
    n = draw(st.integers(1, 4))
    return [values(draw, (n,), "real"), values(draw, (n,), "real")], {}


def sample_addr(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kwargs = {"beta": draw(st.sampled_from([1, 0.5, 0])), "alpha": draw(st.sampled_from([1, -2.0]))}
    return [values(draw, (m, n), "real"), values(draw, (m,), "real"), values(draw, (n,), "real")], kwargs


def sample_addbmm(draw):
    b, m, k, n = (draw(st.integers(1, 3)) for _ in range(4))
    kwargs = {"beta": draw(st.sampled_from([1, 0.5, 0])), "alpha": draw(st.sampled_from([1, -2.0]))}
    return [values(draw, (m, n), "real"), values(draw, (b, m, k), "real"), values(draw, (b, k, n), "real")], kwargs


# ---------------------------------------------------------------- NumPy references

def spd(x):
    """X X^T + I (Tensor or array): symmetric positive-definite."""
    eye = np.eye(x.shape[-1])
    if isinstance(x, np.ndarray):
        return x @ np.swapaxes(x, -1, -2) + eye
    return x @ x.mT + tg.tensor(eye)


def np_triangular(a, b, upper, unitriangular):
    offset = (1 if upper else -1) if unitriangular else 0
    matrix = np.triu(a, offset) if upper else np.tril(a, offset)
    return np.linalg.solve(matrix + (np.eye(a.shape[-1]) if unitriangular else 0), b)


def np_qr(a, mode):
    return np.linalg.qr(a, mode=mode)


def np_power(a, n):
    return np.linalg.matrix_power(a, n)


def np_expm(a):
    """e^A from the eigendecomposition of A (diagonalisable with probability 1), NumPy only."""
    values_, vectors = np.linalg.eig(a)
    return np.real(vectors @ (np.exp(values_)[..., None] * np.linalg.inv(vectors)))


def np_chain(*arrays):
    return np.linalg.multi_dot(arrays)


def np_inner(x, y):
    return np.inner(x, y)


def np_addr(x, v1, v2, beta, alpha):
    return (beta * x if beta else 0) + alpha * np.outer(v1, v2)


def np_addbmm(x, b1, b2, beta, alpha):
    return (beta * x if beta else 0) + alpha * (b1 @ b2).sum(0)


def cholesky_factor(x):
    """A lower-triangular factor with a diagonal far from 0, from x: tril(x) + 3 I."""
    return x.tril() + tg.tensor(3 * np.eye(x.shape[-1])) if not isinstance(x, np.ndarray) else \
        np.tril(x) + 3 * np.eye(x.shape[-1])


def np_lu(a):
    """SciPy's (L, U) of A = P L U (partial pivoting, LAPACK's getrf, as PyTorch), matrix by matrix."""
    matrices = a.reshape(-1, *a.shape[-2:])
    factors = [scipy.linalg.lu(m)[1:] for m in matrices]
    return tuple(np.stack([f[i] for f in factors]).reshape(a.shape) for i in range(2))


def np_lu_solve(a, b, left, adjoint):
    matrix = np.swapaxes(a, -1, -2) if adjoint else a
    if left:
        return np.linalg.solve(matrix, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(matrix, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def sample_lu_solve(draw):
    (a, b), _ = sample_square_and_rhs(draw)
    left = draw(st.booleans())
    # (contiguous: gradcheck nudges an input through a reshape(-1) view, which a transposed array does not give)
    b = b if left else np.ascontiguousarray(np.swapaxes(b, -1, -2))
    return [a, b], {"left": left, "adjoint": draw(st.booleans())}


def spd_of_factor(a):
    factor = cholesky_factor(a)
    return factor @ np.swapaxes(factor, -1, -2)


register("inverse", lambda x: x.inverse(), np.linalg.inv, sample_square, covers=("inverse", "linalg.inv"))
register("det", lambda x: x.det(), np.linalg.det, sample_square, covers=("det", "linalg.det"))
register("slogdet", lambda x: x.slogdet().logabsdet, lambda a: np.linalg.slogdet(a)[1], sample_square,
         covers=("slogdet", "linalg.slogdet"))
register("logdet", lambda x: x.logdet(), lambda a: np.log(np.linalg.det(a)), sample_square)
register("linalg.solve", lambda a, b: tg.linalg.solve(a, b), np.linalg.solve, sample_square_and_rhs)
register("linalg.solve_triangular", lambda a, b, **kw: tg.linalg.solve_triangular(a, b, **kw), np_triangular,
         sample_triangular)
register("linalg.cholesky", lambda x: tg.linalg.cholesky(spd(x)), lambda a: np.linalg.cholesky(spd(a)),
         sample_square)
register("cholesky", lambda x: spd(x).cholesky(upper=True),
         lambda a: np.swapaxes(np.linalg.cholesky(spd(a)), -1, -2), sample_square)
register("cholesky_solve", lambda b, x: b.cholesky_solve(cholesky_factor(x)),
         lambda b, a: np.linalg.solve(spd_of_factor(a), b),
         lambda draw: (sample_square_and_rhs(draw)[0][::-1], {}))
register("cholesky_inverse", lambda x: cholesky_factor(x).cholesky_inverse(),
         lambda a: np.linalg.inv(spd_of_factor(a)), sample_square)
register("linalg.qr", lambda x, **kw: tuple(tg.linalg.qr(x, **kw)), np_qr, sample_qr, covers=("linalg.qr", "qr"))
register("linalg.pinv", lambda x: tg.linalg.pinv(x), np.linalg.pinv, sample_full_rank,
         covers=("linalg.pinv", "pinverse"))
register("linalg.pinv hermitian", lambda x: tg.linalg.pinv(x + x.mT, hermitian=True),
         lambda a: np.linalg.pinv(a + np.swapaxes(a, -1, -2), hermitian=True), sample_square)
register("linalg.lstsq", lambda a, b: tg.linalg.lstsq(a, b).solution, lambda a, b: np.linalg.pinv(a) @ b,
         sample_lstsq)
register("matrix_power", lambda x, n: x.matrix_power(n), np_power, sample_power,
         covers=("matrix_power", "linalg.matrix_power"))
register("matrix_exp", lambda x: x.matrix_exp(), np_expm, sample_exp, covers=("matrix_exp", "linalg.matrix_exp"))
register("linalg.multi_dot", lambda *xs: tg.linalg.multi_dot(xs), np_chain, sample_chain)
register("mv", lambda a, v: a.mv(v), np.dot, sample_mv)
register("inner", lambda x, y: x.inner(y), np_inner, sample_inner)
register("vdot", lambda x, y: x.vdot(y), np.vdot, sample_vdot)
register("ger", lambda x, y: x.ger(y), np.outer, sample_vdot)
register("addr", lambda x, v1, v2, **kw: x.addr(v1, v2, **kw), np_addr, sample_addr)
register("addbmm", lambda x, b1, b2, **kw: x.addbmm(b1, b2, **kw), np_addbmm, sample_addbmm)
register("linalg.svd", lambda x, **kw: tuple(tg.linalg.svd(x, **kw)), np.linalg.svd, sample_svd,
         covers=("linalg.svd", "linalg.svdvals"))
register("svd", lambda x: tuple(x.svd()),
         lambda a: (lambda u, s, vh: (u, s, np.swapaxes(vh, -1, -2)))(*np.linalg.svd(a, full_matrices=False)),
         sample_separated)
register("linalg.eigh", lambda x, **kw: tuple(tg.linalg.eigh(x + x.mT, **kw)),
         lambda a, UPLO: np.linalg.eigh(a + np.swapaxes(a, -1, -2), UPLO=UPLO), sample_symmetric_half,  # noqa: N803
         covers=("linalg.eigh", "linalg.eigvalsh"))
register("linalg.matrix_norm singular", lambda x, **kw: tg.linalg.matrix_norm(x, **kw),
         lambda a, ord: np.linalg.norm(a, ord, axis=(-2, -1)), sample_norm_ord)
register("linalg.cond", lambda x: tg.linalg.cond(x), np.linalg.cond,
         lambda draw: ([sample_separated(draw)[0][0][..., :2, :2]], {}))
register("linalg.lu", lambda x: tuple(tg.linalg.lu(x))[1:], np_lu, sample_square, covers=("linalg.lu",))
register("linalg.lu_factor and lu_solve", lambda a, b, **kw: tg.linalg.lu_solve(*tg.linalg.lu_factor(a), b, **kw),
         np_lu_solve, sample_lu_solve, covers=("linalg.lu_factor", "linalg.lu_solve"))
