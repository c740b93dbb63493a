"""ConvTranspose1d/2d (F.conv_transpose1d/2d), groups and dilation in the convolutions, ceil_mode in the
max and average pools: PyTorch's signatures, parameters, initialisation, reprs, shapes, values and errors.

Each check against torch (behind importorskip, float64 values and gradients) has a torch-free twin
here with the values written out (they are torch's, and each can be worked by hand); the registry
(tests/registry_nn.py, tests/registry_nn_layers.py) compares every function with a NumPy loop
reference and gradchecks it to second order."""

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(11)


def values_and_grads(fn, arrays, seed):
    """fn's value on float64 leaves, and each leaf's gradient of sum(value * seed)."""
    leaves = [tg.tensor(a, dtype=tg.float64, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    (out * tg.tensor(seed)).sum().backward()
    return out.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def torch_values_and_grads(fn, arrays, seed):
    torch = pytest.importorskip("torch")
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    (out * torch.tensor(seed)).sum().backward()
    return out.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def assert_same_as_torch(name, shapes, **options):
    """F.<name> and torch.nn.functional.<name> on the same float64 arrays: shapes, values and gradients."""
    torch = pytest.importorskip("torch")
    arrays = [RNG.standard_normal(shape) for shape in shapes]
    expected = getattr(torch.nn.functional, name)(*(torch.tensor(a) for a in arrays), **options)
    seed = RNG.standard_normal(tuple(expected.shape))
    theirs, their_grads = torch_values_and_grads(lambda *xs: getattr(torch.nn.functional, name)(*xs, **options),
                                                 arrays, seed)
    ours, our_grads = values_and_grads(lambda *xs: getattr(F, name)(*xs, **options), arrays, seed)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
    for mine, its in zip(our_grads, their_grads):
        np.testing.assert_allclose(mine, its, rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------- transposed convolutions

X22 = [[[[1.0, 2.0], [3.0, 4.0]]]]
W_DIGITS = [[[[1.0, 10.0], [100.0, 1000.0]]]]  # each output digit says which kernel offset put it there


def test_conv_transpose2d_values_written_out():
    """Each input element stamps the kernel, times itself, at (i*stride - padding, j*stride - padding)."""
    x = tg.tensor(X22)
    np.testing.assert_array_equal(F.conv_transpose2d(x, tg.ones(1, 1, 2, 2), stride=2).numpy()[0, 0],
                                  [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    np.testing.assert_array_equal(F.conv_transpose2d(x, tg.tensor(W_DIGITS)).numpy()[0, 0],
                                  [[1, 12, 20], [103, 1234, 2040], [300, 3400, 4000]])
    # padding crops one from each side, output_padding adds a row and a column at the end
    np.testing.assert_array_equal(
        F.conv_transpose2d(x, tg.tensor(W_DIGITS), stride=2, padding=1, output_padding=1).numpy()[0, 0],
        [[1000, 200, 2000], [30, 4, 40], [3000, 400, 4000]])
    bias = F.conv_transpose2d(x, tg.ones(1, 2, 1, 1), tg.tensor([0.5, -1.0]))
    np.testing.assert_array_equal(bias.numpy()[0], [[[1.5, 2.5], [3.5, 4.5]], [[0, 1], [2, 3]]])


def test_conv_transpose2d_matches_torch_written_out_cases():
    x, w = np.array(X22), np.array(W_DIGITS)
    torch = pytest.importorskip("torch")
    for options in ({"stride": 2}, {}, {"stride": 2, "padding": 1, "output_padding": 1}):
        np.testing.assert_array_equal(F.conv_transpose2d(tg.tensor(x), tg.tensor(w), **options).numpy(),
                                      torch.nn.functional.conv_transpose2d(torch.tensor(x), torch.tensor(w),
                                                                           **options).numpy())


def test_conv_transpose2d_is_conv2ds_input_gradient():
    """The adjoint, torch-free: <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for every x, y."""
    for stride, padding, dilation, groups in [(1, 0, 1, 1), (2, 1, 1, 1), ((2, 3), (1, 0), (2, 1), 2)]:
        x, w = RNG.standard_normal((2, 4, 9, 8)), RNG.standard_normal((6, 4 // groups, 3, 2))
        options = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        y = F.conv2d(tg.tensor(x), tg.tensor(w), **options).numpy()
        other = RNG.standard_normal(y.shape)
        back = F.conv_transpose2d(tg.tensor(other), tg.tensor(w), **options)
        # output_padding: the rows a strided conv2d never read come back as zeros, so x's size is reached
        out_h, out_w = back.shape[2:]
        assert np.sum(y * other) == pytest.approx(np.sum(x[:, :, :out_h, :out_w] * back.numpy()), rel=1e-12)


@pytest.mark.parametrize("shapes, options", [
    ([(2, 4, 3, 5), (4, 3, 4, 4)], {"stride": 2, "padding": 1}),
    ([(2, 4, 3, 5), (4, 3, 4, 3), (6,)], {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2), "groups": 2,
                                          "dilation": (1, 2)}),
    ([(2, 4, 1, 1), (4, 3, 4, 4)], {}),  # DCGAN's first layer: a vector to a 4x4 image
    ([(4, 3, 5), (4, 3, 3, 3), (3,)], {"stride": 2}),  # unbatched
])
def test_conv_transpose2d_matches_torch(shapes, options):
    assert_same_as_torch("conv_transpose2d", shapes, **options)


def test_conv_transpose1d_values_and_torch():
    x, w = tg.tensor([[[1.0, 2.0, 3.0]]]), tg.tensor([[[1.0, 10.0]]])
    np.testing.assert_array_equal(F.conv_transpose1d(x, w).numpy()[0, 0], [1, 12, 23, 30])
    np.testing.assert_array_equal(F.conv_transpose1d(x, w, stride=2).numpy()[0, 0], [1, 10, 2, 20, 3, 30])
    np.testing.assert_array_equal(F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1).numpy()[0, 0],
                                  [10, 2, 20, 3, 30])
    assert_same_as_torch("conv_transpose1d", [(2, 4, 5), (4, 3, 3), (6,)], stride=2, padding=1, output_padding=1,
                         groups=2, dilation=2)
    assert_same_as_torch("conv_transpose1d", [(4, 5), (4, 3, 3)], stride=3)


def test_dcgan_generator_shapes_and_parameters():
    """The DCGAN tutorial's generator: a (N, nz, 1, 1) noise vector grows to a 64x64 image."""
    nz, ngf = 8, 4
    generator = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh())
    image = generator(tg.randn(2, nz, 1, 1))
    assert image.shape == (2, 3, 64, 64) and image.dtype == tg.float32
    assert generator[0].weight.shape == (nz, ngf * 8, 4, 4)  # (in, out/groups, kh, kw)
    assert image.grad_fn.name() == "TanhBackward0" and generator[12](tg.randn(1, ngf, 2, 2)).grad_fn.name() == \
        "ConvolutionBackward0"
    image.sum().backward()
    assert generator[0].weight.grad.shape == (nz, ngf * 8, 4, 4)


def test_conv_transpose_modules_repr_state_dict_and_init():
    assert repr(nn.ConvTranspose2d(100, 512, 4, 1, 0, bias=False)) == \
        "ConvTranspose2d(100, 512, kernel_size=(4, 4), stride=(1, 1), bias=False)"
    assert repr(nn.ConvTranspose2d(4, 6, (3, 2), (2, 1), 1, (1, 0), 2, True, 2)) == (
        "ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(2, 2), "
        "output_padding=(1, 0), groups=2)")
    assert repr(nn.ConvTranspose1d(4, 2, 3)) == "ConvTranspose1d(4, 2, kernel_size=(3,), stride=(1,))"
    layer = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert list(layer.state_dict()) == ["weight", "bias"] and layer.weight.shape == (4, 3, 3, 3)
    assert nn.ConvTranspose1d(2, 3, 4).weight.shape == (2, 3, 4)
    # PyTorch's init: bound 1/sqrt(fan_in), fan_in from the weight's dim 1: out_channels/groups * kh * kw
    tg.manual_seed(0)
    layer = nn.ConvTranspose2d(64, 2, 4)
    bound = 1 / math.sqrt(2 * 16)
    for parameter in (layer.weight, layer.bias):
        assert np.abs(parameter.detach().numpy()).max() <= bound
    assert np.abs(layer.weight.detach().numpy()).max() > 0.95 * bound  # 2048 draws reach near the bound
    assert np.abs(layer.weight.detach().numpy()).max() > 1 / math.sqrt(64 * 16)  # not in_channels' fan


def test_conv_transpose_modules_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs, shape in [(nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, groups=2), torch.nn.ConvTranspose2d(
            4, 6, 3, 2, 1, 1, groups=2), (2, 4, 5, 3)), (nn.ConvTranspose1d(3, 2, 4, 2, 1, bias=False),
                                                          torch.nn.ConvTranspose1d(3, 2, 4, 2, 1, bias=False),
                                                          (2, 3, 6))]:
        assert repr(ours) == repr(theirs)
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        ours.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
        x = RNG.standard_normal(shape).astype(np.float32)
        np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
    # the init's spread: torch's bound for this layer is 1/sqrt(6 * 9) for weight and bias alike
    torch.manual_seed(0)
    assert torch.nn.ConvTranspose2d(64, 6, 3).weight.abs().max().item() <= 1 / math.sqrt(6 * 9)


def test_conv_transpose_errors_are_pytorchs():
    with pytest.raises(ValueError, match="ConvTranspose2d: in_channels must be divisible by groups"):
        nn.ConvTranspose2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="ConvTranspose2d: padding must be an int"):
        nn.ConvTranspose2d(4, 6, 3, padding="same")
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: input \(1, 3, 2, 2\) and weight \(4, 2, 3, 3\) do not "
                                           r"fit .*\(C, out_channels/groups, kh, kw\)"):
        F.conv_transpose2d(tg.ones(1, 3, 2, 2), tg.ones(4, 2, 3, 3))
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or dilation"):
        F.conv_transpose2d(tg.ones(1, 4, 2, 2), tg.ones(4, 2, 3, 3), stride=2, output_padding=2)
    with pytest.raises(NotImplementedError, match=r"output_padding \(1, 1\) not smaller than the stride"):
        F.conv_transpose2d(tg.ones(1, 4, 2, 2), tg.ones(4, 2, 3, 3), output_padding=1, dilation=2)
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: the output size would be \(-1, -1\)"):
        F.conv_transpose2d(tg.ones(1, 4, 1, 1), tg.ones(4, 2, 1, 1), padding=1)
    with pytest.raises(RuntimeError, match=r"the bias has shape \(2,\) .* needs shape \(4,\)"):
        F.conv_transpose2d(tg.ones(1, 4, 2, 2), tg.ones(4, 2, 3, 3), tg.ones(2), groups=2)
    with pytest.raises(NotImplementedError, match="ConvTranspose2d: output_size is not supported"):
        nn.ConvTranspose2d(4, 2, 3, 2)(tg.ones(1, 4, 2, 2), output_size=(6, 6))


# ---------------------------------------------------------------- groups and dilation

def test_dilation_and_groups_values_written_out():
    # dilation 2: the kernel's taps are two apart, (0, 2, 4), (1, 3, 5), ...
    ramp = tg.arange(8.0).reshape(1, 1, 8)
    np.testing.assert_array_equal(F.conv1d(ramp, tg.tensor([[[1.0, 10.0, 100.0]]]), dilation=2).numpy()[0, 0],
                                  [420, 531, 642, 753])
    # groups 2: channel 0 through the first filter only, channel 1 through the second
    x = tg.arange(8.0).reshape(1, 2, 4)
    np.testing.assert_array_equal(F.conv1d(x, tg.tensor([[[1.0, 10.0]], [[100.0, 1000.0]]]), groups=2).numpy()[0],
                                  [[10, 21, 32], [5400, 6500, 7600]])
    # depthwise 2-D (groups == channels): each channel with its own 2x2 kernel
    image = tg.arange(18.0).reshape(1, 2, 3, 3)
    kernels = tg.tensor([[[[1.0, 0.0], [0.0, 0.0]]], [[[0.0, 0.0], [0.0, 1.0]]]])  # top-left, bottom-right
    np.testing.assert_array_equal(F.conv2d(image, kernels, groups=2).numpy()[0],
                                  [[[0, 1], [3, 4]], [[13, 14], [16, 17]]])
    # 'same' with dilation: reach 2*(3-1)+1 = 5, two zeros each side
    assert F.conv2d(tg.ones(1, 1, 4, 6), tg.ones(1, 1, 3, 3), padding="same", dilation=2).shape == (1, 1, 4, 6)
    np.testing.assert_array_equal(F.conv1d(tg.ones(1, 1, 5), tg.ones(1, 1, 2), padding="same", dilation=3).numpy(),
                                  [[[1, 2, 2, 1, 1]]])  # reach 4: one zero before, two after


@pytest.mark.parametrize("name, shapes, options", [
    ("conv2d", [(2, 4, 7, 6), (6, 2, 3, 2), (6,)], {"stride": (2, 1), "padding": 1, "dilation": (2, 1), "groups": 2}),
    ("conv2d", [(2, 4, 7, 6), (4, 1, 3, 3), (4,)], {"padding": 2, "dilation": 2, "groups": 4}),  # depthwise
    ("conv2d", [(2, 4, 7, 6), (8, 1, 3, 3)], {"padding": 1, "groups": 4}),  # depthwise, two filters per channel
    ("conv2d", [(2, 4, 7, 6), (6, 4, 2, 3)], {"padding": "same", "dilation": (3, 2)}),
    ("conv2d", [(4, 7, 6), (6, 2, 3, 3), (6,)], {"stride": 2, "dilation": 2, "groups": 2}),  # unbatched
    ("conv1d", [(2, 4, 9), (6, 2, 3), (6,)], {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
    ("conv1d", [(4, 9), (4, 1, 4)], {"padding": "same", "dilation": 2, "groups": 4}),
])
@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")  # torch's note on its own copy
def test_grouped_and_dilated_convolutions_match_torch(name, shapes, options):
    assert_same_as_torch(name, shapes, **options)


def test_conv_modules_with_groups_and_dilation():
    layer = nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=4)
    assert repr(layer) == "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(2, 2), dilation=(2, 2), groups=4)"
    assert layer.weight.shape == (8, 1, 3, 3) and layer(tg.ones(2, 4, 5, 5)).shape == (2, 8, 5, 5)
    assert repr(nn.Conv1d(4, 8, 3, 1, 0, 3, 2, False)) == \
        "Conv1d(4, 8, kernel_size=(3,), stride=(1,), dilation=(3,), groups=2, bias=False)"
    # the bound is 1/sqrt(in_channels/groups * k): 1/sqrt(3) here, not 1/sqrt(12)
    tg.manual_seed(0)
    depthwise = nn.Conv1d(4, 64, 3, groups=4)
    assert 0.9 / math.sqrt(3) < np.abs(depthwise.weight.detach().numpy()).max() <= 1 / math.sqrt(3)
    assert np.abs(depthwise.bias.detach().numpy()).max() > 1 / math.sqrt(12)
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=4)
    assert repr(layer) == repr(theirs)
    layer.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
    x = RNG.standard_normal((2, 4, 5, 6)).astype(np.float32)
    np.testing.assert_allclose(layer(tg.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_grouped_conv_errors():
    with pytest.raises(RuntimeError, match="conv2d: non-positive groups is not supported"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(2, 2, 3, 3), groups=0)
    with pytest.raises(RuntimeError, match=r"conv2d: stride should be greater than zero, got stride \(0, 0\)"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(2, 2, 3, 3), stride=0)
    with pytest.raises(RuntimeError, match=r"conv2d: the kernel \(3, 3\) \(dilation \(3, 3\)\) is larger"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(2, 2, 3, 3), dilation=3)  # it spans 7
    with pytest.raises(RuntimeError, match=r"the bias has shape \(3,\)"):
        F.conv2d(tg.ones(1, 2, 5, 5), tg.ones(4, 1, 3, 3), tg.ones(3), groups=2)


# ---------------------------------------------------------------- ceil_mode

CEIL_CASES = [  # (function, input, options, torch's output, written out)
    (F.max_pool1d, [1, 2, 3, 4, 5, 6], {"kernel_size": 2, "stride": 2}, [2, 4, 6]),  # nothing left over
    (F.max_pool1d, [1, 2, 3, 4, 5], {"kernel_size": 2}, [2, 4, 5]),  # the last window is [5] alone
    (F.max_pool1d, [1, 2, 3, 4, 5], {"kernel_size": 2, "stride": 3, "padding": 1}, [1, 4]),  # would start at 6 > 5+1
    (F.avg_pool1d, [1, 2, 3, 4, 5], {"kernel_size": 2}, [1.5, 3.5, 5]),  # divided by the 1 element inside
    (F.avg_pool1d, [1, 2, 3, 4, 5, 6], {"kernel_size": 3, "stride": 2, "padding": 1}, [1, 3, 5, 3]),  # 6 / (7 - 5)
    (F.avg_pool1d, [1, 2, 3, 4, 5, 6], {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
     [1.5, 3, 5, 6]),
    (F.avg_pool1d, [1, 2, 3, 4, 5], {"kernel_size": 2, "stride": 3, "padding": 1}, [0.5, 3.5]),
]


@pytest.mark.parametrize("function, x, options, expected", CEIL_CASES)
def test_ceil_mode_values_written_out(function, x, options, expected):
    np.testing.assert_array_equal(function(tg.tensor([x], dtype=tg.float32), ceil_mode=True, **options).numpy()[0],
                                  expected)


@pytest.mark.parametrize("function, x, options, expected", CEIL_CASES)
def test_ceil_mode_written_values_are_torchs(function, x, options, expected):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn.functional, function.__name__)(torch.tensor([x], dtype=torch.float64), ceil_mode=True,
                                                             **options)
    np.testing.assert_array_equal(theirs.numpy()[0], expected)


def test_ceil_mode_in_2d_and_modules():
    image = tg.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(F.avg_pool2d(image, 2, ceil_mode=True).numpy()[0, 0], [[3, 4.5], [7.5, 9]])
    np.testing.assert_array_equal(nn.MaxPool2d(2, ceil_mode=True)(image).numpy()[0, 0], [[5, 6], [8, 9]])
    np.testing.assert_array_equal(nn.AvgPool2d(2, ceil_mode=True, divisor_override=2)(image).numpy()[0, 0],
                                  [[6, 4.5], [7.5, 4.5]])
    np.testing.assert_array_equal(nn.AvgPool1d(2, ceil_mode=True)(tg.tensor([[1.0, 2.0, 3.0]])).numpy(), [[1.5, 3]])
    np.testing.assert_array_equal(nn.MaxPool1d(2, ceil_mode=True)(tg.tensor([[1.0, 2.0, 3.0]])).numpy(), [[2, 3]])
    # the gradient of a partial window goes to its maximum, as any other
    x = tg.tensor([[[1.0, 2.0, 3.0]]], requires_grad=True)
    F.max_pool1d(x, 2, ceil_mode=True).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0, 1, 1]]])
    assert repr(nn.MaxPool2d(3, 2, ceil_mode=True)) == \
        "MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)"
    assert repr(nn.AvgPool2d(3, 2, ceil_mode=True)) == "AvgPool2d(kernel_size=3, stride=2, padding=0)"  # as torch's


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 2, 1), (2, 3, 1), (3, 3, 1), (3, 1, 1)])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_ceil_mode_pools_match_torch(name, kernel, stride, padding, count_include_pad):
    options = {"kernel_size": kernel, "stride": stride, "padding": padding, "ceil_mode": True}
    if name == "avg_pool2d":
        options["count_include_pad"] = count_include_pad
    elif not count_include_pad:
        pytest.skip("max pools have no count_include_pad")
    for size in (4, 5, 6, 7):
        assert_same_as_torch(name, [(2, 3, size, size + 1)], **options)
