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
}

# Where the gradient is not PyTorch's, on purpose: above the diagonal of a Cholesky factor, which the
# op never reads, PyTorch puts a gradient and this library 0 (the lower triangles agree); and
# PyTorch's cond raises in backward for these norms (an in-place change of its own saved inverse).
LOWER_TRIANGLE_ONLY = {"cholesky_solve", "cholesky_inverse"}
# Calls whose node is the primitive's, with PyTorch's name (the others end in a transpose, matmul ...).
SAME_NODE = {"det", "det singular", "slogdet", "inverse", "linalg.solve", "solve_triangular lower",
             "linalg.cholesky", "qr Q", "qr R", "pinv wide", "pinv tall", "pinv hermitian", "pinverse", "mv",
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
