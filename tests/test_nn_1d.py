"""Conv1d, MaxPool1d, AvgPool1d and the adaptive 1-D pools (and avg pooling's count_include_pad and
divisor_override): PyTorch's signatures, parameters, initialisation, reprs, shapes and errors.
Values and gradients against hand-computed cases here, against torch (same weights loaded) behind
importorskip; the registry (tests/registry_nn_layers.py) gradchecks each function."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(7)


def from_torch(ours, theirs):
    """Load torch's parameters into our module, as a learner porting a model would."""
    ours.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
    return ours


# ---------------------------------------------------------------- Conv1d

def test_conv1d_parameters_keys_and_repr():
    conv = nn.Conv1d(3, 4, 5)
    assert [(k, tuple(v.shape)) for k, v in conv.state_dict().items()] == [("weight", (4, 3, 5)), ("bias", (4,))]
    assert conv.weight.dtype == tg.float32 and conv.bias.dtype == tg.float32
    assert conv.kernel_size == (5,) and conv.stride == (1,) and conv.padding == (0,)
    assert conv.padding_mode == "zeros"
    # torch 2.13's reprs, written out
    assert repr(conv) == "Conv1d(3, 4, kernel_size=(5,), stride=(1,))"
    assert repr(nn.Conv1d(3, 4, 3, stride=2, padding=1, bias=False)) == \
        "Conv1d(3, 4, kernel_size=(3,), stride=(2,), padding=(1,), bias=False)"
    assert repr(nn.Conv1d(3, 4, [3], padding="same")) == "Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=same)"
    assert list(nn.Conv1d(2, 2, 2, bias=False).state_dict()) == ["weight"]
    assert nn.Conv1d(2, 2, 2, dtype=tg.float64).weight.dtype == tg.float64


def test_conv1d_signature_is_pytorchs():
    # positional order: in, out, kernel_size, stride, padding, dilation, groups, bias, padding_mode
    conv = nn.Conv1d(2, 3, 3, 2, 1, 1, 1, False, "zeros")
    assert conv.stride == (2,) and conv.padding == (1,) and conv.bias is None
    conv2 = nn.Conv2d(2, 3, 3, 1, 0, 1, 1, False)  # Conv2d takes PyTorch's order too
    assert conv2.bias is None


def test_conv1d_refuses_what_it_lacks_and_names_it():
    with pytest.raises(ValueError, match="Conv1d: in_channels must be divisible by groups"):  # as PyTorch's
        nn.Conv1d(2, 4, 3, groups=4)
    with pytest.raises(ValueError, match="Conv1d: out_channels must be divisible by groups"):
        nn.Conv1d(2, 3, 3, groups=2)
    with pytest.raises(ValueError, match="Conv1d: groups must be a positive integer"):
        nn.Conv1d(2, 4, 3, groups=0)
    with pytest.raises(RuntimeError, match="conv1d: dilation should be greater than zero"):
        F.conv1d(tg.randn(1, 2, 5), tg.randn(4, 2, 3), dilation=0)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv1d(2, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match=r"Conv1d: padding=.same. is not supported for strided .* \(stride \(2,\)\)"):
        nn.Conv1d(2, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"conv1d: padding=.same. is not supported for strided .* \(stride \(2,\)\)"):
        F.conv1d(tg.randn(1, 2, 5), tg.randn(4, 2, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match=r"Conv1d: expected an int or a tuple of 1 int, got \(3, 3\)"):
        nn.Conv1d(2, 4, (3, 3))


def test_conv1d_input_checks():
    conv = nn.Conv1d(2, 4, 3)
    with pytest.raises(RuntimeError, match=r"conv1d: expected \(N, C, L\) or unbatched \(C, L\) input, got shape"):
        conv(tg.randn(5))
    with pytest.raises(RuntimeError, match=r"got shape \(1, 2, 5, 5\)"):
        conv(tg.randn(1, 2, 5, 5))
    with pytest.raises(RuntimeError, match=r"conv1d: input \(1, 3, 5\) and weight \(4, 2, 3\) do not fit"):
        conv(tg.randn(1, 3, 5))
    with pytest.raises(RuntimeError, match=r"conv1d: the kernel \(3, dilation 1\) is longer than the padded input \(2"):
        conv(tg.randn(1, 2, 2))
    with pytest.raises(RuntimeError, match=r"conv1d: the kernel \(3, dilation 2\) is longer than the padded input \(4"):
        F.conv1d(tg.randn(1, 2, 4), conv.weight, dilation=2)  # it spans 5
    with pytest.raises(RuntimeError, match=r"conv1d: input \(1, 4, 5\) and weight \(4, 2, 3\) do not fit \(groups=1\)"):
        conv(tg.randn(1, 4, 5))
    assert F.conv1d(tg.randn(1, 4, 5), conv.weight, groups=2).shape == (1, 4, 3)  # 4 channels in 2 groups of 2


def test_conv1d_hand_computed():
    # y[i] = sum_a x[i + a] * w[a] + b: x = 1..5, w = (1, 0, -1), b = 0.5 -> x[i] - x[i+2] + 0.5 = -1.5
    conv = nn.Conv1d(1, 1, 3)
    conv.load_state_dict({"weight": np.array([[[1.0, 0.0, -1.0]]], np.float32), "bias": np.array([0.5], np.float32)})
    x = tg.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]], requires_grad=True)
    y = conv(x)
    np.testing.assert_array_equal(y.detach().numpy(), [[[-1.5, -1.5, -1.5]]])
    y.sum().backward()
    # dL/dx[j] = sum over the windows holding j of w at j's offset: (1, 1, 0, -1, -1)
    np.testing.assert_array_equal(x.grad.numpy(), [[[1.0, 1.0, 0.0, -1.0, -1.0]]])
    np.testing.assert_array_equal(conv.weight.grad.numpy(), [[[6.0, 9.0, 12.0]]])  # sums of the windows' elements
    np.testing.assert_array_equal(conv.bias.grad.numpy(), [3.0])
    # padding 1 and stride 2 over x = 1..5: windows (0,1,2), (2,3,4), (4,5,0) -> -2, -2, 4, plus the bias
    np.testing.assert_array_equal(F.conv1d(x, conv.weight, None, stride=2, padding=1).detach().numpy(),
                                  [[[-2.0, -2.0, 4.0]]])
    # 'same' with an even kernel: one zero before, none after (k - 1 = 1, (k - 1) // 2 = 0 before)
    same = F.conv1d(x, tg.tensor([[[1.0, 1.0]]]), padding="same")
    np.testing.assert_array_equal(same.detach().numpy(), [[[3.0, 5.0, 7.0, 9.0, 5.0]]])


def test_conv1d_unbatched_and_dtypes():
    conv = nn.Conv1d(3, 2, 3, padding=1)
    x = tg.tensor(RNG.standard_normal((4, 3, 6)).astype(np.float32))
    single = conv(x[2])
    assert single.shape == (2, 6) and single.dtype == tg.float32
    np.testing.assert_allclose(single.detach().numpy(), conv(x)[2].detach().numpy(), rtol=1e-6, atol=1e-7)
    assert conv.double()(x.double()).dtype == tg.float64


def test_conv1d_initial_distribution_is_pytorchs():
    """weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels * kernel_size."""
    tg.manual_seed(0)
    conv = nn.Conv1d(20, 300, 7)
    bound = 1 / math.sqrt(20 * 7)
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    np.testing.assert_allclose(w.std(), bound / math.sqrt(3), rtol=0.02)  # a uniform's spread
    assert abs(w.mean()) < 0.01 * bound
    assert np.abs(b).max() <= bound and b.std() > 0.4 * bound
    tg.manual_seed(0)
    np.testing.assert_array_equal(nn.Conv1d(20, 300, 7).weight.detach().numpy(), w)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's, about its own speed
@pytest.mark.parametrize("options", [{}, {"stride": 2, "padding": 1}, {"padding": "same"}, {"padding": "valid"},
                                     {"stride": 3, "bias": False}], ids=str)
@pytest.mark.parametrize("kernel", [3, 4])
def test_conv1d_matches_torch(options, kernel):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Conv1d(3, 5, kernel, **options)
    ours = from_torch(nn.Conv1d(3, 5, kernel, **options), theirs)
    assert repr(ours) == repr(theirs)
    x = RNG.standard_normal((2, 3, 9)).astype(np.float32)
    mine, torch_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, want = ours(mine), theirs(torch_x)
    np.testing.assert_allclose(y.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours(mine[0]).detach().numpy(), theirs(torch_x[0]).detach().numpy(), rtol=1e-5,
                               atol=1e-5)
    seed = RNG.standard_normal(tuple(want.shape)).astype(np.float32)
    (y * tg.tensor(seed)).sum().backward()
    (want * torch.tensor(seed)).sum().backward()
    np.testing.assert_allclose(mine.grad.numpy(), torch_x.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_conv1d_init_bounds_match_torchs():
    torch = pytest.importorskip("torch")
    theirs, ours = torch.nn.Conv1d(6, 40, 5), nn.Conv1d(6, 40, 5)
    for name in ("weight", "bias"):
        t, o = getattr(theirs, name).detach().numpy(), getattr(ours, name).detach().numpy()
        assert o.shape == t.shape and o.dtype == t.dtype
        assert np.abs(o).max() <= 1 / math.sqrt(30) and np.abs(t).max() <= 1 / math.sqrt(30)


# ---------------------------------------------------------------- pools

def test_pool1d_reprs_are_pytorchs():
    assert repr(nn.MaxPool1d(2)) == "MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool1d(3, 1, 1)) == "MaxPool1d(kernel_size=3, stride=1, padding=1, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool1d(2)) == "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
    assert repr(nn.AvgPool1d(3, 1, 1)) == "AvgPool1d(kernel_size=(3,), stride=(1,), padding=(1,))"
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AdaptiveAvgPool1d(3)) == "AdaptiveAvgPool1d(output_size=3)"
    assert repr(nn.AdaptiveMaxPool1d(3)) == "AdaptiveMaxPool1d(output_size=3)"
    assert not isinstance(nn.AvgPool2d(2), nn.MaxPool2d) and not isinstance(nn.MaxPool1d(2), nn.MaxPool2d)
    assert not isinstance(nn.AdaptiveMaxPool2d(2), nn.AdaptiveAvgPool2d)


def test_pools_1d_hand_computed():
    x = tg.tensor([[[1.0, 5.0, 2.0, 4.0, 3.0]]], requires_grad=True)
    np.testing.assert_array_equal(nn.MaxPool1d(2)(x).detach().numpy(), [[[5.0, 4.0]]])  # the last one left over
    np.testing.assert_array_equal(nn.MaxPool1d(3, 1, 1)(x).detach().numpy(), [[[5.0, 5.0, 5.0, 4.0, 4.0]]])
    np.testing.assert_array_equal(nn.AvgPool1d(2)(x).detach().numpy(), [[[3.0, 3.0]]])
    # padding 1: windows (0,1,5), (5,2,4), (4,3,0); the zeros count, unless count_include_pad=False
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1).detach().numpy(), [[[2.0, 11 / 3, 7 / 3]]], rtol=1e-6)
    np.testing.assert_allclose(F.avg_pool1d(x, 3, 2, 1, count_include_pad=False).detach().numpy(),
                               [[[3.0, 11 / 3, 3.5]]], rtol=1e-6)
    # adaptive, 5 -> 3: windows [0, 2), [1, 4), [3, 5)
    np.testing.assert_allclose(nn.AdaptiveAvgPool1d(3)(x).detach().numpy(), [[[3.0, 11 / 3, 3.5]]], rtol=1e-6)
    np.testing.assert_array_equal(nn.AdaptiveMaxPool1d(3)(x).detach().numpy(), [[[5.0, 5.0, 4.0]]])
    nn.MaxPool1d(2)(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0.0, 1.0, 0.0, 1.0, 0.0]]])  # to each maximum


def test_avg_pool2d_options_hand_computed():
    x = tg.ones(1, 1, 2, 2)
    # padding 1, kernel 2, stride 2: each window holds one 1 and three zeros of padding
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, padding=1).numpy(), np.full((1, 1, 2, 2), 0.25))
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, padding=1, count_include_pad=False).numpy(),
                                  np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(nn.AvgPool2d(2, divisor_override=3)(x * 3).numpy(), [[[[4.0]]]])
    assert nn.AvgPool2d(2, count_include_pad=False, divisor_override=3).divisor_override == 3


def test_pools_1d_unbatched_and_errors():
    x = tg.tensor(RNG.standard_normal((3, 7)).astype(np.float32))
    for layer in (nn.MaxPool1d(2), nn.AvgPool1d(3, 2, 1), nn.AdaptiveAvgPool1d(4), nn.AdaptiveMaxPool1d(2)):
        single = layer(x)
        np.testing.assert_array_equal(single.numpy(), layer(x.unsqueeze(0))[0].numpy())
        assert single.ndim == 2 and single.dtype == tg.float32
    for fn in (lambda t: F.max_pool1d(t, 2), lambda t: F.avg_pool1d(t, 2), lambda t: F.adaptive_avg_pool1d(t, 2),
               lambda t: F.adaptive_max_pool1d(t, 2)):
        with pytest.raises(RuntimeError, match=r"_pool1d: expected \(N, C, L\) or unbatched \(C, L\) input"):
            fn(tg.randn(1, 2, 3, 4))
    with pytest.raises(RuntimeError, match="max_pool1d: input of shape .* is too small"):
        F.max_pool1d(tg.randn(1, 2, 2), 3)
    with pytest.raises(ValueError, match=r"adaptive_avg_pool1d: expected an int or a tuple of 1 int"):
        F.adaptive_avg_pool1d(tg.randn(1, 2, 6), (3, 2))


@pytest.mark.parametrize("options", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 1, "padding": 1},
                                     {"kernel_size": 3, "stride": 2}, {"kernel_size": [2], "stride": (1,)}], ids=str)
def test_pools_1d_match_torch(options):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 9)).astype(np.float32)
    for name in ("MaxPool1d", "AvgPool1d"):
        ours, theirs = getattr(nn, name)(**options), getattr(torch.nn, name)(**options)
        assert repr(ours) == repr(theirs)
        for data in (x, x[0]):
            np.testing.assert_allclose(ours(tg.tensor(data)).numpy(), theirs(torch.tensor(data)).numpy(), rtol=1e-5,
                                       atol=1e-6)
    for size in (1, 3, 4, 9, (5,)):
        for name in ("AdaptiveAvgPool1d", "AdaptiveMaxPool1d"):
            ours, theirs = getattr(nn, name)(size), getattr(torch.nn, name)(size)
            np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-5,
                                       atol=1e-6)


def test_avg_pool_options_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x1, x2 = RNG.standard_normal((2, 3, 9)).astype(np.float32), RNG.standard_normal((2, 3, 7, 6)).astype(np.float32)
    np.testing.assert_allclose(F.avg_pool1d(tg.tensor(x1), 3, 2, 1, count_include_pad=False).numpy(),
                               tf.avg_pool1d(torch.tensor(x1), 3, 2, 1, count_include_pad=False).numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(F.avg_pool2d(tg.tensor(x2), 3, (2, 1), 1, count_include_pad=False).numpy(),
                               tf.avg_pool2d(torch.tensor(x2), 3, (2, 1), 1, count_include_pad=False).numpy(),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(F.avg_pool2d(tg.tensor(x2), 2, divisor_override=3).numpy(),
                               tf.avg_pool2d(torch.tensor(x2), 2, divisor_override=3).numpy(), rtol=1e-5,
                               atol=1e-6)


# ---------------------------------------------------------------- ties: the gradient goes to the first maximum

TIES_1D = [[[2.0, 2.0, 1.0, 3.0, 3.0, 3.0]]]
TIES_2D = [[[[1.0, 3.0, 3.0], [3.0, 1.0, 3.0], [2.0, 3.0, 3.0]]]]
TIE_CASES = [  # (function, input, the gradient of its sum: PyTorch 2.13's, written out)
    (lambda x: F.max_pool1d(x, 2), TIES_1D, [1, 0, 0, 1, 1, 0]),
    (lambda x: F.max_pool1d(x, 3, 1, 1), TIES_1D, [2, 0, 0, 3, 1, 0]),
    (lambda x: F.adaptive_max_pool1d(x, 2), TIES_1D, [1, 0, 0, 1, 0, 0]),
    (lambda x: F.adaptive_max_pool1d(x, 4), TIES_1D, [1, 1, 0, 1, 1, 0]),
    (lambda x: F.adaptive_max_pool2d(x, 1), TIES_2D, [0, 1, 0, 0, 0, 0, 0, 0, 0]),  # the first in reading order
    (lambda x: F.adaptive_max_pool2d(x, 2), TIES_2D, [0, 2, 0, 1, 0, 1, 0, 0, 0]),
    (lambda x: F.adaptive_max_pool2d(x, (2, 1)), TIES_2D, [0, 1, 0, 1, 0, 0, 0, 0, 0]),
]


@pytest.mark.parametrize("case", range(len(TIE_CASES)))
def test_tied_maxima_get_the_whole_gradient_at_the_first(case):
    fn, data, want = TIE_CASES[case]
    x = tg.tensor(data, requires_grad=True)
    fn(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().ravel(), want)


@pytest.mark.parametrize("case", range(len(TIE_CASES)))
def test_tied_maxima_gradients_match_torch(case):
    torch = pytest.importorskip("torch")
    torch_functions = [lambda x: torch.nn.functional.max_pool1d(x, 2),
                       lambda x: torch.nn.functional.max_pool1d(x, 3, 1, 1),
                       lambda x: torch.nn.functional.adaptive_max_pool1d(x, 2),
                       lambda x: torch.nn.functional.adaptive_max_pool1d(x, 4),
                       lambda x: torch.nn.functional.adaptive_max_pool2d(x, 1),
                       lambda x: torch.nn.functional.adaptive_max_pool2d(x, 2),
                       lambda x: torch.nn.functional.adaptive_max_pool2d(x, (2, 1))]
    _, data, want = TIE_CASES[case]
    x = torch.tensor(data, requires_grad=True)
    torch_functions[case](x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().ravel(), want)
