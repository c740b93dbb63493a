"""PyTorch's rarer elementwise math (special_methods.py, special_ops.py, the new torch.special functions)
against torch: values, first and second derivatives, dtypes, the corners PyTorch defines (copysign and
nextafter where their slope jumps, fmax's ties and nans, the Bessel slopes at 0, frexp of 0, inf and
nan), the errors where PyTorch gives no derivative, and the in-place and out= forms.

Each torch comparison has a torch-free twin: the same numbers from SciPy/NumPy formulas, or PyTorch
2.13's written out. The registry (tests/registry_special.py) gradchecks each op on sampled inputs.
"""

import math

import numpy as np
import pytest
import scipy.special as sp

import tinygrad_edu as tg

X = [-2.5, -0.7, 0.3, 1.0, 2.2, 4.0]
Y = [1.5, -2.0, 0.5, -1.0, 2.0, 0.25]
P = [0.05, 0.1, 0.5, 0.9, 0.95, 0.3]
Q = [abs(y) + 0.5 for y in Y]

# name: (call(lib, x, y), x values, y values or None, value in NumPy, (dz/dx, dz/dy) in NumPy)
CASES = {
    "xlogy": (lambda L, x, y: L.xlogy(x, y), X, Q, lambda x, y: x * np.log(y), lambda x, y: (np.log(y), x / y)),
    "lgamma": (lambda L, x, y: L.lgamma(x), X, None, sp.gammaln, lambda x, y: (sp.digamma(x),)),
    "digamma": (lambda L, x, y: L.digamma(x), X, None, sp.digamma, lambda x, y: (sp.polygamma(1, x),)),
    "polygamma": (lambda L, x, y: L.polygamma(2, x), X, None, lambda x, y: sp.polygamma(2, x),
                  lambda x, y: (sp.polygamma(3, x),)),
    "mvlgamma": (lambda L, x, y: L.mvlgamma(x + 5, 3), X, None, lambda x, y: sp.multigammaln(x + 5, 3),
                 lambda x, y: (sum(sp.digamma(x + 5 - j / 2) for j in range(3)),)),
    "i0": (lambda L, x, y: L.i0(x), X, None, sp.i0, lambda x, y: (sp.i1(x),)),
    "sinc": (lambda L, x, y: L.sinc(x), X, None, lambda x, y: np.sinc(x),
             lambda x, y: ((np.cos(np.pi * x) - np.sinc(x)) / x,)),
    "copysign": (lambda L, x, y: L.copysign(x, y), X, Y, np.copysign,
                 lambda x, y: (np.sign(x) * np.sign(y), np.zeros_like(y))),
    "fmax": (lambda L, x, y: L.fmax(x, y), X, Y, np.fmax, lambda x, y: (1.0 * (x >= y), 1.0 * (x < y))),
    "fmin": (lambda L, x, y: L.fmin(x, y), X, Y, np.fmin, lambda x, y: (1.0 * (x <= y), 1.0 * (x > y))),
    "float_power": (lambda L, x, y: L.float_power(x, y), Q, X, np.power,
                    lambda x, y: (y * x ** (y - 1), x ** y * np.log(x))),
    "ldexp": (lambda L, x, y: L.ldexp(x, y), X, Y, lambda x, y: x * 2 ** y,
              lambda x, y: (2 ** y, x * 2 ** y * np.log(2))),
    "nextafter": (lambda L, x, y: L.nextafter(x, y), X, Y, np.nextafter,
                  lambda x, y: (np.ones_like(x), np.zeros_like(y))),
    "logaddexp2": (lambda L, x, y: L.logaddexp2(x, y), X, Y, np.logaddexp2,
                   lambda x, y: (1 / (1 + 2 ** (y - x)), 1 / (1 + 2 ** (x - y)))),
    "frexp": (lambda L, x, y: L.frexp(x).mantissa, X, None, lambda x, y: np.frexp(x)[0],
              lambda x, y: (2.0 ** -np.frexp(x)[1],)),
    "special.entr": (lambda L, x, y: L.special.entr(x), Q, None, sp.entr, lambda x, y: (-(1 + np.log(x)),)),
    "special.erfcx": (lambda L, x, y: L.special.erfcx(x), X, None, sp.erfcx,
                      lambda x, y: (2 * x * sp.erfcx(x) - 2 / math.sqrt(math.pi),)),
    "special.i0e": (lambda L, x, y: L.special.i0e(x), X, None, sp.i0e,
                    lambda x, y: (sp.i1e(x) - np.sign(x) * sp.i0e(x),)),
    "special.i1": (lambda L, x, y: L.special.i1(x), X, None, sp.i1, lambda x, y: (sp.i0(x) - sp.i1(x) / x,)),
    "special.i1e": (lambda L, x, y: L.special.i1e(x), X, None, sp.i1e,
                    lambda x, y: (sp.i0e(x) - sp.i1e(x) * (np.sign(x) + 1 / x),)),
    "special.ndtr": (lambda L, x, y: L.special.ndtr(x), X, None, sp.ndtr,
                     lambda x, y: (np.exp(-x * x / 2) / math.sqrt(2 * math.pi),)),
    "special.ndtri": (lambda L, x, y: L.special.ndtri(x), P, None, sp.ndtri,
                      lambda x, y: (math.sqrt(2 * math.pi) * np.exp(sp.ndtri(x) ** 2 / 2),)),
    "special.log_ndtr": (lambda L, x, y: L.special.log_ndtr(x), X, None, sp.log_ndtr,
                         lambda x, y: (np.exp(-x * x / 2) / math.sqrt(2 * math.pi) / sp.ndtr(x),)),
    "special.xlog1py": (lambda L, x, y: L.special.xlog1py(x, y), X, Q, lambda x, y: x * np.log1p(y),
                        lambda x, y: (np.log1p(y), x / (1 + y))),
    "special.zeta": (lambda L, x, y: L.special.zeta(x.detach() + 3, y), X, Q, lambda x, y: sp.zeta(x + 3, y),
                     lambda x, y: (None, -(x + 3) * sp.zeta(x + 4, y))),
    "special.gammainc": (lambda L, x, y: L.special.gammainc(x.detach().abs(), y), X, Q,
                         lambda x, y: sp.gammainc(np.abs(x), y),
                         lambda x, y: (None, y ** (np.abs(x) - 1) * np.exp(-y) / sp.gamma(np.abs(x)))),
    "special.gammaincc": (lambda L, x, y: L.special.gammaincc(x.detach().abs(), y), X, Q,
                          lambda x, y: sp.gammaincc(np.abs(x), y),
                          lambda x, y: (None, -y ** (np.abs(x) - 1) * np.exp(-y) / sp.gamma(np.abs(x)))),
    "special.multigammaln": (lambda L, x, y: L.special.multigammaln(x + 5, 2), X, None,
                             lambda x, y: sp.multigammaln(x + 5, 2),
                             lambda x, y: (sp.digamma(x + 5) + sp.digamma(x + 4.5),)),
}


def evaluate(lib, name, second=True):
    """The value, the first derivatives and (with `second`) the second derivatives of a case, as arrays."""
    call, xs, ys, _, _ = CASES[name]
    inputs = [lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in (xs, ys) if v is not None]
    z = call(lib, *inputs, *([None] * (2 - len(inputs))))
    used = [t for t in inputs if name not in ("special.zeta", "special.gammainc", "special.gammaincc")
            or t is inputs[1]]
    slopes = lib.autograd.grad(z.sum(), used, create_graph=second)
    results = [z.detach().numpy()] + [s.detach().numpy() for s in slopes]
    if second:
        for s in slopes:
            if s.requires_grad:
                curvatures = lib.autograd.grad(s.sum(), used, allow_unused=True, retain_graph=True)
                results += [c.numpy() if c is not None else np.zeros(len(xs)) for c in curvatures]
    return results


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_derivatives_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = evaluate(tg, name), evaluate(torch, name)
    if name == "copysign":  # PyTorch's d/dx = z / x is a node of its own: its second derivatives are 0 too
        theirs = theirs[:len(ours)]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_derivatives_match_scipy(name):
    _, xs, ys, value, slopes = CASES[name]
    x, y = np.array(xs), (None if ys is None else np.array(ys))
    ours = evaluate(tg, name, second=False)
    np.testing.assert_allclose(ours[0], value(x, y), rtol=1e-7, err_msg=name)
    wanted = [s for s in slopes(x, y) if s is not None]
    for a, b in zip(ours[1:], wanted, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------- corners, with PyTorch 2.13's numbers written out

def slopes_at(lib, call, xs, ys):
    x = lib.tensor(xs, dtype=lib.float64, requires_grad=True)
    y = lib.tensor(ys, dtype=lib.float64, requires_grad=True)
    z = call(lib, x, y)
    return [z.detach().numpy()] + [g.numpy() for g in lib.autograd.grad(z.sum(), [x, y])]


NAN, INF = math.nan, math.inf
CORNERS = {  # name: (call, x, y, [value, dz/dx, dz/dy] as PyTorch 2.13 gives them)
    "copysign at 0 and -0": (lambda L, x, y: L.copysign(x, y), [0.0, -0.0, 2.0, 2.0], [1.0, 1.0, -0.0, NAN],
                             [[0.0, 0.0, -2.0, 2.0], [0.0, 0.0, -1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]),
    "fmax ties and nan": (lambda L, x, y: L.fmax(x, y), [1.0, NAN, 2.0, NAN], [1.0, 3.0, NAN, NAN],
                          [[1.0, 3.0, 2.0, NAN], [1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0]]),
    "fmin ties and nan": (lambda L, x, y: L.fmin(x, y), [1.0, NAN, 2.0, NAN], [1.0, 3.0, NAN, NAN],
                          [[1.0, 3.0, 2.0, NAN], [1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0]]),
    "nextafter at x == y": (lambda L, x, y: L.nextafter(x, y), [0.0, 1.0, -0.0], [-0.0, 1.0, 0.0],
                            [[-0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    "xlogy at x == 0": (lambda L, x, y: L.xlogy(x, y), [0.0, 0.0, 0.0, 1.0], [0.0, -1.0, NAN, 0.0],
                        [[0.0, 0.0, NAN, -INF], [0.0, 0.0, NAN, -INF], [NAN, -0.0, NAN, INF]]),
    "xlog1py at x == 0": (lambda L, x, y: L.special.xlog1py(x, y), [0.0, 0.0, 1.0], [-1.0, -2.0, -1.0],
                          [[0.0, 0.0, -INF], [0.0, 0.0, -INF], [NAN, -0.0, INF]]),
}


def pin(a, b, name):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=name)


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_corners_are_pytorchs(name):
    call, xs, ys, wanted = CORNERS[name]
    for got, want in zip(slopes_at(tg, call, xs, ys), wanted, strict=True):
        pin(got, want, name)


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_corners_match_torch(name):
    torch = pytest.importorskip("torch")
    call, xs, ys, _ = CORNERS[name]
    for a, b in zip(slopes_at(tg, call, xs, ys), slopes_at(torch, call, xs, ys), strict=True):
        pin(a, b, name)


BESSEL_AT_ZERO = {"i0": (1.0, 0.0), "i0e": (1.0, 0.0), "i1": (0.0, 0.5), "i1e": (0.0, 0.5)}  # PyTorch's value, slope


@pytest.mark.parametrize("name", sorted(BESSEL_AT_ZERO))
def test_bessel_slopes_at_zero_are_pytorchs(name):
    x = tg.tensor([0.0], dtype=tg.float64, requires_grad=True)
    z = getattr(tg.special, name)(x)
    z.backward()
    assert (z.item(), x.grad.item()) == BESSEL_AT_ZERO[name]


def test_bessel_slopes_at_zero_match_torch():
    torch = pytest.importorskip("torch")
    for name in BESSEL_AT_ZERO:
        x = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
        z = getattr(torch.special, name)(x)
        z.backward()
        assert (z.item(), x.grad.item()) == BESSEL_AT_ZERO[name]


FREXP = ([0.0, 8.0, -3.5, INF, NAN, 1e-310], [0.0, 0.5, -0.875, INF, NAN, 0.5752618031559393],
         [0, 4, 2, 0, 0, -1029])


def test_frexp_of_zero_inf_nan_and_subnormals():
    x = tg.tensor(FREXP[0], dtype=tg.float64, requires_grad=True)
    mantissa, exponent = tg.frexp(x)
    pin(mantissa.detach().numpy(), FREXP[1], "mantissa")
    pin(exponent.numpy(), FREXP[2], "exponent")
    assert exponent.dtype == tg.int32 and not exponent.requires_grad
    mantissa.sum().backward()
    pin(x.grad.numpy(), [1.0, 2.0 ** -4, 0.25, 1.0, 1.0, INF], "slope")  # 1 / 2**e; 2**1029 overflows, as PyTorch's


def test_frexp_matches_torch():
    torch = pytest.importorskip("torch")
    for dtype in ("float16", "float32", "float64"):
        ours, theirs = tg.frexp(tg.tensor(FREXP[0][:5], dtype=getattr(tg, dtype))), \
            torch.frexp(torch.tensor(FREXP[0][:5], dtype=getattr(torch, dtype)))
        pin(ours.mantissa.numpy(), theirs.mantissa.numpy(), dtype)
        pin(ours.exponent.numpy(), theirs.exponent.numpy(), dtype)
        assert str(ours.exponent.dtype).split(".")[1] == str(theirs.exponent.dtype).split(".")[1] == "int32"


def test_sinc_of_float16_is_computed_in_float32():
    """sin(pi) in float16 is 3e-4: PyTorch computes half in float32, so sinc(1) and sinc(2) are 0."""
    z = tg.sinc(tg.tensor([0.5, 1.0, 2.0], dtype=tg.float16))
    assert z.dtype == tg.float16
    pin(z.numpy(), np.array([0.63671875, 0.0, 0.0], dtype=np.float16), "sinc")


# ---------------------------------------------------------------- dtypes

def dtype_name(t) -> str:
    return str(t.dtype).rpartition(".")[2]


def operands(lib, kinds):
    made = {"i": lambda: lib.tensor([1, 2, 3]), "h": lambda: lib.tensor([0.5, 1.0, 2.0], dtype=lib.float16),
            "f": lambda: lib.tensor([0.5, 1.0, 2.0]), "d": lambda: lib.tensor([0.5, 1.0, 2.0], dtype=lib.float64),
            "0d": lambda: lib.tensor(2.0, dtype=lib.float64), "2.5": lambda: 2.5, "2": lambda: 2}
    return [made[k]() for k in kinds]


# (function, operand kinds): PyTorch 2.13's result dtype
DTYPES = {
    ("xlogy", "i", "i"): "float32", ("xlogy", "h", "2.5"): "float16", ("xlogy", "f", "d"): "float64",
    ("xlogy", "f", "0d"): "float32", ("xlogy", "i", "2"): "float32",
    ("lgamma", "i"): "float32", ("digamma", "h"): "float16", ("i0", "i"): "float32", ("sinc", "i"): "float32",
    ("copysign", "i", "i"): "float32", ("copysign", "i", "2"): "float32", ("copysign", "h", "2.5"): "float16",
    ("fmax", "i", "i"): "int64", ("fmax", "i", "f"): "float32", ("fmin", "h", "d"): "float64",
    ("float_power", "i", "2"): "float64", ("float_power", "f", "2.5"): "float64", ("float_power", "h", "i"): "float64",
    ("ldexp", "f", "i"): "float32", ("ldexp", "i", "i"): "float32", ("ldexp", "h", "i"): "float16",
    ("nextafter", "f", "d"): "float64", ("nextafter", "h", "i"): "float16",
    ("logaddexp2", "f", "d"): "float64", ("logaddexp2", "i", "f"): "float32",
    ("gcd", "i", "i"): "int64", ("signbit", "i"): "bool", ("isposinf", "i"): "bool", ("isreal", "f"): "bool",
    ("fix", "i"): "int64", ("positive", "i"): "int64", ("mvlgamma", "i", "2"): "float32",
    ("heaviside", "f", "f"): "float32", ("heaviside", "i", "i"): "int64",
}


def result_dtype(lib, key):
    name, *kinds = key
    return dtype_name(getattr(lib, name)(*operands(lib, kinds)))


@pytest.mark.parametrize("key", sorted(DTYPES))
def test_result_dtypes_are_pytorchs(key):
    assert result_dtype(tg, key) == DTYPES[key]


def test_result_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    for key in DTYPES:
        assert result_dtype(torch, key) == DTYPES[key], key


SPECIAL_OF_INTEGERS = ["entr", "erfcx", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "gammaln", "sinc"]


def test_special_functions_of_integers_are_float32():
    for name in SPECIAL_OF_INTEGERS:
        assert getattr(tg.special, name)(tg.tensor([0, 1, 2])).dtype == tg.float32, name
    assert tg.special.xlog1py(tg.tensor([1, 2]), tg.tensor([1, 2])).dtype == tg.float32
    assert tg.special.zeta(tg.tensor([2, 3]), tg.tensor([1, 2])).dtype == tg.float32
    assert tg.special.multigammaln(tg.tensor([3, 4]), 2).dtype == tg.float32


# ---------------------------------------------------------------- errors

def errors(lib):
    """Calls PyTorch refuses, with the error it raises."""
    f, i = lib.tensor([1.0, 2.0]), lib.tensor([1, 2])
    return [
        (lambda: lib.gcd(f, f), NotImplementedError, "gcd_cpu\" not implemented for 'Float'"),
        (lambda: lib.lcm(i, 2), TypeError, "must be Tensor"),
        (lambda: lib.nextafter(i, i), NotImplementedError, "nextafter_cpu\" not implemented for 'Long'"),
        (lambda: lib.logaddexp2(i, i), NotImplementedError, "logaddexp2_cpu\" not implemented for 'Long'"),
        (lambda: lib.fmax(f, 1.0), TypeError, "must be Tensor"),
        (lambda: lib.frexp(i), RuntimeError, "frexp\\(\\) only supports floating-point dtypes"),
        (lambda: lib.heaviside(f, f.double()), RuntimeError, "heaviside is not yet implemented for tensors with "
                                                            "different dtypes"),
        (lambda: lib.positive(i > 1), RuntimeError, "The `\\+` operator, on a bool tensor is not supported"),
        (lambda: f.clone().float_power_(2), RuntimeError, "float_power_ has dtype Float but the operation's result "
                                                         "requires dtype Double"),
        (lambda: lib.mvlgamma(f, 0), RuntimeError, "p has to be greater than or equal to 1"),
        (lambda: lib.special.gammainc(i, i), NotImplementedError, "igamma_cpu\" not implemented for 'Long'"),
        (lambda: lib.tensor([1, 2]).sinc_(), RuntimeError, "can't be cast|cannot be written"),
    ]


def test_errors_are_pytorchs():
    for call, kind, message in errors(tg):
        with pytest.raises(kind, match=message):
            call()


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    for call, kind, message in errors(torch):
        with pytest.raises(kind, match=message):
            call()


def missing_derivatives(lib):
    """Backward calls PyTorch has no derivative for, with its error: they raise only when asked."""
    x = lib.tensor([0.5, 2.0], dtype=lib.float64, requires_grad=True)
    q = lib.tensor([1.5, 2.5], dtype=lib.float64, requires_grad=True)
    return [
        (lambda: lib.heaviside(x, x.detach()).sum().backward(), RuntimeError,
         "derivative for aten::heaviside is not implemented"),
        (lambda: lib.special.zeta(x + 2, q).sum().backward(), NotImplementedError,
         "the derivative for 'zeta' is not implemented"),
        (lambda: lib.special.gammainc(x, q).sum().backward(), NotImplementedError,
         "the derivative for 'igamma: input' is not implemented"),
        (lambda: lib.special.gammaincc(x, q).sum().backward(), NotImplementedError,
         "the derivative for 'igammac: input' is not implemented"),
    ]


def test_missing_derivatives_raise_pytorchs_errors():
    for call, kind, message in missing_derivatives(tg):
        with pytest.raises(kind, match=message):
            call()


def test_missing_derivatives_match_torch():
    torch = pytest.importorskip("torch")
    for call, kind, message in missing_derivatives(torch):
        with pytest.raises(kind, match=message):
            call()


def test_heaviside_values_and_requires_grad():
    x = tg.tensor([-1.5, 0.0, 2.0], requires_grad=True)
    z = tg.heaviside(x, tg.tensor([0.25]))
    pin(z.detach().numpy(), np.array([0.0, 0.25, 1.0], dtype=np.float32), "heaviside")
    assert z.requires_grad  # as PyTorch's: the error comes at backward


# ---------------------------------------------------------------- the constants, the aliases, in place and out=

def test_constant_functions():
    x = tg.tensor([-0.0, 0.0, -2.5, INF, -INF, NAN])
    pin(tg.signbit(x).numpy(), [True, False, True, False, True, False], "signbit")
    pin(tg.isposinf(x).numpy(), [False, False, False, True, False, False], "isposinf")
    pin(tg.isneginf(x).numpy(), [False, False, False, False, True, False], "isneginf")
    pin(tg.isreal(x).numpy(), [True] * 6, "isreal")
    pin(tg.fix(tg.tensor([-2.7, 2.7])).numpy(), np.array([-2.0, 2.0], dtype=np.float32), "fix")
    pin(tg.gcd(tg.tensor([-4, 0, -3]), tg.tensor([6, 0, 0])).numpy(), [2, 0, 3], "gcd")
    pin(tg.lcm(tg.tensor([-4, 0, -3]), tg.tensor([6, 0, 5])).numpy(), [12, 0, 15], "lcm")
    x = tg.tensor([1.0], requires_grad=True)
    assert tg.positive(x) is x  # PyTorch returns the tensor itself


def test_numpy_names_of_pytorch_ops():
    x, y = tg.tensor([1.0, -2.0, 3.0]), tg.tensor([2.0, -2.0, 1.0])
    pin(x.multiply(y).numpy(), [2.0, 4.0, 3.0], "multiply")
    pin(x.subtract(y, alpha=2).numpy(), [-3.0, 2.0, 1.0], "subtract")
    pin(x.true_divide(y).numpy(), [0.5, 1.0, 3.0], "true_divide")
    pin(x.absolute().numpy(), [1.0, 2.0, 3.0], "absolute")
    pin(x.negative().numpy(), [-1.0, 2.0, -3.0], "negative")
    pin(x.greater(y).numpy(), [False, False, True], "greater")
    pin(x.greater_equal(y).numpy(), [False, True, True], "greater_equal")
    pin(x.less(y).numpy(), [True, False, False], "less")
    pin(x.less_equal(y).numpy(), [True, True, False], "less_equal")
    pin(x.not_equal(y).numpy(), [True, False, True], "not_equal")
    z = tg.tensor([1.0, -2.0])
    z.multiply_(3).subtract_(1).true_divide_(2).absolute_().negative_()
    pin(z.numpy(), [-1.0, -3.5], "in place")


IN_PLACE = {  # method, its arguments, the input: PyTorch 2.13's result written out
    "xlogy_": ((2.0,), [1.0, 0.0], [0.6931471824645996, 0.0]),
    "lgamma_": ((), [0.5, 3.0], [0.5723649263381958, 0.6931471824645996]),
    "digamma_": ((), [1.0, 2.0], [-0.5772159099578857, 0.4227842092514038]),
    "polygamma_": ((1,), [1.0, 2.0], [1.6449340581893921, 0.6449340581893921]),
    "mvlgamma_": ((2,), [3.0, 4.0], [1.5501949787139893, 3.5650978088378906]),
    "i0_": ((), [0.0, 1.0], [0.9999999403953552, 1.2660659551620483]),
    "sinc_": ((), [0.0, 0.5], [1.0, 0.6366197466850281]),
    "copysign_": ((-1.0,), [1.0, 0.0], [-1.0, -0.0]),
    "ldexp_": ((tg.tensor([2]),), [1.5, 0.0], [6.0, 0.0]),
    "nextafter_": ((tg.tensor([0.0]),), [1.0, 0.0], [0.9999999403953552, 0.0]),
    "heaviside_": ((tg.tensor([0.5]),), [1.0, 0.0], [1.0, 0.5]),
    "fix_": ((), [-1.5, 2.5], [-1.0, 2.0]),
}


@pytest.mark.parametrize("method", sorted(IN_PLACE))
def test_in_place_forms(method):
    args, start, want = IN_PLACE[method]
    x = tg.tensor(start)
    assert getattr(x, method)(*args) is x
    np.testing.assert_allclose(x.numpy(), want, rtol=1e-6)


def test_in_place_forms_match_torch():
    torch = pytest.importorskip("torch")
    for method, (args, start, want) in IN_PLACE.items():
        args = tuple(torch.tensor(a.numpy()) if isinstance(a, tg.Tensor) else a for a in args)
        np.testing.assert_allclose(getattr(torch.tensor(start), method)(*args).numpy(), want, rtol=1e-6,
                                   err_msg=method)


def test_integer_in_place_forms_and_float_power_():
    x = tg.tensor([4, 6])
    x.gcd_(tg.tensor([6, 9])).lcm_(tg.tensor([5, 5]))
    pin(x.numpy(), [10, 15], "gcd_ lcm_")
    d = tg.tensor([2.0, 3.0], dtype=tg.float64)
    d.float_power_(2)
    pin(d.numpy(), [4.0, 9.0], "float_power_")


def test_in_place_in_the_graph():
    x = tg.tensor([0.5, 3.0], dtype=tg.float64, requires_grad=True)
    y = x * 1
    y.lgamma_()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), sp.digamma([0.5, 3.0]), rtol=1e-12)


def test_out_and_argument_order():
    out = tg.empty(2)
    x = tg.tensor([1.0, 2.0])
    assert tg.xlogy(x, 2.0, out=out) is out
    np.testing.assert_allclose(out.numpy(), [math.log(2), 2 * math.log(2)], rtol=1e-6)
    assert tg.polygamma(1, x, out=out) is out  # n first, as torch.polygamma
    np.testing.assert_allclose(out.numpy(), sp.polygamma(1, [1.0, 2.0]), rtol=1e-6)
    assert tg.special.i1e(x, out=out) is out
    np.testing.assert_allclose(out.numpy(), sp.i1e([1.0, 2.0]), rtol=1e-6)


def test_float_power_gradient_keeps_the_input_dtype():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    z = x.float_power(2)
    assert z.dtype == tg.float64
    z.sum().backward()
    assert x.grad.dtype == tg.float32
    pin(x.grad.numpy(), np.array([4.0, 6.0], dtype=np.float32), "float_power")


def test_log1p_of_minus_one_is_minus_infinity():
    assert tg.tensor([-1.0]).log1p().item() == -INF  # (it was nan: -inf - -inf in the exactness correction)


NODE_NAMES = {  # call: PyTorch 2.13's grad_fn name
    "i0": "I0Backward0", "special.i0e": "SpecialI0EBackward0", "special.i1": "SpecialI1Backward0",
    "special.i1e": "SpecialI1EBackward0", "special.erfcx": "SpecialErfcxBackward0",
    "special.ndtri": "SpecialNdtriBackward0", "special.log_ndtr": "SpecialLogNdtrBackward0",
    "special.entr": "SpecialEntrBackward0", "special.xlog1py": "SpecialXlog1PyBackward0",
    "special.zeta": "SpecialZetaBackward0", "special.gammainc": "IgammaBackward0",
    "special.gammaincc": "IgammacBackward0", "copysign": "CopysignBackward0", "nextafter": "NextafterBackward0",
    "frexp": "FrexpBackward0", "xlogy": "XlogyBackward0", "lgamma": "LgammaBackward0",
}


def node_name(lib, name):
    x = lib.tensor([0.25, 0.5], requires_grad=True)
    y = lib.tensor([1.0, 2.0], requires_grad=True)
    node = CASES[name][0](lib, x, y).grad_fn
    return node.name()  # (PyTorch's node is an instance of a class of that name, and name() says it too)


def test_node_names_are_pytorchs():
    for name, wanted in NODE_NAMES.items():
        assert node_name(tg, name) == wanted, name


def test_node_names_match_torch():
    torch = pytest.importorskip("torch")
    for name, wanted in NODE_NAMES.items():
        assert node_name(torch, name) == wanted, name
