"""torch.use_deterministic_algorithms, torch.set_float32_matmul_precision and the GPU flags: remembered, read back,
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


def test_gpu_flags_that_scripts_set_are_there_and_change_nothing():
    """nanoGPT's `torch.backends.cuda.matmul.allow_tf32 = True` and `torch.backends.cudnn.allow_tf32 = True`,
    and the GPU questions training scripts ask, answered as PyTorch answers them without a GPU."""
    assert tg.backends.cuda.matmul.allow_tf32 is False and tg.backends.cudnn.allow_tf32 is True
    assert tg.backends.cuda.is_built() is False
    assert tg.cuda.empty_cache() is None and tg.cuda.is_bf16_supported() is False
    x = tg.tensor([[1.0, 2.0]])
    before = (x @ x.T).item()
    tg.backends.cuda.matmul.allow_tf32 = True
    try:
        assert (x @ x.T).item() == before == 5.0
    finally:
        tg.backends.cuda.matmul.allow_tf32 = False


def test_gpu_flags_match_torch_without_a_gpu():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("compares with PyTorch on a machine without a GPU")
    matmul_flags = ["allow_tf32", "allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"]
    assert [getattr(tg.backends.cuda.matmul, f) for f in matmul_flags] == \
           [getattr(torch.backends.cuda.matmul, f) for f in matmul_flags]
    assert tg.backends.cudnn.allow_tf32 == torch.backends.cudnn.allow_tf32
    assert tg.backends.cuda.is_built() == torch.backends.cuda.is_built()
    assert tg.cuda.is_bf16_supported() == torch.cuda.is_bf16_supported()
