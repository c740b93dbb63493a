"""tinygrad_edu.data: datasets, splitting, batching, and small datasets that need no download.

    from tinygrad_edu.data import DataLoader, TensorDataset, make_moons
    X, y = make_moons(200, noise=0.1, seed=0)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0):
        ...
"""

from .dataset import Dataset, Subset, TensorDataset, random_split
from .datasets import (
    load_digits,
    load_mnist,
    make_and,
    make_blobs,
    make_circles,
    make_moons,
    make_or,
    make_spirals,
    make_xor,
    read_idx,
)
from .loader import DataLoader, default_collate

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate", "make_xor",
           "make_or", "make_and", "make_moons", "make_circles", "make_spirals", "make_blobs", "load_digits",
           "load_mnist", "read_idx"]
