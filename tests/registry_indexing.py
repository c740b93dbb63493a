"""Registry entries (see op_registry.py) for indexing: x[key] and x[key] = value with every kind of
key, and the ops that read or write through an index or mask tensor (gather, scatter, index_select,
index_add, index_fill, masked_fill, masked_select, fill_diagonal_), with their in-place forms."""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import register
from strategies import shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers and references

def forward_step(k):
    """A slice that walks backwards (x[::-1], which PyTorch refuses) turned to walk forwards."""
    if isinstance(k, slice) and k.step is not None and k.step < 0:
        return slice(k.stop if k.stop is None else k.stop + 1, k.start if k.start is None else k.start + 1, -k.step)
    return k


@st.composite
def index_keys(draw, shape):
    """Ints, slices with (positive, as PyTorch's) steps, None, Ellipsis (basic indexing), integer arrays with
    repeats, boolean masks."""
    kind = draw(st.sampled_from(["basic", "int_array", "bool_mask"]))
    if kind == "basic" or not shape:
        key = draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
        return tuple(forward_step(k) for k in key) if isinstance(key, tuple) else forward_step(key)
    if kind == "int_array":
        idx = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))  # repeats allowed
        return np.array(idx)
    mask = draw(hnp.arrays(np.bool_, shape[:1]))
    return mask


def sample_getitem(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real")], {"key": draw(index_keys(shape))}


def index_put(x, value, key):
    """x[key] = value on a tensor in the graph: recorded as IndexPut (x's clone keeps x a leaf)."""
    out = x.clone()
    out[key] = value
    return out


def np_index_put(x, value, key):
    out = x.copy()
    out[key] = value
    return out


def sample_index_put(draw):
    shape = draw(shapes(min_dims=1))
    key = draw(index_keys(shape))
    positions = np.arange(int(np.prod(shape))).reshape(shape)[key]
    assume(np.unique(positions).size == positions.size)  # a repeated index: the last write wins, undefined
    target = positions.shape
    return [values(draw, shape, "real"), values(draw, target, "real")], {"key": key}


def sample_gather(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index_shape = list(shape)
    index_shape[dim] = draw(st.integers(1, 4))
    index = draw(hnp.arrays(np.int64, tuple(index_shape), elements=st.integers(0, shape[dim] - 1)))
    return [values(draw, shape, "real")], {"dim": dim, "index": index}


def sample_masked_fill(draw):
    shape_x, shape_m = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
                            .filter(lambda r: r.result_shape == r.input_shapes[0]).map(lambda r: r.input_shapes))
    return [values(draw, shape_x, "real")], {"mask": draw(hnp.arrays(np.bool_, shape_m)),
                                             "value": draw(st.sampled_from([0.0, -1.5, 3.0]))}


def sample_index_select(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)))
    return [values(draw, shape, "real")], {"dim": dim, "index": index}


def sample_index_add(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    index = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)))  # repeats too
    source_shape = list(shape)
    source_shape[dim] = len(index)
    return ([values(draw, shape, "real"), values(draw, tuple(source_shape), "real")],
            {"dim": dim, "index": index, "alpha": draw(st.sampled_from([1, -0.5, 2.0]))})


def np_index_add(x, src, dim, index, alpha):
    out = x.copy()
    for i, position in enumerate(index):  # a slice of src added at each position along dim
        out[(slice(None),) * (dim % x.ndim) + (position,)] += alpha * np.take(src, i, axis=dim)
    return out


def sample_masked_select(draw):
    shape = draw(shapes())
    return [values(draw, shape, "real")], {"mask": draw(hnp.arrays(np.bool_, shape))}


def sample_scatter(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(draw(st.integers(1, n)) for n in shape)
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[dim] - 1)))  # repeats too
    src_shape = tuple(n + draw(st.integers(0, 1)) for n in index_shape)  # src may be larger than index
    return [values(draw, shape, "real"), values(draw, src_shape, "real")], {"dim": dim, "index": index}


def scatter_positions(x, dim, index):
    """(target position in x, source position) for every element of index."""
    for position in np.ndindex(*index.shape):
        target = list(position)
        target[dim] = index[position]
        yield tuple(target), position


def np_scatter_add(x, src, dim, index):
    out = x.copy()
    for target, source in scatter_positions(x, dim, index):
        out[target] += src[source]
    return out


def np_scatter(x, src, dim, index):
    """Written values replace x; a position written several times gets their mean."""
    total, count = np.zeros_like(x), np.zeros_like(x)
    for target, source in scatter_positions(x, dim, index):
        total[target] += src[source]
        count[target] += 1
    return np.where(count > 0, total / np.maximum(count, 1), x)


def np_masked_fill(x, mask, value):
    return np.where(mask, value, x)


def sample_index_fill(draw):
    arrays, kwargs = sample_index_select(draw)
    return arrays, {**kwargs, "value": draw(st.sampled_from([0.0, -1.5]))}


def np_index_fill(x, dim, index, value):
    out = x.copy()
    out[(slice(None),) * (dim % x.ndim) + (index,)] = value
    return out


def np_fill_diagonal(x, wrap):
    out = x.copy()
    np.fill_diagonal(out, -1.5, wrap=wrap)
    return out


def sample_fill_diagonal(draw):
    shape = draw(st.sampled_from([(2, 2), (3, 2), (2, 3), (5, 2), (2, 2, 2)]))
    return [values(draw, shape, "real")], {"wrap": draw(st.booleans())}


# ---------------------------------------------------------------- the entries

register("getitem", lambda x, key: x[key], lambda x, key: x[key], sample_getitem, covers=("__getitem__",))
register("index_put", index_put, np_index_put, sample_index_put, covers=("__setitem__",))
register("gather", lambda x, dim, index: x.gather(dim, tg.tensor(index)),
         lambda x, dim, index: np.take_along_axis(x, index, dim), sample_gather)
register("scatter_add", lambda x, src, dim, index: x.scatter_add(dim, tg.tensor(index), src), np_scatter_add,
         sample_scatter)
register("scatter", lambda x, src, dim, index: x.scatter(dim, tg.tensor(index), src), np_scatter, sample_scatter)
register("index_select", lambda x, dim, index: x.index_select(dim, tg.tensor(index)),
         lambda x, dim, index: np.take(x, index, axis=dim), sample_index_select)
register("index_add", lambda x, src, dim, index, alpha: x.index_add(dim, tg.tensor(index), src, alpha=alpha),
         np_index_add, sample_index_add)
register("index_fill", lambda x, dim, index, value: x.index_fill(dim, tg.tensor(index), value), np_index_fill,
         sample_index_fill)
register("masked_fill", lambda x, mask, value: x.masked_fill(tg.tensor(mask), value), np_masked_fill,
         sample_masked_fill)
register("masked_select", lambda x, mask: x.masked_select(tg.tensor(mask)), lambda x, mask: x[mask],
         sample_masked_select)

# in-place forms, on a copy of x in the graph
register("scatter_", lambda x, src, dim, index: (x * 1.0).scatter_(dim, tg.tensor(index), src), np_scatter,
         sample_scatter)
register("scatter_add_", lambda x, src, dim, index: (x * 1.0).scatter_add_(dim, tg.tensor(index), src),
         np_scatter_add, sample_scatter)
register("index_add_", lambda x, src, dim, index, alpha: (x * 1.0).index_add_(dim, tg.tensor(index), src, alpha=alpha),
         np_index_add, sample_index_add)
register("index_fill_", lambda x, dim, index, value: (x * 1.0).index_fill_(dim, tg.tensor(index), value),
         np_index_fill, sample_index_fill)
register("masked_fill_", lambda x, mask, value: (x * 1.0).masked_fill_(tg.tensor(mask), value), np_masked_fill,
         sample_masked_fill)
register("fill_diagonal_", lambda x, wrap: (x * 1.0).fill_diagonal_(-1.5, wrap), np_fill_diagonal,
         sample_fill_diagonal)
