"""math_ops.py, math_methods.py and random_methods.py: what the op registry's sampled gradchecks
do not reach. Derivatives at poles and kinks pinned to PyTorch's values, dtypes of integer inputs,
errors, in-place forms, and the random fills' distributions (checked statistically: our numbers
are NumPy's, not PyTorch's). Each comparison with torch has a torch-free twin with the values
written out."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg

nan, inf = math.nan, math.inf


def grads(fn, *values):
    xs = [tg.tensor(v, dtype=tg.float64, requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


def torch_grads(fn, *values):
    torch = pytest.importorskip("torch")
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


# (name, function on tensors, inputs, PyTorch's gradients written out): corners sampled domains avoid
CORNERS = [
    ("atan2 at the origin", lambda y, x: y.atan2(x), ([0.0, 0.0, 1.0, -1.0], [0.0, 1.0, 0.0, 0.0]),
     [[0.0, 1.0, 0.0, 0.0], [-0.0, -0.0, -1.0, 1.0]]),
    ("hypot at the origin", lambda x, y: x.hypot(y), ([0.0, 3.0], [0.0, 4.0]), [[nan, 0.6], [nan, 0.8]]),
    ("frac at whole numbers", lambda x: x.frac(), ([-1.5, 0.0, 1.0, 2.5],), [[1.0, 1.0, 1.0, 1.0]]),
    ("logit outside [0, 1]", lambda x: x.logit(), ([-0.5, 0.0, 0.3, 1.0, 1.5],),
     [[nan, inf, 1 / 0.21, inf, nan]]),
    ("logit outside [eps, 1 - eps]", lambda x: x.logit(eps=0.25), ([-0.5, 0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.5],),
     [[0.0, 0.0, 0.0, 16 / 3, 4.0, 16 / 3, 0.0, 0.0, 0.0]]),
    ("erfinv at +-1 and outside", lambda x: x.erfinv(), ([1.0, -1.0, 0.0, 2.0],),
     [[inf, inf, math.sqrt(math.pi) / 2, nan]]),
    ("acosh at 1 and below", lambda x: x.acosh(), ([1.0, 0.5],), [[inf, nan]]),
    ("atanh at +-1", lambda x: x.atanh(), ([1.0, -1.0],), [[inf, inf]]),
    ("asin at +-1 and outside", lambda x: x.asin(), ([1.0, -1.0, 2.0],), [[inf, inf, nan]]),
    ("dist of equal tensors", lambda x, y: x.dist(y), ([1.0, 2.0], [1.0, 2.0]), [[0.0, 0.0], [0.0, 0.0]]),
]


@pytest.mark.parametrize("case", CORNERS, ids=[c[0] for c in CORNERS])
def test_derivatives_at_corners_are_pytorchs(case):
    _, fn, inputs, expected = case
    for got, want in zip(grads(fn, *inputs), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("case", CORNERS, ids=[c[0] for c in CORNERS])
def test_corner_values_written_out_are_torchs(case):
    torch = pytest.importorskip("torch")
    name, _, inputs, expected = case
    torch_fn = {"atan2 at the origin": torch.atan2, "hypot at the origin": torch.hypot,
                "frac at whole numbers": torch.frac, "logit outside [0, 1]": torch.logit,
                "logit outside [eps, 1 - eps]": lambda x: torch.logit(x, eps=0.25), "erfinv at +-1 and outside":
                torch.erfinv, "acosh at 1 and below": torch.acosh, "atanh at +-1": torch.atanh,
                "asin at +-1 and outside": torch.asin, "dist of equal tensors": torch.dist}[name]
    for got, want in zip(torch_grads(torch_fn, *inputs), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_logit_values_with_and_without_eps():
    x = [-0.5, 0.0, 0.1, 0.25, 0.5, 1.0, 1.5]
    np.testing.assert_allclose(tg.tensor(x, dtype=tg.float64).logit(0.25).numpy(),
                               [-math.log(3)] * 4 + [0.0, math.log(3), math.log(3)])
    np.testing.assert_allclose(tg.tensor(x, dtype=tg.float64).logit().numpy(),
                               [nan, -inf, math.log(0.1 / 0.9), math.log(1 / 3), 0.0, inf, nan])


UNARY = ["tan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "erfinv", "deg2rad", "rad2deg", "logit"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [tg.int64, tg.int32, tg.uint8, tg.bool])
def test_integer_inputs_give_float32(name, dtype):
    """As in PyTorch: torch.tan(torch.tensor([1, 2])) is float32 (tensor([1.5574, -2.1850]))."""
    out = getattr(tg, name)(tg.tensor([0, 1], dtype=dtype))
    assert out.dtype == tg.float32
    assert getattr(tg, name)(tg.tensor([0.0, 1.0], dtype=tg.float16)).dtype == tg.float16


def test_tan_of_integers_matches_pytorchs_printout():
    out = tg.tan(tg.tensor([1, 2]))
    np.testing.assert_allclose(out.numpy(), [1.5574077, -2.1850398], rtol=1e-6)
    assert out.dtype == tg.float32 and tg.atan2(tg.tensor([1]), tg.tensor([2])).dtype == tg.float32


def test_float32_values_match_torch():
    torch = pytest.importorskip("torch")
    x = np.linspace(-0.95, 0.95, 41, dtype=np.float32)
    for name in UNARY:
        arg = x + 2 if name == "acosh" else (x + 1) / 2 if name == "logit" else x
        ours, theirs = getattr(tg, name)(tg.tensor(arg)), getattr(torch, name)(torch.tensor(arg))
        assert ours.dtype == tg.float32
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-6, atol=1e-6, err_msg=name)
    y = np.linspace(-2, 2, 41, dtype=np.float32)[::-1].copy()
    np.testing.assert_allclose(tg.atan2(tg.tensor(x), tg.tensor(y)).numpy(),
                               torch.atan2(torch.tensor(x), torch.tensor(y)).numpy(), rtol=1e-6)
    np.testing.assert_allclose(tg.hypot(tg.tensor(x), tg.tensor(y)).numpy(),
                               torch.hypot(torch.tensor(x), torch.tensor(y)).numpy(), rtol=1e-6)


def test_float32_values_match_their_formulas():
    x = np.linspace(-0.95, 0.95, 41)
    erf = np.vectorize(math.erf)
    formulas = {"tan": np.tan(x), "sinh": np.sinh(x), "cosh": np.cosh(x), "asinh": np.arcsinh(x),
                "atanh": np.arctanh(x), "erf": erf(x), "erfc": 1 - erf(x), "deg2rad": x * math.pi / 180,
                "rad2deg": x * 180 / math.pi}
    for name, expected in formulas.items():
        ours = getattr(tg, name)(tg.tensor(x.astype(np.float32)))
        np.testing.assert_allclose(ours.numpy(), expected, rtol=2e-6, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(tg.tensor(x).erfinv().erf().numpy(), x, rtol=1e-12)  # erfinv inverts erf
    np.testing.assert_allclose(tg.tensor(x + 2).acosh().cosh().numpy(), x + 2, rtol=1e-12)
    big = tg.tensor([1e200], dtype=tg.float64)  # its square overflows float64
    assert big.hypot(big).item() == pytest.approx(math.sqrt(2) * 1e200)
    np.testing.assert_allclose(tg.tensor([-1.5, 0.0, 2.75, -0.25]).frac().numpy(), [-0.5, 0.0, 0.75, -0.25])


def test_frac_and_hypot_refuse_integers_and_inplace_refuses_a_float_result_in_an_int_tensor():
    with pytest.raises(RuntimeError, match="frac"):
        tg.tensor([1, 2]).frac()
    with pytest.raises(RuntimeError, match="hypot"):
        tg.tensor([3]).hypot(tg.tensor([4]))
    with pytest.raises(RuntimeError, match="tan_"):
        tg.zeros(3, dtype=tg.int64).tan_()


def test_function_forms_aliases_and_out():
    y, x = tg.tensor([1.0, -1.0]), tg.tensor([-1.0, -1.0])
    np.testing.assert_allclose(tg.arctan2(y, x).numpy(), np.arctan2([1.0, -1.0], [-1.0, -1.0]), rtol=1e-6)
    out = tg.zeros(2)
    assert tg.atan2(y, x, out=out) is out and np.allclose(out.numpy(), np.arctan2([1.0, -1.0], [-1.0, -1.0]))
    assert tg.arcsinh(tg.tensor([1.0])).item() == pytest.approx(math.asinh(1.0))
    assert tg.dist(tg.tensor([0.0, 3.0]), tg.tensor([4.0, 0.0])).item() == 5.0
    assert tg.dist(tg.tensor([0.0, 3.0]), tg.tensor([4.0, 0.0]), 1).item() == 7.0


# ---------------------------------------------------------------- fused formulas and in-place forms

def test_addcmul_addcdiv_with_value_in_place_as_adam_writes_them():
    m, v, g = tg.ones(3), tg.full((3,), 2.0), tg.tensor([1.0, 2.0, 3.0])
    assert m.mul_(0.9).add_(g, alpha=0.1) is m
    assert v.mul_(0.999).addcmul_(g, g, value=0.001) is v
    np.testing.assert_allclose(v.numpy(), 2 * 0.999 + 0.001 * np.array([1.0, 4.0, 9.0]), rtol=1e-6)
    p = tg.zeros(3)
    assert p.addcdiv_(m, v.sqrt(), value=-0.5) is p
    np.testing.assert_allclose(p.numpy(), -0.5 * m.numpy() / np.sqrt(v.numpy()), rtol=1e-6)
    with pytest.raises(RuntimeError, match="addcdiv"):
        tg.zeros(2).addcdiv(tg.tensor([1, 2]), tg.tensor([2, 2]))


def test_inplace_with_operands_that_require_grad_is_recorded():
    """x.addcmul_(a, b) on a constant x with a that requires grad: a gets its gradient (as PyTorch)."""
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.zeros(2)
    x.addcmul_(a, tg.tensor([3.0, 4.0]), value=2)
    x.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [6.0, 8.0])
    w = tg.tensor(0.25, requires_grad=True)
    y = tg.zeros(2).lerp_(tg.tensor([4.0, 8.0]), w)
    y.sum().backward()
    assert w.grad.item() == 12.0 and np.allclose(y.detach().numpy(), [1.0, 2.0])


def test_lerp_weight_a_number_or_a_tensor():
    start, end = tg.tensor([0.0, 10.0]), tg.tensor([10.0, 20.0])
    np.testing.assert_allclose(start.lerp(end, 0.5).numpy(), [5.0, 15.0])
    np.testing.assert_allclose(tg.lerp(start, end, tg.tensor([0.0, 1.0])).numpy(), [0.0, 20.0])
    assert start.lerp_(end, 0.25) is start and np.allclose(start.numpy(), [2.5, 12.5])


def test_addmm_with_beta_0_ignores_nan_in_input_and_gives_it_zero_gradient():
    """PyTorch: tensor([[11.]]), and input.grad [[0.]]."""
    x = tg.tensor([[nan]], dtype=tg.float64, requires_grad=True)
    a, b = tg.tensor([[1.0, 2.0]], dtype=tg.float64), tg.tensor([[3.0], [4.0]], dtype=tg.float64)
    out = tg.addmm(x, a, b, beta=0)
    out.sum().backward()
    assert out.item() == 11.0 and x.grad.item() == 0.0
    np.testing.assert_allclose(tg.addmm(tg.ones(2), tg.eye(2), tg.eye(2), beta=0.5, alpha=2).numpy(),
                               [[2.5, 0.5], [0.5, 2.5]])
    np.testing.assert_allclose(tg.addmv(tg.ones(2), tg.eye(2), tg.tensor([1.0, 2.0]), alpha=3).numpy(), [4.0, 7.0])
    np.testing.assert_allclose(tg.baddbmm(tg.zeros(1, 2, 2), tg.ones(1, 2, 3), tg.ones(1, 3, 2)).numpy(),
                               np.full((1, 2, 2), 3.0))
    with pytest.raises(RuntimeError, match="addmm"):
        tg.addmm(tg.zeros(3, 3), tg.zeros(2, 2), tg.zeros(2, 2))
    with pytest.raises(RuntimeError, match="addmv: vec"):
        tg.addmv(tg.zeros(2), tg.zeros(2, 2), tg.zeros(2, 1))


def test_addmm_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, a, b = rng.standard_normal(3), rng.standard_normal((2, 4)), rng.standard_normal((4, 3))
    ours = tg.addmm(tg.tensor(x), tg.tensor(a), tg.tensor(b), beta=0.5, alpha=-2)
    theirs = torch.addmm(torch.tensor(x), torch.tensor(a), torch.tensor(b), beta=0.5, alpha=-2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_index_fill_and_fill_diagonal():
    np.testing.assert_array_equal(tg.zeros(2, 3).index_fill(1, tg.tensor([0, -1]), 5.0).numpy(),
                                  [[5.0, 0.0, 5.0], [5.0, 0.0, 5.0]])
    np.testing.assert_array_equal(tg.zeros(3).index_fill(0, tg.tensor(1), 2.0).numpy(), [0.0, 2.0, 0.0])
    x = tg.zeros(2, 2)
    assert x.index_fill_(0, tg.tensor([1]), tg.tensor(7.0)) is x and x.numpy().tolist() == [[0, 0], [7, 7]]
    with pytest.raises(IndexError, match="index_fill"):
        tg.zeros(2, 3).index_fill(1, tg.tensor([3]), 1.0)
    tall = tg.zeros(7, 3).fill_diagonal_(1.0, wrap=True).numpy()
    np.testing.assert_array_equal(tall, np.vstack([np.eye(3), np.zeros((1, 3)), np.eye(3)]))
    np.testing.assert_array_equal(tg.zeros(7, 3).fill_diagonal_(1.0).numpy(), np.vstack([np.eye(3), np.zeros((4, 3))]))
    cube = tg.zeros(2, 2, 2).fill_diagonal_(3.0).numpy()
    assert cube[0, 0, 0] == cube[1, 1, 1] == 3.0 and cube.sum() == 6.0
    with pytest.raises(RuntimeError, match="dimensions must be larger than 1"):
        tg.zeros(3).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="equal length"):
        tg.zeros(2, 3, 2).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="leaf"):
        tg.zeros(2, 2, requires_grad=True).fill_diagonal_(1)


def test_fill_diagonal_and_index_fill_match_torch():
    torch = pytest.importorskip("torch")
    for shape, wrap in [((7, 3), True), ((7, 3), False), ((3, 5), True), ((3, 3, 3), False)]:
        np.testing.assert_array_equal(tg.zeros(*shape).fill_diagonal_(2.0, wrap).numpy(),
                                      torch.zeros(*shape).fill_diagonal_(2.0, wrap).numpy())
    np.testing.assert_array_equal(tg.zeros(2, 3).index_fill(1, tg.tensor([-1]), 1.0).numpy(),
                                  torch.zeros(2, 3).index_fill(1, torch.tensor([-1]), 1.0).numpy())


# ---------------------------------------------------------------- random fills and draws

N = 200_000


def draws(method, *args, dtype=tg.float64, **kwargs):
    tg.manual_seed(0)
    out = getattr(tg.empty(N, dtype=dtype), method)(*args, **kwargs)
    assert out.dtype == dtype
    return out.numpy()


def test_continuous_fills_have_their_distributions():
    """Means and variances within about five standard errors of the distributions' own."""
    x = draws("exponential_", 2.0)
    assert x.min() >= 0 and abs(x.mean() - 0.5) < 0.006 and abs(x.var() - 0.25) < 0.01
    x = draws("log_normal_", 0.5, 0.25)
    assert abs(np.log(x).mean() - 0.5) < 0.003 and abs(np.log(x).std() - 0.25) < 0.003
    x = draws("cauchy_", 1.0, 2.0)  # no mean: the median and the quartiles, median -+ sigma
    np.testing.assert_allclose(np.percentile(x, [25, 50, 75]), [-1.0, 1.0, 3.0], atol=0.05)


def test_discrete_fills_have_their_distributions():
    x = draws("geometric_", 0.25)
    assert x.min() == 1 and np.all(x == np.round(x)) and abs(x.mean() - 4.0) < 0.05  # mean 1/p
    assert abs((x == 1).mean() - 0.25) < 0.005 and abs((x == 2).mean() - 0.1875) < 0.005
    x = draws("bernoulli_", 0.3, dtype=tg.int64)
    assert set(np.unique(x)) == {0, 1} and abs(x.mean() - 0.3) < 0.005
    p = tg.tensor([0.0, 1.0, 0.5])
    rows = tg.empty(N, 3).bernoulli_(p).numpy()
    assert rows[:, 0].max() == 0 and rows[:, 1].min() == 1 and abs(rows[:, 2].mean() - 0.5) < 0.005
    x = draws("random_", 2, 5, dtype=tg.int32)
    assert set(np.unique(x)) == {2, 3, 4} and abs(x.mean() - 3.0) < 0.01
    x = draws("random_", 3)
    assert set(np.unique(x)) == {0.0, 1.0, 2.0}
    x = draws("random_", dtype=tg.float32)  # [0, 2**24]: the whole numbers a float32 holds exactly
    assert x.min() >= 0 and x.max() <= 2 ** 24 and abs(x.mean() / 2 ** 23 - 1) < 0.01
    assert draws("random_", dtype=tg.uint8).max() > 250
    assert set(np.unique(draws("random_", dtype=tg.bool))) == {False, True}


def test_random_fills_use_the_generator_and_refuse_bad_parameters():
    g = tg.Generator().manual_seed(3)
    first = tg.empty(5).exponential_(generator=g).numpy().copy()
    g.manual_seed(3)
    np.testing.assert_array_equal(tg.empty(5).exponential_(generator=g).numpy(), first)
    tg.manual_seed(1)
    a = tg.empty(5).geometric_(0.5).numpy().copy()
    tg.manual_seed(1)
    np.testing.assert_array_equal(tg.empty(5).geometric_(0.5).numpy(), a)
    for call, message in [(lambda t: t.bernoulli_(1.5), r"p to be in \[0, 1\]"),
                          (lambda t: t.exponential_(0), "lambda > 0.0"), (lambda t: t.geometric_(1), r"\(0, 1\)"),
                          (lambda t: t.log_normal_(std=0), "std > 0.0"), (lambda t: t.random_(5, 5), "less than"),
                          (lambda t: t.long().exponential_(), "floating point")]:
        with pytest.raises(RuntimeError, match=message):
            call(tg.zeros(3))
    with pytest.raises(RuntimeError, match="leaf"):
        tg.zeros(3, requires_grad=True).cauchy_()


def test_random_fills_match_torchs_dtypes_and_errors():
    torch = pytest.importorskip("torch")
    for name, args in [("bernoulli_", (0.3,)), ("exponential_", ()), ("geometric_", (0.5,)), ("cauchy_", ()),
                       ("log_normal_", ()), ("random_", (3,))]:
        for dtype in ("float32", "float64", "int64"):
            try:
                want = getattr(torch.zeros(4, dtype=getattr(torch, dtype)), name)(*args).dtype
            except RuntimeError:
                with pytest.raises(RuntimeError):
                    getattr(tg.zeros(4, dtype=getattr(tg, dtype)), name)(*args)
                continue
            assert str(getattr(tg.zeros(4, dtype=getattr(tg, dtype)), name)(*args).dtype).split(".")[-1] == \
                str(want).split(".")[-1]


def test_bernoulli_and_multinomial_as_functions_and_methods():
    tg.manual_seed(0)
    probs = tg.tensor([0.0, 1.0, 0.25])
    drawn = tg.stack([probs.bernoulli() for _ in range(4000)]).numpy()
    assert drawn.dtype == np.float32 and drawn[:, 0].max() == 0 and drawn[:, 1].min() == 1
    assert abs(drawn[:, 2].mean() - 0.25) < 0.03
    assert tg.bernoulli(probs, 1.0).numpy().tolist() == [1.0, 1.0, 1.0]
    weights = tg.tensor([[1.0, 0.0, 3.0], [0.0, 2.0, 2.0]])
    samples = weights.multinomial(2)
    assert samples.shape == (2, 2) and samples.dtype == tg.int64
    assert set(samples[0].tolist()) == {0, 2} and set(samples[1].tolist()) == {1, 2}  # no zero-weight category
    # without replacement, categories of weight 0 come last, once the others are drawn (as PyTorch's [2, 0, 1])
    assert tg.tensor([0.0, 0.0, 1.0]).multinomial(3)[0].item() == 2
    assert sorted(tg.tensor([0.0, 0.0, 1.0]).multinomial(3).tolist()) == [0, 1, 2]
    first = np.bincount(tg.tensor([[1.0, 2.0, 5.0]]).expand(4000, 3).multinomial(2)[:, 0].numpy(), minlength=3)
    np.testing.assert_allclose(first / 4000, [0.125, 0.25, 0.625], atol=0.03)  # the first draw: w / sum(w)
    counts = np.bincount(tg.multinomial(tg.tensor([1.0, 3.0]), 20000, replacement=True).numpy(), minlength=2)
    assert abs(counts[1] / 20000 - 0.75) < 0.02
    assert tg.multinomial(tg.tensor([1.0, 1.0]), 1).shape == (1,)
    second = tg.tensor([[1.0, 2.0, 5.0]]).expand(4000, 3).multinomial(2).numpy()
    assert np.all(second[:, 0] != second[:, 1])
    # the second draw given the first is 2: 1/3 and 2/3 for categories 0 and 1
    after_two = second[second[:, 0] == 2, 1]
    assert abs((after_two == 1).mean() - 2 / 3) < 0.05
    for call, message in [(lambda: tg.tensor([1, 2]).multinomial(1), "floating"),
                          (lambda: tg.tensor([1.0, 2.0]).multinomial(0), "<= 0"),
                          (lambda: tg.tensor([1.0, 2.0]).multinomial(3), "without replacement"),
                          (lambda: tg.tensor([0.0, 0.0]).multinomial(1), "sum of probabilities"),
                          (lambda: tg.tensor(1.0).multinomial(1), "1 or 2 dim")]:
        with pytest.raises(RuntimeError, match=message):
            call()
    with pytest.raises(NotImplementedError, match="floating"):
        tg.bernoulli(tg.tensor([1, 0]))


def test_multinomial_shapes_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    for shape, n, replacement in [((3,), 2, False), ((2, 3), 3, False), ((4,), 7, True), ((1, 2), 1, True)]:
        ours = tg.ones(*shape).multinomial(n, replacement)
        theirs = torch.ones(*shape).multinomial(n, replacement)
        assert tuple(ours.shape) == tuple(theirs.shape) and str(theirs.dtype) == "torch.int64" == \
            "torch." + str(ours.dtype).split(".")[-1]
    for make in [lambda m: m.tensor([1, 2]).multinomial(1), lambda m: m.tensor([1.0, 2.0]).multinomial(3),
                 lambda m: m.tensor([0.0, 0.0]).multinomial(1), lambda m: m.tensor(1.0).multinomial(1)]:
        with pytest.raises(RuntimeError):
            make(torch)
        with pytest.raises(RuntimeError):
            make(tg)
