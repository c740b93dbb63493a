"""Tensor methods whose result is a constant: comparisons, bitwise and logical ops, argmax,
argsort, floor, round, isclose, unique, nonzero, histograms, ...

NumPy computes them and no graph node is made: their results have no gradient. PyTorch's
gradient of floor, round, ... is 0 almost everywhere anyway, and a comparison or an
index is not a differentiable function of its input.

ConstantMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept
apart so that tensor.py holds the differentiable ones.
"""

from __future__ import annotations

import numpy as np

from . import return_types
from .arrays import DEFAULT_FLOAT, is_float
from .autograd import TensorBase
from .dims import axis_of
from .errors import broadcast_error

_NOT_DATA = (str, bytes, list, tuple, dict, range)  # what == and != do not compare element by element (Size too)


class ConstantMethods:
    """Tensor's methods that make constants (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    def _compare(self, ufunc, other, name: str = "", reverse: bool = False):
        other_array = other._data if isinstance(other, TensorBase) else other
        left, right = (other_array, self._data) if reverse else (self._data, other_array)
        try:
            return self._wrap(np.asarray(ufunc(left, right)))
        except ValueError:
            shapes = [x._data.shape if isinstance(x, TensorBase) else np.shape(x) for x in (self, other)]
            raise broadcast_error(name, shapes) from None

    def _bitwise(self, ufunc, other, name: str, reverse: bool = False):
        """&, |, ^: bitwise on integer tensors, logical on bool ones (as PyTorch); floats refused."""
        for x in (self, other):
            kind = x._data.dtype.kind if isinstance(x, TensorBase) else np.asarray(x).dtype.kind
            if kind not in "biu":
                raise TypeError(f"{name}: bitwise ops need integer or bool tensors, got "
                                f"{x.dtype if isinstance(x, TensorBase) else type(x).__name__}. "
                                "Hint: compare first (x > 0) to get bool tensors")
        return self._compare(ufunc, other, name, reverse)

    def _index_reduce(self, fn, dim, keepdim, name: str, *, axis=None, keepdims=None):
        dim, keepdim = (dim if axis is None else axis), keepdim or bool(keepdims)  # NumPy's names too
        axis = None if dim is None else axis_of(self._data.shape, dim, name)
        if self._data.size == 0 and fn in (np.argmax, np.argmin) and (axis is None or self.shape[axis] == 0):
            raise IndexError(f"{name}: expected a non-empty tensor (or dim of size > 0), got shape "
                             f"{self._data.shape}")
        if self.ndim == 0:
            axis = None
        return self._wrap(np.asarray(fn(self._data, axis=axis, keepdims=keepdim)))

    eq = lambda self, other: self._compare(np.equal, other, "eq")
    ne = lambda self, other: self._compare(np.not_equal, other, "ne")
    # ==, != with what is not a tensor, a number or an array (None, a string, a list): Python's answer, as
    # in PyTorch (`w.grad == None` is False, not a tensor of False that `if` cannot read)
    __eq__ = lambda self, other: NotImplemented if other is None or isinstance(other, _NOT_DATA) else self.eq(other)
    __ne__ = lambda self, other: NotImplemented if other is None or isinstance(other, _NOT_DATA) else self.ne(other)
    __lt__ = lt = lambda self, other: self._compare(np.less, other, "lt")
    __le__ = le = lambda self, other: self._compare(np.less_equal, other, "le")
    __gt__ = gt = lambda self, other: self._compare(np.greater, other, "gt")
    __ge__ = ge = lambda self, other: self._compare(np.greater_equal, other, "ge")
    __and__ = bitwise_and = lambda self, other: self._bitwise(np.bitwise_and, other, "bitwise_and")
    __or__ = bitwise_or = lambda self, other: self._bitwise(np.bitwise_or, other, "bitwise_or")
    __xor__ = bitwise_xor = lambda self, other: self._bitwise(np.bitwise_xor, other, "bitwise_xor")
    __rand__ = lambda self, other: self._bitwise(np.bitwise_and, other, "bitwise_and", True)
    __ror__ = lambda self, other: self._bitwise(np.bitwise_or, other, "bitwise_or", True)
    __rxor__ = lambda self, other: self._bitwise(np.bitwise_xor, other, "bitwise_xor", True)
    __lshift__ = bitwise_left_shift = lambda self, other: self._bitwise(np.left_shift, other, "bitwise_left_shift")
    __rshift__ = bitwise_right_shift = lambda self, other: self._bitwise(np.right_shift, other, "bitwise_right_shift")
    __rlshift__ = lambda self, other: self._bitwise(np.left_shift, other, "bitwise_left_shift", True)
    __rrshift__ = lambda self, other: self._bitwise(np.right_shift, other, "bitwise_right_shift", True)
    __invert__ = bitwise_not = lambda self: self._bitwise(lambda x, _: np.invert(x), 0, "bitwise_not")
    isnan = lambda self: self._wrap(np.isnan(self._data))
    isinf = lambda self: self._wrap(np.isinf(self._data))
    isfinite = lambda self: self._wrap(np.isfinite(self._data))
    argmax = lambda self, dim=None, keepdim=False, **axis: self._index_reduce(np.argmax, dim, keepdim, "argmax", **axis)
    argmin = lambda self, dim=None, keepdim=False, **axis: self._index_reduce(np.argmin, dim, keepdim, "argmin", **axis)
    any = lambda self, dim=None, keepdim=False, **axis: self._index_reduce(np.any, dim, keepdim, "any", **axis)
    all = lambda self, dim=None, keepdim=False, **axis: self._index_reduce(np.all, dim, keepdim, "all", **axis)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """The indices that sort x along dim (equal values keep their order)."""
        if self.ndim == 0:
            return self._wrap(np.zeros((), dtype=np.int64))
        d = axis_of(self.ndim, dim, "argsort")
        if descending:  # sort x reversed, read the order backwards, map the positions back:
            order = np.argsort(np.flip(self._data, d), axis=d, kind="stable")  # equal values keep their order
            return self._wrap(self.shape[d] - 1 - np.flip(order, d))
        return self._wrap(np.argsort(self._data, axis=d, kind="stable"))

    floor = lambda self: self._wrap(np.floor(self._data))  # noqa: E731
    ceil = lambda self: self._wrap(np.ceil(self._data))  # noqa: E731
    trunc = lambda self: self._wrap(np.trunc(self._data))  # noqa: E731
    count_nonzero = lambda self, dim=None: self._wrap(np.asarray(np.count_nonzero(self._data, axis=dim)))  # noqa

    logical_not = lambda self: self._wrap(np.logical_not(self._data))  # noqa: E731
    logical_and = lambda self, other: self._compare(np.logical_and, other)  # noqa: E731
    logical_or = lambda self, other: self._compare(np.logical_or, other)  # noqa: E731
    logical_xor = lambda self, other: self._compare(np.logical_xor, other)  # noqa: E731

    def nonzero(self, *, as_tuple: bool = False):
        """The indices of the non-zero elements: an (n, ndim) int64 tensor, or with as_tuple=True one
        1-D index tensor per dimension (what x[...] takes)."""
        found = np.nonzero(np.atleast_1d(self._data))
        if as_tuple:
            return tuple(self._wrap(i.astype(np.int64)) for i in found)
        return self._wrap(np.stack(found, axis=1).astype(np.int64) if self.ndim else
                            np.zeros((int(bool(self._data)), 0), dtype=np.int64))

    argwhere = lambda self: self.nonzero()  # noqa: E731

    def bincount(self, weights=None, minlength: int = 0):
        """How often each value 0, 1, 2, ... occurs in a 1-D non-negative integer tensor (or the sum of
        `weights` there)."""
        if self.ndim != 1 or not np.issubdtype(self.dtype, np.integer):
            raise RuntimeError(f"bincount: expects a 1-D integer tensor, got {self.dtype} of shape {self.shape}")
        weights = weights._data if isinstance(weights, TensorBase) else weights
        counts = np.bincount(self._data, weights=weights, minlength=minlength)
        if weights is not None and np.asarray(weights).dtype == np.float32:  # PyTorch keeps float32 weights' dtype
            counts = counts.astype(np.float32)
        return self._wrap(counts)

    def round(self, decimals: int = 0):
        """Round half to even (as PyTorch and NumPy): 0.5 -> 0, 1.5 -> 2."""
        return self._wrap(np.round(self._data, decimals))

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        """|x - other| <= atol + rtol * |other|, elementwise."""
        return self._close(other, rtol, atol, equal_nan, "isclose")

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """True when isclose holds everywhere."""
        return bool(self._close(other, rtol, atol, equal_nan, "allclose").all())

    def _close(self, other, rtol: float, atol: float, equal_nan: bool, name: str):
        """isclose, for isclose and allclose (`name` in errors). Two tensors must have one dtype, as in
        PyTorch, which does not promote here: a float32 result checked against a float64 reference
        raises rather than passing at float32's precision."""
        if isinstance(other, TensorBase) and other.dtype != self.dtype:
            raise RuntimeError(f"{name}: {self.dtype.legacy_name} did not match {other.dtype.legacy_name} "
                               f"({self.dtype} vs {other.dtype}). Hint: convert one, e.g. other.to(x.dtype)")
        other_array = other._data if isinstance(other, TensorBase) else other
        try:
            close = np.isclose(self._data, other_array, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise broadcast_error(name, [self._data.shape, np.shape(other_array)]) from None
        return self._wrap(close)

    def equal(self, other) -> bool:
        """True when both have the same shape and the same values."""
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
               dim: int | None = None):
        """The distinct values (sorted), and optionally where each element went (inverse) and how
        often each value occurs (counts)."""
        axis = None if dim is None else axis_of(self.ndim, dim, "unique")
        values, inverse, counts = np.unique(self._data, return_inverse=True, return_counts=True, axis=axis)
        out = [self._wrap(values)]
        if return_inverse:
            out.append(self._wrap(inverse.reshape(self.shape if axis is None else -1).astype(np.int64)))
        if return_counts:
            out.append(self._wrap(counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0):  # noqa: A002
        """Counts in `bins` equal bins over [min, max] (the data's own range when both are 0);
        values outside are ignored. Float, as PyTorch's."""
        low, high = float(min), float(max)
        if low == high == 0:
            low, high = (float(self._data.min()), float(self._data.max())) if self._data.size else (0.0, 0.0)
        if low == high:
            low, high = low - 1, high + 1
        counts, _ = np.histogram(self._data, bins=bins, range=(low, high))
        return self._wrap(counts.astype(self.dtype if is_float(self.dtype) else DEFAULT_FLOAT))

    def histogram(self, bins=100, *, range=None, weight=None, density: bool = False):  # noqa: A002
        """(hist, bin_edges): `bins` equal bins over `range` (the data's range by default), or the
        given bin edges; weights and density as NumPy's histogram."""
        bins = bins._data if isinstance(bins, TensorBase) else bins
        weight = weight._data if isinstance(weight, TensorBase) else weight
        hist, edges = np.histogram(self._data, bins=bins, range=range, weights=weight, density=density)
        return return_types.histogram(self._wrap(hist.astype(self.dtype)), self._wrap(edges.astype(self.dtype)))
