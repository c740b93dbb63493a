"""Searching, ordering and order statistics that PyTorch has and tutorials call: quantile and
nanquantile, kthvalue, median and nanmedian, mode, msort, cummax and cummin, logcumsumexp and aminmax
(differentiable), and searchsorted, bucketize, isin and unique_consecutive (constants, as in PyTorch).

They are a family of their own, apart from indexing.py's sort and topk, because most of them
split the work the same way: NumPy finds the positions (an index has no derivative), and the values
are gathered from x at those positions, so the gradient goes back to the element chosen (gather's
adjoint). That is PyTorch's rule for every value-selecting reduction (kthvalue, mode, median and
nanmedian with a dim, cummax, cummin). quantile is PyTorch's own composite: sort, gather the two
neighbours of the rank q * (n - 1), lerp between them. logcumsumexp is cumsum's log2(n) scan with
logaddexp, so it never overflows.

Ties follow PyTorch's CPU kernels, so indices and gradients agree with it (tests pin each one):
kthvalue's and mode's index (and msort's and quantile's order) is the one PyTorch's quickselect or
std::sort lands on (kernel_orders.py replays them), median's and nanmedian's is the stable sort's,
cummax's and cummin's the last occurrence of the running extreme, and a NaN wins everywhere.

OrderStatisticsMethods is a base class of Tensor (tensor.py); order_functions.py exports the
function forms (tinygrad_edu.quantile, searchsorted, ...).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import return_types
from ..arrays import is_float
from ..dims import axis_of
from .indexing import gather
from .kernel_orders import introsort_order, quickselect
from .reductions import scan
from .statistics import logaddexp

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def isnan(array: np.ndarray) -> np.ndarray:
    """np.isnan for any dtype (integers and bools have no NaN)."""
    return np.isnan(array) if array.dtype.kind in "fc" else np.zeros(array.shape, dtype=bool)


def last_axis_rows(x, d: int) -> np.ndarray:
    """x's data with dim d moved last (a 0-d x as one row of one element)."""
    return np.moveaxis(np.atleast_1d(x._data), d, -1)


def selected(x, d: int, positions: np.ndarray, keepdim: bool, result):
    """result(values, indices): the elements of x at `positions` along dim d (positions has x's
    shape without d), gathered, so the gradient goes to the element chosen."""
    index = np.expand_dims(positions, d).astype(np.int64)
    values = gather(x.reshape(1) if x.ndim == 0 else x, d, index)
    indices = x._wrap(index)
    if x.ndim == 0:
        return result(values.reshape(()), indices.reshape(()))
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return result(values, indices)


def sort_order(rows: np.ndarray) -> np.ndarray:
    """The positions that sort each row (along the last axis) as PyTorch's CPU sort does: NaNs last,
    a stable sort, except in rows longer than 16 with ties, where std::sort's order is replayed."""
    order = np.argsort(rows, axis=-1, kind="stable")
    if rows.shape[-1] > 16:
        ordered = np.take_along_axis(rows, order, -1)
        tied = ((ordered[..., 1:] == ordered[..., :-1]) | (isnan(ordered[..., 1:]) & isnan(ordered[..., :-1]))).any(-1)
        for row in np.ndindex(tied.shape):
            if tied[row]:
                order[row] = introsort_order(rows[row].tolist(), nan_last=True)
    return order


def require_nonempty(x, d: int, op: str) -> None:
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


# ---------------------------------------------------------------- kthvalue, mode, nanmedian, msort

def kthvalue(x, k: int, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the k-th smallest element (k from 1) along `dim`; the gradient goes to
    the index returned (for ties the one PyTorch's quickselect picks)."""
    d = axis_of(x.ndim, dim, "kthvalue")
    size = x.shape[d] if x.ndim else 1
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise TypeError(f"kthvalue(): argument 'k' (position 1) must be int, not {type(k).__name__}")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    rows = last_axis_rows(x, d)
    positions = np.argsort(rows, axis=-1, kind="stable")[..., k - 1]
    kth = np.take_along_axis(rows, positions[..., None], -1)
    tied = ((rows == kth) | (isnan(rows) & isnan(kth))).sum(-1) > 1
    for row in np.ndindex(tied.shape):
        if tied[row]:
            positions[row] = quickselect(rows[row], k - 1)
    return selected(x, d, positions, keepdim, return_types.kthvalue)


def mode(x, dim: int = -1, keepdim: bool = False):
    """(values, indices): the most frequent value along `dim` (the smallest of equally frequent
    ones) and, as PyTorch's CPU kernel, the index std::sort leaves last among its copies (the
    last occurrence in rows of up to 16); the gradient goes there."""
    d = axis_of(x.ndim, dim, "mode")
    require_nonempty(x, d, "mode")
    rows = last_axis_rows(x, d)
    positions = np.zeros(rows.shape[:-1], dtype=np.int64)
    for row in np.ndindex(*rows.shape[:-1]):
        order = np.array(introsort_order(rows[row].tolist()))
        ordered = rows[row][order]
        run_ends = np.flatnonzero(np.append(ordered[1:] != ordered[:-1], True))
        run_lengths = np.diff(np.append(-1, run_ends))
        positions[row] = order[run_ends[np.argmax(run_lengths)]]  # the first longest run: the smallest value
    return selected(x, d, positions, keepdim, return_types.mode)


def median(x, dim=None, keepdim: bool = False):
    """The lower median (the element at position (n - 1) // 2 once sorted); NaN if there is a NaN.
    With `dim`, (values, indices) as max (the gradient to that index: the stable sort's for ties,
    the first NaN's); without, one value whose gradient is shared by the elements equal to it (or
    by the NaNs), as PyTorch's."""
    return middle_value(x, dim, keepdim, ignore_nan=False)


def nanmedian(x, dim=None, keepdim: bool = False):
    """median of the values that are not NaN (NaN when all are)."""
    return middle_value(x, dim, keepdim, ignore_nan=True)


def middle_value(x, dim, keepdim: bool, ignore_nan: bool):
    """median (NaN wins) or nanmedian (NaNs skipped)."""
    if dim is None:
        data = x._data.reshape(-1)
        nans = isnan(data)
        numbers = data[~nans] if ignore_nan or not nans.any() else data[:0]
        if data.size == 0:
            return x._wrap(np.asarray(np.nan, dtype=x._data.dtype))
        if numbers.size == 0:  # NaN: its gradient shared by the NaNs
            middle, equal = data[np.argmax(nans)], nans
        else:
            middle = np.sort(numbers)[(numbers.size - 1) // 2]
            equal = data == middle
        if not is_float(x.dtype):  # no NaN, and no gradient: keep the dtype
            return x._wrap(np.asarray(middle))
        return (x.reshape(-1) - middle).where(x._wrap(equal), 0).sum() / int(equal.sum()) + middle
    op = "nanmedian" if ignore_nan else "median"
    d = axis_of(x.ndim, dim, op)
    require_nonempty(x, d, "median")
    rows = last_axis_rows(x, d)
    nans = isnan(rows)
    order = np.argsort(rows, axis=-1, kind="stable")  # NaNs last, equal values in order
    if ignore_nan:
        middle = np.maximum(((~nans).sum(-1) - 1) // 2, 0)  # all NaN: position 0
    else:
        middle = np.full(rows.shape[:-1], (rows.shape[-1] - 1) // 2)
    positions = np.take_along_axis(order, middle[..., None], -1)[..., 0]
    if not ignore_nan:  # a slice with a NaN: its first NaN
        positions = np.where(nans.any(-1), np.argmax(nans, -1), positions)
    return selected(x, d, positions, keepdim, getattr(return_types, op))


def msort(x):
    """x sorted along its first dim, gathered, so each value's gradient goes back to where it came
    from (tied values in PyTorch's sort order)."""
    if x.ndim == 0:
        return x.clone()
    return gather(x, 0, np.moveaxis(sort_order(last_axis_rows(x, 0)), -1, 0))


# ---------------------------------------------------------------- quantile

def quantile(x, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The q-th quantiles of x along `dim` (see quantiles)."""
    return quantiles(x, q, dim, keepdim, interpolation, False)


def nanquantile(x, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """quantile over the values that are not NaN (NaN where all are)."""
    return quantiles(x, q, dim, keepdim, interpolation, True)


def quantiles(x, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool):
    """The q-th quantiles of x along `dim` (all elements when None), q a number or a 1-D tensor of
    numbers in [0, 1] (its length becomes a first dim). As PyTorch's composite: sort, rank
    r = q * (n - 1), gather the values at floor(r) and ceil(r), and lerp between them (linear;
    midpoint takes weight 1/2, lower/higher/nearest round r). The gradient is (1 - w, w) on the two
    neighbours, and a q tensor's (n - 1) * (upper - lower) with linear. A NaN makes quantile NaN;
    nanquantile (`ignore_nan`) skips NaNs."""
    op = "nanquantile" if ignore_nan else "quantile"
    if x._data.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if hasattr(q, "_data"):
        if q.dtype != x.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
        if q.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
        q_array = q._data
    else:
        q_array = np.asarray(q, dtype=x.dtype)
    if x.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if interpolation not in INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if np.any((q_array < 0) | (q_array > 1)):
        raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if dim is None:
        moved = x.reshape(-1)  # (n,)
        out_shape = (1,) * x.ndim if keepdim else ()
    else:
        d = axis_of(x.ndim, dim, op)
        moved = x.reshape(1) if x.ndim == 0 else x
        moved = moved.permute(*[i for i in range(moved.ndim) if i != d], d)  # rest + (n,)
        out_shape = tuple(n if i != d else 1 for i, n in enumerate(x.shape)) if keepdim else moved.shape[:-1]
    sorted_x = gather(moved, moved.ndim - 1, sort_order(moved._data))
    out_shape = q_array.shape + out_shape
    rest, last = sorted_x.shape[:-1], sorted_x.shape[-1] - 1
    q_column = (q if hasattr(q, "_data") else x._wrap(q_array)).reshape(q_array.shape + (1,) * (len(rest) + 1))
    nans = isnan(sorted_x._data)  # q_column is (nq,) + rest + (1,): one rank per quantile and slice
    if ignore_nan:  # rank among the values that are not NaN; all NaN: rank 0, which is NaN
        ranks = q_column * ((~nans).sum(-1, keepdims=True) - 1).astype(x._data.dtype)
        ranks = ranks.where(~(ranks._data < 0), 0.0)
    else:  # a NaN (sorted last) makes the rank the last position, so the quantile NaN
        ranks = (q_column * last).where(~nans.any(-1, keepdims=True), float(last))
    rounded = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}.get(interpolation, np.asarray)(ranks._data)
    below, above = np.floor(rounded), np.ceil(rounded)
    key = tuple(np.arange(n).reshape([-1 if j == i else 1 for j in range(len(rest) + 1)]) for i, n in
                enumerate(rest))
    values = sorted_x[key + (below.astype(np.int64),)]
    if interpolation in ("linear", "midpoint"):
        # linear: w = r - floor(r), whose derivative gives q its gradient (n - 1) * (upper - lower), as PyTorch's
        weights = ranks - below if interpolation == "linear" else x._wrap(np.full(rounded.shape, 0.5, x._data.dtype))
        upper = sorted_x[key + (above.astype(np.int64),)]
        # PyTorch's lerp: from the nearer end, so weight 1 gives `upper` exactly
        values = (values + weights * (upper - values)).where(weights._data < 0.5,
                                                              upper - (upper - values) * (1 - weights))
    return values.reshape(out_shape)


# ---------------------------------------------------------------- running extremes and logcumsumexp

def running_extreme(x, dim: int, op: str):
    """(values, indices) of cummax or cummin: at each i the extreme of x[0..i] and the index of its
    last occurrence; once a NaN is seen, the latest NaN. PyTorch's kernel compares with >= (<=)."""
    d = axis_of(x.ndim, dim, op)
    rows = last_axis_rows(x, d)
    better, keep = (np.greater_equal, np.fmax) if op == "cummax" else (np.less_equal, np.fmin)
    nans = isnan(rows)
    if rows.shape[-1]:
        best = keep.accumulate(rows, axis=-1)  # the running extreme, skipping NaNs
        before = np.concatenate([rows[..., :1], best[..., :-1]], axis=-1)
        nan_before = np.concatenate([np.zeros_like(nans[..., :1]), np.logical_or.accumulate(nans, -1)[..., :-1]], -1)
        chosen = nans | (~nan_before & better(rows, before))
    else:
        chosen = nans
    positions = np.maximum.accumulate(np.where(chosen, np.arange(rows.shape[-1]), 0), axis=-1) if rows.size \
        else np.zeros(rows.shape, dtype=np.int64)
    positions = np.moveaxis(positions, -1, d).astype(np.int64)
    if x.ndim == 0:
        return getattr(return_types, op)(x.clone(), x._wrap(np.zeros((), dtype=np.int64)))
    return getattr(return_types, op)(gather(x, d, positions), x._wrap(positions))


def cummax(x, dim: int):
    """(values, indices): the running maximum along `dim`; the gradient goes to the index."""
    return running_extreme(x, dim, "cummax")


def cummin(x, dim: int):
    """(values, indices): the running minimum along `dim`; the gradient goes to the index."""
    return running_extreme(x, dim, "cummin")


def logcumsumexp(x, dim: int):
    """out[i] = log(exp(x[0]) + ... + exp(x[i])) along `dim`, as cumsum's scan of logaddexp (which
    subtracts the larger of its two inputs first): never overflows, and d out[i] / d x[j] =
    exp(x[j] - out[i]) for j <= i comes from autograd."""
    if not is_float(x.dtype):
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{x.dtype}\'')
    return scan(x, dim, None, "logcumsumexp", logaddexp, -np.inf)


def aminmax(x, *, dim=None, keepdim: bool = False):
    """(min, max) over `dim` (all elements when None): amin and amax, whose gradient is shared
    between tied elements, as PyTorch's."""
    if x.numel() == 0 and (dim is None or x.shape[axis_of(x.ndim, dim, "aminmax")] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    if dim is not None and x.ndim == 0:
        axis_of(0, dim, "aminmax")
        return return_types.aminmax(x.clone(), x.clone())
    return return_types.aminmax(x.amin(dim, keepdim), x.amax(dim, keepdim))


# ---------------------------------------------------------------- searching (constants)

def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False, side=None,
                 sorter=None):
    """Where each value of `input` would go in `sorted_sequence` (along its last dim) to keep it
    sorted: the first such index (side 'left'), or the last (right=True or side='right'). A sorted
    sequence of N dims pairs its first N - 1 with input's. `sorter` sorts an unsorted sequence."""
    op = "torch.searchsorted()"
    if side not in (None, "left", "right"):
        raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
    if side == "left" and right:
        raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right was True")
    side = "right" if right or side == "right" else "left"
    sequence = sorted_sequence._data
    values = input._data if hasattr(input, "_data") else np.asarray(input)
    if sequence.ndim == 0:
        raise RuntimeError(f"{op}: boundaries tensor should have positive dimension, but got 0 dimension")
    if sequence.ndim > 1 and values.ndim == 0:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got "
                           f"boundaries tensor dim({sequence.ndim}) and input value's dim(0) numel(1)")
    if sequence.ndim > 1 and sequence.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(sequence.shape)} and input value tensor {list(values.shape)}")
    if sorter is not None:
        sorter = sorter._data if hasattr(sorter, "_data") else np.asarray(sorter)
        if sorter.shape != sequence.shape:
            raise RuntimeError(f"{op}: boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(sequence.shape)}and got sorter tensor {list(sorter.shape)}")
        sequence = np.take_along_axis(sequence, sorter, -1)
    if sequence.ndim == 1:
        found = np.searchsorted(sequence, values, side)
    else:
        rows, columns = sequence.reshape(-1, sequence.shape[-1]), values.reshape(-1, values.shape[-1])
        found = np.stack([np.searchsorted(s, v, side) for s, v in zip(rows, columns)]).reshape(values.shape)
    return sorted_sequence._wrap(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False):
    """The bucket of each value: i with boundaries[i - 1] < v <= boundaries[i] (right=False) or
    boundaries[i - 1] <= v < boundaries[i] (right=True); boundaries is 1-D and sorted."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """A bool tensor of elements' shape: True where the element occurs in test_elements (False
    with invert=True). Either may be a number, not both."""
    tensor = elements if hasattr(elements, "_data") else test_elements
    if not hasattr(tensor, "_data"):
        raise TypeError(f"isin(): expected elements or test_elements to be a Tensor, got "
                        f"{type(elements).__name__} and {type(test_elements).__name__}")
    arrays = [t._data if hasattr(t, "_data") else np.asarray(t) for t in (elements, test_elements)]
    return tensor._wrap(np.asarray(np.isin(*arrays, assume_unique=assume_unique, invert=invert)))


def unique_consecutive(x, return_inverse: bool = False, return_counts: bool = False, dim=None):
    """x with each run of equal consecutive elements (or slices along `dim`) kept once, and
    optionally where each element went (inverse) and how long each run is (counts)."""
    if dim is None:
        data = x._data.reshape(-1)
        starts = np.ones(data.shape, dtype=bool)
        starts[1:] = data[1:] != data[:-1]
        values, inverse_shape = data[starts], x.shape
    else:
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = axis_of(x.ndim, dim, "unique_consecutive")
        slices = np.moveaxis(x._data, d, 0).reshape(x.shape[d], -1)
        starts = np.ones(slices.shape[0], dtype=bool)
        starts[1:] = (slices[1:] != slices[:-1]).any(-1)
        values, inverse_shape = np.compress(starts, x._data, axis=d), starts.shape
    out = [x._wrap(values)]
    if return_inverse:
        out.append(x._wrap((np.cumsum(starts) - 1).reshape(inverse_shape).astype(np.int64)))
    if return_counts:
        out.append(x._wrap(np.diff(np.append(np.flatnonzero(starts), starts.size)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


class OrderStatisticsMethods:
    """Tensor's methods of the same names (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()
    quantile = quantile
    kthvalue = kthvalue
    mode = mode
    nanmedian = nanmedian
    median = median
    msort = msort
    cummax = cummax
    cummin = cummin
    logcumsumexp = logcumsumexp
    aminmax = aminmax
    unique_consecutive = unique_consecutive
    nanquantile = nanquantile
