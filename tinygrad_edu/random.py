"""The library's one source of randomness.

Every random draw in tinygrad_edu (rand, randn, dropout, weight init,
shuffling) comes from `generator()`, so `manual_seed(n)` makes a whole run
reproducible, as `torch.manual_seed` does.
"""

from __future__ import annotations

import numpy as np

_state = {"rng": np.random.default_rng()}


def manual_seed(seed: int) -> np.random.Generator:
    """Reset the library's generator to `seed`; returns it."""
    _state["rng"] = np.random.default_rng(int(seed))
    return _state["rng"]


def generator() -> np.random.Generator:
    """The generator every random op draws from."""
    return _state["rng"]
