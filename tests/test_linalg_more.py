"""The linear algebra of linalg_ops.py, linalg_methods.py and linalg.py against PyTorch 2.13.

`CASES` is a table of calls, written once for either library; `EXPECTED` is what torch 2.13 gives
for each (the value, the gradient of sum(value * cos(0, 1, 2, ...)) and the node's name), written
out. test_cases_match_the_table checks tinygrad_edu against the table (torch-free, for CI) and
test_the_table_is_pytorchs checks the table against torch itself. The other tests check
identities (Q R = A, Q^T Q = I, L L^T = A, Penrose's conditions) and NumPy's values, and the
errors, named tuples and options, each with its torch twin where torch is needed to say so.
The registry (tests/registry_linalg.py) gradchecks each op to second order.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

SPD = [[2.0, 1.0], [1.0, 3.0]]
B = [[1.0, 2.0], [3.0, 4.0]]
WIDE = [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]]
TALL = [[1.0, 0.0], [2.0, 1.0], [0.0, 1.0]]
LOWER = [[2.0, 0.0], [1.0, 3.0]]
SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]
CONST = [[0.5, -1.0], [2.0, 1.5]]

CASES = {
    "det": (lambda lib, x: lib.det(x), B),
    "det singular": (lambda lib, x: lib.linalg.det(x), SINGULAR),
    "logdet": (lambda lib, x: lib.logdet(x), SPD),
    "slogdet": (lambda lib, x: lib.linalg.slogdet(x).logabsdet, B),
    "inverse": (lambda lib, x: lib.inverse(x), B),
    "linalg.solve": (lambda lib, x: lib.linalg.solve(x, lib.tensor(CONST, dtype=lib.float64)), B),
    "linalg.solve left=False": (lambda lib, x: lib.linalg.solve(x, lib.tensor(CONST, dtype=lib.float64),
                                                                left=False), B),
    "linalg.solve vector": (lambda lib, x: lib.linalg.solve(x, x[0]), B),
    "solve_triangular lower": (lambda lib, x: lib.linalg.solve_triangular(x, lib.tensor(CONST, dtype=lib.float64),
                                                                           upper=False), B),
    "solve_triangular upper right unit": (lambda lib, x: lib.linalg.solve_triangular(
        x, lib.tensor(CONST, dtype=lib.float64), upper=True, left=False, unitriangular=True), B),
    "linalg.cholesky": (lambda lib, x: lib.linalg.cholesky(x), SPD),
    "linalg.cholesky upper": (lambda lib, x: lib.linalg.cholesky(x, upper=True), SPD),
    "cholesky_solve": (lambda lib, x: lib.cholesky_solve(lib.tensor(CONST, dtype=lib.float64), x), LOWER),
    "cholesky_inverse": (lambda lib, x: lib.cholesky_inverse(x), LOWER),
    "qr Q": (lambda lib, x: lib.linalg.qr(x).Q, B),
    "qr R": (lambda lib, x: lib.linalg.qr(x).R, B),
    "qr wide": (lambda lib, x: lib.cat(tuple(lib.linalg.qr(x)), 1), WIDE),
    "qr tall": (lambda lib, x: lib.cat(tuple(lib.linalg.qr(x)), 0), TALL),
    "pinv wide": (lambda lib, x: lib.linalg.pinv(x), WIDE),
    "pinv tall": (lambda lib, x: lib.linalg.pinv(x), TALL),
    "pinv hermitian": (lambda lib, x: lib.linalg.pinv(x, hermitian=True), SPD),
    "pinverse": (lambda lib, x: lib.pinverse(x), B),
    "lstsq": (lambda lib, x: lib.linalg.lstsq(x, lib.tensor(TALL, dtype=lib.float64)).solution, TALL),
    "matrix_power 3": (lambda lib, x: lib.matrix_power(x, 3), B),
    "matrix_power -2": (lambda lib, x: lib.linalg.matrix_power(x, -2), B),
    "matrix_exp": (lambda lib, x: lib.matrix_exp(x), B),
    "multi_dot": (lambda lib, x: lib.linalg.multi_dot([x[0], x.mT, x, x[1]]), WIDE),
    "mv": (lambda lib, x: lib.mv(x, x[0]), B),
    "inner": (lambda lib, x: lib.inner(x, x), WIDE),
    "vdot": (lambda lib, x: lib.vdot(x[0], x[1]), B),
    "ger": (lambda lib, x: lib.ger(x[0], x[:, 1]), WIDE),
    "addr": (lambda lib, x: lib.addr(x, x[0], x[1], beta=0.5, alpha=2.0), B),
    "addbmm": (lambda lib, x: lib.addbmm(x, x[None], x.mT[None], alpha=-1.0), B),
    "chain_matmul": (lambda lib, x: lib.chain_matmul(x, x.mT, x), WIDE),
    "vecdot": (lambda lib, x: lib.linalg.vecdot(x, x.flip(0)), WIDE),
    "cond fro": (lambda lib, x: lib.linalg.cond(x, "fro"), B),
    "cond 1": (lambda lib, x: lib.linalg.cond(x, 1), B),
    "vander": (lambda lib, x: lib.linalg.vander(x[0], N=4), WIDE),
    "tensorinv": (lambda lib, x: lib.linalg.tensorinv(x.reshape(2, 1, 2), ind=2), B),
    "tensorsolve": (lambda lib, x: lib.linalg.tensorsolve(x, x[1]), B),
    "inv_ex": (lambda lib, x: lib.linalg.inv_ex(x).inverse, B),
    "solve_ex": (lambda lib, x: lib.linalg.solve_ex(x, x.mT).result, B),
    "cholesky_ex": (lambda lib, x: lib.linalg.cholesky_ex(x).L, SPD),
    "svdvals": (lambda lib, x: lib.linalg.svdvals(x), WIDE),
    "svd squares": (lambda lib, x: lib.cat([lib.linalg.svd(x, full_matrices=False).U ** 2,
                                            lib.linalg.svd(x, full_matrices=False).Vh.mT ** 2], 0), TALL),
    "torch.svd": (lambda lib, x: lib.svd(x).V ** 2 + lib.svd(x).S, B),
    "eigh": (lambda lib, x: lib.linalg.eigh(x).eigenvectors ** 2 + lib.linalg.eigh(x).eigenvalues, SPD),
    "eigvalsh upper": (lambda lib, x: lib.linalg.eigvalsh(x, UPLO="U"), B),
    "matrix_norm nuc": (lambda lib, x: lib.linalg.matrix_norm(x, "nuc"), WIDE),
    "matrix_norm 2": (lambda lib, x: lib.linalg.matrix_norm(x, 2), B),
    "cond": (lambda lib, x: lib.linalg.cond(x), B),
    "lu": (lambda lib, x: lib.cat(tuple(lib.linalg.lu(x))[1:], 0), B),
    "lu batch": (lambda lib, x: lib.linalg.lu(lib.stack([x, x.flip(0)])).U, B),
    "lu_factor": (lambda lib, x: lib.linalg.lu_factor(x).LU, B),
    "lu_solve": (lambda lib, x: lib.linalg.lu_solve(*lib.linalg.lu_factor(x), lib.tensor(CONST, dtype=lib.float64)),
                 B),
    "lu_solve adjoint right": (lambda lib, x: lib.linalg.lu_solve(*lib.linalg.lu_factor(x), x * 2, adjoint=True,
                                                                  left=False), B),
}


EXPECTED = {  # label: (value, gradient of sum(value * cos(0, 1, 2, ...)), PyTorch node name)
    'det': (-2.0, [[4.0, -3.0], [-2.0, 1.0]], 'LinalgDetBackward0'),
    'det singular': (0.0, [[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]], 'LinalgDetBackward0'),
    'logdet': (1.60943791243, [[0.6, -0.2], [-0.2, 0.4]], 'WhereBackward0'),
    'slogdet': (0.69314718056, [[-2.0, 1.5], [1.0, -0.5]], 'LinalgSlogdetBackward0'),
    'inverse': ([[-2.0, 1.0], [1.5, -0.5]], [[-2.682847153, 2.65353370391], [1.38084828238, -1.29446085033]],
        'LinalgInvExBackward0'),
    'linalg.solve': ([[1.0, 3.5], [-0.25, -2.25]], [[11.60379700305, -6.42864011614], [-4.83161835786,
        2.63144010145]], 'LinalgSolveExBackward0'),
    'linalg.solve left=False': ([[-2.5, 1.0], [-1.75, 1.25]], [[-3.92521717647, 2.84848010625], [1.65682122351,
        -1.06831883892]], 'LinalgSolveExBackward0'),
    'linalg.solve vector': ([0.0, 0.5], [[-1.1895465412, 1.32462211766], [0.0, -0.36492442353]],
        'LinalgSolveExBackward0'),
    'solve_triangular lower': ([[0.5, -1.0], [0.125, 1.125]], [[0.62674161461, 0.0], [-0.19547976958,
        0.29143997831]], 'LinalgSolveTriangularBackward0'),
    'solve_triangular upper right unit': ([[0.5, -2.0], [2.0, -2.5]], [[0.0, 1.70983384027], [0.0, 0.0]],
        'LinalgSolveTriangularBackward0'),
    'linalg.cholesky': ([[1.41421356237, 0.0], [0.70710678119, 1.58113883008]], [[0.34885267422, 0.00940143274],
        [0.00940143274, -0.31306311557]], 'LinalgCholeskyExBackward0'),
    'linalg.cholesky upper': ([[1.41421356237, 0.70710678119], [0.0, 1.58113883008]], [[0.17977475561,
        0.34755726997], [0.34755726997, -0.31306311557]], 'LinalgCholeskyExBackward0'),
    'cholesky_solve': ([[0.02777777778, -0.36111111111], [0.19444444444, 0.22222222222]], [[0.11098321099,
        -0.45544676518], [-0.20181526906, 0.30544772319]], 'CholeskySolveBackward0'),
    'cholesky_inverse': ([[0.27777777778, -0.05555555556], [-0.05555555556, 0.11111111111]], [[-0.27432901474,
        0.04328073936], [0.04865802948, 0.05941260972]], 'CholeskyInverseBackward0'),
    'qr Q': ([[-0.31622776602, -0.94868329805], [-0.94868329805, 0.31622776602]], [[-0.55458337142, 0.0],
        [0.18486112381, 0.0]], 'LinalgQrBackward0'),
    'qr R': ([[-3.16227766017, -4.42718872424], [0.0, -0.63245553203]], [[-1.73360800612, 0.76833075556],
        [-0.47622321802, -0.82563888905]], 'LinalgQrBackward0'),
    'qr wide': ([[1.0, 0.0, 1.0, 2.0, 0.0], [0.0, 1.0, 0.0, 1.0, 1.0]], [[-0.41614683655, -0.9899924966,
        -0.65364362086], [-1.60927617025, -0.14550003381, -0.91113026188]], 'CatBackward0'),
    'qr tall': ([[-0.4472135955, 0.36514837167], [-0.894427191, -0.18257418584], [0.0, -0.91287092918],
        [-2.2360679775, -0.894427191], [0.0, -1.09544511501]], [[-0.20198259039, -1.38623135901], [-0.97251172027,
        -0.14977266505], [-0.49710799203, 0.47355518392]], 'CatBackward0'),
    'pinv wide': ([[0.33333333333, -0.33333333333], [0.33333333333, 0.16666666667], [-0.33333333333,
        0.83333333333]], [[-0.2847339154, -0.06388250635, 0.30833329842], [0.73768715542, 0.1048535007,
        0.00386086281]], 'LinalgPinvBackward0'),
    'pinv tall': ([[0.33333333333, 0.33333333333, -0.33333333333], [-0.33333333333, 0.16666666667, 0.83333333333]],
        [[-0.19972415565, -0.05641185961], [-0.22621277924, 0.32324191955], [0.86864554688, -0.78068396949]],
        'LinalgPinvBackward0'),
    'pinv hermitian': ([[0.6, -0.2], [-0.2, 0.4]], [[-0.30550164382, -0.07222607967], [0.11906374881, 0.128331237]],
        'LinalgPinvBackward0'),
    'pinverse': ([[-2.0, 1.0], [1.5, -0.5]], [[-2.682847153, 2.65353370391], [1.38084828238, -1.29446085033]],
        'LinalgPinvBackward0'),
    'lstsq': ([[1.0, 0.0], [0.0, 1.0]], [[-0.47204894552, -0.51009826749], [-0.26397552724, -0.01510201919],
        [0.68012236379, 1.00509451579]], 'LinalgLstsqBackward0'),
    'matrix_power 3': ([[37.0, 54.0], [81.0, 118.0]], [[8.05302963297, 5.35485715651], [-17.39150132139,
        -54.91007287717]], 'MmBackward0'),
    'matrix_power -2': ([[5.5, -2.5], [-3.75, 1.75]], [[15.4561947395, -12.59979626478], [-7.42942870928,
        6.01926697781]], 'MmBackward0'),
    'matrix_exp': ([[51.96895619871, 74.736564567], [112.1048468505, 164.07380304921]], [[-1.21585961045,
        -19.75012725892], [-42.17755668816, -115.51875730849]], 'LinalgMatrixExpBackward0'),
    'multi_dot': (14.0, [[4.0, 15.0, 7.0], [7.0, 18.0, 4.0]], 'ViewBackward0'),
    'mv': ([5.0, 11.0], [[3.6209069176, 6.16120922347], [0.54030230587, 1.08060461174]], 'MvBackward0'),
    'inner': ([[5.0, 2.0], [2.0, 2.0]], [[2.0, 4.12415546932, 0.12415546932], [0.12415546932, -1.73167405456,
        -1.9799849932]], 'ViewBackward0'),
    'vdot': (11.0, [[3.0, 4.0], [1.0, 2.0]], 'VdotBackward0'),
    'ger': ([[2.0, 1.0], [4.0, 2.0], [0.0, 0.0]], [[2.54030230587, -1.65457984279, -1.02362505626], [0.0,
        -1.43968268733, 0.0]], 'MulBackward0'),
    'addr': ([[6.5, 9.0], [13.5, 18.0]], [[10.82241844695, -10.14666983915], [0.12733923554, -3.37436162297]],
        'AddrBackward0'),
    'addbmm': ([[-4.0, -9.0], [-8.0, -21.0]], [[-1.37246640796, -3.95631957142], [5.39965267373, 6.68163653756]],
        'AddbmmBackward0'),
    'chain_matmul': ([[5.0, 12.0, 2.0], [2.0, 6.0, 2.0]], [[7.18122423027, 7.54351846555, -3.68653408082],
        [-2.15310926221, -5.31289403881, -1.00493217297]], 'ViewBackward0'),
    'vecdot': ([2.0, 2.0], [[0.0, 1.54030230587, 1.54030230587], [1.54030230587, 3.08060461174, 0.0]],
        'SumBackward1'),
    'cond fro': (15.0, None, None),
    'cond 1': (21.0, None, None),
    'vander': ([[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 4.0, 8.0], [1.0, 0.0, 0.0, 0.0]], [[-3.26196885703, 13.17117038418,
        -0.91113026188], [0.0, 0.0, 0.0]], 'CatBackward0'),
    'tensorinv': ([[[-2.0], [1.0]], [[1.5], [-0.5]]], [[-2.682847153, 2.65353370391], [1.38084828238,
        -1.29446085033]], 'ReshapeAliasBackward0'),
    'tensorsolve': ([-2.0, 2.5], [[-2.3790930824, 2.97386635299], [0.27015115293, -1.0947732706]], 'ViewBackward0'),
    'inv_ex': ([[-2.0, 1.0], [1.5, -0.5]], [[-2.682847153, 2.65353370391], [1.38084828238, -1.29446085033]],
        'LinalgInvExBackward0'),
    'solve_ex': ([[0.0, -2.0], [0.5, 2.5]], [[-7.75540696809, 8.93416693728], [-0.4949962483, -2.15698454039]],
        'LinalgSolveExBackward0'),
    'cholesky_ex': ([[1.41421356237, 0.0], [0.70710678119, 1.58113883008]], [[0.34885267422, 0.00940143274],
        [0.00940143274, -0.31306311557]], 'LinalgCholeskyExBackward0'),
    'svdvals': ([2.44948974278, 1.0], [[0.43465909354, 0.81649658093, -0.05282160616], [-0.05282160616,
        0.40824829046, 0.51389150279]], 'LinalgSvdBackward0'),
    'svd squares': ([[0.13333333333, 0.2], [0.83333333333, 0.0], [0.03333333333, 0.8], [0.8, 0.2], [0.2, 0.8]],
        [[0.34235262406, 0.05232742307], [-0.20706521985, 0.11262540849], [0.03715370328, -0.04084759284]],
        'CatBackward0'),
    'torch.svd': ([[5.79681750572, 1.03413438913], [6.13315390272, 0.69779799213]], [[0.46638618897, -0.0382315807],
        [0.1437902698, 0.55122098715]], 'AddBackward0'),
    'eigh': ([[2.105572809, 3.894427191], [1.6583592135, 4.3416407865]], [[0.31860821503, -0.45200493508],
        [-0.45200493508, -0.18444524231]], 'AddBackward0'),
    'eigvalsh upper': ([0.0, 5.0], [[0.90806046117, -0.18387907765], [-0.18387907765, 0.63224184469]],
        'LinalgEighBackward0'),
    'matrix_norm nuc': (3.44948974278, [[0.52659863237, 0.81649658093, -0.23670068381], [-0.23670068381,
        0.40824829046, 0.88164965809]], 'SumBackward1'),
    'matrix_norm 2': (5.46498570422, [[0.23304246013, 0.33068839529], [0.52680453043, 0.74753821556]],
        'AmaxBackward0'),
    'cond': (14.93303437366, [[31.13964246041, -20.59234420769], [-12.05405514597, 11.55180284822]],
        'SqueezeBackward1'),
    'lu': ([[1.0, 0.0], [0.33333333333, 1.0], [3.0, 4.0], [0.0, 0.66666666667]], [[-1.14391861797, 0.75390225434],
        [-0.27233741487, 0.03236143402]], 'CatBackward0'),
    'lu batch': ([[[3.0, 4.0], [0.0, 0.66666666667]], [[3.0, 4.0], [0.0, 0.66666666667]]], [[0.31478698968,
        -0.23609024226], [0.24142738258, 0.90266123875]], 'LinalgLuBackward0'),
    'lu_factor': ([[3.0, 4.0], [0.33333333333, 0.66666666667]], [[1.18127438328, -0.9899924966], [0.60624187224,
        0.87029980473]], 'LinalgLuFactorExBackward0'),
    'lu_solve': ([[1.0, 3.5], [-0.25, -2.25]], [[11.60379700305, -6.42864011614], [-4.83161835786, 2.63144010145]],
        'LinalgLuSolveBackward0'),
    'lu_solve adjoint right': ([[0.0, 1.0], [-4.0, 5.0]], [[-4.98987336962, 5.91271959436], [-0.9899924966,
        -0.96639708233]], 'LinalgLuSolveBackward0'),
}

# Where the gradient is not PyTorch's, on purpose: above the diagonal of a Cholesky factor, which the
# op never reads, PyTorch puts a gradient and this library 0 (the lower triangles agree); and
# PyTorch's cond raises in backward for these norms (an in-place change of its own saved inverse).
LOWER_TRIANGLE_ONLY = {"cholesky_solve", "cholesky_inverse"}
# Calls whose node is the primitive's, with PyTorch's name (the others end in a transpose, matmul ...;
# QR's, SVD's and eigh's factors in the view that unpacks them: linalg_ops.Factorisation says why).
SAME_NODE = {"det", "det singular", "slogdet", "inverse", "linalg.solve", "solve_triangular lower",
             "linalg.cholesky", "pinv wide", "pinv tall", "pinv hermitian", "pinverse", "mv",
             "ger", "vecdot", "inv_ex", "solve_ex", "cholesky_ex", "qr wide", "qr tall", "vander"}


def run(lib, label):
    """(value, gradient, node name) of CASES[label] in lib; no gradient where EXPECTED has none."""
    call, data = CASES[label]
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # chain_matmul's deprecation
        out = call(lib, x)
    if EXPECTED[label][1] is None:
        return out.detach().numpy(), None, None
    weights = lib.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)), dtype=lib.float64)
    (grad,) = lib.autograd.grad((out * weights).sum(), [x])
    return out.detach().numpy(), grad.numpy(), out.grad_fn.name()


def check_against(label, value, grad, name, expected):
    want_value, want_grad, want_name = expected
    np.testing.assert_allclose(value, want_value, rtol=1e-9, atol=1e-9, err_msg=label)
    if want_grad is not None:
        got, want = np.asarray(grad), np.asarray(want_grad)
        if label in LOWER_TRIANGLE_ONLY and name != want_name:  # (ours: upper triangle 0)
            assert not np.triu(got, 1).any(), label
            got, want = np.tril(got), np.tril(want)
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-9, err_msg=label)


@pytest.mark.parametrize("label", CASES)
def test_cases_match_the_table(label):
    value, grad, name = run(tg, label)
    check_against(label, value, grad, name, EXPECTED[label])
    if label in SAME_NODE:
        assert name == EXPECTED[label][2], label


@pytest.mark.parametrize("label", CASES)
def test_the_table_is_pytorchs(label):
    torch = pytest.importorskip("torch")
    value, grad, name = run(torch, label)
    np.testing.assert_allclose(value, EXPECTED[label][0], rtol=1e-9, atol=1e-9)
    if grad is not None:
        np.testing.assert_allclose(grad, EXPECTED[label][1], rtol=1e-8, atol=1e-9)
        assert name == EXPECTED[label][2]


# ---------------------------------------------------------------- errors, written out and checked against torch

def singular(lib):
    return lib.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=lib.float64)


def not_positive_definite(lib):
    return lib.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=lib.float64)


ERRORS = {  # label: (call(lib), PyTorch's message)
    "inv singular": (lambda lib: lib.linalg.inv(singular(lib)),
                     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the "
                     "input matrix is singular."),
    "inv batch": (lambda lib: lib.linalg.inv(lib.stack([lib.eye(2, dtype=lib.float64), singular(lib)])),
                  "linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be "
                  "completed because the input matrix is singular."),
    "inv not square": (lambda lib: lib.linalg.inv(lib.ones(1, 3)),
                       "linalg.inv: A must be batches of square matrices, but they are 1 by 3 matrices"),
    "det 1-D": (lambda lib: lib.linalg.det(lib.ones(2)),
                "linalg.det: The input tensor A must have at least 2 dimensions."),
    "det int": (lambda lib: lib.linalg.det(lib.tensor([[1, 2], [3, 4]])),
                "linalg.det: Expected a floating point or complex tensor as input. Got Long"),
    "solve singular": (lambda lib: lib.linalg.solve(singular(lib), lib.ones(2, dtype=lib.float64)),
                       "torch.linalg.solve: The solver failed because the input matrix is singular."),
    "solve shapes": (lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(1, 3)),
                     "linalg.solve: Incompatible shapes of A and B for the equation AX = B (2x2 and 1x3)"),
    "cholesky": (lambda lib: lib.linalg.cholesky(not_positive_definite(lib)),
                 "linalg.cholesky: The factorization could not be completed because the input is not "
                 "positive-definite (the leading minor of order 2 is not positive-definite)."),
    "cholesky batch": (lambda lib: lib.linalg.cholesky(lib.stack([lib.eye(2, dtype=lib.float64),
                                                                  not_positive_definite(lib)])),
                       "linalg.cholesky: (Batch element 1): The factorization could not be completed because the "
                       "input is not positive-definite (the leading minor of order 2 is not positive-definite)."),
    "cholesky_ex check_errors": (lambda lib: lib.linalg.cholesky_ex(not_positive_definite(lib), check_errors=True),
                                 "linalg.cholesky_ex: The factorization could not be completed because the input "
                                 "is not positive-definite (the leading minor of order 2 is not positive-definite)."),
    "qr mode": (lambda lib: lib.linalg.qr(lib.ones(1, 1), mode="full"),
                "qr received unrecognized mode 'full' but expected one of 'reduced' (default), 'r', or 'complete'"),
    "qr complete tall": (lambda lib: lib.linalg.qr(lib.ones(2, 1, requires_grad=True), mode="complete")
                         .Q.sum().backward(),
                         "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."),
    "qr mode r": (lambda lib: lib.linalg.qr(lib.eye(2).requires_grad_(), mode="r").R.sum().backward(),
                  "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                  "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."),
    "matrix_power": (lambda lib: lib.linalg.matrix_power(lib.ones(1, 2), 2),
                     "linalg.matrix_power: A must be batches of square matrices, but they are 1 by 2 matrices"),
    "multi_dot": (lambda lib: lib.linalg.multi_dot([lib.ones(1, 1)]),
                  "multi_dot(): expected at least 2 tensors but got 1"),
    "inner": (lambda lib: lib.inner(lib.ones(1, 2), lib.ones(3)),
              "inner() the last dimension must match on both input tensors but got shapes [1, 2] and [3]"),
    "vdot": (lambda lib: lib.vdot(lib.ones(1, 1), lib.ones(1)), "1D tensors expected, but got 2D and 1D tensors"),
    "lstsq driver": (lambda lib: lib.linalg.lstsq(lib.ones(1, 1), lib.ones(1, 1), driver="gesv"),
                     "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"),
    "tensorinv": (lambda lib: lib.linalg.tensorinv(lib.ones(1, 3), ind=1),
                  "Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but "
                  "got 3 != 1"),
    "chain_matmul": (lambda lib: lib.chain_matmul(), "chain_matmul(): Expected one or more matrices"),
}


def message_of(lib, label):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError) as info:
            ERRORS[label][0](lib)
    return str(info.value).split("\n")[0]


@pytest.mark.parametrize("label", ERRORS)
def test_errors_are_pytorchs(label):
    assert message_of(tg, label) == ERRORS[label][1]


@pytest.mark.parametrize("label", ERRORS)
def test_the_error_table_is_pytorchs(label):
    torch = pytest.importorskip("torch")
    assert message_of(torch, label) == ERRORS[label][1]


def test_linalg_errors_are_linalg_errors():
    """Singular and not positive-definite raise linalg.LinAlgError, a RuntimeError, as torch's."""
    with pytest.raises(tg.linalg.LinAlgError):
        tg.linalg.inv(singular(tg))
    with pytest.raises(tg.linalg.LinAlgError):
        tg.linalg.cholesky(not_positive_definite(tg))
    assert issubclass(tg.linalg.LinAlgError, RuntimeError)


# ---------------------------------------------------------------- identities and NumPy's values (torch-free)

RNG = np.random.default_rng(7)


def random(*shape):
    return tg.tensor(RNG.standard_normal(shape))


def spd(*batch, n=3):
    x = RNG.standard_normal((*batch, n, n))
    return tg.tensor(x @ np.swapaxes(x, -1, -2) + n * np.eye(n))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_identities(shape, mode):
    a = random(*shape)
    q, r = tg.linalg.qr(a, mode=mode)
    k = min(shape[-2:]) if mode != "complete" else shape[-2]
    np.testing.assert_array_equal(r.numpy(), np.triu(r.numpy()))
    if mode == "r":
        assert q.shape == (0,) and r.shape == (*shape[:-2], min(shape[-2:]), shape[-1])
        np.testing.assert_allclose(np.abs(r.numpy()), np.abs(np.linalg.qr(a.numpy(), mode="r")), atol=1e-12)
        return
    assert q.shape == (*shape[:-1], k) and r.shape == (*shape[:-2], k, shape[-1])
    np.testing.assert_allclose((q @ r).numpy(), a.numpy(), atol=1e-12)
    np.testing.assert_allclose((q.mT @ q).numpy(), np.broadcast_to(np.eye(k), q.mT.shape[:-1] + (k,)), atol=1e-12)


def test_qr_named_tuples_and_torch_qr_some():
    a = random(4, 2)
    result = tg.linalg.qr(a)
    assert type(result).__name__ == "linalg_qr" and result.Q is result[0] and result.R is result[1]
    old = a.qr(some=False)
    assert type(old).__name__ == "qr" and old.Q.shape == (4, 4) and tg.qr(a).Q.shape == (4, 2)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_identities(upper):
    a = spd(2)
    factor = tg.linalg.cholesky(a, upper=upper)
    lower = factor.mT if upper else factor
    np.testing.assert_array_equal(lower.numpy(), np.tril(lower.numpy()))
    np.testing.assert_allclose((lower @ lower.mT).numpy(), a.numpy(), atol=1e-12)
    assert (np.diagonal(lower.numpy(), axis1=-2, axis2=-1) > 0).all()
    np.testing.assert_allclose(a.cholesky(upper=upper).numpy(), factor.numpy())


def test_cholesky_reads_the_lower_triangle_and_its_gradient_is_symmetric():
    """Only A's lower triangle is read (as LAPACK and PyTorch); the gradient is PyTorch's symmetric one."""
    a = spd()
    junk = a.numpy() + np.triu(np.full((3, 3), 5.0), 1)
    np.testing.assert_allclose(tg.linalg.cholesky(tg.tensor(junk)).numpy(), tg.linalg.cholesky(a).numpy())
    x = a.clone().requires_grad_()
    (tg.linalg.cholesky(x) * random(3, 3)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x.grad.numpy().T, atol=1e-12)


def test_cholesky_solve_and_inverse():
    a, b = spd(), random(3, 2)
    lower = tg.linalg.cholesky(a)
    np.testing.assert_allclose(tg.cholesky_solve(b, lower).numpy(), np.linalg.solve(a.numpy(), b.numpy()), atol=1e-12)
    np.testing.assert_allclose(tg.cholesky_solve(b, lower.mT, upper=True).numpy(),
                               np.linalg.solve(a.numpy(), b.numpy()), atol=1e-12)
    np.testing.assert_allclose(lower.cholesky_inverse().numpy(), np.linalg.inv(a.numpy()), atol=1e-12)
    np.testing.assert_allclose(tg.cholesky_inverse(lower.mT, upper=True).numpy(), np.linalg.inv(a.numpy()),
                               atol=1e-12)


def test_cholesky_ex_and_inv_ex_and_solve_ex_report_info():
    batch = tg.stack([tg.eye(2, dtype=tg.float64) * 4, not_positive_definite(tg)])
    factor, info = tg.linalg.cholesky_ex(batch)
    assert info.tolist() == [0, 2] and info.dtype == tg.int32
    np.testing.assert_allclose(factor[0].numpy(), 2 * np.eye(2))
    inverse, info = tg.linalg.inv_ex(tg.stack([singular(tg), tg.eye(2, dtype=tg.float64)]))
    assert info.tolist() == [2, 0] and type(tg.linalg.inv_ex(tg.eye(2))).__name__ == "linalg_inv_ex"
    result, info = tg.linalg.solve_ex(singular(tg), tg.ones(2, dtype=tg.float64))
    assert info.item() == 2 and result.shape == (2,)
    result, info = tg.linalg.solve_ex(tg.eye(2) * 2, tg.ones(2))
    assert info.item() == 0 and result.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (2, 3, 2)])
def test_pinv_meets_penroses_conditions(shape):
    a = random(*shape)
    if shape == (4, 4):  # rank 2: the cut-off must drop the two zero singular values
        a = a[:, :2] @ a[:2, :]
    p = tg.linalg.pinv(a)
    a_, p_ = a.numpy(), p.numpy()
    np.testing.assert_allclose(a_ @ p_ @ a_, a_, atol=1e-10)
    np.testing.assert_allclose(p_ @ a_ @ p_, p_, atol=1e-10)
    np.testing.assert_allclose(np.swapaxes(a_ @ p_, -1, -2), a_ @ p_, atol=1e-10)
    np.testing.assert_allclose(np.swapaxes(p_ @ a_, -1, -2), p_ @ a_, atol=1e-10)
    np.testing.assert_allclose(p_, np.linalg.pinv(a_), atol=1e-10)
    np.testing.assert_allclose(a.pinverse().numpy(), p_, atol=1e-10)


def test_pinv_tolerances():
    """atol, rtol, the positional rcond, hermitian, and pinverse's rcond; NumPy's pinv for the values."""
    a = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # singular values 9.508, 0.7729
    rank_one = np.linalg.pinv(a.numpy(), rcond=0.2)
    for p in (tg.linalg.pinv(a, atol=1.5), tg.linalg.pinv(a, rtol=0.2), tg.linalg.pinv(a, 0.2), a.pinverse(0.2)):
        np.testing.assert_allclose(p.numpy(), rank_one, rtol=1e-5)
    np.testing.assert_allclose(tg.linalg.pinv(a).numpy(), np.linalg.pinv(a.numpy()), rtol=1e-5)
    s = spd()
    np.testing.assert_allclose(tg.linalg.pinv(s, hermitian=True).numpy(), np.linalg.inv(s.numpy()), atol=1e-12)
    assert tg.linalg.pinv(a).dtype == tg.float32


def test_lstsq_fields_are_gelsys():
    """The minimum-norm solution (NumPy's lstsq), the rank, and for the default driver gelsy no residuals
    and no singular values (empty tensors), as PyTorch's CPU lstsq; gelsd gives both."""
    a, b = random(5, 3), random(5, 2)
    solution, residuals, rank, singular_values = tg.linalg.lstsq(a, b)
    want, want_residuals, _, want_singular = np.linalg.lstsq(a.numpy(), b.numpy(), rcond=None)
    np.testing.assert_allclose(solution.numpy(), want, atol=1e-12)
    assert residuals.shape == (0,) and singular_values.shape == (0,) and rank.item() == 3 and rank.dtype == tg.int64
    full = tg.linalg.lstsq(a, b, driver="gelsd")
    np.testing.assert_allclose(full.residuals.numpy(), want_residuals, atol=1e-12)
    np.testing.assert_allclose(full.singular_values.numpy(), want_singular, atol=1e-12)
    wide = tg.linalg.lstsq(a.mT, b[:3])  # underdetermined: the minimum-norm solution
    np.testing.assert_allclose(wide.solution.numpy(), np.linalg.pinv(a.numpy().T) @ b.numpy()[:3], atol=1e-12)
    vector = tg.linalg.lstsq(a, b[:, 0])
    assert vector.solution.shape == (3,) and type(vector).__name__ == "linalg_lstsq"


def test_matrix_rank():
    a = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert tg.linalg.matrix_rank(a).item() == 2 and tg.linalg.matrix_rank(a).dtype == tg.int64
    assert tg.linalg.matrix_rank(a, atol=1.0).item() == 1 and tg.linalg.matrix_rank(a, 1.0).item() == 1
    assert tg.linalg.matrix_rank(a, rtol=0.2).item() == 1 and tg.linalg.matrix_rank(tg.ones(3, 3)).item() == 1
    assert tg.linalg.matrix_rank(tg.ones(2, 3, 3), hermitian=True).tolist() == [1, 1]


@pytest.mark.parametrize("n", [-3, -1, 0, 1, 2, 5, 8])
def test_matrix_power_is_numpys(n):
    a = random(2, 3, 3) + tg.eye(3, dtype=tg.float64) * 3
    np.testing.assert_allclose(tg.linalg.matrix_power(a, n).numpy(), np.linalg.matrix_power(a.numpy(), n),
                               rtol=1e-10)


def test_matrix_power_of_integers_and_its_type_check():
    assert tg.matrix_power(tg.eye(2, dtype=tg.long) * 2, 3).tolist() == [[8, 0], [0, 8]]
    with pytest.raises(TypeError, match="argument 'n' must be int"):
        tg.eye(2).matrix_power(2.0)


@pytest.mark.parametrize("scale", [0.0, 0.1, 1.0, 10.0])
def test_matrix_exp_is_the_series(scale):
    """e^A against the eigendecomposition (NumPy), and e^(A+B) = e^A e^B for commuting A, B; large norms
    take the squarings."""
    a = random(2, 3, 3) * scale
    values, vectors = np.linalg.eig(a.numpy())
    want = np.real(vectors @ (np.exp(values)[..., None] * np.linalg.inv(vectors)))
    np.testing.assert_allclose(a.matrix_exp().numpy(), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose((a + a).matrix_exp().numpy(), (a.matrix_exp() @ a.matrix_exp()).numpy(), rtol=1e-9,
                               atol=1e-12)
    rotation = tg.linalg.matrix_exp(tg.tensor([[0.0, -np.pi / 2], [np.pi / 2, 0.0]], dtype=tg.float64))
    np.testing.assert_allclose(rotation.numpy(), [[0.0, -1.0], [1.0, 0.0]], atol=1e-15)


def test_determinants_and_inverses_batched():
    a = random(2, 3, 3, 3)
    np.testing.assert_allclose(tg.linalg.det(a).numpy(), np.linalg.det(a.numpy()), rtol=1e-10)
    sign, logabsdet = tg.linalg.slogdet(a)
    want_sign, want_log = np.linalg.slogdet(a.numpy())
    np.testing.assert_array_equal(sign.numpy(), want_sign)
    np.testing.assert_allclose(logabsdet.numpy(), want_log, rtol=1e-10)
    assert type(tg.linalg.slogdet(a)).__name__ == "linalg_slogdet" and type(a.slogdet()).__name__ == "slogdet"
    np.testing.assert_allclose(tg.inverse(a).numpy(), np.linalg.inv(a.numpy()), rtol=1e-8, atol=1e-10)
    logdet = tg.logdet(a).numpy()
    np.testing.assert_allclose(logdet[want_sign > 0], want_log[want_sign > 0])
    assert np.isnan(logdet[want_sign < 0]).all()


def test_det_gradient_at_a_singular_matrix_is_the_adjugate():
    """Jacobi's d det/dA = adj(A)^T holds at a singular A too: here from the cofactors. PyTorch gives the same
    for this rank-2 3x3 matrix ('det singular' in the table) but zeros for [[1, 2], [2, 4]] (its SVD
    formula), whose adjugate is [[4, -2], [-2, 1]]."""
    a = tg.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=tg.float64, requires_grad=True)
    a.det().backward()
    assert a.grad.tolist() == [[4.0, -2.0], [-2.0, 1.0]]
    assert tg.gradgradcheck(lambda x: x.det(), [tg.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=tg.float64,
                                                          requires_grad=True)])


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
def test_solve_triangular_reads_one_triangle(left, upper, unitriangular):
    a, b = random(2, 3, 3), random(2, 3, 3)
    triangle = np.triu(a.numpy()) if upper else np.tril(a.numpy())
    if unitriangular:
        triangle = triangle - np.diagonal(triangle, axis1=-2, axis2=-1)[..., None] * np.eye(3) + np.eye(3)
    x = tg.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular).numpy()
    np.testing.assert_allclose(triangle @ x if left else x @ triangle, b.numpy(), atol=1e-10)


def test_solve_broadcasts_and_takes_vectors_as_pytorch():
    a, b = random(2, 3, 3), random(3)
    np.testing.assert_allclose(tg.linalg.solve(a, b).numpy(), np.linalg.solve(a.numpy(), b.numpy()), atol=1e-12)
    batch_of_vectors = random(2, 3)  # A's shape without its last dimension: vectors too
    x = tg.linalg.solve(a, batch_of_vectors)
    assert x.shape == (2, 3)
    np.testing.assert_allclose((a @ x.unsqueeze(-1)).squeeze(-1).numpy(), batch_of_vectors.numpy(), atol=1e-12)
    right = tg.linalg.solve(a, random(4, 3), left=False)
    assert right.shape == (2, 4, 3)


def test_products():
    a, v = random(2, 3), random(3)
    np.testing.assert_allclose(tg.mv(a, v).numpy(), a.numpy() @ v.numpy())
    np.testing.assert_allclose(tg.inner(a, random(4, 3)).shape, (2, 4))
    assert tg.inner(tg.tensor(2.0), tg.ones(2)).tolist() == [2.0, 2.0]
    np.testing.assert_allclose(tg.vdot(v, v).item(), (v.numpy() ** 2).sum())
    np.testing.assert_allclose(tg.ger(v, v).numpy(), np.outer(v.numpy(), v.numpy()))
    nan = tg.full((3, 3), float("nan"), dtype=tg.float64)
    assert not tg.addr(nan, v, v, beta=0).isnan().any()  # beta=0 ignores the input, nan and all
    assert not tg.addbmm(nan, random(2, 3, 1), random(2, 1, 3), beta=0).isnan().any()
    np.testing.assert_allclose(tg.addbmm(a[:, :2], random(4, 2, 5)[:, :, :3], random(4, 3, 2), alpha=0).numpy(),
                               a.numpy()[:, :2])
    chain = [random(2, 3), random(3, 4), random(4, 1)]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        np.testing.assert_allclose(tg.chain_matmul(*chain).numpy(), np.linalg.multi_dot([c.numpy() for c in chain]))
    np.testing.assert_allclose(tg.linalg.multi_dot(chain).numpy(), np.linalg.multi_dot([c.numpy() for c in chain]))
    np.testing.assert_allclose(tg.linalg.vecdot(a, a).numpy(), (a.numpy() ** 2).sum(-1))


def test_vander_diagonal_cond_tensorinv_tensorsolve():
    assert tg.linalg.vander(tg.tensor([1, 2, 3])).tolist() == [[1, 1, 1], [1, 2, 4], [1, 3, 9]]
    assert tg.linalg.vander(tg.tensor([1.0, 2.0]), N=3).tolist() == [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]
    a = random(2, 3, 3)
    np.testing.assert_array_equal(tg.linalg.diagonal(a, offset=1).numpy(),
                                  np.diagonal(a.numpy(), 1, axis1=-2, axis2=-1))
    m = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64)
    for p in (None, 2, -2, "fro", "nuc", 1, -1, float("inf"), float("-inf")):
        np.testing.assert_allclose(tg.linalg.cond(m, p).item(), np.linalg.cond(m.numpy(), p), rtol=1e-12)
    t = random(4, 6, 8, 3)  # a (4*6) x (8*3) matrix
    inverse = tg.linalg.tensorinv(t, ind=2)
    np.testing.assert_allclose(inverse.numpy(), np.linalg.tensorinv(t.numpy(), ind=2), rtol=1e-8, atol=1e-10)
    b = random(4, 6)
    np.testing.assert_allclose(tg.linalg.tensorsolve(t, b).numpy(), np.linalg.tensorsolve(t.numpy(), b.numpy()),
                               rtol=1e-8, atol=1e-10)
    moved = t.permute(0, 2, 1, 3)
    np.testing.assert_allclose(tg.linalg.tensorsolve(moved, b, dims=(1,)).numpy(),
                               np.linalg.tensorsolve(moved.numpy(), b.numpy(), axes=(1,)), rtol=1e-8, atol=1e-10)


def test_svd_older_form():
    a = random(4, 3)
    u, s, v = tg.svd(a)
    assert u.shape == (4, 3) and v.shape == (3, 3)
    np.testing.assert_allclose(((u * s) @ v.mT).numpy(), a.numpy(), atol=1e-12)
    assert a.svd(some=False).U.shape == (4, 4)
    zeros = a.svd(compute_uv=False)
    assert zeros.U.shape == (4, 4) and zeros.V.shape == (3, 3) and not zeros.U.numpy().any()
    np.testing.assert_allclose(zeros.S.numpy(), s.numpy())


def test_float32_stays_float32():
    a = spd().float()
    for result in (a.inverse(), a.det(), a.logdet(), tg.linalg.cholesky(a), tg.linalg.qr(a).Q, a.matrix_exp(),
                   tg.linalg.pinv(a), tg.linalg.solve(a, a[0]), tg.linalg.lstsq(a, a).solution):
        assert result.dtype == tg.float32


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_det_of_a_singular_one_by_one_matrix_has_gradient_one(library):
    # det([[a]]) = a: its cofactor is 1 for every a, 0 included (the path singular matrices take)
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    a = lib.tensor([[[0.0]], [[2.0]]], dtype=lib.float64, requires_grad=True)
    a.det().sum().backward()
    assert a.grad.tolist() == [[[1.0]], [[1.0]]]
    b = lib.tensor([[0.0]], dtype=lib.float64, requires_grad=True)
    b.det().backward()
    assert b.grad.tolist() == [[1.0]]


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_matrix_rank_counts_only_singular_values_above_the_tolerance(library):
    # strictly above: a zero matrix has rank 0, and a singular value equal to atol is not counted
    lib = tg if library == "tinygrad_edu" else pytest.importorskip("torch")
    assert int(lib.linalg.matrix_rank(lib.zeros(3, 3, dtype=lib.float64))) == 0
    diagonal = lib.diag(lib.tensor([2.0, 1.0, 0.5], dtype=lib.float64))
    assert int(lib.linalg.matrix_rank(diagonal, atol=1.0, rtol=0.0)) == 1
    assert int(lib.linalg.matrix_rank(diagonal, atol=0.5, rtol=0.0)) == 2


def test_cholesky_ex_gives_zeros_for_a_matrix_that_is_not_positive_definite():
    # the docstring's promise (PyTorch leaves LAPACK's partial factor there): zeros, and the others' exact factor
    a = tg.tensor([[[4.0, 2.0], [2.0, 3.0]], [[1.0, 2.0], [2.0, 1.0]]], dtype=tg.float64)
    lower, info = tg.linalg.cholesky_ex(a)
    assert info.tolist() == [0, 2]
    np.testing.assert_allclose(lower[0].numpy(), [[2.0, 0.0], [1.0, np.sqrt(2.0)]], rtol=1e-15)
    assert lower[1].tolist() == [[0.0, 0.0], [0.0, 0.0]]
