"""GroupNorm and F.group_norm; F.interpolate, Upsample and its fixed-mode forms: PyTorch's parameters,
reprs, values, errors. Hand-computed cases here, torch (same weights loaded) behind importorskip; the
registry (tests/registry_nn_layers.py) gradchecks both functions."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(11)


# ---------------------------------------------------------------- GroupNorm

def test_group_norm_parameters_keys_and_repr():
    norm = nn.GroupNorm(2, 4)
    assert [(k, tuple(v.shape)) for k, v in norm.state_dict().items()] == [("weight", (4,)), ("bias", (4,))]
    np.testing.assert_array_equal(norm.weight.detach().numpy(), np.ones(4))  # PyTorch's init: ones and zeros
    np.testing.assert_array_equal(norm.bias.detach().numpy(), np.zeros(4))
    assert norm.weight.dtype == tg.float32
    assert repr(norm) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(nn.GroupNorm(2, 4, affine=False)) == "GroupNorm(2, 4, eps=1e-05, affine=False, bias=False)"
    assert list(nn.GroupNorm(1, 3, bias=False).state_dict()) == ["weight"]
    assert nn.GroupNorm(1, 3, affine=False).state_dict() == {} and not list(nn.GroupNorm(1, 3, affine=False).buffers())
    assert nn.GroupNorm(1, 2, dtype=tg.float64).weight.dtype == tg.float64
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(5\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 5)


def test_group_norm_hand_computed():
    # groups (1, 3) and (0, 4): means 2 and 2, variances 1 and 4 -> (-1, 1) and (-1, 1)
    x = tg.tensor([[1.0, 3.0, 0.0, 4.0]])
    np.testing.assert_allclose(F.group_norm(x, 2, eps=0.0).numpy(), [[-1.0, 1.0, -1.0, 1.0]])
    weight, bias = tg.tensor([1.0, 2.0, 3.0, 4.0]), tg.tensor([0.0, 0.0, 1.0, -1.0])
    np.testing.assert_allclose(F.group_norm(x, 2, weight, bias, eps=0.0).numpy(), [[-1.0, 2.0, -2.0, 3.0]])
    # one group over (C, L) of [[0, 2], [4, 6]]: mean 3, variance 5
    y = F.group_norm(tg.tensor([[[0.0, 2.0], [4.0, 6.0]]]), 1, eps=0.0)
    np.testing.assert_allclose(y.numpy(), np.array([[[-3.0, -1.0], [1.0, 3.0]]]) / np.sqrt(5), rtol=1e-6)
    # the same in eval mode and for a batch of one: no running statistics
    norm = nn.GroupNorm(2, 4)
    np.testing.assert_array_equal(norm.eval()(x).detach().numpy(), norm.train()(x).detach().numpy())


def test_group_norm_errors_name_the_shapes():
    with pytest.raises(RuntimeError, match=r"group_norm: expected an input of shape \(N, C, \*\).*got shape \(4,\)"):
        F.group_norm(tg.randn(4), 2)
    with pytest.raises(RuntimeError, match=r"group_norm: the 5 channels of the input \(2, 5\) cannot be split"):
        F.group_norm(tg.randn(2, 5), 2)
    with pytest.raises(RuntimeError, match=r"group_norm: weight of shape \(4,\) must have one entry per channel"):
        nn.GroupNorm(2, 4)(tg.randn(3, 6))


@pytest.mark.parametrize("groups, channels, shape", [(2, 4, (3, 4, 5)), (1, 4, (2, 4)), (4, 4, (2, 4, 3, 3)),
                                                     (3, 6, (2, 6, 2, 2, 2))])
@pytest.mark.parametrize("options", [{}, {"affine": False}, {"bias": False}, {"eps": 1e-3}], ids=str)
def test_group_norm_matches_torch(groups, channels, shape, options):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.GroupNorm(groups, channels, **options)
    with torch.no_grad():
        for param in theirs.parameters():
            param.uniform_(-1, 2)
    ours = nn.GroupNorm(groups, channels, **options)
    ours.load_state_dict({key: value.detach().numpy() for key, value in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    x = RNG.standard_normal(shape).astype(np.float32)
    mine, torch_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, want = ours(mine), theirs(torch_x)
    np.testing.assert_allclose(y.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-5)
    seed = RNG.standard_normal(shape).astype(np.float32)
    (y * tg.tensor(seed)).sum().backward()
    (want * torch.tensor(seed)).sum().backward()
    np.testing.assert_allclose(mine.grad.numpy(), torch_x.grad.numpy(), rtol=1e-4, atol=1e-4)
    if ours.weight is not None:
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- interpolate and Upsample

def test_interpolate_hand_computed():
    x = tg.tensor([[[1.0, 2.0, 4.0]]])
    # nearest, 3 -> 5: source floor(i * 3/5) = 0, 0, 1, 1, 2; nearest-exact floor((i + 0.5) * 3/5) = 0, 0, 1, 2, 2
    np.testing.assert_array_equal(F.interpolate(x, size=5).numpy(), [[[1.0, 1.0, 2.0, 2.0, 4.0]]])
    np.testing.assert_array_equal(F.interpolate(x, size=5, mode="nearest-exact").numpy(), [[[1.0, 1.0, 2.0, 4.0, 4.0]]])
    np.testing.assert_array_equal(F.interpolate(x, scale_factor=2).numpy(), [[[1.0, 1.0, 2.0, 2.0, 4.0, 4.0]]])
    # linear, x2: source (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (the last input)
    np.testing.assert_allclose(F.interpolate(x, scale_factor=2, mode="linear").numpy(),
                               [[[1.0, 1.25, 1.75, 2.5, 3.5, 4.0]]])
    # align_corners: source i * (3 - 1) / (5 - 1)
    np.testing.assert_allclose(F.interpolate(x, size=5, mode="linear", align_corners=True).numpy(),
                               [[[1.0, 1.5, 2.0, 3.0, 4.0]]])
    square = tg.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    np.testing.assert_allclose(F.interpolate(square, size=3, mode="bilinear", align_corners=True).numpy(),
                               [[[[0.0, 0.5, 1.0], [1.0, 1.5, 2.0], [2.0, 2.5, 3.0]]]])
    np.testing.assert_allclose(nn.Upsample(scale_factor=2, mode="bilinear")(square).numpy()[0, 0, 1],
                               [0.5, 0.75, 1.25, 1.5])
    assert F.interpolate(square.double(), scale_factor=2).dtype == tg.float64


def test_interpolate_gradient_adds_back_to_each_source():
    x = tg.tensor([[[1.0, 2.0, 4.0]]], requires_grad=True)
    F.interpolate(x, size=5).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[2.0, 2.0, 1.0]]])  # read 2, 2 and 1 times
    x.grad = None
    F.interpolate(x, scale_factor=2, mode="linear").sum().backward()  # the weights of each input, summed
    np.testing.assert_allclose(x.grad.numpy(), [[[1.0 + 0.75 + 0.25, 0.25 + 0.75 + 0.75 + 0.25, 0.25 + 0.75 + 1.0]]])


def test_interpolate_errors():
    x = tg.randn(1, 2, 3)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(x, size=4, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor should be defined"):
        F.interpolate(x)
    with pytest.raises(NotImplementedError, match="got 3D input, but bilinear mode needs 4D input"):
        F.interpolate(x, scale_factor=2, mode="bilinear")
    with pytest.raises(NotImplementedError, match=r"expected a 3-D, 4-D or 5-D input.*x.unsqueeze\(0\)"):
        F.interpolate(tg.randn(2, 3), scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match=r"has 2 spatial dims \(3, 3\) but size \(2,\) gives 1"):
        F.interpolate(tg.randn(1, 2, 3, 3), size=(2,))
    with pytest.raises(NotImplementedError, match=r"mode 'linear' mixes neighbouring values.*int64. Hint: x.float\(\)"):
        F.interpolate(tg.arange(6).reshape(1, 2, 3), scale_factor=2, mode="linear")
    np.testing.assert_array_equal(F.interpolate(tg.arange(3).reshape(1, 1, 3), scale_factor=2).numpy(),
                                  [[[0, 0, 1, 1, 2, 2]]])  # nearest copies values: integers are fine
    with pytest.raises(NotImplementedError, match="mode 'bicubic' is not supported"):
        F.interpolate(tg.randn(1, 2, 3, 3), scale_factor=2, mode="bicubic")


def test_upsample_reprs_are_pytorchs():
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.Upsample(size=(3, 4), mode="bilinear")) == "Upsample(size=(3, 4), mode='bilinear')"
    assert repr(nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=True)) == \
        "Upsample(scale_factor=(2.0, 3.0), mode='bilinear')"
    assert repr(nn.UpsamplingBilinear2d(scale_factor=2)) == "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')"
    assert nn.UpsamplingBilinear2d(scale_factor=2).align_corners is True
    assert nn.Upsample(scale_factor=2).state_dict() == {}


@pytest.mark.parametrize("shape", [(1, 2, 5), (2, 3, 4, 5), (1, 2, 3, 4, 2)])
def test_interpolate_matches_torch(shape):
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal(shape).astype(np.float32)
    linear = {3: "linear", 4: "bilinear", 5: "trilinear"}[len(shape)]
    cases = [{"scale_factor": 2}, {"scale_factor": 1.5}, {"scale_factor": 0.7}, {"size": 7}, {"size": 3},
             {"size": 1}, {"scale_factor": 1.7, "recompute_scale_factor": True}]
    for mode in ("nearest", "nearest-exact", linear):
        for options in cases:
            for align_corners in ((None,) if mode.startswith("nearest") else (False, True)):
                mine, torch_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
                y = F.interpolate(mine, mode=mode, align_corners=align_corners, **options)
                want = torch.nn.functional.interpolate(torch_x, mode=mode, align_corners=align_corners, **options)
                np.testing.assert_allclose(y.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6,
                                           err_msg=f"{mode} {options} {align_corners}")
                y.sum().backward()
                want.sum().backward()
                np.testing.assert_allclose(mine.grad.numpy(), torch_x.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_upsample_layers_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 5, 4)).astype(np.float32)
    for name, options in [("Upsample", {"scale_factor": 2}), ("Upsample", {"size": (3, 4), "mode": "bilinear"}),
                          ("Upsample", {"scale_factor": (2, 3), "mode": "bilinear", "align_corners": True}),
                          ("UpsamplingNearest2d", {"size": (9, 4)}), ("UpsamplingBilinear2d", {"scale_factor": 2})]:
        ours, theirs = getattr(nn, name)(**options), getattr(torch.nn, name)(**options)
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-5, atol=1e-6)
