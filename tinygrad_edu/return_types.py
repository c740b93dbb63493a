"""Named tuples that ops with several results return, as torch.return_types does.

    values, indices = x.max(dim=1)      # unpacks like a tuple
    x.max(dim=1).indices                # or by name
"""

from __future__ import annotations

from collections import namedtuple

__all__ = ["max", "min", "sort", "topk", "median", "kthvalue", "mode", "nanmedian", "cummax", "cummin", "aminmax",
           "histogram", "svd", "linalg_svd", "slogdet", "frexp", "linalg_slogdet", "qr", "linalg_qr", "linalg_lstsq",
           "linalg_inv_ex", "linalg_solve_ex", "linalg_cholesky_ex", "linalg_eigh", "linalg_lu", "linalg_lu_factor"]


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
linalg_slogdet = return_type("linalg_slogdet", ["sign", "logabsdet"])
qr = return_type("qr", ["Q", "R"])
linalg_qr = return_type("linalg_qr", ["Q", "R"])
linalg_lstsq = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
linalg_inv_ex = return_type("linalg_inv_ex", ["inverse", "info"])
linalg_solve_ex = return_type("linalg_solve_ex", ["result", "info"])
linalg_cholesky_ex = return_type("linalg_cholesky_ex", ["L", "info"])
linalg_eigh = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_lu = return_type("linalg_lu", ["P", "L", "U"])
linalg_lu_factor = return_type("linalg_lu_factor", ["LU", "pivots"])
