"""From Python data to the NumPy array a tensor holds, by PyTorch's rules.

`tensor(data)` keeps a NumPy array's dtype and makes Python floats float32 (the default dtype)
and ints int64 (to_array); `Tensor(...)`, PyTorch's legacy constructor, reads Tensor(2, 3) as
a size and makes float32 whatever the data (legacy_array). Indices given as tensors or lists
become arrays before NumPy sees them (index_key). tensor.py and the method families around it
(inplace.py, constant_ops.py, onramp.py) share these helpers, so they live below all of them.
"""

from __future__ import annotations

import functools
import numbers
import operator

import numpy as np

from . import dtypes
from .autograd import TensorBase
from .dtypes import Size

DEFAULT_FLOAT = np.float32  # the initial default; the current one is dtypes.get_default_dtype()


def to_array(data, dtype=None) -> np.ndarray:
    """NumPy arrays keep their dtype; Python floats become the default dtype (float32), ints int64."""
    if isinstance(data, TensorBase):
        data = data._data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"tensor: cannot make a tensor from the string {data!r:.60}; give numbers "
                        "(a Python number, a list of numbers or a NumPy array)")
    if dtype is not None:
        dtype = dtypes.to_dtype(dtype).dtype
    if isinstance(data, (list, tuple)) and has_typed_items(data):
        # [tensor(0.7), tensor(0.2)], [np.float64(1.5)]: each item is a number with a dtype of its own, as
        # in PyTorch (np.array would read a one-element tensor as a row, and make every float float64)
        data = scalars_of(data)
        dtype = dtype or items_dtype(data)
    if isinstance(data, (np.ndarray, np.generic)) or dtype is not None:
        try:
            array = np.array(data, dtype=dtype)
        except (TypeError, ValueError) as err:
            if "inhomogeneous" in str(err):
                raise ragged(err) from None
            raise TypeError(f"tensor: cannot make a {dtype} tensor from {type(data).__name__} "
                            f"{data!r:.60}: {err}") from None
    else:
        try:
            array = np.array(data)
        except ValueError as err:
            raise ragged(err) from None
        if array.dtype == np.float64:
            return array.astype(dtypes.default_float())
        if array.dtype.kind in "iu":
            return array.astype(np.int64)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"tensor: cannot make a tensor from {type(data).__name__} {data!r:.60}; "
                        "give numbers (a Python number, a list of numbers or a NumPy array)")
    return array


def ragged(err: ValueError) -> ValueError:
    """NumPy's error for ragged lists, [[1, 2], [3]], said for a tensor."""
    return ValueError(f"tensor: the data must be rectangular (every row the same length): {err}")


def has_typed_items(data) -> bool:
    """Whether a nested list holds tensors or NumPy scalars (items with a dtype of their own), judged from
    its top level and its first item at each depth, so that a big list of numbers is not walked in Python."""
    while isinstance(data, (list, tuple)) and data:
        if any(isinstance(x, (TensorBase, np.generic)) for x in data):
            return True
        data = data[0]
    return False


def scalars_of(data):
    """The nested list with each tensor in it as a NumPy scalar of its dtype; a tensor of more than one
    element raises, as in PyTorch (tensor([t1, t2]) of rows is torch.stack's job)."""
    if isinstance(data, (list, tuple)):
        return [scalars_of(x) for x in data]
    if isinstance(data, TensorBase):
        if data._data.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars (got one of shape "
                             f"{tuple(data._data.shape)}). Hint: to put tensors together use stack(list) or cat(list)")
        return data._data.reshape(())[()]
    return data


def items_dtype(items: list) -> np.dtype:
    """PyTorch's dtype for a nested list of numbers: each item's own (a NumPy scalar's dtype, float32
    for a Python float, int64 for an int), promoted together."""
    return functools.reduce(dtypes.promote_types, (item.dtype if isinstance(item, np.generic)
                                                   else dtypes.python_number_dtype(item) for item in leaves(items)))


def leaves(items):
    """The items of a nested list, depth first."""
    for x in items:
        if isinstance(x, list):
            yield from leaves(x)
        else:
            yield x


def legacy_array(data: tuple, dtype=None) -> np.ndarray:
    """The array `Tensor(*data)` holds, by PyTorch's rules for its legacy constructor."""
    if not data:
        return np.zeros(0, dtype=dtype or DEFAULT_FLOAT)
    if len(data) == 1 and isinstance(data[0], Size):  # Tensor(x.shape): a size, as in PyTorch
        data = tuple(data[0])
    if all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in data):
        return np.zeros(tuple(int(n) for n in data), dtype=dtype or DEFAULT_FLOAT)  # Tensor(2, 3): a size
    if len(data) > 1:
        raise TypeError(f"Tensor: expected data (a list, an array, a tensor) or sizes (ints), got {data!r:.80}")
    (data,) = data
    if isinstance(data, TensorBase) and dtype is None:
        return data._data  # Tensor(t) shares t, as in PyTorch
    array = to_array(data, dtype)
    return array if dtype is not None else array.astype(DEFAULT_FLOAT, copy=False)


def is_float(dtype) -> bool:
    return np.issubdtype(dtype, np.floating)


def index_key(key):
    """Tensors and lists inside an index become NumPy arrays. A slice's step must be positive, as in
    PyTorch (whose strides are never negative): x.flip(0), not x[::-1]."""
    if isinstance(key, tuple):
        return tuple(index_key(k) for k in key)
    if isinstance(key, slice) and key.step is not None and key.step <= 0:
        raise ValueError(f"step must be greater than zero (got {key.step}). Hint: x.flip(dim) reverses a dim; "
                         "PyTorch's tensors cannot be sliced backwards")
    if isinstance(key, TensorBase):
        if key._data.dtype == np.uint8:  # PyTorch reads a uint8 index as a mask (a deprecated form)
            return key._data.astype(bool)
        return key._data
    if isinstance(key, list):
        return np.asarray(key)
    return key


def torch_order(key, ndim: int) -> tuple | None:
    """The permutation that takes NumPy's result of x[key] (x with `ndim` dims) to PyTorch's, or
    None when the two agree.

    Both put the dims of the index arrays (their broadcast shape) where the arrays stand when they
    sit side by side in the key, and first when something stands between them. They differ in what
    counts as standing between: NumPy counts an int as an index array, while PyTorch applies the
    ints first (a select each), which leaves no trace of them. So on a (2, 3, 4) x, x[0, :, [0, 1]]
    is (2, 3) in NumPy (0 and [0, 1] are apart: their dim goes first) and (3, 2) in PyTorch (after
    the select, [0, 1] stands alone, in its place)."""
    if not isinstance(key, tuple):
        return None
    kinds = [index_kind(k) for k in key]
    arrays = [i for i, kind in enumerate(kinds) if kind == "array"]
    numpy_arrays = [i for i, kind in enumerate(kinds) if kind in ("array", "int")]
    if not arrays or numpy_arrays == list(range(numpy_arrays[0], numpy_arrays[-1] + 1)):
        return None  # no index arrays, or NumPy too sees them side by side
    if any(kind in ("slice", "other") for kind in kinds[arrays[0]:arrays[-1]]):
        return None  # a slice, None or ... between the arrays: both put their dims first
    consumed = sum(k.ndim if kind == "array" and k.dtype == bool else kind != "other" for k, kind in zip(key, kinds))
    spread = ndim - consumed  # the dims that ... (or the end of the key) stands for

    def dims_given(entries) -> int:  # result dims from slices, None and ...: each one, ... its spread
        return sum(spread if k is Ellipsis else 1 for k, kind in entries if kind in ("slice", "other"))
    before = dims_given(zip(key[:arrays[0]], kinds))
    rest = dims_given(zip(key, kinds)) + (0 if any(k is Ellipsis for k in key) else spread)
    joint = max(1 if k.dtype == bool else k.ndim for k, kind in zip(key, kinds) if kind == "array")
    return (*range(joint, joint + before), *range(joint), *range(joint + before, joint + rest))


def index_kind(k) -> str:
    """How an entry of an index counts: "int" (a number, or a 0-d integer array), "array" (an index
    array or a mask), "slice", or "other" (None, ..., True)."""
    if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
        return "int"
    if isinstance(k, np.ndarray):
        return "int" if k.ndim == 0 and k.dtype.kind in "iu" else "array"
    return "slice" if isinstance(k, slice) else "other"


def size_of(size: tuple) -> tuple:
    """new_zeros(2, 3) and new_zeros((2, 3)) mean the same."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(n) for n in size)


def shape_argument(shape: tuple, op: str) -> tuple:
    """reshape(2, 3) and reshape((2, 3)) mean the same; the sizes must be ints (Python's or NumPy's)."""
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    try:
        return tuple([operator.index(n) for n in shape])
    except TypeError:
        raise TypeError(f"{op}: the shape must be ints, got {tuple(shape)!r}") from None
