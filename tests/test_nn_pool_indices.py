"""The max pools' indices (return_indices), dilation, and max_unpool1d/2d: each checked against
values written out here (so CI without PyTorch checks them) and, when PyTorch is installed,
against PyTorch itself on the same cases."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)

# (call, input, expected values, expected indices): ties go to the first maximum, padding never wins
TIES = [[1, 3, 3, 0], [2, 3, 0, 0], [5, 5, 1, 1], [5, 0, 1, 1]]
WRITTEN_OUT = [
    ("max_pool2d", {"kernel_size": 2}, [[TIES]], [[[[3, 3], [5, 1]]]], [[[[1, 2], [8, 10]]]]),
    ("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}, [[TIES]],
     [[[[3, 3], [5, 5]]]], [[[[1, 1], [8, 9]]]]),
    ("max_pool1d", {"kernel_size": 2, "ceil_mode": True}, [[[0, 4, 1, 2, 9]]], [[[4, 2, 9]]], [[[1, 3, 4]]]),
    ("max_pool1d", {"kernel_size": 2, "stride": 1, "dilation": 3}, [[[0, 5, 1, 7, 2, 3, 8]]],
     [[[7, 5, 3, 8]]], [[[3, 1, 5, 6]]]),
    ("max_pool1d", {"kernel_size": 2, "stride": 2, "dilation": 2, "ceil_mode": True}, [[[1, 0, 3, 0, 2, 9]]],
     [[[3, 3, 2]]], [[[2, 2, 4]]]),
    ("max_pool2d", {"kernel_size": 2, "dilation": (1, 2), "padding": (1, 0)}, [[TIES]],  # columns 0 and 2
     [[[[3], [5], [5]]]], [[[[2], [8], [12]]]]),
    ("adaptive_max_pool2d", {"output_size": 2}, [[[[0, 7, 1], [7, 2, 3], [4, 5, 6]]]],
     [[[[7, 7], [7, 6]]]], [[[[1, 1], [3, 8]]]]),
    ("adaptive_max_pool1d", {"output_size": 3}, [[[2, 9, 9, 1, 4]]], [[[9, 9, 4]]], [[[1, 1, 4]]]),
]
CASE_IDS = [f"{name}-{options}" for name, options, *_ in WRITTEN_OUT]


@pytest.mark.parametrize(("name", "options", "x", "values", "indices"), WRITTEN_OUT, ids=CASE_IDS)
def test_values_and_indices_written_out(name, options, x, values, indices):
    out = getattr(F, name)(tg.tensor(x, dtype=tg.float32), return_indices=True, **options)
    assert type(out) is tuple and len(out) == 2  # PyTorch's: a plain tuple
    np.testing.assert_array_equal(out[0].numpy(), values)
    assert out[0].dtype == tg.float32 and out[1].dtype == tg.int64
    np.testing.assert_array_equal(out[1].numpy(), indices)


@pytest.mark.parametrize(("name", "options", "x", "values", "indices"), WRITTEN_OUT, ids=CASE_IDS)
def test_values_and_indices_match_torch(name, options, x, values, indices):
    torch = pytest.importorskip("torch")
    want_values, want_indices = getattr(torch.nn.functional, name)(torch.tensor(x, dtype=torch.float32),
                                                                    return_indices=True, **options)
    np.testing.assert_array_equal(want_values.numpy(), values)  # the written-out expectations are PyTorch's
    np.testing.assert_array_equal(want_indices.numpy(), indices)


def test_the_values_keep_their_gradient_and_the_indices_have_none():
    x = tg.tensor([[TIES]], dtype=tg.float64, requires_grad=True)
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    assert values.grad_fn.name() == "MaxPool2DWithIndicesBackward0" and values.requires_grad
    assert indices.grad_fn is None and not indices.requires_grad and values.dtype == tg.float64
    values.backward(tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=tg.float64))
    expected = np.zeros(16)
    expected[[1, 2, 8, 10]] = [1, 2, 3, 4]  # each gradient at the index returned
    np.testing.assert_array_equal(x.grad.numpy().reshape(-1), expected)


def test_the_same_call_without_indices_gives_the_same_values():
    x = tg.tensor(RNG.standard_normal((2, 3, 7, 6)).astype(np.float32))
    values, _ = F.max_pool2d(x, 3, 2, 1, dilation=2, ceil_mode=True, return_indices=True)
    np.testing.assert_array_equal(F.max_pool2d(x, 3, 2, 1, dilation=2, ceil_mode=True).numpy(), values.numpy())


def test_unbatched_inputs_give_unbatched_indices():
    x = tg.tensor(RNG.standard_normal((2, 5, 6)).astype(np.float32))
    for call in (lambda t: F.max_pool2d(t, 2, return_indices=True),
                 lambda t: F.max_pool1d(t[0], 2, return_indices=True),
                 lambda t: F.adaptive_max_pool2d(t, 3, return_indices=True)):
        batched = call(x.unsqueeze(0))
        single = call(x)
        for b, s in zip(batched, single):
            np.testing.assert_array_equal(b.numpy()[0], s.numpy())


def test_modules_return_the_pair_and_print_as_pytorch():
    x = tg.tensor([[TIES]], dtype=tg.float32)
    pool = nn.MaxPool2d(2, return_indices=True)
    values, indices = pool(x)
    np.testing.assert_array_equal(indices.numpy(), [[[[1, 2], [8, 10]]]])
    assert repr(pool) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool1d(3, dilation=2)) == \
        "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=2, ceil_mode=False)"
    assert repr(nn.MaxPool2d((2, 3), dilation=(1, 2))) == \
        "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=(1, 2), ceil_mode=False)"
    assert repr(nn.AdaptiveMaxPool2d(2, return_indices=True)) == "AdaptiveMaxPool2d(output_size=2)"
    assert repr(nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    assert repr(nn.MaxUnpool1d(2, stride=1, padding=1)) == "MaxUnpool1d(kernel_size=(2,), stride=(1,), padding=(1,))"
    assert repr(nn.MaxUnpool2d((2, 3), 1, 1)) == "MaxUnpool2d(kernel_size=(2, 3), stride=(1, 1), padding=(1, 1))"
    unpooled = nn.MaxUnpool2d(2)(values, indices)
    expected = np.zeros(16, dtype=np.float32)
    expected[[1, 2, 8, 10]] = [3, 3, 5, 1]
    np.testing.assert_array_equal(unpooled.numpy().reshape(-1), expected)
    values, indices = nn.AdaptiveMaxPool1d(3, return_indices=True)(tg.tensor([[[2.0, 9.0, 9.0, 1.0, 4.0]]]))
    np.testing.assert_array_equal(indices.numpy(), [[[1, 1, 4]]])


def test_module_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for make in (lambda m: m.MaxPool2d(2, return_indices=True), lambda m: m.MaxPool1d(3, dilation=2),
                 lambda m: m.MaxPool2d((2, 3), dilation=(1, 2), ceil_mode=True), lambda m: m.MaxUnpool2d(2),
                 lambda m: m.MaxUnpool1d(2, stride=1, padding=1), lambda m: m.MaxUnpool2d((2, 3), 1, 1),
                 lambda m: m.AdaptiveMaxPool2d(2, return_indices=True)):
        assert repr(make(nn)) == repr(make(torch.nn))


# ---------------------------------------------------------------- unpooling

def test_unpool_output_size_and_its_default():
    x = tg.tensor(RNG.standard_normal((1, 2, 5, 5)).astype(np.float32))
    assert F.max_unpool2d(*F.max_pool2d(x[:, :, :4, :4], 2, return_indices=True), 2).shape == (1, 2, 4, 4)
    values, indices = F.max_pool2d(x, 2, return_indices=True)  # 2x2: the last row and column are dropped
    restored = F.max_unpool2d(values, indices, 2, output_size=x.size())  # (N, C, H, W) or (H, W)
    assert restored.shape == (1, 2, 5, 5)
    assert F.max_unpool2d(values, indices, 2, output_size=(5, 5)).shape == (1, 2, 5, 5)
    kept = restored.numpy() != 0
    np.testing.assert_array_equal(restored.numpy()[kept], x.numpy()[kept])  # each maximum back in its place
    line = tg.tensor([[[0.0, 4.0, 1.0, 2.0, 9.0]]])
    values, indices = F.max_pool1d(line, 2, return_indices=True)
    np.testing.assert_array_equal(F.max_unpool1d(values, indices, 2).numpy(), [[[0, 4, 0, 2]]])
    np.testing.assert_array_equal(nn.MaxUnpool1d(2)(values, indices, output_size=[5]).numpy(), [[[0, 4, 0, 2, 0]]])
    np.testing.assert_array_equal(F.max_unpool1d(values[0], indices[0], 2).numpy(), [[0, 4, 0, 2]])  # unbatched


def test_unpool_gradient_reads_g_at_the_indices_even_where_they_repeat():
    x = tg.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=tg.float64, requires_grad=True)
    indices = tg.tensor([[[[0, 5], [5, 15]]]])  # 5 twice: the later value stays, as in PyTorch's loop
    out = F.max_unpool2d(x, indices, 2)
    assert out.grad_fn.name() == "MaxUnpool2DBackward0"
    expected = np.zeros(16)
    expected[[0, 5, 15]] = [1, 3, 4]
    np.testing.assert_array_equal(out.detach().numpy().reshape(-1), expected)
    out.backward(tg.arange(16, dtype=tg.float64).reshape(1, 1, 4, 4))
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0, 5], [5, 15]]]])  # g gathered at the indices


def test_unpool_gradcheck_and_gradgradcheck():
    x = tg.tensor(RNG.standard_normal((2, 2, 3, 3)), requires_grad=True)
    _, indices = F.max_pool2d(tg.tensor(RNG.standard_normal((2, 2, 6, 7))), 2, return_indices=True)
    assert gradcheck(lambda t: F.max_unpool2d(t, indices, 2, output_size=(6, 7)), [x])
    assert gradgradcheck(lambda t: F.max_unpool2d(t, indices, 2, output_size=(6, 7)), [x])


# each call takes the library and its functional module: this one's, or PyTorch's for the same call
UNPOOL_ERRORS = [
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.tensor([[[[0, 1], [2, 20]]]]), 2),
     RuntimeError, "Found an invalid max index: 20 (output volumes are of size 4x4)"),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.tensor([[[[0, 1], [-2, 3]]]]), 2),
     RuntimeError, "Found an invalid max index: -2 (output volumes are of size 4x4)"),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int32), 2),
     RuntimeError, "elements in indices should be type int64 but got: Int"),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 1, dtype=tg.int64), 2),
     RuntimeError, "Expected shape of indices to be same as that of the input tensor ([1, 1, 2, 2]) but got "
     "indices tensor with shape: [1, 1, 2, 1]"),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2, output_size=(6, 6)),
     ValueError, 'invalid output_size "(6, 6)" (dim 0 must be between 2 and 6)'),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2, output_size=(1, 5, 5)),
     ValueError, "output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'"),
    (lambda tg, F: F.max_unpool2d(tg.ones(2, 2), tg.zeros(2, 2, dtype=tg.int64), 2),
     RuntimeError, "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions."),
    (lambda tg, F: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2, padding=3),
     ValueError, "max_unpooling: output_size must contain non-negative spatial dimensions, but got output_size[0]=-2"),
    (lambda tg, F: F.max_unpool1d(tg.ones(1, 1, 2), tg.tensor([[[0, 7]]]), 2),
     RuntimeError, "Found an invalid max index: 7 (output volumes are of size 4x1)"),
]


@pytest.mark.parametrize(("call", "error", "message"), UNPOOL_ERRORS, ids=range(len(UNPOOL_ERRORS)))
def test_unpool_errors_as_pytorch(call, error, message):
    with pytest.raises(error) as raised:
        call(tg, F)
    assert str(raised.value) == message


@pytest.mark.parametrize(("call", "error", "message"), UNPOOL_ERRORS, ids=range(len(UNPOOL_ERRORS)))
def test_unpool_errors_are_torch_own(call, error, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(error) as raised:
        call(torch, torch.nn.functional)
    assert str(raised.value) == message


def test_dilation_errors():
    with pytest.raises(RuntimeError, match="max_pool2d: dilation should be greater than zero"):
        F.max_pool2d(tg.ones(1, 1, 4, 4), 2, dilation=0)
    with pytest.raises(RuntimeError, match=r"max_pool1d: input of shape \(1, 1, 1, 3\) is too small .* dilation "):
        F.max_pool1d(tg.ones(1, 1, 3), 2, dilation=3)


# ---------------------------------------------------------------- against PyTorch on random cases

OPTIONS = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
           {"kernel_size": (2, 3), "stride": 1, "dilation": (2, 1)},
           {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True},
           {"kernel_size": 2, "stride": 3, "dilation": 2, "ceil_mode": True}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_pool2d_indices_gradients_and_unpool_match_torch(options, dtype):
    torch = pytest.importorskip("torch")
    x = RNG.integers(-3, 4, size=(2, 3, 9, 8)).astype(dtype)  # small integers: many ties
    g = RNG.standard_normal((2, 3, 9, 8)).astype(dtype)
    mine = tg.tensor(x, requires_grad=True)
    values, indices = F.max_pool2d(mine, return_indices=True, **options)
    theirs = torch.tensor(x, requires_grad=True)
    want_values, want_indices = torch.nn.functional.max_pool2d(theirs, return_indices=True, **options)
    np.testing.assert_array_equal(values.detach().numpy(), want_values.detach().numpy())
    np.testing.assert_array_equal(indices.numpy(), want_indices.numpy())
    assert str(values.dtype).split(".")[-1] == dtype
    seed = g[:, :, :values.shape[2], :values.shape[3]]
    values.backward(tg.tensor(seed))
    want_values.backward(torch.tensor(seed))
    np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, atol=1e-6)  # sums
    unpool_options = {k: v for k, v in options.items() if k in ("kernel_size", "stride", "padding")}
    mine, theirs = tg.tensor(values.detach().numpy(), requires_grad=True), want_values.detach().requires_grad_()
    try:
        want = torch.nn.functional.max_unpool2d(theirs, want_indices, output_size=x.shape, **unpool_options)
    except ValueError as error:  # a dilated pool's input size can be out of the unpool's reach
        with pytest.raises(ValueError) as raised:
            F.max_unpool2d(mine, indices, output_size=x.shape, **unpool_options)
        assert str(raised.value) == str(error)
        return
    got = F.max_unpool2d(mine, indices, output_size=x.shape, **unpool_options)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    got.backward(tg.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_array_equal(mine.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("options", [{"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2},
                                     {"kernel_size": 2, "ceil_mode": True}], ids=str)
def test_1d_and_adaptive_match_torch(options):
    torch = pytest.importorskip("torch")
    x = RNG.integers(-3, 4, size=(2, 3, 11)).astype(np.float64)
    got = F.max_pool1d(tg.tensor(x), return_indices=True, **options)
    want = torch.nn.functional.max_pool1d(torch.tensor(x), return_indices=True, **options)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
    for size in (1, 4, 7):
        for g, w in zip(F.adaptive_max_pool1d(tg.tensor(x), size, return_indices=True),
                        torch.nn.functional.adaptive_max_pool1d(torch.tensor(x), size, return_indices=True)):
            np.testing.assert_array_equal(g.numpy(), w.numpy())
    square = RNG.integers(-2, 3, size=(2, 3, 7, 5)).astype(np.float64)
    for size in ((3, 2), (5, None), 4):
        for g, w in zip(F.adaptive_max_pool2d(tg.tensor(square), size, return_indices=True),
                        torch.nn.functional.adaptive_max_pool2d(torch.tensor(square), size, return_indices=True)):
            np.testing.assert_array_equal(g.numpy(), w.numpy())


def test_unpool_gradient_matches_torch_where_indices_repeat():
    torch = pytest.importorskip("torch")
    values = RNG.standard_normal((1, 2, 2, 2))
    indices = np.array([[[[0, 5], [5, 15]], [[3, 3], [3, 3]]]])
    g = RNG.standard_normal((1, 2, 4, 4))
    mine = tg.tensor(values, requires_grad=True)
    out = F.max_unpool2d(mine, tg.tensor(indices), 2)
    theirs = torch.tensor(values, requires_grad=True)
    want = torch.nn.functional.max_unpool2d(theirs, torch.tensor(indices), 2)
    np.testing.assert_array_equal(out.detach().numpy(), want.detach().numpy())
    out.backward(tg.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_array_equal(mine.grad.numpy(), theirs.grad.numpy())
