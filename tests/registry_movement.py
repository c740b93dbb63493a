"""Registry entries (see op_registry.py) for movement: ops that rearrange, repeat or pick out
elements without arithmetic on them (reshape, transpose, squeeze, expand, cat/stack/split, pad, flip,
roll, repeat/tile, tril/triu, diagonal...), so their gradient routes grad_output back unchanged.
Indexing by keys and index tensors is in registry_indexing.py."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from registry_core import inplace, register, unary
from strategies import broadcastable_shapes, shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers and references

def sample_reshape(draw):
    shape = draw(shapes())
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    d = draw(st.sampled_from(divisors))
    target = draw(st.sampled_from([(size,), (d, size // d), (-1, d), (size // d, 1, d), ()])) if size == 1 else \
        draw(st.sampled_from([(size,), (d, size // d), (-1, d), (size // d, 1, d)]))
    return [values(draw, shape, "real")], {"shape": target}


def sample_permute(draw):
    shape = draw(shapes(min_dims=1))
    return [values(draw, shape, "real")], {"dims": tuple(draw(st.permutations(range(len(shape)))))}


def sample_transpose(draw):
    shape = draw(shapes(min_dims=1))
    nd = len(shape)
    dim0, dim1 = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
    return [values(draw, shape, "real")], {"dim0": dim0, "dim1": dim1}


def sample_unsqueeze(draw):
    shape = draw(shapes())
    return [values(draw, shape, "real")], {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


def sample_squeeze(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=2))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return [values(draw, shape, "real")], {"dim": dim}


def sample_flatten(draw):
    shape = draw(shapes(min_dims=1))
    start = draw(st.integers(0, len(shape) - 1))
    end = draw(st.integers(start, len(shape) - 1))
    end_dim = end - len(shape) if draw(st.booleans()) else end  # negative or not
    return [values(draw, shape, "real")], {"start_dim": start, "end_dim": end_dim}


def sample_expand(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=2))
    target = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    target = (2,) * draw(st.integers(0, 1)) + target
    return [values(draw, shape, "real")], {"shape": target}


def sample_cat(draw):
    base = list(draw(shapes(min_dims=1)))
    dim = draw(st.integers(-len(base), len(base) - 1))
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        base[dim] = draw(st.integers(1, 3))
        arrays.append(values(draw, tuple(base), "real"))
    return arrays, {"dim": dim}


def sample_stack(draw):
    shape = draw(shapes())
    n = draw(st.integers(1, 3))
    return [values(draw, shape, "real") for _ in range(n)], {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


def sample_split(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    sizes = draw(st.one_of(st.integers(1, 3), st.just([n]), st.just([1] * n)))
    return [values(draw, shape, "real")], {"split_size_or_sections": sizes, "dim": dim}


def sample_chunk(draw):
    shape = draw(shapes(min_dims=1))
    chunks, dim = draw(st.integers(1, 3)), draw(st.integers(0, len(shape) - 1))
    return [values(draw, shape, "real")], {"chunks": chunks, "dim": dim}


def sample_pad(draw):
    shape = draw(shapes(min_dims=1))
    pairs = draw(st.integers(1, len(shape)))
    pad = tuple(draw(st.integers(0, 2)) for _ in range(2 * pairs))
    return [values(draw, shape, "real")], {"pad": pad, "value": draw(st.sampled_from([0.0, 1.5]))}


def sample_flip(draw):
    shape = draw(shapes(min_dims=1))
    flipped = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    return [values(draw, shape, "real")], {"dims": tuple(flipped)}


def sample_roll(draw):
    shape = draw(shapes(min_dims=1))
    if draw(st.booleans()):
        return [values(draw, shape, "real")], {"shifts": draw(st.integers(-5, 5)), "dims": None}
    rolled = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    shifts = tuple(draw(st.integers(-4, 4)) for _ in rolled)
    return [values(draw, shape, "real")], {"shifts": shifts, "dims": tuple(rolled)}


def sample_repeat(draw):
    shape = draw(shapes())
    sizes = tuple(draw(st.integers(1, 3)) for _ in range(len(shape) + draw(st.integers(0, 1))))
    return [values(draw, shape, "real")], {"sizes": sizes}


def sample_tile(draw):
    shape = draw(shapes())
    reps = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 3))))
    return [values(draw, shape, "real")], {"dims": reps}


def sample_triangle(draw):
    shape = draw(shapes(min_dims=2))
    return [values(draw, shape, "real")], {"diagonal": draw(st.integers(-2, 2))}


def sample_like(draw):
    shape_x, shape_y = draw(broadcastable_shapes(2).filter(lambda s: np.broadcast_shapes(*s) == s[1]))
    return [values(draw, shape_x, "real"), values(draw, shape_y, "real")], {}


def sample_same_size(draw):
    shape = draw(shapes())
    size = int(np.prod(shape))
    return [values(draw, shape, "real"), values(draw, draw(st.sampled_from([(size,), (1, size), (size, 1)])),
                                                   "real")], {}


def sample_position(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return [values(draw, shape, "real")], {"dim": dim, "index": draw(st.integers(0, shape[dim] - 1))}


def sample_diagonal(draw):
    shape = draw(shapes(min_dims=2))
    dim1, dim2 = draw(st.permutations(range(len(shape))))[:2]
    return [values(draw, shape, "real")], {"offset": draw(st.integers(-2, 2)), "dim1": dim1, "dim2": dim2}


def sample_diag(draw):
    shape = draw(shapes(1, 2))
    return [values(draw, shape, "real")], {"k": draw(st.integers(-2, 2))}


def np_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    return np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x


def np_flatten(x, start_dim, end_dim):
    end = end_dim % x.ndim
    return x.reshape(x.shape[:start_dim] + (-1,) + x.shape[end + 1:])


def np_transpose(x, dim0, dim1):
    return np.swapaxes(x, dim0, dim1)


def np_split(x, split_size_or_sections, dim):
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        cuts = list(range(split_size_or_sections, n, split_size_or_sections))
    else:
        cuts = list(np.cumsum(split_size_or_sections)[:-1])
    return tuple(np.split(x, cuts, axis=dim))


def np_pad(x, pad, value):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return np.pad(x, widths, constant_values=value)


def np_tile(x, dims):
    return np.tile(x, dims)


def np_roll(x, shifts, dims):
    return np.roll(x, shifts, dims)


# ---------------------------------------------------------------- the entries

register("reshape", lambda x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape), sample_reshape,
         covers=("reshape", "view"))
register("transpose", lambda x, **kw: x.transpose(**kw), np_transpose, sample_transpose)
register("permute", lambda x, dims: x.permute(*dims), lambda x, dims: np.transpose(x, dims), sample_permute)
register("T", lambda x: x.T, lambda x: x.T, unary(), covers=("T",))
register("mT", lambda x: x.mT, lambda x: np.swapaxes(x, -1, -2), unary(min_dims=2), covers=("mT",))
register("unsqueeze", lambda x, dim: x.unsqueeze(dim), lambda x, dim: np.expand_dims(x, dim), sample_unsqueeze)
register("squeeze", lambda x, dim: x.squeeze(dim), np_squeeze, sample_squeeze)
register("flatten", lambda x, **kw: x.flatten(**kw), np_flatten, sample_flatten)
register("expand", lambda x, shape: x.expand(*shape), lambda x, shape: np.broadcast_to(x, shape), sample_expand)
register("cat", lambda *xs, dim: tg.cat(xs, dim), lambda *xs, dim: np.concatenate(xs, axis=dim), sample_cat)
register("stack", lambda *xs, dim: tg.stack(xs, dim), lambda *xs, dim: np.stack(xs, axis=dim), sample_stack)
register("split", lambda x, **kw: x.split(**kw), np_split, sample_split)
register("chunk", lambda x, chunks, dim: x.chunk(chunks, dim),
         lambda x, chunks, dim: np_split(x, -(-x.shape[dim] // chunks), dim), sample_chunk)
register("pad", lambda x, pad, value: x.pad(pad, value), np_pad, sample_pad)
register("flip", lambda x, dims: x.flip(dims), lambda x, dims: np.flip(x, dims), sample_flip)
register("roll", lambda x, **kw: x.roll(**kw), np_roll, sample_roll)
register("repeat", lambda x, sizes: x.repeat(*sizes), lambda x, sizes: np.tile(x, sizes), sample_repeat)
register("tile", lambda x, dims: x.tile(dims), np_tile, sample_tile)
register("tril", lambda x, diagonal: x.tril(diagonal), lambda x, diagonal: np.tril(x, diagonal), sample_triangle)
register("triu", lambda x, diagonal: x.triu(diagonal), lambda x, diagonal: np.triu(x, diagonal), sample_triangle)
register("expand_as", lambda x, y: x.expand_as(y) * y, lambda x, y: np.broadcast_to(x, y.shape) * y, sample_like)
register("reshape_as", lambda x, y: x.reshape_as(y) + x.view_as(y) * y,
         lambda x, y: x.reshape(y.shape) + x.reshape(y.shape) * y, sample_same_size, covers=("reshape_as", "view_as"))
# sides of 2 or more, so that the transpose is not contiguous and contiguous() copies (CloneBackward0)
register("contiguous", lambda x: x.mT.contiguous().view(-1), lambda x: np.swapaxes(x, -1, -2).reshape(-1),
         lambda draw: ([values(draw, draw(shapes(min_dims=2, min_side=2)), "real")], {}), covers=("contiguous", "view"))
register("channels_last", lambda x: x.contiguous(memory_format=tg.channels_last).permute(0, 2, 3, 1).view(-1),
         lambda x: np.transpose(x, (0, 2, 3, 1)).reshape(-1),
         lambda draw: ([values(draw, draw(shapes(min_dims=4, max_dims=4, min_side=2)), "real")], {}),
         covers=("contiguous",))
register("t", lambda x: x.t(), lambda x: x.T, lambda draw: ([values(draw, draw(shapes(max_dims=2)), "real")], {}))
register("select", lambda x, dim, index: x.select(dim, index), lambda x, dim, index: np.take(x, index, axis=dim),
         sample_position)
register("unbind", lambda x, dim, index: x.unbind(dim), lambda x, dim, index: tuple(np.moveaxis(x, dim, 0)),
         sample_position)
register("narrow", lambda x, dim, index: x.narrow(dim, index, 1),
         lambda x, dim, index: np.take(x, [index], axis=dim), sample_position)
register("diagonal", lambda x, **kw: x.diagonal(**kw), lambda x, offset, dim1, dim2: np.diagonal(x, offset, dim1, dim2),
         sample_diagonal)
register("diag", lambda x, k: x.diag(k), np.diag, sample_diag)

# in-place forms (registry_core.inplace: on a copy of x in the graph)
register("unsqueeze_", inplace("unsqueeze_"), lambda x, dim: np.expand_dims(x, dim), sample_unsqueeze)
register("squeeze_", inplace("squeeze_"), np_squeeze, sample_squeeze)
