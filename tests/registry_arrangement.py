"""Registry entries (see op_registry.py) for composite/arrangement.py and arrangement_functions.py:
movedim, swapaxes, ravel, unflatten, the tensor_split family, fliplr/flipud/rot90, repeat_interleave,
take, take_along_dim, diff, diag_embed, diagflat, unfold, sum_to_size, block_diag, cartesian_prod,
combinations, column_stack and row_stack. NumPy has most of them under a name of its own (moveaxis,
array_split, rot90, repeat, take_along_axis, diff, sliding_window_view...), so NumPy is the reference.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from registry_core import register, unary
from strategies import shapes, values

import tinygrad_edu as tg

# ---------------------------------------------------------------- samplers


def sample_movedim(draw):
    shape = draw(shapes(min_dims=1))
    count = draw(st.integers(1, len(shape)))
    source = draw(st.permutations(range(len(shape))))[:count]
    destination = draw(st.permutations(range(-len(shape), 0)))[:count]
    if count == 1 and draw(st.booleans()):
        return [values(draw, shape, "real")], {"source": source[0], "destination": destination[0]}
    return [values(draw, shape, "real")], {"source": tuple(source), "destination": tuple(destination)}


def sample_swapaxes(draw):
    shape = draw(shapes(min_dims=1))
    pick = st.integers(-len(shape), len(shape) - 1)
    return [values(draw, shape, "real")], {"axis0": draw(pick), "axis1": draw(pick)}


def sample_unflatten(draw):
    shape = draw(shapes(min_dims=1, max_dims=2))
    dim = draw(st.integers(0, len(shape) - 1))
    n = shape[dim] * draw(st.sampled_from([1, 2]))
    shape = shape[:dim] + (n,) + shape[dim + 1:]
    first = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    sizes = draw(st.sampled_from([(first, n // first), (first, -1), (-1, 1, first)]))
    return [values(draw, shape, "real")], {"dim": dim, "sizes": sizes}


def sample_tensor_split(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    if draw(st.booleans()):
        return [values(draw, shape, "real")], {"indices_or_sections": draw(st.integers(1, 4)), "dim": dim}
    cuts = draw(st.lists(st.integers(0, shape[dim] + 1), max_size=3))
    return [values(draw, shape, "real")], {"indices_or_sections": cuts, "dim": dim}


def np_tensor_split(x, indices_or_sections, dim):
    return tuple(np.array_split(x, indices_or_sections, axis=dim))


def sample_hvdsplit(min_dims):
    """A tensor of at least min_dims dims, and an int that divides the split dim's size or a list of cuts."""
    def sample(draw):
        shape = draw(shapes(min_dims=min_dims))
        dim = {1: 1 if len(shape) > 1 else 0, 2: 0, 3: 2}[min_dims]  # hsplit's, vsplit's, dsplit's
        n = shape[dim]
        if draw(st.booleans()):
            split_by = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
        else:
            split_by = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
        return [values(draw, shape, "real")], {"indices_or_sections": split_by}
    return sample


def sample_split_with_sizes(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    cut = draw(st.integers(0, shape[dim]))
    return [values(draw, shape, "real")], {"split_sizes": [cut, shape[dim] - cut], "dim": dim}


def sample_rot90(draw):
    shape = draw(shapes(min_dims=2))
    dims = draw(st.permutations(range(len(shape))))[:2]
    return [values(draw, shape, "real")], {"k": draw(st.integers(-5, 5)), "dims": tuple(dims)}


def sample_repeat_interleave(draw):
    shape = draw(shapes(max_dims=2))
    if not shape or draw(st.booleans()):
        return [values(draw, shape, "real")], {"repeats": draw(st.integers(0, 3)), "dim": None}
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    counts = draw(st.lists(st.integers(0, 3), min_size=shape[dim], max_size=shape[dim]))
    return [values(draw, shape, "real")], {"repeats": np.array(counts), "dim": dim}


def tg_repeat_interleave(x, repeats, dim):
    return x.repeat_interleave(tg.tensor(repeats) if isinstance(repeats, np.ndarray) else repeats, dim)


def sample_take(draw):
    shape = draw(shapes())
    size = int(np.prod(shape))
    index = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=5))  # repeats accumulate
    return [values(draw, shape, "real")], {"index": np.array(index)}


def sample_take_along_dim(draw):
    shape = draw(shapes(min_dims=1))
    if draw(st.booleans()):
        index = draw(st.lists(st.integers(0, int(np.prod(shape)) - 1), min_size=1, max_size=4))
        return [values(draw, shape, "real")], {"indices": np.array(index), "dim": None}
    dim = draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(1 if draw(st.booleans()) else n for n in shape)  # broadcast against x
    index_shape = index_shape[:dim] + (draw(st.integers(1, 3)),) + index_shape[dim + 1:]
    count = int(np.prod(index_shape))
    index = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=count, max_size=count)))
    return [values(draw, shape, "real")], {"indices": index.reshape(index_shape), "dim": dim}


def np_take_along_dim(x, indices, dim):
    if dim is None:
        return x.reshape(-1)[indices]
    shape = np.broadcast_shapes(x.shape[:dim] + (1,) + x.shape[dim + 1:], indices.shape[:dim] + (1,)
                                + indices.shape[dim + 1:])
    x = np.broadcast_to(x, shape[:dim] + (x.shape[dim],) + shape[dim + 1:])
    indices = np.broadcast_to(indices, shape[:dim] + (indices.shape[dim],) + shape[dim + 1:])
    return np.take_along_axis(x, indices, dim)


def sample_diff(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    arrays, kwargs = [values(draw, shape, "real")], {"n": draw(st.integers(0, 3)), "dim": dim}
    for name in ("prepend", "append"):
        if draw(st.booleans()):
            extra = shape[:dim % len(shape)] + (draw(st.integers(1, 2)),) + shape[dim % len(shape) + 1:]
            arrays.append(values(draw, extra, "real"))
            kwargs[name] = True
    return arrays, kwargs


def tg_diff(x, *extras, n, dim, prepend=False, append=False):
    extras = iter(extras)
    return x.diff(n, dim, next(extras) if prepend else None, next(extras) if append else None)


def np_diff(x, *extras, n, dim, prepend=False, append=False):
    extras = iter(extras)
    pieces = [next(extras)] if prepend else []
    pieces += [x] + ([next(extras)] if append else [])
    return np.diff(np.concatenate(pieces, axis=dim), n, axis=dim)


def sample_diag_embed(draw):
    shape = draw(shapes(min_dims=1))
    dim1, dim2 = draw(st.permutations(range(len(shape) + 1)))[:2]  # two different dims of the result
    dim1 -= (len(shape) + 1) * draw(st.integers(0, 1))  # negative, or not
    return [values(draw, shape, "real")], {"offset": draw(st.integers(-2, 2)), "dim1": dim1, "dim2": dim2}


def np_diag_embed(x, offset, dim1, dim2):
    k = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (k, k))
    for i in range(x.shape[-1]):
        out[..., i + max(-offset, 0), i + max(offset, 0)] = x[..., i]
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def sample_diagflat(draw):
    return [values(draw, draw(shapes()), "real")], {"offset": draw(st.integers(-2, 2))}


def sample_unfold(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    size = draw(st.integers(0, shape[dim]))
    return [values(draw, shape, "real")], {"dimension": dim, "size": size, "step": draw(st.integers(1, 3))}


def np_unfold(x, dimension, size, step):
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dimension)
    return windows[(slice(None),) * (dimension % x.ndim) + (slice(None, None, step),)]


def sample_sum_to_size(draw):
    shape = draw(shapes(min_dims=1))
    size = tuple(1 if draw(st.booleans()) else n for n in shape)[draw(st.integers(0, len(shape))):]
    return [values(draw, shape, "real")], {"size": size}


def np_sum_to_size(x, size):
    lead = x.ndim - len(size)
    x = x.sum(tuple(range(lead)))
    return x.sum(tuple(i for i, n in enumerate(size) if n == 1), keepdims=True).reshape(size)


def sample_blocks(max_dims):
    def sample(draw):
        return [values(draw, draw(shapes(max_dims=max_dims)), "real") for _ in range(draw(st.integers(1, 3)))], {}
    return sample


def np_block_diag(*blocks):
    blocks = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    row = col = 0
    for b in blocks:
        out[row:row + b.shape[0], col:col + b.shape[1]] = b
        row, col = row + b.shape[0], col + b.shape[1]
    return out


def sample_vectors(draw):
    return [values(draw, (draw(st.integers(1, 3)),), "real") for _ in range(draw(st.integers(1, 3)))], {}


def sample_same_shapes(draw):
    shape = draw(shapes(max_dims=2))
    return [values(draw, shape, "real") for _ in range(draw(st.integers(1, 3)))], {}


def np_cartesian_prod(*vectors):
    if len(vectors) == 1:
        return vectors[0]
    return np.array(list(itertools.product(*vectors))).reshape(-1, len(vectors))


def sample_combinations(draw):
    return [values(draw, (draw(st.integers(1, 4)),), "real")], {"r": draw(st.integers(1, 3)),
                                                                 "with_replacement": draw(st.booleans())}


def np_combinations(x, r, with_replacement):
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return np.array(list(choose(x, r))).reshape(-1, r)


def sample_column_stack(draw):
    rows = draw(st.integers(1, 3))
    pieces = [draw(st.sampled_from([(rows,), (rows, 1), (rows, 2)])) for _ in range(draw(st.integers(1, 3)))]
    return [values(draw, shape, "real") for shape in pieces], {}


# ---------------------------------------------------------------- the entries

register("movedim", lambda x, source, destination: x.movedim(source, destination), np.moveaxis, sample_movedim,
         covers=("movedim", "moveaxis"))
register("swapaxes", lambda x, axis0, axis1: x.swapaxes(axis0, axis1),
         lambda x, axis0, axis1: np.swapaxes(x, axis0, axis1), sample_swapaxes,
         covers=("swapaxes", "swapdims"))
register("ravel", lambda x: x.ravel(), np.ravel, unary())
register("unflatten", lambda x, dim, sizes: x.unflatten(dim, sizes),
         lambda x, dim, sizes: x.reshape(x.shape[:dim] + sizes + x.shape[dim + 1:]), sample_unflatten)
register("tensor_split", lambda x, **kw: x.tensor_split(**kw), np_tensor_split, sample_tensor_split,
         covers=("tensor_split",))
register("hsplit", lambda x, **kw: x.hsplit(**kw), lambda x, **kw: tuple(np.hsplit(x, **kw)), sample_hvdsplit(1))
register("vsplit", lambda x, **kw: x.vsplit(**kw), lambda x, **kw: tuple(np.vsplit(x, **kw)), sample_hvdsplit(2))
register("dsplit", lambda x, **kw: x.dsplit(**kw), lambda x, **kw: tuple(np.dsplit(x, **kw)), sample_hvdsplit(3))
register("split_with_sizes", lambda x, **kw: x.split_with_sizes(**kw),
         lambda x, split_sizes, dim: tuple(np.split(x, [split_sizes[0]], axis=dim)), sample_split_with_sizes)
register("rot90", lambda x, k, dims: x.rot90(k, dims), lambda x, k, dims: np.rot90(x, k, dims), sample_rot90,
         )
register("fliplr", lambda x: x.fliplr(), np.fliplr, unary(min_dims=2))
register("flipud", lambda x: x.flipud(), np.flipud, unary(min_dims=1))
register("repeat_interleave", tg_repeat_interleave, lambda x, repeats, dim: np.repeat(x, repeats, dim),
         sample_repeat_interleave)
register("take", lambda x, index: x.take(tg.tensor(index)), lambda x, index: x.reshape(-1)[index], sample_take)
register("take_along_dim", lambda x, indices, dim: x.take_along_dim(tg.tensor(indices), dim), np_take_along_dim,
         sample_take_along_dim)
register("diff", tg_diff, np_diff, sample_diff)
register("diag_embed", lambda x, **kw: x.diag_embed(**kw), np_diag_embed, sample_diag_embed)
register("diagflat", lambda x, offset: x.diagflat(offset), lambda x, offset: np.diagflat(x, offset), sample_diagflat)
register("unfold", lambda x, **kw: x.unfold(**kw), np_unfold, sample_unfold)
register("sum_to_size", lambda x, size: x.sum_to_size(size), np_sum_to_size, sample_sum_to_size)
register("block_diag", tg.block_diag, np_block_diag, sample_blocks(2))
register("cartesian_prod", tg.cartesian_prod, np_cartesian_prod, sample_vectors)
register("combinations", lambda x, **kw: tg.combinations(x, **kw), np_combinations, sample_combinations)
register("column_stack", lambda *xs: tg.column_stack(xs), lambda *xs: np.column_stack(xs), sample_column_stack)
register("row_stack", lambda *xs: tg.row_stack(xs), lambda *xs: np.vstack(xs), sample_same_shapes)
