"""F.pad's modes 'reflect', 'replicate' and 'circular', and Conv1d/Conv2d's padding_mode: PyTorch's values,
gradients, shape rules, errors, reprs and state_dict keys. Written-out cases here, torch behind importorskip
with the same cases; the registry (tests/registry_padding_bilinear.py) gradchecks F.pad's modes to second
order against np.pad."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

ROW = np.arange(5.0).reshape(1, 5)  # [[0, 1, 2, 3, 4]]

WRITTEN_OUT = [  # (mode, pad, F.pad(ROW, pad, mode)): the source position j - before, brought back inside
    ("reflect", (2, 1), [2, 1, 0, 1, 2, 3, 4, 3]),
    ("replicate", (2, 1), [0, 0, 0, 1, 2, 3, 4, 4]),
    ("circular", (2, 1), [3, 4, 0, 1, 2, 3, 4, 0]),
    ("reflect", (4, 0), [4, 3, 2, 1, 0, 1, 2, 3, 4]),  # reflect reaches size - 1
    ("circular", (5, 5), [0, 1, 2, 3, 4] * 3),  # circular reaches the size
    ("replicate", (0, 6), [0, 1, 2, 3, 4] + [4] * 6),  # replicate reaches any distance
    ("reflect", (-1, 2), [1, 2, 3, 4, 3, 2]),  # a negative amount crops
    ("replicate", (-2, 4), [2, 3, 4, 4, 4, 4, 4]),
    ("reflect", (-5, 1), [3]),  # the reflection is about the edge of the input before cropping
    ("circular", (-1, 2), [1, 2, 3, 4, 1, 2]),  # circular crops first, then wraps round what is left
    ("circular", (2, -1), [2, 3, 0, 1, 2, 3]),
]

ERRORS = [  # (input shape, pad, mode, value, exception, message)
    ((2, 3, 5), (5, 1), "reflect", None, RuntimeError,
     r"argument #4: padding size should be less than the corresponding input dimension, but got: padding \(5, 1\) "
     r"at dimension 2 of input \[2, 3, 5\]"),
    ((3, 2, 2, 2), (1, 1, 3, 1), "reflect", None, RuntimeError, r"argument #6: .* padding \(3, 1\) at dimension 2"),
    ((2, 3, 5), (6, 0), "circular", None, RuntimeError, "padding value causes wrapping around more than once"),
    ((2, 3, 5), (-3, -3), "circular", None, RuntimeError, "negative padding value is resulting in an empty dimension"),
    ((1, 5), (-3, -3), "replicate", None, RuntimeError, r"input \[1, 5\] is too small for padding \(-3, -3\)"),
    ((5,), (1, 1), "reflect", None, NotImplementedError, "padding size 2 is not supported for 1D input tensor"),
    ((2, 3, 4, 5), (1, 1), "replicate", None, NotImplementedError, "padding size 2 is not supported for 4D input"),
    ((2, 2), (1, 1, 1, 1), "circular", None, NotImplementedError, "padding size 4 is not supported for 2D input"),
    ((2, 5), (1, 1, 1, 1, 1, 1), "reflect", None, RuntimeError, "less than or equal to two times the input dimension"),
    ((2, 3, 0), (1, 1), "reflect", None, RuntimeError,
     r"expected 2D or 3D \(batch mode\) tensor with possibly 0 batch size and other non-zero dimensions"),
    ((2, 5), (1,), "reflect", None, RuntimeError, "padding length must be divisible by 2"),
    ((2, 5), (1.5, 1), "reflect", None, TypeError, "must be tuple of ints, but found element of type float at pos 0"),
    ((2, 5), (1, 1), "reflect", 2.0, RuntimeError, "padding mode \"reflect\" doesn't take in value argument"),
    ((2, 5), (1, 1), "mirror", None, NotImplementedError, "unrecognised padding mode 'mirror'"),
]

TORCH_CASES = [  # (input shape, pad) for every mode
    ((2, 5), (3, 1)), ((2, 3, 4), (2, 3, 1, 2)), ((1, 2, 3, 4), (1, 0, 2, 2)), ((1, 2, 3, 4, 5), (1, 2, 2, 0, 1, 1)),
    ((2, 3, 4, 5), (0, 2, 1, 1, 2, 0)), ((0, 3, 5), (1, 1)), ((2, 5), (-1, 3)), ((2, 3, 4), (2, -1, -1, 1)),
]

MODES = ("reflect", "replicate", "circular")


@pytest.mark.parametrize("mode, pad, want", WRITTEN_OUT)
def test_pad_modes_written_out(mode, pad, want):
    np.testing.assert_array_equal(F.pad(tg.tensor(ROW), pad, mode=mode).numpy(), [want])


def test_pad_modes_in_two_dims_and_integer_dtypes():
    x = tg.arange(6).reshape(1, 2, 3)  # [[0, 1, 2], [3, 4, 5]], int64
    out = F.pad(x, (1, 1, 1, 1), mode="reflect")  # rows from positions 1, 0, 1, 0; columns 1, 0, 1, 2, 1
    assert out.dtype == tg.int64
    np.testing.assert_array_equal(out.numpy(), [[[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4],
                                                 [1, 0, 1, 2, 1]]])
    np.testing.assert_array_equal(F.pad(x, (0, 1, 1, 0), mode="circular").numpy(), [[[3, 4, 5, 3], [0, 1, 2, 0],
                                                                                      [3, 4, 5, 3]]])
    np.testing.assert_array_equal(F.pad(x, (1, 0, 0, 2), "replicate").numpy(), [[[0, 0, 1, 2], [3, 3, 4, 5],
                                                                                  [3, 3, 4, 5], [3, 3, 4, 5]]])
    assert tuple(F.pad(tg.zeros(0, 3, 5), (1, 2), mode="reflect").shape) == (0, 3, 8)  # the batch may be empty
    assert tuple(F.pad(tg.zeros(2, 1, 4, 5, 6), (1, 1, 2, 2, 3, 3), mode="replicate").shape) == (2, 1, 10, 9, 8)
    np.testing.assert_array_equal(F.pad(tg.tensor(ROW), (1, 1), mode="reflect", value=0).numpy(),
                                  [[1, 0, 1, 2, 3, 4, 3]])  # value 0 is accepted, as PyTorch's
    np.testing.assert_array_equal(F.pad(tg.tensor(ROW), [1, 1], value=None).numpy(), [[0, 0, 1, 2, 3, 4, 0]])


@pytest.mark.parametrize("mode, length, pad, g, want", [
    # each copy's gradient goes back to the element it was copied from
    ("replicate", 3, (2, 1), [1, 1, 1, 1, 1, 1], [3, 1, 2]),
    ("reflect", 4, (2, 2), range(8), [2, 1 + 3 + 7, 0 + 4 + 6, 5]),  # positions 2 1 0 1 2 3 2 1
    ("circular", 3, (1, 2), range(6), [1 + 4, 2 + 5, 0 + 3]),  # positions 2 0 1 2 0 1
])
def test_pad_mode_gradients_written_out(mode, length, pad, g, want):
    x = tg.zeros(1, length, dtype=tg.float64, requires_grad=True)
    F.pad(x, pad, mode=mode).backward(tg.tensor([list(g)], dtype=tg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [want])


@pytest.mark.parametrize("shape, pad, mode, value, error, message", ERRORS)
def test_pad_mode_errors(shape, pad, mode, value, error, message):
    with pytest.raises(error, match=message):
        F.pad(tg.zeros(*shape), pad, mode=mode, value=value)


@pytest.mark.parametrize("mode", MODES)
def test_pad_modes_match_torch(mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for shape, pad in TORCH_CASES + [((1, 5), pad) for m, pad, _ in WRITTEN_OUT if m == mode]:
        x = rng.normal(size=shape)
        tx, ox = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
        want, got = torch.nn.functional.pad(tx, pad, mode=mode), F.pad(ox, pad, mode=mode)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        g = rng.normal(size=tuple(want.shape))
        want.backward(torch.tensor(g))
        got.backward(tg.tensor(g))
        np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pad_mode_errors_match_torch():
    torch = pytest.importorskip("torch")
    for shape, pad, mode, value, error, _ in ERRORS:
        if mode == "circular" and min(pad) < 0:
            continue  # PyTorch's circular mode crops after the check; where it crops too much it is not checked
        with pytest.raises(error):
            torch.nn.functional.pad(torch.zeros(*shape), pad, mode=mode, value=value)


# ---------------------------------------------------------------- Conv1d and Conv2d with padding_mode

@pytest.mark.parametrize("mode, want, grad", [
    # weight [1, 2, 3] over x = [1, 2, 3, 4] padded by 1: out[i] = p[i] + 2 p[i+1] + 3 p[i+2]; the gradient of
    # sum(out) at padded position j is the sum of the weights that touch it, 1 3 6 6 5 3, gathered back to x
    ("circular", [12, 14, 20, 14], [6, 6, 6, 6]),  # p = 4 1 2 3 4 1: each x meets every weight once
    ("reflect", [10, 14, 20, 20], [3, 7, 9, 5]),  # p = 2 1 2 3 4 3
    ("replicate", [9, 14, 20, 23], [4, 6, 6, 8]),  # p = 1 1 2 3 4 4
    ("zeros", [8, 14, 20, 11], [3, 6, 6, 5]),  # p = 0 1 2 3 4 0
])
def test_conv1d_padding_modes_written_out(mode, want, grad):
    conv = nn.Conv1d(1, 1, 3, padding=1, bias=False, padding_mode=mode)
    with tg.no_grad():
        conv.weight.copy_(tg.tensor([[[1.0, 2.0, 3.0]]]))
    x = tg.tensor([[[1.0, 2.0, 3.0, 4.0]]], requires_grad=True)
    out = conv(x)
    np.testing.assert_allclose(out.detach().numpy(), [[want]])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[grad]])


def test_conv_padding_mode_reprs_and_state_dict():
    assert repr(nn.Conv2d(2, 4, 3, padding=1, bias=False, padding_mode="reflect")) == \
        "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False, padding_mode=reflect)"
    assert repr(nn.Conv1d(2, 4, 3, padding="same", padding_mode="circular")) == \
        "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, padding_mode=circular)"
    assert repr(nn.Conv1d(2, 4, 3)) == "Conv1d(2, 4, kernel_size=(3,), stride=(1,))"
    conv = nn.Conv2d(2, 4, (3, 4), padding=(1, 2), padding_mode="replicate")
    assert list(conv.state_dict()) == ["weight", "bias"]
    assert conv._reversed_padding_repeated_twice == (2, 2, 1, 1)  # PyTorch's name and order: last dim first
    assert nn.Conv1d(1, 1, 4, padding="same", padding_mode="reflect")._reversed_padding_repeated_twice \
        == (1, 2)  # 'same': the odd one of dilation * (kernel - 1) = 3 on the right
    # the shapes: 'same' keeps the size; unbatched inputs go through F.pad's (C, *) form
    assert tuple(nn.Conv2d(2, 3, 3, padding="same", padding_mode="circular")(tg.zeros(2, 5, 6)).shape) == (3, 5, 6)
    assert tuple(nn.Conv1d(2, 3, 4, padding="same", padding_mode="reflect")(tg.zeros(1, 2, 7)).shape) == (1, 3, 7)
    with pytest.raises(RuntimeError, match="padding size should be less than the corresponding input dimension"):
        nn.Conv1d(1, 1, 5, padding=3, padding_mode="reflect")(tg.zeros(1, 1, 3))
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect")


@pytest.mark.parametrize("mode", MODES)
def test_conv_padding_modes_match_torch(mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    cases = [(1, dict(kernel_size=3, padding=2), (2, 2, 6)),
             (1, dict(kernel_size=4, padding="same", dilation=2), (2, 6)),
             (2, dict(kernel_size=(3, 2), padding=(1, 1), stride=2), (2, 2, 5, 6)),
             (2, dict(kernel_size=3, padding="same", bias=False), (2, 5, 6)),
             (2, dict(kernel_size=3, padding="valid", groups=2), (1, 2, 5, 6))]
    for dims, options, shape in cases:
        theirs = getattr(torch.nn, f"Conv{dims}d")(2, 4, padding_mode=mode, **options).double()
        ours = getattr(nn, f"Conv{dims}d")(2, 4, padding_mode=mode, **options).double()
        ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert repr(ours) == repr(theirs)
        x = rng.normal(size=shape)
        tx, ox = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
        want, got = theirs(tx), ours(ox)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
        g = rng.normal(size=tuple(want.shape))
        want.backward(torch.tensor(g))
        got.backward(tg.tensor(g))
        np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-12, atol=1e-12)
