"""get_rng_state / set_rng_state, Generator.get_state / set_state and random.fork_rng: a state is a 1-D uint8
tensor (PyTorch's type; this library's bytes) that gives back the exact stream of every draw made after it.
The torch checks (behind importorskip) pin the parts that are PyTorch's: the type, the errors, fork_rng's
behaviour."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.data import DataLoader, TensorDataset


def draws(generator=None) -> list:
    """One of each kind of draw the library makes, as plain numbers."""
    if generator is not None:
        return [tg.rand(3, generator=generator).tolist(), tg.randn(2, generator=generator).tolist(),
                tg.randint(0, 100, (4,), generator=generator).tolist(), tg.randperm(6, generator=generator).tolist()]
    loader = DataLoader(TensorDataset(tg.arange(8)), batch_size=8, shuffle=True)
    return [tg.rand(3).tolist(), tg.randn(2).tolist(), tg.randint(0, 100, (4,)).tolist(), tg.randperm(6).tolist(),
            F.dropout(tg.ones(8), 0.5).tolist(), nn.Linear(3, 2).weight.tolist(), tg.empty(4).normal_().tolist(),
            tg.ones(5).multinomial(2).tolist(), next(iter(loader))[0].tolist()]


def test_rng_state_repeats_every_kind_of_draw():
    tg.manual_seed(7)
    tg.rand(5)
    state = tg.get_rng_state()
    assert state.dtype == tg.uint8 and state.ndim == 1 and state.numel() == 73
    assert bytes(state.numpy()[:20]) == b"tinygrad_edu PCG64 1"  # the label that says whose state it is
    first = draws()
    tg.manual_seed(123)  # somewhere else entirely, seed included
    tg.set_rng_state(state)
    assert tg.initial_seed() == 7  # the state holds the seed, as PyTorch's does
    assert draws() == first
    tg.set_rng_state(state)  # a state can be used again: it is a copy, not the generator's own
    state.zero_()
    assert draws() == first


def test_rng_state_keeps_half_a_draw_and_negative_seeds():
    # NumPy keeps the spare half of a 64-bit draw after a 32-bit one: the state must carry it
    tg.manual_seed(-3)
    tg.random.generator().random(dtype=np.float32)
    state = tg.get_rng_state()
    first = [tg.random.generator().random(dtype=np.float32) for _ in range(3)] + tg.rand(2).tolist()
    tg.manual_seed(0)
    tg.set_rng_state(state)
    assert [tg.random.generator().random(dtype=np.float32) for _ in range(3)] + tg.rand(2).tolist() == first
    assert tg.initial_seed() == -3


def test_generator_state_is_its_own():
    g = tg.Generator().manual_seed(11)
    state = g.get_state()
    first = draws(g)
    tg.manual_seed(0)
    default_first = tg.rand(2).tolist()
    assert g.set_state(state) is g  # returns the generator, as PyTorch's
    tg.manual_seed(0)
    assert draws(g) == first and tg.rand(2).tolist() == default_first  # the default generator is untouched
    other = tg.Generator().set_state(state)  # a state moves between generators
    assert draws(other) == first and other.initial_seed() == 11
    # the same seed gives the same stream as before states existed: np.random.default_rng(seed)
    np.testing.assert_array_equal(tg.rand(4, generator=tg.Generator().manual_seed(5), dtype=tg.float64).numpy(),
                                  np.random.default_rng(5).random(4))


@pytest.mark.parametrize("bad, error, message", [
    (tg.zeros(73), TypeError, "RNG state must be a uint8 tensor .* but got a tinygrad_edu.float32 tensor"),
    ([1, 2], TypeError, "RNG state must be a uint8 tensor .* but got list"),
    (tg.zeros(5, dtype=tg.uint8), RuntimeError, "this is not a tinygrad_edu RNG state .* got 5 bytes"),
    (tg.zeros(5056, dtype=tg.uint8), RuntimeError, "PyTorch's states .* cannot be used here"),
    (tg.zeros(73, dtype=tg.uint8), RuntimeError, "starting 'tinygrad_edu PCG64 1', got 73 bytes"),
])
def test_a_state_that_is_not_ours_is_refused(bad, error, message):
    before = tg.get_rng_state()
    with pytest.raises(error, match=message):
        tg.set_rng_state(bad)
    with pytest.raises(error, match=message):
        tg.Generator().set_state(bad)
    assert tg.get_rng_state().tolist() == before.tolist()  # nothing changed


def test_fork_rng_puts_the_default_generator_back():
    tg.manual_seed(1)
    expected = tg.rand(3).tolist()
    tg.manual_seed(1)
    with tg.random.fork_rng():
        tg.rand(10)
        tg.manual_seed(99)
    assert tg.rand(3).tolist() == expected and tg.initial_seed() == 1
    tg.manual_seed(1)
    with pytest.raises(ValueError), tg.random.fork_rng(devices=[]):
        tg.rand(10)
        raise ValueError("the state comes back even when the block raises")
    assert tg.rand(3).tolist() == expected
    tg.manual_seed(1)
    with tg.random.fork_rng(enabled=False):
        tg.rand(3)
    assert tg.rand(3).tolist() != expected  # not forked: the draws inside counted
    with pytest.raises(RuntimeError, match="runs on the CPU only"), tg.random.fork_rng(devices=[0]):
        pass


def test_rng_state_matches_torch_behaviour():
    torch = pytest.importorskip("torch")
    theirs, ours = torch.get_rng_state(), tg.get_rng_state()
    assert (theirs.dtype, theirs.ndim, theirs.device.type) == (torch.uint8, 1, "cpu")
    assert (ours.dtype, ours.ndim, ours.device.type) == (tg.uint8, 1, "cpu")
    assert isinstance(torch.Generator().get_state(), torch.Tensor) and tg.Generator().get_state().dtype == tg.uint8
    with pytest.raises(TypeError):  # not a byte tensor: a TypeError in both
        torch.set_rng_state(theirs.float())
    with pytest.raises(RuntimeError):  # a byte tensor of the wrong size: a RuntimeError in both
        torch.set_rng_state(theirs[:-1])
    with pytest.raises(RuntimeError):  # and PyTorch's own state is the wrong size here
        tg.set_rng_state(tg.tensor(theirs.numpy()))
    torch.manual_seed(1)
    expected = torch.rand(3)
    torch.manual_seed(1)
    with torch.random.fork_rng():
        torch.rand(10)
        torch.manual_seed(99)
    assert torch.equal(torch.rand(3), expected) and torch.initial_seed() == 1  # what the torch-free test pins
    torch.manual_seed(5)
    state = torch.get_rng_state()
    torch.manual_seed(6)
    torch.set_rng_state(state)
    assert torch.initial_seed() == 5  # the seed comes back with the state, in both
