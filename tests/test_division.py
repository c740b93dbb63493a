"""Rounded division (division_ops.py): //, %, floor_divide, remainder, fmod and div(rounding_mode=...).

Values, dtypes, errors and the corners the op registry's sampled domains avoid (division by zero,
signed zeros, inf, the ops PyTorch gives no derivative), each pinned with torch-free numbers and
compared with PyTorch where it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

SIGNS_X, SIGNS_Y = [7, -7, 7, -7], [2, 2, -2, -2]
OPS = {  # name: (tinygrad_edu call, the same in torch)
    "//": lambda lib, x, y: x // y,
    "%": lambda lib, x, y: x % y,
    "floor_divide": lambda lib, x, y: lib.floor_divide(x, y),
    "remainder": lambda lib, x, y: lib.remainder(x, y),
    "fmod": lambda lib, x, y: lib.fmod(x, y),
    "div_floor": lambda lib, x, y: lib.div(x, y, rounding_mode="floor"),
    "div_trunc": lambda lib, x, y: x.div(y, rounding_mode="trunc"),
}
EXPECTED = {  # on 7, -7, 7, -7 by 2, 2, -2, -2: floor toward -inf, trunc toward 0, % the sign of y, fmod of x
    "//": [3, -4, -4, 3], "floor_divide": [3, -4, -4, 3], "div_floor": [3, -4, -4, 3], "div_trunc": [3, -3, -3, 3],
    "%": [1, 1, -1, -1], "remainder": [1, 1, -1, -1], "fmod": [1, -1, 1, -1],
}


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", [tg.int64, tg.int32, tg.float32, tg.float64])
def test_signs_round_as_pytorch_and_integers_stay_integers(name, dtype):
    out = OPS[name](tg, tg.tensor(SIGNS_X, dtype=dtype), tg.tensor(SIGNS_Y, dtype=dtype))
    assert out.dtype == dtype
    assert out.tolist() == EXPECTED[name]


def test_true_division_is_unchanged():
    assert tg.tensor([7, -7]).div(2).tolist() == [3.5, -3.5]
    assert (tg.tensor([7, -7]) / 2).dtype == tg.float32


@pytest.mark.parametrize("name", OPS)
def test_dtypes_follow_type_promotion(name):
    op = OPS[name]
    assert op(tg, tg.tensor([7, -7]), 2).dtype == tg.int64
    assert op(tg, tg.tensor([7, -7]), 2.0).dtype == tg.float32  # a Python float: the default dtype
    assert op(tg, tg.tensor([7, -7], dtype=tg.int32), 2).dtype == tg.int32
    assert op(tg, tg.tensor([7, -7], dtype=tg.int32), tg.tensor([2, 2])).dtype == tg.int64
    assert op(tg, tg.tensor([True, False]), 2).dtype == tg.int64
    assert op(tg, tg.tensor([7.5]), tg.tensor([2.0], dtype=tg.float64)).dtype == tg.float64
    assert op(tg, tg.tensor([7.5], dtype=tg.float16), 2).dtype == tg.float16


@pytest.mark.parametrize("name", OPS)
def test_bool_is_refused_and_an_integer_zero_divisor_raises(name):
    op = OPS[name]
    with pytest.raises(NotImplementedError, match="Bool"):
        op(tg, tg.tensor([True]), tg.tensor([True]))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        op(tg, tg.tensor([3, 4]), tg.tensor([1, 0]))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        op(tg, tg.tensor([3, 4], dtype=tg.uint8), 0)


FLOATS = [5.0, -5.0, 0.0, np.inf, np.nan, -0.0, 1.0]


def assert_same_bits(got: np.ndarray, want) -> None:
    """Equal bit for bit, so that -0.0 differs from 0.0; nan where want has nan (of any sign)."""
    want = np.asarray(want, dtype=got.dtype)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    keep, unsigned = ~np.isnan(want), f"u{got.itemsize}"
    np.testing.assert_array_equal(got[keep].view(unsigned), want[keep].view(unsigned))


@pytest.mark.parametrize("name, divisor, want", [
    ("//", 0.0, [np.inf, -np.inf, np.nan, np.inf, np.nan, np.nan, np.inf]),
    ("//", 3.0, [1.0, -2.0, 0.0, np.nan, np.nan, -0.0, 0.0]),
    ("//", -3.0, [-2.0, 1.0, -0.0, np.nan, np.nan, 0.0, -1.0]),
    ("%", 0.0, [np.nan] * 7),
    ("%", 3.0, [2.0, 1.0, 0.0, np.nan, np.nan, -0.0, 1.0]),
    ("%", -3.0, [-1.0, -2.0, 0.0, np.nan, np.nan, -0.0, -2.0]),
    ("%", np.inf, [5.0, np.inf, 0.0, np.nan, np.nan, -0.0, 1.0]),
    ("fmod", 0.0, [np.nan] * 7),
    ("fmod", -3.0, [2.0, -2.0, 0.0, np.nan, np.nan, -0.0, 1.0]),
    ("div_trunc", 3.0, [1.0, -1.0, 0.0, np.inf, np.nan, -0.0, 0.0]),
    ("div_trunc", -0.0, [-np.inf, np.inf, np.nan, -np.inf, np.nan, np.nan, -np.inf]),
])
def test_float_corners_bit_for_bit(name, divisor, want):
    """PyTorch's values on zero, inf and nan, with the sign of every zero (recorded from torch 2.13)."""
    assert_same_bits(OPS[name](tg, tg.tensor(FLOATS), divisor).numpy(), want)


def test_python_numbers_on_the_left():
    assert (7 // tg.tensor([2, -3])).tolist() == [3, -3]
    assert (7 % tg.tensor([2, -3])).tolist() == [1, -2]
    out = 7.5 % tg.tensor([2, -3])
    assert out.dtype == tg.float32 and out.tolist() == [1.5, -1.5]


def test_in_place_forms():
    x = tg.tensor([7, -7])
    x //= 2
    assert x.tolist() == [3, -4] and x.dtype == tg.int64
    x %= -3
    assert x.tolist() == [0, -1]
    y = tg.tensor([7.5, -7.5])
    y.fmod_(2)
    assert y.tolist() == [1.5, -1.5]
    y.div_(-1.0, rounding_mode="floor")
    assert y.tolist() == [-2.0, 1.0]
    with pytest.raises(RuntimeError, match="floor_divide_"):  # a float result cannot go into an int tensor
        x //= 2.5
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        x %= 0


def test_out_and_a_bad_rounding_mode():
    out = tg.zeros(2, dtype=tg.int64)
    assert tg.floor_divide(tg.tensor([7, -7]), 2, out=out) is out and out.tolist() == [3, -4]
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"):
        tg.tensor([1.0]).div(2, rounding_mode="round")


# ---------------------------------------------------------------- gradients

def grads(fn, x=(5.5, -5.5, 2.0), y=(2.0, 2.0, -1.5)):
    x, y = tg.tensor(list(x), requires_grad=True), tg.tensor(list(y), requires_grad=True)
    return tg.autograd.grad(fn(x, y).sum(), [x, y], allow_unused=True)


def test_remainder_and_fmod_gradients():
    gx, gy = grads(lambda x, y: x % y)
    assert gx.tolist() == [1.0, 1.0, 1.0] and gy.tolist() == [-2.0, 3.0, 2.0]  # -floor(x / y)
    gx, gy = grads(lambda x, y: x.fmod(y))
    assert gx.tolist() == [1.0, 1.0, 1.0] and gy.tolist() == [-2.0, 2.0, 1.0]  # -trunc(x / y)
    _, gy = grads(lambda x, y: x % y, y=(0.0, 0.0, 0.0))
    assert gy.tolist() == [-np.inf, np.inf, -np.inf]


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_a_rounded_quotient_has_an_exact_zero_gradient_out_of_the_graph(mode):
    x, y = tg.tensor([5.5, -5.5, 2.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    seed = tg.tensor([np.inf, np.nan, 1.0], requires_grad=True)
    gx, gy = tg.autograd.grad(x.div(y, rounding_mode=mode), [x, y], seed, create_graph=True)
    assert gx.tolist() == [0.0, 0.0, 0.0] and gy.tolist() == [0.0] and not gx.requires_grad


@pytest.mark.parametrize("fn", [lambda x, y: x // y, lambda x, y: x.floor_divide(y), lambda x, y: 7.5 // y])
def test_floor_divide_has_no_derivative_as_in_pytorch(fn):
    with pytest.raises(RuntimeError, match="floor_divide.*not implemented.*rounding_mode='floor'"):
        grads(fn)


def test_a_number_modulo_a_tensor_has_no_derivative_but_a_tensor_one_has():
    with pytest.raises(RuntimeError, match="remainder.*not implemented"):
        grads(lambda x, y: 7.0 % y)
    _, gy = grads(lambda x, y: tg.tensor(7.0) % y)
    assert gy.tolist() == [-3.0, -3.0, 5.0]


# ---------------------------------------------------------------- against PyTorch

def test_every_value_and_dtype_matches_pytorch():
    """A grid of specials and random values, float and int dtypes, tensor and number divisors."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    # No quotient overflows here: PyTorch's vectorised fmod gives nan where x / y is inf and its scalar
    # loop gives C's fmod, so its answer for 1e30 % 1e-30 depends on where the element sits in the array.
    values = np.array([0.0, -0.0, 1.0, -1.0, 0.1, 3.0, -3.0, 7.5, np.inf, -np.inf, np.nan, 2.5, 1 / 3]
                      + list(rng.normal(size=20) * 10) + list(rng.integers(-20, 20, 20)))
    x, y = (a.ravel() for a in np.meshgrid(values, values))
    for dtype in ("float64", "float32", "float16"):
        for name, op in OPS.items():
            for divisor in (y.astype(dtype), 2.5, -3):
                ours = op(tg, tg.tensor(x.astype(dtype)), divisor if np.isscalar(divisor) else tg.tensor(divisor))
                theirs = op(torch, torch.tensor(x.astype(dtype)),
                            divisor if np.isscalar(divisor) else torch.tensor(divisor)).numpy()
                assert ours.numpy().dtype == theirs.dtype, name
                assert_same_bits(ours.numpy(), theirs)
    ints = np.arange(-130, 130)
    a, b = (m.ravel() for m in np.meshgrid(ints, ints[ints != 0]))
    for dtype in ("int64", "int32", "int8", "uint8"):
        for name, op in OPS.items():
            for divisor in (b.astype(dtype), 2, -3, 2.5):
                ours = op(tg, tg.tensor(a.astype(dtype)), divisor if np.isscalar(divisor) else tg.tensor(divisor))
                theirs = op(torch, torch.tensor(a.astype(dtype)),
                            divisor if np.isscalar(divisor) else torch.tensor(divisor)).numpy()
                assert ours.numpy().dtype == theirs.dtype
                np.testing.assert_array_equal(ours.numpy(), theirs, err_msg=f"{name} {dtype}")


def test_errors_and_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    for op in OPS.values():
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            op(torch, torch.tensor([3, 4]), 0)
        with pytest.raises(NotImplementedError, match="Bool"):
            op(torch, torch.tensor([True]), torch.tensor([True]))
    for fn in (lambda x, y: x % y, lambda x, y: x.fmod(y), lambda x, y: x.div(y, rounding_mode="floor"),
               lambda x, y: x.div(y, rounding_mode="trunc")):
        x, y = torch.tensor([5.5, -5.5, 2.0], requires_grad=True), torch.tensor([2.0, 2.0, -1.5], requires_grad=True)
        want = torch.autograd.grad(fn(x, y).sum(), [x, y])
        for got, theirs in zip(grads(fn), want):
            assert got.tolist() == theirs.tolist()
    for fn in (lambda x, y: x // y, lambda x, y: 7.0 % y):
        y = torch.tensor([2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="not implemented"):
            torch.autograd.grad(fn(y, y).sum(), [y])


def test_float16_remainder_rounds_a_number_divisor_to_float16_first_as_pytorch():
    x = tg.tensor([5.0, 1.0, -3.3], dtype=tg.float16)
    assert (x % 0.1).tolist() == [0.001220703125, 0.000244140625, 0.098388671875]  # not 0.09998: 0.1 as float16
    assert x.fmod(0.1).tolist() == [0.001220703125, 0.000244140625, -0.0015869140625]
    assert (x // 0.1).tolist() == [49.0, 9.0, -34.0]  # floor division does not round it (PyTorch's kernels)
