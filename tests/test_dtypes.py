"""dtype objects, Size, the default dtype and PyTorch's type promotion (dtypes.py).

Each rule is checked against a table written out here (no torch needed), and, where
torch is installed, against torch itself on generated cases.
"""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DTYPE_NAMES, promotion_inputs

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import dtypes

NAMES = DTYPE_NAMES


# ---------------------------------------------------------------- dtype objects

def test_dtype_objects_print_compare_and_carry_pytorchs_attributes():
    assert repr(tg.float32) == str(tg.float32) == "tinygrad_edu.float32"
    assert tg.float is tg.float32 and tg.double is tg.float64 and tg.half is tg.float16
    assert tg.long is tg.int64 and tg.int is tg.int32 and tg.short is tg.int16
    assert tg.float32 == np.float32 and np.float32 == tg.float32 and tg.float32 == np.dtype("float32")
    assert tg.float32 != tg.float64 and tg.float32 != np.float64 and tg.int64 != np.int32
    assert tg.float32 != "float32" and tg.float64 != None  # noqa: E711 -- np.dtype(None) is float64
    assert tg.float64.is_floating_point and not tg.int64.is_floating_point and not tg.bool.is_floating_point
    assert (tg.float16.itemsize, tg.float32.itemsize, tg.int64.itemsize, tg.bool.itemsize) == (2, 4, 8, 1)
    assert tg.int8.is_signed and not tg.uint8.is_signed
    assert isinstance(tg.float32, tg.dtype)
    assert {np.dtype("float32"): "found"}[tg.float32] == "found"  # hashes as the NumPy dtype
    assert pickle.loads(pickle.dumps(tg.int16)) is tg.int16


def test_numpy_accepts_dtype_objects_everywhere_it_takes_a_dtype():
    assert np.dtype(tg.float64) == np.float64
    assert np.zeros(2, dtype=tg.int32).dtype == np.int32
    assert np.arange(3).astype(tg.float16).dtype == np.float16
    assert np.issubdtype(tg.float32, np.floating) and not np.issubdtype(tg.int64, np.floating)
    assert np.asarray([1, 2], dtype=tg.tensor([1.0]).dtype).dtype == np.float32


@pytest.mark.parametrize("name", NAMES)
def test_every_factory_and_conversion_takes_dtype_objects(name):
    d = getattr(tg, name)
    made = [tg.zeros(2, dtype=d), tg.ones(2, dtype=d), tg.full((2,), 1, dtype=d), tg.tensor([1, 0], dtype=d),
            tg.arange(2, dtype=d), tg.tensor([1.0, 0.0]).to(d), tg.tensor([1.0, 0.0]).astype(d),
            tg.tensor([1.0, 0.0]).type(d), tg.zeros_like(tg.ones(2), dtype=d), tg.tensor([1, 0], dtype=name)]
    for t in made:
        assert t.dtype is d and t._data.dtype == np.dtype(d.dtype), (name, t)


def test_tensor_dtype_is_the_object_and_conversions_name_pytorchs_methods():
    x = tg.tensor([1.5, -2.0])
    assert x.dtype is tg.float32 and x.double().dtype is tg.float64 and x.half().dtype is tg.float16
    assert x.long().tolist() == [1, -2] and x.int().dtype is tg.int32 and x.bool().tolist() == [True, True]
    assert x.to(tg.tensor([1], dtype=tg.int16)).dtype is tg.int16  # to(other): other's dtype
    assert x.to("cpu") is x and x.to(tg.float32) is x
    assert x.type() == "tinygrad_edu.FloatTensor" and tg.tensor([1]).type() == "tinygrad_edu.LongTensor"
    assert x.is_floating_point() and not x.long().is_floating_point() and x.element_size() == 4
    with pytest.raises(RuntimeError, match="to: .*tinygrad_edu runs on the CPU only"):
        x.to(device="cuda")


def test_bad_dtypes_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="not a dtype"):
        tg.zeros(2, dtype="floaty")
    with pytest.raises(TypeError, match="cannot hold"):
        tg.zeros(2, dtype=np.str_)


def test_python_data_takes_the_default_dtype_and_set_default_dtype_changes_it():
    assert tg.get_default_dtype() is tg.float32
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.get_default_dtype() is tg.float64
        assert tg.tensor([1.5]).dtype is tg.float64 and tg.zeros(2).dtype is tg.float64
        assert (tg.tensor([1, 2]) * 0.5).dtype is tg.float64  # an int meeting a float: the default
        assert repr(tg.tensor([1.5])) == "tensor([1.5000])"  # the default dtype is not printed
        assert repr(tg.tensor([1.5], dtype=tg.float32)) == "tensor([1.5000], dtype=tinygrad_edu.float32)"
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.5]).dtype is tg.float32
    with pytest.raises(TypeError, match="only floating-point types"):
        tg.set_default_dtype(tg.int64)


# ---------------------------------------------------------------- Size

def test_size_is_a_tuple_that_prints_as_pytorchs():
    x = tg.zeros(2, 3)
    assert isinstance(x.shape, tg.Size) and isinstance(x.shape, tuple) and x.size() == (2, 3)
    assert repr(x.shape) == str(x.shape) == f"{x.shape}" == "tinygrad_edu.Size([2, 3])"
    assert repr(tg.tensor(1.0).shape) == "tinygrad_edu.Size([])"
    assert x.shape[1:] == (3,) and isinstance(x.shape[1:], tg.Size) and x.shape[0] == 2
    assert x.shape + (4,) == (2, 3, 4) and isinstance(x.shape + (4,), tg.Size)
    assert x.shape.numel() == 6 == x.numel() == x.nelement() and tg.Size([]).numel() == 1
    assert x.size(1) == 3 and x.size(-1) == 3
    assert np.zeros(x.shape).shape == (2, 3)
    with pytest.raises(IndexError, match=r"size: dim 2 is out of range for a tensor of shape \(2, 3\)"):
        x.size(2)


# ---------------------------------------------------------------- promotion: the table (no torch needed)

# (inputs, expected dtype): "tensor:int32" is a 1-d tensor, "zero:float64" a 0-d tensor, numbers are Python's.
PROMOTION_TABLE = [
    (["tensor:float32", "tensor:float64"], "float64"),
    (["tensor:int64", "tensor:float32"], "float32"),       # an int meeting a float: the float's dtype
    (["tensor:int64", "tensor:float16"], "float16"),       # (NumPy: float64)
    (["tensor:int16", "tensor:float16"], "float16"),       # (NumPy: float32)
    (["tensor:int64", 0.5], "float32"),                    # a Python float: the default dtype
    (["tensor:int32", 2], "int32"),                        # a Python int does not widen an int tensor
    (["tensor:bool", 2], "int64"),                         # ... but lifts bool to int64
    (["tensor:bool", True], "bool"),
    (["tensor:float16", "zero:float64"], "float16"),       # 0-d tensors count as numbers do
    (["tensor:int32", "zero:int64"], "int32"),
    (["tensor:int32", "zero:float64"], "float64"),         # ... unless they bring a higher category
    (["tensor:uint8", "tensor:int8"], "int16"),
    (["tensor:bool", "zero:uint8"], "uint8"),
    (["zero:int32", 2.5], "float32"),
    (["zero:float64", 2.5], "float64"),
    (["zero:int16", "zero:int64"], "int64"),               # only 0-d tensors: the widest of them
    (["tensor:float16", 1e10], "float16"),
    ([1, 2.0], "float32"),
]


def make_input(spec):
    if not isinstance(spec, str):
        return spec
    kind, name = spec.split(":")
    array = np.ones(3 if kind == "tensor" else (), dtype=name)
    return tg.tensor(array)


@pytest.mark.parametrize("inputs,expected", PROMOTION_TABLE)
def test_result_type_follows_the_table(inputs, expected):
    values = [make_input(s) for s in inputs]
    assert tg.result_type(*values) is getattr(tg, expected)
    assert tg.result_type(*reversed(values)) is getattr(tg, expected)
    tensors = [v for v in values if isinstance(v, tg.Tensor)]
    if tensors:  # the op itself gives that dtype
        assert (values[0] + values[1]).dtype is getattr(tg, expected), inputs


def test_promote_types_categories():
    assert dtypes.promote_types(np.int16, np.float16) == np.float16
    assert dtypes.promote_types(np.bool_, np.uint8) == np.uint8
    assert dtypes.promote_types(np.uint8, np.int8) == np.int16
    assert tg.promote_types(tg.float32, tg.float64) == np.float64


def test_the_cases_of_issue_11_promote_as_pytorch():
    assert tg.tensor([True]).exp().dtype is tg.float32              # NumPy: float16
    assert tg.tensor([1, 2]).exp().dtype is tg.float32               # NumPy: float64
    assert (tg.tensor([1, 2]) * 0.5).dtype is tg.float32
    assert (tg.tensor([1.0]) + tg.tensor([1])).dtype is tg.float32
    assert tg.cat([tg.tensor([1, 2]), tg.tensor([0.5])]).dtype is tg.float32
    assert F.mse_loss(tg.tensor([1.0, 2.0]), tg.tensor([1, 3])).dtype is tg.float32
    assert (tg.ones(2, dtype=tg.float16) + tg.tensor(1.0, dtype=tg.float64)).dtype is tg.float16
    assert (tg.ones(2, dtype=tg.int32) + tg.tensor(1)).dtype is tg.int32
    assert (tg.tensor([1, 2]) / tg.tensor([2, 2])).tolist() == [0.5, 1.0]    # true division: floats
    assert (tg.tensor([1, 2]) / tg.tensor([2, 2])).dtype is tg.float32
    for op in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"):
        assert getattr(tg.tensor([1, 2]), op)().dtype is tg.float32, op
        assert getattr(tg.tensor([True]), op)().dtype is tg.float32, op
    assert tg.tensor([[1, 2]]).log_softmax(1).dtype is tg.float32
    assert tg.tensor([[1, 2]]).softmax(1).dtype is tg.float32           # float64 when it became a primitive
    assert tg.tensor([True, False]).softmax(0).dtype is tg.float32      # NumPy refused bool's subtraction
    assert tg.where(tg.tensor([True, False]), tg.tensor([1, 2]), 0.5).dtype is tg.float32
    assert (2 ** tg.tensor([1, 2])).dtype is tg.int64 and (tg.tensor([4]) ** 0.5).tolist() == [2.0]


def test_a_gradient_has_its_inputs_dtype_after_promotion():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], dtype=tg.float64, requires_grad=True)
    out = a * b
    assert out.dtype is tg.float64
    out.sum().backward()
    assert a.grad.dtype is tg.float32 and b.grad.dtype is tg.float64
    assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]


def test_layers_refuse_another_dtype_as_pytorch_does():
    layer = nn.Linear(2, 3)
    with pytest.raises(RuntimeError, match=r"linear: mat1 and mat2 must have the same dtype, but got Double and "
                                           r"Float .*x\.float\(\).*model\.double\(\)"):
        layer(tg.ones(4, 2, dtype=tg.float64))
    with pytest.raises(RuntimeError, match=r"linear: .* but got Long and Float .*x\.float\(\)\.$"):
        layer(tg.ones(4, 2, dtype=tg.int64))
    assert layer.double()(tg.ones(4, 2, dtype=tg.float64)).dtype is tg.float64  # the fix works
    conv = nn.Conv2d(1, 2, 3)
    with pytest.raises(RuntimeError, match=r"conv2d: Input type \(float64\) and weight type \(float32\)"):
        conv(tg.ones(1, 1, 5, 5, dtype=tg.float64))
    with pytest.raises(RuntimeError, match=r"matmul: mat1 and mat2 must have the same dtype"):
        tg.ones(2, 2) @ tg.ones(2, 2, dtype=tg.float64)


CONV1D_INPUTS = [((1, 2, 5), "float64"), ((2, 5), "float64"), ((1, 2, 5), "int64")]  # batched, unbatched, integer


@pytest.mark.parametrize("shape, dtype", CONV1D_INPUTS)
def test_conv1d_refuses_another_dtype_naming_itself(shape, dtype):
    for conv in (nn.Conv1d(2, 3, 3), nn.Conv1d(2, 3, 3, bias=False)):  # (conv1d is made of conv2d)
        with pytest.raises(RuntimeError, match=rf"^conv1d: Input type \({dtype}\) and weight type \(float32\) should "
                                               rf"be the same .*Hint: convert the input with .*x\.float\(\)"):
            conv(tg.ones(*shape, dtype=getattr(tg, dtype)))
    assert nn.Conv1d(2, 3, 3).double()(tg.ones(1, 2, 5, dtype=tg.float64)).dtype is tg.float64  # the fix works


@pytest.mark.parametrize("shape, dtype", CONV1D_INPUTS)
def test_conv1d_refuses_what_torch_refuses(shape, dtype):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):  # torch: "Input type (double) and bias type (float) should be the same"
        torch.nn.Conv1d(2, 3, 3)(torch.ones(*shape, dtype=getattr(torch, dtype)))
    with pytest.raises(RuntimeError, match="^conv1d: "):
        nn.Conv1d(2, 3, 3)(tg.ones(*shape, dtype=getattr(tg, dtype)))


# ---------------------------------------------------------------- promotion: generated cases

inputs = promotion_inputs()


def build(spec):
    kind, value = spec
    if kind == "number":
        return value
    return tg.tensor(np.ones(2 if kind == "tensor" else (), dtype=value))


def category(d) -> int:
    return 0 if d is tg.bool else 2 if d.is_floating_point else 1


def dtype_of(x):
    if isinstance(x, tg.Tensor):
        return x.dtype
    return tg.bool if isinstance(x, bool) else tg.int64 if isinstance(x, int) else tg.float32


@settings(max_examples=200, deadline=None)
@given(specs=st.lists(inputs, min_size=1, max_size=4))
def test_result_type_rules_hold_on_generated_inputs(specs):
    """The rule's properties, written without torch: the result's category is the highest
    category present; order does not matter; within the top category, tensors with dims
    decide when they are there (0-d tensors and numbers do not widen them)."""
    values = [build(s) for s in specs]
    result = tg.result_type(*values)
    assert tg.result_type(*reversed(values)) is result
    top = max(category(dtype_of(v)) for v in values)
    assert category(result) == top
    with_dims = [v.dtype for v in values if isinstance(v, tg.Tensor) and v.ndim and category(v.dtype) == top]
    if with_dims:
        widest = max(with_dims, key=lambda d: d.itemsize)
        if all(d.is_signed == widest.is_signed or d is tg.bool for d in with_dims):
            assert result.itemsize == widest.itemsize
    elif top == 2 and not any(isinstance(v, tg.Tensor) and category(v.dtype) == 2 for v in values):
        assert result is tg.float32  # only Python floats bring the category: the default dtype


@settings(max_examples=300, deadline=None)
@given(a=inputs, b=inputs, op=st.sampled_from(["add", "mul", "truediv", "maximum", "where"]))
def test_result_type_matches_torch(a, b, op):
    torch = pytest.importorskip("torch")
    if a[0] == "number" and b[0] == "number":
        return
    ours_a, ours_b = build(a), build(b)

    def to_torch(spec):
        kind, value = spec
        if kind == "number":
            return value
        return torch.ones(2 if kind == "tensor" else (), dtype=getattr(torch, value))

    if a[0] == "number":  # torch.result_type wants a tensor first
        ours_a, ours_b, a, b = ours_b, ours_a, b, a
    theirs_a, theirs_b = to_torch(a), to_torch(b)
    expected = str(torch.result_type(theirs_a, theirs_b)).replace("torch.", "tinygrad_edu.")
    assert repr(tg.result_type(ours_a, ours_b)) == expected, (a, b)
    if op == "maximum" and not isinstance(ours_b, tg.Tensor):
        return  # torch.maximum takes two tensors
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no NumPy warning escapes
        if op == "where":
            ours = tg.where(tg.tensor([True, False]), ours_a, ours_b)
            theirs = torch.where(torch.tensor([True, False]), theirs_a, theirs_b)
        else:
            ours = getattr(ours_a, op if op != "truediv" else "div")(ours_b)
            theirs = getattr(torch, op if op != "truediv" else "true_divide")(theirs_a, theirs_b)
    assert repr(ours.dtype) == str(theirs.dtype).replace("torch.", "tinygrad_edu."), (a, b, op)


def test_the_readme_promotion_example_prints_what_its_comments_say():
    import contextlib
    import io
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Dtypes, sizes and type promotion", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README dtypes", "exec"), {})
    assert out.getvalue().splitlines() == expected


def test_promote_leaves_ops_without_a_rule_and_tensor_inputs_alone():
    ints, floats = np.ones(2, np.int64), np.ones(2, np.float32)
    assert dtypes.promote("Reshape", [ints])[0] is ints
    tensors = [tg.tensor([1, 2]), tg.tensor([0.5])]  # a learner's Function named Add gets Tensors
    assert all(a is b for a, b in zip(dtypes.promote("Add", tensors), tensors))
    promoted = dtypes.promote("Add", [ints, floats])
    assert promoted[0].dtype == np.float32 and promoted[1] is floats
    assert dtypes.promote("Exp", [ints])[0].dtype == np.float32
    where = dtypes.promote("Where", [np.array([True, False]), ints, 0.5])
    assert where[0].dtype == np.bool_ and where[1].dtype == np.float32 and where[2] == 0.5
    assert dtypes.promote("Mul", [np.ones(2, np.uint8), -2])[1] == 254  # wraps, as PyTorch


def test_layers_are_made_in_the_default_dtype_as_pytorch():
    assert nn.Linear(2, 3).weight.dtype is tg.float32
    try:
        tg.set_default_dtype(tg.float64)
        layers = [nn.Linear(2, 3), nn.Conv2d(1, 2, 3), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.Embedding(5, 2)]
        for layer in layers:
            for name, tensor in list(layer.named_parameters()) + list(layer.named_buffers()):
                expected = tg.int64 if name == "num_batches_tracked" else tg.float64
                assert tensor.dtype is expected, (layer, name)
        assert layers[0](tg.ones(1, 2)).dtype is tg.float64
    finally:
        tg.set_default_dtype(tg.float32)
    assert nn.Linear(2, 3, dtype=tg.float16).weight.dtype is tg.float16
