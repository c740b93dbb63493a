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


THREAD_ERRORS = [(0, "set_num_threads expects a positive integer"),
                 (-1, "set_num_threads expects a positive integer"),
                 (1.5, "set_num_threads expects an int, but got float"),
                 ("2", "set_num_threads expects an int, but got str"),
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
    ({"profile": "short"}, lambda lib: lib.arange(2000.0) / 4,
     "tensor([0.00e+00, 2.50e-01,  ..., 5.00e+02, 5.00e+02])"),
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
    (lambda lib: lib.cdist(lib.ones(2, 2), lib.ones(2, 3)), RuntimeError,
     "X1 and X2 must have the same number of columns"),
    (lambda lib: lib.cdist(lib.ones(2), lib.ones(2, 2)), RuntimeError,
     "cdist only supports at least 2D tensors, X1 got: 1D"),
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


# ---------------------------------------------------------------- torch.conv2d & co. (torch_functional.py)

class Inputs:
    """Tensors of `lib` (tinygrad_edu or torch) from a fixed seed, so both libraries get the same numbers."""

    def __init__(self, lib):
        self.lib, self.rng = lib, np.random.default_rng(1)

    def __call__(self, *shape, low=-1.0, high=1.0):
        return self.lib.tensor(self.rng.uniform(low, high, shape).astype(np.float32))

    def signs(self, n):
        return self.lib.tensor(self.rng.choice([-1.0, 1.0], n).astype(np.float32))


# name: (the arguments of the top-level call, the same call written with nn.functional's signature)
TOP_LEVEL = {
    "conv1d": (lambda r: (r(2, 3, 8), r(4, 3, 3), r(4), 1, 1), lambda x, w, b, s, p: F.conv1d(x, w, b, s, p)),
    "conv2d": (lambda r: (r(2, 3, 6, 6), r(4, 3, 3, 3), None, 2, 1), lambda x, w, b, s, p: F.conv2d(x, w, b, s, p)),
    "conv_transpose1d": (lambda r: (r(2, 3, 5), r(3, 4, 3), None, 2),
                         lambda x, w, b, s: F.conv_transpose1d(x, w, b, s)),
    "conv_transpose2d": (lambda r: (r(1, 3, 4, 4), r(3, 2, 3, 3), r(2), 2, 1, 1),
                         lambda x, w, b, s, p, o: F.conv_transpose2d(x, w, b, s, p, o)),
    "avg_pool1d": (lambda r: (r(2, 3, 8), 3, 2, 1), lambda x, k, s, p: F.avg_pool1d(x, k, s, p)),
    "max_pool1d": (lambda r: (r(2, 3, 8), 3, 2, 1), lambda x, k, s, p: F.max_pool1d(x, k, s, p)),
    "max_pool2d": (lambda r: (r(1, 2, 6, 6), 2), lambda x, k: F.max_pool2d(x, k)),
    "conv3d": (lambda r: (r(1, 2, 4, 4, 4), r(3, 2, 3, 3, 3), r(3), 1, 1),
               lambda x, w, b, s, p: F.conv3d(x, w, b, s, p)),
    "conv_transpose3d": (lambda r: (r(1, 2, 3, 3, 3), r(2, 3, 2, 2, 2), None, 2),
                         lambda x, w, b, s: F.conv_transpose3d(x, w, b, s)),
    "max_pool3d": (lambda r: (r(1, 2, 4, 4, 4), 2), lambda x, k: F.max_pool3d(x, k)),
    "alpha_dropout": (lambda r: (r(3, 4), 0.5, False), lambda x, p, train: F.alpha_dropout(x, p, train)),
    "feature_alpha_dropout": (lambda r: (r(2, 3, 4), 0.5, False),
                              lambda x, p, train: F.feature_alpha_dropout(x, p, train)),
    "rrelu": (lambda r: (r(3, 4),), lambda x: F.rrelu(x)),
    "channel_shuffle": (lambda r: (r(1, 4, 2, 2), 2), lambda x, g: F.channel_shuffle(x, g)),
    "adaptive_avg_pool1d": (lambda r: (r(2, 3, 8), 3), lambda x, n: F.adaptive_avg_pool1d(x, n)),
    "adaptive_max_pool1d": (lambda r: (r(2, 3, 8), 3), lambda x, n: F.adaptive_max_pool1d(x, n, return_indices=True)),
    "batch_norm": (lambda r: (r(4, 3, 5), r(3), r(3), r(3), r(3, low=0.5), False, 0.1, 1e-5, False),
                   lambda x, w, b, mean, var, training, momentum, eps, _: F.batch_norm(x, mean, var, w, b, training,
                                                                                      momentum, eps)),
    "layer_norm": (lambda r: (r(2, 3, 4), (3, 4), r(3, 4), r(3, 4), 1e-5, True),
                   lambda x, shape, w, b, eps, _: F.layer_norm(x, shape, w, b, eps)),
    "group_norm": (lambda r: (r(2, 4, 5), 2, r(4), r(4), 1e-5, True),
                   lambda x, groups, w, b, eps, _: F.group_norm(x, groups, w, b, eps)),
    "instance_norm": (lambda r: (r(2, 3, 5), r(3), r(3), None, None, True, 0.1, 1e-5, False),
                      lambda x, w, b, mean, var, use_stats, momentum, eps, _: F.instance_norm(x, mean, var, w, b,
                                                                                             use_stats, momentum, eps)),
    "dropout": (lambda r: (r(3, 4), 0.5, False), lambda x, p, train: F.dropout(x, p, train)),
    "feature_dropout": (lambda r: (r(2, 3, 4, 2), 0.0, True), lambda x, p, train: F.dropout2d(x, p, train)),
    "embedding": (lambda r: (r(5, 3), r.lib.tensor([[0, 2], [4, 1]]), -1), lambda w, i, _: F.embedding(i, w)),
    "pixel_shuffle": (lambda r: (r(1, 8, 2, 2), 2), lambda x, n: F.pixel_shuffle(x, n)),
    "pixel_unshuffle": (lambda r: (r(1, 2, 4, 4), 2), lambda x, n: F.pixel_unshuffle(x, n)),
    "prelu": (lambda r: (r(2, 3, 4), r(3)), lambda x, w: F.prelu(x, w)),
    "selu": (lambda r: (r(3, 4),), lambda x: F.selu(x)),
    "celu": (lambda r: (r(3, 4), 0.5), lambda x, a: F.celu(x, a)),
    "threshold": (lambda r: (r(3, 4), 0.1, 20.0), lambda x, t, v: F.threshold(x, t, v)),
    "hardshrink": (lambda r: (r(3, 4), 0.3), lambda x, lambd: F.hardshrink(x, lambd)),
    "binary_cross_entropy_with_logits": (
        lambda r: (r(3, 4), r(3, 4, low=0.0), None, None, 2),
        lambda x, t, w, pw, _: F.binary_cross_entropy_with_logits(x, t, reduction="sum")),
    "kl_div": (lambda r: (r(3, 4), r(3, 4, low=0.0), 1), lambda x, t, _: F.kl_div(x, t, reduction="none").mean()),
    "margin_ranking_loss": (lambda r: (r(5), r(5), r.signs(5), 0.1, 0),
                            lambda a, b, y, m, _: F.margin_ranking_loss(a, b, y, m, reduction="none")),
    "hinge_embedding_loss": (lambda r: (r(5), r.signs(5), 1.0, 2),
                             lambda x, y, m, _: F.hinge_embedding_loss(x, y, m, reduction="sum")),
    "cosine_embedding_loss": (lambda r: (r(3, 4), r(3, 4), r.signs(3), 0.1, 1),
                              lambda a, b, y, m, _: F.cosine_embedding_loss(a, b, y, m)),
    "poisson_nll_loss": (lambda r: (r(3, 4), r(3, 4, low=0.0, high=3.0), True, False, 1e-8, 1),
                         lambda x, t, log_input, full, eps, _: F.poisson_nll_loss(x, t, log_input, full, eps=eps)),
    "triplet_margin_loss": (lambda r: (r(3, 4), r(3, 4), r(3, 4), 1.0, 2.0, 1e-6, True, 0),
                            lambda a, p, n, m, norm, eps, swap, _: F.triplet_margin_loss(a, p, n, m, norm, eps, swap,
                                                                                       reduction="none")),
    "bilinear": (lambda r: (r(3, 2), r(3, 4), r(5, 2, 4), r(5)), lambda a, b, w, bias: F.bilinear(a, b, w, bias)),
    "constant_pad_nd": (lambda r: (r(2, 3), (1, 2, 0, 1), 0.5), lambda x, pad, v: F.pad(x, pad, value=v)),
    "cosine_similarity": (lambda r: (r(3, 4), r(3, 4), 1, 1e-8), lambda a, b, d, e: F.cosine_similarity(a, b, d, e)),
    "pairwise_distance": (lambda r: (r(3, 4), r(3, 4), 3.0, 1e-6, True),
                          lambda a, b, p, e, k: F.pairwise_distance(a, b, p, e, k)),
}


def flat_arrays(result):
    results = result if isinstance(result, tuple) else (result,)
    return [t.detach().numpy() for t in results]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_the_top_level_form_is_the_functional_one_with_torchs_signature(name):
    make, functional = TOP_LEVEL[name]
    args = make(Inputs(tg))
    for ours, expected in zip(flat_arrays(getattr(tg, name)(*args)), flat_arrays(functional(*args))):
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_the_top_level_form_against_torch(name):
    torch = pytest.importorskip("torch")
    make = TOP_LEVEL[name][0]
    ours, theirs = getattr(tg, name)(*make(Inputs(tg))), getattr(torch, name)(*make(Inputs(torch)))
    for a, b in zip(flat_arrays(ours), flat_arrays(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_torch_signatures_where_they_differ_from_functionals():
    x = randn(2, 3, 4)
    with pytest.raises(TypeError, match="train"):
        tg.dropout(x, 0.5)  # train has no default at the top level
    with pytest.raises(TypeError, match="argument 'reduction' must be int, not str"):
        tg.kl_div(x, x, reduction="sum")
    with pytest.raises(TypeError):
        tg.selu(x, True)  # no inplace
    assert tg.conv2d is F.conv2d and tg.cosine_similarity is F.cosine_similarity
    kept = tg.feature_dropout(tg.ones(4, 5, 6), 0.5, True).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and (kept == kept[:, :, :1]).all()  # whole channels, scaled by 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # F.kl_div's warning about 'mean' is not given at the top level
        tg.kl_div(x.log_softmax(-1), x.softmax(-1), 1)


# ---------------------------------------------------------------- windows

WINDOWS = {"hann_window": np.hanning, "hamming_window": np.hamming, "blackman_window": np.blackman,
           "bartlett_window": np.bartlett, "kaiser_window": lambda n: np.kaiser(n, 12.0)}


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 16])
def test_windows_are_numpys_symmetric_windows_or_one_longer_without_the_last(name, length):
    symmetric, periodic = getattr(tg, name)(length, False), getattr(tg, name)(length)
    assert symmetric.dtype == periodic.dtype == tg.float32 and periodic.shape == (length,)
    np.testing.assert_allclose(symmetric.numpy(), WINDOWS[name](length) if length else [], atol=1e-7)
    np.testing.assert_allclose(periodic.numpy(), WINDOWS[name](length + 1)[:-1] if length > 1 else [1.0] * length,
                               atol=1e-7)


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 16])
def test_windows_against_torch(name, length):
    torch = pytest.importorskip("torch")
    for periodic in (True, False):
        np.testing.assert_allclose(getattr(tg, name)(length, periodic).numpy(),
                                   getattr(torch, name)(length, periodic).numpy(), atol=2e-7, rtol=1e-6)
        np.testing.assert_allclose(getattr(tg, name)(length, periodic, dtype=tg.float64).numpy(),
                                   getattr(torch, name)(length, periodic, dtype=torch.float64).numpy(), atol=1e-14)


def test_window_options_and_errors():
    np.testing.assert_allclose(tg.hamming_window(5, True, 0.5, 0.5).numpy(), tg.hann_window(5).numpy(), atol=1e-7)
    np.testing.assert_allclose(tg.kaiser_window(5, True, 5.0).numpy(), [0.0367, 0.4149, 0.9138, 0.9138, 0.4149],
                               atol=1e-4)  # PyTorch's
    assert tg.hann_window(3, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="hann_window requires non-negative window_length, got window_length=-1"):
        tg.hann_window(-1)
    with pytest.raises(RuntimeError, match="expects floating point dtypes"):
        tg.bartlett_window(3, dtype=tg.int64)
    with pytest.raises(TypeError, match="must be int, not float"):
        tg.blackman_window(3.0)


# ---------------------------------------------------------------- finfo, iinfo, can_cast, typename

FINFO = {  # bits, eps, max, smallest_normal, resolution: IEEE 754's
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 1e-3),
    "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126, 1e-6),
    "float64": (64, 2.0 ** -52, (2 - 2.0 ** -52) * 2.0 ** 1023, 2.0 ** -1022, 1e-15),
}


@pytest.mark.parametrize("name", FINFO)
def test_finfo(name):
    info = tg.finfo(getattr(tg, name))
    assert (info.bits, info.eps, info.max, info.smallest_normal, info.resolution) == FINFO[name]
    assert info.min == -info.max and info.tiny == info.smallest_normal and info.dtype == name
    assert tg.finfo() == tg.finfo(tg.float32) and tg.finfo(tg.complex128) == tg.finfo(tg.float64)
    assert repr(tg.finfo(tg.float32)) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, "
                                          "smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)")


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"])
def test_iinfo(name):
    info = tg.iinfo(getattr(tg, name))
    bits = int(name.lstrip("uint"))
    signed = not name.startswith("u")
    assert (info.bits, info.dtype) == (bits, name)
    assert (info.min, info.max) == ((-2 ** (bits - 1), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1))
    assert repr(tg.iinfo(tg.int32)) == "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)"


def test_finfo_and_iinfo_against_torch():
    torch = pytest.importorskip("torch")
    for name in ("float16", "float32", "float64", "complex64", "complex128"):
        ours, theirs = tg.finfo(getattr(tg, name)), torch.finfo(getattr(torch, name))
        assert repr(ours) == repr(theirs)
        for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(ours, field) == getattr(theirs, field), (name, field)
    for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        ours, theirs = tg.iinfo(getattr(tg, name)), torch.iinfo(getattr(torch, name))
        assert repr(ours) == repr(theirs)
        assert (ours.bits, ours.min, ours.max, ours.dtype) == (theirs.bits, theirs.min, theirs.max, theirs.dtype)


def test_finfo_and_iinfo_refuse_the_other_kind():
    with pytest.raises(TypeError, match="finfo\\(\\) requires a floating point input type"):
        tg.finfo(tg.int32)
    with pytest.raises(TypeError, match="iinfo\\(\\) requires an integer input type"):
        tg.iinfo(tg.float32)
    with pytest.raises(TypeError, match="bool is not supported"):
        tg.iinfo(tg.bool)


CAN_CAST = [("float32", "int32", False), ("int32", "float32", True), ("float64", "float16", True),
            ("bool", "uint8", True), ("int64", "bool", False), ("complex64", "float64", False),
            ("float32", "complex64", True), ("int8", "uint8", True)]


@pytest.mark.parametrize("source,target,expected", CAN_CAST)
def test_can_cast(source, target, expected):
    assert tg.can_cast(getattr(tg, source), getattr(tg, target)) is expected


@pytest.mark.parametrize("source,target,expected", CAN_CAST)
def test_can_cast_against_torch(source, target, expected):
    torch = pytest.importorskip("torch")
    assert torch.can_cast(getattr(torch, source), getattr(torch, target)) is expected


def test_typename():
    assert tg.typename(tg.ones(2)) == "tinygrad_edu.FloatTensor"  # PyTorch: torch.FloatTensor
    assert tg.typename(tg.ones(2, dtype=tg.int64)) == "tinygrad_edu.LongTensor"
    assert tg.typename(3) == "int"
    assert tg.typename(tg.nn.Linear(1, 1)) == "tinygrad_edu.nn.linear.Linear"
    assert tg.typename(tg.nn.Linear) == "tinygrad_edu.nn.linear.Linear"


# ---------------------------------------------------------------- scalar_tensor, asarray, range, poisson, binomial

def test_scalar_tensor_is_a_float_unless_told():
    assert repr(tg.scalar_tensor(3)) == "tensor(3.)"
    assert repr(tg.scalar_tensor(2.5, dtype=tg.float64)) == "tensor(2.5000, dtype=tinygrad_edu.float64)"
    assert repr(tg.scalar_tensor(True)) == "tensor(1.)"
    assert tg.scalar_tensor(3, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="must be Number, not Tensor"):
        tg.scalar_tensor(tg.tensor(2.0))


def test_asarray_shares_memory_unless_it_must_copy():
    array = np.arange(3.0)
    shared = tg.asarray(array)
    array[0] = 9.0
    assert shared.dtype == tg.float64 and shared.tolist() == [9.0, 1.0, 2.0]
    assert tg.asarray(array, copy=True).numpy() is not array
    assert tg.asarray(array, dtype=tg.float32).dtype == tg.float32
    with pytest.raises(ValueError, match="needs a copy"):
        tg.asarray(array, dtype=tg.float32, copy=False)
    x = tg.ones(2)
    assert tg.asarray(x) is x
    leaf = tg.ones(2, requires_grad=True)
    assert not tg.asarray(leaf).requires_grad and tg.asarray(leaf).numpy() is leaf.detach().numpy()
    assert repr(tg.asarray([1, 2])) == "tensor([1, 2])" and repr(tg.asarray([1.0, 2.0])) == "tensor([1., 2.])"


def test_range_includes_its_end_and_warns():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        assert repr(tg.range(1, 4)) == "tensor([1., 2., 3., 4.])"
    with pytest.warns(UserWarning):
        assert tg.range(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
        assert repr(tg.range(1, 4, dtype=tg.int64)) == "tensor([1, 2, 3, 4])"
        assert tg.range(4, 1, -1).tolist() == [4.0, 3.0, 2.0, 1.0]
        with pytest.raises(RuntimeError, match="step must be nonzero"):
            tg.range(1, 4, 0)
        with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent with step sign"):
            tg.range(4, 1)


def test_range_against_torch():
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in [(1, 4), (0, 1, 0.25), (4, 1, -1), (0.5, 2.6, 0.3), (-3, 3, 2)]:
            assert tg.range(*args).tolist() == pytest.approx(torch.range(*args).tolist())


def test_poisson_and_binomial_draw_from_the_librarys_generator():
    tg.manual_seed(0)
    rates = tg.full((20000,), 3.0)
    draws = tg.poisson(rates)
    tg.manual_seed(0)
    assert tg.poisson(rates).tolist() == draws.tolist()  # manual_seed repeats them
    assert draws.dtype == tg.float32 and abs(draws.mean().item() - 3.0) < 0.05 and abs(draws.var().item() - 3.0) < 0.15
    successes = tg.binomial(tg.full((20000,), 10.0), tg.tensor([0.2]))
    assert successes.dtype == tg.float32 and abs(successes.mean().item() - 2.0) < 0.05
    assert tg.poisson(tg.zeros(3)).tolist() == [0.0] * 3
    rates = tg.tensor([1.0, 5.0], requires_grad=True)
    tg.poisson(rates).sum().backward()
    assert rates.grad.tolist() == [0.0, 0.0]  # PyTorch's: in the graph, slope 0
    with pytest.raises(RuntimeError, match="expected rate to be non-negative"):
        tg.poisson(tg.tensor([-1.0]))
    with pytest.raises(ValueError, match="binomial only supports floating-point dtypes for count, got: Long"):
        tg.binomial(tg.tensor([10, 5]), tg.tensor([0.5, 0.1]))


def test_retains_grad():
    leaf = tg.ones(2, requires_grad=True)
    product = leaf * 2
    assert not leaf.retains_grad and not product.retains_grad
    product.retain_grad()
    assert product.retains_grad and not product.view(2).retains_grad
