"""DataLoader: iterate over a dataset in (shuffled) batches of Tensors.

    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    for xb, yb in loader:
        ...

A TensorDataset (or a Subset of one) takes a fast path: each batch is one
NumPy fancy-index per tensor, not a Python loop over samples.
"""

from __future__ import annotations

import copy
import functools
import numbers
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any, Callable, Iterator

import numpy as np

from ...dtypes import float64, promote_types
from ...tensor import Tensor, tensor
from .dataset import Dataset, IterableDataset, Subset, TensorDataset, make_rng

__all__ = ["DataLoader", "default_collate", "default_convert"]


def default_collate(batch: Sequence) -> Any:
    """Stack a list of samples into one batch, keeping the samples' structure (PyTorch's rules).

    - Tensors, NumPy arrays and NumPy scalars are stacked on a new first axis, keeping their
      dtype (mixed dtypes promote as in torch.stack).
    - Python floats become a float64 tensor (a Python float is a double; tensor([0.5]) would give
      float32), ints int64, bools bool. Convert with .float() before a float32 model.
    - Strings (and bytes) are left as they come: the list of a batch of strings, the tuple of a field.
    - A dict is collated key by key, a namedtuple field by field into its own type, a list into a
      list, and a tuple into a *list* of batched fields (so `batch[0] = batch[0].to(device)` works).
    """
    sample = batch[0]
    if isinstance(sample, Tensor):
        return stack_samples([s._data for s in batch])
    if isinstance(sample, np.ndarray):
        if sample.dtype.kind in "OSUV":  # strings, bytes, objects: no tensor holds them
            raise TypeError(f"default_collate: cannot batch NumPy arrays of dtype {sample.dtype} (strings or "
                            "objects). Hint: give numbers, or Python strings, which are kept as a list.")
        return stack_samples(batch)
    if isinstance(sample, (np.number, np.bool_)):  # typed scalars keep their type (np.float64 is a float too)
        return stack_samples([np.asarray(s) for s in batch])
    if isinstance(sample, (int, float)):  # bool is an int: a batch of bools is a bool tensor
        try:
            return tensor(batch, dtype=float64) if isinstance(sample, float) else tensor(batch)
        except (TypeError, ValueError):  # tensor() would say "cannot make a tensor from tuple (1, 'a')"
            kinds = sorted({type(s).__name__ for s in batch})
            raise TypeError(f"default_collate: entry 0 of the batch is a number, but the batch holds "
                            f"{', '.join(kinds)}: the dataset returns different kinds of value for different "
                            "samples. Hint: return the same kind (e.g. always the class index as an int) from "
                            "__getitem__, or pass collate_fn=.") from None
    if isinstance(sample, (str, bytes)):
        return batch
    if isinstance(sample, Mapping):
        return same_container(sample, {key: default_collate([s[key] for s in batch]) for key in sample})
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):  # a namedtuple keeps its type
        return type(sample)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(sample, Sequence):
        if any(len(s) != len(sample) for s in batch):
            raise RuntimeError("default_collate: each sample in a batch must have the same number of fields, "
                               f"got {sorted({len(s) for s in batch})}")
        fields = [default_collate(field) for field in zip(*batch)]
        if isinstance(sample, tuple):
            return fields
        return same_container(sample, fields)
    raise TypeError(f"default_collate: batches must contain Tensors, NumPy arrays, numbers, strings, dicts or "
                    f"lists; found {type(sample).__name__}. Hint: pass collate_fn= to build batches yourself.")


def default_convert(data: Any) -> Any:
    """One sample as DataLoader(batch_size=None) gives it (PyTorch's rules, its collate_fn by default
    then): NumPy arrays and NumPy scalars become tensors of their dtype (an array's memory shared, as
    torch.as_tensor shares it); dicts, lists and namedtuples are converted item by item and keep their
    type; a tuple becomes a *list*, as default_collate's batches; tensors, Python numbers and strings
    are kept as they are."""
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "OSUV" else Tensor._wrap(data)  # strings, objects: no tensor holds them
    if isinstance(data, (np.number, np.bool_)):
        return Tensor._wrap(np.asarray(data))
    if isinstance(data, Mapping):
        return same_container(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple keeps its type
        return type(data)(*(default_convert(field) for field in data))
    if isinstance(data, tuple):
        return [default_convert(field) for field in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return same_container(data, [default_convert(field) for field in data])
    return data


def stack_samples(arrays: Sequence[np.ndarray]) -> Tensor:
    """The samples' arrays stacked on a new first axis. Mixed dtypes promote as torch.stack promotes
    them (int64 with float32 gives float32; NumPy alone would give float64)."""
    first = arrays[0]
    for i, array in enumerate(arrays):
        if array.shape != first.shape:
            raise RuntimeError(f"default_collate: stack expects each sample to be equal size, but got shape "
                               f"{first.shape} at entry 0 and {array.shape} at entry {i} of the batch. Hint: pad "
                               "or crop the samples to one shape in the dataset, or pass collate_fn= to build "
                               "the batch yourself (e.g. keep a list of tensors).")
    dtype = functools.reduce(promote_types, [array.dtype for array in arrays])
    return Tensor._wrap(np.stack(arrays, dtype=dtype))


def same_container(sample: Mapping | Sequence, fields: dict | list) -> Mapping | Sequence | dict | list:
    """The collated `fields` in a container of the sample's own type, as PyTorch keeps it: a copy of a
    mutable one (an OrderedDict stays one, a defaultdict keeps its factory), else that type made from
    the fields, else the plain dict or list when the type cannot be made so."""
    try:
        if isinstance(sample, MutableMapping):
            clone = copy.copy(sample)
            clone.update(fields)
            return clone
        if isinstance(sample, MutableSequence):
            clone = copy.copy(sample)
            for i, field in enumerate(fields):
                clone[i] = field
            return clone
        return type(sample)(fields)
    except TypeError:
        return fields


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

    Shuffling draws from `generator` (a tinygrad_edu.Generator), or from a generator seeded
    once with `seed` (so the epochs' orders are reproducible), or else from the library's
    default generator (`tinygrad_edu.manual_seed`). The last batch may be smaller unless
    `drop_last=True`. A `sampler` (an iterable of indices) or a `batch_sampler` (an iterable of
    lists of indices) replaces the built-in order; batch_size=None yields single samples.

    num_workers, pin_memory, timeout, prefetch_factor, persistent_workers and the other
    multiprocessing options are accepted so PyTorch code runs unchanged, but batches are always
    loaded in this process: indexing NumPy arrays is fast, and one process is easy to debug.
    A worker_init_fn is called once per epoch with worker id 0.
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn: Callable[[list], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True,
                 seed: int | None = None):
        if batch_size is not None and (not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool)
                                       or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size should be a positive integer, got {batch_size!r}")
        if not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be non-negative, got {num_workers!r}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle; "
                             "drop shuffle=True (the sampler decides the order)")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                             "sampler, and drop_last")
        if isinstance(dataset, IterableDataset) and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader: an IterableDataset yields samples in its own order; shuffle, sampler "
                             "and batch_sampler cannot be used with it")
        self.dataset = dataset
        self.batch_size = None if batch_size is None or batch_sampler is not None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory, self.timeout = int(num_workers), pin_memory, timeout
        self.worker_init_fn = worker_init_fn
        # a Generator is kept as it is (so reseeding it later is seen); a seed makes a generator once
        self.generator = make_rng(generator, seed) if seed is not None or isinstance(generator, int) else generator
        self.sampler = sampler
        self.batch_sampler = batch_sampler

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def batch_indices(self) -> Iterator[np.ndarray]:
        if self.batch_sampler is not None:
            for batch in self.batch_sampler:
                yield np.asarray(list(batch), dtype=np.int64)
            return
        if self.sampler is not None:
            order = np.fromiter((int(i) for i in self.sampler), dtype=np.int64)
        else:
            n = len(self.dataset)
            order = make_rng(self.generator).permutation(n) if self.shuffle else np.arange(n)
        n = len(order)
        size = self.batch_size or 1
        stop = n - n % size if self.drop_last else n
        for start in range(0, stop, size):
            yield order[start:start + size]

    def __iter__(self) -> Iterator[Any]:
        if self.worker_init_fn is not None:
            self.worker_init_fn(0)
        if isinstance(self.dataset, IterableDataset):
            yield from self.iterate_stream()
            return
        if self.batch_size is None and self.batch_sampler is None:  # no batching: one sample at a time
            convert = self.collate_fn or default_convert
            for indices in self.batch_indices():
                yield convert(self.dataset[int(indices[0])])
            return
        source = tensor_source(self.dataset) if self.collate_fn is None else None
        if source is not None:
            arrays, index_map = source
            for indices in self.batch_indices():
                rows = indices if index_map is None else index_map[indices]
                yield [Tensor._wrap(array[rows]) for array in arrays]  # a list, as default_collate makes
            return
        collate = self.collate_fn or default_collate
        for indices in self.batch_indices():
            yield collate([self.dataset[int(i)] for i in indices])

    def iterate_stream(self) -> Iterator[Any]:
        """Batches of an IterableDataset, in the order its iterator gives them."""
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            for sample in self.dataset:
                yield convert(sample)
            return
        collate, batch = self.collate_fn or default_collate, []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)
