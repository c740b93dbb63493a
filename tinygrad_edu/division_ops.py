"""The primitives of rounded division: x // y, div(x, y, rounding_mode=...), remainder (%) and fmod,
forward in NumPy beside the derivative, in the protocol of ops.py.

They are a module of their own because they share rules that plain division does not have, and that
PyTorch's kernels follow exactly:
- the quotient is rounded, so integer inputs give integer outputs (7 // 2 is 3, an int64), with
  PyTorch's type promotion otherwise (int // 2.5 is float32, float32 // float64 is float64);
- an integer divided by zero raises ZeroDivisionError (a float one gives inf or nan);
- bool tensors are refused, as PyTorch refuses them ("not implemented for 'Bool'");
- float16 is computed in float32 and rounded once at the end, as PyTorch's CPU kernels do.

The four quantities, with q = x / y:
    div floor:  floor(q)  (floor_divide, //)     remainder:  x - y * floor(q)  (%, the sign of y, Python's)
    div trunc:  trunc(q)  (toward 0)             fmod:       x - y * trunc(q)  (the sign of x, C's)
Their derivatives, as PyTorch's: a rounded quotient is a step function, so its gradient is 0 wherever
it is defined; remainder and fmod are x minus steps, so d/dx = 1 and d/dy = -(the rounded quotient).
"""

from __future__ import annotations

import numpy as np

from .ops import Primitive

# ---------------------------------------------------------------- the values, on NumPy arrays

def checked(name: str, x, y):
    """x and y (arrays or Python numbers, already promoted to one dtype) ready for a rounded
    division: bool refused and an integer division by zero raised, as PyTorch; float16 as float32."""
    dtype = np.result_type(x, y)
    kind = dtype.kind
    if kind == "b":
        raise NotImplementedError(f"{name}: not implemented for 'Bool' tensors, as in PyTorch; "
                                  "convert first with .long() or .float()")
    if kind in "iu" and np.any(np.equal(y, 0)):
        raise RuntimeError(f"ZeroDivisionError: {name}: integer division by zero (the divisor holds a 0). "
                           "Hint: divide floats (x.float()) to get inf or nan there, or mask the zeros first")
    if dtype == np.float16:
        return np.asarray(x, np.float32), np.asarray(y, np.float32)
    return x, y


def half_divisor(x, y):
    """y rounded to float16 when the op is in float16: PyTorch's remainder and fmod round a Python number
    divisor first (5 % 0.1 is then 0.0012, not 0.09998); its floor division does not."""
    return np.asarray(y, np.float16) if np.result_type(x, y) == np.float16 else y


def in_dtype_of(result: np.ndarray, x, y) -> np.ndarray:
    """The result back in the inputs' dtype (float16 was computed in float32)."""
    target = np.result_type(x, y)
    return result.astype(target) if result.dtype != target else result


def floor_quotient(x, y, name: str) -> np.ndarray:
    """floor(x / y), NumPy's floor_divide: the algorithm of PyTorch's (and CPython's) float
    floor division, fmod-based so that 5.0 // 0.1 is 49, not 50."""
    a, b = checked(name, x, y)
    return in_dtype_of(np.asarray(np.floor_divide(a, b)), x, y)


def trunc_quotient(x, y, name: str) -> np.ndarray:
    """trunc(x / y): rounded toward 0. Floats as PyTorch, trunc of the float quotient; integers
    exactly, (x - fmod(x, y)) being a multiple of y."""
    a, b = checked(name, x, y)
    if np.result_type(a, b).kind == "f":
        return in_dtype_of(np.asarray(np.trunc(np.true_divide(a, b))), x, y)
    return np.asarray(np.floor_divide(a - np.fmod(a, b), b))


def python_remainder(x, y, name: str) -> np.ndarray:
    """x mod y with the sign of y, PyTorch's algorithm: fmod, then + y where the signs differ.
    (NumPy's remainder gives the same up to the sign of a zero: -0.0 % 3 is -0.0 in PyTorch.)"""
    a, b = checked(name, x, half_divisor(x, y))
    mod = np.asarray(np.fmod(a, b))
    wrong_sign = (mod != 0) & (np.less(b, 0) != (mod < 0))
    return in_dtype_of(np.where(wrong_sign, mod + b, mod).astype(mod.dtype, copy=False), x, y)


def c_fmod(x, y, name: str) -> np.ndarray:
    """x mod y with the sign of x (C's fmod)."""
    a, b = checked(name, x, half_divisor(x, y))
    return in_dtype_of(np.asarray(np.fmod(a, b)), x, y)


# ---------------------------------------------------------------- the primitives
# Each states its value as `numpy_function(x, y, name)` (one of the functions above; `name` is the
# public name its errors say), which forward and the in-place forms outside a graph both call.

class DivFloor(Primitive):
    """z = floor(x / y)   (div(x, y, rounding_mode='floor')).   dz/dx = dz/dy = 0.

    A step function: PyTorch gives exactly 0 (zeros, even where the incoming gradient is inf or
    nan) and a 0 that is a constant, out of the graph."""
    numpy_function = floor_quotient
    public_name = "div"

    @staticmethod
    def forward(ctx, x, y):
        return type(ctx).numpy_function(x, y, type(ctx).public_name)

    @staticmethod
    def backward(ctx, g):
        need_x, need_y = ctx.needs_input_grad
        zeros = g._wrap(np.zeros(g.shape, g.dtype))
        return (zeros if need_x else None), (zeros if need_y else None)


class DivTrunc(DivFloor):
    """z = trunc(x / y)   (div(x, y, rounding_mode='trunc')).   dz/dx = dz/dy = 0, as DivFloor."""
    numpy_function = trunc_quotient


class FloorDivide(DivFloor):
    """z = floor(x / y)   (floor_divide, x // y): DivFloor's value, with no derivative.

    PyTorch has none for floor_divide: its backward raises "derivative for aten::floor_divide is
    not implemented", and so does this one. div(x, y, rounding_mode='floor') is the same value
    with a zero gradient."""
    public_name = "floor_divide"

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("floor_divide: the derivative for floor_divide (//) is not implemented, as in PyTorch. "
                           "Hint: x.div(y, rounding_mode='floor') gives the same value with a zero gradient, "
                           "or .detach() the input")


class Remainder(Primitive):
    """z = x - y * floor(x / y)   (remainder, x % y: the sign of y).
    dz/dx = 1, dz/dy = -floor(x / y).

    As in PyTorch, a Python number % a tensor (remainder(7, y)) has no derivative: its backward raises."""
    numpy_function = python_remainder

    @staticmethod
    def forward(ctx, x, y):
        if ctx.needs_input_grad[1]:  # only dz/dy reads them
            ctx.save_for_backward(x, y)
        ctx.number_dividend = not isinstance(x, np.ndarray)
        return python_remainder(x, y, "remainder")

    @staticmethod
    def backward(ctx, g):
        if ctx.number_dividend:
            raise RuntimeError("remainder: the derivative for remainder(number, tensor) (a Python number % a "
                               "tensor) is not implemented, as in PyTorch. Hint: make the number a tensor: "
                               "tensor(7.0) % y has one")
        need_x, need_y = ctx.needs_input_grad
        if not need_y:
            return g, None
        x, y = ctx.saved_tensors
        return (g if need_x else None), -g * x.div(y, rounding_mode="floor")


class Fmod(Primitive):
    """z = x - y * trunc(x / y)   (fmod: the sign of x).   dz/dx = 1, dz/dy = -trunc(x / y)."""
    numpy_function = c_fmod

    @staticmethod
    def forward(ctx, x, y):
        if ctx.needs_input_grad[1]:  # only dz/dy reads them
            ctx.save_for_backward(x, y)
        return c_fmod(x, y, "fmod")

    @staticmethod
    def backward(ctx, g):
        need_x, need_y = ctx.needs_input_grad
        if not need_y:
            return g, None
        x, y = ctx.saved_tensors
        return (g if need_x else None), -g * x.div(y, rounding_mode="trunc")


def rounded_division(rounding_mode: str):
    """The primitive of div(x, y, rounding_mode=...): DivFloor or DivTrunc."""
    if rounding_mode == "floor":
        return DivFloor
    if rounding_mode == "trunc":
        return DivTrunc
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found {rounding_mode!r}")
