"""embedding_bag (re-exported by nn.functional): the sum, mean or max of the embeddings of each bag of
indices, without making the (bags, bag length, dim) tensor of embedding then reducing it.

A module of its own because the bookkeeping of bags (offsets, include_last_offset, padding_idx,
per_sample_weights) is longer than the maths. The maths is three existing ops: the rows of the table
(embedding's EmbeddingFunction), index_add to add each row into its bag's output (a segment sum: its
gradient hands each row its bag's gradient), and, for mode='max', a gather of the row holding each
bag's maximum, found in NumPy, so the gradient goes to that one row (the first of equal ones, as
PyTorch's kernel). Differentiable to any order in the weight and in per_sample_weights.
embedding_renorm_, max_norm's in-place rescaling of the rows read, lives here too, for embedding_bag and
F.embedding (which imports this module) alike.
"""

from __future__ import annotations

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor
from .ops import EmbeddingFunction

__all__ = ["embedding_bag", "embedding_renorm_"]


def embedding_renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float = 2.0) -> None:
    """max_norm, PyTorch's way: each row of weight that idx reads whose norm_type-norm is above max_norm is
    multiplied by max_norm / (norm + 1e-7), in place and outside the graph (the weight's version goes up;
    the lookup that follows is differentiated as usual, the rescaling is not)."""
    read = np.unique(idx)
    norms = np.linalg.norm(weight._data[read], ord=norm_type, axis=1).astype(np.float64)
    too_long = norms > max_norm
    if too_long.any():
        read = read[too_long]
        scale = max_norm / (norms[too_long] + 1e-7)
        with no_grad():
            weight[Tensor._wrap(read)] = Tensor._wrap((weight._data[read] * scale[:, None]).astype(weight._data.dtype))


def integer_array(values, what: str) -> np.ndarray:
    array = values._data if isinstance(values, Tensor) else np.asarray(values)
    if not np.issubdtype(array.dtype, np.integer):
        raise RuntimeError(f"embedding_bag: Expected tensor for argument {what} to have one of the following scalar "
                           f"types: Long, Int; but got {array.dtype} instead. Hint: .long()")
    return array


def bag_bounds(indices: np.ndarray, offsets, include_last_offset: bool) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of each bag in the flattened indices: the rows of a 2-D input, or the runs that
    1-D offsets start (the last one ends at the input's end, or at the last offset with include_last_offset)."""
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: if input is 2D, then offsets has to be None, as input is treated is a "
                             "mini-batch of fixed length sequences. However, found offsets of type "
                             f"{type(offsets).__name__}")
        bags, length = indices.shape
        starts = np.arange(bags) * length
        return starts, starts + length
    if indices.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of dimension {indices.ndim}")
    if offsets is None:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor but got None. Hint: a 1-D input is the bags "
                         "one after another, and offsets says where each starts")
    offsets = integer_array(offsets, "#2 'offsets'")
    if offsets.ndim != 1:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor")
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
                           f"start from position 0. However, got {offsets[0]}")
    if offsets.size and offsets[-1] > indices.size:
        raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's length {indices.size} but got "
                           f"offsets[-1] of {offsets[-1]}")
    if (np.diff(offsets) < 0).any():
        raise RuntimeError(f"embedding_bag: offsets must not decrease (each bag starts where the one before it "
                           f"ends), got {offsets.tolist()}")
    if include_last_offset:
        if offsets.size == 0 or offsets[-1] != indices.size:  # PyTorch's result then depends on the dtype
            raise RuntimeError(f"embedding_bag: with include_last_offset=True the last offset is where the last bag "
                               f"ends, the input's length {indices.size}, got offsets {offsets.tolist()}. Hint: "
                               f"append {indices.size} to the offsets")
        return offsets[:-1], offsets[1:]
    return offsets, np.append(offsets[1:], indices.size).astype(offsets.dtype)


def embedding_bag(input, weight: Tensor, offsets=None, max_norm=None, norm_type: float = 2,  # noqa: A002
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """out[b] = reduce over the indices i of bag b of weight[i] (times per_sample_weights[i] in mode 'sum'),
    reduce the sum, the mean or the elementwise max; indices equal to padding_idx are left out (a mean
    counts only the others), and an empty bag gives zeros. Bags: the rows of a 2-D input (B, N), or the
    runs of a 1-D input that offsets (B,) start ((B + 1,) with include_last_offset, the last one the end)."""
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag: scale_grad_by_freq and sparse are not supported. "
                                  "Hint: leave them at their defaults")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("embedding_bag: mode has to be one of sum, mean or max")
    indices = integer_array(input, "#1 'indices'")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      "on GitHub.")
        if tuple(per_sample_weights.shape) != indices.shape:
            raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is not None, "
                             f"then it must have the same shape as the input ({indices.shape})")
    starts, ends = bag_bounds(indices, offsets, include_last_offset)
    rows = weight.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise RuntimeError(f"embedding_bag: padding_idx must be within the number of embeddings, -{rows} through "
                               f"{rows - 1}, but got {padding_idx}")
        padding_idx %= rows
    flat = indices.reshape(-1)
    bad = np.flatnonzero((flat < 0) | (flat >= rows))
    if bad.size:
        raise RuntimeError(f"embedding_bag: Index {bad[0]} of input takes value {flat[bad[0]]} which is not in the "
                           f"valid range [0, {rows})")
    if max_norm is not None:
        embedding_renorm_(weight, flat, max_norm, norm_type)
    bag_of = np.repeat(np.arange(starts.size), ends - starts)  # the bag of each position 0 .. ends[-1] - 1
    positions = np.arange(bag_of.size)
    if padding_idx is not None:
        counted = flat[positions] != padding_idx
        positions, bag_of = positions[counted], bag_of[counted]
    chosen = EmbeddingFunction.apply(weight, key=flat[positions])  # (positions, dim)
    out = Tensor._wrap(np.zeros((starts.size, weight.shape[1]), dtype=weight._data.dtype))
    if mode == "max":
        return out.index_add(0, *bag_maxima(chosen, bag_of))
    if per_sample_weights is not None:
        chosen = chosen * per_sample_weights.reshape(-1)[positions].unsqueeze(1)
    out = out.index_add(0, bag_of, chosen)
    if mode == "mean":
        counts = np.bincount(bag_of, minlength=starts.size).clip(min=1)
        out = out / Tensor._wrap(counts.astype(weight._data.dtype)[:, None])
    return out


def bag_maxima(chosen: Tensor, bag_of: np.ndarray) -> tuple[np.ndarray, Tensor]:
    """The non-empty bags and, for each, the elementwise maximum of its rows of `chosen` (whose bags,
    bag_of, are in order): a gather of the row holding the maximum of each column (the first of equal
    ones), so the gradient reaches that row alone."""
    firsts = np.flatnonzero(np.diff(bag_of, prepend=-1))  # where each non-empty bag's rows begin
    lasts = np.append(firsts[1:], bag_of.size)
    dim = chosen.shape[1]
    best = np.array([first + chosen._data[first:last].argmax(axis=0) for first, last in zip(firsts, lasts)],
                    dtype=np.int64).reshape(-1, dim)
    return bag_of[firsts], chosen[best, np.arange(dim)]
