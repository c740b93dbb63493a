"""The library's randomness: PyTorch's Generator, and the default one every draw uses.

Every random draw in tinygrad_edu (rand, randn, randint, dropout, weight
init, shuffling) comes from the default generator unless a `generator=` is
given, so `manual_seed(n)` makes a whole run reproducible, as
`torch.manual_seed` does. A Generator wraps a NumPy `np.random.Generator`;
the same seed gives the same numbers on every machine (not the same numbers
as PyTorch, whose generator is a different algorithm).

    g = tinygrad_edu.Generator().manual_seed(42)
    x = tinygrad_edu.randn(3, generator=g)      # the default generator is untouched
"""

from __future__ import annotations

import numpy as np

from .device import CPU, check_device

__all__ = ["Generator", "default_generator", "manual_seed", "initial_seed", "seed", "generator", "numpy_rng"]


def fresh_seed() -> int:
    """A non-deterministic 64-bit seed from the operating system's entropy."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


class Generator:
    """A seedable source of random numbers (PyTorch's torch.Generator).

    >>> g = Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    """

    def __init__(self, device="cpu"):
        check_device(device, "Generator")
        self._seed = fresh_seed()
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from `seed`; returns the generator, so it can be made and seeded in one line."""
        self._seed = int(seed)
        # NumPy seeds must be non-negative; PyTorch accepts negative seeds, so map them the same way it does.
        self._rng = np.random.default_rng(self._seed % 2**64)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(fresh_seed())
        return self._seed

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    def get_state(self) -> dict:
        """The NumPy bit generator's state (a dict; PyTorch returns a byte tensor)."""
        return self._rng.bit_generator.state

    def set_state(self, state: dict) -> "Generator":
        self._rng.bit_generator.state = state
        return self

    @property
    def device(self):
        return CPU

    def __repr__(self) -> str:
        return f"<tinygrad_edu.Generator seeded with {self._seed}>"


default_generator = Generator()


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


def numpy_rng(source=None, op: str = "generator") -> np.random.Generator:
    """The NumPy generator to draw from: the default one (None), a Generator's, or a NumPy Generator itself."""
    if source is None:
        return default_generator._rng
    if isinstance(source, Generator):
        return source._rng
    if isinstance(source, np.random.Generator):
        return source
    raise TypeError(f"{op}: generator= must be a tinygrad_edu.Generator (or a numpy.random.Generator), "
                    f"got {type(source).__name__}. Make one with tinygrad_edu.Generator().manual_seed(0)")
