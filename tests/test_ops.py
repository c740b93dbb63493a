"""Every registered op: forward against NumPy, gradient and second derivative against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_registry import REGISTRY

import tinygrad_edu as tg

SPECS = {spec.name: spec for spec in REGISTRY}


def as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def leaves(arrays):
    return [tg.tensor(a, dtype=np.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("name", SPECS)
@given(data=st.data())
def test_forward_matches_numpy(name, data):
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    got = as_tuple(spec.fn(*[tg.tensor(a, dtype=np.float64) for a in arrays], **kwargs))
    want = as_tuple(spec.ref(*arrays, **kwargs))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == np.shape(w), f"{name}: shape {g.shape} vs numpy {np.shape(w)}"
        np.testing.assert_allclose(g._data, w, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", SPECS)
@given(data=st.data())
def test_gradcheck(name, data):
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    assert tg.gradcheck(lambda *xs: spec.fn(*xs, **kwargs), leaves(arrays), **spec.tolerances)


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.gradgrad])
@given(data=st.data())
def test_gradgradcheck(name, data):
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    assert tg.gradgradcheck(lambda *xs: spec.fn(*xs, **kwargs), leaves(arrays), **spec.tolerances)


# Public Tensor methods that are not differentiable ops (or not ops at all).
NOT_DIFFERENTIABLE = {
    "backward", "detach", "detach_", "numpy", "tolist", "item", "size", "dim", "numel", "requires_grad_", "retain_grad",
    "register_hook", "long", "isnan", "isinf", "isfinite", "argmax", "argmin", "any", "all",
    "eq", "ne", "lt", "le", "gt", "ge", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__and__", "__or__", "__invert__", "__bool__", "__float__", "__int__", "__index__", "__len__", "__iter__",
    "__repr__", "__array__", "__hash__", "__init__",
    "__format__", "__xor__", "__rand__", "__ror__", "__rxor__", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "bool", "int", "element_size", "is_floating_point",
    "nelement",
    "add_", "sub_", "mul_", "div_", "copy_", "fill_", "zero_", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "uniform_", "normal_", "bernoulli_", "exponential_", "geometric_", "cauchy_", "log_normal_", "random_",
    "bernoulli", "multinomial",  # random draws (test_math_ops.py checks their distributions)
    # no derivative, as in PyTorch (its backward raises; test_division.py pins it)
    "floor_divide", "floor_divide_", "__floordiv__", "__rfloordiv__", "__rmod__",
    # casts to non-floating dtypes, constants made by NumPy, and questions (test_tensor_api.py checks them)
    "byte", "cuda", "pin_memory", "is_pinned", "new_tensor", "new_full", "new_zeros", "new_ones",
    "new_empty", "is_contiguous", "argsort", "floor", "ceil", "trunc", "round",
    "count_nonzero", "isclose", "allclose", "equal", "unique", "histc", "histogram", "logical_not", "logical_and",
    "logical_or", "logical_xor", "nonzero", "argwhere", "bincount", "data_ptr", "stride",
    "unique_consecutive",  # a constant, as unique (test_order_statistics.py checks it)
    "half",  # differentiable, but float16 is too coarse for finite differences
    "ndimension",  # a question (test_arrangement.py)
    # special_methods.py: constants and comparisons, and heaviside, whose backward raises as PyTorch's
    # (test_more_math.py checks them)
    "heaviside", "heaviside_", "gcd", "gcd_", "lcm", "lcm_", "signbit", "isposinf", "isneginf", "isreal", "fix",
    "fix_", "greater", "greater_equal", "less", "less_equal", "not_equal",
}
ARITHMETIC_DUNDERS = {"__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                      "__rtruediv__", "__mod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__",
                      "__abs__", "__getitem__"}


def test_every_tensor_op_is_registered():
    covered = {name for spec in REGISTRY for name in spec.covers}
    public = {n for n in dir(tg.Tensor) if not n.startswith("_") and callable(getattr(tg.Tensor, n))}
    public |= {"T", "mT"}  # properties that are ops
    candidates = (public | ARITHMETIC_DUNDERS) - NOT_DIFFERENTIABLE
    missing = sorted(candidates - covered)
    assert not missing, f"ops on Tensor with no registry entry in tests/op_registry.py: {missing}"


@settings(max_examples=1)
@given(data=st.data())
def test_every_primitive_is_exercised(data):
    """Each Function subclass in ops.py, movement_ops.py, division_ops.py, math_ops.py, fused_ops.py,
    piecewise_ops.py, special_ops.py, nn/ops.py, nn/loss_ops.py and linalg_ops.py is reached by running the
    registered ops (and their backward)."""
    from tinygrad_edu import (
        autograd,
        division_ops,
        fused_ops,
        linalg_ops,
        math_ops,
        movement_ops,
        ops,
        piecewise_ops,
        special_ops,
    )
    from tinygrad_edu.nn import loss_ops
    from tinygrad_edu.nn import ops as nn_ops
    modules = (ops, movement_ops, division_ops, math_ops, fused_ops, piecewise_ops, nn_ops, loss_ops, special_ops,
               linalg_ops)
    bases = (autograd.Function, ops.Primitive, ops.Elementwise, ops.ElementwiseFromOutput,
             piecewise_ops.PiecewiseLinear, linalg_ops.Factorisation)
    primitives = {c for module in modules for c in vars(module).values()
                  if isinstance(c, type) and issubclass(c, autograd.Function) and c not in bases}
    primitives.discard(division_ops.FloorDivide)  # no derivative, as in PyTorch: test_division.py runs it
    primitives.discard(special_ops.Heaviside)  # nor has heaviside: test_more_math.py runs it
    seen = set()
    for spec in REGISTRY:
        arrays, kwargs = spec.sample(data.draw)
        out = as_tuple(spec.fn(*leaves(arrays), **kwargs))
        nodes = [o._ctx for o in out if o._ctx is not None]
        while nodes:
            node = nodes.pop()
            seen.add(type(node))
            nodes.extend(p._ctx for p in node.inputs if isinstance(p, tg.Tensor) and p._ctx is not None)
        # backward with create_graph reaches the ops used only inside backward rules (AddAt)
        if out[0].requires_grad:
            seed = tg.ones(out[0].shape, dtype=np.float64, requires_grad=True)
            for g in tg.grad(out[0], leaves_of(out[0]), seed, create_graph=True, allow_unused=True):
                if g is not None and g._ctx is not None:
                    seen.add(type(g._ctx))
    assert primitives - seen == set(), f"primitives no registry entry exercises: {primitives - seen}"


def leaves_of(t):
    if t._ctx is None:
        return [t]
    found, stack = [], [t._ctx]
    while stack:
        node = stack.pop()
        for p in node.inputs:
            if isinstance(p, tg.Tensor) and p.requires_grad:
                (found.append(p) if p._ctx is None else stack.append(p._ctx))
    return list({id(f): f for f in found}.values())


@pytest.mark.parametrize("name", SPECS)
@given(data=st.data())
def test_recorded_first_derivative_equals_the_plain_one(name, data):
    """Backward runs one way when it is recorded (create_graph=True: saved outputs come back
    as tensors in the graph) and another when it is not; both must give the same gradient."""
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    grads = []
    for create_graph in (False, True):
        xs = leaves(arrays)
        outs = [o for o in as_tuple(spec.fn(*xs, **kwargs)) if o.requires_grad]
        seeds = [tg.tensor(np.cos(np.arange(o.numel())).reshape(o.shape), dtype=np.float64) for o in outs]
        grads.append(tg.grad(outs, xs, seeds, create_graph=create_graph, allow_unused=True))
    for plain, recorded in zip(*grads):
        assert (plain is None) == (recorded is None)
        if plain is not None:
            np.testing.assert_allclose(recorded.detach().numpy(), plain.numpy(), rtol=1e-12, atol=1e-12)


def input_gradients(spec, arrays, kwargs, scale, create_graph):
    """Each input's gradient for the upstream gradient scale * cos(1, 2, ...) (cos(0) = 1 would make a
    scalar output's seed 1, the one seed under which a backward that drops g looks right)."""
    xs = leaves(arrays)
    outs = [o for o in as_tuple(spec.fn(*xs, **kwargs)) if o.requires_grad]
    seeds = [tg.tensor(scale * np.cos(np.arange(1, o.numel() + 1)).reshape(o.shape), dtype=np.float64) for o in outs]
    return xs, outs, seeds, tg.grad(outs, xs, seeds, create_graph=create_graph, allow_unused=True)


@pytest.mark.parametrize("name", SPECS)
@given(data=st.data())
def test_gradient_is_linear_in_the_output_gradient(name, data):
    """Backward is a vector-Jacobian product: scaling the output's gradient by -4 scales every input's
    gradient by -4, exactly but for subnormal numbers (a power of two scales every rounding with it), on
    both routes.
    gradcheck builds the Jacobian from seeds of 1, so a backward that forgets to multiply by g passes it
    on an op with a scalar output (a loss); this does not."""
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    for create_graph in (False, True):
        once = input_gradients(spec, arrays, kwargs, 1.0, create_graph)[3]
        scaled = input_gradients(spec, arrays, kwargs, -4.0, create_graph)[3]
        for a, b in zip(once, scaled):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(b.detach().numpy(), -4.0 * a.detach().numpy(), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.gradgrad])
@given(data=st.data())
def test_backward_of_backward_is_linear_in_the_output_gradient(name, data):
    """The gradient J^T g is linear in g, so for a fixed v, L = <v, J^T g> has <dL/dg, g> = L (Euler's
    identity, degree 1), exact up to rounding. dL/dg runs each backward's own backward (AddAt's for
    indexing, LinearWeightGrad's for a linear layer), which gradgradcheck checks to a few digits only."""
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    xs = leaves(arrays)
    outs = [o for o in as_tuple(spec.fn(*xs, **kwargs)) if o.requires_grad]
    seeds = [tg.tensor(np.cos(np.arange(1, o.numel() + 1)).reshape(o.shape), dtype=np.float64, requires_grad=True)
             for o in outs]
    grads = [g for g in tg.grad(outs, xs, seeds, create_graph=True, allow_unused=True)
             if g is not None and g.requires_grad]
    if not grads:
        return
    weighted = [g * tg.tensor(np.sin(np.arange(1, g.numel() + 1)).reshape(g.shape), dtype=np.float64) for g in grads]
    total = weighted[0].sum()
    for w in weighted[1:]:
        total = total + w.sum()
    seed_grads = tg.grad(total, seeds, allow_unused=True)
    terms = [sg.numpy() * seed.detach().numpy() for sg, seed in zip(seed_grads, seeds) if sg is not None]
    got = sum(t.sum() for t in terms)
    size = sum(np.abs(t).sum() for t in terms) + sum(np.abs(w.detach().numpy()).sum() for w in weighted)
    # (plus 1e-13: where the gradient is 0, rounding leaves ~1e-16 that the sizes do not bound; inputs are O(1))
    assert abs(got - total.item()) <= 1e-12 * size + 1e-13, f"{name}: <dL/dg, g> = {got}, L = {total.item()}"


# Ops homogeneous in a group of their inputs: f(t * x_group) = t**degree * f(x) for t > 0. Euler's
# theorem then says sum over the group of <dL/dx_i, x_i> = degree * <g, f(x)>, an identity exact up to
# rounding, where gradcheck's finite differences see only the first few digits: a derivative off by
# one part in 10**7 passes gradcheck and fails this. "all" is every input (cat, stack, einsum).
HOMOGENEOUS = {
    "mul": [((0,), 1), ((1,), 1)], "div": [((0,), 1), ((1,), -1)],
    "matmul": [((0,), 1), ((1,), 1)], "mm": [((0,), 1), ((1,), 1)], "bmm": [((0,), 1), ((1,), 1)],
    "dot": [((0,), 1), ((1,), 1)], "outer": [((0,), 1), ((1,), 1)], "rmatmul": [((0,), 1)],
    "einsum": [((0,), 1)], "trace": [((0,), 1)],
    "F.linear": [((0, 2), 1), ((1, 2), 1)], "conv2d": [((0, 2), 1), ((1, 2), 1)],
    "F.conv_transpose2d": [((0, 2), 1), ((1, 2), 1)],
    "sum": [((0,), 1)], "mean": [((0,), 1)], "max": [((0,), 1)], "amax": [((0,), 1)], "norm": [((0,), 1)],
    "var": [((0,), 2)], "std": [((0,), 1)], "square": [((0,), 2)], "sqrt": [((0,), 0.5)],
    "rsqrt": [((0,), -0.5)], "reciprocal": [((0,), -1)],
    "relu": [((0,), 1)], "abs": [((0,), 1)], "maximum": [((0, 1), 1)], "minimum": [((0, 1), 1)],
    "getitem": [((0,), 1)], "gather": [((0,), 1)], "index_select": [((0,), 1)], "reshape": [((0,), 1)],
    "transpose": [((0,), 1)], "permute": [((0,), 1)], "expand": [((0,), 1)], "flip": [((0,), 1)],
    "repeat": [((0,), 1)], "tile": [((0,), 1)], "tril": [((0,), 1)], "diagonal": [((0,), 1)],
    "select": [((0,), 1)], "narrow": [((0,), 1)], "cat": [("all", 1)], "stack": [("all", 1)],
    "max_pool2d": [((0,), 1)], "F.max_unpool2d": [((0,), 1)], "F.avg_pool2d": [((0,), 1)],
    "F.avg_pool1d": [((0,), 1)], "F.max_pool1d": [((0,), 1)], "F.adaptive_avg_pool1d": [((0,), 1)],
    "F.embedding": [((0,), 1)], "F.pixel_shuffle": [((0,), 1)], "F.unfold": [((0,), 1)], "F.fold": [((0,), 1)],
    "F.conv1d": [((0, 2), 1), ((1, 2), 1)], "F.conv_transpose1d": [((0, 2), 1), ((1, 2), 1)],
    "roll": [((0,), 1)], "split": [((0,), 1)], "chunk": [((0,), 1)], "unbind": [((0,), 1)],
    "movedim": [((0,), 1)], "unfold": [((0,), 1)], "take": [((0,), 1)], "diff": [("all", 1)], "cumsum": [((0,), 1)],
    "F.interpolate": [((0,), 1)], "F.conv3d": [((0, 2), 1), ((1, 2), 1)], "F.max_pool3d": [((0,), 1)],
}


@pytest.mark.parametrize("name", sorted(HOMOGENEOUS))
@given(data=st.data())
def test_gradients_satisfy_euler_s_identity_for_homogeneous_ops(name, data):
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    for create_graph in (False, True):
        xs, outs, seeds, grads = input_gradients(spec, arrays, kwargs, 1.0, create_graph)
        value = [(seed.numpy() * out.detach().numpy()) for seed, out in zip(seeds, outs)]
        for group, degree in HOMOGENEOUS[name]:
            group = range(len(xs)) if group == "all" else group
            terms = [grads[i].detach().numpy() * xs[i].detach().numpy() for i in group]
            got, want = sum(t.sum() for t in terms), degree * sum(v.sum() for v in value)
            size = sum(np.abs(t).sum() for t in terms) + abs(degree) * sum(np.abs(v).sum() for v in value)
            assert abs(got - want) <= 1e-12 * size + 1e-13, f"{name}, inputs {tuple(group)}: {got} != {want}"


# ---------------------------------------------------------------- corners that sampled domains avoid

def grad_of(fn, values):
    x = tg.tensor(values, dtype=np.float64, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.numpy()


def test_relu_abs_clamp_derivatives_at_their_kinks():
    np.testing.assert_array_equal(grad_of(lambda x: x.relu(), [-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad_of(lambda x: x.abs(), [-1.0, 0.0, 2.0]), [-1.0, 0.0, 1.0])
    # PyTorch: clamp passes the gradient at its bounds (min <= x <= max)
    np.testing.assert_array_equal(grad_of(lambda x: x.clamp(0.0, 1.0), [-0.5, 0.0, 0.5, 1.0, 1.5]),
                                  [0.0, 1.0, 1.0, 1.0, 0.0])


RELU_CORNERS = [-1.0, 0.0, 1.0, np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("create_graph", [False, True])
def test_relu_gradient_is_zero_where_x_is_not_positive_even_for_inf_and_nan(dtype, create_graph):
    """PyTorch's rule: 0 where x <= 0 whatever g is (g * mask would give nan for inf * 0),
    g elsewhere (at x = nan too), on both backward routes, bit for bit."""
    x = tg.tensor(np.array(RELU_CORNERS, dtype=dtype), requires_grad=True)
    for g_value, kept in [(np.inf, np.inf), (np.nan, np.nan), (-2.0, -2.0), (-0.0, -0.0)]:
        (gx,) = tg.autograd.grad(x.relu(), [x], tg.tensor(np.full(6, g_value, dtype=dtype)),
                                 create_graph=create_graph)
        want = np.array([0.0, 0.0, kept, kept, kept, 0.0], dtype=dtype)
        assert gx.dtype == dtype
        np.testing.assert_array_equal(gx.detach().numpy().view(f"i{want.itemsize}"), want.view(f"i{want.itemsize}"))


def test_relu_gradient_corners_match_pytorch():
    torch = pytest.importorskip("torch")
    for g_value in (np.inf, np.nan, -2.0):
        tx = torch.tensor(RELU_CORNERS, requires_grad=True)
        tx.relu().backward(torch.full((6,), g_value))
        x = tg.tensor(RELU_CORNERS, requires_grad=True)
        x.relu().backward(tg.tensor(np.full(6, g_value, dtype=np.float32)))
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


# Ties, with PyTorch's gradients written out: max(dim) and min(dim) give all of it to the index they
# return (the first tied element), x.max(), x.min(), amax and amin share it equally. The output's
# gradient is 1, 2, 3, ... so that which element gets which part shows.
TIED = [[1.0, 3.0, 3.0], [1.0, 0.0, 0.0]]
TIE_CASES = {
    "max(1)": (lambda lib, x: x.max(1).values, [[0, 1, 0], [2, 0, 0]]),
    "min(1)": (lambda lib, x: x.min(1).values, [[1, 0, 0], [0, 2, 0]]),
    "max(0)": (lambda lib, x: x.max(0).values, [[1, 2, 3], [0, 0, 0]]),
    "min(0, keepdim)": (lambda lib, x: x.min(0, keepdim=True).values, [[1, 0, 0], [0, 2, 3]]),
    "lib.max(x, 1)": (lambda lib, x: lib.max(x, 1).values, [[0, 1, 0], [2, 0, 0]]),
    "lib.min(x, dim=1)": (lambda lib, x: lib.min(x, dim=1).values, [[1, 0, 0], [0, 2, 0]]),
    "amax(1)": (lambda lib, x: x.amax(1), [[0, 0.5, 0.5], [2, 0, 0]]),
    "amin(1)": (lambda lib, x: x.amin(1), [[1, 0, 0], [0, 1, 1]]),
    "amax(0)": (lambda lib, x: x.amax(0), [[0.5, 2, 3], [0.5, 0, 0]]),
    "max()": (lambda lib, x: x.max(), [[0, 0.5, 0.5], [0, 0, 0]]),
    "min()": (lambda lib, x: x.min(), [[0, 0, 0], [0, 0.5, 0.5]]),
    "amax((0, 1))": (lambda lib, x: x.amax((0, 1)), [[0, 0.5, 0.5], [0, 0, 0]]),
}


def tie_gradient(lib, case, values=TIED):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    out = TIE_CASES[case][0](lib, x)
    out.backward(lib.arange(1.0, out.numel() + 1, dtype=lib.float64).reshape(out.shape))
    return x.grad.tolist()


@pytest.mark.parametrize("case", TIE_CASES)
def test_max_and_min_ties_as_pytorch(case):
    assert tie_gradient(tg, case) == TIE_CASES[case][1]


@pytest.mark.parametrize("case", TIE_CASES)
def test_max_and_min_ties_match_torch(case):
    torch = pytest.importorskip("torch")
    assert tie_gradient(torch, case) == TIE_CASES[case][1]


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_max_dim_gives_the_gradient_to_the_nan_it_returns(library):
    lib = pytest.importorskip(library)
    x = lib.tensor([[float("nan"), 1.0, float("nan")], [0.0, 1.0, 1.0]], requires_grad=True)
    result = x.max(1)
    result.values.sum().backward()
    assert result.indices.tolist() == [0, 1] and x.grad.tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


def test_maximum_halves_the_gradient_at_ties():
    y = tg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    x = tg.tensor([1.0, 3.0], dtype=np.float64, requires_grad=True)
    x.maximum(y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1.0])
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 0.0])


def test_min_is_its_own_reduction_for_unsigned_and_bool_tensors_as_pytorch():
    """min and amin reduce with NumPy's min (ops.Max with op="min"), not as -max(-x), which wraps
    around for unsigned integers and is refused for bool (PyTorch's values, written out)."""
    small = tg.tensor(np.array([3, 1, 200], dtype=np.uint8))
    assert small.min().item() == 1 and small.amin().item() == 1 and small.min().dtype == tg.uint8
    assert small.min(0).values.item() == 1 and small.min(0).indices.item() == 1
    assert tg.tensor([True, False]).min().item() is False


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_mean_of_an_empty_tensor_passes_back_an_empty_gradient(library):
    """Mean over a dim of an empty tensor (no rows to average: an empty result), and over an empty dim
    (nan: nothing averaged); both backward to a gradient of x's shape, with no division by the 0 rows."""
    lib = pytest.importorskip(library)
    for dim in (1, 0):
        x = lib.zeros(0, 3, dtype=lib.float64, requires_grad=True)
        x.mean(dim).sum().backward()
        assert tuple(x.grad.shape) == (0, 3)


# Elementwise ops whose NumPy reference is analytic and takes complex numbers: for them the complex step,
# f'(x) = Im f(x + ih) / h, gives the derivative to float64 precision (no difference of nearby values,
# so no cancellation, unlike gradcheck's finite differences, which see a derivative off by 1e-4 as right).
COMPLEX_STEP = ("exp", "log", "sqrt", "sin", "cos", "tanh", "asin", "acos", "atan", "sigmoid", "log10", "log2",
                "log1p", "expm1", "exp2", "square", "rsqrt", "reciprocal", "tan", "sinh", "cosh", "asinh", "acosh",
                "atanh", "logit")


@pytest.mark.parametrize("name", COMPLEX_STEP)
@given(data=st.data())
def test_elementwise_derivatives_match_the_complex_step_to_float64_precision(name, data):
    spec = SPECS[name]
    arrays, kwargs = spec.sample(data.draw)
    want = spec.ref(arrays[0] + 1e-100j, **kwargs).imag / 1e-100
    for create_graph in (False, True):
        xs = leaves(arrays)
        (got,) = tg.grad(spec.fn(*xs, **kwargs).sum(), xs, create_graph=create_graph)
        # atol: a derivative read from the output (tanh's 1 - z**2) keeps z's rounding, 1e-16, where it is small
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12, atol=1e-14)
