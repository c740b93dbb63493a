"""movedim, unflatten, repeat_interleave, diff, unfold, tensor_split, rot90, take_along_dim, ... against
PyTorch (composite/arrangement.py, arrangement_functions.py).

Each table is written once for either library. `VALUES` pairs a call with what NumPy computes for
it; the `*_is_pytorchs` tests check torch against that NumPy twin, the others check ours, so CI
(without torch) checks the same thing. `ERRORS` and `GRAD_FNS` work the same way: the exception
type and a piece of PyTorch's message, the node name PyTorch records. Gradients go through the
op registry's gradchecks (registry_arrangement.py); the few here pin what finite differences on
random inputs do not show (overlapping windows, repeats of 0, a view's memory).
"""

import itertools

import numpy as np
import pytest

import tinygrad_edu as tg

A = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)


def inputs(lib):
    return lib.tensor(A), lib.tensor([3, 1, 4, 1, 5])  # a float tensor x and an int64 vector v


VALUES = {  # label: (call(lib, x, v), NumPy's result for the same A)
    "movedim(0, 2)": (lambda L, x, v: x.movedim(0, 2), np.moveaxis(A, 0, 2)),
    "movedim((0, 1), (2, 0))": (lambda L, x, v: L.movedim(x, (0, 1), (2, 0)), np.moveaxis(A, (0, 1), (2, 0))),
    "moveaxis(-1, 0)": (lambda L, x, v: L.moveaxis(x, -1, 0), np.moveaxis(A, -1, 0)),
    "swapaxes(0, 2)": (lambda L, x, v: x.swapaxes(0, 2), np.swapaxes(A, 0, 2)),
    "swapdims(1, 2)": (lambda L, x, v: L.swapdims(x, 1, 2), np.swapaxes(A, 1, 2)),
    "ravel of a transpose": (lambda L, x, v: L.ravel(x.transpose(0, 2)), A.transpose(2, 1, 0).ravel()),
    "unflatten(2, (2, -1))": (lambda L, x, v: x.unflatten(2, (2, -1)), A.reshape(2, 3, 2, 2)),
    "unflatten(-1, (1, 4, 1))": (lambda L, x, v: L.unflatten(x, -1, (1, 4, 1)), A.reshape(2, 3, 1, 4, 1)),
    "tensor_split(3, dim=2)": (lambda L, x, v: x.tensor_split(3, dim=2), tuple(np.array_split(A, 3, 2))),
    "tensor_split([1, 3, 2, 9], 2)": (lambda L, x, v: L.tensor_split(x, [1, 3, 2, 9], 2),
                                      (A[..., :1], A[..., 1:3], A[..., 3:2], A[..., 2:], A[..., 4:])),
    "tensor_split(tensor([1, 2]), 1)": (lambda L, x, v: x.tensor_split(L.tensor([1, 2]), 1),
                                        tuple(np.split(A, [1, 2], 1))),
    "tensor_split(tensor(2), 2)": (lambda L, x, v: x.tensor_split(L.tensor(2), 2), tuple(np.split(A, 2, 2))),
    "tensor_split(sections=2)": (lambda L, x, v: L.tensor_split(v, sections=2),
                                 (np.array([3, 1, 4]), np.array([1, 5]))),
    "hsplit(2)": (lambda L, x, v: x.hsplit(3), tuple(np.hsplit(A, 3))),
    "hsplit([1])": (lambda L, x, v: L.hsplit(x, [1]), tuple(np.hsplit(A, [1]))),
    "vsplit([1])": (lambda L, x, v: x.vsplit([1]), tuple(np.vsplit(A, [1]))),
    "dsplit(2)": (lambda L, x, v: x.dsplit(2), tuple(np.dsplit(A, 2))),
    "split_with_sizes([1, 3], -1)": (lambda L, x, v: x.split_with_sizes([1, 3], -1), tuple(np.split(A, [1], -1))),
    "fliplr": (lambda L, x, v: x.fliplr(), np.fliplr(A)),
    "flipud": (lambda L, x, v: L.flipud(x), np.flipud(A)),
    "rot90()": (lambda L, x, v: x.rot90(), np.rot90(A)),
    "rot90(2, (1, 2))": (lambda L, x, v: x.rot90(2, (1, 2)), np.rot90(A, 2, (1, 2))),
    "rot90(-1, [2, 0])": (lambda L, x, v: L.rot90(x, -1, [2, 0]), np.rot90(A, -1, (2, 0))),
    "rot90(4)": (lambda L, x, v: x.rot90(4), A),
    "repeat_interleave(2)": (lambda L, x, v: x.repeat_interleave(2), np.repeat(A, 2)),
    "repeat_interleave(3, dim=1)": (lambda L, x, v: x.repeat_interleave(3, dim=1), np.repeat(A, 3, 1)),
    "repeat_interleave(tensor([1, 0, 2]), dim=1)": (lambda L, x, v: x.repeat_interleave(L.tensor([1, 0, 2]), dim=1),
                                                    np.repeat(A, [1, 0, 2], 1)),
    "repeat_interleave(tensor([2]), dim=-1)": (lambda L, x, v: x.repeat_interleave(L.tensor([2]), dim=-1),
                                               np.repeat(A, 2, -1)),
    "repeat_interleave(tensor(2), dim=0, output_size=4)": (
        lambda L, x, v: L.repeat_interleave(x, L.tensor(2), dim=0, output_size=4), np.repeat(A, 2, 0)),
    "repeat_interleave(counts)": (lambda L, x, v: L.repeat_interleave(L.tensor([2, 0, 1])), np.array([0, 0, 2])),
    "repeat_interleave of ints": (lambda L, x, v: v.repeat_interleave(2), np.repeat([3, 1, 4, 1, 5], 2)),
    "take": (lambda L, x, v: x.take(L.tensor([[0, -1], [5, 23]])), A.ravel()[[[0, -1], [5, 23]]]),
    "take_along_dim(argsort, 1)": (lambda L, x, v: L.take_along_dim(x, (-x).argsort(1), 1), A[:, ::-1]),
    "take_along_dim broadcast": (lambda L, x, v: x.take_along_dim(L.tensor([[[0], [2], [1]]]), 2),
                                 np.take_along_axis(A, np.array([[[0], [2], [1]]] * 2), 2)),
    "take_along_dim negative along a dim": (lambda L, x, v: x.take_along_dim(L.tensor([[[-1]]]), 2), A[..., -1:]),
    "take_along_dim(dim=None)": (lambda L, x, v: L.take_along_dim(x, L.tensor([3, 22])), A.ravel()[[3, 22]]),
    "diff()": (lambda L, x, v: x.diff(), np.diff(A)),
    "diff(2, 1)": (lambda L, x, v: L.diff(x, 2, 1), np.diff(A, 2, 1)),
    "diff(prepend, append)": (lambda L, x, v: x.diff(dim=1, prepend=x[:, :1], append=L.zeros(2, 2, 4)),
                              np.diff(A, axis=1, prepend=A[:, :1], append=np.zeros((2, 2, 4)))),
    "diff(9)": (lambda L, x, v: x.diff(9), np.zeros((2, 3, 0))),
    "diff(0)": (lambda L, x, v: x.diff(0), A),
    "diff of bool": (lambda L, x, v: (x % 3 == 0).diff(), np.diff(A % 3 == 0)),
    "diff of ints, int prepend": (lambda L, x, v: v.diff(prepend=L.tensor([0])), np.diff([3, 1, 4, 1, 5], prepend=0)),
    "diag_embed()": (lambda L, x, v: x.diag_embed(), A[..., None] * np.eye(4)),
    "diag_embed(-2, 0, 2)": (lambda L, x, v: L.diag_embed(x[0], -2, 0, 2),
                             np.moveaxis(np.stack([np.diag(r, -2) for r in A[0]]), 0, 1)),
    "diag_embed(1, 3, 1)": (lambda L, x, v: x.diag_embed(1, 3, 1), np.moveaxis(
        np.stack([[np.diag(r, 1) for r in m] for m in A]), (2, 3), (3, 1))),
    "diagflat(1)": (lambda L, x, v: x[0].diagflat(1), np.diagflat(A[0], 1)),
    "diagflat of 0-d": (lambda L, x, v: L.diagflat(x[0, 0, 1], -1), np.diagflat(1.0, -1)),
    "unfold(2, 2, 1)": (lambda L, x, v: x.unfold(2, 2, 1), np.lib.stride_tricks.sliding_window_view(A, 2, 2)),
    "unfold(1, 2, 2)": (lambda L, x, v: x.unfold(1, 2, 2),
                        np.lib.stride_tricks.sliding_window_view(A, 2, 1)[:, ::2]),
    "unfold(-1, 0, 3)": (lambda L, x, v: x.unfold(-1, 0, 3), np.zeros((2, 3, 2, 0))),
    "unfold of 0-d": (lambda L, x, v: x[0, 0, 2].unfold(0, 1, 1), np.array([2.0])),
    "sum_to_size(3, 1)": (lambda L, x, v: x.sum_to_size(3, 1), A.sum((0, 2))[:, None]),
    "sum_to_size((1, 1, 4))": (lambda L, x, v: x.sum_to_size((1, 1, 4)), A.sum((0, 1), keepdims=True)),
    "tril_indices(3, 4, 1)": (lambda L, x, v: L.tril_indices(3, 4, 1), np.stack(np.tril_indices(3, 1, 4))),
    "triu_indices(4, 3, -1)": (lambda L, x, v: L.triu_indices(4, 3, -1), np.stack(np.triu_indices(4, -1, 3))),
    "tril_indices int32": (lambda L, x, v: L.tril_indices(2, 2, dtype=L.int32),
                           np.array([[0, 1, 1], [0, 0, 1]], dtype=np.int32)),
    "triu_indices empty": (lambda L, x, v: L.triu_indices(2, 2, 5), np.zeros((2, 0), dtype=np.int64)),
    "unravel_index": (lambda L, x, v: L.unravel_index(L.tensor([[4, 1], [23, -1]]), (2, 3, 4)),
                      np.unravel_index(np.array([[4, 1], [23, 23]]), (2, 3, 4))),
    "unravel_index wraps": (lambda L, x, v: L.unravel_index(L.tensor(7), 5), (np.array(2),)),
    "block_diag": (lambda L, x, v: L.block_diag(x[0, :2, :2], x[0, 0, :2], x[1, 0, 0]),
                   np.array([[0, 1, 0, 0, 0], [4, 5, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 12]], np.float32)),
    "block_diag promotes": (lambda L, x, v: L.block_diag(v[:1], x[0, 0, :1]), np.array([[3, 0], [0, 0]], np.float32)),
    "block_diag()": (lambda L, x, v: L.block_diag(), np.zeros((1, 0), np.float32)),
    "cartesian_prod": (lambda L, x, v: L.cartesian_prod(x[0, 0, :2], x[1, 1, :3]),
                       np.array(list(itertools.product(A[0, 0, :2], A[1, 1, :3])))),
    "cartesian_prod of one": (lambda L, x, v: L.cartesian_prod(v), np.array([3, 1, 4, 1, 5])),
    "combinations": (lambda L, x, v: L.combinations(v[:3]), np.array(list(itertools.combinations([3, 1, 4], 2)))),
    "combinations(3, True)": (lambda L, x, v: L.combinations(x[0, 0, :2], 3, True),
                              np.array(list(itertools.combinations_with_replacement([0.0, 1.0], 3)))),
    "combinations(r=0)": (lambda L, x, v: L.combinations(v, 0), np.zeros(0, np.int64)),
    "combinations(r=6)": (lambda L, x, v: L.combinations(v, 6), np.zeros((0, 6), np.int64)),
    "column_stack": (lambda L, x, v: L.column_stack([x[0, 0, :3], x[0].T[:3], x[1, 1, :3]]),
                     np.column_stack([A[0, 0, :3], A[0].T[:3], A[1, 1, :3]])),
    "column_stack of 0-d": (lambda L, x, v: L.column_stack([x[0, 0, 0], x[1, 0, :1]]), np.array([[0.0, 12.0]])),
    "row_stack": (lambda L, x, v: L.row_stack([x[0, 0], x[1, 0]]), np.vstack([A[0, 0], A[1, 0]])),
}


def as_tuple(result):
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def assert_same(got, want):
    got, want = as_tuple(got), as_tuple(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert tuple(g.shape) == w.shape
        np.testing.assert_array_equal(np.asarray(g), w)
        assert np.asarray(g).dtype.kind == w.dtype.kind, (np.asarray(g).dtype, w.dtype)


@pytest.mark.parametrize("label", list(VALUES))
def test_the_values_are_pytorchs(label):
    torch = pytest.importorskip("torch")
    call, want = VALUES[label]
    got = call(torch, *inputs(torch))
    assert_same(tuple(g.numpy() for g in as_tuple(got)), want)


@pytest.mark.parametrize("label", list(VALUES))
def test_our_values(label):
    call, want = VALUES[label]
    assert_same(call(tg, *inputs(tg)), want)


ERRORS = {  # label: (call(lib, x, v), exception type, a piece of PyTorch's message that ours says too)
    "movedim repeated": (lambda L, x, v: x.movedim((0, 0), (1, 2)), RuntimeError, r"repeated dim in `source`"),
    "movedim lengths": (lambda L, x, v: x.movedim((0, 1), (0,)), RuntimeError, "should contain the same number"),
    "movedim out of range": (lambda L, x, v: x.movedim(3, 0), IndexError, "out of range"),
    "unflatten sizes": (lambda L, x, v: x.unflatten(1, (2, 2)), RuntimeError,
                        r"don't multiply up to the size of dim 1"),
    "unflatten empty": (lambda L, x, v: x.unflatten(1, ()), RuntimeError, "sizes must be non-empty"),
    "tensor_split 0": (lambda L, x, v: x.tensor_split(0), RuntimeError, "number of sections must be larger than 0"),
    "tensor_split 0-d": (lambda L, x, v: x[0, 0, 0].tensor_split(2), RuntimeError, "at least a 1-dimensional"),
    "tensor_split float": (lambda L, x, v: v.tensor_split(L.tensor([1.0])), RuntimeError,
                           "dtype of long, but got Float"),
    "tensor_split 2-d": (lambda L, x, v: v.tensor_split(L.tensor([[1]])), RuntimeError, "got a tensor with 2 dims"),
    "hsplit divisible": (lambda L, x, v: x.hsplit(2), RuntimeError, "not divisible by the split_size 2"),
    "vsplit 1-D": (lambda L, x, v: v.vsplit(1), RuntimeError, "requires a tensor with at least 2 dimension"),
    "dsplit 2-D": (lambda L, x, v: x[0].dsplit(2), RuntimeError, "requires a tensor with at least 3 dimension"),
    "split_with_sizes sum": (lambda L, x, v: x.split_with_sizes([1, 2]), RuntimeError, "to sum exactly to 2"),
    "split_with_sizes negative": (lambda L, x, v: x.split_with_sizes([3, -1]), RuntimeError, "non-negative entries"),
    "fliplr 1-D": (lambda L, x, v: v.fliplr(), RuntimeError, r"Input must be >= 2-d"),
    "flipud 0-d": (lambda L, x, v: x[0, 0, 0].flipud(), RuntimeError, r"Input must be >= 1-d"),
    "rot90 three dims": (lambda L, x, v: x.rot90(1, (0, 1, 2)), RuntimeError, "expected total rotation dims == 2"),
    "rot90 1-D": (lambda L, x, v: v.rot90(), RuntimeError, "expected total dims >= 2"),
    "rot90 same dim": (lambda L, x, v: x.rot90(1, (1, -2)), RuntimeError, "expected rotation dims to be different"),
    "repeat_interleave negative": (lambda L, x, v: x.repeat_interleave(-1), RuntimeError, "must be non-negative"),
    "repeat_interleave counts": (lambda L, x, v: x.repeat_interleave(L.tensor([1, 2]), dim=1), RuntimeError,
                                 "repeats must have the same size as input along dim"),
    "repeat_interleave negative count": (lambda L, x, v: v.repeat_interleave(L.tensor([1, -1, 1, 1, 1])),
                                         RuntimeError, "repeats can not be negative"),
    "repeat_interleave 2-d counts": (lambda L, x, v: v.repeat_interleave(L.tensor([[1]])), RuntimeError,
                                     "repeats must be 0-dim or 1-dim tensor"),
    "repeat_interleave float counts": (lambda L, x, v: x.repeat_interleave(L.tensor([1.0, 2.0]), dim=0),
                                       NotImplementedError, "not implemented for 'Float'"),
    "repeat_interleave output_size": (lambda L, x, v: x.repeat_interleave(2, dim=0, output_size=5), RuntimeError,
                                      "Invalid output_size, expected 4 but got 5"),
    "take out of range": (lambda L, x, v: x.take(L.tensor([24])), IndexError, "tried to access index 24"),
    "take float index": (lambda L, x, v: x.take(L.tensor([1.0])), RuntimeError, "Expected a long tensor for index"),
    "take a list": (lambda L, x, v: x.take([1]), TypeError, "must be Tensor, not list"),
    "take_along_dim dims": (lambda L, x, v: x.take_along_dim(L.tensor([0]), 1), RuntimeError,
                            "should have the same number of dimensions"),
    "take_along_dim int32": (lambda L, x, v: x.take_along_dim(L.tensor([[[0]]], dtype=L.int32), 1), RuntimeError,
                             "dtype of indices should be Long but got Int"),
    "take_along_dim(dim=None) negative": (lambda L, x, v: x.take_along_dim(L.tensor([-2])), RuntimeError,
                                          "index -2 is out of bounds"),
    "diff 0-d": (lambda L, x, v: x[0, 0, 0].diff(), RuntimeError, "at least one-dimensional"),
    "diff negative n": (lambda L, x, v: v.diff(-1), RuntimeError, "order must be non-negative but got -1"),
    "diff prepend dims": (lambda L, x, v: v.diff(prepend=L.tensor(1)), RuntimeError,
                          "prepend or append to be the same dimension as input"),
    "diff prepend number": (lambda L, x, v: v.diff(prepend=1), TypeError, "'prepend' must be Tensor, not int"),
    "diag_embed same dims": (lambda L, x, v: v.diag_embed(0, 1, 1), RuntimeError, "cannot be identical 1, 1"),
    "diag_embed 0-d": (lambda L, x, v: x[0, 0, 0].diag_embed(), IndexError, "out of range"),
    "unfold too big": (lambda L, x, v: x.unfold(1, 4, 1), RuntimeError,
                       "maximum size for tensor at dimension 1 is 3 but size is 4"),
    "unfold step": (lambda L, x, v: x.unfold(1, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    "unfold size": (lambda L, x, v: x.unfold(1, -1, 1), RuntimeError, "size is -1 but must be >= 0"),
    "sum_to_size": (lambda L, x, v: x.sum_to_size(2, 4), RuntimeError,
                    r"size \{\[2, 4\]\} is not expandable to size \{\[2, 3, 4\]\}"),
    "tril_indices negative": (lambda L, x, v: L.tril_indices(-1, 3), RuntimeError, "row must be non-negative"),
    "tril_indices float": (lambda L, x, v: L.tril_indices(3, 3, dtype=L.float32), NotImplementedError,
                           "not implemented for 'Float'"),
    "unravel_index float": (lambda L, x, v: L.unravel_index(L.tensor(1.0), (2, 3)), TypeError,
                            "expected 'indices' to be integer dtype"),
    "unravel_index negative shape": (lambda L, x, v: L.unravel_index(v, (-1, 3)), ValueError,
                                     "'shape' cannot have negative values"),
    "block_diag 3-d": (lambda L, x, v: L.block_diag(x), RuntimeError, "must have 2 or fewer dimensions"),
    "cartesian_prod 2-d": (lambda L, x, v: L.cartesian_prod(x[0]), RuntimeError,
                           r"Expect a 1D vector, but got shape \[3, 4\]"),
    "cartesian_prod dtypes": (lambda L, x, v: L.cartesian_prod(v, x[0, 0]), RuntimeError,
                              "meshgrid expects all tensors to have the same dtype"),
    "cartesian_prod()": (lambda L, x, v: L.cartesian_prod(), RuntimeError, "meshgrid expects a non-empty TensorList"),
    "combinations negative r": (lambda L, x, v: L.combinations(v, -1), RuntimeError, "Expect a non-negative number"),
    "column_stack()": (lambda L, x, v: L.column_stack([]), RuntimeError, "column_stack expects a non-empty TensorList"),
}


@pytest.mark.parametrize("label", list(ERRORS))
def test_the_errors_are_pytorchs(label):
    torch = pytest.importorskip("torch")
    call, kind, message = ERRORS[label]
    with pytest.raises(kind, match=message):
        call(torch, *inputs(torch))


@pytest.mark.parametrize("label", list(ERRORS))
def test_our_errors(label):
    call, kind, message = ERRORS[label]
    with pytest.raises(kind, match=message):
        call(tg, *inputs(tg))


GRAD_FNS = {  # label: (call(lib, x), the name of PyTorch's node)
    "movedim": (lambda L, x: x.movedim(0, 1), "PermuteBackward0"),
    "swapaxes": (lambda L, x: x.swapaxes(0, 1), "TransposeBackward0"),
    "ravel": (lambda L, x: x.ravel(), "ViewBackward0"),
    "ravel of a transpose": (lambda L, x: x.T.ravel(), "ViewBackward0"),
    "unflatten": (lambda L, x: x.unflatten(1, (2, 2)), "ViewBackward0"),
    "tensor_split": (lambda L, x: x.tensor_split(2)[1], "SliceBackward0"),
    "hsplit": (lambda L, x: x.hsplit([1])[1], "SliceBackward0"),
    "repeat_interleave(2)": (lambda L, x: x.repeat_interleave(2), "ViewBackward0"),
    "diff": (lambda L, x: x.diff(), "SubBackward0"),
    "unfold": (lambda L, x: x.unfold(1, 2, 1), "UnfoldBackward0"),
    "sum_to_size": (lambda L, x: x.sum_to_size(1, 4), "SumBackward1"),
    "cartesian_prod": (lambda L, x: L.cartesian_prod(x[0], x[1]), "StackBackward0"),
    "combinations": (lambda L, x: L.combinations(x[0]), "StackBackward0"),
    "column_stack": (lambda L, x: L.column_stack([x, x]), "CatBackward0"),
    "rot90": (lambda L, x: x.rot90(), "Rot90Backward0"),
    "fliplr": (lambda L, x: x.fliplr(), "FlipBackward0"),
    "take": (lambda L, x: x.take(L.tensor([0, 5])), "TakeBackward0"),
    "take_along_dim": (lambda L, x: x.take_along_dim(L.tensor([[0], [1], [2]]), 1), "GatherBackward0"),
    "repeat_interleave(tensor)": (lambda L, x: x.repeat_interleave(L.tensor([1, 2, 0]), 0), "IndexSelectBackward0"),
    "diag_embed": (lambda L, x: x.diag_embed(), "DiagEmbedBackward0"),
    "block_diag": (lambda L, x: L.block_diag(x, x), "BlockDiagBackward0"),
    "split_with_sizes": (lambda L, x: x.split_with_sizes([1, 2])[0], "SplitWithSizesBackward0"),
}
# Ours, where the op is composed of others and its last node is theirs (README, "Node names follow this graph").
STILL_DIFFERENT = {"rot90": "TransposeBackward0", "fliplr": "CloneBackward0", "take": "IndexBackward0",
                   "take_along_dim": "IndexBackward0", "repeat_interleave(tensor)": "IndexBackward0",
                   "diag_embed": "PermuteBackward0", "block_diag": "CatBackward0",
                   "split_with_sizes": "SliceBackward0"}


def leaf(lib):
    return lib.tensor(A[0], requires_grad=True)


@pytest.mark.parametrize("label", list(GRAD_FNS))
def test_the_node_names_are_pytorchs(label):
    torch = pytest.importorskip("torch")
    call, name = GRAD_FNS[label]
    assert type(call(torch, leaf(torch)).grad_fn).__name__ == name


@pytest.mark.parametrize("label", list(GRAD_FNS))
def test_our_node_names(label):
    call, name = GRAD_FNS[label]
    assert call(tg, leaf(tg)).grad_fn.name() == STILL_DIFFERENT.get(label, name)


# ---------------------------------------------------------------- gradients PyTorch gives

GRADIENTS = {  # label: (call(lib, x) summed with weights 1, 2, 3, ... in the output's order, x's gradient)
    # overlapping windows: each element gets the weights of every window that reads it
    "unfold(1, 2, 1)": (lambda L, x: x.unfold(1, 2, 1), np.array([[1, 5, 9, 6], [7, 17, 21, 12], [13, 29, 33, 18]])),
    "unfold(1, 1, 2)": (lambda L, x: x.unfold(1, 1, 2), np.array([[1, 0, 2, 0], [3, 0, 4, 0], [5, 0, 6, 0]])),
    # a repeat of 0 gets no gradient; repeated rows add up
    "repeat_interleave([1, 0, 2])": (lambda L, x: x[:, 0].repeat_interleave(L.tensor([1, 0, 2])),
                                     np.array([[1, 0, 0, 0], [0, 0, 0, 0], [5, 0, 0, 0]])),
    # weights 1, 2 on x0 - 2 x1 + x2 and x1 - 2 x2 + x3
    "diff(2)": (lambda L, x: x[0].diff(2), np.array([[1, 0, -3, 2], [0] * 4, [0] * 4])),
    "take repeated": (lambda L, x: x.take(L.tensor([1, 1, -1])), np.array([[0, 3, 0, 0], [0] * 4, [0, 0, 0, 3]])),
}


def gradient_of(lib, call):
    x = leaf(lib)
    out = call(lib, x)
    weights = lib.tensor(np.arange(1, out.numel() + 1, dtype=np.float32).reshape(tuple(out.shape)))
    (out * weights).sum().backward()
    return np.asarray(x.grad)


@pytest.mark.parametrize("label", list(GRADIENTS))
def test_the_gradients_are_pytorchs(label):
    torch = pytest.importorskip("torch")
    call, want = GRADIENTS[label]
    np.testing.assert_array_equal(gradient_of(torch, call), want)


@pytest.mark.parametrize("label", list(GRADIENTS))
def test_our_gradients(label):
    call, want = GRADIENTS[label]
    np.testing.assert_array_equal(gradient_of(tg, call), want)


# ---------------------------------------------------------------- unfold is a view; the questions

def test_unfold_is_a_view_of_its_input():
    x = tg.arange(6.0)
    windows = x.unfold(0, 3, 2)
    assert windows.stride() == (2, 1)  # PyTorch's: step elements between windows, 1 inside one
    x[2] = 100.0  # the element both windows read
    assert windows.tolist() == [[0.0, 1.0, 100.0], [100.0, 3.0, 4.0]]
    assert windows._version == x._version  # views share the version counter, as PyTorch's


def test_windows_that_do_not_overlap_can_be_written_through():
    x = tg.arange(6.0)
    x.unfold(0, 2, 2).add_(1.0)  # PyTorch's result too: tensor([1., 2., 3., 4., 5., 6.])
    assert x.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    with pytest.raises(RuntimeError, match="read-only"):  # one write would land in two windows
        x.unfold(0, 2, 1).add_(1.0)


def test_a_saved_unfold_sees_a_later_change():
    x = tg.arange(4.0, requires_grad=True)
    y = x * 1.0
    (y.unfold(0, 2, 1) ** 2).sum().backward()  # fine before any change
    z = y.unfold(0, 2, 1) ** 2
    y.add_(1.0)  # changes the input the windows (saved by pow) read
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_the_questions():
    x = tg.zeros(2, 3)
    assert x.ndimension() == 2
    assert (x.nbytes, x.itemsize) == (24, 4)
    assert (x[:, :2].nbytes, x.expand(4, 2, 3).nbytes) == (16, 96)  # numel * itemsize, as PyTorch's
    assert (tg.tensor([1]).itemsize, tg.tensor([True]).nbytes) == (8, 1)


def test_the_questions_are_pytorchs():
    torch = pytest.importorskip("torch")
    x = torch.zeros(2, 3)
    assert (x.ndimension(), x.nbytes, x.itemsize, x[:, :2].nbytes, x.expand(4, 2, 3).nbytes) == (2, 24, 4, 16, 96)
    assert (torch.tensor([1]).itemsize, torch.tensor([True]).nbytes) == (8, 1)


def test_sum_to_size_of_the_same_size_is_the_tensor_itself():
    x = tg.ones(2, 3, requires_grad=True)
    assert x.sum_to_size(2, 3) is x  # as PyTorch's, which gives back x (a leaf, no node)
