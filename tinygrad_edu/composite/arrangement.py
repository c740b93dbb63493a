"""Shape and arrangement methods that PyTorch code calls and that were missing: movedim/moveaxis,
swapaxes/swapdims, ravel, unflatten, tensor_split, hsplit/vsplit/dsplit, split_with_sizes,
fliplr/flipud, rot90, repeat_interleave, take, take_along_dim, diff, diag_embed, diagflat, unfold,
sum_to_size, and the questions ndimension, nbytes and itemsize.

Each is a few lines of the movement primitives (a permute, a reshape, slices, indexing, expand) or
of a subtraction (diff) and a sum (sum_to_size), so autograd differentiates it with no derivative
of its own. The one exception is unfold, a view over sliding windows: NumPy's strides express it
and indexing would copy, so it is a primitive (movement_ops.UnfoldWindows).

ArrangementMethods is a base class of Tensor (tensor.py): `x.movedim(0, 1)` is `movedim(x, 0, 1)`;
arrangement_functions.py gives their function forms (tinygrad_edu.movedim) and the functions PyTorch
has only at the top level (tril_indices, block_diag, cartesian_prod, ...).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..dims import axis_of
from ..dtypes import of_array
from ..movement_ops import Cat, Permute, UnfoldWindows
from . import movement
from .indexing import gather


def is_tensor(value) -> bool:
    return hasattr(value, "_data")  # this module sits below tensor.py, so it cannot import Tensor


def dims_list(dims) -> list:
    return [dims] if isinstance(dims, numbers.Integral) else list(dims)


# ---------------------------------------------------------------- reordering and reshaping

def movedim(x, source, destination):
    """x with dims `source` moved to positions `destination` (ints or sequences of ints); the other
    dims keep their order (a permute)."""
    source, destination = dims_list(source), dims_list(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} dims) should contain "
                           f"the same number of dims as destination ({destination} dims)")
    moved = [axis_of(x.ndim, d, "movedim") for d in source]
    places = [axis_of(x.ndim, d, "movedim") for d in destination]
    if len(set(moved)) != len(moved):
        raise RuntimeError(f"movedim: repeated dim in `source` ({source})")
    if len(set(places)) != len(places):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({destination})")
    order = [None] * x.ndim
    for dim, place in zip(moved, places):
        order[place] = dim
    others = iter(d for d in range(x.ndim) if d not in moved)
    return Permute.apply(x, axes=tuple(d if d is not None else next(others) for d in order))


def swapaxes(x, axis0: int, axis1: int):
    """NumPy's name for transpose(axis0, axis1)."""
    return movement.transpose(x, axis0, axis1)


def swapdims(x, dim0: int, dim1: int):
    """Another name for transpose(dim0, dim1)."""
    return movement.transpose(x, dim0, dim1)


def ravel(x):
    """The elements as one dimension, in row-major order: a view when x is contiguous, else a copy
    (contiguous, then view, as PyTorch records it)."""
    return x.contiguous().view(-1)


def unflatten(x, dim: int, sizes):
    """Dimension `dim` split into several of the given `sizes` (one of them may be -1, worked out)."""
    if x.ndim == 0:
        raise RuntimeError(f"unflatten: Dimension specified as {dim} but tensor has no dimensions")
    d = axis_of(x.ndim, dim, "unflatten")
    sizes = tuple(int(n) for n in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError(f"unflatten: only one dimension can be inferred, got sizes {list(sizes)}")
    known = math.prod(n for n in sizes if n != -1)
    n = x.shape[d]
    if -1 in sizes:
        fits = known != 0 and n % known == 0  # the -1 is worked out as n // known
    else:
        fits = known == n
    if not fits:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({n}) in the input tensor")
    return x.reshape(x.shape[:d] + sizes + x.shape[d + 1:])


def sum_to_size(x, *size):
    """x summed down to `size`, a shape x broadcasts from (the engine's unbroadcast, as a method):
    leading dims are summed away, dims where `size` has 1 are summed with keepdim."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    lead = x.ndim - len(size)
    if lead < 0 or any(n not in (m, 1) for n, m in zip(size, x.shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(x.shape)}}}.")
    if lead:
        x = x.sum(tuple(range(lead)))
    ones = tuple(i for i, n in enumerate(size) if n == 1 and x.shape[i] != 1)
    return x.sum(ones, keepdim=True) if ones else x


# ---------------------------------------------------------------- cutting into pieces

def tensor_split(x, indices_or_sections=None, dim: int = 0, *, sections=None, indices=None):
    """Pieces along `dim`: `sections` (an int) pieces as equal as can be (the first n % sections one
    longer), or cut before each of `indices`; a 0-d integer tensor is sections, a 1-D one indices."""
    if x.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    split_by = next((v for v in (indices_or_sections, sections, indices) if v is not None), None)
    if split_by is None:
        raise TypeError("tensor_split(): missing the argument indices_or_sections (an int or a list of ints)")
    if is_tensor(split_by):
        array = split_by._data
        if array.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{of_array(array).legacy_name}")
        if array.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {array.ndim} dims")
        split_by = int(array) if array.ndim == 0 else array.tolist()
    d = axis_of(x.ndim, dim, "tensor_split")
    n = x.shape[d]
    if isinstance(split_by, numbers.Integral):
        if split_by <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split_by}")
        longer, size = n % split_by, n // split_by
        starts = [i * size + min(i, longer) for i in range(split_by + 1)]
    else:
        starts = [0] + [int(i) for i in split_by] + [n]
    return tuple(x[(slice(None),) * d + (slice(start, stop),)] for start, stop in zip(starts, starts[1:]))


def split_along(x, split_by, dim: int, needs: int, op: str):
    """hsplit, vsplit, dsplit: tensor_split along `dim`, an int needing a size it divides."""
    if x.ndim < needs:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {needs} dimension, but got a tensor with "
                           f"{x.ndim} dimensions!")
    if isinstance(split_by, numbers.Integral) and (split_by == 0 or x.shape[dim] % split_by):
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{x.shape[dim]} is not divisible by the split_size {split_by}!")
    return tensor_split(x, split_by, dim)


def hsplit(x, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for a 1-D tensor); an int must divide that size."""
    if x.ndim == 0:
        raise RuntimeError("torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
                           "dimensions!")
    return split_along(x, indices_or_sections, 1 if x.ndim > 1 else 0, 1, "hsplit")


def vsplit(x, indices_or_sections):
    """tensor_split along dim 0 of a tensor of at least 2 dims; an int must divide that size."""
    return split_along(x, indices_or_sections, 0, 2, "vsplit")


def dsplit(x, indices_or_sections):
    """tensor_split along dim 2 of a tensor of at least 3 dims; an int must divide that size."""
    return split_along(x, indices_or_sections, 2, 3, "dsplit")


def split_with_sizes(x, split_sizes, dim: int = 0):
    """Pieces of the given sizes along `dim` (split with a list)."""
    d = axis_of(x.ndim, dim, "split_with_sizes")
    sizes = [int(n) for n in split_sizes]
    if min(sizes, default=0) < 0:
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={sizes}")
    if sum(sizes) != x.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {x.shape[d]} (input tensor's "
                           f"size at dimension {d}), but got split_sizes={sizes}")
    return movement.split(x, sizes, d)


# ---------------------------------------------------------------- flipping and rotating

def fliplr(x):
    """flip(1): the columns in reverse order (2 or more dims)."""
    if x.ndim < 2:
        raise RuntimeError("fliplr: Input must be >= 2-d.")
    return movement.flip(x, 1)


def flipud(x):
    """flip(0): the rows in reverse order (1 or more dims)."""
    if x.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return movement.flip(x, 0)


def rot90(x, k: int = 1, dims=(0, 1)):
    """x turned k quarter turns in the plane of `dims`, from the first dim towards the second
    (PyTorch's: one turn flips dims[1] and swaps the two, three flip dims[0] and swap)."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    first, second = axis_of(x.ndim, dims[0], "rot90"), axis_of(x.ndim, dims[1], "rot90")
    if first == second:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    turns = k % 4
    if turns == 1:
        return movement.transpose(movement.flip(x, second), first, second)
    if turns == 2:
        return movement.flip(x, first, second)
    if turns == 3:
        return movement.transpose(movement.flip(x, first), first, second)
    return x.clone()


# ---------------------------------------------------------------- repeating and picking

def repeat_interleave(x, repeats, dim=None, *, output_size=None):
    """Each element (each slice along `dim`) repeated `repeats` times in place: [1, 2] -> [1, 1, 2, 2].
    `repeats` is an int (an expand and a reshape) or one count per slice (indexing); without
    `dim` x is flattened first. `output_size`, the result's length along dim, is checked."""
    if dim is None:
        x, dim = x.reshape(-1), 0
    d = axis_of(x.ndim, dim, "repeat_interleave")
    if x.ndim == 0:
        raise IndexError(f"repeat_interleave: dim {dim} is out of range for a 0-d tensor (expected a dim in [-1, 0] "
                         "for the one it adds). Hint: leave dim=None to repeat the element")
    n = x.shape[d]
    if is_tensor(repeats) and repeats.ndim == 0:
        repeats = repeats._data
    if isinstance(repeats, (numbers.Integral, np.integer)):
        if repeats < 0:
            raise RuntimeError(f"repeat_interleave: Repeats must be non-negative, got {int(repeats)}")
        if output_size is not None and output_size != n * repeats:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {n * repeats} but got {output_size}")
        copies = x.unsqueeze(d + 1)
        copies = copies.expand(copies.shape[:d + 1] + (int(repeats),) + copies.shape[d + 2:])
        return copies.contiguous().view(x.shape[:d] + (n * int(repeats),) + x.shape[d + 1:])  # as PyTorch records it
    counts = repeat_counts(repeats)
    if counts.shape[0] == 1:
        counts = np.broadcast_to(counts, (n,))
    if counts.shape[0] != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.shape[0]} and input.size({dim}) = {n}")
    if output_size is not None and output_size != counts.sum():
        raise RuntimeError(f"repeat_interleave: allocated size does not match required size: output_size is "
                           f"{output_size}, the repeats add up to {counts.sum()}")
    return x[(slice(None),) * d + (np.repeat(np.arange(n), counts),)]


def repeat_counts(repeats) -> np.ndarray:
    """A tensor (or list) of repeat counts, checked as PyTorch checks it: 1-D, integer, not negative."""
    counts = repeats._data if is_tensor(repeats) else np.asarray(repeats)
    if counts.ndim > 1:
        raise RuntimeError(f"repeat_interleave: repeats must be 0-dim or 1-dim tensor, got shape {counts.shape}")
    if counts.dtype.kind not in "iu":
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{of_array(counts).legacy_name}\'')
    if counts.size and counts.min() < 0:
        raise RuntimeError(f"repeat_interleave: repeats can not be negative, got {counts.tolist()}")
    return counts.reshape(-1)


def long_index(index, op: str, message: str) -> np.ndarray:
    if not is_tensor(index):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype != np.int64:
        raise RuntimeError(f"{message} {of_array(index._data).legacy_name}")
    return index._data


def wrapped(index: np.ndarray, size: int, op: str) -> np.ndarray:
    """Negative positions counted from the end; any outside [-size, size) an IndexError."""
    if index.size and (index.min() < -size or index.max() >= size):
        bad = index.max() if index.max() >= size else index.min()
        raise IndexError(f"{op}: out of range: tried to access index {bad} on a tensor of {size} elements.")
    return np.where(index < 0, index + size, index)


def in_bounds(index: np.ndarray, size: int) -> np.ndarray:
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.max() if index.max() >= size else index.min()
        raise RuntimeError(f"take_along_dim: index {bad} is out of bounds for dimension 0 with size {size}")
    return index


def take(x, index):
    """The elements of x flattened, at the positions in `index` (an int64 tensor; negative counts from
    the end); the result has index's shape."""
    positions = long_index(index, "take", "take(): Expected a long tensor for index, but got")
    return x.reshape(-1)[wrapped(positions, x.numel(), "take")]


def take_along_dim(x, indices, dim=None):
    """gather along `dim`, with x and indices broadcast against each other in the other dims (NumPy's
    take_along_axis); without dim, x and indices are flattened first."""
    message = "torch.take_along_dim(): dtype of indices should be Long but got"
    index = long_index(indices, "take_along_dim", message)
    if dim is None:  # here, as PyTorch, a negative index is out of bounds (along a dim it counts from the end)
        return gather(x.reshape(-1), 0, in_bounds(index.reshape(-1), x.numel()))
    d = axis_of(x.ndim, dim, "take_along_dim")
    if index.ndim != x.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {x.ndim} dimensions for input, and {index.ndim} dimensions for indices")
    try:
        others = np.broadcast_shapes(x.shape[:d] + (1,) + x.shape[d + 1:], index.shape[:d] + (1,) + index.shape[d + 1:])
    except ValueError:
        raise RuntimeError(f"take_along_dim: input of shape {tuple(x.shape)} and indices of shape {index.shape} do not "
                           f"broadcast against each other outside dim {d}") from None
    x = x.expand(others[:d] + (x.shape[d],) + others[d + 1:])
    index = np.broadcast_to(index, others[:d] + (index.shape[d],) + others[d + 1:])
    return gather(x, d, wrapped(index, x.shape[d], "take_along_dim"))


# ---------------------------------------------------------------- differences, diagonals, windows

def diff(x, n: int = 1, dim: int = -1, prepend=None, append=None):
    """The n-th forward difference along `dim`: x[1:] - x[:-1], n times (for bool, x[1:] != x[:-1]),
    after joining `prepend` and `append` (tensors of x's number of dims) to x along dim."""
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = axis_of(x.ndim, dim, "diff")
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is not None and not is_tensor(extra):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(extra).__name__}")
        if extra is not None and extra.ndim != x.ndim:
            raise RuntimeError(f"diff expects prepend or append to be the same dimension as input; got {name} of "
                               f"shape {tuple(extra.shape)} for input of shape {tuple(x.shape)}")
    pieces = [t for t in (prepend, x, append) if t is not None]
    if len(pieces) > 1:
        x = Cat.apply(*pieces, dim=d)
    if n >= x.shape[d]:  # as many differences as elements or more: none left
        return movement.take(x, d, 0, 0)
    for _ in range(n):
        later, earlier = movement.take(x, d, 1, None), movement.take(x, d, 0, -1)
        x = later != earlier if x.dtype == np.bool_ else later - earlier
    return x


def diag_embed(x, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """A tensor one dim larger whose (dim1, dim2) planes have x's last dim on their `offset` diagonal,
    zeros elsewhere: x times an identity, padded to shift it, with the two new dims moved into place."""
    first = axis_of(x.ndim, dim1, "diag_embed", new_dims=1)
    second = axis_of(x.ndim, dim2, "diag_embed", new_dims=1)
    if first == second:
        raise RuntimeError(f"diag_embed: diagonal dimensions cannot be identical {dim1}, {dim2}")
    square = x.unsqueeze(-1) * np.eye(x.shape[-1], dtype=x._data.dtype)  # x[..., i] at [..., i, i]
    shift = abs(offset)
    square = square.pad((shift, 0, 0, shift) if offset >= 0 else (0, shift, shift, 0))
    return movedim(square, (-2, -1), (first, second))


def diagflat(x, offset: int = 0):
    """The square matrix with x's elements (flattened) on its `offset` diagonal."""
    return diag_embed(x.reshape(-1), offset)


def unfold(x, dimension: int, size: int, step: int):
    """The windows of `size` elements along `dimension`, `step` apart, as a new last dim: a view of x,
    (..., n, ...) -> (..., (n - size) // step + 1, ..., size)."""
    d = axis_of(x.ndim, dimension, "unfold")
    length = x.shape[d] if x.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if x.ndim == 0:  # one element: a window of it, or of none
        return UnfoldWindows.apply(x.reshape(1), dim=0, size=size, step=step)[0]
    return UnfoldWindows.apply(x, dim=d, size=size, step=step)


class ArrangementMethods:
    """Tensor's methods of these names (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()
    movedim = moveaxis = movedim
    swapaxes, swapdims, ravel, unflatten, sum_to_size = swapaxes, swapdims, ravel, unflatten, sum_to_size
    tensor_split, hsplit, vsplit, dsplit, split_with_sizes = tensor_split, hsplit, vsplit, dsplit, split_with_sizes
    fliplr, flipud, rot90, repeat_interleave, take, take_along_dim = fliplr, flipud, rot90, repeat_interleave, \
        take, take_along_dim
    diff, diag_embed, diagflat, unfold = diff, diag_embed, diagflat, unfold
    nbytes = property(lambda self: self._data.size * self._data.itemsize,
                      doc="The bytes its elements take: numel() * itemsize (an expanded view counts every element).")
    itemsize = property(lambda self: self._data.itemsize, doc="The bytes of one element (4 for float32).")

    def ndimension(self) -> int:
        """The number of dimensions (an older name for dim())."""
        return self.ndim
