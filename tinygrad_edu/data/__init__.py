"""tinygrad_edu.data: a short name for tinygrad_edu.utils.data (PyTorch's path), where everything lives.

    from tinygrad_edu.data import DataLoader, TensorDataset, make_moons
    X, y = make_moons(200, noise=0.1, seed=0)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0):
        ...
"""

from ..utils.data import *  # noqa: F403 -- the same names, one implementation
from ..utils.data import __all__  # noqa: F401
