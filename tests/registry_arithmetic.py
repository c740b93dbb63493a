"""Registry entries (see op_registry.py) for arithmetic and linear algebra: + - * / ** and @ with
tensors or Python numbers on either side, rounded division and remainders, dot/outer/mm/bmm/einsum,
cross, lerp and the fused add-a-product ops (addcmul, addmm, ...) with their in-place forms."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import binary, full, inplace, register, unary
from strategies import broadcastable_shapes, shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers and references

@st.composite
def matmul_shapes(draw):
    """Every NumPy matmul case: 1-D @ 1-D, 1-D @ 2-D, 2-D @ 1-D, 2-D @ 2-D, batched, broadcast batch."""
    m, n, p = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    left = draw(st.sampled_from([(n,), (m, n), (2, m, n), (1, m, n), (2, 1, m, n)]))
    right = draw(st.sampled_from([(n,), (n, p), (2, n, p), (1, n, p), (3, n, p)]))
    if len(left) == 4 and len(right) == 3 and right[0] == 3:
        right = (1, n, p)
    if left[:1] == (2,) and len(left) == 3 and right[:1] == (3,):
        right = (1, n, p)
    return left, right


DIVISORS = [0.23, 0.37, 1.13, -0.23, -0.37, -1.13]


def sample_division(draw):
    """x on the grid (k/10, 1 <= |k| <= 20) and y in DIVISORS: x / y is then never within 0.008 of an
    integer, where the rounded quotient jumps, so finite differences see only its flat pieces."""
    shape_x, shape_y = draw(broadcastable_shapes(2))
    divisors = draw(hnp.arrays(np.float64, shape_y, elements=st.sampled_from(DIVISORS)))
    return [values(draw, shape_x, "grid"), divisors], {}


def sample_matmul(draw):
    left, right = draw(matmul_shapes())
    return [values(draw, left, "real"), values(draw, right, "real")], {}


def sample_cross(draw):
    lead = draw(shapes(max_dims=2))
    dim = draw(st.integers(0, len(lead)))
    shape = lead[:dim] + (3,) + lead[dim:]
    return [values(draw, shape, "real"), values(draw, shape, "real")], {"dim": dim}


def sample_lerp(draw):
    shape_x, shape_y, shape_w = draw(broadcastable_shapes(3))
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real"), values(draw, shape_w, "unit")], {}


def sample_vectors(draw):
    n = draw(st.integers(1, 4))
    return [values(draw, (n,), "real"), values(draw, (draw(st.integers(1, 4)) if draw(st.booleans()) else n,), "real")
            ], {}


def sample_dot(draw):
    n = draw(st.integers(1, 4))
    return [values(draw, (n,), "real"), values(draw, (n,), "real")], {}


def sample_mm(draw):
    m, n, p = (draw(st.integers(1, 3)) for _ in range(3))
    return [values(draw, (m, n), "real"), values(draw, (n, p), "real")], {}


def sample_bmm(draw):
    b, m, n, p = (draw(st.integers(1, 3)) for _ in range(4))
    return [values(draw, (b, m, n), "real"), values(draw, (b, n, p), "real")], {}


EINSUMS = [("ij,jk->ik", [(2, 3), (3, 2)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
           ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]),
           ("ij->", [(2, 3)]), ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]), ("ij,ij->i", [(2, 3), (2, 3)]),
           ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]), ("ijk,k", [(2, 2, 3), (3,)])]


def sample_einsum(draw):
    equation, shapes_ = draw(st.sampled_from(EINSUMS))
    return [values(draw, shape, "real") for shape in shapes_], {"equation": equation}


def sample_addc(draw):
    shapes_ = draw(broadcastable_shapes(3))
    arrays = [values(draw, shapes_[0], "real"), values(draw, shapes_[1], "real"), values(draw, shapes_[2], "nonzero")]
    return arrays, {"value": draw(st.sampled_from([1, 0.5, -2.0]))}


def sample_beta_alpha(draw, product_shape, operand_shapes):
    self_shape = draw(st.sampled_from([product_shape, product_shape[-1:], ()]))
    arrays = [values(draw, self_shape, "real")] + [values(draw, shape, "real") for shape in operand_shapes]
    return arrays, {"beta": draw(st.sampled_from([1, 0.5, 0])), "alpha": draw(st.sampled_from([1, -1.5]))}


def sample_addmm(draw):
    m, n, p = (draw(st.integers(1, 3)) for _ in range(3))
    return sample_beta_alpha(draw, (m, p), [(m, n), (n, p)])


def sample_addmv(draw):
    m, n = (draw(st.integers(1, 3)) for _ in range(2))
    return sample_beta_alpha(draw, (m,), [(m, n), (n,)])


def sample_baddbmm(draw):
    b, m, n, p = (draw(st.integers(1, 3)) for _ in range(4))
    return sample_beta_alpha(draw, (b, m, p), [(b, m, n), (b, n, p)])


def np_beta_alpha(x, a, b, beta, alpha):
    """beta * x + alpha * (a @ b), where beta = 0 ignores x (nan and inf in it too), as PyTorch does."""
    return (0 if beta == 0 else beta * x) + alpha * (a @ b)


def np_addcmul(x, a, b, value):
    return x + value * a * b


def np_addcdiv(x, a, b, value):
    return x + value * a / b


def np_lerp(x, y, w):
    return x + w * (y - x)


# ---------------------------------------------------------------- the entries

# arithmetic
register("add", lambda x, y: x + y, np.add, binary(), covers=("add", "__add__", "__radd__"))
register("sub", lambda x, y: x - y, np.subtract, binary(), covers=("sub", "__sub__"))
register("mul", lambda x, y: x * y, np.multiply, binary(), covers=("mul", "__mul__", "__rmul__"))
register("div", lambda x, y: x / y, np.divide, binary("real", "nonzero"), covers=("div", "__truediv__"))
register("pow", lambda x, y: x ** y, np.power, binary("positive", "real"), covers=("pow", "__pow__"))
register("matmul", lambda x, y: x @ y, np.matmul, sample_matmul, covers=("matmul", "__matmul__"))
# rounded division (division_ops.py): floor_divide (//) has no derivative, as in PyTorch (test_division.py)
register("div_floor", lambda x, y: x.div(y, rounding_mode="floor"), np.floor_divide, sample_division,
         covers=("divide",))
register("div_trunc", lambda x, y: tg.divide(x, y, rounding_mode="trunc"), lambda x, y: np.trunc(x / y),
         sample_division, covers=())
register("remainder", lambda x, y: x.remainder(y), np.remainder, sample_division)
register("mod", lambda x, y: x % y, np.remainder, sample_division, covers=("__mod__",))
register("fmod", lambda x, y: x.fmod(y), np.fmod, sample_division)
register("mod_scalar", lambda x: x % 0.37 + x.fmod(-1.13), lambda x: np.remainder(x, 0.37) + np.fmod(x, -1.13),
         unary("grid"), covers=())
register("neg", lambda x: -x, np.negative, unary(), covers=("neg", "__neg__"))
# Python numbers on either side
register("add_scalar", lambda x: 2.5 + x + 1.5, lambda x: x + 4.0, unary())
register("rsub_scalar", lambda x: 1.5 - x, lambda x: 1.5 - x, unary(), covers=("__rsub__",))
register("rdiv_scalar", lambda x: 2.0 / x, lambda x: 2.0 / x, unary("nonzero"), covers=("__rtruediv__",))
register("pow_scalar", lambda x: x ** 3 + x ** 0.5 + x ** 0, lambda x: x ** 3 + x ** 0.5 + 1, unary("positive"))
register("rpow_scalar", lambda x: 2.0 ** x, lambda x: 2.0 ** x, unary(), covers=("__rpow__",))
register("rmatmul", lambda x: np.ones((2, 3)) @ x, lambda x: np.ones((2, 3)) @ x,
         lambda draw: ([values(draw, (3, draw(st.integers(1, 3))), "real")], {}), covers=("__rmatmul__",))

# linear algebra
register("dot", lambda x, y: x.dot(y), np.dot, sample_dot)
register("outer", lambda x, y: x.outer(y), np.outer, sample_vectors)
register("mm", lambda x, y: x.mm(y), np.matmul, sample_mm)
register("bmm", lambda x, y: x.bmm(y), np.matmul, sample_bmm)
register("einsum", lambda *xs, equation: tg.einsum(equation, *xs), lambda *xs, equation: np.einsum(equation, *xs),
         sample_einsum, covers=())
register("cross", lambda x, y, dim: x.cross(y, dim), lambda x, y, dim: np.cross(x, y, axis=dim), sample_cross)

# fused: x plus a product (math_ops.py), and lerp
register("addcmul", lambda x, a, b, value: x.addcmul(a, b, value=value), np_addcmul, sample_addc)
register("addcdiv", lambda x, a, b, value: x.addcdiv(a, b, value=value), np_addcdiv, sample_addc)
register("addmm", lambda x, a, b, **kw: x.addmm(a, b, **kw), np_beta_alpha, sample_addmm)
register("addmv", lambda x, a, b, **kw: x.addmv(a, b, **kw), np_beta_alpha, sample_addmv)
register("baddbmm", lambda x, a, b, **kw: x.baddbmm(a, b, **kw), np_beta_alpha, sample_baddbmm)
register("lerp", lambda x, y, w: x.lerp(y, w), np_lerp, sample_lerp)

# their in-place forms (registry_core.full: a copy of x in the graph, already of the result's shape)
register("addcmul_", lambda x, a, b, value: full(x, a, b).addcmul_(a, b, value=value), np_addcmul, sample_addc)
register("addcdiv_", lambda x, a, b, value: full(x, a, b).addcdiv_(a, b, value=value), np_addcdiv, sample_addc)
register("addmm_", lambda x, a, b, **kw: full(x, a @ b).addmm_(a, b, **kw), np_beta_alpha, sample_addmm)
register("addmv_", lambda x, a, b, **kw: full(x, a @ b).addmv_(a, b, **kw), np_beta_alpha, sample_addmv)
register("baddbmm_", lambda x, a, b, **kw: full(x, a @ b).baddbmm_(a, b, **kw), np_beta_alpha, sample_baddbmm)
register("lerp_", lambda x, y, w: full(x, y, w).lerp_(y, w), np_lerp, sample_lerp)

# in-place forms of arithmetic (registry_core.inplace: on a copy of x in the graph)
register("neg_", inplace("neg_"), np.negative, unary())
register("pow_", inplace("pow_", 3), lambda x: x ** 3, unary())
register("remainder_", inplace("remainder_", 0.37), lambda x: np.remainder(x, 0.37), unary("grid"))
register("fmod_", inplace("fmod_", -1.13), lambda x: np.fmod(x, -1.13), unary("grid"))
register("div_floor_", inplace("div_", 0.37, rounding_mode="floor"), lambda x: np.floor_divide(x, 0.37), unary("grid"),
         covers=())
