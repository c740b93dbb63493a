"""The library's randomness, PyTorch's torch.random: Generator, the default one every draw uses, and its
state as a uint8 tensor (get_rng_state, set_rng_state, fork_rng).

Every random draw in tinygrad_edu (rand, randn, randint, randperm, dropout, weight init, shuffling) comes
from the default generator unless a `generator=` is given, so `manual_seed(n)` makes a whole run
reproducible, as `torch.manual_seed` does. A Generator wraps a NumPy `np.random.Generator` (PCG64); the
same seed gives the same numbers on every machine (not the same numbers as PyTorch, whose generator is a
different algorithm). The NumPy generators themselves live in rng.py, below tensor.py, so that Tensor's
random methods can draw from them; this module is above tensor.py because a state is a tensor.

    g = tinygrad_edu.Generator().manual_seed(42)
    x = tinygrad_edu.randn(3, generator=g)      # the default generator is untouched
    state = tinygrad_edu.get_rng_state()        # ... draw ..., then set_rng_state(state) draws it all again
"""

from __future__ import annotations

import contextlib

import numpy as np

from .device import CPU, check_device
from .rng import DEFAULT_NUMPY_RNG, fresh_seed, numpy_rng, restart
from .tensor import Tensor

__all__ = ["Generator", "default_generator", "manual_seed", "initial_seed", "seed", "generator", "numpy_rng",
           "get_rng_state", "set_rng_state", "fork_rng"]

# A state's bytes: this label, then PCG64's 128-bit state and increment, its saved half of a 64-bit draw
# (a flag and 32 bits), and the seed, all little-endian. 73 bytes, where PyTorch's CPU state has 5056.
STATE_LABEL = b"tinygrad_edu PCG64 1"
STATE_SIZE = len(STATE_LABEL) + 16 + 16 + 1 + 4 + 16


class Generator:
    """A seedable source of random numbers (PyTorch's torch.Generator).

    >>> g = Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    """

    def __init__(self, device="cpu"):
        check_device(device, "Generator")
        self._rng = np.random.default_rng()
        self.seed()

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from `seed`; returns the generator, so it can be made and seeded in one line."""
        self._seed = int(seed)
        restart(self._rng, self._seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(fresh_seed())
        return self._seed

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    def get_state(self) -> Tensor:
        """Where the stream is, as a 1-D uint8 tensor (PyTorch's type) that set_state takes back: the stream
        then repeats every draw made after get_state, and initial_seed() is the seed of that time. The bytes
        are this library's (a label, NumPy's PCG64 state and the seed), not PyTorch's: a state of one
        library cannot be given to the other."""
        bits = self._rng.bit_generator.state
        pcg = bits["state"]
        state = (STATE_LABEL + pcg["state"].to_bytes(16, "little") + pcg["inc"].to_bytes(16, "little")
                 + bytes([bits["has_uint32"]]) + bits["uinteger"].to_bytes(4, "little")
                 + (self._seed % 2**128).to_bytes(16, "little"))
        return Tensor._wrap(np.frombuffer(state, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> "Generator":
        """Put the stream back where get_state found it; returns the generator."""
        data = checked_state(new_state, "set_state")
        fields, at = [], len(STATE_LABEL)
        for width in (16, 16, 1, 4, 16):
            fields.append(int.from_bytes(data[at:at + width], "little"))
            at += width
        state, inc, has_uint32, uinteger, seed = fields
        self._rng.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                                         "has_uint32": has_uint32, "uinteger": uinteger}
        self._seed = seed if seed < 2**127 else seed - 2**128  # a negative seed comes back negative
        return self

    @property
    def device(self):
        return CPU

    def __repr__(self) -> str:
        return f"<tinygrad_edu.Generator seeded with {self._seed}>"


def checked_state(new_state, op: str) -> bytes:
    """The bytes of a state made by get_state, or PyTorch's errors (a TypeError for what is not a uint8
    tensor) and one that says when the bytes are not this library's."""
    if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
        what = f"a {new_state.dtype} tensor" if isinstance(new_state, Tensor) else type(new_state).__name__
        raise TypeError(f"{op}: RNG state must be a uint8 tensor (torch.ByteTensor), as get_rng_state() or "
                        f"Generator.get_state() returns, but got {what}")
    data = new_state._data.tobytes()
    if len(data) != STATE_SIZE or not data.startswith(STATE_LABEL):
        raise RuntimeError(f"{op}: this is not a tinygrad_edu RNG state (expected {STATE_SIZE} bytes starting "
                           f"{STATE_LABEL.decode()!r}, got {len(data)} bytes). Hint: give back a state made by "
                           "tinygrad_edu's get_rng_state() or Generator.get_state(); PyTorch's states (5056 bytes "
                           "for the CPU) are of another generator and cannot be used here")
    return data


class DefaultGenerator(Generator):
    """The library's default generator: the one Generator whose NumPy generator is rng.DEFAULT_NUMPY_RNG,
    the one Tensor's random methods draw from when no generator= is given."""

    def __init__(self):
        self._rng = DEFAULT_NUMPY_RNG
        self.seed()


default_generator = DefaultGenerator()


def manual_seed(seed: int) -> Generator:
    """Reset the default generator to `seed`; returns it (as torch.manual_seed does)."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def seed() -> int:
    """Reseed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def generator() -> np.random.Generator:
    """The NumPy generator behind the default generator: what library code draws from."""
    return default_generator._rng


def get_rng_state() -> Tensor:
    """The default generator's state, a uint8 tensor (see Generator.get_state: this library's bytes)."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Put the default generator back in a state from get_rng_state: every draw after it repeats."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type=None):
    """Draw inside the `with` block as you like; on leaving it, the default generator is back where it was
    on entering (its state saved and set again), as torch.random.fork_rng. enabled=False does nothing.
    There are no other devices to fork: devices must be None or empty."""
    if devices:
        raise RuntimeError(f"{_caller}: {_devices_kw}={devices!r} names accelerator devices, but tinygrad_edu "
                           "runs on the CPU only. Hint: leave devices out (the CPU generator is always forked)")
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
