"""Datasets, random_split, DataLoader (order, shuffling, last batch, collate), generators and the IDX reader.
The exact rules of default_collate, beside PyTorch's, are in test_collate.py."""

import gzip
import os
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import (
    DataLoader,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    default_collate,
    load_digits,
    load_mnist,
    make_and,
    make_blobs,
    make_circles,
    make_moons,
    make_or,
    make_spirals,
    make_xor,
    random_split,
    read_idx,
)


def numbered(n=10):
    """A TensorDataset whose sample i is (row [i, 10 i], label i)."""
    X = np.stack([np.arange(n), 10 * np.arange(n)], 1).astype(np.float32)
    return TensorDataset(tg.tensor(X), tg.tensor(np.arange(n)))


class Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": float(i), "sq": np.array([i * i, -i])}, i, f"s{i}"


# ---------------------------------------------------------------- datasets and splits
def test_tensor_dataset_indexing_and_errors():
    ds = numbered(5)
    x, y = ds[3]
    assert len(ds) == 5 and x.tolist() == [3.0, 30.0] and y.item() == 3
    with pytest.raises(AssertionError, match=r"size mismatch.*\(5, 2\), \(4,\)"):  # PyTorch's type
        TensorDataset(tg.zeros(5, 2), tg.zeros(4))
    assert TensorDataset(np.zeros((3, 2)))[0][0].shape == (2,)  # arrays are accepted


def test_dataset_base_says_what_to_implement():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(TypeError, match="__len__"):  # as len() of anything without one: list() relies on it
        len(Dataset())


def test_list_of_a_loader_over_a_stream():
    """list(DataLoader(iterable_dataset)) asks for a length hint first, and goes on without one."""
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(5))
    assert [b.tolist() for b in list(DataLoader(Stream(), batch_size=2))] == [[0, 1], [2, 3], [4]]


def test_random_split_lengths_and_fractions():
    ds = numbered(10)
    a, b = random_split(ds, [7, 3], seed=0)
    assert (len(a), len(b)) == (7, 3)
    assert sorted(a.indices + b.indices) == list(range(10))  # disjoint and covering
    assert [len(s) for s in random_split(ds, [0.5, 0.3, 0.2], seed=0)] == [5, 3, 2]
    assert [len(s) for s in random_split(ds, [0.34, 0.33, 0.33], seed=0)] == [4, 3, 3]  # remainder goes first
    again = random_split(ds, [7, 3], seed=0)
    assert again[0].indices == a.indices and a.indices != list(range(7))
    assert random_split(ds, [7, 3], generator=np.random.default_rng(0))[0].indices == a.indices
    with pytest.raises(ValueError, match="sum to 9, but the dataset has 10"):
        random_split(ds, [6, 3])


def test_random_split_follows_manual_seed():
    tg.manual_seed(3)
    first = random_split(numbered(10), [5, 5])[0].indices
    tg.manual_seed(3)
    assert random_split(numbered(10), [5, 5])[0].indices == first


def test_subset_maps_indices():
    sub = Subset(numbered(10), [4, 2, 9])
    assert len(sub) == 3 and sub[1][1].item() == 2 and sub[2][0].tolist() == [9.0, 90.0]


# ---------------------------------------------------------------- DataLoader
def labels_of(loader):
    return [yb.tolist() for _, yb in loader]


@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 3, False, [3, 3, 3, 1]), (10, 3, True, [3, 3, 3]), (10, 5, False, [5, 5]), (10, 5, True, [5, 5]),
    (2, 5, False, [2]), (2, 5, True, [])])
def test_batches_in_order_and_last_batch(n, batch_size, drop_last, sizes):
    loader = DataLoader(numbered(n), batch_size=batch_size, drop_last=drop_last)
    assert len(loader) == len(sizes)
    batches = list(loader)
    assert [len(yb) for _, yb in batches] == sizes
    assert sum(labels_of(loader), []) == list(range(sum(sizes)))
    for xb, yb in batches:
        assert xb.dtype == np.float32 and yb.dtype == np.int64 and isinstance(xb, tg.Tensor)
        np.testing.assert_array_equal(xb._data[:, 1], 10 * yb._data)  # rows stay with their labels


def test_shuffle_with_seed_is_a_reproducible_permutation_per_epoch():
    loader = DataLoader(numbered(20), batch_size=6, shuffle=True, seed=42)
    epoch1, epoch2 = sum(labels_of(loader), []), sum(labels_of(loader), [])
    assert sorted(epoch1) == list(range(20)) and sorted(epoch2) == list(range(20))
    assert epoch1 != list(range(20)) and epoch1 != epoch2  # shuffled, and anew each epoch
    again = DataLoader(numbered(20), batch_size=6, shuffle=True, seed=42)
    assert sum(labels_of(again), []) == epoch1 and sum(labels_of(again), []) == epoch2
    with_generator = DataLoader(numbered(20), batch_size=6, shuffle=True, generator=np.random.default_rng(42))
    assert sum(labels_of(with_generator), []) == epoch1


def test_shuffle_without_seed_follows_manual_seed():
    loader = DataLoader(numbered(20), batch_size=20, shuffle=True)
    tg.manual_seed(7)
    first = labels_of(loader)
    tg.manual_seed(7)
    assert labels_of(loader) == first


def test_shuffle_drop_last_drops_a_random_remainder():
    loader = DataLoader(numbered(10), batch_size=4, shuffle=True, drop_last=True, seed=0)
    seen = sum(labels_of(loader), [])
    assert len(seen) == 8 and len(set(seen)) == 8


def test_fast_path_equals_per_sample_collate():
    ds = random_split(numbered(23), [17, 6], seed=1)[0]  # a Subset of a TensorDataset takes the fast path too
    fast = list(DataLoader(ds, batch_size=5, shuffle=True, seed=3))
    slow = list(DataLoader(ds, batch_size=5, shuffle=True, seed=3, collate_fn=default_collate))
    assert len(fast) == len(slow) == 4
    for (xf, yf), (xs, ys) in zip(fast, slow):
        np.testing.assert_array_equal(xf._data, xs._data)
        np.testing.assert_array_equal(yf._data, ys._data)
        assert xf.dtype == xs.dtype and yf.dtype == ys.dtype


def test_default_collate_keeps_structure():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    fields, labels, names = batch
    assert isinstance(batch, list)  # PyTorch's rule: tuple samples give a list of fields
    assert fields["x"].dtype == np.float64 and fields["x"].tolist() == [0.0, 1.0, 2.0]  # Python floats are doubles
    assert fields["sq"].shape == (3, 2) and fields["sq"].tolist() == [[0, 0], [1, -1], [4, -2]]
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 2]
    assert names == ("s0", "s1", "s2")  # a field of strings is the tuple zip makes, as in PyTorch
    assert [len(b[1]) for b in DataLoader(Squares(), batch_size=3)] == [3, 3, 1]


def test_custom_collate_fn():
    loader = DataLoader(numbered(6), batch_size=4, collate_fn=lambda samples: len(samples))
    assert list(loader) == [4, 2]


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(numbered(3), batch_size=0)


def test_batches_are_copies():
    ds = numbered(4)
    xb, _ = next(iter(DataLoader(ds, batch_size=2)))
    xb._data[:] = -1
    assert ds.tensors[0]._data.min() == 0


# ---------------------------------------------------------------- generators
@pytest.mark.parametrize("make, outputs", [(make_xor, [0, 1, 1, 0]), (make_or, [0, 1, 1, 1]),
                                           (make_and, [0, 0, 0, 1])])
def test_logic_gates(make, outputs):
    X, y = make()
    assert X.dtype == np.float32 and X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.dtype == np.int64 and y.tolist() == outputs


GENERATORS = [
    (make_moons, dict(n_samples=101, noise=0.1), 2),
    (make_circles, dict(n_samples=101, noise=0.05, factor=0.5), 2),
    (make_spirals, dict(n_samples=100, n_classes=3, noise=0.2), 3),
    (make_blobs, dict(n_samples=100, centers=4, n_features=3), 4),
]


@pytest.mark.parametrize("make, options, n_classes", GENERATORS, ids=lambda v: getattr(v, "__name__", ""))
def test_generator_shapes_dtypes_balance_and_seed(make, options, n_classes):
    X, y = make(seed=0, **options)
    n = options["n_samples"]
    assert X.shape == (n, options.get("n_features", 2)) and X.dtype == np.float32 and y.dtype == np.int64
    counts = np.bincount(y._data, minlength=n_classes)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1  # balanced
    X2, y2 = make(seed=0, **options)
    np.testing.assert_array_equal(X._data, X2._data)
    np.testing.assert_array_equal(y._data, y2._data)
    X3, _ = make(seed=1, **options)
    assert not np.array_equal(X._data, X3._data)
    assert y._data[: n_classes * 3].tolist() != sorted(y._data[: n_classes * 3].tolist())  # shuffled


def test_generators_follow_manual_seed():
    tg.manual_seed(5)
    X, _ = make_moons(20, noise=0.1)
    tg.manual_seed(5)
    np.testing.assert_array_equal(make_moons(20, noise=0.1)[0]._data, X._data)


def test_noiseless_geometry():
    X, y = make_moons(50)
    upper, lower = X._data[y._data == 0], X._data[y._data == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1, atol=1e-6)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1, atol=1e-6)
    X, y = make_circles(40, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X._data.T), np.where(y._data == 0, 1.0, 0.3), atol=1e-6)
    X, y = make_spirals(90, n_classes=3)
    assert np.hypot(*X._data.T).max() <= 1 + 1e-6
    centers = np.array([[0.0, 0.0], [50.0, 50.0]])
    X, y = make_blobs(400, centers=centers, cluster_std=0.5, seed=0)
    for k in range(2):
        np.testing.assert_allclose(X._data[y._data == k].mean(0), centers[k], atol=0.15)
        assert abs(X._data[y._data == k].std() - 0.5) < 0.1


def test_make_blobs_takes_noise_as_cluster_std():
    # issue 3 calls the spread "noise", as make_moons does; scikit-learn calls it cluster_std.
    X, y = make_blobs(60, centers=3, noise=0.25, seed=4)
    X_std, y_std = make_blobs(60, centers=3, cluster_std=0.25, seed=4)
    np.testing.assert_array_equal(X._data, X_std._data)
    np.testing.assert_array_equal(y._data, y_std._data)
    assert not np.array_equal(make_blobs(60, centers=3, seed=4)[0]._data, X._data)  # the default std is 1
    with pytest.raises(ValueError, match="make_blobs: give either noise or cluster_std"):
        make_blobs(10, noise=0.1, cluster_std=0.2)
@pytest.mark.parametrize("name, options", [("make_moons", {}), ("make_circles", dict(factor=0.4))])
def test_noiseless_points_match_scikit_learn(name, options):
    sklearn_datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn not installed")
    X, y = globals()[name](n_samples=31, shuffle=False, **options)
    X_ref, y_ref = getattr(sklearn_datasets, name)(n_samples=31, shuffle=False, **options)
    np.testing.assert_allclose(X._data, X_ref, atol=1e-6)
    np.testing.assert_array_equal(y._data, y_ref)


def test_make_circles_factor_must_be_below_one():
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.5)


# ---------------------------------------------------------------- digits
def test_load_digits():
    pytest.importorskip("sklearn", reason="scikit-learn not installed (the 'datasets' extra)")
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.shape == (1797,) and y.dtype == np.int64
    assert X._data.min() == 0.0 and X._data.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "tinygrad-edu\[datasets\]"'):
        load_digits()


# ---------------------------------------------------------------- IDX / MNIST
def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, ">i4").tobytes()
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data: bytes, gz: bool = False):
    with (gzip.open(path + ".gz", "wb") if gz else open(path, "wb")) as f:
        f.write(data)


def fake_mnist(folder, prefix="train", n=5, gz=False, rows=28):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, rows, rows), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    write(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), idx_bytes(images), gz)
    write(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), idx_bytes(labels), gz)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("train", [True, False])
def test_load_mnist_reads_idx_files(tmp_path, gz, train):
    images, labels = fake_mnist(str(tmp_path), "train" if train else "t10k", n=6, gz=gz)
    X, y = load_mnist(str(tmp_path), train=train)
    assert X.shape == (6, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X._data * 255, images, atol=1e-4)
    np.testing.assert_array_equal(y._data, labels)


def test_load_mnist_finds_torchvision_layout(tmp_path):
    folder = tmp_path / "MNIST" / "raw"
    folder.mkdir(parents=True)
    _, labels = fake_mnist(str(folder), "t10k", n=3)
    np.testing.assert_array_equal(load_mnist(str(tmp_path), train=False)[1]._data, labels)


def test_load_mnist_missing_files_lists_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(str(tmp_path))
    message = str(info.value)
    assert "images and labels" in message
    assert os.path.join(str(tmp_path), "train-images-idx3-ubyte.gz") in message
    assert os.path.join(str(tmp_path), "MNIST", "raw", "train-labels-idx1-ubyte") in message


def test_load_mnist_mismatched_counts(tmp_path):
    fake_mnist(str(tmp_path), n=4)
    write(os.path.join(str(tmp_path), "train-labels-idx1-ubyte"), idx_bytes(np.zeros(3, np.uint8)))
    with pytest.raises(ValueError, match="4 images but .* 3 labels"):
        load_mnist(str(tmp_path))


def test_read_idx_other_types_and_errors(tmp_path):
    path = str(tmp_path / "f")
    values = np.arange(6, dtype=np.int32).reshape(2, 3) - 2
    write(path, idx_bytes(values, 0x0C))
    np.testing.assert_array_equal(read_idx(path), values)
    write(path, idx_bytes(np.array([1.5, -2.0]), 0x0E), gz=True)
    np.testing.assert_array_equal(read_idx(path + ".gz"), [1.5, -2.0])
    write(path, b"\x50\x4b\x03\x04 not idx")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(path)
    write(path, idx_bytes(np.zeros((2, 3), np.uint8))[:-1])
    with pytest.raises(ValueError, match=r"header announces shape \(2, 3\)"):
        read_idx(path)
    write(path, bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path)


def test_tensor_dataset_and_loader_share_memory_with_the_data():
    X, y = np.arange(60, dtype=np.float32).reshape(20, 3), np.arange(20)
    ds = TensorDataset(X, y)
    assert np.shares_memory(ds.tensors[0]._data, X) and np.shares_memory(ds.tensors[1]._data, y)
    assert ds.tensors[0].dtype == np.float32 and ds.tensors[1].dtype == y.dtype
    t = tg.tensor(X)
    assert not np.shares_memory(t._data, X)  # tensor() copies, as torch.tensor does
    assert TensorDataset(t).tensors[0] is t
    X[0, 0] = -1.0  # the dataset sees a change to the array: it is the same memory
    assert ds[0][0]._data[0] == -1.0
    xb, yb = next(iter(DataLoader(ds, batch_size=8)))
    np.testing.assert_array_equal(xb.numpy(), X[:8])
    np.testing.assert_array_equal(yb.numpy(), y[:8])


def test_an_epoch_over_an_array_allocates_no_copy_of_it():
    import tracemalloc
    X = np.ones((4096, 256), dtype=np.float32)  # 4 MB
    y = np.zeros(4096, dtype=np.int64)
    tracemalloc.start()
    try:
        for xb, _ in DataLoader(TensorDataset(X, y), batch_size=128, shuffle=True, seed=0):
            assert xb.shape == (128, 256)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 4, f"peak {peak} bytes: the data was copied"
