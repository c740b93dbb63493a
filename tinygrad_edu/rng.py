"""The NumPy generators every random draw comes from, below tensor.py.

Tensor's own random methods (uniform_, normal_, bernoulli_, ... in inplace.py and random_methods.py) draw
from here, so this module cannot import tensor.py; PyTorch's Generator (random.py) can, because its state
is a uint8 tensor, so it sits above tensor.py and wraps these generators. The seam is one object: the
default generator's NumPy generator, DEFAULT_NUMPY_RNG, made here and kept for the whole run (seeding
changes its state in place), which random.py's default_generator draws with.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fresh_seed", "DEFAULT_NUMPY_RNG", "numpy_rng", "restart"]


def fresh_seed() -> int:
    """A non-deterministic 64-bit seed from the operating system's entropy."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


def restart(rng: np.random.Generator, seed: int) -> None:
    """Put `rng` where np.random.default_rng(seed) starts, in place (the same object keeps drawing).
    NumPy seeds must be non-negative; PyTorch accepts negative ones, so they are mapped as it maps them."""
    rng.bit_generator.state = np.random.PCG64(int(seed) % 2**64).state


DEFAULT_NUMPY_RNG = np.random.default_rng(fresh_seed())  # random.py's default_generator seeds it again


def numpy_rng(source=None, op: str = "generator") -> np.random.Generator:
    """The NumPy generator to draw from: the default one (None), a tinygrad_edu Generator's, or a NumPy
    Generator itself."""
    if source is None:
        return DEFAULT_NUMPY_RNG
    if isinstance(source, np.random.Generator):
        return source
    if isinstance(getattr(source, "_rng", None), np.random.Generator):  # a Generator (random.py, above this)
        return source._rng
    raise TypeError(f"{op}: generator= must be a tinygrad_edu.Generator (or a numpy.random.Generator), "
                    f"got {type(source).__name__}. Make one with tinygrad_edu.Generator().manual_seed(0)")
