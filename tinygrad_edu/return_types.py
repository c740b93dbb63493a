"""Named tuples that ops with several results return, as torch.return_types does.

    values, indices = x.max(dim=1)      # unpacks like a tuple
    x.max(dim=1).indices                # or by name
"""

from __future__ import annotations

from collections import namedtuple

__all__ = ["max", "min", "sort", "topk", "median", "kthvalue", "mode", "nanmedian", "cummax", "cummin", "aminmax",
           "histogram", "svd", "linalg_svd", "slogdet", "frexp"]


def return_type(name: str, fields: list[str]) -> type:
    """A namedtuple that prints one field per line, the way PyTorch prints its return types."""

    def __repr__(self) -> str:
        body = ",\n".join(f"{field}={value!r}" for field, value in zip(self._fields, self))
        return f"tinygrad_edu.return_types.{name}(\n{body})"

    return type(name, (namedtuple(name, fields),), {"__slots__": (), "__repr__": __repr__})


max = return_type("max", ["values", "indices"])  # noqa: A001 -- PyTorch's names
min = return_type("min", ["values", "indices"])  # noqa: A001
sort = return_type("sort", ["values", "indices"])
topk = return_type("topk", ["values", "indices"])
median = return_type("median", ["values", "indices"])
kthvalue = return_type("kthvalue", ["values", "indices"])
mode = return_type("mode", ["values", "indices"])
nanmedian = return_type("nanmedian", ["values", "indices"])
cummax = return_type("cummax", ["values", "indices"])
cummin = return_type("cummin", ["values", "indices"])
aminmax = return_type("aminmax", ["min", "max"])
histogram = return_type("histogram", ["hist", "bin_edges"])
svd = return_type("svd", ["U", "S", "V"])
linalg_svd = return_type("linalg_svd", ["U", "S", "Vh"])
slogdet = return_type("slogdet", ["sign", "logabsdet"])
frexp = return_type("frexp", ["mantissa", "exponent"])
