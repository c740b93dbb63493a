"""tinygrad_edu.utils.data (PyTorch's torch.utils.data): datasets, samplers, splitting, batching,
and small datasets that need no download.

    from tinygrad_edu.utils.data import DataLoader, TensorDataset, random_split
    from tinygrad_edu.utils.data import make_moons
    X, y = make_moons(200, noise=0.1, seed=0)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True):
        ...
"""

from .dataloader import DataLoader, default_collate, default_convert
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
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
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split", "DataLoader",
           "default_collate", "default_convert", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "make_xor", "make_or", "make_and", "make_moons", "make_circles",
           "make_spirals", "make_blobs", "load_digits", "load_mnist", "read_idx"]
