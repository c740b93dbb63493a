"""nn.init.orthogonal_, eye_, dirac_ and the fan helpers PyTorch's tutorials call (`_calculate_fan_in_and_fan_out`):
the properties each promises, checked here, and torch's own results where torch is installed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.nn import init


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(tg.empty(*shape), gain=2.0)
    flat = w.numpy().reshape(shape[0], -1).astype(np.float64) / 2.0
    small = min(flat.shape)
    product = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(product, np.eye(small), atol=1e-5)
    tg.manual_seed(0)
    a = init.orthogonal_(tg.empty(*shape)).numpy()
    tg.manual_seed(0)
    np.testing.assert_array_equal(a, init.orthogonal_(tg.empty(*shape)).numpy())  # the library's generator
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(tg.empty(3))


def test_eye_and_dirac_pass_the_input_through():
    assert init.eye_(tg.empty(2, 3)).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    x = tg.randn(1, 4, 6, 6)
    conv = tg.nn.Conv2d(4, 4, 3, padding=1, bias=False)
    init.dirac_(conv.weight)
    np.testing.assert_allclose(conv(x).detach().numpy(), x.numpy(), atol=1e-6)
    grouped = init.dirac_(tg.empty(4, 2, 3), groups=2).numpy()
    assert grouped[:, :, 1].tolist() == [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]] and grouped.sum() == 4
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(tg.empty(2, 2))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(tg.empty(3, 2, 3), groups=2)


def test_fan_helpers_under_pytorch_s_private_names():
    w = tg.empty(16, 8, 3, 3)
    assert init._calculate_fan_in_and_fan_out(w) == (72, 144)
    assert init._calculate_correct_fan(w, "fan_out") == 144
    with pytest.raises(ValueError, match="Mode fan_sideways not supported"):
        init._calculate_correct_fan(w, "fan_sideways")


def test_match_torch():
    torch = pytest.importorskip("torch")
    assert torch.nn.init.eye_(torch.empty(2, 3)).tolist() == init.eye_(tg.empty(2, 3)).tolist()
    for shape, groups in (((4, 2, 3), 2), ((2, 3, 3, 3), 1), ((2, 2, 1, 3, 3), 1)):
        theirs = torch.nn.init.dirac_(torch.empty(*shape), groups).numpy()
        np.testing.assert_array_equal(init.dirac_(tg.empty(*shape), groups).numpy(), theirs)
    w = torch.empty(16, 8, 3, 3)
    assert torch.nn.init._calculate_fan_in_and_fan_out(w) == init._calculate_fan_in_and_fan_out(tg.empty(16, 8, 3, 3))


def zero_element_warnings(lib):
    """Which initialisers warn on a tensor with no elements: PyTorch's kaiming_* do, its xavier_* and
    orthogonal_ return it silently."""
    warned = {}
    for name in ("xavier_uniform_", "xavier_normal_", "orthogonal_", "kaiming_uniform_", "kaiming_normal_"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            empty = lib.empty(0, 3)
            assert getattr(lib.nn.init, name)(empty) is empty
        warned[name] = [str(w.message) for w in caught]
    return warned


ZERO_ELEMENT_WARNINGS = {"xavier_uniform_": [], "xavier_normal_": [], "orthogonal_": [],
                         "kaiming_uniform_": ["Initializing zero-element tensors is a no-op"],
                         "kaiming_normal_": ["Initializing zero-element tensors is a no-op"]}


def test_only_kaiming_warns_on_a_zero_element_tensor():
    assert zero_element_warnings(tg) == ZERO_ELEMENT_WARNINGS


def test_only_kaiming_warns_on_a_zero_element_tensor_as_in_torch():
    torch = pytest.importorskip("torch")
    assert zero_element_warnings(torch) == ZERO_ELEMENT_WARNINGS
