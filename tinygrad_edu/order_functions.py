"""The function forms of composite/order_statistics.py: tinygrad_edu.quantile(x, q) is x.quantile(q),
and searchsorted, bucketize and isin, which PyTorch has as functions only.

Each takes PyTorch's out= (a tuple of two tensors for the named-tuple results), written into as
functions.py's write_out does. It sits above tensor.py, as tensor_functions.py does; __init__.py
exports `__all__`.
"""

from __future__ import annotations

from .composite import order_statistics
from .functions import write_out
from .tensor import Tensor

__all__ = ["quantile", "nanquantile", "searchsorted", "bucketize", "kthvalue", "mode", "nanmedian",
           "unique_consecutive", "isin", "msort", "cummax", "cummin", "logcumsumexp", "aminmax"]


def checked(x, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}; "
                        "wrap it with tinygrad_edu.tensor(...)")
    return x


def written(result, out, op: str):
    """result, or result copied into out (a tensor, or a pair of tensors for a named tuple)."""
    if out is None:
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{op}(): out= must be a tuple of {len(result)} tensors")
        return type(result)(*(write_out(o, r, op) for o, r in zip(out, result)))
    return write_out(out, result, op)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """See composite/order_statistics.py's quantile."""
    result = order_statistics.quantile(checked(input, "quantile"), q, dim, keepdim, interpolation=interpolation)
    return written(result, out, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile skipping NaNs."""
    result = order_statistics.nanquantile(checked(input, "nanquantile"), q, dim, keepdim,
                                          interpolation=interpolation)
    return written(result, out, "nanquantile")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, out=None, sorter=None):
    """Insertion indices of input's values in sorted_sequence (see order_statistics.searchsorted)."""
    result = order_statistics.searchsorted(checked(sorted_sequence, "searchsorted"), input, out_int32=out_int32,
                                           right=right, side=side, sorter=sorter)
    return written(result, out, "searchsorted")


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket index of each value (see order_statistics.bucketize)."""
    result = order_statistics.bucketize(input, checked(boundaries, "bucketize"), out_int32=out_int32, right=right)
    return written(result, out, "bucketize")


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Where elements occur in test_elements (see order_statistics.isin)."""
    result = order_statistics.isin(elements, test_elements, assume_unique=assume_unique, invert=invert)
    return written(result, out, "isin")


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    return written(checked(input, "kthvalue").kthvalue(k, dim, keepdim), out, "kthvalue")


def mode(input, dim=-1, keepdim=False, *, out=None):
    return written(checked(input, "mode").mode(dim, keepdim), out, "mode")


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    return written(checked(input, "nanmedian").nanmedian(dim, keepdim), out, "nanmedian")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    return checked(input, "unique_consecutive").unique_consecutive(return_inverse, return_counts, dim)


def msort(input, *, out=None):
    return written(checked(input, "msort").msort(), out, "msort")


def cummax(input, dim, *, out=None):
    return written(checked(input, "cummax").cummax(dim), out, "cummax")


def cummin(input, dim, *, out=None):
    return written(checked(input, "cummin").cummin(dim), out, "cummin")


def logcumsumexp(input, dim, *, out=None):
    return written(checked(input, "logcumsumexp").logcumsumexp(dim), out, "logcumsumexp")


def aminmax(input, *, dim=None, keepdim=False, out=None):
    return written(checked(input, "aminmax").aminmax(dim=dim, keepdim=keepdim), out, "aminmax")


for _name in ("kthvalue", "mode", "nanmedian", "unique_consecutive", "msort", "cummax", "cummin", "logcumsumexp",
              "aminmax"):
    globals()[_name].__doc__ = f"tinygrad_edu.{_name}(x, ...) is x.{_name}(...)."
