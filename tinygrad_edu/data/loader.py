"""DataLoader: iterate over a dataset in (shuffled) batches of Tensors.

    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    for xb, yb in loader:
        ...

A TensorDataset (or a Subset of one) takes a fast path: each batch is one
NumPy fancy-index per tensor, not a Python loop over samples.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Iterator

import numpy as np

from ..tensor import Tensor, tensor
from .dataset import Dataset, Subset, TensorDataset, make_rng

__all__ = ["DataLoader", "default_collate"]


def default_collate(batch: list) -> Any:
    """Stack a list of samples into one batch, keeping the samples' structure.

    Tensors and arrays are stacked on a new first axis; numbers become a 1-D
    tensor; tuples and lists are collated field by field (a tuple of batched
    tensors); dicts key by key; strings stay a list.
    """
    sample = batch[0]
    if isinstance(sample, Tensor):
        return Tensor._wrap(np.stack([s._data for s in batch]))
    if isinstance(sample, (np.ndarray, np.generic)):
        return Tensor._wrap(np.stack(batch))
    if isinstance(sample, numbers.Number):
        return tensor(batch)
    if isinstance(sample, str):
        return list(batch)
    if isinstance(sample, dict):
        return {key: default_collate([s[key] for s in batch]) for key in sample}
    if isinstance(sample, (tuple, list)):
        if any(len(s) != len(sample) for s in batch):
            raise RuntimeError("default_collate: each sample in a batch must have the same number of fields, "
                               f"got {sorted({len(s) for s in batch})}")
        return tuple(default_collate(list(fields)) for fields in zip(*batch))
    raise TypeError(f"default_collate: batches must contain Tensors, arrays, numbers, strings, dicts or tuples; "
                    f"found {type(sample).__name__}. Hint: pass collate_fn= to build batches yourself.")


def tensor_source(dataset: Dataset):
    """(arrays, index map) when `dataset` is a TensorDataset or Subsets of one, else None."""
    index_map = None
    while isinstance(dataset, Subset):
        indices = np.asarray(dataset.indices, dtype=np.int64)
        index_map = indices if index_map is None else indices[index_map]
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset):
        return None
    return [t._data for t in dataset.tensors], index_map


class DataLoader:
    """Batches of `dataset`, in order or shuffled (a new permutation every epoch).

    Shuffling draws from `generator` (a numpy Generator), or from a generator
    seeded once with `seed` (so the epochs' orders are reproducible), or else
    from the library's generator (`tinygrad_edu.manual_seed`). The last batch
    may be smaller unless `drop_last=True`.
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 collate_fn: Callable[[list], Any] | None = None, generator: np.random.Generator | None = None,
                 *, seed: int | None = None):
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size should be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.generator = None if generator is None and seed is None else make_rng(generator, seed)

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def batch_indices(self) -> Iterator[np.ndarray]:
        n = len(self.dataset)
        order = make_rng(self.generator).permutation(n) if self.shuffle else np.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[Any]:
        source = tensor_source(self.dataset) if self.collate_fn is None else None
        if source is not None:
            arrays, index_map = source
            for indices in self.batch_indices():
                rows = indices if index_map is None else index_map[indices]
                yield tuple(Tensor._wrap(array[rows]) for array in arrays)
            return
        collate = self.collate_fn or default_collate
        for indices in self.batch_indices():
            yield collate([self.dataset[int(i)] for i in indices])
