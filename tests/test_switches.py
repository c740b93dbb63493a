"""torch.use_deterministic_algorithms and torch.set_float32_matmul_precision: remembered, read back,
checked as PyTorch checks them."""

import inspect

import pytest

import tinygrad_edu as tg


@pytest.fixture(autouse=True)
def restore_switches():
    yield
    tg.use_deterministic_algorithms(False)
    tg.set_float32_matmul_precision("highest")


def test_deterministic_algorithms_are_remembered():
    assert tg.are_deterministic_algorithms_enabled() is False
    tg.use_deterministic_algorithms(True)  # the DCGAN tutorial's first lines
    assert tg.are_deterministic_algorithms_enabled() is True
    assert tg.is_deterministic_algorithms_warn_only_enabled() is False
    tg.use_deterministic_algorithms(True, warn_only=True)
    assert tg.is_deterministic_algorithms_warn_only_enabled() is True
    with pytest.raises(TypeError, match="argument 'mode' must be bool, not str"):
        tg.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError, match="positional"):
        tg.use_deterministic_algorithms(True, True)


def test_matmul_precision_is_remembered_and_a_wrong_one_warns():
    assert tg.get_float32_matmul_precision() == "highest"
    tg.set_float32_matmul_precision("high")
    assert tg.get_float32_matmul_precision() == "high"
    with pytest.warns(UserWarning, match="low is not one of 'highest', 'high', or 'medium'"):
        tg.set_float32_matmul_precision("low")
    assert tg.get_float32_matmul_precision() == "high"


@pytest.mark.parametrize("name", tg.switches.__all__)
def test_signatures_and_defaults_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(tg, name), getattr(torch, name)
    assert [(p.name, p.kind, p.default) for p in inspect.signature(ours).parameters.values()] == \
           [(p.name, p.kind, p.default) for p in inspect.signature(theirs).parameters.values()]
    if name.startswith(("are_", "is_", "get_")):
        assert ours() == theirs()
