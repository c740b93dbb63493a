"""tinygrad_edu.utils.data, PyTorch's path: the DataLoader's PyTorch arguments, samplers, generators,
IterableDataset, ConcatDataset, and datasets that share memory instead of copying."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.data
from tinygrad_edu.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)


def numbered(n=10):
    return TensorDataset(tg.arange(n).float().reshape(n, 1), tg.arange(n))


def labels(loader):
    return [yb.tolist() for _, yb in loader]


def test_one_implementation_under_both_paths():
    assert tinygrad_edu.data.DataLoader is DataLoader and tinygrad_edu.data.TensorDataset is TensorDataset
    assert tg.utils.data.random_split is random_split and tinygrad_edu.data.make_moons is tg.utils.data.make_moons


def test_tensor_dataset_shares_memory():
    X, y = tg.randn(6, 2), tg.arange(6)
    ds = TensorDataset(X, y)
    assert ds.tensors[0] is X and np.shares_memory(ds.tensors[1]._data, y._data)
    array = np.zeros((4, 3))
    from_array = TensorDataset(array)
    assert np.shares_memory(from_array.tensors[0]._data, array) and from_array.tensors[0].dtype == np.float64
    assert np.shares_memory(TensorDataset(tg.from_numpy(array)).tensors[0]._data, array)


def test_pytorch_loader_arguments_are_accepted():
    calls = []
    loader = DataLoader(numbered(10), batch_size=4, shuffle=False, num_workers=2, pin_memory=True, drop_last=False,
                        timeout=5, worker_init_fn=calls.append, prefetch_factor=2, persistent_workers=True,
                        pin_memory_device="", multiprocessing_context=None, in_order=True)
    assert labels(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(loader) == 3
    assert calls == [0] and loader.num_workers == 2 and len(loader.dataset) == 10
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(numbered(3), num_workers=-1)


def test_generator_makes_the_shuffle_reproducible():
    def orders(seed):
        loader = DataLoader(numbered(12), batch_size=12, shuffle=True, generator=tg.Generator().manual_seed(seed))
        return [labels(loader)[0] for _ in range(2)]
    first = orders(0)
    assert first == orders(0) and first != orders(1)
    assert first[0] != first[1] and sorted(first[0]) == list(range(12))  # a new permutation each epoch


def test_random_split_with_generator():
    ds = numbered(10)
    a = random_split(ds, [0.7, 0.3], generator=tg.Generator().manual_seed(42))
    b = random_split(ds, [7, 3], generator=tg.Generator().manual_seed(42))
    assert [s.indices for s in a] == [s.indices for s in b] and [len(s) for s in a] == [7, 3]
    assert sorted(a[0].indices + a[1].indices) == list(range(10))
    other = random_split(ds, [7, 3], generator=tg.Generator().manual_seed(43))
    assert other[0].indices != a[0].indices


def test_samplers():
    ds = numbered(6)
    assert list(SequentialSampler(ds)) == [0, 1, 2, 3, 4, 5]
    order = list(RandomSampler(ds, generator=tg.Generator().manual_seed(0)))
    assert sorted(order) == list(range(6)) and order != list(range(6))
    drawn = list(RandomSampler(ds, replacement=True, num_samples=20, generator=tg.Generator().manual_seed(0)))
    assert len(drawn) == 20 and set(drawn) <= set(range(6)) and len(set(drawn)) < 20
    assert len(list(RandomSampler(ds, num_samples=9))) == 9  # more than the dataset: several permutations
    subset = list(SubsetRandomSampler([5, 1, 3]))
    assert sorted(subset) == [1, 3, 5]
    assert list(BatchSampler(SequentialSampler(ds), 4, drop_last=False)) == [[0, 1, 2, 3], [4, 5]]
    assert list(BatchSampler(range(6), 4, drop_last=True)) == [[0, 1, 2, 3]]
    assert len(BatchSampler(range(6), 4, drop_last=False)) == 2


def test_weighted_random_sampler_follows_the_weights():
    drawn = list(WeightedRandomSampler([1.0, 0.0, 3.0], 4000, generator=tg.Generator().manual_seed(0)))
    freq = np.bincount(drawn, minlength=3) / 4000
    assert freq[1] == 0 and abs(freq[2] - 0.75) < 0.03
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([-1.0, 1.0], 2)


def test_loader_with_sampler_and_batch_sampler():
    ds = numbered(8)
    loader = DataLoader(ds, batch_size=2, sampler=[7, 0, 3])
    assert labels(loader) == [[7, 0], [3]] and len(loader) == 2
    loader = DataLoader(ds, batch_sampler=[[1, 2, 3], [0]])
    assert labels(loader) == [[1, 2, 3], [0]] and len(loader) == 2
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_size=4, batch_sampler=[[0]])


def test_batch_size_none_yields_samples():
    samples = list(DataLoader(numbered(3), batch_size=None))
    assert [y.item() for _, y in samples] == [0, 1, 2] and samples[0][0].shape == (1,)


class Countdown(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n, 0, -1))


def test_iterable_dataset_is_batched_in_stream_order():
    assert [b.tolist() for b in DataLoader(Countdown(5), batch_size=2)] == [[5, 4], [3, 2], [1]]
    assert [b.tolist() for b in DataLoader(Countdown(5), batch_size=2, drop_last=True)] == [[5, 4], [3, 2]]
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Countdown(3), shuffle=True)


def test_concat_dataset():
    joined = ConcatDataset([numbered(3), numbered(2)])
    assert len(joined) == 5 and joined[3][1].item() == 0 and joined[-1][1].item() == 1 and joined[2][1].item() == 2
    assert isinstance(numbered(2) + numbered(2), ConcatDataset) and issubclass(ConcatDataset, Dataset)
    with pytest.raises(IndexError, match="out of range"):
        joined[5]
    assert [y.tolist() for _, y in DataLoader(joined, batch_size=5)] == [[0, 1, 2, 0, 1]]


def test_reseeding_the_loaders_generator_restarts_its_order():
    g = tg.Generator().manual_seed(0)
    loader = DataLoader(numbered(10), batch_size=10, shuffle=True, generator=g)
    first = labels(loader)
    g.manual_seed(0)
    assert labels(loader) == first
