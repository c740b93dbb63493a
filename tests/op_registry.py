"""The registry of differentiable ops: one entry per op, and the tests run over all of them.

An entry says how to call the op on Tensors (`fn`), what NumPy computes for
the same inputs (`ref`), and how to sample inputs in the op's domain plus its
extra arguments (`sample(draw) -> (arrays, kwargs)`). `covers` names the Tensor
methods the entry exercises; a meta-test fails when a public Tensor method is
neither covered here nor listed as not differentiable.

Adding an op to the library means adding an entry here; nothing else is needed
for it to be gradchecked (first and second order) and compared to NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_nn_layers import ENTRIES as LAYER_ENTRIES
from strategies import broadcastable_shapes, dims, shapes, values

import tinygrad_edu as tg


@dataclass
class OpSpec:
    name: str
    fn: Callable            # (*tensors, **kwargs) -> Tensor or tuple of Tensors
    ref: Callable           # (*arrays, **kwargs) -> array or tuple of arrays
    sample: Callable        # draw -> (list of float64 arrays, kwargs)
    covers: tuple = ()
    gradgrad: bool = True
    tolerances: dict = field(default_factory=dict)

    def __post_init__(self):
        self.covers = self.covers or (self.name,)


REGISTRY: list[OpSpec] = []


def register(name, fn, ref, sample, **options) -> None:
    REGISTRY.append(OpSpec(name, fn, ref, sample, **options))


# ---------------------------------------------------------------- samplers

def unary(domain="real", min_dims=0):
    def sample(draw):
        return [values(draw, draw(shapes(min_dims=min_dims)), domain)], {}
    return sample


def binary(domain_x="real", domain_y="real"):
    def sample(draw):
        shape_x, shape_y = draw(broadcastable_shapes(2))
        return [values(draw, shape_x, domain_x), values(draw, shape_y, domain_y)], {}
    return sample


def reduction(domain="real", min_side=1, keepdim=True, allow_none=True, allow_tuple=True, min_dims=0):
    def sample(draw):
        shape = draw(shapes(min_dims=max(min_dims, 0 if allow_none else 1), min_side=min_side))
        kwargs = {"dim": dims(draw, len(shape), allow_none, allow_tuple)}
        if keepdim:
            kwargs["keepdim"] = draw(st.booleans())
        return [values(draw, shape, domain)], kwargs
    return sample


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


@st.composite
def index_keys(draw, shape):
    """Ints, slices with steps, None, Ellipsis (basic indexing), integer arrays with repeats, boolean masks."""
    kind = draw(st.sampled_from(["basic", "int_array", "bool_mask"]))
    if kind == "basic" or not shape:
        return draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    if kind == "int_array":
        idx = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))  # repeats allowed
        return np.array(idx)
    mask = draw(hnp.arrays(np.bool_, shape[:1]))
    return mask


def sample_getitem(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real")], {"key": draw(index_keys(shape))}


def sample_reshape(draw):
    shape = draw(shapes())
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    d = draw(st.sampled_from(divisors))
    target = draw(st.sampled_from([(size,), (d, size // d), (-1, d), (size // d, 1, d), ()])) if size == 1 else \
        draw(st.sampled_from([(size,), (d, size // d), (-1, d), (size // d, 1, d)]))
    return [values(draw, shape, "real")], {"shape": target}


def sample_permute(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real")], {"dims": tuple(draw(st.permutations(range(len(shape)))))}


def sample_transpose(draw):
    shape = draw(shapes(min_dims=1))
    nd = len(shape)
    dim0, dim1 = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
    return [values(draw, shape, "real")], {"dim0": dim0, "dim1": dim1}


def sample_unsqueeze(draw):
    shape = draw(shapes())
    return [values(draw, shape, "real")], {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


def sample_squeeze(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=2))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return [values(draw, shape, "real")], {"dim": dim}


def sample_flatten(draw):
    shape = draw(shapes(min_dims=1))
    start = draw(st.integers(0, len(shape) - 1))
    end = draw(st.integers(start, len(shape) - 1))
    end_dim = end - len(shape) if draw(st.booleans()) else end  # negative or not
    return [values(draw, shape, "real")], {"start_dim": start, "end_dim": end_dim}


def sample_expand(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=2))
    target = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    target = (2,) * draw(st.integers(0, 1)) + target
    return [values(draw, shape, "real")], {"shape": target}


def sample_cat(draw):
    base = list(draw(shapes(min_dims=1)))
    dim = draw(st.integers(-len(base), len(base) - 1))
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        base[dim] = draw(st.integers(1, 3))
        arrays.append(values(draw, tuple(base), "real"))
    return arrays, {"dim": dim}


def sample_stack(draw):
    shape = draw(shapes())
    n = draw(st.integers(1, 3))
    return [values(draw, shape, "real") for _ in range(n)], {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


def sample_split(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    sizes = draw(st.one_of(st.integers(1, 3), st.just([n]), st.just([1] * n)))
    return [values(draw, shape, "real")], {"split_size_or_sections": sizes, "dim": dim}


def sample_chunk(draw):
    shape = draw(shapes(min_dims=1))
    chunks, dim = draw(st.integers(1, 3)), draw(st.integers(0, len(shape) - 1))
    return [values(draw, shape, "real")], {"chunks": chunks, "dim": dim}


def sample_pad(draw):
    shape = draw(shapes(min_dims=1))
    pairs = draw(st.integers(1, len(shape)))
    pad = tuple(draw(st.integers(0, 2)) for _ in range(2 * pairs))
    return [values(draw, shape, "real")], {"pad": pad, "value": draw(st.sampled_from([0.0, 1.5]))}


def sample_where(draw):
    shape_c, shape_x, shape_y = draw(broadcastable_shapes(3))
    cond = draw(hnp.arrays(np.bool_, shape_c))
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real")], {"cond": cond}


def sample_clamp(draw):
    shape = draw(shapes())
    low = draw(st.sampled_from([None, -1.05, -0.45, 0.15]))
    high = draw(st.sampled_from([None, 0.25, 0.95, 1.55] if low is not None else [0.25, 0.95, 1.55]))
    return [values(draw, shape, "grid")], {"min": low, "max": high}


def sample_softmax(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real")], {"dim": draw(st.integers(-len(shape), len(shape) - 1))}


# ---------------------------------------------------------------- numpy references

def np_var(x, dim=None, keepdim=False, correction=1):
    axis = dim if not isinstance(dim, list) else tuple(dim)
    return np.var(x, axis=axis, keepdims=keepdim, ddof=correction)


def np_logsumexp(x, dim, keepdim=False):
    m = np.max(x, axis=dim, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    return np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x


def np_flatten(x, start_dim, end_dim):
    end = end_dim % x.ndim
    return x.reshape(x.shape[:start_dim] + (-1,) + x.shape[end + 1:])


def np_transpose(x, dim0, dim1):
    return np.swapaxes(x, dim0, dim1)


def np_split(x, split_size_or_sections, dim):
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        cuts = list(range(split_size_or_sections, n, split_size_or_sections))
    else:
        cuts = list(np.cumsum(split_size_or_sections)[:-1])
    return tuple(np.split(x, cuts, axis=dim))


def np_pad(x, pad, value):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return np.pad(x, widths, constant_values=value)


def np_where(x, y, cond):
    return np.where(cond, x, y)


def np_clamp(x, min=None, max=None):
    return np.clip(x, min, max)


def values_of(result):
    """x.max(dim) is (values, indices); x.max() and x.max((0, 1)) are the values alone."""
    return result.values if isinstance(result, tuple) else result


def mean_ref(x, dim=None, keepdim=False):
    return np.mean(x, axis=dim, keepdims=keepdim)


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

# elementwise
register("exp", lambda x: x.exp(), np.exp, unary())
register("log", lambda x: x.log(), np.log, unary("positive"))
register("sqrt", lambda x: x.sqrt(), np.sqrt, unary("positive"))
register("abs", lambda x: x.abs(), np.abs, unary("grid"), covers=("abs", "__abs__"))
register("sin", lambda x: x.sin(), np.sin, unary())
register("cos", lambda x: x.cos(), np.cos, unary())
register("tanh", lambda x: x.tanh(), np.tanh, unary())
register("asin", lambda x: x.asin(), np.arcsin, unary("unit"), covers=("asin", "arcsin"))
register("acos", lambda x: x.acos(), np.arccos, unary("unit"), covers=("acos", "arccos"))
register("atan", lambda x: x.atan(), np.arctan, unary(), covers=("atan", "arctan"))
register("sigmoid", lambda x: x.sigmoid(), np_sigmoid, unary())
register("relu", lambda x: x.relu(), lambda x: np.maximum(x, 0), unary("grid"))
register("clamp", lambda x, **kw: x.clamp(**kw), np_clamp, sample_clamp, covers=("clamp", "clip"))
register("maximum", lambda x, y: x.maximum(y), np.maximum, binary("grid", "offgrid"))
register("minimum", lambda x, y: x.minimum(y), np.minimum, binary("grid", "offgrid"))
register("where", lambda x, y, cond: x.where(tg.tensor(cond), y), np_where, sample_where)
register("clone", lambda x: x.clone(), np.copy, unary())
register("alias", lambda x: tg.Tensor(x), np.copy, unary())  # Tensor(t) of a tensor that requires grad
register("double", lambda x: x.double(), lambda x: x.astype(np.float64), unary(), covers=("double", "astype"))
register("float", lambda x: x.float(), lambda x: x.astype(np.float32), unary(), gradgrad=False,
         tolerances={"eps": 1e-2, "atol": 1e-3, "rtol": 1e-2})
register("to", lambda x: x.to(tg.float64), lambda x: x.astype(np.float64), unary(), covers=("to", "type"))
register("half", lambda x: x.half().double(), lambda x: x.astype(np.float16).astype(np.float64), unary(),
         gradgrad=False, tolerances={"eps": 1e-1, "atol": 1e-1, "rtol": 1e-1})

# reductions
register("sum", lambda x, **kw: x.sum(**kw), lambda x, dim, keepdim: np.sum(x, axis=dim, keepdims=keepdim), reduction())
register("mean", lambda x, **kw: x.mean(**kw), mean_ref, reduction())
register("max", lambda x, **kw: values_of(x.max(**kw)), lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim),
         reduction("distinct"))
register("min", lambda x, **kw: values_of(x.min(**kw)), lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim),
         reduction("distinct"))
register("amax", lambda x, **kw: x.amax(**kw), lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim),
         reduction("distinct"))
register("amin", lambda x, **kw: x.amin(**kw), lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim),
         reduction("distinct"))
register("var", lambda x, **kw: x.var(**kw), np_var, reduction(min_side=2, min_dims=1))
register("std", lambda x, **kw: x.std(**kw), lambda x, **kw: np.sqrt(np_var(x, **kw)),
         reduction("distinct", min_side=2, min_dims=1))  # sqrt has no derivative at a constant input
register("logsumexp", lambda x, **kw: x.logsumexp(**kw), np_logsumexp, reduction(allow_none=False))
register("softmax", lambda x, dim: x.softmax(dim), np_softmax, sample_softmax)
register("log_softmax", lambda x, dim: x.log_softmax(dim), lambda x, dim: np.log(np_softmax(x, dim)), sample_softmax)

# movement
register("reshape", lambda x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape), sample_reshape,
         covers=("reshape", "view"))
register("transpose", lambda x, **kw: x.transpose(**kw), np_transpose, sample_transpose)
register("permute", lambda x, dims: x.permute(*dims), lambda x, dims: np.transpose(x, dims), sample_permute)
register("T", lambda x: x.T, lambda x: x.T, unary(), covers=("T",))
register("mT", lambda x: x.mT, lambda x: np.swapaxes(x, -1, -2), unary(min_dims=2), covers=("mT",))
register("unsqueeze", lambda x, dim: x.unsqueeze(dim), lambda x, dim: np.expand_dims(x, dim), sample_unsqueeze)
register("squeeze", lambda x, dim: x.squeeze(dim), np_squeeze, sample_squeeze)
register("flatten", lambda x, **kw: x.flatten(**kw), np_flatten, sample_flatten)
register("expand", lambda x, shape: x.expand(*shape), lambda x, shape: np.broadcast_to(x, shape), sample_expand)
register("getitem", lambda x, key: x[key], lambda x, key: x[key], sample_getitem, covers=("__getitem__",))


def index_put(x, value, key):
    """x[key] = value on a tensor in the graph: recorded as IndexPut (x's clone keeps x a leaf)."""
    out = x.clone()
    out[key] = value
    return out


def np_index_put(x, value, key):
    out = x.copy()
    out[key] = value
    return out


def sample_index_put(draw):
    shape = draw(shapes(min_dims=1))
    key = draw(index_keys(shape))
    positions = np.arange(int(np.prod(shape))).reshape(shape)[key]
    assume(np.unique(positions).size == positions.size)  # a repeated index: the last write wins, undefined
    target = positions.shape
    return [values(draw, shape, "real"), values(draw, target, "real")], {"key": key}


register("index_put", index_put, np_index_put, sample_index_put, covers=("__setitem__",))
register("cat", lambda *xs, dim: tg.cat(xs, dim), lambda *xs, dim: np.concatenate(xs, axis=dim), sample_cat)
register("stack", lambda *xs, dim: tg.stack(xs, dim), lambda *xs, dim: np.stack(xs, axis=dim), sample_stack)
register("split", lambda x, **kw: x.split(**kw), np_split, sample_split)
register("chunk", lambda x, chunks, dim: x.chunk(chunks, dim),
         lambda x, chunks, dim: np_split(x, -(-x.shape[dim] // chunks), dim), sample_chunk)
register("pad", lambda x, pad, value: x.pad(pad, value), np_pad, sample_pad)


# ---------------------------------------------------------------- PyTorch's wider API (composites in composite/)

def one_dim(domain="real", min_dims=1, keepdim=False):
    """An array and one dim (an int, negative allowed) and optionally keepdim."""
    def sample(draw):
        shape = draw(shapes(min_dims=min_dims))
        kwargs = {"dim": draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0}
        if keepdim:
            kwargs["keepdim"] = draw(st.booleans())
        return [values(draw, shape, domain)], kwargs
    return sample


def sample_prod(draw):
    shape = draw(shapes(max_side=4))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    x = values(draw, shape, "real")
    if x.size and draw(st.booleans()):  # a zero somewhere: the gradient must still be the product of the others
        x.reshape(-1)[draw(st.integers(0, x.size - 1))] = 0.0
    return [x], {"dim": dim, "keepdim": draw(st.booleans())}


def np_prod(x, dim, keepdim):
    out = np.prod(x, axis=dim, keepdims=keepdim)
    return out.reshape((1,) * x.ndim) if keepdim and dim is None else out


def sample_norm(draw):
    shape = draw(shapes())
    p = draw(st.sampled_from(["fro", 1, 2, 3, 0.5, float("inf"), float("-inf")]))
    dim = dims(draw, len(shape))
    domain = "grid" if p in (1, 2, "fro", 3, 0.5) else "distinct"
    x = values(draw, shape, domain)
    if domain == "distinct":  # |x| all different: no ties for the max or min
        x = x + 0.3 * (x.size + 1)
    return [x], {"p": p, "dim": dim, "keepdim": draw(st.booleans())}


def np_norm(x, p, dim, keepdim):
    a = np.abs(x)
    axis = dim
    if p == float("inf"):
        return np.max(a, axis=axis, keepdims=keepdim)
    if p == float("-inf"):
        return np.min(a, axis=axis, keepdims=keepdim)
    p = 2 if p == "fro" else p
    return np.sum(a ** p, axis=axis, keepdims=keepdim) ** (1 / p)


def sample_gather(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = list(shape)
    index_shape[dim] = draw(st.integers(1, 4))
    index = draw(hnp.arrays(np.int64, tuple(index_shape), elements=st.integers(0, shape[dim] - 1)))
    return [values(draw, shape, "real")], {"dim": dim, "index": index}


def sample_sort(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "distinct")], {"dim": draw(st.integers(-len(shape), len(shape) - 1)),
                                               "descending": draw(st.booleans())}


def np_sort(x, dim, descending):
    out = np.sort(x, axis=dim)
    return np.flip(out, dim) if descending else out


def sample_topk(draw):
    arrays, kwargs = sample_sort(draw)
    k = draw(st.integers(0, arrays[0].shape[kwargs["dim"]]))
    return arrays, {"k": k, "dim": kwargs["dim"], "largest": kwargs["descending"]}


def np_topk(x, k, dim, largest):
    return np.take(np_sort(x, dim, largest), np.arange(k), axis=dim)


def np_median(x, dim, keepdim):
    ordered = np.sort(x, axis=dim)
    return np.take(ordered, [(x.shape[dim] - 1) // 2], axis=dim) if keepdim else \
        np.take(ordered, (x.shape[dim] - 1) // 2, axis=dim)


def sample_flip(draw):
    shape = draw(shapes(min_dims=1))
    flipped = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    return [values(draw, shape, "real")], {"dims": tuple(flipped)}


def sample_roll(draw):
    shape = draw(shapes(min_dims=1))
    if draw(st.booleans()):
        return [values(draw, shape, "real")], {"shifts": draw(st.integers(-5, 5)), "dims": None}
    rolled = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    shifts = tuple(draw(st.integers(-4, 4)) for _ in rolled)
    return [values(draw, shape, "real")], {"shifts": shifts, "dims": tuple(rolled)}


def sample_repeat(draw):
    shape = draw(shapes())
    sizes = tuple(draw(st.integers(1, 3)) for _ in range(len(shape) + draw(st.integers(0, 1))))
    return [values(draw, shape, "real")], {"sizes": sizes}


def sample_tile(draw):
    shape = draw(shapes())
    reps = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 3))))
    return [values(draw, shape, "real")], {"dims": reps}


def sample_triangle(draw):
    shape = draw(shapes(min_dims=2))
    return [values(draw, shape, "real")], {"diagonal": draw(st.integers(-2, 2))}


def sample_masked_fill(draw):
    shape_x, shape_m = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
                            .filter(lambda r: r.result_shape == r.input_shapes[0]).map(lambda r: r.input_shapes))
    return [values(draw, shape_x, "real")], {"mask": draw(hnp.arrays(np.bool_, shape_m)),
                                             "value": draw(st.sampled_from([0.0, -1.5, 3.0]))}


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


def sample_index_select(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)))
    return [values(draw, shape, "real")], {"dim": dim, "index": index}


def sample_index_add(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)))  # repeats too
    source_shape = list(shape)
    source_shape[dim] = len(index)
    return ([values(draw, shape, "real"), values(draw, tuple(source_shape), "real")],
            {"dim": dim, "index": index, "alpha": draw(st.sampled_from([1, -0.5, 2.0]))})


def np_index_add(x, src, dim, index, alpha):
    out = x.copy()
    for i, position in enumerate(index):  # a slice of src added at each position along dim
        out[(slice(None),) * (dim % x.ndim) + (position,)] += alpha * np.take(src, i, axis=dim)
    return out


def sample_masked_select(draw):
    shape = draw(shapes())
    return [values(draw, shape, "real")], {"mask": draw(hnp.arrays(np.bool_, shape))}


def sample_clamp_min(draw):
    return [values(draw, draw(shapes()), "grid")], {"bound": draw(st.sampled_from([-1.05, 0.15, 0.95]))}


def sample_like(draw):
    shape_x, shape_y = draw(broadcastable_shapes(2).filter(lambda s: np.broadcast_shapes(*s) == s[1]))
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real")], {}


def sample_same_size(draw):
    shape = draw(shapes())
    size = int(np.prod(shape))
    return [values(draw, shape, "real"), values(draw, draw(st.sampled_from([(size,), (1, size), (size, 1)])),
                                                   "real")], {}


def sample_prod_dim(draw):
    shape = draw(shapes(max_side=4))
    x = values(draw, shape, "real")
    if x.size and draw(st.booleans()):
        x.reshape(-1)[draw(st.integers(0, x.size - 1))] = 0.0
    return [x], {"dim": draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0}


def sample_position(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return [values(draw, shape, "real")], {"dim": dim, "index": draw(st.integers(0, shape[dim] - 1))}


def sample_diagonal(draw):
    shape = draw(shapes(min_dims=2))
    dim1, dim2 = draw(st.permutations(range(len(shape))))[:2]
    return [values(draw, shape, "real")], {"offset": draw(st.integers(-2, 2)), "dim1": dim1, "dim2": dim2}


def sample_diag(draw):
    shape = draw(shapes(1, 2))
    return [values(draw, shape, "real")], {"k": draw(st.integers(-2, 2))}


def sample_scatter(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(draw(st.integers(1, n)) for n in shape)
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[dim] - 1)))  # repeats too
    src_shape = tuple(n + draw(st.integers(0, 1)) for n in index_shape)  # src may be larger than index
    return [values(draw, shape, "real"), values(draw, src_shape, "real")], {"dim": dim, "index": index}


def scatter_positions(x, dim, index):
    """(target position in x, source position) for every element of index."""
    for position in np.ndindex(*index.shape):
        target = list(position)
        target[dim] = index[position]
        yield tuple(target), position


def np_scatter_add(x, src, dim, index):
    out = x.copy()
    for target, source in scatter_positions(x, dim, index):
        out[target] += src[source]
    return out


def np_scatter(x, src, dim, index):
    """Written values replace x; a position written several times gets their mean."""
    total, count = np.zeros_like(x), np.zeros_like(x)
    for target, source in scatter_positions(x, dim, index):
        total[target] += src[source]
        count[target] += 1
    return np.where(count > 0, total / np.maximum(count, 1), x)


def np_tile(x, dims):
    return np.tile(x, dims)


def np_roll(x, shifts, dims):
    return np.roll(x, shifts, dims)


def np_masked_fill(x, mask, value):
    return np.where(mask, value, x)


register("prod", lambda x, **kw: x.prod(**kw), np_prod, sample_prod)
register("cumsum", lambda x, dim: x.cumsum(dim), lambda x, dim: np.cumsum(x, axis=dim) if x.ndim else x.copy(),
         one_dim(min_dims=0))
register("norm", lambda x, **kw: x.norm(**kw), np_norm, sample_norm)
register("gather", lambda x, dim, index: x.gather(dim, tg.tensor(index)),
         lambda x, dim, index: np.take_along_axis(x, index, dim), sample_gather)
register("sort", lambda x, **kw: x.sort(**kw).values, np_sort, sample_sort)
register("topk", lambda x, **kw: x.topk(**kw).values, np_topk, sample_topk)
register("median", lambda x, **kw: x.median(**kw).values, np_median, one_dim("distinct", keepdim=True))
register("flip", lambda x, dims: x.flip(dims), lambda x, dims: np.flip(x, dims), sample_flip)
register("roll", lambda x, **kw: x.roll(**kw), np_roll, sample_roll)
register("repeat", lambda x, sizes: x.repeat(*sizes), lambda x, sizes: np.tile(x, sizes), sample_repeat)
register("tile", lambda x, dims: x.tile(dims), np_tile, sample_tile)
register("tril", lambda x, diagonal: x.tril(diagonal), lambda x, diagonal: np.tril(x, diagonal), sample_triangle)
register("triu", lambda x, diagonal: x.triu(diagonal), lambda x, diagonal: np.triu(x, diagonal), sample_triangle)
register("masked_fill", lambda x, mask, value: x.masked_fill(tg.tensor(mask), value), np_masked_fill,
         sample_masked_fill)
register("cross", lambda x, y, dim: x.cross(y, dim), lambda x, y, dim: np.cross(x, y, axis=dim), sample_cross)
register("lerp", lambda x, y, w: x.lerp(y, w), lambda x, y, w: x + w * (y - x), sample_lerp)
register("dot", lambda x, y: x.dot(y), np.dot, sample_dot)
register("outer", lambda x, y: x.outer(y), np.outer, sample_vectors)
register("mm", lambda x, y: x.mm(y), np.matmul, sample_mm)
register("bmm", lambda x, y: x.bmm(y), np.matmul, sample_bmm)
register("einsum", lambda *xs, equation: tg.einsum(equation, *xs), lambda *xs, equation: np.einsum(equation, *xs),
         sample_einsum, covers=())
register("log10", lambda x: x.log10(), np.log10, unary("positive"))
register("log2", lambda x: x.log2(), np.log2, unary("positive"))
register("log1p", lambda x: x.log1p(), np.log1p, unary("unit"))
register("expm1", lambda x: x.expm1(), np.expm1, unary())
register("exp2", lambda x: x.exp2(), np.exp2, unary())
register("square", lambda x: x.square(), np.square, unary())
register("rsqrt", lambda x: x.rsqrt(), lambda x: 1 / np.sqrt(x), unary("positive"))
register("reciprocal", lambda x: x.reciprocal(), np.reciprocal, unary("nonzero"))
register("index_select", lambda x, dim, index: x.index_select(dim, tg.tensor(index)),
         lambda x, dim, index: np.take(x, index, axis=dim), sample_index_select)
register("index_add", lambda x, src, dim, index, alpha: x.index_add(dim, tg.tensor(index), src, alpha=alpha),
         np_index_add, sample_index_add)
register("masked_select", lambda x, mask: x.masked_select(tg.tensor(mask)), lambda x, mask: x[mask],
         sample_masked_select)
register("clamp_min", lambda x, bound: x.clamp_min(bound), lambda x, bound: np.maximum(x, bound), sample_clamp_min)
register("clamp_max", lambda x, bound: x.clamp_max(bound), lambda x, bound: np.minimum(x, bound), sample_clamp_min)
register("expand_as", lambda x, y: x.expand_as(y) * y, lambda x, y: np.broadcast_to(x, y.shape) * y, sample_like)
register("reshape_as", lambda x, y: x.reshape_as(y) + x.view_as(y) * y,
         lambda x, y: x.reshape(y.shape) + x.reshape(y.shape) * y, sample_same_size, covers=("reshape_as", "view_as"))
register("t", lambda x: x.t(), lambda x: x.T, lambda draw: ([values(draw, draw(shapes(max_dims=2)), "real")], {}))
register("cumprod", lambda x, dim: x.cumprod(dim), lambda x, dim: np.cumprod(x, axis=dim) if x.ndim else x.copy(),
         lambda draw: sample_prod_dim(draw))
register("select", lambda x, dim, index: x.select(dim, index), lambda x, dim, index: np.take(x, index, axis=dim),
         lambda draw: sample_position(draw))
register("unbind", lambda x, dim, index: x.unbind(dim), lambda x, dim, index: tuple(np.moveaxis(x, dim, 0)),
         lambda draw: sample_position(draw))
register("narrow", lambda x, dim, index: x.narrow(dim, index, 1),
         lambda x, dim, index: np.take(x, [index], axis=dim), lambda draw: sample_position(draw))
register("diagonal", lambda x, **kw: x.diagonal(**kw), lambda x, offset, dim1, dim2: np.diagonal(x, offset, dim1, dim2),
         sample_diagonal)
register("diag", lambda x, k: x.diag(k), np.diag, lambda draw: sample_diag(draw))
register("trace", lambda x: x.trace(), np.trace, lambda draw: ([values(draw, draw(shapes(2, 2)), "real")], {}))

register("scatter_add", lambda x, src, dim, index: x.scatter_add(dim, tg.tensor(index), src), np_scatter_add,
         sample_scatter)
register("scatter", lambda x, src, dim, index: x.scatter(dim, tg.tensor(index), src), np_scatter, sample_scatter)

# identities for a float64 CPU tensor: they must keep the tensor in the graph
register("to", lambda x: x.to("cpu", np.float64).type(np.float64).type_as(x).contiguous().cpu().clone(
    memory_format=None), lambda x: x, unary(), covers=("to", "type", "type_as", "contiguous", "cpu"))
register("to_float32", lambda x: x.to(np.float32).to(x), lambda x: x.astype(np.float32).astype(np.float64), unary(),
         gradgrad=False, tolerances={"eps": 1e-2, "atol": 1e-3, "rtol": 1e-2})


# ---------------------------------------------------------------- nn primitives (tinygrad_edu/nn/ops.py)
# conv2d and max_pool2d are primitives for speed, erf for precision; their backward passes are built
# from primitives, so they get gradgradcheck like everything else.

@st.composite
def conv_case(draw):
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = (draw(st.integers(1, 2)), draw(st.integers(1, 2))), (draw(st.integers(0, 1)),
                                                                           draw(st.integers(0, 1)))
    h = draw(st.integers(max(kh - 2 * padding[0], 1), 4))
    w = draw(st.integers(max(kw - 2 * padding[1], 1), 4))
    return (n, c_in, h, w), (c_out, c_in, kh, kw), stride, padding


def sample_conv2d(draw):
    x_shape, w_shape, stride, padding = draw(conv_case())
    arrays = [values(draw, x_shape, "real"), values(draw, w_shape, "real"), values(draw, w_shape[:1], "real")]
    return arrays, {"stride": stride, "padding": padding}


def np_conv2d(x, w, b, stride, padding):
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    kh, kw = w.shape[2:]
    out_h, out_w = (x.shape[2] - kh) // stride[0] + 1, (x.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.einsum("ncij,ocij->no", patch, w)
    return out + b[None, :, None, None]


def sample_max_pool(draw):
    k = draw(st.integers(1, 2))
    stride = draw(st.sampled_from([None, 1, 2]))
    padding = draw(st.integers(0, k // 2))  # PyTorch allows at most half the kernel
    low = max(k - 2 * padding, 1)  # the padded input must hold one window
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(low, 4)), draw(st.integers(low, 4)))
    return [values(draw, shape, "distinct")], {"kernel_size": k, "stride": stride, "padding": padding}


def np_max_pool(x, kernel_size, stride, padding=0):
    x = np.pad(x, ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2), constant_values=-np.inf)  # pads never win
    s = stride or kernel_size
    out_h, out_w = (x.shape[2] - kernel_size) // s + 1, (x.shape[3] - kernel_size) // s + 1
    out = np.zeros(x.shape[:2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[:, :, i, j] = x[:, :, i * s:i * s + kernel_size, j * s:j * s + kernel_size].max(axis=(2, 3))
    return out


def np_erf(x):
    import math
    return np.vectorize(math.erf)(x)


def _functional():
    import tinygrad_edu.nn.functional as F
    return F


register("conv2d", lambda x, w, b, **kw: _functional().conv2d(x, w, b, **kw), np_conv2d, sample_conv2d)
register("max_pool2d", lambda x, **kw: _functional().max_pool2d(x, **kw), np_max_pool, sample_max_pool)
register("F.erf", lambda x: _functional().erf(x), np_erf, unary(), covers=())


def sample_linear(draw):
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(), (2,), (2, 3)]))
    arrays = [values(draw, lead + (n_in,), "real"), values(draw, (n_out, n_in), "real"), values(draw, (n_out,), "real")]
    return arrays, {}


register("F.linear", lambda x, w, b: _functional().linear(x, w, b), lambda x, w, b: x @ w.T + b, sample_linear)
register("F.log_softmax", lambda x, dim: _functional().log_softmax(x, dim),
         lambda x, dim: np.log(np_softmax(x, dim)), sample_softmax)


def sample_cross_entropy(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=np.int64)
    return [values(draw, (n, c), "real")], {"target": target, "reduction": draw(st.sampled_from(["mean", "sum"]))}


def np_cross_entropy(x, target, reduction):
    """-log softmax(x)[n, target[n]], averaged or summed (the fused primitive's case)."""
    picked = np.log(np_softmax(x, 1))[np.arange(len(target)), target]
    return -picked.mean() if reduction == "mean" else -picked.sum()


register("F.cross_entropy", lambda x, **kw: _functional().cross_entropy(x, **kw), np_cross_entropy,
         sample_cross_entropy)
register("F.nll_loss", lambda x, **kw: _functional().nll_loss(x, **kw),
         lambda x, target, reduction: np_reduce(-x[np.arange(len(target)), target], reduction), sample_cross_entropy)


def sample_pair_loss(draw):
    """Input and target of one shape (both get gradients), and a reduction."""
    shape = draw(shapes())
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return [values(draw, shape, "real"), values(draw, shape, "real")], {"reduction": reduction}


def np_reduce(losses, reduction):
    return losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses


register("F.mse_loss", lambda x, y, **kw: _functional().mse_loss(x, y, **kw),
         lambda x, y, reduction: np_reduce((x - y) ** 2, reduction), sample_pair_loss)
register("F.binary_cross_entropy_with_logits",
         lambda x, t, **kw: _functional().binary_cross_entropy_with_logits(x, t, **kw),
         lambda x, t, reduction: np_reduce((1 - t) * x + np.logaddexp(0, -x), reduction), sample_pair_loss)


def sample_embedding(draw):
    rows, width = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=5)), dtype=np.int64)
    return [values(draw, (rows, width), "real")], {"idx": idx}


register("F.embedding", lambda w, idx: _functional().embedding(tg.tensor(idx), w), lambda w, idx: w[idx],
         sample_embedding)

# the composite layers of nn.functional: 1-D conv and pools, avg_pool2d's options, group_norm, interpolate
for entry in LAYER_ENTRIES:
    register(*entry)


# ---------------------------------------------------------------- nn.functional's less common activations
# (nn/activation_functions.py): composites; the grid keeps them 0.1 from their corners, and the
# arguments are chosen so the corners fall inside [-2, 2] but off the grid (their slopes there:
# tests/test_nn_activations.py)

def np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * np.minimum(x, threshold / beta))) / beta)


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def np_relu6(x):
    return np.clip(x, 0, 6)


def sample_glu(draw):
    shape = list(draw(shapes(min_dims=1)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] *= 2
    return [values(draw, tuple(shape), "real")], {"dim": dim}


def np_glu(x, dim):
    a, b = np.split(x, 2, axis=dim)
    return a * np_sigmoid(b)


ACTIVATIONS = {  # name: (call, NumPy reference, domain)
    "silu": (lambda F, x: F.silu(x), lambda x: x * np_sigmoid(x), "real"),
    "elu": (lambda F, x: F.elu(x, 0.7), lambda x: np_elu(x, 0.7), "grid"),
    "selu": (lambda F, x: F.selu(x), lambda x: 1.0507009873554805 * np_elu(x, 1.6732632423543772), "grid"),
    "celu": (lambda F, x: F.celu(x, 1.5), lambda x: np.maximum(x, 0) + np.minimum(0, 1.5 * np.expm1(x / 1.5)), "grid"),
    "softplus": (lambda F, x: F.softplus(x, 2.0, 1.5), lambda x: np_softplus(x, 2.0, 1.5), "grid"),  # linear above 0.75
    "softsign": (lambda F, x: F.softsign(x), lambda x: x / (1 + np.abs(x)), "grid"),
    "relu6": (lambda F, x: F.relu6(x * 4 + 0.2), lambda x: np_relu6(x * 4 + 0.2), "grid"),  # x = -0.05, 1.45
    "hardtanh": (lambda F, x: F.hardtanh(x, -1.05, 0.95), lambda x: np.clip(x, -1.05, 0.95), "grid"),
    "hardswish": (lambda F, x: F.hardswish(x * 2 + 0.1), lambda x: (2 * x + 0.1) * np_relu6(2 * x + 3.1) / 6, "grid"),
    "hardsigmoid": (lambda F, x: F.hardsigmoid(x * 2 + 0.1), lambda x: np_relu6(2 * x + 3.1) / 6, "grid"),
    "logsigmoid": (lambda F, x: F.logsigmoid(x * 10), lambda x: -np.logaddexp(0, -10 * x), "real"),
    "mish": (lambda F, x: F.mish(x * 2), lambda x: 2 * x * np.tanh(np.logaddexp(0, 2 * x)), "real"),
}


def activation_entry(call):
    return lambda x: call(_functional(), x)


for _name, (_call, _reference, _domain) in ACTIVATIONS.items():
    register(f"F.{_name}", activation_entry(_call), _reference, unary(_domain))
register("F.glu", lambda x, dim: _functional().glu(x, dim), np_glu, sample_glu)


# ---------------------------------------------------------------- nn.functional's distances and further losses
# (nn/distance_functions.py, nn/loss_functions.py): composites; corners kept off the samples as above

def sample_vectors_along(count, domain="real"):
    def sample(draw):
        shape = draw(shapes(min_dims=1))
        dim = draw(st.integers(-len(shape), len(shape) - 1))
        return [values(draw, shape, domain) for _ in range(count)], {"dim": dim}
    return sample


def sample_rows(count, options):
    """count (n, d) arrays no two of which are ever equal element for element (the distance's corner):
    the grid, the grid shifted by 0.05, shifted by 0.025."""
    def sample(draw):
        shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        arrays = [values(draw, shape, "grid"), values(draw, shape, "offgrid"), values(draw, shape, "offgrid") - 0.025]
        return arrays[:count], {k: draw(v) for k, v in options.items()}
    return sample


def np_norm_along(x, dim, eps):
    return np.maximum(np.sqrt(np.sum(x * x, axis=dim, keepdims=True)), eps)


def np_cosine_similarity(x1, x2, dim):
    return np.sum(x1 / np_norm_along(x1, dim, 1e-8) * x2 / np_norm_along(x2, dim, 1e-8), axis=dim)


def np_robust(x, reduction, beta, scale):  # smooth_l1 (scale 1 / beta) and huber (scale 1) against a target of 0.02
    d = x - 0.02
    return np_reduce(np.where(abs(d) < beta, 0.5 * d * d * scale, (abs(d) - 0.5 * beta) * beta * scale), reduction)


def sample_loss(domain, **options):
    def sample(draw):
        return [values(draw, draw(shapes(min_dims=1)), domain)], {"reduction": draw(st.sampled_from(
            ["mean", "sum", "none"])), **{k: draw(v) for k, v in options.items()}}
    return sample


def signs_like(x):
    return np.where(np.arange(x.size).reshape(x.shape) % 2, 1.0, -1.0)


def np_kl_div(x, t, log_target):
    return (np.exp(t) * (t - x) if log_target else t * (np.log(t) - x)).sum() / x.shape[0]


def sample_kl_div(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real"), values(draw, shape, "positive")], {"log_target": draw(st.booleans())}


def np_triplet(a, p, n, swap, reduction):
    distance = lambda x, y: np.sqrt(np.sum((x - y + 1e-6) ** 2, axis=-1))  # noqa: E731
    negative = np.minimum(distance(a, n), distance(p, n)) if swap else distance(a, n)
    return np_reduce(np.maximum(distance(a, p) - negative + 1.0, 0), reduction)


register("F.normalize", lambda x, dim: _functional().normalize(x, dim=dim),
         lambda x, dim: x / np_norm_along(x, dim, 1e-12), sample_vectors_along(1, "nonzero"))
register("F.cosine_similarity", lambda x1, x2, dim: _functional().cosine_similarity(x1, x2, dim),
         np_cosine_similarity, sample_vectors_along(2, "nonzero"))
register("F.pairwise_distance", lambda x1, x2, **kw: _functional().pairwise_distance(x1, x2, **kw),
         lambda x1, x2, p, keepdim: np.sum(np.abs(x1 - x2 + 1e-6) ** p, axis=-1, keepdims=keepdim) ** (1 / p),
         sample_rows(2, {"p": st.sampled_from([2.0, 3.0]), "keepdim": st.booleans()}))
def against_002(name):
    return lambda x, **kw: getattr(_functional(), name)(x, tg.full(x.shape, 0.02, dtype=x.dtype), **kw)


register("F.smooth_l1_loss", against_002("smooth_l1_loss"),
         lambda x, reduction, beta: np_robust(x, reduction, beta, 1 / beta), sample_loss("grid", beta=st.just(0.75)))
register("F.huber_loss", against_002("huber_loss"),
         lambda x, reduction, delta: np_robust(x, reduction, delta, 1.0), sample_loss("grid", delta=st.just(0.75)))
register("F.kl_div", lambda x, t, log_target: _functional().kl_div(x, t, reduction="batchmean", log_target=log_target),
         np_kl_div, sample_kl_div)
register("F.margin_ranking_loss", lambda x1, x2, **kw: _functional().margin_ranking_loss(
    x1, x2, tg.tensor(signs_like(x1._data)), **kw),
    lambda x1, x2, reduction: np_reduce(np.maximum(-signs_like(x1) * (x1 - x2), 0), reduction),
    lambda draw: ([values(draw, (3,), "grid"), values(draw, (3,), "offgrid")],
                  {"reduction": draw(st.sampled_from(["mean", "sum", "none"]))}))
register("F.soft_margin_loss", lambda x, **kw: _functional().soft_margin_loss(x, tg.tensor(signs_like(x._data)), **kw),
         lambda x, reduction: np_reduce(np.log1p(np.exp(-signs_like(x) * x)), reduction), sample_loss("real"))
register("F.triplet_margin_loss", lambda a, p, n, **kw: _functional().triplet_margin_loss(a, p, n, **kw), np_triplet,
         sample_rows(3, {"swap": st.booleans(), "reduction": st.sampled_from(["mean", "sum", "none"])}))


# ---------------------------------------------------------------- in-place forms, on a copy in the graph
# x.f_() is recorded as f on x's old value (Tensor._apply_), so each in-place form is gradchecked like f.

def inplace(method, *args, **kwargs):
    return lambda x, **kw: getattr(x * 1.0, method)(*args, **{**kwargs, **kw})


register("sin_", inplace("sin_"), np.sin, unary())
register("cos_", inplace("cos_"), np.cos, unary())
register("exp_", inplace("exp_"), np.exp, unary())
register("log_", inplace("log_"), np.log, unary("positive"))
register("sqrt_", inplace("sqrt_"), np.sqrt, unary("positive"))
register("abs_", inplace("abs_"), np.abs, unary("grid"))
register("neg_", inplace("neg_"), np.negative, unary())
register("tanh_", inplace("tanh_"), np.tanh, unary())
register("sigmoid_", inplace("sigmoid_"), np_sigmoid, unary())
register("relu_", inplace("relu_"), lambda x: np.maximum(x, 0), unary("grid"))
register("pow_", inplace("pow_", 3), lambda x: x ** 3, unary())
register("clamp_", inplace("clamp_"), np_clamp, sample_clamp)
register("remainder_", inplace("remainder_", 0.37), lambda x: np.remainder(x, 0.37), unary("grid"))
register("fmod_", inplace("fmod_", -1.13), lambda x: np.fmod(x, -1.13), unary("grid"))
register("div_floor_", inplace("div_", 0.37, rounding_mode="floor"), lambda x: np.floor_divide(x, 0.37), unary("grid"),
         covers=())
register("scatter_", lambda x, src, dim, index: (x * 1.0).scatter_(dim, tg.tensor(index), src), np_scatter,
         sample_scatter)
register("scatter_add_", lambda x, src, dim, index: (x * 1.0).scatter_add_(dim, tg.tensor(index), src),
         np_scatter_add, sample_scatter)
register("index_add_", lambda x, src, dim, index, alpha: (x * 1.0).index_add_(dim, tg.tensor(index), src, alpha=alpha),
         np_index_add, sample_index_add)
register("masked_fill_", lambda x, mask, value: (x * 1.0).masked_fill_(tg.tensor(mask), value), np_masked_fill,
         sample_masked_fill)
register("unsqueeze_", inplace("unsqueeze_"), lambda x, dim: np.expand_dims(x, dim), sample_unsqueeze)
register("squeeze_", inplace("squeeze_"), np_squeeze, sample_squeeze)


# ---------------------------------------------------------------- more math (math_ops.py, math_methods.py)

def special(name):
    import scipy.special  # installed with scikit-learn
    return getattr(scipy.special, name)


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


def np_beta_alpha(x, product, beta, alpha):
    return (0 if beta == 0 else beta * x) + alpha * product


def sample_dist(draw):
    shape_x, shape_y = draw(broadcastable_shapes(2))
    # grid against offgrid: x - y is never within 0.05 of 0, where the norm has its kink
    return [values(draw, shape_x, "grid"), values(draw, shape_y, "offgrid")], {"p": draw(st.sampled_from([2, 3, 1.5]))}


def sample_index_fill(draw):
    arrays, kwargs = sample_index_select(draw)
    return arrays, {**kwargs, "value": draw(st.sampled_from([0.0, -1.5]))}


def np_index_fill(x, dim, index, value):
    out = x.copy()
    out[(slice(None),) * (dim % x.ndim) + (index,)] = value
    return out


def np_fill_diagonal(x, wrap):
    out = x.copy()
    np.fill_diagonal(out, -1.5, wrap=wrap)
    return out


def sample_fill_diagonal(draw):
    shape = draw(st.sampled_from([(2, 2), (3, 2), (2, 3), (5, 2), (2, 2, 2)]))
    return [values(draw, shape, "real")], {"wrap": draw(st.booleans())}


def full(x, *others):
    """A copy of x in the graph, expanded to the shape x broadcasts to with `others` (what an
    in-place op needs: it cannot change x's shape)."""
    return (x * 1.0).expand(np.broadcast_shapes(x.shape, *(o.shape for o in others))).clone()


def probability(x):
    return x * 0.5 + 0.5  # unit's (-0.9, 0.9) mapped to (0.05, 0.95)


register("tan", lambda x: x.tan(), np.tan, unary("unit"))
register("sinh", lambda x: x.sinh(), np.sinh, unary())
register("cosh", lambda x: x.cosh(), np.cosh, unary())
register("asinh", lambda x: x.asinh(), np.arcsinh, unary(), covers=("asinh", "arcsinh"))
register("acosh", lambda x: (x + 1.5).acosh(), lambda x: np.arccosh(x + 1.5), unary("positive"),
         covers=("acosh", "arccosh"))
register("atanh", lambda x: x.atanh(), np.arctanh, unary("unit"), covers=("atanh", "arctanh"))
register("erf", lambda x: x.erf(), np_erf, unary())
register("erfc", lambda x: x.erfc(), lambda x: 1 - np_erf(x), unary())
register("erfinv", lambda x: x.erfinv(), lambda x: special("erfinv")(x), unary("unit"))
register("atan2", lambda y, x: y.atan2(x), np.arctan2, binary("nonzero", "real"), covers=("atan2", "arctan2"))
register("hypot", lambda x, y: x.hypot(y), np.hypot, binary("nonzero", "real"))
register("logit", lambda x: probability(x).logit(), lambda x: np.log(probability(x) / (1 - probability(x))),
         unary("unit"))
register("logit_eps", lambda x: probability(x).logit(0.01), lambda x: np.log(probability(x) / (1 - probability(x))),
         unary("unit"), covers=())
register("frac", lambda x: x.frac(), lambda x: x - np.trunc(x), unary("offgrid"))
register("deg2rad", lambda x: x.deg2rad(), np.deg2rad, unary())
register("rad2deg", lambda x: x.rad2deg(), np.rad2deg, unary())
register("addcmul", lambda x, a, b, value: x.addcmul(a, b, value=value), lambda x, a, b, value: x + value * a * b,
         sample_addc)
register("addcdiv", lambda x, a, b, value: x.addcdiv(a, b, value=value), lambda x, a, b, value: x + value * a / b,
         sample_addc)
register("addmm", lambda x, a, b, **kw: x.addmm(a, b, **kw), lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw),
         sample_addmm)
register("addmv", lambda x, a, b, **kw: x.addmv(a, b, **kw), lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw),
         sample_addmv)
register("baddbmm", lambda x, a, b, **kw: x.baddbmm(a, b, **kw), lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw),
         sample_baddbmm)
register("dist", lambda x, y, p: x.dist(y, p), lambda x, y, p: np.sum(np.abs(x - y) ** p) ** (1 / p), sample_dist)
register("index_fill", lambda x, dim, index, value: x.index_fill(dim, tg.tensor(index), value), np_index_fill,
         sample_index_fill)

register("tan_", inplace("tan_"), np.tan, unary("unit"))
register("sinh_", inplace("sinh_"), np.sinh, unary())
register("cosh_", inplace("cosh_"), np.cosh, unary())
register("asinh_", inplace("asinh_"), np.arcsinh, unary(), covers=("asinh_", "arcsinh_"))
register("acosh_", lambda x: (x + 1.5).acosh_(), lambda x: np.arccosh(x + 1.5), unary("positive"),
         covers=("acosh_", "arccosh_"))
register("atanh_", inplace("atanh_"), np.arctanh, unary("unit"), covers=("atanh_", "arctanh_"))
register("asin_", inplace("asin_"), np.arcsin, unary("unit"), covers=("asin_", "arcsin_"))
register("acos_", inplace("acos_"), np.arccos, unary("unit"), covers=("acos_", "arccos_"))
register("atan_", inplace("atan_"), np.arctan, unary(), covers=("atan_", "arctan_"))
register("erf_", inplace("erf_"), np_erf, unary())
register("erfc_", inplace("erfc_"), lambda x: 1 - np_erf(x), unary())
register("erfinv_", inplace("erfinv_"), lambda x: special("erfinv")(x), unary("unit"))
register("frac_", inplace("frac_"), lambda x: x - np.trunc(x), unary("offgrid"))
register("deg2rad_", inplace("deg2rad_"), np.deg2rad, unary())
register("rad2deg_", inplace("rad2deg_"), np.rad2deg, unary())
register("logit_", lambda x: probability(x).logit_(), lambda x: np.log(probability(x) / (1 - probability(x))),
         unary("unit"))
register("atan2_", lambda y, x: full(y, x).atan2_(x), np.arctan2, binary("nonzero", "real"),
         covers=("atan2_", "arctan2_"))
register("hypot_", lambda x, y: full(x, y).hypot_(y), np.hypot, binary("nonzero", "real"))


register("addcmul_", lambda x, a, b, value: full(x, a, b).addcmul_(a, b, value=value),
         lambda x, a, b, value: x + value * a * b, sample_addc)
register("addcdiv_", lambda x, a, b, value: full(x, a, b).addcdiv_(a, b, value=value),
         lambda x, a, b, value: x + value * a / b, sample_addc)
register("lerp_", lambda x, y, w: full(x, y, w).lerp_(y, w), lambda x, y, w: x + w * (y - x), sample_lerp)
register("addmm_", lambda x, a, b, **kw: full(x, a @ b).addmm_(a, b, **kw),
         lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw), sample_addmm)
register("addmv_", lambda x, a, b, **kw: full(x, a @ b).addmv_(a, b, **kw),
         lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw), sample_addmv)
register("baddbmm_", lambda x, a, b, **kw: full(x, a @ b).baddbmm_(a, b, **kw),
         lambda x, a, b, **kw: np_beta_alpha(x, a @ b, **kw), sample_baddbmm)
register("index_fill_", lambda x, dim, index, value: (x * 1.0).index_fill_(dim, tg.tensor(index), value),
         np_index_fill, sample_index_fill)
register("fill_diagonal_", lambda x, wrap: (x * 1.0).fill_diagonal_(-1.5, wrap), np_fill_diagonal,
         sample_fill_diagonal)
