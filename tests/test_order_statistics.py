"""composite/order_statistics.py: quantile, nanquantile, kthvalue, mode, median, nanmedian, msort, cummax,
cummin, logcumsumexp, aminmax, searchsorted, bucketize, isin and unique_consecutive.

Each case runs on PyTorch (skipped without it) and on tinygrad_edu and compares values, dtypes and
gradients; its torch-free twin compares tinygrad_edu with the same values written out (PyTorch
2.13's). The inputs are full of ties and NaNs on purpose: there the index PyTorch returns decides
where the gradient goes. The registry (registry_order_statistics.py) gradchecks the ops on sampled
inputs without ties.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.composite.kernel_orders import quickselect

NAN, INF = float("nan"), float("inf")
TIES = [[3.0, 1.0, 3.0, 1.0, 2.0, 1.0, 3.0], [2.0, 2.0, 0.0, 0.0, 5.0, 0.0, 2.0]]
SPREAD = [[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.75, 3.0], [2.0, 1.0, 1.0, -2.0]]
WITH_NANS = [[1.0, NAN, 3.0, 2.0, 1.0], [NAN, NAN, NAN, 0.0, NAN], [NAN, NAN, NAN, NAN, NAN]]
SORTED = [[1.0, 3.0, 5.0, 7.0, 9.0], [2.0, 4.0, 4.0, 4.0, 8.0]]

# name -> (call, input): call(lib, x) with x a float64 tensor that requires grad; compared on values,
# dtypes and the gradient of a weighted sum of the differentiable outputs (weights cos(0), cos(1), ...)
CASES = {
    "kthvalue_ties": (lambda lib, x: tuple(t for k in range(1, 8) for t in lib.kthvalue(x, k)), TIES),
    "kthvalue_dim0_keepdim": (lambda lib, x: x.kthvalue(2, 0, keepdim=True), TIES),
    "kthvalue_nan": (lambda lib, x: tuple(t for k in (1, 2, 4, 5) for t in x.kthvalue(k)), WITH_NANS[:2]),
    "kthvalue_long_ties": (lambda lib, x: tuple(t for k in (3, 9, 14, 20) for t in x.reshape(-1).repeat(3)
                                                .kthvalue(k)), TIES),
    "mode": (lambda lib, x: lib.mode(x), TIES),
    "mode_dim0_keepdim": (lambda lib, x: x.mode(0, True), TIES),
    "mode_distinct": (lambda lib, x: x.mode(1), SPREAD),
    "nanmedian_dim": (lambda lib, x: lib.nanmedian(x[:2], 1), WITH_NANS),
    "nanmedian_all_nan_of_three": (lambda lib, x: x[2, :3].nanmedian(0, keepdim=True), WITH_NANS),
    "nanmedian_ties_shared": (lambda lib, x: x[0].nanmedian(), WITH_NANS),
    "nanmedian_all_nan": (lambda lib, x: x[2].nanmedian(), WITH_NANS),
    "nanmedian_ties_dim": (lambda lib, x: x.nanmedian(-1), TIES),
    "median_nan": (lambda lib, x: lib.median(x[:2], 1), WITH_NANS),
    "median_nan_shared": (lambda lib, x: x[0].median(), WITH_NANS),
    "median_ties_shared": (lambda lib, x: x.median(), TIES),
    "median_ties_dim": (lambda lib, x: x.median(1, keepdim=True), TIES),
    "msort": (lambda lib, x: lib.msort(x), SPREAD),
    "quantile_linear": (lambda lib, x: lib.quantile(x, lib.tensor([0.0, 0.3, 0.5, 1.0], dtype=lib.float64)), TIES),
    "quantile_dim_keepdim": (lambda lib, x: x.quantile(lib.tensor([0.25, 0.8], dtype=lib.float64), 1, True), TIES),
    "quantile_lower": (lambda lib, x: x.quantile(0.3, 0, interpolation="lower"), SPREAD),
    "quantile_higher": (lambda lib, x: x.quantile(0.3, 0, interpolation="higher"), SPREAD),
    "quantile_midpoint": (lambda lib, x: x.quantile(0.3, 1, interpolation="midpoint"), SPREAD),
    "quantile_nearest": (lambda lib, x: x.quantile(lib.tensor([0.125, 0.375, 0.625], dtype=lib.float64),
                                                   interpolation="nearest"), [0.0, 4.0, 1.0, 3.0, 2.0]),
    "quantile_keepdim_all": (lambda lib, x: x.quantile(0.4, keepdim=True), SPREAD),
    "quantile_0d": (lambda lib, x: x[0, 0].quantile(0.4, dim=0), SPREAD),
    "quantile_nan": (lambda lib, x: x[:2].quantile(0.5, 1), WITH_NANS),
    "nanquantile": (lambda lib, x: lib.nanquantile(x, 0.5, 1), WITH_NANS),
    "nanquantile_all": (lambda lib, x: x[0].nanquantile(lib.tensor([0.2, 0.9], dtype=lib.float64)), WITH_NANS),
    "cummax": (lambda lib, x: lib.cummax(x, 1), TIES),
    "cummin_dim0": (lambda lib, x: x.cummin(0), TIES),
    "cummax_nan": (lambda lib, x: x.cummax(-1), [[1.0, NAN, 3.0, NAN, 0.0], [0.0, 2.0, 2.0, 1.0, 5.0]]),
    "cummin_nan": (lambda lib, x: lib.cummin(x, 1), [[1.0, NAN, 3.0, NAN, 0.0], [0.0, 2.0, 2.0, 1.0, 5.0]]),
    "cummax_0d": (lambda lib, x: x[0, 0].cummax(0), TIES),
    "logcumsumexp": (lambda lib, x: lib.logcumsumexp(x, 1), SPREAD),
    "logcumsumexp_large": (lambda lib, x: x.logcumsumexp(0), [[1000.0, -1000.0], [1000.0, 0.0], [-5.0, 1000.0]]),
    "logcumsumexp_minus_inf": (lambda lib, x: x.logcumsumexp(0), [-INF, -INF, 0.0, -INF, 1.0]),
    "logcumsumexp_0d": (lambda lib, x: x[1, 1].logcumsumexp(0), SPREAD),
    "aminmax": (lambda lib, x: lib.aminmax(x), TIES),
    "aminmax_dim": (lambda lib, x: x.aminmax(dim=1), TIES),
    "aminmax_keepdim": (lambda lib, x: x.aminmax(dim=0, keepdim=True), TIES),
    "aminmax_all_keepdim": (lambda lib, x: x.aminmax(keepdim=True), SPREAD),
    "aminmax_0d": (lambda lib, x: x[0, 0].aminmax(dim=0, keepdim=True), SPREAD),
    "searchsorted": (lambda lib, x: (lib.searchsorted(x[0], lib.tensor([[0.0, 3.0, 4.0], [9.0, 10.0, 5.0]])),
                                     lib.searchsorted(x[0], lib.tensor([3.0, 6.0]), right=True),
                                     lib.searchsorted(x[0], 7.0, side="right"),
                                     lib.searchsorted(x[1], lib.tensor([4, 5]), side="left", out_int32=True)),
                     SORTED),
    "searchsorted_rows": (lambda lib, x: (lib.searchsorted(x, lib.tensor([[4.0, 9.5], [4.0, 0.0]])),
                                          lib.searchsorted(x, lib.tensor([[4.0, 9.5], [4.0, 0.0]]), right=True)),
                          SORTED),
    "searchsorted_sorter": (lambda lib, x: lib.searchsorted(x[:, 2].flip(0) * lib.tensor([1.0, 2.0, 3.0]),
                                                            lib.tensor([2.5, 6.0, 20.0]),
                                                            sorter=lib.tensor([1, 0, 2])), SPREAD),
    "bucketize": (lambda lib, x: (lib.bucketize(lib.tensor([[0.0, 3.0], [4.0, 9.0]]), x[0]),
                                  lib.bucketize(lib.tensor([3.0, 10.0]), x[0], right=True),
                                  lib.bucketize(4.0, x[1], out_int32=True)), SORTED),
    "isin": (lambda lib, x: (lib.isin(x, lib.tensor([1.0, 3.0])), lib.isin(x, x[0, :2], invert=True),
                             lib.isin(lib.tensor([1, 2, 3]), lib.tensor([2.0, 3.5])),
                             lib.isin(2, lib.tensor([1, 2])), lib.isin(x[0], 3.0, assume_unique=True)), TIES),
    "nanmedian_ints": (lambda lib, x: (x.detach().long().nanmedian(), *lib.tensor([[3, 1, 3], [2, 2, 0]]).nanmedian(1)),
                       TIES),
    "unique_consecutive": (lambda lib, x: lib.unique_consecutive(lib.tensor([1, 1, 2, 2, 3, 1, 1, 2])), TIES),
    "unique_consecutive_all": (lambda lib, x: lib.unique_consecutive(x.detach(), return_inverse=True,
                                                                     return_counts=True), TIES),
    "unique_consecutive_dim": (lambda lib, x: lib.tensor([[1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
                               .unique_consecutive(return_inverse=True, return_counts=True, dim=0), TIES),
    "unique_consecutive_dim1": (lambda lib, x: lib.tensor([[1, 1, 2, 2], [3, 3, 4, 5]])
                                .unique_consecutive(return_counts=True, dim=1), TIES),
}


def run(lib, name):
    """(values, dtypes, gradient) of a case: the gradient of sum(out_i * cos(i)) over the outputs
    that require grad (None when none does)."""
    call, data = CASES[name]
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    out = call(lib, x)
    outs = tuple(out) if isinstance(out, tuple) else (out,)
    weighted = [(o * lib.arange(o.numel(), dtype=lib.float64).reshape(o.shape).cos()).sum()
                for o in outs if o.requires_grad]
    grad = lib.autograd.grad(sum(weighted), x)[0].numpy() if weighted else None
    return [o.detach().numpy() for o in outs], [str(o.dtype).split(".")[-1] for o in outs], grad


def assert_same(ours, theirs, name):
    assert ours[1] == theirs[1], name
    assert (ours[2] is None) == (theirs[2] is None), name
    for a, b in zip(ours[0] + [ours[2]], theirs[0] + [theirs[2]]):
        if a is not None:
            assert np.shape(a) == np.shape(b), name
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_dtypes_and_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    assert_same(run(tg, name), run(torch, name), name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_dtypes_and_gradients_as_written_out(name):
    """The twin: the same cases against PyTorch 2.13's results, written out."""
    values, dtypes, grad = EXPECTED[name]
    expected = ([np.array(v) for v in values], dtypes, None if grad is None else np.array(grad))
    assert_same(run(tg, name), expected, name)


# PyTorch 2.13's results for CASES (values, dtypes, gradient), rounded to 12 decimals
EXPECTED = {
    "kthvalue_ties":
        ([[1.0, 0.0], [3, 3], [1.0, 0.0], [1, 5], [1.0, 0.0], [5, 2], [2.0, 2.0], [4, 0], [3.0, 2.0], [0, 1],
          [3.0, 2.0], [2, 6], [3.0, 5.0], [6, 4]],
         ['float64', 'int64', 'float64', 'int64', 'float64', 'int64', 'float64', 'int64', 'float64', 'int64',
          'float64', 'int64', 'float64', 'int64'],
         [[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
          [0.540302305868, 0.540302305868, 0.540302305868, 0.540302305868, 0.540302305868, 0.540302305868,
           0.540302305868]]),
    "kthvalue_dim0_keepdim":
        ([[[3.0, 2.0, 3.0, 1.0, 5.0, 1.0, 3.0]], [[0, 1, 0, 0, 1, 0, 0]]], ['float64', 'int64'],
         [[1.0, 0.0, -0.416146836547, -0.9899924966, 0.0, 0.283662185463, 0.96017028665],
          [0.0, 0.540302305868, 0.0, 0.0, -0.653643620864, 0.0, 0.0]]),
    "kthvalue_nan":
        ([[1.0, 0.0], [4, 3], [1.0, NAN], [0, 2], [3.0, NAN], [2, 1], [NAN, NAN], [1, 4]],
         ['float64', 'int64', 'float64', 'int64', 'float64', 'int64', 'float64', 'int64'],
         [[1.0, 1.0, 1.0, 0.0, 1.0], [0.0, 0.540302305868, 0.540302305868, 0.540302305868, 0.540302305868]]),
    "kthvalue_long_ties":
        ([0.0, 23, 0.0, 40, 1.0, 29, 2.0, 8],
         ['float64', 'int64', 'float64', 'int64', 'float64', 'int64', 'float64', 'int64'],
         [[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]]),
    "mode":
        ([[1.0, 0.0], [5, 5]], ['float64', 'int64'],
         [[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.540302305868, 0.0]]),
    "mode_dim0_keepdim":
        ([[[2.0, 1.0, 0.0, 0.0, 2.0, 0.0, 2.0]], [[1, 0, 1, 1, 0, 1, 1]]], ['float64', 'int64'],
         [[0.0, 0.540302305868, 0.0, 0.0, -0.653643620864, 0.0, 0.0],
          [1.0, 0.0, -0.416146836547, -0.9899924966, 0.0, 0.283662185463, 0.96017028665]]),
    "mode_distinct":
        ([[-1.0, -0.75, 1.0], [1, 2, 2]], ['float64', 'int64'],
         [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.540302305868, 0.0], [0.0, 0.0, -0.416146836547, 0.0]]),
    "nanmedian_dim":
        ([[1.0, 0.0], [4, 3]], ['float64', 'int64'],
         [[0.0, 0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.540302305868, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "nanmedian_all_nan_of_three":
        ([[NAN], [0]], ['float64', 'int64'],
         [[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]),
    "nanmedian_ties_shared":
        ([1.0], ['float64'], [[0.5, 0.0, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "nanmedian_all_nan":
        ([NAN], ['float64'], [[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.2, 0.2, 0.2, 0.2, 0.2]]),
    "nanmedian_ties_dim":
        ([[2.0, 2.0], [4, 0]], ['float64', 'int64'],
         [[0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], [0.540302305868, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    "median_nan":
        ([[NAN, NAN], [1, 0]], ['float64', 'int64'],
         [[0.0, 1.0, 0.0, 0.0, 0.0], [0.540302305868, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "median_nan_shared":
        ([NAN], ['float64'], [[0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "median_ties_shared":
        ([2.0], ['float64'], [[0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0], [0.25, 0.25, 0.0, 0.0, 0.0, 0.0, 0.25]]),
    "median_ties_dim":
        ([[[2.0], [2.0]], [[4], [0]]], ['float64', 'int64'],
         [[0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], [0.540302305868, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    "msort":
        ([[[0.5, -1.0, -0.75, -2.0], [1.5, 0.0, 1.0, 0.25], [2.0, 1.0, 2.0, 3.0]]], ['float64'],
         [[1.0, 0.540302305868, -0.839071529076, 0.753902254343],
          [-0.653643620864, 0.283662185463, -0.416146836547, 0.004425697988],
          [-0.145500033809, -0.911130261885, 0.96017028665, -0.9899924966]]),
    "quantile_linear":
        ([[0.0, 1.0, 2.0, 5.0]], ['float64'],
         [[0.0, 0.054030230587, 0.0, 0.486272075281, -0.208073418274, 0.0, 0.0],
          [-0.208073418274, 0.0, 1.0, 0.0, -0.9899924966, 0.0, 0.0]]),
    "quantile_dim_keepdim":
        ([[[[1.0], [0.0]], [[3.0], [2.0]]]], ['float64'],
         [[-0.083229367309, 0.0, -0.332917469238, 0.5, 0.0, 0.5, 0.0],
          [0.0, -0.19799849932, 0.0, 0.270151152934, 0.0, 0.270151152934, -0.79199399728]]),
    "quantile_lower":
        ([[0.5, -1.0, -0.75, -2.0]], ['float64'],
         [[1.0, 0.540302305868, 0.0, 0.0], [0.0, 0.0, -0.416146836547, 0.0], [0.0, 0.0, 0.0, -0.9899924966]]),
    "quantile_higher":
        ([[1.5, 0.0, 1.0, 0.25]], ['float64'],
         [[0.0, 0.0, 0.0, -0.9899924966], [1.0, 0.540302305868, 0.0, 0.0], [0.0, 0.0, -0.416146836547, 0.0]]),
    "quantile_midpoint":
        ([[-0.375, -0.375, -0.5]], ['float64'],
         [[0.0, 0.5, 0.0, 0.5], [0.0, 0.270151152934, 0.270151152934, 0.0],
          [0.0, -0.208073418274, 0.0, -0.208073418274]]),
    "quantile_nearest":
        ([[0.0, 2.0, 2.0]], ['float64'], [1.0, 0.0, 0.0, 0.0, 0.124155469321]),
    "quantile_keepdim_all":
        ([[[0.35]]], ['float64'], [[0.4, 0.0, 0.0, 0.6], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "quantile_0d":
        ([0.5], ['float64'], [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "quantile_nan":
        ([[NAN, NAN]], ['float64'],
         [[0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.540302305868], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "nanquantile":
        ([[1.5, 0.0, NAN]], ['float64'],
         [[0.0, 0.0, 0.0, 0.5, 0.5], [0.0, 0.0, 0.0, 0.540302305868, 0.0], [-0.416146836547, 0.0, 0.0, 0.0, 0.0]]),
    "nanquantile_all":
        ([[1.0, 2.7]], ['float64'],
         [[0.4, 0.0, 0.378211614108, 0.16209069176, 0.6], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]),
    "cummax":
        ([[[3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 2.0, 5.0, 5.0, 5.0]],
          [[0, 0, 2, 2, 2, 2, 6], [0, 1, 1, 1, 4, 4, 4]]],
         ['float64', 'int64'],
         [[1.540302305868, 0.0, -1.776120768548, 0.0, 0.0, 0.0, 0.96017028665],
          [0.753902254343, -1.89570182477, 0.0, 0.0, 1.755726438171, 0.0, 0.0]]),
    "cummin_dim0":
        ([[[3.0, 1.0, 3.0, 1.0, 2.0, 1.0, 3.0], [2.0, 1.0, 0.0, 0.0, 2.0, 0.0, 2.0]],
          [[0, 0, 0, 0, 0, 0, 0], [1, 0, 1, 1, 0, 1, 1]]],
         ['float64', 'int64'],
         [[1.0, 0.39480227206, -0.416146836547, -0.9899924966, -0.649217922876, 0.283662185463, 0.96017028665],
          [0.753902254343, 0.0, -0.911130261885, -0.839071529076, 0.0, 0.843853958732, 0.90744678145]]),
    "cummax_nan":
        ([[[1.0, NAN, NAN, NAN, NAN], [0.0, 2.0, 2.0, 2.0, 5.0]], [[0, 1, 1, 3, 3], [0, 1, 2, 2, 4]]],
         ['float64', 'int64'],
         [[1.0, 0.124155469321, 0.0, -1.643636117464, 0.0],
          [0.283662185463, 0.96017028665, 0.608402220535, 0.0, -0.911130261885]]),
    "cummin_nan":
        ([[[1.0, NAN, NAN, NAN, NAN], [0.0, 0.0, 0.0, 0.0, 0.0]], [[0, 1, 1, 3, 3], [0, 0, 0, 0, 0]]],
         ['float64', 'int64'],
         [[1.0, 0.124155469321, 0.0, -1.643636117464, 0.0], [0.941104430764, 0.0, 0.0, 0.0, 0.0]]),
    "cummax_0d":
        ([3.0, 0], ['float64', 'int64'], [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    "logcumsumexp":
        ([[[0.5, 0.701413277983, 2.241311296657, 2.369278998448],
           [1.5, 1.701413277983, 1.784072604686, 3.259618169993],
           [2.0, 2.313261687518, 2.551444713932, 2.561941379497]]],
         ['float64'],
         [[1.216099512794, 0.048218318898, -1.011238739585, -0.118916119386],
          [0.430757576654, 0.241962612867, 0.0898513881, 0.581519527972],
          [-1.292469807676, -0.421946599451, -0.176905931766, 4.6212111e-05]]),
    "logcumsumexp_large":
        ([[[1000.0, -1000.0], [1000.69314718056, 0.0], [1000.69314718056, 1000.0]]], ['float64'],
         [[0.465104771295, 0.540302305868], [-0.534895228705, -0.9899924966], [0.0, 0.283662185463]]),
    "logcumsumexp_minus_inf":
        ([[-INF, -INF, 0.0, 0.0, 1.313261687518]], ['float64'], [NAN, NAN, -1.581931177612, 0.0, -0.477851776399]),
    "logcumsumexp_0d":
        ([0.0], ['float64'], [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "aminmax":
        ([0.0, 5.0], ['float64', 'float64'],
         [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.333333333333, 0.333333333333, 1.0, 0.333333333333, 0.0]]),
    "aminmax_dim":
        ([[1.0, 0.0], [3.0, 5.0]], ['float64', 'float64'],
         [[0.333333333333, 0.333333333333, 0.333333333333, 0.333333333333, 0.0, 0.333333333333, 0.333333333333],
          [0.0, 0.0, 0.180100768623, 0.180100768623, 0.540302305868, 0.180100768623, 0.0]]),
    "aminmax_keepdim":
        ([[[2.0, 1.0, 0.0, 0.0, 2.0, 0.0, 2.0]], [[3.0, 2.0, 3.0, 1.0, 5.0, 1.0, 3.0]]], ['float64', 'float64'],
         [[1.0, 0.540302305868, -0.416146836547, -0.9899924966, -0.653643620864, 0.283662185463, 0.96017028665],
          [1.0, 0.540302305868, -0.416146836547, -0.9899924966, -0.653643620864, 0.283662185463, 0.96017028665]]),
    "aminmax_all_keepdim":
        ([[[-2.0]], [[3.0]]], ['float64', 'float64'],
         [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]]),
    "aminmax_0d":
        ([0.5, 0.5], ['float64', 'float64'], [[2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "searchsorted":
        ([[[0, 1, 2], [4, 5, 2]], [2, 3], 4, [1, 4]], ['int64', 'int64', 'int64', 'int32'], None),
    "searchsorted_rows":
        ([[[2, 5], [1, 0]], [[2, 5], [4, 0]]], ['int64', 'int64'], None),
    "searchsorted_sorter":
        ([[2, 2, 3]], ['int64'], None),
    "bucketize":
        ([[[0, 1], [2, 4]], [2, 5], 1], ['int64', 'int64', 'int32'], None),
    "isin":
        ([[[True, True, True, True, False, True, True], [False, False, False, False, False, False, False]],
          [[False, False, False, False, True, False, False], [True, True, True, True, True, True, True]],
          [False, True, False], True, [True, False, True, False, False, False, True]],
         ['bool', 'bool', 'bool', 'bool', 'bool'], None),
    "nanmedian_ints":
        ([2, [3, 2], [0, 0]], ['int64', 'int64', 'int64'], None),
    "unique_consecutive":
        ([[1, 2, 3, 1, 2]], ['int64'], None),
    "unique_consecutive_all":
        ([[3.0, 1.0, 3.0, 1.0, 2.0, 1.0, 3.0, 2.0, 0.0, 5.0, 0.0, 2.0],
          [[0, 1, 2, 3, 4, 5, 6], [7, 7, 8, 8, 9, 10, 11]], [1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1]],
         ['float64', 'int64', 'int64'], None),
    "unique_consecutive_dim":
        ([[[1, 1, 2, 2], [3, 3, 4, 4]], [0, 1, 1], [1, 2]], ['int64', 'int64', 'int64'], None),
    "unique_consecutive_dim1":
        ([[[1, 2, 2], [3, 4, 5]], [2, 1, 1]], ['int64', 'int64'], None),
}


# ---------------------------------------------------------------- errors, with PyTorch's messages

LONG, FLOATS, MATRIX = [1, 2, 3], [1.0, 2.0, 3.0], [[1.0, 2.0], [3.0, 4.0]]
ERRORS = {  # name -> (call(lib), exception, part of the message): each raised by both libraries
    "quantile_of_ints": (lambda lib: lib.quantile(lib.tensor(LONG), 0.5), RuntimeError,
                         "quantile() input tensor must be either float or double dtype"),
    "quantile_of_half": (lambda lib: lib.tensor(FLOATS, dtype=lib.float16).quantile(0.5), RuntimeError,
                         "quantile() input tensor must be either float or double dtype"),
    "quantile_q_dtype": (lambda lib: lib.tensor(FLOATS).quantile(lib.tensor([0.5], dtype=lib.float64)),
                         RuntimeError, "q tensor must be same dtype as the input tensor"),
    "quantile_q_2d": (lambda lib: lib.tensor(FLOATS).quantile(lib.tensor([[0.5]])), RuntimeError,
                      "q must be a scalar or 1D tensor"),
    "quantile_q_range": (lambda lib: lib.tensor(FLOATS).quantile(lib.tensor([0.5, 1.5])), RuntimeError,
                         "q values must be in the range [0, 1]"),
    "quantile_empty": (lambda lib: lib.tensor([]).quantile(0.5), RuntimeError, "input tensor must be non-empty"),
    "quantile_interpolation": (lambda lib: lib.tensor(FLOATS).nanquantile(0.5, interpolation="cubic"), RuntimeError,
                               "quantile() interpolation must be one of linear, lower, higher, midpoint or "
                               "nearest, but got cubic"),
    "kthvalue_k": (lambda lib: lib.tensor(FLOATS).kthvalue(4), RuntimeError,
                   "kthvalue(): selected number k out of range for dimension 0"),
    "kthvalue_float_k": (lambda lib: lib.tensor(FLOATS).kthvalue(1.0), TypeError,
                         "kthvalue(): argument 'k' (position 1) must be int, not float"),
    "kthvalue_k0": (lambda lib: lib.tensor(MATRIX).kthvalue(0, 1), RuntimeError, "out of range for dimension 1"),
    "mode_empty": (lambda lib: lib.tensor([]).mode(), IndexError,
                   "mode(): Expected reduction dim 0 to have non-zero size"),
    "nanmedian_empty": (lambda lib: lib.ones(2, 0).nanmedian(1), IndexError,
                        "median(): Expected reduction dim 1 to have non-zero size"),
    "aminmax_empty": (lambda lib: lib.tensor([]).aminmax(), RuntimeError,
                      "aminmax(): cannot compute aminmax over an empty dimension"),
    "logcumsumexp_ints": (lambda lib: lib.tensor(LONG).logcumsumexp(0), NotImplementedError,
                          "\"logcumsumexp_out_cpu\" not implemented for"),
    "searchsorted_side": (lambda lib: lib.searchsorted(lib.tensor(FLOATS), lib.tensor(FLOATS), side="middle"),
                          RuntimeError, "side can only be 'left' or 'right' but got middle"),
    "searchsorted_opposites": (lambda lib: lib.searchsorted(lib.tensor(FLOATS), 1.0, side="left", right=True),
                               RuntimeError, "side and right can't be set to opposites"),
    "searchsorted_0d": (lambda lib: lib.searchsorted(lib.tensor(1.0), lib.tensor(FLOATS)), RuntimeError,
                        "boundaries tensor should have positive dimension, but got 0 dimension"),
    "searchsorted_rows": (lambda lib: lib.searchsorted(lib.tensor([FLOATS]), lib.tensor(MATRIX)), RuntimeError,
                          "must match, but we got boundaries tensor [1, 3] and input value tensor [2, 2]"),
    "searchsorted_scalar_rows": (lambda lib: lib.searchsorted(lib.tensor([FLOATS]), 2.0), RuntimeError,
                                 "input value can be a scalar only when boundaries tensor dimension is 1, but we got "
                                 "boundaries tensor dim(2) and input value's dim(0) numel(1)"),
    "searchsorted_sorter": (lambda lib: lib.searchsorted(lib.tensor(FLOATS), 1.0, sorter=lib.tensor([0, 1])),
                             RuntimeError, "boundary and sorter must have the same size"),
    "unique_consecutive_0d_dim": (lambda lib: lib.tensor(1.0).unique_consecutive(dim=0), IndexError,
                                  "Dimension specified as 0 but tensor has no dimensions"),
    "bucketize_2d": (lambda lib: lib.bucketize(lib.tensor(FLOATS), lib.tensor(MATRIX)), RuntimeError,
                     "boundaries tensor must be 1 dimension, but got dim(2)"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_pytorch(name):
    call, exception, message = ERRORS[name]
    with pytest.raises(exception, match=re.escape(message)):
        call(tg)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_are_pytorchs(name):
    torch = pytest.importorskip("torch")
    call, exception, message = ERRORS[name]
    with pytest.raises(exception, match=re.escape(message)):
        call(torch)


def test_isin_needs_a_tensor():
    with pytest.raises(TypeError, match="isin"):
        tg.isin(1, 2)


# ---------------------------------------------------------------- ties against PyTorch on random inputs

def tie_heavy(seed: int, shape=(4, 9)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, shape).astype(np.float64)
    x[rng.random(shape) < 0.1 * (seed % 3)] = np.nan
    return x


@pytest.mark.parametrize("seed", range(12))
def test_indices_and_gradients_on_tie_heavy_inputs_match_torch(seed):
    torch = pytest.importorskip("torch")
    data = tie_heavy(seed, (4, 9) if seed < 6 else (3, 40))  # rows of 16 or fewer are std::sort's insertion sort
    calls = [lambda lib, x: x.kthvalue(1 + seed % 9), lambda lib, x: x.kthvalue(1 + seed % 3, 0),
             lambda lib, x: x.mode(1), lambda lib, x: x.mode(0), lambda lib, x: x.nanmedian(1),
             lambda lib, x: x.nanmedian(), lambda lib, x: x.cummax(1), lambda lib, x: x.cummin(0),
             lambda lib, x: x.quantile(0.37, 1), lambda lib, x: x.quantile(0.37),
             lambda lib, x: x.nanquantile(0.61, 0, interpolation="nearest"),
             lambda lib, x: x.aminmax(dim=1), lambda lib, x: x.logcumsumexp(1), lambda lib, x: lib.msort(x.t())]
    for i, call in enumerate(calls):
        results = []
        for lib in (tg, torch):
            x = lib.tensor(data, requires_grad=True)
            out = call(lib, x)
            outs = tuple(out) if isinstance(out, tuple) else (out,)
            weights = [lib.arange(o.numel(), dtype=o.dtype).reshape(o.shape) for o in outs]  # so order shows
            sum((o * w).sum() for o, w in zip(outs, weights) if o.requires_grad).backward()
            results.append([o.detach().numpy() for o in outs] + [x.grad.numpy()])
        for ours, theirs in zip(*results):
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, err_msg=f"call {i}")


LONG_ROW = [2.0, 3.0, 0.0, NAN, 1.0, 2.0, 2.0, 1.0, 3.0, 0.0, 1.0, 1.0, 2.0, 1.0, 0.0, 0.0, 0.0, NAN, 0.0, 3.0,
            0.0, 2.0, 3.0, 0.0, 1.0, 1.0, 1.0, 3.0, 0.0, 3.0]


def test_ties_in_a_long_row_as_pytorch():
    """The twin for rows longer than 16 (mode, kthvalue, quantile, msort): PyTorch 2.13's indices
    and gradients, written out."""
    x = tg.tensor(LONG_ROW)
    assert x.mode().values.item() == 0.0 and x.mode().indices.item() == 23  # neither the first 0 nor the last
    assert [x.kthvalue(k).indices.item() for k in (1, 8, 15, 29)] == [23, 2, 10, 3]
    numbers = tg.tensor([v for v in LONG_ROW if v == v], dtype=tg.float64, requires_grad=True)
    numbers.quantile(tg.tensor([0.1, 0.45], dtype=tg.float64)).sum().backward()  # ranks 2.7 and 12.15
    gradient = numbers.grad.numpy()  # a stable sort would put ranks 2, 3, 12, 13 at 13, 14, 10, 12
    assert np.flatnonzero(gradient).tolist() == [10, 18, 24, 26]
    np.testing.assert_allclose(gradient[[10, 18, 24, 26]], [0.15, 0.3, 0.85, 0.7], rtol=1e-12)
    column = tg.tensor(LONG_ROW, dtype=tg.float64, requires_grad=True)
    (tg.msort(column) * tg.arange(30.0, dtype=tg.float64)).sum().backward()  # each element's sorted position
    assert column.grad.tolist() == [21, 27, 7, 29, 15, 20, 19, 9, 26, 0, 11, 12, 18, 14, 4, 3, 2, 28, 1, 25, 5, 17,
                                    24, 8, 10, 13, 16, 23, 6, 22]


def test_quickselect_is_pytorchs_on_written_out_ties():
    """The twin: PyTorch 2.13's kthvalue indices for these rows, written out."""
    row = np.array([3.0, 1.0, 3.0, 1.0, 2.0, 1.0, 3.0])
    assert [quickselect(row, k) for k in range(7)] == [3, 1, 5, 4, 0, 2, 6]
    row = np.array([2.0, 2.0, 0.0, 0.0, 5.0, 0.0, 2.0])
    assert [quickselect(row, k) for k in range(7)] == [3, 5, 2, 0, 1, 6, 4]
    assert [quickselect(np.array([np.nan, 1.0, np.nan, 0.0]), k) for k in range(4)] == [3, 1, 2, 0]


def test_tie_rules_without_torch():
    x = tg.tensor([[2.0, 1.0, 2.0, 1.0], [5.0, 5.0, 4.0, 4.0]], requires_grad=True)
    values, indices = x.mode(1)  # the smallest of the most frequent, at its last occurrence
    assert values.tolist() == [1.0, 4.0] and indices.tolist() == [3, 3]
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]]
    y = tg.tensor([1.0, 3.0, 1.0, 2.0, 1.0, 1.0], requires_grad=True)
    assert y.nanmedian(0).indices.item() == 4  # the stable sort's: the third 1
    y.nanmedian().backward()  # without dim the gradient is shared by the four 1s
    assert y.grad.tolist() == [0.25, 0.0, 0.25, 0.0, 0.25, 0.25]
    z = tg.tensor([3.0, 1.0, 3.0, 2.0, 3.0])
    assert z.cummax(0).indices.tolist() == [0, 0, 2, 2, 4]  # >=: the last occurrence
    assert z.cummin(0).indices.tolist() == [0, 1, 1, 1, 1]


def test_all_nan_slice_of_nanmedian_gives_index_0():
    """PyTorch's index there is whatever std::nth_element leaves (0, 0, 0, 2, 2, 3, 5 for 1 to 7
    NaNs); ours is 0, and the value NaN either way."""
    result = tg.full((2, 5), float("nan")).nanmedian(1)
    assert np.isnan(result.values.numpy()).all() and result.indices.tolist() == [0, 0]


# ---------------------------------------------------------------- shapes, return types, out=

def test_quantile_shapes_as_pytorch():
    x = tg.arange(10.0).reshape(2, 5)
    q = tg.tensor([0.1, 0.5, 0.9])
    assert tuple(tg.quantile(x, q, dim=1, keepdim=True).shape) == (3, 2, 1)
    assert tuple(tg.quantile(x, tg.tensor(0.5), dim=1).shape) == (2,)
    assert tuple(tg.quantile(x, tg.tensor([0.5])).shape) == (1,)
    assert tuple(tg.quantile(x, 0.5, keepdim=True).shape) == (1, 1)
    assert tuple(tg.quantile(x, tg.tensor([0.5, 0.6]), keepdim=True).shape) == (2, 1, 1)
    assert tuple(tg.quantile(tg.tensor(3.0), 0.5, dim=0).shape) == ()
    assert tg.quantile(x, 0.5).dtype == tg.float32


def test_named_tuples():
    x = tg.tensor([[1.0, 5.0], [3.0, 2.0]])
    result = tg.aminmax(x, dim=0)
    assert result.min.tolist() == [1.0, 2.0] and result.max.tolist() == [3.0, 5.0]
    assert repr(result).startswith("tinygrad_edu.return_types.aminmax(\nmin=")
    for name in ("kthvalue", "mode", "nanmedian", "cummax", "cummin"):
        result = getattr(tg, name)(x, 1) if name != "kthvalue" else tg.kthvalue(x, 1, 1)
        assert type(result).__name__ == name and result._fields == ("values", "indices")
        assert result.indices.dtype == tg.int64


def test_out_arguments():
    x = tg.tensor([3.0, 1.0, 2.0])
    out = tg.empty(0)
    assert tg.quantile(x, 0.5, out=out) is out and out.item() == 2.0
    values, indices = tg.empty(0), tg.empty(0, dtype=tg.int64)
    result = tg.cummax(x, 0, out=(values, indices))
    assert result.values is values and indices.tolist() == [0, 0, 0]
    found = tg.empty(0, dtype=tg.int64)
    assert tg.searchsorted(tg.tensor([1.0, 2.0]), x, out=found) is found and found.tolist() == [2, 0, 1]
    with pytest.raises(TypeError, match="out= must be a tuple of 2 tensors"):
        tg.kthvalue(x, 1, out=values)


def test_function_forms_need_tensors_as_pytorch():
    with pytest.raises(TypeError, match="quantile"):
        tg.quantile([1.0, 2.0], 0.5)


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_quantile_lerps_from_the_nearer_end_as_pytorch(library):
    """Weight 0.76 is closer to the upper value, so PyTorch computes upper - (upper - lower) * 0.24,
    which here differs in the last bit from lower + 0.76 * (upper - lower)."""
    lib = pytest.importorskip(library)
    x = lib.tensor([35.58623790740967, -506.2916874885559, 593.7480926513672, 891.1669254302979, 320.8483159542084],
                   dtype=lib.float64)
    assert lib.quantile(x, 0.1916162520647049).item() == -90.96121892466513


@pytest.mark.parametrize("library", ["tinygrad_edu", "torch"])
def test_q_gets_its_gradient_with_linear_interpolation_only(library):
    """d quantile / d q = (n - 1) * (upper - lower), n counting the numbers: for q=0.25 and output
    weights 1 and 2, 3 * (2 - 1) * 1 + 2 * (3 - 1) * 2 = 11. NaN slices (quantile) and the other
    interpolations give q nothing."""
    lib = pytest.importorskip(library)
    x = lib.tensor([[1.0, 2.0, 4.0, 7.0], [1.0, float("nan"), 3.0, 5.0]], requires_grad=True)
    for interpolation, expected in [("linear", [11.0, 34.0]), ("midpoint", None), ("nearest", None)]:
        q = lib.tensor([0.25, 0.6], requires_grad=True)
        out = lib.nanquantile(x, q, 1, interpolation=interpolation)
        (out * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        assert (q.grad is None if expected is None else q.grad.tolist() == expected), interpolation
    q = lib.tensor(0.25, requires_grad=True)
    x.quantile(q, 1).sum().backward()  # the row with a NaN is NaN, with no gradient to q
    assert q.grad.item() == 3.0
