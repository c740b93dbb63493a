"""The torch.* names of nn/cores.py (threads), printing.py (set_printoptions), nn/distance_functions.py
(cdist, pdist), torch_functional.py (torch.conv2d & co.), windows.py, type_info.py and creation_extra.py.

Each check against PyTorch (behind importorskip) has a torch-free twin: the expected values written
out (PyTorch 2.13's output) or computed with NumPy, so CI without torch checks the same thing.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import printing
from tinygrad_edu.nn import cores

RNG = np.random.default_rng(0)


def randn(*shape, requires_grad=False):
    return tg.tensor(RNG.standard_normal(shape).astype(np.float32), requires_grad=requires_grad)


def as_torch(torch, t: tg.Tensor, requires_grad=None):
    copy = torch.tensor(t.numpy().copy())
    return copy.requires_grad_() if (t.requires_grad if requires_grad is None else requires_grad) else copy


# ---------------------------------------------------------------- threads

@pytest.fixture
def threads_restored():
    before = tg.get_num_threads()
    blas = [library.num_threads for library in cores.NUMPY_BLAS.lib_controllers]
    yield
    tg.set_num_threads(before)
    for library, count in zip(cores.NUMPY_BLAS.lib_controllers, blas):
        library.set_num_threads(count)


def test_set_num_threads_sets_the_batch_split_and_numpys_blas(threads_restored):
    tg.set_num_threads(1)
    assert tg.get_num_threads() == 1 == cores.THREADS
    assert all(library["num_threads"] == 1 for library in cores.NUMPY_BLAS.info())
    tg.set_num_threads(3)
    assert tg.get_num_threads() == 3
    assert all(library["num_threads"] == 3 for library in cores.NUMPY_BLAS.info())
    assert cores.worker_pool()._max_workers == 2  # the pool is made again for the new count


THREAD_ERRORS = [(0, "set_num_threads expects a positive integer"), (-1, "set_num_threads expects a positive integer"),
                 (1.5, "set_num_threads expects an int, but got float"), ("2", "set_num_threads expects an int, but got str"),
                 (True, "set_num_threads expects an int, but got bool")]


@pytest.mark.parametrize("count,message", THREAD_ERRORS)
def test_set_num_threads_refuses_what_pytorch_refuses(threads_restored, count, message):
    with pytest.raises(RuntimeError, match=message):
        tg.set_num_threads(count)


@pytest.mark.parametrize("count,message", THREAD_ERRORS)
def test_set_num_threads_errors_are_pytorchs(count, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=message):
        torch.set_num_threads(count)


def test_interop_threads_are_set_once(monkeypatch):
    monkeypatch.setitem(cores.INTEROP, "threads", 2)
    monkeypatch.setitem(cores.INTEROP, "set", False)
    with pytest.raises(RuntimeError, match="set_num_interop_threads expects a positive integer"):
        tg.set_num_interop_threads(0)
    tg.set_num_interop_threads(3)
    assert tg.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads after"):
        tg.set_num_interop_threads(2)


# ---------------------------------------------------------------- set_printoptions

@pytest.fixture
def default_printoptions():
    yield
    tg.set_printoptions(profile="default")


# (the options, the tensor, PyTorch 2.13's repr)
PRINTED = [
    ({"precision": 2}, lambda lib: lib.tensor([1.12345, 2.5]), "tensor([1.12, 2.50])"),
    ({"precision": 2}, lambda lib: lib.tensor([1.12345, 1e-5]), "tensor([1.12e+00, 1.00e-05])"),
    ({"threshold": 5}, lambda lib: lib.arange(10), "tensor([0, 1, 2,  ..., 7, 8, 9])"),
    ({"sci_mode": True}, lambda lib: lib.tensor([1.5, 2.0]), "tensor([1.5000e+00, 2.0000e+00])"),
    ({"sci_mode": True}, lambda lib: lib.tensor([1, 2]), "tensor([1, 2])"),
    ({"sci_mode": False}, lambda lib: lib.tensor([1e-5, 1e3]), "tensor([   0.0000, 1000.0000])"),
    ({"profile": "short"}, lambda lib: lib.arange(2000.0) / 4, "tensor([0.00e+00, 2.50e-01,  ..., 5.00e+02, 5.00e+02])"),
    ({"profile": "full"}, lambda lib: lib.arange(1001)[-5:] + 0.0, "tensor([ 996.,  997.,  998.,  999., 1000.])"),
    ({"edgeitems": 1, "threshold": 3}, lambda lib: lib.arange(12.0).reshape(3, 4),
     "tensor([[ 0.,  ...,  3.],\n        ...,\n        [ 8.,  ..., 11.]])"),
    ({"edgeitems": 0}, lambda lib: lib.arange(3.0), "tensor([0., 1., 2.], size=(3,))"),
    ({"edgeitems": 0, "threshold": 5}, lambda lib: lib.ones(4, 4), "tensor([...], size=(4, 4))"),
    ({"linewidth": 40}, lambda lib: lib.arange(12.0) / 7,
     "tensor([0.0000, 0.1429, 0.2857, 0.4286,\n        0.5714, 0.7143, 0.8571, 1.0000,\n"
     "        1.1429, 1.2857, 1.4286, 1.5714])"),
    ({"profile": "bogus"}, lambda lib: lib.tensor([0.5]), "tensor([0.5000])"),  # ignored, as in PyTorch
]


@pytest.mark.parametrize("options,make,expected", PRINTED)
def test_set_printoptions_prints_as_pytorch_printed(default_printoptions, options, make, expected):
    tg.set_printoptions(**options)
    assert repr(make(tg)) == expected


@pytest.mark.parametrize("options,make,expected", PRINTED)
def test_set_printoptions_against_torch(default_printoptions, options, make, expected):
    torch = pytest.importorskip("torch")
    try:
        torch.set_printoptions(**options)
        assert repr(make(torch)) == expected
    finally:
        torch.set_printoptions(profile="default")


def test_the_default_repr_is_unchanged_and_a_call_without_sci_mode_resets_it(default_printoptions):
    assert printing.OPTIONS == printing.PrintOptions(4, 1000, 3, 80, None)
    assert repr(tg.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    assert repr(tg.tensor([1e-5, 1e3])) == "tensor([1.0000e-05, 1.0000e+03])"
    tg.set_printoptions(sci_mode=False)
    tg.set_printoptions(precision=3)  # sci_mode goes back to None, as in PyTorch
    assert repr(tg.tensor([1e-5, 1e3])) == "tensor([1.000e-05, 1.000e+03])"
    tg.set_printoptions(profile="default")
    assert repr(tg.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"


# ---------------------------------------------------------------- cdist and pdist

def np_cdist(x1, x2, p):
    differences = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return (differences != 0).sum(-1).astype(x1.dtype)
    if p == math.inf:
        return differences.max(-1)
    return (differences ** p).sum(-1) ** (1 / p)


@pytest.mark.parametrize("p", [0, 0.5, 1, 2, 3, math.inf])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                                  "donot_use_mm_for_euclid_dist"])
def test_cdist_values_and_shapes(p, mode):
    x1, x2 = randn(2, 1, 4, 3), randn(5, 30, 3)  # 30 rows: the default mode takes the product route
    result = tg.cdist(x1, x2, p, mode)
    assert result.shape == (2, 5, 4, 30) and result.dtype == tg.float32
    np.testing.assert_allclose(result.numpy(), np_cdist(x1.numpy(), x2.numpy(), p), rtol=1e-5, atol=1e-5)


# x1 = [[0, 0], [1, 1]], x2 = [[0, 0], [3, 1]]: the distances and the gradient of their sum,
# PyTorch 2.13's, with the corners: a zero distance (slope 0), a zero difference (0 for p <= 1),
# and a tie of the largest differences for p = inf (each tied entry gets the whole slope).
CDIST_CORNERS = {
    0: ([[0.0, 2.0], [2.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]),
    0.5: ([[0.0, 7.464102], [4.0, 2.0]], [[-1.57735, -2.732051], [1.0, 2.0]]),
    1: ([[0.0, 4.0], [2.0, 2.0]], [[-1.0, -1.0], [0.0, 1.0]]),
    2: ([[0.0, 3.162278], [1.414214, 2.0]], [[-0.948683, -0.316228], [-0.292893, 0.707107]]),
    3: ([[0.0, 3.036589], [1.259921, 2.0]], [[-0.976048, -0.108450], [-0.370039, 0.629961]]),
    math.inf: ([[0.0, 3.0], [1.0, 2.0]], [[-1.0, 0.0], [0.0, 1.0]]),
}


def cdist_corner(lib, cdist, p, mode):
    x1 = lib.tensor([[0.0, 0.0], [1.0, 1.0]], requires_grad=True)
    distances = cdist(x1, lib.tensor([[0.0, 0.0], [3.0, 1.0]]), p=p, compute_mode=mode)
    distances.sum().backward()
    return distances.detach().numpy(), x1.grad.numpy()


@pytest.mark.parametrize("p", CDIST_CORNERS)
def test_cdist_corners_have_pytorchs_slopes(p):
    distances, grad = cdist_corner(tg, tg.cdist, p, "donot_use_mm_for_euclid_dist")
    np.testing.assert_allclose(distances, CDIST_CORNERS[p][0], atol=1e-5)
    np.testing.assert_allclose(grad, CDIST_CORNERS[p][1], atol=1e-5)


@pytest.mark.parametrize("p", CDIST_CORNERS)
@pytest.mark.parametrize("mode", ["donot_use_mm_for_euclid_dist", "use_mm_for_euclid_dist"])
def test_cdist_corners_against_torch(p, mode):
    torch = pytest.importorskip("torch")
    ours, theirs = cdist_corner(tg, tg.cdist, p, mode), cdist_corner(torch, torch.cdist, p, mode)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(ours[1], CDIST_CORNERS[p][1], atol=1e-5)


def test_pdist_is_the_upper_triangle_of_cdist_with_pytorchs_slope_at_zero():
    x = tg.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]], requires_grad=True)
    distances = tg.pdist(x)
    distances.sum().backward()
    np.testing.assert_allclose(distances.detach().numpy(), [math.sqrt(2), 0.0, math.sqrt(2)], rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [[-0.707107] * 2, [1.414214] * 2, [-0.707107] * 2], atol=1e-6)
    assert F.pdist is tg.pdist and tg.pdist(tg.ones(1, 3)).shape == (0,)
    y = randn(5, 3)
    np.testing.assert_allclose(tg.pdist(y, 3).numpy(), np_cdist(y.numpy(), y.numpy(), 3)[np.triu_indices(5, 1)],
                               rtol=1e-5)


DISTANCE_ERRORS = [
    (lambda lib: lib.cdist(lib.ones(2, 2), lib.ones(2, 3)), RuntimeError, "X1 and X2 must have the same number of columns"),
    (lambda lib: lib.cdist(lib.ones(2), lib.ones(2, 2)), RuntimeError, "cdist only supports at least 2D tensors, X1 got: 1D"),
    (lambda lib: lib.cdist(lib.ones(2, 2), lib.ones(2, 2), -1.0), RuntimeError, "cdist only supports non-negative p"),
    (lambda lib: lib.cdist(lib.ones(2, 2), lib.ones(2, 2), compute_mode="x"), ValueError,
     "x is not a valid value for compute_mode"),
    (lambda lib: lib.cdist(lib.ones(2, 2, dtype=lib.long), lib.ones(2, 2, dtype=lib.long)), RuntimeError,
     "cdist only supports floating-point dtypes, X1 got: Long"),
    (lambda lib: lib.pdist(lib.ones(3)), RuntimeError, "pdist only supports 2D tensors, got: 1D"),
    (lambda lib: lib.pdist(lib.ones(3, 2), -1), RuntimeError, "pdist only supports non-negative p values"),
]


@pytest.mark.parametrize("call,error,message", DISTANCE_ERRORS)
def test_distance_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(tg)


@pytest.mark.parametrize("call,error,message", DISTANCE_ERRORS)
def test_distance_errors_are_pytorchs(call, error, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(error, match=message):
        call(torch)
