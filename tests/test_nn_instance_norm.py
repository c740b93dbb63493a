"""InstanceNorm1d, InstanceNorm2d and F.instance_norm: PyTorch's defaults, reprs, state_dict keys,
values, gradients, running statistics and errors. Written-out cases here, torch behind importorskip;
the registry (tests/registry_nn_layers.py) gradchecks F.instance_norm against a NumPy reference."""

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(7)

CONFIGS = [  # (class name, options, input shape)
    ("InstanceNorm1d", {}, (3, 2, 5)),
    ("InstanceNorm1d", {"affine": True}, (2, 5)),
    ("InstanceNorm1d", {"track_running_stats": True, "momentum": 0.3}, (3, 2, 4)),
    ("InstanceNorm2d", {"affine": True, "track_running_stats": True}, (2, 2, 3, 4)),
    ("InstanceNorm2d", {"affine": True, "bias": False, "eps": 0.1}, (2, 3, 2)),
    ("InstanceNorm2d", {"track_running_stats": True, "momentum": None}, (1, 2, 2, 3)),
]

BAD_INPUTS = [  # (class, options, input shape, error, message)
    (nn.InstanceNorm1d, {}, (1, 3, 4, 5), ValueError, r"InstanceNorm1d: expected 2D or 3D input \(got 4D input\)"),
    (nn.InstanceNorm2d, {}, (3, 4), ValueError, r"InstanceNorm2d: expected 3D or 4D input \(got 2D input\)"),
    (nn.InstanceNorm1d, {"affine": True}, (2, 4, 5), ValueError,
     r"expected input's size at dim=1 to match num_features \(3\), but got: 4\."),
    (nn.InstanceNorm1d, {}, (2, 3, 1), ValueError, r"expected more than 1 spatial element when training"),
]


def test_instance_norm_defaults_keys_and_reprs():
    assert repr(nn.InstanceNorm1d(3)) == ("InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
                                          "track_running_stats=False)")
    full = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    assert repr(full) == ("InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                          "track_running_stats=True)")
    assert nn.InstanceNorm1d(3).state_dict() == {} and not list(nn.InstanceNorm1d(3).parameters())
    assert [(k, tuple(v.shape)) for k, v in full.state_dict().items()] == [
        ("weight", (3,)), ("bias", (3,)), ("running_mean", (3,)), ("running_var", (3,)), ("num_batches_tracked", ())]
    assert list(nn.InstanceNorm1d(2, affine=True, bias=False).state_dict()) == ["weight"]
    assert full.weight.dtype == tg.float32
    assert nn.InstanceNorm1d(2, affine=True, dtype=tg.float64).weight.dtype == tg.float64


def test_instance_norm_written_out():
    # channel 0 is (1, 3): mean 2, variance 1; channel 1 is (0, 4): mean 2, variance 4
    x = tg.tensor([[[1.0, 3.0], [0.0, 4.0]]], dtype=tg.float64)
    np.testing.assert_allclose(F.instance_norm(x, eps=0.0).numpy(), [[[-1.0, 1.0], [-1.0, 1.0]]])
    weight, bias = tg.tensor([2.0, 3.0], dtype=tg.float64), tg.tensor([0.5, -1.0], dtype=tg.float64)
    np.testing.assert_allclose(F.instance_norm(x, weight=weight, bias=bias, eps=0.0).numpy(),
                               [[[-1.5, 2.5], [-4.0, 2.0]]])
    np.testing.assert_allclose(nn.InstanceNorm1d(2, eps=0.0)(x[0]).numpy(), [[-1.0, 1.0], [-1.0, 1.0]])  # unbatched
    # the output of each (sample, channel) sums to 0 whatever x, so d(sum y)/dx = 0
    x.requires_grad_(True)
    F.instance_norm(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.zeros((1, 2, 2)), atol=1e-12)


def test_instance_norm_running_statistics_written_out():
    norm = nn.InstanceNorm1d(2, track_running_stats=True, dtype=tg.float64)
    x = tg.tensor([[[1.0, 3.0], [0.0, 4.0]]], dtype=tg.float64)
    norm(x)
    # 0.9 * 0 + 0.1 * 2, and 0.9 * 1 + 0.1 * unbiased variance (2 and 8)
    np.testing.assert_allclose(norm.running_mean.numpy(), [0.2, 0.2])
    np.testing.assert_allclose(norm.running_var.numpy(), [1.1, 1.7])
    assert norm.num_batches_tracked.item() == 0  # PyTorch's instance norm does not count batches
    norm.eval()
    want = (np.array([[[1.0, 3.0], [0.0, 4.0]]]) - 0.2) / np.sqrt(np.array([1.1, 1.7]) + 1e-5)[:, None]
    np.testing.assert_allclose(norm(x).numpy(), want)
    np.testing.assert_allclose(norm.running_mean.numpy(), [0.2, 0.2])  # eval leaves them alone
    untracked = nn.InstanceNorm1d(2, eps=0.0).eval()  # without running statistics, eval still uses the input's
    np.testing.assert_allclose(untracked(x).numpy(), [[[-1.0, 1.0], [-1.0, 1.0]]])


def test_instance_norm_errors():
    for cls, options, shape, error, message in BAD_INPUTS:
        with pytest.raises(error, match=message):
            cls(3, **options)(tg.zeros(*shape))
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        nn.InstanceNorm1d(3)(tg.zeros(2, 4, 5))
    with pytest.raises(RuntimeError, match="running_mean and running_var are needed when use_input_stats=False"):
        F.instance_norm(tg.zeros(2, 3, 4), use_input_stats=False)
    with pytest.raises(ValueError, match="must either both be None or neither be None"):
        F.instance_norm(tg.zeros(2, 3, 4), running_mean=tg.zeros(3))
    with pytest.raises(RuntimeError, match=r"weight of shape \(2,\) must have one entry per channel"):
        F.instance_norm(tg.zeros(2, 3, 4), weight=tg.ones(2))


@pytest.mark.parametrize("name,options,shape", CONFIGS)
def test_instance_norm_matches_torch(name, options, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(2, dtype=tg.float64, **options), getattr(torch.nn, name)(2, dtype=torch.float64,
                                                                                                 **options)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if ours.weight is not None:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(RNG.standard_normal(2)))
        ours.weight.data = tg.tensor(theirs.weight.detach().numpy())
    for training in (True, True, False):
        ours.train(training)
        theirs.train(training)
        x = RNG.standard_normal(shape) * 3 + 1
        mine, torch_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, want = ours(mine), theirs(torch_x)
        np.testing.assert_allclose(y.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
        weights = RNG.standard_normal(shape)
        (y * tg.tensor(weights)).sum().backward()
        (want * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(mine.grad.numpy(), torch_x.grad.numpy(), rtol=1e-9, atol=1e-12)
        for key, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[key].detach().numpy(), value.numpy(), rtol=1e-12)
        if ours.weight is not None:
            np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-9)


def test_instance_norm_functional_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 4))
    stats = [RNG.standard_normal(3), RNG.random(3) + 0.5]
    for use_input_stats in (True, False):
        mine = [tg.tensor(s.copy()) for s in stats]
        theirs = [torch.tensor(s.copy()) for s in stats]
        y = F.instance_norm(tg.tensor(x), *mine, use_input_stats=use_input_stats, momentum=0.2)
        want = torch.nn.functional.instance_norm(torch.tensor(x), *theirs, use_input_stats=use_input_stats,
                                                 momentum=0.2)
        np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    for cls, options, shape, error, message in BAD_INPUTS:
        with pytest.raises(error, match=message.split(": ", 1)[-1].replace("expected more", "Expected more")):
            getattr(torch.nn, cls.__name__)(3, **options)(torch.zeros(*shape))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.nn.InstanceNorm1d(3)(torch.zeros(2, 4, 5))
    assert "input's size at dim=1 does not match num_features" in str(caught[0].message)
