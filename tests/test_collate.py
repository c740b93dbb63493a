"""default_collate and the DataLoader's batches, checked against PyTorch's rules.

Each case states the exact batch (container types, shapes, dtypes, values) as a literal; the
torch-free test checks tinygrad_edu against it, and the torch twin checks that torch 2.x's
torch.utils.data.default_collate gives the same literal, so the table is PyTorch's behaviour.
"""

import collections

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.data import DataLoader, Dataset, TensorDataset, default_collate

Point = collections.namedtuple("Point", "x y")


def describe(batch):
    """A batch as plain data: a tensor is ("tensor", shape, dtype name, values); containers keep their type."""
    if hasattr(batch, "shape") and hasattr(batch, "dtype") and not isinstance(batch, np.ndarray):
        return ("tensor", tuple(batch.shape), str(batch.dtype).split(".")[-1], batch.tolist())
    if isinstance(batch, dict):
        return (type(batch).__name__, {key: describe(value) for key, value in batch.items()})
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [describe(value) for value in batch])
    return batch


def T(shape, dtype, values):
    return ("tensor", shape, dtype, values)


# (id, make the batch from a framework module (tinygrad_edu or torch), the batch described)
CASES = [
    ("python floats are float64", lambda m: [1.5, 2.0], T((2,), "float64", [1.5, 2.0])),
    ("python ints are int64", lambda m: [1, 2], T((2,), "int64", [1, 2])),
    ("python bools are bool", lambda m: [True, False], T((2,), "bool", [True, False])),
    ("an int first sets the default float", lambda m: [1, 2.5], T((2,), "float32", [1.0, 2.5])),
    ("a float first gives float64", lambda m: [2.5, 1], T((2,), "float64", [2.5, 1.0])),
    ("strings stay a list", lambda m: ["a", "b"], ("list", ["a", "b"])),
    ("tuples become a list, string fields a tuple", lambda m: [(1, 0.5, "a"), (2, 1.5, "b")],
     ("list", [T((2,), "int64", [1, 2]), T((2,), "float64", [0.5, 1.5]), ("tuple", ["a", "b"])])),
    ("lists stay lists", lambda m: [[1, 2], [3, 4]],
     ("list", [T((2,), "int64", [1, 3]), T((2,), "int64", [2, 4])])),
    ("namedtuples keep their type", lambda m: [Point(1, 0.5), Point(2, 1.5)],
     ("Point", [T((2,), "int64", [1, 2]), T((2,), "float64", [0.5, 1.5])])),
    ("dicts key by key, string fields a list", lambda m: [{"n": 1, "s": "a"}, {"n": 2, "s": "b"}],
     ("dict", {"n": T((2,), "int64", [1, 2]), "s": ("list", ["a", "b"])})),
    ("an OrderedDict stays one", lambda m: [collections.OrderedDict(n=1), collections.OrderedDict(n=2)],
     ("OrderedDict", {"n": T((2,), "int64", [1, 2])})),
    ("nested", lambda m: [{"pair": (np.float32(1), "x"), "rows": [np.arange(2)]},
                          {"pair": (np.float32(2), "y"), "rows": [np.arange(2, 4)]}],
     ("dict", {"pair": ("list", [T((2,), "float32", [1.0, 2.0]), ("tuple", ["x", "y"])]),
               "rows": ("list", [T((2, 2), "int64", [[0, 1], [2, 3]])])})),
    ("float32 arrays stay float32", lambda m: [np.zeros(2, np.float32), np.ones(2, np.float32)],
     T((2, 2), "float32", [[0.0, 0.0], [1.0, 1.0]])),
    ("float64 arrays stay float64", lambda m: [np.zeros(1), np.ones(1)], T((2, 1), "float64", [[0.0], [1.0]])),
    ("int32 arrays stay int32", lambda m: [np.array([1], np.int32), np.array([2], np.int32)],
     T((2, 1), "int32", [[1], [2]])),
    ("uint8 arrays stay uint8", lambda m: [np.array([1], np.uint8), np.array([2], np.uint8)],
     T((2, 1), "uint8", [[1], [2]])),
    ("0-d arrays", lambda m: [np.array(1.5), np.array(2.5)], T((2,), "float64", [1.5, 2.5])),
    ("float32 and float64 arrays promote", lambda m: [np.zeros(1, np.float32), np.ones(1)],
     T((2, 1), "float64", [[0.0], [1.0]])),
    ("numpy float32 scalars", lambda m: [np.float32(1), np.float32(2)], T((2,), "float32", [1.0, 2.0])),
    ("numpy float64 scalars", lambda m: [np.float64(1), np.float64(2)], T((2,), "float64", [1.0, 2.0])),
    ("numpy int32 scalars", lambda m: [np.int32(1), np.int32(2)], T((2,), "int32", [1, 2])),
    ("numpy bool scalars", lambda m: [np.bool_(True), np.bool_(False)], T((2,), "bool", [True, False])),
    ("numpy int64 then float32 scalars", lambda m: [np.int64(1), np.float32(2)], T((2,), "float32", [1.0, 2.0])),
    ("numpy float64 then float32 scalars", lambda m: [np.float64(1), np.float32(2)], T((2,), "float64", [1.0, 2.0])),
    ("numpy uint8 then int8 scalars", lambda m: [np.uint8(1), np.int8(2)], T((2,), "int16", [1, 2])),
    ("tensors", lambda m: [m.zeros(2), m.ones(2)], T((2, 2), "float32", [[0.0, 0.0], [1.0, 1.0]])),
    ("0-d tensors", lambda m: [m.tensor(3), m.tensor(4)], T((2,), "int64", [3, 4])),
    ("int64 and float32 tensors promote", lambda m: [m.tensor([1]), m.tensor([0.5])],
     T((2, 1), "float32", [[1.0], [0.5]])),
    ("tuples of tensors", lambda m: [(m.zeros(2), m.tensor(0)), (m.ones(2), m.tensor(1))],
     ("list", [T((2, 2), "float32", [[0.0, 0.0], [1.0, 1.0]]), T((2,), "int64", [0, 1])])),
]

# (id, make the batch, PyTorch's exception type, our message)
ERRORS = [
    ("ragged tensors", lambda m: [m.zeros(2), m.zeros(3)], RuntimeError,
     r"equal size, but got shape \(2,\) at entry 0 and \(3,\) at entry 1.*Hint: pad"),
    ("ragged arrays", lambda m: [np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 4))], RuntimeError,
     r"\(2, 3\) at entry 0 and \(2, 4\) at entry 2"),
    ("samples with different numbers of fields", lambda m: [(1, 2), (1,)], RuntimeError, "same number of fields"),
    ("objects", lambda m: [object(), object()], TypeError, "found object.*collate_fn="),
    ("None", lambda m: [None, None], TypeError, "found NoneType"),
    ("complex numbers", lambda m: [1j, 2j], TypeError, "found complex"),
    ("arrays of strings", lambda m: [np.array(["a"]), np.array(["b"])], TypeError, "dtype <U1"),
    ("arrays of objects", lambda m: [np.array([None]), np.array([None])], TypeError, "dtype object"),
]


@pytest.mark.parametrize("make, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_default_collate(make, expected):
    assert describe(default_collate(make(tg))) == expected


@pytest.mark.parametrize("make, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_default_collate_matches_torch(make, expected):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    assert describe(torch_collate(make(torch))) == expected


@pytest.mark.parametrize("make, error, message", [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_default_collate_errors(make, error, message):
    with pytest.raises(error, match=message):
        default_collate(make(tg))


@pytest.mark.parametrize("make, error, message", [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_default_collate_errors_match_torch(make, error, message):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate
    with pytest.raises(error):
        torch_collate(make(torch))


def test_strings_come_back_as_given_and_containers_keep_their_extras():
    names = ["a", "b"]
    assert default_collate(names) is names
    counts = default_collate([collections.defaultdict(int, n=1), collections.defaultdict(int, n=2)])
    assert counts.default_factory is int and counts["n"].tolist() == [1, 2]


class Rows(Dataset):
    """(float32 row, label) pairs read one sample at a time: the DataLoader's per-sample path."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full(3, i, dtype=np.float32), i


@pytest.mark.parametrize("dataset", [Rows(), TensorDataset(np.arange(15, dtype=np.float32).reshape(5, 3) // 3,
                                                           np.arange(5))], ids=["per sample", "TensorDataset"])
def test_loader_batches_are_lists_a_loop_can_move_to_a_device(dataset):
    batch = next(iter(DataLoader(dataset, batch_size=2)))
    assert isinstance(batch, list) and len(batch) == 2
    batch[0] = batch[0].to("cpu")  # PyTorch code moves fields in place; a tuple would refuse
    xb, yb = batch
    assert xb.dtype == tg.float32 and xb.tolist() == [[0.0] * 3, [1.0] * 3]
    assert yb.dtype == tg.int64 and yb.tolist() == [0, 1]


def test_loader_batches_match_torch():
    torch = pytest.importorskip("torch")
    X, y = np.arange(15, dtype=np.float32).reshape(5, 3) // 3, np.arange(5)
    for ours, theirs in [(Rows(), Rows()), (TensorDataset(X, y),
                                             torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)))]:
        expected = [describe(b) for b in torch.utils.data.DataLoader(theirs, batch_size=2)]
        assert [describe(b) for b in DataLoader(ours, batch_size=2)] == expected


TENSOR_DATASET_ERRORS = [
    ("first sizes differ", lambda m: (m.zeros(5, 2), m.zeros(4)), AssertionError,
     r"size mismatch between tensors: shapes \(5, 2\), \(4,\)"),
    ("a 0-d tensor", lambda m: (m.zeros(3), m.zeros(())), IndexError, r"no dimensions: shapes \(3,\), \(\)"),
]


@pytest.mark.parametrize("make, error, message", [case[1:] for case in TENSOR_DATASET_ERRORS],
                         ids=[case[0] for case in TENSOR_DATASET_ERRORS])
def test_tensor_dataset_errors(make, error, message):
    with pytest.raises(error, match=message):
        TensorDataset(*make(tg))


@pytest.mark.parametrize("make, error, message", [case[1:] for case in TENSOR_DATASET_ERRORS],
                         ids=[case[0] for case in TENSOR_DATASET_ERRORS])
def test_tensor_dataset_errors_match_torch(make, error, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(error):
        torch.utils.data.TensorDataset(*make(torch))
