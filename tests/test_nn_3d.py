"""The 3-D layers: Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d,
MaxUnpool3d, BatchNorm3d, InstanceNorm3d and their F. forms: PyTorch's signatures, reprs, state_dict keys,
initialisation, values, gradients, indices, corners and errors.

Each check against torch (behind importorskip) has a torch-free twin: expected values written out, or
NumPy loops (the references of tests/registry_nn_3d.py, whose registry entries also gradcheck and
gradgradcheck every function)."""

import math

import numpy as np
import pytest
from registry_nn_3d import np_adaptive3d, np_avg_pool3d, np_conv3d, np_conv_transpose3d, np_max_pool3d

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(3)
X = RNG.standard_normal((2, 4, 5, 6, 7))  # (N, C, D, H, W)


def leaf(array):
    return tg.tensor(array, dtype=tg.float64, requires_grad=True)


# ---------------------------------------------------------------- modules: reprs, keys, initialisation

MODULES = [  # (constructor arguments as source, torch 2.13's repr, its state_dict keys with their shapes)
    ("Conv3d(2, 4, 3)", "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))",
     [("weight", (4, 2, 3, 3, 3)), ("bias", (4,))]),
    ("Conv3d(2, 4, (1, 2, 3), stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode='reflect')",
     "Conv3d(2, 4, kernel_size=(1, 2, 3), stride=(2, 2, 2), padding=(1, 1, 1), dilation=(2, 2, 2), groups=2, "
     "bias=False, padding_mode=reflect)", [("weight", (4, 1, 1, 2, 3))]),
    ("Conv3d(2, 4, 3, padding='same')", "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same)",
     [("weight", (4, 2, 3, 3, 3)), ("bias", (4,))]),
    ("ConvTranspose3d(2, 4, 3, stride=2, output_padding=1, groups=2)",
     "ConvTranspose3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2), output_padding=(1, 1, 1), groups=2)",
     [("weight", (2, 2, 3, 3, 3)), ("bias", (4,))]),
    ("MaxPool3d(2)", "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", []),
    ("MaxPool3d((1, 2, 3), stride=1, ceil_mode=True, return_indices=True)",
     "MaxPool3d(kernel_size=(1, 2, 3), stride=1, padding=0, dilation=1, ceil_mode=True)", []),
    ("AvgPool3d(2)", "AvgPool3d(kernel_size=2, stride=2, padding=0)", []),
    ("AvgPool3d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2)",
     "AvgPool3d(kernel_size=3, stride=2, padding=1)", []),
    ("AdaptiveAvgPool3d(2)", "AdaptiveAvgPool3d(output_size=2)", []),
    ("AdaptiveMaxPool3d((1, None, 2), return_indices=True)", "AdaptiveMaxPool3d(output_size=(1, None, 2))", []),
    ("MaxUnpool3d(2)", "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))", []),
    ("BatchNorm3d(3)", "BatchNorm3d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
     [("weight", (3,)), ("bias", (3,)), ("running_mean", (3,)), ("running_var", (3,)), ("num_batches_tracked", ())]),
    ("InstanceNorm3d(3)",
     "InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)", []),
    ("InstanceNorm3d(3, affine=True, track_running_stats=True)",
     "InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
     [("weight", (3,)), ("bias", (3,)), ("running_mean", (3,)), ("running_var", (3,)), ("num_batches_tracked", ())]),
]


def keys_and_shapes(module):
    return [(key, tuple(value.shape)) for key, value in module.state_dict().items()]


@pytest.mark.parametrize("source, text, keys", MODULES)
def test_modules_print_and_save_as_pytorch(source, text, keys):
    module = eval("nn." + source)  # noqa: S307  (our own source strings)
    assert repr(module) == text
    assert keys_and_shapes(module) == keys


@pytest.mark.parametrize("source, text, keys", MODULES)
def test_modules_print_and_save_as_torch(source, text, keys):
    torch = pytest.importorskip("torch")
    theirs = eval("torch.nn." + source, {"torch": torch})  # noqa: S307
    assert repr(theirs) == text and keys_and_shapes(theirs) == keys  # the written-out expectations are torch's


def test_conv3d_initialisation_is_kaiming_uniform_with_pytorchs_fan_in():
    tg.manual_seed(0)
    for conv, fan_in in ((nn.Conv3d(4, 8, (2, 3, 4), groups=2), 2 * 24), (nn.ConvTranspose3d(4, 8, (2, 3, 4)), 8 * 24)):
        bound = 1 / math.sqrt(fan_in)
        for parameter in (conv.weight, conv.bias):
            values = parameter.detach().numpy()
            assert parameter.dtype == tg.float32
            assert np.abs(values).max() <= bound and np.abs(values).max() > 0.7 * bound


def test_conv3d_initialisation_bound_is_torchs():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    conv = torch.nn.Conv3d(4, 8, (2, 3, 4), groups=2)
    assert conv.weight.abs().max().item() <= 1 / math.sqrt(2 * 24) < 1.3 * conv.weight.abs().max().item()


# ---------------------------------------------------------------- values and gradients against NumPy and torch

def conv3d_case(options, c_out=8):
    groups = options.get("groups", 1)
    return X, RNG.standard_normal((c_out, 4 // groups, 2, 3, 2)), RNG.standard_normal(c_out)


CONV3D = [{"stride": 1, "padding": 0, "dilation": 1, "groups": 1},
          {"stride": 2, "padding": 1, "dilation": 1, "groups": 1},
          {"stride": (1, 2, 3), "padding": (0, 1, 2), "dilation": (2, 1, 2), "groups": 2},
          {"stride": 1, "padding": (1, 0, 1), "dilation": 1, "groups": 4}]


def as_triples(options):
    """The options with each size as a tuple of three (what the NumPy references take); groups stays."""
    return {key: value if isinstance(value, tuple) or key == "groups" else (value,) * 3
            for key, value in options.items()}


@pytest.mark.parametrize("options", CONV3D)
def test_conv3d_matches_a_numpy_loop(options):
    x, w, b = conv3d_case(options)
    got = F.conv3d(tg.tensor(x), tg.tensor(w), tg.tensor(b), **options).numpy()
    np.testing.assert_allclose(got, np_conv3d(x, w, b, **as_triples(options)), rtol=1e-10, atol=1e-10)


def assert_matches_torch(name, arrays, **options):
    """F.<name> and torch's: values (and indices) and the inputs' gradients for a random output gradient."""
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn.functional, name)
    out = theirs(*map(torch.tensor, arrays), **options)
    g = RNG.standard_normal(tuple((out[0] if isinstance(out, tuple) else out).shape))
    assert_same(our_grads(getattr(F, name), arrays, g, **options), torch_grads(torch, theirs, arrays, g, **options))


def torch_grads(torch, fn, arrays, g, **options):
    """fn's value and its inputs' gradients for the output gradient g, in torch (float64)."""
    inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*inputs, **options)
    values = out[0] if isinstance(out, tuple) else out
    values.backward(torch.tensor(g))
    return out, [t.grad.numpy() for t in inputs]


def our_grads(fn, arrays, g, **options):
    inputs = [leaf(a) for a in arrays]
    out = fn(*inputs, **options)
    values = out[0] if isinstance(out, tuple) else out
    values.backward(tg.tensor(g))
    return out, [t.grad.numpy() for t in inputs]


def assert_same(ours, theirs):
    """Values (and indices) and gradients equal to rounding."""
    (out, grads), (want, want_grads) = ours, theirs
    if isinstance(want, tuple):
        np.testing.assert_array_equal(out[1].numpy(), want[1].numpy())
        out, want = out[0], want[0]
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-10)
    for got, expected in zip(grads, want_grads):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's, about its own copy of the input
@pytest.mark.parametrize("options", CONV3D + [{"padding": "same", "dilation": (1, 2, 1)}, {"padding": "valid"}])
def test_conv3d_values_and_gradients_match_torch(options):
    assert_matches_torch("conv3d", conv3d_case(options), **options)


def test_conv3d_same_padding_with_an_even_reach_pads_the_extra_zero_after():
    """dilation * (kernel - 1) odd: one zero more after than before, along each such dim (PyTorch's rule)."""
    x, w, b = X[:1], RNG.standard_normal((3, 4, 2, 3, 2)), RNG.standard_normal(3)
    got = F.conv3d(tg.tensor(x), tg.tensor(w), tg.tensor(b), padding="same").numpy()
    padded = np.pad(x, ((0, 0), (0, 0), (0, 1), (1, 1), (0, 1)))
    np.testing.assert_allclose(got, np_conv3d(padded, w, b, (1, 1, 1), (0, 0, 0), (1, 1, 1), 1), rtol=1e-10)
    assert got.shape == (1, 3, 5, 6, 7)


TRANSPOSED = [{"stride": 1, "padding": 0, "output_padding": 0, "groups": 1, "dilation": 1},
              {"stride": 2, "padding": 1, "output_padding": 1, "groups": 1, "dilation": 1},
              {"stride": (1, 2, 3), "padding": (0, 1, 1), "output_padding": (0, 1, 2), "groups": 2,
               "dilation": (2, 1, 1)}]


def transposed_case(options):
    return X, RNG.standard_normal((4, 6 // options["groups"], 2, 3, 2)), RNG.standard_normal(6)


@pytest.mark.parametrize("options", TRANSPOSED)
def test_conv_transpose3d_matches_a_numpy_loop(options):
    x, w, b = transposed_case(options)
    got = F.conv_transpose3d(tg.tensor(x), tg.tensor(w), tg.tensor(b), **options).numpy()
    np.testing.assert_allclose(got, np_conv_transpose3d(x, w, b, **as_triples(options)), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("options", TRANSPOSED)
def test_conv_transpose3d_values_and_gradients_match_torch(options):
    assert_matches_torch("conv_transpose3d", transposed_case(options), **options)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv3d_module_pads_in_its_padding_mode(mode):
    conv = nn.Conv3d(4, 2, 3, padding=1, padding_mode=mode, dtype=tg.float64)
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    numpy_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    padded = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1), (1, 1)), mode=numpy_mode)
    np.testing.assert_allclose(conv(tg.tensor(X)).detach().numpy(),
                               np_conv3d(padded, w, b, (1, 1, 1), (0, 0, 0), (1, 1, 1), 1), rtol=1e-10)


def test_conv3d_and_conv_transpose3d_modules_match_torch_with_its_weights():
    torch = pytest.importorskip("torch")
    for ours, theirs in ((nn.Conv3d(4, 6, (2, 3, 2), stride=(1, 2, 1), padding=1, groups=2, padding_mode="circular"),
                          torch.nn.Conv3d(4, 6, (2, 3, 2), stride=(1, 2, 1), padding=1, groups=2,
                                          padding_mode="circular")),
                         (nn.ConvTranspose3d(4, 6, 3, stride=2, padding=1, output_padding=1),
                          torch.nn.ConvTranspose3d(4, 6, 3, stride=2, padding=1, output_padding=1))):
        ours.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
        x = X.astype(np.float32)
        np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-4, atol=1e-5)
        unbatched = ours(tg.tensor(x[0])).detach().numpy()  # (C, D, H, W), as PyTorch accepts
        np.testing.assert_allclose(unbatched, theirs(torch.tensor(x[0])).detach().numpy(), rtol=1e-4, atol=1e-5)


MAX_POOL = [{"kernel_size": 2}, {"kernel_size": (2, 3, 2), "stride": (1, 2, 1), "padding": (1, 1, 0),
                                 "dilation": (1, 1, 2), "ceil_mode": True},
            {"kernel_size": 3, "stride": 2, "ceil_mode": True}, {"kernel_size": 2, "padding": 1, "stride": 1}]


@pytest.mark.parametrize("options", [
    {"kernel_size": 2, "stride": None, "padding": 0, "dilation": 1, "ceil_mode": False},
    {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil_mode": True},
    {"kernel_size": 2, "stride": 1, "padding": 1, "dilation": 2, "ceil_mode": False}])
def test_max_pool3d_matches_a_numpy_loop(options):
    np.testing.assert_array_equal(F.max_pool3d(tg.tensor(X), **options).numpy(), np_max_pool3d(X, **options))


@pytest.mark.parametrize("options", MAX_POOL)
def test_max_pool3d_values_indices_and_gradients_match_torch(options):
    assert_matches_torch("max_pool3d", [X], return_indices=True, **options)


# A (1, 1, 2, 2, 4) volume whose 2x2x2 windows tie: the left window is all 1s, the right one holds its 5 twice.
TIES = np.array([[[[[1, 1, 0, 5], [1, 1, 5, 0]], [[1, 1, 0, 0], [1, 1, 5, 0]]]]], dtype=np.float64)


def test_max_pool3d_ties_give_the_first_maximum_its_index_and_gradient():
    x = leaf(TIES)
    values, indices = F.max_pool3d(x, 2, return_indices=True)
    np.testing.assert_array_equal(values.detach().numpy().reshape(-1), [1, 5])
    np.testing.assert_array_equal(indices.numpy().reshape(-1), [0, 3])  # (depth * H + row) * W + column
    values.backward(tg.tensor([[[[[2.0, 3.0]]]]], dtype=tg.float64))
    expected = np.zeros(16)
    expected[[0, 3]] = [2, 3]
    np.testing.assert_array_equal(x.grad.numpy().reshape(-1), expected)
    assert values.grad_fn.name() == "MaxPool3DWithIndicesBackward0"


def test_adaptive_max_pool3d_ties_give_the_first_maximum_in_reading_order():
    x = leaf(TIES)
    values, indices = F.adaptive_max_pool3d(x, (1, 1, 2), return_indices=True)
    np.testing.assert_array_equal(indices.numpy().reshape(-1), [0, 3])
    values.sum().backward()
    np.testing.assert_array_equal(np.flatnonzero(x.grad.numpy()), [0, 3])


def test_ties_match_torch():
    torch = pytest.importorskip("torch")
    for pool in (lambda f, x: f.max_pool3d(x, 2, return_indices=True),
                 lambda f, x: f.adaptive_max_pool3d(x, (1, 1, 2), return_indices=True)):
        x = torch.tensor(TIES, requires_grad=True)
        values, indices = pool(torch.nn.functional, x)
        values.sum().backward()
        np.testing.assert_array_equal(indices.numpy().reshape(-1), [0, 3])  # the written-out expectation is torch's
        np.testing.assert_array_equal(np.flatnonzero(x.grad.numpy()), [0, 3])


AVG_POOL = [{"kernel_size": (2, 2, 2), "stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
             "divisor_override": None},
            {"kernel_size": (2, 3, 2), "stride": (1, 2, 1), "padding": (1, 1, 0), "ceil_mode": True,
             "count_include_pad": True, "divisor_override": None},
            {"kernel_size": (3, 3, 3), "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False,
             "divisor_override": None},
            {"kernel_size": (2, 2, 2), "stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
             "divisor_override": 3}]


@pytest.mark.parametrize("options", AVG_POOL)
def test_avg_pool3d_matches_a_numpy_loop(options):
    expanded = dict(options, padding=as_triples(options)["padding"])
    np.testing.assert_allclose(F.avg_pool3d(tg.tensor(X), **options).numpy(), np_avg_pool3d(X, **expanded),
                               rtol=1e-12)


@pytest.mark.parametrize("options", AVG_POOL)
def test_avg_pool3d_values_and_gradients_match_torch(options):
    assert_matches_torch("avg_pool3d", [X], **options)


@pytest.mark.parametrize("size", [2, (3, None, 4), 1, (5, 6, 7), (4, 4, 9)])
def test_adaptive_pools_match_numpy_loops(size):
    for ours, reduce in ((F.adaptive_avg_pool3d, np.mean), (F.adaptive_max_pool3d, np.max)):
        np.testing.assert_allclose(ours(tg.tensor(X), size).numpy(), np_adaptive3d(reduce)(X, size), rtol=1e-12)


@pytest.mark.parametrize("size", [2, (3, None, 4), 1, (5, 6, 7), (4, 4, 9)])
def test_adaptive_pools_match_torch(size):
    assert_matches_torch("adaptive_avg_pool3d", [X], output_size=size)
    assert_matches_torch("adaptive_max_pool3d", [X], output_size=size, return_indices=True)


def test_max_unpool3d_puts_each_maximum_back():
    x = tg.tensor(X)
    values, indices = nn.MaxPool3d(2, return_indices=True)(x)
    out = nn.MaxUnpool3d(2)(values, indices, output_size=X.shape[2:]).numpy()
    assert out.shape == X.shape
    kept = out != 0
    np.testing.assert_array_equal(out[kept], X[kept])  # the maxima, where they were
    assert kept.sum() == values.numel()
    pooled = np_max_pool3d(X, 2, None, 0, 1, False)
    np.testing.assert_array_equal(np.sort(out[kept]), np.sort(pooled.reshape(-1)))
    unbatched = F.max_unpool3d(values[0], indices[0], 2, output_size=X.shape[2:])
    np.testing.assert_array_equal(unbatched.numpy(), out[0])


def test_max_unpool3d_matches_torch():
    torch = pytest.importorskip("torch")
    values, indices = torch.nn.functional.max_pool3d(torch.tensor(X), 2, stride=1, return_indices=True)
    g = RNG.standard_normal(X.shape)
    ours = our_grads(lambda v: F.max_unpool3d(v, tg.tensor(indices.numpy()), 2, stride=1), [values.numpy()], g)
    theirs = torch_grads(torch, lambda v: torch.nn.functional.max_unpool3d(v, indices, 2, stride=1), [values.numpy()],
                         g)
    assert_same(ours, theirs)
    assert ours[0].grad_fn.name() == "MaxUnpool3DBackward0" == theirs[0].grad_fn.name()


# ---------------------------------------------------------------- norms

def test_batch_norm3d_trains_and_evaluates_by_pytorchs_rule():
    norm = nn.BatchNorm3d(4, dtype=tg.float64)
    y = norm(tg.tensor(X)).detach().numpy()
    mean, var = X.mean(axis=(0, 2, 3, 4)), X.var(axis=(0, 2, 3, 4))
    np.testing.assert_allclose(y, (X - mean.reshape(1, -1, 1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1, 1) + 1e-5),
                               rtol=1e-10)
    count = X.size // 4
    np.testing.assert_allclose(norm.running_mean.numpy(), 0.1 * mean, rtol=1e-10)
    np.testing.assert_allclose(norm.running_var.numpy(), 0.9 + 0.1 * var * count / (count - 1), rtol=1e-10)
    assert int(norm.num_batches_tracked.item()) == 1
    norm.eval()
    expected = (X - norm.running_mean.numpy().reshape(1, -1, 1, 1, 1)) / np.sqrt(
        norm.running_var.numpy().reshape(1, -1, 1, 1, 1) + 1e-5)
    np.testing.assert_allclose(norm(tg.tensor(X)).detach().numpy(), expected, rtol=1e-10)


def test_instance_norm3d_normalises_each_volume_batched_or_not():
    norm = nn.InstanceNorm3d(4)
    y = norm(tg.tensor(X)).numpy()
    mean, var = X.mean(axis=(2, 3, 4), keepdims=True), X.var(axis=(2, 3, 4), keepdims=True)
    np.testing.assert_allclose(y, (X - mean) / np.sqrt(var + 1e-5), rtol=1e-10)
    np.testing.assert_allclose(norm(tg.tensor(X[0])).numpy(), y[0], rtol=1e-10)


def test_norms_match_torch():
    torch = pytest.importorskip("torch")
    for make in (lambda m: m.BatchNorm3d(4), lambda m: m.InstanceNorm3d(4, affine=True, track_running_stats=True)):
        ours, theirs = make(nn), make(torch.nn).double()
        ours.load_state_dict({key: value.numpy() for key, value in theirs.state_dict().items()})
        ours = ours.double() if hasattr(ours, "double") else ours
        for _ in range(2):
            np.testing.assert_allclose(ours(tg.tensor(X)).detach().numpy(), theirs(torch.tensor(X)).detach().numpy(),
                                       rtol=1e-6, atol=1e-7)
        for key, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-6)
        ours.eval(), theirs.eval()
        np.testing.assert_allclose(ours(tg.tensor(X)).detach().numpy(), theirs(torch.tensor(X)).detach().numpy(),
                                   rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- errors

ERRORS = [  # (call, the error PyTorch raises, our message)
    (lambda f, t: f.conv3d(t(np.ones((4, 4, 4))), t(np.ones((3, 4, 2, 2, 2)))), RuntimeError,
     r"conv3d: input \(4, 4, 4\) and weight \(3, 4, 2, 2, 2\) do not fit"),
    (lambda f, t: f.max_pool3d(t(np.ones((4, 4, 4))), 2), RuntimeError,
     r"max_pool3d: expected \(N, C, D, H, W\) or unbatched \(C, D, H, W\) input"),
    (lambda f, t: f.avg_pool3d(t(np.ones((4, 4, 4))), 2), RuntimeError,
     r"avg_pool3d: expected \(N, C, D, H, W\) or unbatched \(C, D, H, W\) input"),
    (lambda f, t: f.adaptive_avg_pool3d(t(np.ones((4, 4, 4))), 2), RuntimeError,
     r"adaptive_avg_pool3d: expected \(N, C, D, H, W\)"),
    (lambda f, t: f.max_unpool3d(t(np.ones((2, 2, 2))), t(np.zeros((2, 2, 2), dtype=np.int64)), 2), RuntimeError,
     "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with 3 dimensions"),
    (lambda f, t: f.max_unpool3d(t(np.ones((1, 1, 1, 1, 2))), t(np.array([[[[[0, 99]]]]])), 2), RuntimeError,
     r"Found an invalid max index: 99 \(output volumes are of size 2x2x4\)"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_name_the_3d_function(index):
    call, kind, message = ERRORS[index]
    with pytest.raises(kind, match=message):
        call(F, tg.tensor)


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_torch_raises_the_same_kind_of_error(index):
    torch = pytest.importorskip("torch")
    call, kind, _ = ERRORS[index]
    with pytest.raises(kind):
        call(torch.nn.functional, torch.tensor)


def test_same_padding_with_a_stride_is_refused_as_conv2d_refuses_it():
    """A ValueError, as conv2d's and nn.Conv3d's (PyTorch's F.conv3d raises a RuntimeError here)."""
    with pytest.raises(ValueError, match="conv3d: padding='same' is not supported for strided convolutions"):
        F.conv3d(tg.ones(1, 2, 4, 4, 4), tg.ones(3, 2, 2, 2, 2), stride=2, padding="same")
    with pytest.raises(ValueError, match="Conv3d: padding='same' is not supported for strided convolutions"):
        nn.Conv3d(2, 3, 2, stride=2, padding="same")


def test_norm_modules_refuse_the_wrong_number_of_dims():
    with pytest.raises(ValueError, match="BatchNorm3d: expected a 5D input"):
        nn.BatchNorm3d(4)(tg.tensor(X[0]))
    with pytest.raises(ValueError, match=r"InstanceNorm3d: expected 4D or 5D input \(got 3D input\)"):
        nn.InstanceNorm3d(4)(tg.tensor(X[0, 0]))
