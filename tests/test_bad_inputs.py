"""Bad and edge-case inputs: dims, silent answers, numerics and messages (issue 11).

Each case is written out with the behaviour PyTorch has (torch-free); the generated
tests compare our raise/return behaviour with the written rule, and with torch where
it is installed.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import any_dims

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import index_error

# ---------------------------------------------------------------- dims


def test_dim_empty_tuple_reduces_everything_as_pytorch():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(dim=()).item() == 10.0 and x.sum(dim=()).shape == ()
    assert x.mean(dim=()).item() == 2.5 and x.max(dim=()).item() == 4.0


@pytest.mark.parametrize("op", ["sum", "mean", "max", "var", "std", "logsumexp"])
@pytest.mark.parametrize("dims", [(0, 0), (0, -2), (1, -1)])
def test_a_dim_given_twice_is_refused(op, dims):
    with pytest.raises(RuntimeError, match=rf"^{op}: dim \d appears multiple times in the list of dims"):
        getattr(tg.ones(3, 4), op)(dims)


@pytest.mark.parametrize("call,message", [
    (lambda: tg.ones(3, 4).sum(2), r"^sum: dim 2 is out of range for a tensor of shape \(3, 4\) "
                                   r"\(expected a dim in \[-2, 1\]\)$"),
    (lambda: tg.ones(3, 4).mean(-3), r"^mean: dim -3 is out of range .*\(3, 4\)"),
    (lambda: tg.ones(3, 4).argmax(2), r"^argmax: dim 2 is out of range"),
    (lambda: tg.ones(3, 4).softmax(2), r"^softmax: dim 2 is out of range"),
    (lambda: tg.ones(3, 4).log_softmax(5), r"^log_softmax: dim 5 is out of range"),
    (lambda: F.log_softmax(tg.ones(3, 4), 5), r"^log_softmax: dim 5 is out of range"),
    (lambda: tg.ones(3, 4).unsqueeze(4), r"^unsqueeze: dim 4 is out of range .* \[-3, 2\]"),
    (lambda: tg.cat([tg.ones(2), tg.ones(2)], dim=1), r"^cat: dim 1 is out of range .*\(2,\)"),
    (lambda: tg.cat([tg.ones(2), tg.ones(2)], dim=-2), r"^cat: dim -2 is out of range"),
    (lambda: tg.stack([tg.ones(2), tg.ones(2)], dim=3), r"^stack: dim 3 is out of range .* \[-2, 1\]"),
    (lambda: tg.ones(3, 4).transpose(0, 2), r"^transpose: dim 2"),
    (lambda: tg.ones(3, 4).permute(0, 5), r"^permute: dim 5 is out of range"),  # once wrapped to (0, 1)
    (lambda: tg.ones(3, 4).split(2, dim=2), r"^split: dim 2"),
])
def test_dim_errors_start_with_the_op_and_give_the_shape_and_range(call, message):
    with pytest.raises(IndexError, match=message):
        call()


def test_cat_and_stack_refuse_what_pytorch_refuses():
    with pytest.raises(RuntimeError, match=r"^cat: zero-dimensional tensor \(at position 1\)"):
        tg.cat([tg.ones(2), tg.tensor(1.0)])
    with pytest.raises(RuntimeError, match=r"^stack: expects each tensor to be equal size"):
        tg.stack([tg.ones(2), tg.ones(3)])
    assert tg.stack([tg.ones(2), tg.zeros(2)], dim=-1).shape == (2, 2)


def dim_rule(shape, dims):
    """PyTorch's rule for a reduction's dims, written out: None (or ()) reduces all; each dim
    in [-n, n-1] (n = max(ndim, 1)); no dim twice. Returns the axes, or the error kind."""
    if dims is None or dims == ():
        return None
    n = max(len(shape), 1)
    dims = (dims,) if isinstance(dims, int) else dims
    if any(not -n <= d < n for d in dims):
        return IndexError
    axes = [d % n for d in dims]
    if len(set(axes)) != len(axes):
        return RuntimeError
    return tuple(sorted(axes)) if shape else None


dims_strategy = any_dims()


@settings(max_examples=200, deadline=None)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), dims=dims_strategy)
def test_sum_follows_the_dim_rule(shape, dims):
    x = tg.tensor(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    expected = dim_rule(shape, dims)
    if isinstance(expected, type):
        with pytest.raises(expected, match="^sum: dim"):
            x.sum(dims)
        return
    np.testing.assert_allclose(x.sum(dims)._data, x._data.sum(axis=expected))


@settings(max_examples=300, deadline=None)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), dims=dims_strategy,
       op=st.sampled_from(["sum", "mean", "max"]))
def test_reductions_raise_and_return_as_torch(shape, dims, op):
    torch = pytest.importorskip("torch")
    array = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    theirs = getattr(torch.from_numpy(array), "amax" if op == "max" else op)  # amax: max over several dims
    name = "amax" if op == "max" else op  # max(int dim) returns (values, indices), as PyTorch's
    ours = getattr(tg.tensor(array), name)
    try:
        expected = theirs(dims) if dims is not None else theirs()
    except (IndexError, RuntimeError) as err:
        with pytest.raises(type(err), match=f"^{name}: dim"):
            ours(dims)
        return
    np.testing.assert_allclose(ours(dims)._data, expected.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- silent answers now refused

@pytest.mark.parametrize("call,error,message", [
    (lambda: nn.Embedding(4, 2)(tg.tensor([1, -1])), IndexError, r"^embedding: index -1 is out of range .*4 rows"),
    (lambda: nn.Embedding(4, 2)(tg.tensor([-1, 9])), IndexError, r"^embedding: index -1 is out of range"),
    (lambda: nn.Embedding(4, 2)(tg.tensor([2, 9])), IndexError, r"^embedding: index 9 is out of range"),
    (lambda: tg.arange(6.0).split(-1), RuntimeError, r"^split: split_size must be positive"),
    (lambda: tg.arange(6.0).split(0), RuntimeError, r"^split: split_size must be positive"),
    (lambda: tg.arange(6.0).split([3, -1]), RuntimeError, r"^split: split sizes must not be negative"),
    (lambda: tg.arange(6.0).split([3, 4]), RuntimeError, r"^split: sizes \[3, 4\] add up to 7"),
    (lambda: tg.arange(6.0).chunk(-1), RuntimeError, r"^chunk: expects `chunks` to be greater than 0"),
    (lambda: tg.arange(6.0).chunk(0), RuntimeError, r"^chunk: expects `chunks` to be greater than 0"),
    (lambda: nn.MaxPool2d(2, stride=0)(tg.zeros(1, 1, 4, 4)), RuntimeError,
     r"^max_pool2d: stride should be greater than zero"),
    (lambda: F.avg_pool2d(tg.zeros(1, 1, 4, 4), 2, stride=0), RuntimeError, r"^avg_pool2d: stride"),
    (lambda: F.binary_cross_entropy(tg.tensor([0.5, 0.5]), tg.tensor([2.0, -1.0])), RuntimeError,
     r"^binary_cross_entropy: all elements of target should be between 0 and 1"),
    (lambda: tg.tensor("abc"), TypeError, r"^tensor: cannot make a tensor from the string 'abc'"),
    (lambda: tg.tensor(["a", "b"]), TypeError, r"^tensor: cannot make a tensor from list"),
    (lambda: tg.tensor([1, 2], dtype=tg.float32).__class__(["x"], dtype=tg.float32), TypeError, r"^tensor:"),
    (lambda: tg.ones(2.5), TypeError, r"^ones: the size must be a tuple of ints"),
    (lambda: tg.zeros("3"), TypeError, r"^zeros: the size must be a tuple of ints"),
    (lambda: tg.randn(2, 1.5), TypeError, r"^randn: the size must be a tuple of ints"),
    (lambda: tg.zeros(-1), RuntimeError, r"^zeros: trying to create a tensor with negative dimension -1"),
    (lambda: tg.tensor([1.0, 2.0]) == tg.tensor([1.0, 2.0, 3.0]), RuntimeError,
     r"^eq: shapes \(2,\) and \(3,\) cannot be broadcast together"),
    (lambda: tg.tensor([1.0, 2.0]) < tg.ones(3), RuntimeError, r"^lt: shapes"),
    (lambda: tg.minimum(tg.ones(2), tg.ones(3)), RuntimeError, r"^minimum: shapes \(2,\) and \(3,\)"),
    (lambda: tg.ones(2, 3).min(tg.ones(3, 2)), RuntimeError, r"^minimum: shapes"),
    (lambda: tg.ones(3)[5], IndexError, r"^getitem: index 5 is out of range for a tensor of shape \(3,\) "
                                        r"\(dim 0 has size 3, so valid indices are -3 to 2\)$"),
    (lambda: nn.Linear(3, 2)(tg.tensor(1.0)), RuntimeError,
     r"^linear: the input is 0-d .*weight \(2, 3\).*shape \(3,\)"),
    (lambda: tg.ones(2) & tg.ones(2), TypeError, r"^bitwise_and: bitwise ops need integer or bool tensors"),
    (lambda: ~tg.ones(2), TypeError, r"^bitwise_not:"),
    (lambda: tg.ones(0).argmax(), IndexError, r"^argmax: expected a non-empty tensor"),
])
def test_bad_input_raises_naming_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_assigning_a_grad_checks_type_and_shape_as_pytorch():
    x = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^grad: assigned grad has shape \(5,\) but the tensor has shape \(3,\)"):
        x.grad = tg.zeros(5)
    with pytest.raises(TypeError, match=r"^grad: assigned grad must be a Tensor or None"):
        x.grad = np.zeros(3)
    with pytest.raises(RuntimeError, match=r"^grad: assigned grad has dtype float64 but the tensor has dtype "
                                           r"float32; they must match\. Hint: x\.grad = g\.to\(x\.dtype\)"):
        x.grad = tg.zeros(3, dtype=tg.float64)
    assert x.grad is None  # nothing was stored
    x.grad = tg.ones(3)
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    x.grad = None
    assert x.grad is None


def test_the_setitem_message_helper():
    """__setitem__ (the core's) reports a bad index through this helper, as reads do."""
    try:
        np.zeros(3)[5] = 1.0
    except IndexError as err:
        text = str(index_error("__setitem__", (3,), err))
    assert text == ("__setitem__: index 5 is out of range for a tensor of shape (3,) (dim 0 has size 3, "
                    "so valid indices are -3 to 2)")


def test_bitwise_ops_on_ints_and_logical_ops_on_bools():
    a, b = tg.tensor([6, 5]), tg.tensor([3, 1])
    assert (a & b).tolist() == [2, 1] and (a | b).tolist() == [7, 5] and (a ^ b).tolist() == [5, 4]
    assert (~tg.tensor([5])).tolist() == [-6] and (a & 2).tolist() == [2, 0] and (3 | b).tolist() == [3, 3]
    t, f = tg.tensor([True, True]), tg.tensor([True, False])
    assert (t & f).tolist() == [True, False] and (t ^ f).tolist() == [False, True]
    assert (~f).tolist() == [False, True] and (t | f).dtype is tg.bool


def test_a_uint8_index_is_a_mask_as_pytorch():
    x = tg.tensor([10, 20, 30])
    assert x[tg.tensor([1, 0, 1], dtype=tg.uint8)].tolist() == [10, 30]
    assert x[tg.tensor([1, 0, 1], dtype=tg.int64)].tolist() == [20, 10, 20]  # int64: indices


# ---------------------------------------------------------------- numerics

def test_std_of_one_element_or_of_nan_data_is_nan_as_pytorch():
    with pytest.warns(UserWarning, match=r"^std\(\): degrees of freedom is <= 0"):
        assert np.isnan(tg.tensor([1.0]).std().item())
    assert np.isnan(tg.tensor([1.0, float("nan")]).std().item())
    assert tg.tensor([2.0, 2.0]).std().item() == 0.0
    x = tg.tensor([2.0, 2.0], requires_grad=True)
    x.std().backward()
    assert x.grad.tolist() == [0.0, 0.0]  # a constant slice: gradient 0, not nan (as PyTorch)


def test_bce_gradient_at_the_edges_is_pytorchs_1e12():
    p = tg.tensor([1.0, 0.0], requires_grad=True)
    loss = F.binary_cross_entropy(p, tg.tensor([0.0, 1.0]), reduction="sum")
    loss.backward()
    assert loss.item() == 200.0  # each log clamped at -100
    np.testing.assert_allclose(p.grad._data, [1e12, -1e12], rtol=1e-6)


def test_bce_gradient_inside_is_the_formula():
    p = tg.tensor([0.25, 0.5], dtype=tg.float64, requires_grad=True)
    t = tg.tensor([1.0, 0.0], dtype=tg.float64)
    F.binary_cross_entropy(p, t, reduction="sum").backward()
    np.testing.assert_allclose(p.grad._data, (p._data - t._data) / (p._data * (1 - p._data)))


def test_bce_with_logits_at_infinite_logits_has_a_finite_gradient():
    x = tg.tensor([-float("inf"), float("inf"), -float("inf")], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, tg.tensor([0.0, 1.0, 1.0]), reduction="none")
    assert loss.tolist()[:2] == [0.0, 0.0]  # the right answers: log(1 - 0) and log(1)
    loss.sum().backward()
    assert np.isfinite(x.grad._data).all()


def test_cross_entropy_on_an_empty_batch_is_nan_as_pytorch():
    logits = tg.zeros(0, 5, requires_grad=True)
    loss = F.cross_entropy(logits, tg.zeros(0, dtype=tg.int64))
    assert np.isnan(loss.item())
    loss.backward()
    assert logits.grad.shape == (0, 5)


def test_softmax_family_on_empty_tensors():
    x = tg.zeros(3, 0)
    assert x.softmax(-1).shape == (3, 0) and x.log_softmax(-1).shape == (3, 0) and x.softmax(0).shape == (3, 0)
    assert x.logsumexp(-1).tolist() == [-np.inf] * 3  # the log of an empty sum
    assert F.softmax(x, dim=1).shape == (3, 0)


def test_layers_with_no_weights_construct_as_pytorch():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        layer = nn.Linear(0, 2)
    assert layer(tg.zeros(3, 0)).tolist() == [layer.bias.tolist()] * 3
    with pytest.warns(UserWarning, match="no-op"):
        conv = nn.Conv2d(3, 4, 0)
    assert conv.weight.shape == (4, 3, 0, 0)


@settings(max_examples=100, deadline=None)
@given(values=hnp.arrays(np.float32, hnp.array_shapes(max_dims=2, max_side=4),
                         elements=st.sampled_from([0.0, -1.0, 1.0, np.inf, -np.inf, np.nan, 1e38, -1e-45])),
       op=st.sampled_from(["log", "sqrt", "exp", "reciprocal", "square", "pow", "div0", "sigmoid", "tanh",
                           "softmax", "log_softmax", "std", "var", "mean", "int_cast", "bce", "bce_logits",
                           "cross_entropy", "logsumexp"]))
def test_numpy_warnings_never_reach_the_user(values, op):
    """Forward and backward on nan, inf, 0, huge and tiny values: nan and inf come out, no warning."""
    x = tg.tensor(values, requires_grad=True)
    probabilities = tg.tensor(np.clip(np.nan_to_num(values), 0, 1))
    calls = {"log": lambda: x.log(), "sqrt": lambda: x.sqrt(), "exp": lambda: x.exp(),
             "reciprocal": lambda: 1 / x, "square": lambda: x * x, "pow": lambda: x ** 2.5,
             "div0": lambda: x / 0, "sigmoid": lambda: x.sigmoid(), "tanh": lambda: x.tanh(),
             "softmax": lambda: x.softmax(-1) if x.ndim else x, "log_softmax": lambda: x.log_softmax(-1),
             "std": lambda: x.std() if x.numel() > 1 else x, "var": lambda: x.var() if x.numel() > 1 else x,
             "mean": lambda: x.mean(), "int_cast": lambda: x.long(),
             "bce": lambda: F.binary_cross_entropy(x.sigmoid(), probabilities),
             "bce_logits": lambda: F.binary_cross_entropy_with_logits(x, probabilities),
             "cross_entropy": lambda: F.cross_entropy(x.reshape(1, -1), tg.tensor([0])) if x.numel() else x,
             "logsumexp": lambda: x.logsumexp(-1) if x.ndim else x}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        out = calls[op]()
        if out.requires_grad:
            out.sum().backward()


@pytest.mark.parametrize("call,error,message", [
    (lambda: tg.ones(2, 3).reshape(2.5, 2), TypeError, r"^reshape: the shape must be ints"),
    (lambda: tg.tensor([[1, 2], [3]]), ValueError, r"^tensor: the data must be rectangular"),
    (lambda: tg.arange(0, 5, 0), RuntimeError, r"^arange: step must be nonzero"),
    (lambda: tg.cat([tg.ones(2, 3), tg.ones(3, 2)]), RuntimeError,
     r"^cat: sizes of tensors must match except in dimension 0, but tensors 0 and 1 have shapes \(2, 3\) "
     r"and \(3, 2\)$"),
    (lambda: tg.ones(2).to("cuda"), RuntimeError, r"^to: .*tinygrad_edu runs on the CPU only"),
    (lambda: tg.ones(2, 3).sum("a"), TypeError, r"^sum: dim must be an int, got str"),
])
def test_no_bare_numpy_or_python_error_escapes(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_pytorch_refuses_the_same_inputs():
    """The refusals above are PyTorch's own (checked where torch is installed)."""
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    refused = [
        lambda: torch.nn.Embedding(4, 2)(torch.tensor([1, -1])),
        lambda: torch.arange(6.0).split(-1),
        lambda: torch.arange(6.0).split([3, -1]),
        lambda: torch.arange(6.0).chunk(-1),
        lambda: torch.nn.MaxPool2d(2, stride=0)(torch.zeros(1, 1, 4, 4)),
        lambda: tF.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([2.0, -1.0])),
        lambda: torch.tensor("abc"),
        lambda: torch.ones(2.5),
        lambda: torch.zeros("3"),
        lambda: torch.tensor([1.0, 2.0]) == torch.tensor([1.0, 2.0, 3.0]),
        lambda: torch.ones(2, 3).argmax(2),
        lambda: torch.ones(3, 4).sum(dim=(0, 0)),
        lambda: torch.ones(3, 4).sum(dim=(0, -2)),
        lambda: torch.cat([torch.ones(2), torch.ones(2)], dim=1),
        lambda: torch.stack([torch.ones(2), torch.ones(2)], dim=3),
        lambda: torch.nn.Linear(3, 2)(torch.tensor(1.0)),
        lambda: torch.nn.Linear(2, 2)(torch.ones(2, dtype=torch.float64)),
        lambda: torch.ones(2) & torch.ones(2),
        lambda: torch.ones(3, 4).permute(0, 5),
    ]
    for call in refused:
        with pytest.raises((RuntimeError, IndexError, TypeError, ValueError, NotImplementedError)):
            call()
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError):
        x.grad = torch.zeros(5)
    assert torch.ones(3, 4).sum(dim=()).item() == 12.0
    with pytest.warns(UserWarning, match=r"std\(\): degrees of freedom is <= 0"):  # our warning's words
        assert torch.tensor([1.0]).std().isnan()
    assert torch.tensor([1.0, float("nan")]).std().isnan()
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        assert torch.tensor([10, 20, 30])[torch.tensor([1, 0, 1], dtype=torch.uint8)].tolist() == [10, 30]
    assert (torch.tensor([6, 5]) & torch.tensor([3, 1])).tolist() == [2, 1]
    assert torch.zeros(3, 0).logsumexp(-1).tolist() == [-float("inf")] * 3
    p = torch.tensor([1.0, 0.0], requires_grad=True)
    tF.binary_cross_entropy(p, torch.tensor([0.0, 1.0]), reduction="sum").backward()
    assert p.grad.tolist() == pytest.approx([1e12, -1e12])
