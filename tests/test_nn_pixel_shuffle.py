"""PixelShuffle, PixelUnshuffle, F.pixel_shuffle and F.pixel_unshuffle: PyTorch's values, gradients,
reprs and errors. Written-out cases here, torch behind importorskip; the registry
(tests/registry_nn_layers.py) gradchecks both functions against a NumPy reference."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(5)

SHAPES = [((1, 8, 2, 3), 2), ((3, 2, 9, 1, 2), 3), ((4, 1, 1), 1), ((2, 4, 3, 2), 2)]  # (input of shuffle, r)

ERRORS = [  # (function, input shape, factor, PyTorch's message)
    ("pixel_shuffle", (1, 3, 2, 2), 2, "pixel_shuffle expects its input's 'channel' dimension to be divisible by "
                                       "the square of upscale_factor, but input.size(-3)=3 is not divisible by 4"),
    ("pixel_shuffle", (4, 2), 2, "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
                                 "dimension(s)"),
    ("pixel_shuffle", (1, 4, 2, 2), 0, "pixel_shuffle expects a positive upscale_factor, but got 0"),
    ("pixel_unshuffle", (1, 1, 3, 4), 2, "pixel_unshuffle expects height to be divisible by downscale_factor, but "
                                         "input.size(-2)=3 is not divisible by 2"),
    ("pixel_unshuffle", (1, 1, 4, 3), 2, "pixel_unshuffle expects width to be divisible by downscale_factor, but "
                                         "input.size(-1)=3 is not divisible by 2"),
    ("pixel_unshuffle", (2, 3), 2, "pixel_unshuffle expects input to have at least 3 dimensions, but got input "
                                   "with 2 dimension(s)"),
]


def test_pixel_shuffle_written_out():
    # x[0, c, 0, w] = 2c + w; out[0, 0, i, 2w + j] = x[0, 2i + j, 0, w]
    x = tg.arange(8.0).reshape(1, 4, 1, 2)
    out = F.pixel_shuffle(x, 2)
    np.testing.assert_array_equal(out.numpy(), [[[[0.0, 2.0, 1.0, 3.0], [4.0, 6.0, 5.0, 7.0]]]])
    np.testing.assert_array_equal(F.pixel_unshuffle(out, 2).numpy(), x.numpy())
    np.testing.assert_array_equal(nn.PixelShuffle(2)(x).numpy(), out.numpy())
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(out).numpy(), x.numpy())


def test_pixel_shuffle_gradient_written_out():
    # the gradient goes back to where each value came from: d(sum(out * g))/dx = g read at the source positions
    x = tg.zeros(1, 4, 1, 2, dtype=tg.float64, requires_grad=True)
    g = tg.tensor([[[[0.0, 2.0, 1.0, 3.0], [4.0, 6.0, 5.0, 7.0]]]], dtype=tg.float64)
    (F.pixel_shuffle(x, 2) * g).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(8.0).reshape(1, 4, 1, 2))


def test_pixel_shuffle_reprs_shapes_and_errors():
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.PixelUnshuffle(3)) == "PixelUnshuffle(downscale_factor=3)"
    assert nn.PixelShuffle(2).state_dict() == {}
    assert tuple(F.pixel_shuffle(tg.zeros(5, 3, 8, 2, 3), 2).shape) == (5, 3, 2, 4, 6)
    assert tuple(F.pixel_unshuffle(tg.zeros(1, 2, 4, 6), 2).shape) == (1, 8, 2, 3)
    assert F.pixel_shuffle(tg.zeros(1, 4, 2, 2), 1).shape == (1, 4, 2, 2)
    for name, shape, factor, message in ERRORS:
        with pytest.raises(RuntimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
            getattr(F, name)(tg.zeros(*shape), factor)


@pytest.mark.parametrize("shape,r", SHAPES)
def test_pixel_shuffle_and_unshuffle_match_torch(shape, r):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal(shape)
    for name in ("pixel_shuffle", "pixel_unshuffle"):
        if name == "pixel_unshuffle":
            x = torch.nn.functional.pixel_shuffle(torch.tensor(x), r).numpy()
        mine, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, want = getattr(F, name)(mine, r), getattr(torch.nn.functional, name)(theirs, r)
        np.testing.assert_array_equal(y.detach().numpy(), want.detach().numpy())
        weights = RNG.standard_normal(tuple(want.shape))
        (y * tg.tensor(weights)).sum().backward()
        (want * torch.tensor(weights)).sum().backward()
        np.testing.assert_array_equal(mine.grad.numpy(), theirs.grad.numpy())
        assert mine.grad.dtype == tg.float64


def test_pixel_shuffle_reprs_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.PixelShuffle(2)) == repr(torch.nn.PixelShuffle(2))
    assert repr(nn.PixelUnshuffle(3)) == repr(torch.nn.PixelUnshuffle(3))
    for name, shape, factor, message in ERRORS:
        with pytest.raises(RuntimeError) as theirs:
            getattr(torch.nn.functional, name)(torch.zeros(*shape), factor)
        assert str(theirs.value) == message
        with pytest.raises(RuntimeError) as mine:
            getattr(F, name)(tg.zeros(*shape), factor)
        assert str(mine.value).startswith(message)
