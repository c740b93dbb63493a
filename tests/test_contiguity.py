"""Memory layout as PyTorch has it: stride(), is_contiguous(), contiguous() and the view rule.

Each torch comparison has a torch-free twin with the expected values written out."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
              "across two contiguous subspaces). Use .reshape(...) instead.")


def matrix(lib, rows=2, cols=3, requires_grad=False):
    return lib.arange(float(rows * cols)).reshape(rows, cols).requires_grad_(requires_grad)


# Layouts: (name, how to make it from a contiguous (2, 3, 4) tensor `x`, strides, is_contiguous).
LAYOUTS = [
    ("fresh", lambda x: x, (12, 4, 1), True),
    ("mT", lambda x: x.mT, (12, 1, 4), False),
    ("transpose", lambda x: x.transpose(0, 1), (4, 12, 1), False),
    ("permute", lambda x: x.permute(2, 0, 1), (1, 12, 4), False),
    ("narrow", lambda x: x.narrow(2, 1, 2), (12, 4, 1), False),
    ("rows", lambda x: x[:, 1:], (12, 4, 1), False),
    ("first block", lambda x: x[1:], (12, 4, 1), True),
    ("step", lambda x: x[..., ::2], (12, 4, 2), False),
    ("expand", lambda x: x[:, :, :1].expand(2, 3, 4), (12, 4, 0), False),
    ("unsqueeze", lambda x: x.unsqueeze(0), (24, 12, 4, 1), True),
    ("elementwise of mT", lambda x: x.mT * 2, (12, 1, 4), False),
    ("exp of permute", lambda x: x.permute(2, 0, 1).exp(), (1, 12, 4), False),
    ("matmul", lambda x: x @ x.mT, (9, 3, 1), True),
    ("sum of mT", lambda x: x.mT.sum(0), (3, 1), True),
    ("softmax of mT", lambda x: x.mT.softmax(-1), (12, 3, 1), True),
    ("clone of mT", lambda x: x.mT.clone(), (12, 1, 4), False),
    ("flip of mT", lambda x: x.mT.flip(1), (12, 1, 4), False),
    ("contiguous of mT", lambda x: x.mT.contiguous(), (12, 3, 1), True),
]


@pytest.mark.parametrize("name, make, strides, contiguous", LAYOUTS)
def test_strides_and_contiguity_are_pytorchs(name, make, strides, contiguous):
    y = make(tg.arange(24.0).reshape(2, 3, 4))
    assert y.stride() == strides and y.is_contiguous() is contiguous


@pytest.mark.parametrize("name, make, strides, contiguous", LAYOUTS)
def test_strides_and_contiguity_match_torch(name, make, strides, contiguous):
    torch = pytest.importorskip("torch")
    y = make(torch.arange(24.0).reshape(2, 3, 4))
    assert y.stride() == strides and y.is_contiguous() is contiguous


def test_cat_and_stack_of_transposes_are_contiguous_as_in_torch():
    x = tg.arange(24.0).reshape(2, 3, 4)
    assert tg.cat([x.mT, x.mT]).stride() == (12, 3, 1) and tg.stack([x.mT, x.mT]).is_contiguous()


def test_size_one_dims_and_empty_tensors_count_as_contiguous():
    column = tg.arange(3.0).reshape(1, 3).t()  # strides (1, 1) or anything: size 1 has no second element
    assert column.is_contiguous() and tg.zeros(0, 3).t().is_contiguous()
    assert tg.zeros(2, 1, 3).transpose(0, 1).is_contiguous()
    assert not tg.zeros(2, 3).t().is_contiguous()


def test_the_famous_view_error_and_its_fixes():
    x = matrix(tg)
    with pytest.raises(RuntimeError) as raised:
        x.t().view(-1)
    assert str(raised.value).startswith(VIEW_ERROR) and "reshape(-1)" in str(raised.value)
    np.testing.assert_array_equal(x.t().reshape(-1).numpy(), [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(x.t().contiguous().view(-1).numpy(), [0, 3, 1, 4, 2, 5])
    assert x.view(3, 2).data_ptr() == x.data_ptr()
    with pytest.raises(RuntimeError, match="span"):
        x.t().view_as(tg.zeros(6))


def test_the_view_error_matches_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as raised:
        matrix(torch).t().view(-1)
    assert str(raised.value) == VIEW_ERROR


# (how to make the source from arange(24), new shape, viewable): PyTorch's rule lets a view split
# or merge dims as long as each merged group is contiguous within itself.
VIEW_CASES = [
    (lambda t: t.reshape(4, 6).t(), (-1,), False),
    (lambda t: t.reshape(4, 6).t(), (3, 2, 4), True),  # splitting a dim of a transposed tensor
    (lambda t: t.reshape(4, 6).t(), (6, 2, 2), True),
    (lambda t: t.reshape(4, 6).t(), (2, 12), False),
    (lambda t: t.reshape(2, 3, 4).permute(1, 2, 0), (12, 2), True),  # merging dims 1 and 2, still in order
    (lambda t: t.reshape(2, 3, 4).permute(1, 2, 0), (3, 8), False),
    (lambda t: t.reshape(2, 3, 4).permute(0, 2, 1), (2, 12), False),
    (lambda t: t.reshape(2, 3, 4).permute(1, 0, 2), (3, 2, 2, 2), True),
    (lambda t: t.reshape(4, 6)[:, ::2], (4, 3, 1), True),
    (lambda t: t.reshape(4, 6)[:, ::2], (12,), True),  # strides (6, 2): a row ends where the next begins
    (lambda t: t.reshape(4, 6)[:, :4:2], (8,), False),
    (lambda t: t.reshape(4, 6)[1:3], (12,), True),
    (lambda t: t.reshape(4, 6)[:, 1:4], (12,), False),
    (lambda t: t[:4].reshape(4, 1).expand(4, 6), (2, 2, 6), True),
    (lambda t: t[:4].reshape(4, 1).expand(4, 6), (24,), False),
    (lambda t: t[:6].reshape(1, 6).t(), (6,), True),
    (lambda t: t[:0].reshape(0, 3).t(), (3, 0), True),
]


@pytest.mark.parametrize("make, shape, viewable", VIEW_CASES)
def test_view_decides_as_pytorch(make, shape, viewable):
    x = make(tg.arange(24.0))
    if viewable:
        assert x.view(shape).shape == x.reshape(shape).shape
        np.testing.assert_array_equal(x.view(shape).numpy(), x.reshape(shape).numpy())
    else:
        with pytest.raises(RuntimeError, match="spans across two contiguous subspaces"):
            x.view(shape)
        assert x.reshape(shape).is_contiguous()  # reshape copies instead


@pytest.mark.parametrize("make, shape, viewable", VIEW_CASES)
def test_view_cases_match_torch(make, shape, viewable):
    torch = pytest.importorskip("torch")
    x = make(torch.arange(24.0))
    if viewable:
        assert x.view(shape).shape == x.reshape(shape).shape
    else:
        with pytest.raises(RuntimeError, match="spans across two contiguous subspaces"):
            x.view(shape)


def test_view_keeps_its_size_error():
    with pytest.raises(RuntimeError, match="invalid for input of size 6"):
        matrix(tg).view(4)


def test_contiguous_returns_self_or_a_recorded_copy():
    x = matrix(tg, requires_grad=True)
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.grad_fn.name() == "CloneBackward0" and y.is_contiguous() and y.stride() == (2, 1)
    assert y.data_ptr() != x.data_ptr()
    (y * tg.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 2, 4], [1, 3, 5]])


def test_contiguous_matches_torch():
    torch = pytest.importorskip("torch")
    x = matrix(torch, requires_grad=True)
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.grad_fn.name() == "CloneBackward0" and y.is_contiguous() and y.stride() == (2, 1)
    (y * torch.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 2, 4], [1, 3, 5]])


def channels_last_cases(lib, channels_last):
    nchw = lib.arange(120.0).reshape(2, 3, 4, 5)
    nhwc = lib.arange(120.0).reshape(2, 4, 5, 3).permute(0, 3, 1, 2)
    return [nchw.is_contiguous(memory_format=channels_last), nhwc.is_contiguous(memory_format=channels_last),
            nhwc.is_contiguous(), nchw.contiguous(memory_format=channels_last).stride(),
            lib.zeros(2, 3).is_contiguous(memory_format=channels_last),
            lib.zeros(1, 3, 1, 1).is_contiguous(memory_format=channels_last)]


CHANNELS_LAST = [False, True, False, (60, 1, 15, 3), False, True]


def test_channels_last():
    assert channels_last_cases(tg, tg.channels_last) == CHANNELS_LAST
    assert repr(tg.channels_last) == "torch.channels_last"
    x = tg.arange(120.0).reshape(2, 3, 4, 5).requires_grad_()
    y = x.contiguous(memory_format=tg.channels_last)
    assert y.grad_fn.name() == "CloneBackward0"
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy())
    with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
        tg.zeros(2, 3).contiguous(memory_format=tg.channels_last)
    with pytest.raises(TypeError, match="must be torch.memory_format, not int"):
        tg.zeros(2, 3).is_contiguous(memory_format=3)


def test_channels_last_matches_torch():
    torch = pytest.importorskip("torch")
    assert channels_last_cases(torch, torch.channels_last) == CHANNELS_LAST


def dtype_views(lib):
    x = lib.arange(6.0).reshape(2, 3)
    return [tuple(x.view(lib.int32).shape), tuple(x.view(lib.int8).shape), tuple(x.t().view(lib.int32).shape),
            x.view(lib.int32)[0, 1].item()]


def test_view_as_another_dtype():
    assert dtype_views(tg) == [(2, 3), (2, 12), (3, 2), 1065353216]  # the bits of 1.0f
    x = tg.arange(6.0).reshape(2, 3).requires_grad_()
    assert not x.view(tg.float32).requires_grad
    with pytest.raises(RuntimeError, match=r"self.stride\(-1\) must be 1 to view Float as Char"):
        x.t().view(tg.int8)
    with pytest.raises(RuntimeError, match=r"self.size\(-1\) must be divisible by 2 to view Float as Double"):
        x.view(tg.float64)


def test_view_as_another_dtype_matches_torch():
    torch = pytest.importorskip("torch")
    assert dtype_views(torch) == [(2, 3), (2, 12), (3, 2), 1065353216]
