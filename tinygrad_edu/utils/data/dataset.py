"""Datasets: anything with `__len__` and `__getitem__`, and ways to split and join them.

    X, y = make_moons(200, noise=0.1, seed=0)
    train, val = random_split(TensorDataset(X, y), [0.8, 0.2], generator=Generator().manual_seed(0))
    x0, y0 = train[0]
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

from ...random import Generator, numpy_rng
from ...tensor import Tensor, tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split", "make_rng"]


def make_rng(generator: Generator | np.random.Generator | int | None = None,
             seed: int | None = None) -> np.random.Generator:
    """The NumPy generator to draw from: the given tinygrad_edu.Generator's (or NumPy Generator), a new one
    seeded with `seed` (or an int passed as `generator`), or else the library's default generator
    (so `tinygrad_edu.manual_seed` applies)."""
    if isinstance(generator, numbers.Integral):
        seed, generator = int(generator), None
    if generator is None and seed is not None:
        return np.random.default_rng(seed)
    return numpy_rng(generator)


class Dataset:
    """A map-style dataset: subclasses implement `__getitem__(index)` and `__len__()`.
    `a + b` joins two datasets (a ConcatDataset)."""

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index)")

    def __len__(self) -> int:
        # a TypeError, as len() of an object without __len__ raises: list(DataLoader(stream)) asks for a
        # length hint and goes on without one on a TypeError only
        raise TypeError(f"{type(self).__name__} has no len(): a map-style dataset must implement __len__()")


class IterableDataset(Dataset):
    """A stream of samples: subclasses implement `__iter__` (no indexing, no len needed).
    A DataLoader batches them in the order they come (shuffle is not possible)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__()")


class TensorDataset(Dataset):
    """Samples are rows: `dataset[i]` is `(t[i] for t in tensors)` as a tuple.

    All tensors must have the same first dimension. The dataset holds the tensors it
    is given, not copies, so it shares their memory (as PyTorch's does); a NumPy array
    is wrapped as a tensor sharing its memory too (like `torch.from_numpy`), so a
    60,000 x 784 float32 set (188 MB) is not held twice. Lists are copied into tensors.
    """

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(shared_tensor(t) for t in tensors)
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        # PyTorch's exception types: IndexError for a tensor with no first dimension, AssertionError for sizes
        if any(t.ndim == 0 for t in self.tensors):
            raise IndexError(f"TensorDataset: a tensor has no dimensions: shapes {shapes}. Every tensor needs a "
                             "first dimension (one row per sample); make a scalar a row with t.reshape(1).")
        if len({t.shape[0] for t in self.tensors}) != 1:
            raise AssertionError(f"TensorDataset: size mismatch between tensors: shapes {shapes}. Every tensor "
                                 "needs the same first dimension (one row per sample).")

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def shared_tensor(data) -> Tensor:
    """A tensor on `data`'s memory when it is a Tensor or a NumPy array; other data is copied."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return Tensor._wrap(data)
    return tensor(data)


class ConcatDataset(Dataset):
    """Several datasets one after another: index len(first) is the second's sample 0, and so on."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} samples")
        which = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]):
        self.dataset = dataset
        self.indices = list(indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Generator | int | None = None,
                 *, seed: int | None = None) -> list[Subset]:
    """Split `dataset` into non-overlapping random Subsets of the given lengths.

    `lengths` are sizes summing to len(dataset), or fractions summing to 1:
    each fraction gets floor(fraction * n) samples and the remainder is
    handed out one by one from the first subset on (PyTorch's rule). The order is drawn from
    `generator` (e.g. Generator().manual_seed(42)), or from a new generator seeded with `seed`,
    or else from the library's default generator.
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * fraction)) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n or any(length < 0 for length in lengths):
        raise ValueError(f"random_split: lengths {list(lengths)} sum to {sum(lengths)}, but the dataset has {n} "
                         "samples. Hint: give sizes that add up to len(dataset), or fractions that add up to 1.")
    order = make_rng(generator, seed).permutation(n)
    splits, start = [], 0
    for length in lengths:
        splits.append(Subset(dataset, order[start:start + length].tolist()))
        start += length
    return splits
