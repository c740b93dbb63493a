"""Data types, tensor sizes and PyTorch's type-promotion rule, in one place.

A tensor's values live in a NumPy array, so every dtype here wraps a NumPy
dtype. The objects print as PyTorch's do (`tinygrad_edu.float32` where PyTorch
prints `torch.float32`) and NumPy accepts them wherever it takes a dtype
(`np.zeros(3, dtype=tg.float64)`, `array.astype(t.dtype)`), because NumPy reads
their `.dtype` attribute. For convenience they also compare equal to the NumPy
dtype they wrap: `t.dtype == np.float32` is True.

Type promotion (what dtype `a + b` has) follows PyTorch, not NumPy:

- Categories rank bool < integer < floating. Meeting a higher category
  moves the result up to it: `int64 tensor * 0.5` is a float tensor.
- Inside a category the wider type wins (`float32 + float64` is float64),
  but only among tensors with at least one dimension. 0-d tensors and Python
  numbers count only when they bring a higher category: `float16 + 0-d float64`
  stays float16, `int32 + 0-d int64` stays int32.
- A Python float (or an integer tensor meeting one) becomes the default
  dtype, float32 (`set_default_dtype` changes it); a Python int is int64.
- Ops that only make sense on real numbers (exp, log, sqrt, sin, tanh,
  sigmoid, division, ...) turn integer and bool inputs into the default dtype.

`result_type(*inputs)` is that rule; `promote(op_name, values)` applies it to
the inputs of one op just before its forward runs: the op entry point calls it
once, so every op follows the same rule.
"""

from __future__ import annotations

import builtins
import functools
import numbers

import numpy as np

__all__ = [
    "dtype", "Size", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
    "uint16", "uint32", "uint64", "bool", "bfloat16", "complex64", "complex128", "half", "float", "double", "short",
    "int", "long", "cfloat", "cdouble", "get_default_dtype", "set_default_dtype", "result_type",
    "promote_types", "promote", "to_dtype", "can_cast",
]

BOOL, INTEGER, FLOATING, COMPLEX = 0, 1, 2, 3  # the categories, in promotion order


class dtype:  # noqa: N801 -- PyTorch's class name (torch.dtype)
    """A tensor's element type: `tinygrad_edu.float32` and friends.

    `.dtype` is the NumPy dtype it stands for (so NumPy accepts this object as a dtype),
    `.is_floating_point`, `.is_complex`, `.is_signed` and `.itemsize` are PyTorch's
    attributes.
    """
    __slots__ = ("name", "dtype", "is_floating_point", "is_complex", "is_signed", "itemsize",
                 "category", "legacy_name")

    def __init__(self, name: str, numpy_dtype, legacy_name: str):
        self.name = name
        self.dtype = np.dtype(numpy_dtype)
        kind = self.dtype.kind
        self.category = {"b": BOOL, "i": INTEGER, "u": INTEGER, "f": FLOATING, "c": COMPLEX}[kind]
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = kind in "ifc"
        self.itemsize = self.dtype.itemsize
        self.legacy_name = legacy_name  # PyTorch's older name, used in its dtype errors ("Float")

    def __repr__(self) -> str:
        return f"tinygrad_edu.{self.name}"

    def __eq__(self, other) -> builtins.bool:
        if isinstance(other, dtype):
            return self is other
        if isinstance(other, np.dtype) or (isinstance(other, type) and issubclass(other, np.generic)):
            return self.dtype == np.dtype(other)
        return NotImplemented

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)  # as the NumPy dtype's, so a dict keyed by either finds both

    def __reduce__(self):
        return (to_dtype, (self.name,))


float16 = half = dtype("float16", np.float16, "Half")
float32 = float = dtype("float32", np.float32, "Float")  # noqa: A001 -- PyTorch's names
float64 = double = dtype("float64", np.float64, "Double")
int8 = dtype("int8", np.int8, "Char")
int16 = short = dtype("int16", np.int16, "Short")
int32 = int = dtype("int32", np.int32, "Int")  # noqa: A001
int64 = long = dtype("int64", np.int64, "Long")
uint8 = dtype("uint8", np.uint8, "Byte")
uint16 = dtype("uint16", np.uint16, "UInt16")
uint32 = dtype("uint32", np.uint32, "UInt32")
uint64 = dtype("uint64", np.uint64, "UInt64")
bool = dtype("bool", np.bool_, "Bool")  # noqa: A001
complex64 = cfloat = dtype("complex64", np.complex64, "ComplexFloat")
complex128 = cdouble = dtype("complex128", np.complex128, "ComplexDouble")


class NoNumPyType:
    """bfloat16, PyTorch's 16-bit "brain float": NumPy has no such type, so no tensor here holds it. The
    name is here so that code that lists dtypes runs (nanoGPT builds {'float32': torch.float32,
    'bfloat16': torch.bfloat16, ...} and picks float32 on a CPU); using it raises and says why."""
    __slots__ = ("name",)
    is_floating_point, is_complex, is_signed, itemsize, legacy_name = True, False, True, 2, "BFloat16"

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"tinygrad_edu.{self.name}"

    @property
    def dtype(self):  # what NumPy (np.dtype(x)) and to_dtype ask for
        raise TypeError(no_numpy_type(self.name))


def no_numpy_type(name: str) -> str:
    return (f"{name}: NumPy has no {name} type, so tinygrad_edu has no {name} tensors. Use float32 (or float16 "
            "for half the memory); code that picks bfloat16 only where a GPU supports it picks float32 here.")


bfloat16 = NoNumPyType("bfloat16")

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool,
       complex64, complex128)
BY_NUMPY = {d.dtype: d for d in ALL}
BY_NAME = {d.name: d for d in ALL} | {"half": float16, "float": float32, "double": float64,
                                     "short": int16, "int": int32, "long": int64}


def to_dtype(value) -> dtype:
    """Our dtype object for `value`: one of ours, a NumPy dtype or type, or a name ("float32")."""
    if isinstance(value, dtype):
        return value
    if isinstance(value, str) and value in BY_NAME:
        return BY_NAME[value]
    if isinstance(value, NoNumPyType) or value == "bfloat16":
        raise TypeError(no_numpy_type("bfloat16"))
    if value is None or isinstance(value, (builtins.int, builtins.float)):
        raise TypeError(f"dtype: expected a dtype such as tinygrad_edu.float32, got {value!r}")
    try:
        numpy_dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype: {value!r} is not a dtype; use one such as tinygrad_edu.float32 "
                        "or tinygrad_edu.int64") from None
    found = BY_NUMPY.get(numpy_dtype) or BY_NUMPY.get(numpy_dtype.newbyteorder("="))
    if found is None:
        raise TypeError(f"dtype: tensors cannot hold {numpy_dtype} values; use a number type such as "
                        "tinygrad_edu.float32, tinygrad_edu.int64 or tinygrad_edu.bool")
    return found


def of_array(array: np.ndarray) -> dtype:
    """The dtype object of a tensor's array (the fast path of Tensor.dtype)."""
    found = BY_NUMPY.get(array.dtype)
    return found if found is not None else to_dtype(array.dtype)


# ---------------------------------------------------------------- the default dtype

class _Default:
    """The dtype Python floats become (and int tensors meeting floats). Read on every op."""
    float = np.dtype(np.float32)


def get_default_dtype() -> dtype:
    """The floating dtype for Python floats and new tensors: float32 unless changed."""
    return BY_NUMPY[_Default.float]


def set_default_dtype(d) -> None:
    """Make `d` (float32 or float64, or float16) the default floating dtype, as torch.set_default_dtype."""
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default "
                        f"type, not {d}")
    _Default.float = d.dtype


def default_float() -> np.dtype:
    """The default floating dtype as a NumPy dtype (for code that makes arrays)."""
    return _Default.float


# ---------------------------------------------------------------- Size

class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as PyTorch's torch.Size does.

    >>> Size([2, 3])
    tinygrad_edu.Size([2, 3])
    """
    __slots__ = ()

    def __repr__(self) -> str:
        return f"tinygrad_edu.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Size(item) if isinstance(key, slice) else item

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def numel(self) -> builtins.int:
        """How many elements a tensor of this shape has (1 for the shape ())."""
        count = 1
        for n in self:
            count *= n
        return count


# ---------------------------------------------------------------- promotion

def category(d: np.dtype) -> builtins.int:
    kind = d.kind
    if kind == "f":
        return FLOATING
    if kind in "iu":
        return INTEGER
    if kind == "b":
        return BOOL
    return COMPLEX


def promote_types(a, b) -> dtype:
    """The dtype two tensors of dtypes a and b combine into: torch.promote_types (promote_numpy's
    answer as one of ours, tinygrad_edu.float32, not NumPy's)."""
    return to_dtype(promote_numpy(a, b))


def promote_numpy(a, b) -> np.dtype:
    """The NumPy dtype two tensors of dtypes a and b combine into, by PyTorch's rule.

    Different categories: the higher category's type (int16 and float16 give float16;
    NumPy would give float32). Same category: the wider type, as NumPy does
    (uint8 and int8 give int16)."""
    a, b = np.dtype(a), np.dtype(b)
    if a == b:
        return a
    category_a, category_b = category(a), category(b)
    if category_a != category_b:
        return a if category_a > category_b else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """Join the result of a higher-priority group (tensors with dims) with a lower one
    (0-d tensors, then Python numbers): the lower group counts only if it brings a
    higher category."""
    if higher is None:
        return lower
    if lower is None or category(lower) <= category(higher):
        return higher
    return promote_numpy(higher, lower)


def python_number_dtype(x) -> np.dtype:
    if isinstance(x, (builtins.bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(x, numbers.Real):
        return _Default.float
    if isinstance(x, numbers.Complex):
        return np.dtype(np.complex128 if _Default.float == np.float64 else np.complex64)
    raise TypeError(f"result_type: cannot use {type(x).__name__} {x!r:.40} in an op; "
                    "use a tensor or a Python number")


def _numpy_result_type(values) -> np.dtype:
    """result_type over NumPy arrays (a tensor's values) and Python numbers."""
    with_dims = zero_dim = numbers_ = None
    for x in values:
        if isinstance(x, np.ndarray):
            d = x.dtype
            if x.ndim:
                with_dims = d if with_dims is None else promote_numpy(with_dims, d)
            else:
                zero_dim = d if zero_dim is None else promote_numpy(zero_dim, d)
        else:
            d = python_number_dtype(x)
            numbers_ = d if numbers_ is None else promote_numpy(numbers_, d)
    return _combine(with_dims, _combine(zero_dim, numbers_))


def result_type(*inputs) -> dtype:
    """The dtype an elementwise op on `inputs` (tensors and Python numbers) gives,
    by PyTorch's rule (torch.result_type, for any number of inputs)."""
    if not inputs:
        raise TypeError("result_type: give at least one tensor or number")
    values = [x._data if hasattr(x, "_data") else x for x in inputs]
    return to_dtype(_numpy_result_type(values))


def can_cast(from_, to) -> builtins.bool:
    """True when PyTorch would cast `from_` to `to` in an in-place op or `out=`:
    never to a lower category (float into int, int into bool)."""
    return to_dtype(from_).category <= to_dtype(to).category


# How each op's inputs are promoted before its forward runs, by the op's class name.
#   "elementwise": all inputs to result_type (add, mul, pow, maximum, cat, ...)
#   "floating":    the same, then ints and bools become the default float (exp, div, ...)
#   "after_first": the first input (a condition) is left alone, the rest as elementwise (where)
#   "same":        no promotion: the inputs must already agree (matmul, linear, conv2d), as PyTorch
# Ops not listed (sum, reshape, indexing, cast, ...) see their inputs as they are.
RULES = {
    "Add": "elementwise", "Sub": "elementwise", "Mul": "elementwise", "Pow": "elementwise",
    "Maximum": "elementwise", "Cat": "elementwise", "Stack": "elementwise",
    "MseLossFunction": "elementwise", "BinaryCrossEntropyWithLogitsFunction": "elementwise",
    "DivFloor": "elementwise", "DivTrunc": "elementwise", "FloorDivide": "elementwise", "Remainder": "elementwise",
    "Fmod": "elementwise",
    "Div": "floating", "Exp": "floating", "Log": "floating", "Sqrt": "floating", "Sin": "floating",
    "Cos": "floating", "Asin": "floating", "Acos": "floating", "Atan": "floating",
    "TanhFunction": "floating", "SigmoidFunction": "floating",
    "LogSoftmaxFunction": "floating", "SoftmaxFunction": "floating", "Erf": "floating",
    "Tan": "floating", "Sinh": "floating", "Cosh": "floating", "Asinh": "floating", "Acosh": "floating",
    "Atanh": "floating", "Erfc": "floating", "Erfinv": "floating", "Atan2": "floating", "Hypot": "floating",
    "Logit": "floating",  # math_ops.py
    "Xlogy": "floating", "Lgamma": "floating", "Polygamma": "floating", "I0": "floating", "I1": "floating",
    "I0e": "floating", "I1e": "floating", "Erfcx": "floating", "Ndtri": "floating", "LogNdtr": "floating",
    "Entr": "floating", "Xlog1py": "floating", "Zeta": "floating", "Gammainc": "floating",
    "Gammaincc": "floating", "Copysign": "floating", "Nextafter": "elementwise",  # math_ops.py and special_ops.py
    "Where": "after_first",
    "MatMul": "same", "LinearFunction": "same", "Conv2dFunction": "same",
}
_NDARRAY, _PY_FLOAT, _PY_INT = np.ndarray, builtins.float, builtins.int
PUBLIC_NAMES = {"MatMul": "matmul", "LinearFunction": "linear", "Conv2dFunction": "conv2d"}


def promote(op_name: str, values: list) -> list:
    """The inputs of op `op_name` (NumPy arrays and Python numbers), cast to the one dtype
    PyTorch's promotion rule gives them. Called by the op entry point when an op's inputs
    are not all of one floating dtype (and Python numbers).

    Arrays are cast; Python numbers stay numbers (NumPy keeps them from widening a
    float32 array). The engine casts each gradient back to its input's dtype.
    """
    # Arrays of one floating dtype, with perhaps Python numbers, which cannot widen it: nothing
    # to cast, whatever the op. (Function.apply skips this call in that case when it can tell
    # from its pass over the inputs; this catches it after constants were converted.)
    first = None
    for x in values:
        kind = type(x)
        if kind is _NDARRAY:
            if first is None:
                first = x.dtype
            elif x.dtype is not first:
                break
        elif kind is not _PY_FLOAT and kind is not _PY_INT:
            break
    else:
        if first is not None and first.kind == "f":
            return values
    if op_name in ("Sub", "Neg"):
        refuse_bool_operands(op_name, values)
    rule = RULES.get(op_name)
    if rule is None or not all(isinstance(x, (np.ndarray, numbers.Number)) for x in values):
        return values  # an op with no rule, or a user's Function that gets Tensors: left alone
    if rule == "same":
        check_same_dtype(op_name, values)
        return values
    if rule == "after_first":
        return values[:1] + promote("Add", values[1:])
    target = _numpy_result_type(values)
    if rule == "floating" and target.kind not in "fc":
        target = _Default.float
    return [cast(x, target) for x in values]


def refuse_bool_operands(op_name: str, values) -> None:
    """PyTorch refuses - with a bool operand (a bool tensor or a Python bool): `1 - mask` is almost always a
    slip for `~mask`, and `a - b` of two masks for `a ^ b`. Its messages, word for word. Checked on the
    operands as given, before promotion makes a bool an int (promote, and the in-place sub_)."""
    bools = [isinstance(v, (builtins.bool, np.bool_)) or getattr(v, "dtype", None) == np.bool_ for v in values]
    if op_name == "Neg" and bools[0]:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if op_name == "Sub" and all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if op_name == "Sub" and any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def cast(x, target: np.dtype):
    """One input of an op in the promoted dtype. Arrays are converted; Python numbers stay
    numbers, except an int that does not fit an integer dtype (uint8 tensor * -2), which
    wraps around as in PyTorch (NumPy would refuse it)."""
    if isinstance(x, np.ndarray):
        return x if x.dtype == target else x.astype(target)
    if target.kind in "iu" and isinstance(x, builtins.int) and not isinstance(x, builtins.bool):
        info = np.iinfo(target)
        if not info.min <= x <= info.max:
            return np.array(x).astype(target)
    return x


def check_same_dtype(op_name: str, values: list) -> None:
    """matmul, linear and conv2d refuse mixed dtypes, as PyTorch does (no silent promotion):
    a float64 or integer input to a float32 layer is a mistake worth hearing about. conv1d (made
    of conv2d) calls this itself, with op_name "conv1d", so that the error names it."""
    arrays = [x for x in values if isinstance(x, np.ndarray)]
    first = arrays[0].dtype
    for other in arrays[1:]:
        if other.dtype != first:
            a, b = of_array(arrays[0]), of_array(other)
            if op_name in ("Conv2dFunction", "conv1d"):
                problem = f"Input type ({a.name}) and weight type ({b.name}) should be the same"
            else:
                problem = f"mat1 and mat2 must have the same dtype, but got {a.legacy_name} and {b.legacy_name}"
            hint = f"convert the input with x.to({b})"
            if b == float32:
                hint += " or x.float()"
            if a.is_floating_point and b.is_floating_point:
                hint += f", or the model with model.to({a})"
                if a == float64:
                    hint += " or model.double()"
            raise RuntimeError(f"{PUBLIC_NAMES.get(op_name, op_name.lower())}: {problem} ({a} and {b}). "
                               f"Hint: {hint}.")


# ---------------------------------------------------------------- quiet NumPy at the op entry point

# NumPy warns ("invalid value encountered in divide") where PyTorch silently gives nan or inf.
# The op entry point runs each forward with NumPy's floating-point warnings off:
#     token = quiet_numpy()
#     try: out = forward(...)
#     finally: restore_numpy(token)
# np.errstate would do the same but builds its settings on every entry (3.4x the time of a
# 10-element NumPy multiply, measured); setting NumPy's context variable to settings made once,
# through C-level callables (a partial and a bound method), costs 0.3x.
try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj

    quiet_numpy = functools.partial(_extobj_contextvar.set, _make_extobj(all="ignore"))
    restore_numpy = _extobj_contextvar.reset
except ImportError:  # another NumPy layout: the public, slower way
    def quiet_numpy():
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore_numpy(token) -> None:
        token.__exit__(None, None, None)
