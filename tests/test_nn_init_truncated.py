"""nn.init.trunc_normal_ (GPT and ViT code start their weights with it) and the generator= keyword
that PyTorch's init functions take."""

import inspect
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

INITS = ["uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
         "kaiming_normal_"]


def truncated_normal_moments(mean, std, a, b):
    """Mean and std of N(mean, std**2) cut to [a, b], from the closed form (Johnson, Kotz & Balakrishnan)."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = [math.exp(-z * z / 2) / math.sqrt(2 * math.pi) for z in (alpha, beta)]
    mass = (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2))) / 2
    shift = (pdf[0] - pdf[1]) / mass
    variance = 1 + (alpha * pdf[0] - beta * pdf[1]) / mass - shift * shift
    return mean + std * shift, std * math.sqrt(variance)


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, 0.0, 3.0), (0.0, 1.0, 0.5, 4.0)])
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(mean, std, a, b):
    w = nn.init.trunc_normal_(tg.empty(40000, dtype=tg.float64), mean, std, a, b,
                              generator=tg.Generator().manual_seed(0))
    values = w.numpy()
    expected_mean, expected_std = truncated_normal_moments(mean, std, a, b)
    assert a <= values.min() and values.max() <= b
    assert abs(values.mean() - expected_mean) < 0.02 * std and abs(values.std() - expected_std) < 0.02 * std


def test_trunc_normal_bounds_are_values_not_stds():
    """std=0.02 with the default a=-2, b=2 cuts nothing: the GPT init is a plain N(0, 0.02**2)."""
    w = nn.init.trunc_normal_(nn.Parameter(tg.empty(256, 256)), std=0.02)
    assert w.dtype == tg.float32 and w.requires_grad and w.grad_fn is None
    values = w.detach().numpy()
    assert abs(values.std() - 0.02) < 0.0005 and np.abs(values).max() > 3 * 0.02


def test_trunc_normal_warns_when_the_mean_is_far_outside():
    with pytest.warns(UserWarning, match=r"mean is more than 2 std from \[a, b\] in nn.init.trunc_normal_"):
        nn.init.trunc_normal_(tg.empty(3), mean=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.init.trunc_normal_(tg.empty(3), mean=3.0)


@pytest.mark.parametrize("name", INITS)
def test_generator_keyword_repeats_the_draw_and_leaves_the_default_alone(name):
    init = getattr(nn.init, name)
    tg.manual_seed(5)
    first = init(tg.empty(4, 3), generator=tg.Generator().manual_seed(7)).numpy().copy()
    default_draw = tg.rand(2).numpy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(init(tg.empty(4, 3), generator=tg.Generator().manual_seed(7)).numpy(), first)
    np.testing.assert_array_equal(tg.rand(2).numpy(), default_draw)  # generator= did not draw from the default
    assert not np.array_equal(init(tg.empty(4, 3), generator=tg.Generator().manual_seed(8)).numpy(), first)


@pytest.mark.parametrize("name", INITS)
def test_signatures_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = inspect.signature(getattr(nn.init, name)), inspect.signature(getattr(torch.nn.init, name))
    assert [(p.name, p.default) for p in ours.parameters.values()] == \
           [(p.name, p.default) for p in theirs.parameters.values()]


def test_trunc_normal_distribution_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.init.trunc_normal_(torch.empty(40000, dtype=torch.float64), 1.0, 2.0, 0.0, 3.0).numpy()
    ours = nn.init.trunc_normal_(tg.empty(40000, dtype=tg.float64), 1.0, 2.0, 0.0, 3.0).numpy()
    assert abs(ours.mean() - theirs.mean()) < 0.03 and abs(ours.std() - theirs.std()) < 0.03
    assert np.abs(np.quantile(ours, [0.1, 0.5, 0.9]) - np.quantile(theirs, [0.1, 0.5, 0.9])).max() < 0.05
