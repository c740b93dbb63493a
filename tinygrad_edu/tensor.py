"""Tensor: a NumPy array that remembers how it was made.

Every differentiable method calls one op through the one entry point,
`Op.apply(...)` (autograd/function.py), which runs the op's forward and, when
a gradient will be needed, keeps the op's ctx as the result's graph node.
Composite ops (mean, var, softmax, ...) are written from primitives in
composite/ and bound here as methods.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from . import dtypes, movement_ops, ops, printing, return_types
from .autograd import Mode, RemovableHandle, TensorBase, grad, retain, run_backward, seed_gradient
from .autograd.function import as_constant
from .composite import elementwise, indexing, movement, products, reductions
from .device import CPU, CPU_ONLY_HINT, check_device
from .device import device as device_type
from .dims import axes_of, axis_of
from .dtypes import Size
from .errors import broadcast_error, index_error
from .random import numpy_rng
from .tracing import trace_backward

__all__ = ["Tensor", "tensor", "grad", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor",
           "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]

DEFAULT_FLOAT = np.float32  # the initial default; the current one is dtypes.get_default_dtype()


def to_array(data, dtype=None) -> np.ndarray:
    """NumPy arrays keep their dtype; Python floats become the default dtype (float32), ints int64."""
    if isinstance(data, Tensor):
        data = data._data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"tensor: cannot make a tensor from the string {data!r:.60}; give numbers "
                        "(a Python number, a list of numbers or a NumPy array)")
    if dtype is not None:
        dtype = dtypes.to_dtype(dtype).dtype
    if isinstance(data, (np.ndarray, np.generic)) or dtype is not None:
        try:
            array = np.array(data, dtype=dtype)
        except (TypeError, ValueError) as err:
            raise TypeError(f"tensor: cannot make a {dtype} tensor from {type(data).__name__} "
                            f"{data!r:.60}: {err}") from None
    else:
        try:
            array = np.array(data)
        except ValueError as err:  # ragged lists: [[1, 2], [3]]
            raise ValueError(f"tensor: the data must be rectangular (every row the same length): {err}") from None
        if array.dtype == np.float64:
            return array.astype(dtypes.default_float())
        if array.dtype.kind in "iu":
            return array.astype(np.int64)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"tensor: cannot make a tensor from {type(data).__name__} {data!r:.60}; "
                        "give numbers (a Python number, a list of numbers or a NumPy array)")
    return array


def legacy_array(data: tuple, dtype=None) -> np.ndarray:
    """The array `Tensor(*data)` holds, by PyTorch's rules for its legacy constructor."""
    if not data:
        return np.zeros(0, dtype=dtype or DEFAULT_FLOAT)
    if len(data) == 1 and isinstance(data[0], Size):  # Tensor(x.shape): a size, as in PyTorch
        data = tuple(data[0])
    if all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in data):
        return np.zeros(tuple(int(n) for n in data), dtype=dtype or DEFAULT_FLOAT)  # Tensor(2, 3): a size
    if len(data) > 1:
        raise TypeError(f"Tensor: expected data (a list, an array, a tensor) or sizes (ints), got {data!r:.80}")
    (data,) = data
    if isinstance(data, Tensor) and dtype is None:
        return data._data  # Tensor(t) shares t, as in PyTorch
    array = to_array(data, dtype)
    return array if dtype is not None else array.astype(DEFAULT_FLOAT, copy=False)


def is_float(dtype) -> bool:
    return np.issubdtype(dtype, np.floating)


def index_key(key):
    """Tensors and lists inside an index become NumPy arrays."""
    if isinstance(key, tuple):
        return tuple(index_key(k) for k in key)
    if isinstance(key, Tensor):
        if key._data.dtype == np.uint8:  # PyTorch reads a uint8 index as a mask (a deprecated form)
            return key._data.astype(bool)
        return key._data
    if isinstance(key, list):
        return np.asarray(key)
    return key


class Tensor(TensorBase):
    """An n-dimensional array with reverse-mode automatic differentiation.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """
    __slots__ = ()  # the fields are TensorBase's (autograd/function.py)
    __array_priority__ = 1000  # numpy_array * tensor calls Tensor.__rmul__

    def __init__(self, *data, dtype=None, device=None, requires_grad: bool = False, name: str | None = None):
        """PyTorch's `torch.Tensor(...)`: Tensor([1, 2]) is float32 whatever the data (so is a NumPy
        array), Tensor(2, 3) is a 2x3 float32 tensor (zeros; PyTorch leaves it uninitialised) and
        Tensor(t) shares t. `tensor(data)` keeps the data's dtype: prefer it in new code."""
        check_device(device, "Tensor")
        self._data = legacy_array(data, dtype)
        self._grad = None
        self.requires_grad = False
        self._ctx = None
        self._counter = None
        self._hooks = None
        self._before = None
        self.name = name
        if requires_grad:
            self.requires_grad_(True)

    # ------------------------------------------------------------ attributes
    @property
    def data(self) -> "Tensor":
        """The same values as a tensor outside the graph, sharing memory (PyTorch's `.data`):
        `p.data -= lr * p.grad` changes p itself. Unlike `.detach()` it does not share the
        version counter, so the graph cannot notice such a change: prefer
        `with no_grad(): p -= lr * p.grad`. The NumPy array itself is `.numpy()`."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data: assign a Tensor to .data, not {type(value).__name__}; "
                            "wrap it first with tensor(...)")
        self._data = value._data

    shape = property(lambda self: Size(self._data.shape), doc="The shape: a Size, PyTorch's tuple of ints.")
    dtype = property(lambda self: dtypes.of_array(self._data),
                     doc="The element type: tinygrad_edu.float32 and friends (equal to NumPy's too).")
    ndim = property(lambda self: self._data.ndim, doc="The number of dimensions.")
    is_leaf = property(lambda self: self._ctx is None,
                       doc="True for tensors made by the user, not by an op that tracks gradients.")
    grad_fn = property(lambda self: self._ctx, doc="The graph node that made this tensor (None for leaves).")
    T = property(lambda self: self.permute(*reversed(range(self.ndim))), doc="All axes reversed.")
    mT = property(movement.matrix_transpose, doc="The last two axes swapped (2 or more dimensions).")

    def size(self, dim: int | None = None):
        """The shape (a Size), or the length of dimension `dim`."""
        if dim is None:
            return Size(self._data.shape)
        if self.ndim == 0:
            raise IndexError(f"size: dimension specified as {dim} but the tensor has no dimensions")
        return self._data.shape[axis_of(self._data.shape, dim, "size")]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element (4 for float32)."""
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"item: a tensor with {self._data.size} elements (shape {tuple(self.shape)}) cannot be "
                "converted to a Python number; reduce it first (.sum(), .mean()) or use .tolist()")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self._data.size} elements is "
                               "ambiguous; use .any() or .all()")
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if not np.issubdtype(self.dtype, np.integer):
            raise TypeError("only integer tensors of a single element can be used as an index")
        return int(self.item())

    __hash__ = object.__hash__

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __repr__(self) -> str:
        """As PyTorch prints: tensor([1.0000, 2.5000], requires_grad=True) (see printing.py)."""
        return printing.tensor_repr(self)

    def __format__(self, spec: str) -> str:
        """f"{t:.4f}" formats a 0-d tensor's number, as PyTorch; an empty spec is repr."""
        if self.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError(f"unsupported format string passed to Tensor.__format__: a tensor of shape "
                            f"{self._data.shape} is not one number; format t.item() (one element) or "
                            "each element of t.tolist()")
        return repr(self)

    # ------------------------------------------------------------ autograd
    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and not is_float(self.dtype):
            raise RuntimeError(
                f"only tensors of floating point dtype can require gradients; this one is "
                f"{self.dtype}. Make it float first: tensor(..., dtype=float32) or .float()")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("requires_grad_(False) only works on leaf tensors; use .detach()")
        self.requires_grad = requires_grad
        return self

    def detach(self) -> "Tensor":
        """The same data, cut off from the graph (shares memory and the version counter, as PyTorch)."""
        t = Tensor._wrap(self._data)
        t._counter = self._shared_counter()
        return t

    def retain_grad(self) -> None:
        """Keep .grad on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on a tensor that doesn't require grad")
        if self._ctx is not None:
            retain(self._ctx, self)

    def register_hook(self, hook) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a return value replaces it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't "
                               "require gradient")
        if self._ctx is None:
            hooks = self._hooks = self._hooks or []
        else:
            hooks = self._ctx.hooks = self._ctx.hooks or []
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs=None, trace: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's .grad.

        `gradient` is dL/d(self) (needed when self is not a scalar). With
        trace=True the engine also prints each step as it runs (see tracing.py).
        """
        if trace:
            if gradient is not None or create_graph or inputs is not None:
                raise ValueError("backward(trace=True) traces a plain backward of a scalar loss; "
                                 "drop gradient=, create_graph= and inputs=")
            trace_backward(self, retain_graph=bool(retain_graph))
            return
        if not self.requires_grad:
            raise RuntimeError(
                "backward: element 0 of tensors does not require grad and does not have a grad_fn. "
                "Make an input with requires_grad=True, and don't compute the loss under no_grad().")
        gradient = seed_gradient(self, gradient, "backward")
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        run_backward([self], [gradient], retain_graph, create_graph, inputs, allow_unused=True)

    # ------------------------------------------------------------ in-place ops
    def _inplace(self, name: str, other, op, numpy_op) -> "Tensor":
        """Change self in place to op(self, other).

        Outside the graph (nothing requires grad, or under no_grad) NumPy writes into
        the array itself (`numpy_op(array, other)`): what optimizers do. Inside it,
        as in PyTorch, the op is recorded on the old value and self's history moves
        onto it (`record_inplace`).
        """
        if Mode.grad_enabled and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)):
            self._record_inplace(name, lambda old: op(old, other))
            return self
        value = other._data if isinstance(other, Tensor) else other
        try:
            numpy_op(self._data, value)
        except (TypeError, ValueError) as err:
            raise RuntimeError(f"{name}: cannot update a tensor of shape {tuple(self.shape)} and dtype "
                               f"{self.dtype} in place with {np.shape(value)}: {err}") from None
        self._changed()
        return self

    def _record_inplace(self, name: str, compute) -> None:
        """self = compute(old self), recorded: the value is written into self's memory, version
        bumped, and self's grad_fn becomes the new op's node (PyTorch "rebases" the history).
        A slice of a tensor in the graph writes through to that tensor: base[key] = new value."""
        ctx = self._ctx
        if ctx is None and self.requires_grad:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad is being used in an in-place operation. "
                "Update parameters inside `with no_grad():` (that is what optimizers do).")
        shares_memory = (ctx is not None and ctx.makes_view and ctx.inputs is not None
                         and self._counter is not None and self._counter is getattr(ctx.inputs[0], "_counter", None))
        if shares_memory and not isinstance(ctx, movement_ops.GetItem):
            raise RuntimeError(
                f"{name}: in-place change of a {ctx.name()} view of a tensor in the graph is not supported; "
                "change the tensor itself, or make the view a copy first with .clone()")
        old = self._snapshot()
        new = compute(old)
        if new.shape != self.shape:
            raise RuntimeError(f"{name}: the result has shape {tuple(new.shape)} but the tensor changed in "
                               f"place has shape {tuple(self.shape)}; an in-place op cannot change the shape")
        if shares_memory:  # a slice: write into the base, then read the slice back from it
            base = ctx.inputs[0]
            base[ctx.key] = new
            self._before = old
            self._ctx, self.requires_grad = base[ctx.key]._ctx, True
            return
        np.copyto(self._data, new._data, casting="same_kind")
        self._changed()
        self._before = old
        self._ctx, self.requires_grad = new._ctx, new.requires_grad

    def _snapshot(self) -> "Tensor":
        """Self before an in-place change: its history, and a copy of its value (PyTorch, too,
        keeps the original when the op's derivative needs it: x *= w needs the old x)."""
        old = Tensor._wrap(self._data.copy())
        old._ctx, old.requires_grad, old._before = self._ctx, self.requires_grad, self._before
        return old

    def _changed(self) -> None:
        """Self's memory was changed in place: graphs that saved it must be able to tell."""
        self._bump_version()
        if self._ctx is not None and self._ctx.output is self._data:
            self._ctx.output = None  # the op saved this very array as its output: now it is stale

    def add_(self, other, alpha=1) -> "Tensor":
        other = other if alpha == 1 else other * alpha
        return self._inplace("add_", other, Tensor.add, lambda a, b: np.add(a, b, out=a))

    def sub_(self, other, alpha=1) -> "Tensor":
        other = other if alpha == 1 else other * alpha
        return self._inplace("sub_", other, Tensor.sub, lambda a, b: np.subtract(a, b, out=a))

    def mul_(self, other) -> "Tensor":
        return self._inplace("mul_", other, Tensor.mul, lambda a, b: np.multiply(a, b, out=a))

    def div_(self, other) -> "Tensor":
        return self._inplace("div_", other, Tensor.div, lambda a, b: np.divide(a, b, out=a))

    def copy_(self, src) -> "Tensor":
        return self._inplace("copy_", src, lambda old, new: movement_ops.IndexPut.apply(old, new, key=...), np.copyto)

    def fill_(self, value) -> "Tensor":
        return self._inplace("fill_", value, lambda old, new: movement_ops.IndexPut.apply(old, new, key=...), np.copyto)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def _apply_(self, name: str, op) -> "Tensor":
        """x.f_(): x = f(x) in place, for any out-of-place method f (sin_, exp_, clamp_, ...):
        recorded in the graph like add_, or written into the array outside it."""
        if Mode.grad_enabled and self.requires_grad:
            self._record_inplace(name, op)
            return self
        new = op(self)
        try:
            np.copyto(self._data, new._data, casting="same_kind")
        except TypeError:
            raise RuntimeError(f"{name}: the result has dtype {new._data.dtype}, which cannot be written into a "
                               f"tensor of dtype {self._data.dtype} in place; use the out-of-place {name[:-1]}() "
                               "or convert the tensor first (.float())") from None
        self._changed()
        return self

    sin_ = lambda self: self._apply_("sin_", Tensor.sin)  # noqa: E731
    cos_ = lambda self: self._apply_("cos_", Tensor.cos)  # noqa: E731
    exp_ = lambda self: self._apply_("exp_", Tensor.exp)  # noqa: E731
    log_ = lambda self: self._apply_("log_", Tensor.log)  # noqa: E731
    sqrt_ = lambda self: self._apply_("sqrt_", Tensor.sqrt)  # noqa: E731
    abs_ = lambda self: self._apply_("abs_", Tensor.abs)  # noqa: E731
    neg_ = lambda self: self._apply_("neg_", Tensor.neg)  # noqa: E731
    tanh_ = lambda self: self._apply_("tanh_", Tensor.tanh)  # noqa: E731
    sigmoid_ = lambda self: self._apply_("sigmoid_", Tensor.sigmoid)  # noqa: E731
    relu_ = lambda self: self._apply_("relu_", Tensor.relu)  # noqa: E731
    pow_ = lambda self, exponent: self._apply_("pow_", lambda t: t.pow(exponent))  # noqa: E731
    clamp_ = lambda self, min=None, max=None: self._apply_("clamp_", lambda t: t.clamp(min, max))  # noqa: E731
    masked_fill_ = lambda self, mask, value: self._apply_(  # noqa: E731
        "masked_fill_", lambda t: t.masked_fill(mask, value))

    def _reshape_(self, op) -> "Tensor":
        """unsqueeze_/squeeze_: self becomes a view of its own memory with a new shape (no value changes,
        so no version bump); ops that used self before see its old shape and history (self._before)."""
        old = Tensor._wrap(self._data)
        old._ctx, old.requires_grad, old._before = self._ctx, self.requires_grad, self._before
        old._counter = self._counter
        new = op(old)
        if new.requires_grad:
            self._before = old
        self._data, self._ctx, self.requires_grad, self._counter = new._data, new._ctx, new.requires_grad, new._counter
        return self

    def unsqueeze_(self, dim: int) -> "Tensor":
        return self._reshape_(lambda t: t.unsqueeze(dim))

    def squeeze_(self, dim=None) -> "Tensor":
        return self._reshape_(lambda t: t.squeeze(dim))

    def _fill_random_(self, name: str, draw) -> "Tensor":
        """uniform_, normal_: fill with random numbers from the library's generator (or generator=)."""
        if Mode.grad_enabled and self.requires_grad and self._ctx is None:
            raise RuntimeError(f"{name}: a leaf Variable that requires grad is being used in an in-place "
                               "operation. Fill it inside `with no_grad():` (as nn.init does).")
        return self.copy_(Tensor._wrap(draw(self.shape).astype(self._data.dtype)))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None) -> "Tensor":
        return self._fill_random_("uniform_", lambda shape: numpy_rng(generator, "uniform_").uniform(a, b, shape))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> "Tensor":
        return self._fill_random_("normal_", lambda shape: numpy_rng(generator, "normal_").normal(mean, std, shape))

    # ------------------------------------------------------------ arithmetic
    def add(self, other, alpha=1) -> "Tensor":
        return ops.Add.apply(self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1) -> "Tensor":
        return ops.Sub.apply(self, other if alpha == 1 else other * alpha)

    def mul(self, other) -> "Tensor":
        return ops.Mul.apply(self, other)

    def div(self, other) -> "Tensor":
        return ops.Div.apply(self, other)

    def pow(self, exponent) -> "Tensor":
        return ops.Pow.apply(self, exponent)

    def matmul(self, other) -> "Tensor":
        return ops.MatMul.apply(self, other)

    def neg(self) -> "Tensor":
        return ops.Neg.apply(self)

    __add__ = __radd__ = add
    __sub__, __mul__, __rmul__, __truediv__, __pow__, __matmul__, __neg__ = sub, mul, mul, div, pow, matmul, neg

    def __rsub__(self, other):
        return ops.Sub.apply(other, self)

    def __rtruediv__(self, other):
        return ops.Div.apply(other, self)

    def __rpow__(self, other):
        return ops.Pow.apply(other, self)

    def __rmatmul__(self, other):
        return ops.MatMul.apply(other, self)

    # ------------------------------------------------------------ elementwise
    def exp(self):
        return ops.Exp.apply(self)

    def log(self):
        return ops.Log.apply(self)

    def sqrt(self):
        return ops.Sqrt.apply(self)

    def abs(self):
        return ops.Abs.apply(self)

    __abs__ = abs

    def sin(self):
        return ops.Sin.apply(self)

    def cos(self):
        return ops.Cos.apply(self)

    def asin(self):
        return ops.Asin.apply(self)

    def acos(self):
        return ops.Acos.apply(self)

    def atan(self):
        return ops.Atan.apply(self)

    arcsin, arccos, arctan = asin, acos, atan

    def tanh(self):
        return ops.TanhFunction.apply(self)

    def sigmoid(self):
        return ops.SigmoidFunction.apply(self)

    def relu(self):
        return ops.Relu.apply(self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise ValueError("clamp: give at least one of min and max")
        if isinstance(min, Tensor) or isinstance(max, Tensor):  # tensor bounds get gradients too
            out = self if min is None else self.maximum(min)
            return out if max is None else out.minimum(max)
        return ops.Clamp.apply(self, low=min, high=max)

    clip = clamp

    def maximum(self, other):
        return ops.Maximum.apply(self, other)

    def where(self, condition, other):
        """`x.where(cond, y)`: x where cond is True, else y (PyTorch's Tensor.where)."""
        return ops.Where.apply(condition, self, other)

    def astype(self, dtype):
        dtype = dtypes.to_dtype(dtype).dtype
        return self if self._data.dtype == dtype else ops.Cast.apply(self, dtype=dtype)

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    def half(self):
        return self.astype(np.float16)

    def long(self):
        return self.astype(np.int64)

    def int(self):
        return self.astype(np.int32)

    def bool(self):
        return self.astype(np.bool_)

    def clone(self, memory_format=None):
        """A copy that stays in the graph (gradient passes straight through)."""
        return ops.Cast.apply(self, dtype=self.dtype)

    # ------------------------------------------------------------ not differentiable: constants
    def _compare(self, ufunc, other, name: str = "", reverse: bool = False) -> "Tensor":
        other_array = other._data if isinstance(other, Tensor) else other
        left, right = (other_array, self._data) if reverse else (self._data, other_array)
        try:
            return Tensor._wrap(np.asarray(ufunc(left, right)))
        except ValueError:
            shapes = [x._data.shape if isinstance(x, Tensor) else np.shape(x) for x in (self, other)]
            raise broadcast_error(name, shapes) from None

    def _bitwise(self, ufunc, other, name: str, reverse: bool = False) -> "Tensor":
        """&, |, ^: bitwise on integer tensors, logical on bool ones (as PyTorch); floats refused."""
        for x in (self, other):
            kind = x._data.dtype.kind if isinstance(x, Tensor) else np.asarray(x).dtype.kind
            if kind not in "biu":
                raise TypeError(f"{name}: bitwise ops need integer or bool tensors, got "
                                f"{x.dtype if isinstance(x, Tensor) else type(x).__name__}. "
                                "Hint: compare first (x > 0) to get bool tensors")
        return self._compare(ufunc, other, name, reverse)

    def _index_reduce(self, fn, dim, keepdim, name: str) -> "Tensor":
        axis = None if dim is None else axis_of(self._data.shape, dim, name)
        if self._data.size == 0 and fn in (np.argmax, np.argmin) and (axis is None or self.shape[axis] == 0):
            raise IndexError(f"{name}: expected a non-empty tensor (or dim of size > 0), got shape "
                             f"{self._data.shape}")
        if self.ndim == 0:
            axis = None
        return Tensor._wrap(np.asarray(fn(self._data, axis=axis, keepdims=keepdim)))

    __eq__ = eq = lambda self, other: self._compare(np.equal, other, "eq")
    __ne__ = ne = lambda self, other: self._compare(np.not_equal, other, "ne")
    __lt__ = lt = lambda self, other: self._compare(np.less, other, "lt")
    __le__ = le = lambda self, other: self._compare(np.less_equal, other, "le")
    __gt__ = gt = lambda self, other: self._compare(np.greater, other, "gt")
    __ge__ = ge = lambda self, other: self._compare(np.greater_equal, other, "ge")
    __and__ = bitwise_and = lambda self, other: self._bitwise(np.bitwise_and, other, "bitwise_and")
    __or__ = bitwise_or = lambda self, other: self._bitwise(np.bitwise_or, other, "bitwise_or")
    __xor__ = bitwise_xor = lambda self, other: self._bitwise(np.bitwise_xor, other, "bitwise_xor")
    __rand__ = lambda self, other: self._bitwise(np.bitwise_and, other, "bitwise_and", True)
    __ror__ = lambda self, other: self._bitwise(np.bitwise_or, other, "bitwise_or", True)
    __rxor__ = lambda self, other: self._bitwise(np.bitwise_xor, other, "bitwise_xor", True)
    __invert__ = bitwise_not = lambda self: self._bitwise(lambda x, _: np.invert(x), 0, "bitwise_not")
    sign = lambda self: Tensor._wrap(np.sign(self._data))
    isnan = lambda self: Tensor._wrap(np.isnan(self._data))
    isinf = lambda self: Tensor._wrap(np.isinf(self._data))
    argmax = lambda self, dim=None, keepdim=False: self._index_reduce(np.argmax, dim, keepdim, "argmax")
    argmin = lambda self, dim=None, keepdim=False: self._index_reduce(np.argmin, dim, keepdim, "argmin")
    any = lambda self, dim=None, keepdim=False: self._index_reduce(np.any, dim, keepdim, "any")
    all = lambda self, dim=None, keepdim=False: self._index_reduce(np.all, dim, keepdim, "all")

    # ------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Sum over `dim` (int or tuple; None for all). NumPy's axis/keepdims work too."""
        return ops.Sum.apply(self, axes=axes_of(self._data.shape, dim, axis, "sum"), keepdim=keepdim or bool(keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest value: x.max() one value; x.max(dim) the named tuple (values, indices) along
        dim, as PyTorch; x.max(y) with a tensor is maximum. Where several elements tie, the gradient
        is shared between them (PyTorch's max(dim) gives it all to the returned index)."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        single = axis if dim is None else dim
        if isinstance(single, numbers.Integral):
            values = self.amax(single, keepdim or bool(keepdims))
            return return_types.max(values, self.argmax(single, keepdim or bool(keepdims)))
        return ops.Max.apply(self, axes=axes_of(self._data.shape, dim, axis, "max"),
                            keepdim=keepdim or bool(keepdims))

    def amax(self, dim=None, keepdim=False):
        """The largest value over `dim` (an int, a tuple, or None for all): values only."""
        return ops.Max.apply(self, axes=axes_of(self._data.shape, dim, op="amax"), keepdim=keepdim)

    def log_softmax(self, dim: int = -1):
        """x - logsumexp(x) along dim, stable for logits of 1e3 and more (a primitive for speed)."""
        if self.ndim == 0:
            return self - self  # one element is its whole distribution: log 1 = 0
        dim = axis_of(self._data.shape, dim, "log_softmax")
        if self._data.size == 0:  # no max to shift by; the composite handles the empty case
            return self - self.logsumexp(dim, keepdim=True)
        return ops.LogSoftmaxFunction.apply(self, dim=dim)

    # ------------------------------------------------------------ movement
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        try:
            shape = tuple([operator.index(n) for n in shape])
        except TypeError:
            raise TypeError(f"reshape: the shape must be ints, got {tuple(shape)!r}") from None
        return movement_ops.Reshape.apply(self, shape=shape)

    view = reshape

    def permute(self, *dims):
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        n = self.ndim
        axes = tuple([axis_of(self._data.shape, d, "permute") for d in dims])  # range-checked, no wrapping
        if sorted(axes) != list(range(n)):
            raise RuntimeError(f"permute: {tuple(dims)} is not an ordering of the {n} "
                               f"dimensions of a tensor of shape {tuple(self.shape)}")
        return movement_ops.Permute.apply(self, axes=axes)

    def expand(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        return movement_ops.Expand.apply(self, shape=shape)

    def __getitem__(self, key):
        return movement_ops.GetItem.apply(self, key=index_key(key))

    def __setitem__(self, key, value) -> None:
        """x[key] = value: an in-place write. In the graph it is recorded (IndexPut), as in PyTorch."""
        key = index_key(key)
        if Mode.grad_enabled and (self.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
            self._record_inplace("__setitem__", lambda old: movement_ops.IndexPut.apply(old, value, key=key))
            return
        try:
            self._data[key] = value._data if isinstance(value, Tensor) else value
        except IndexError as err:
            raise index_error("__setitem__", self.shape, err) from None
        except (ValueError, TypeError) as err:
            raise RuntimeError(f"__setitem__: cannot write a value of shape {np.shape(value)} into "
                               f"tensor{list(self.shape)}[{key!r}]: {err}") from None
        self._changed()

    def pad(self, pad, value: float = 0.0):
        """PyTorch's F.pad order: (left, right) for the last dim, then (top, bottom) for the one
        before, and so on."""
        if len(pad) % 2 or len(pad) // 2 > self.ndim:
            raise RuntimeError(f"pad: {tuple(pad)} must hold a (before, after) pair for each of at "
                               f"most {self.ndim} trailing dimensions")
        if any(p < 0 for p in pad):
            raise RuntimeError("pad: negative padding is not supported; slice the tensor instead")
        widths = [(0, 0)] * self.ndim
        for i in range(len(pad) // 2):
            widths[self.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
        return movement_ops.Pad.apply(self, widths=tuple(widths), value=value)

    # ------------------------------------------------------------ PyTorch's wider API (the on-ramp)
    # Devices: only the CPU exists (device.py). Dtype casts go through astype, so the graph sees them.
    device = property(lambda self: CPU, doc="Where the tensor lives: always device(type='cpu').")
    is_cuda = property(lambda self: False, doc="False: tinygrad_edu runs on the CPU only.")
    is_cpu = property(lambda self: True, doc="True: tinygrad_edu runs on the CPU only.")

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False,
           memory_format=None) -> "Tensor":
        """x.to("cpu"), x.to(float64), x.to(other) (other's dtype), x.to("cpu", float64): a cast
        (differentiable) or x itself when nothing changes (copy=True always copies). The one
        device is the CPU; "cuda" and the like raise an error with the device-agnostic idiom."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, int, device_type)) and not isinstance(arg, bool):
                device = arg
            else:
                dtype = arg
        check_device(device, "to")
        out = self if dtype is None else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def cpu(self, memory_format=None) -> "Tensor":
        """x itself: every tensor is on the CPU."""
        return self

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> "Tensor":
        raise RuntimeError(f"cuda: there is no GPU here. {CPU_ONLY_HINT} Then x.to(device) works everywhere.")

    def pin_memory(self, device=None) -> "Tensor":
        """x itself (pinned memory speeds up copies to a GPU; there is none)."""
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def type(self, dtype=None, non_blocking: bool = False):
        """x.type() names the tensor type ('tinygrad_edu.FloatTensor'); x.type(float64),
        x.type(LongTensor) or x.type('torch.LongTensor') cast."""
        if dtype is None:
            name = next((t.__name__ for t in LEGACY_TYPES if t.dtype == self.dtype), f"Tensor[{self.dtype}]")
            return f"tinygrad_edu.{name}"
        if isinstance(dtype, str):
            if ".cuda." in dtype:
                raise RuntimeError(f"type: {dtype!r} is a GPU type. {CPU_ONLY_HINT}")
            name = dtype.rpartition(".")[2]
            matches = [t for t in LEGACY_TYPES if t.__name__ == name]
            if not matches:
                raise ValueError(f"type: invalid type {dtype!r}; expected e.g. 'torch.FloatTensor' or a dtype")
            dtype = matches[0]
        if isinstance(dtype, LegacyTensorType):
            dtype = dtype.dtype
        return self.astype(dtype)

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.astype(other.dtype)

    def byte(self) -> "Tensor":
        return self.astype(np.uint8)

    def numpy(self, force: bool = False) -> np.ndarray:
        """The NumPy array itself (no copy: changing one changes the other). A tensor that requires
        grad refuses unless force=True (then a detached copy, as PyTorch's force does)."""
        if self.requires_grad and not force:
            raise RuntimeError("numpy: can't call numpy() on a tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data.copy() if force else self._data

    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False) -> "Tensor":
        """A new tensor from `data` (copied) in this tensor's dtype unless dtype= is given."""
        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> "Tensor":
        check_device(device, "new_full")
        out = Tensor._wrap(np.full(size_of((size,)), fill_value, dtype=dtype or self.dtype))
        return out.requires_grad_() if requires_grad else out

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(size_of(size), 0, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(size_of(size), 1, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad: bool = False) -> "Tensor":
        """Zeros (PyTorch leaves the memory uninitialised)."""
        return self.new_full(size_of(size), 0, dtype, device, requires_grad)

    def data_ptr(self) -> int:
        """The address of the first element: equal for tensors that share memory from the same start."""
        return self._data.__array_interface__["data"][0]

    def stride(self, dim: int | None = None):
        """How many elements to step in memory to move one place along each dimension."""
        strides = tuple(step // self._data.itemsize for step in self._data.strides)
        return strides if dim is None else strides[axis_of(self.ndim, dim, "stride")]

    def contiguous(self, memory_format=None) -> "Tensor":
        """x itself: NumPy takes care of memory layout, so there is nothing to rearrange."""
        return self

    def is_contiguous(self, memory_format=None) -> bool:
        """True: every tensor counts as contiguous (see contiguous)."""
        return True

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return self.reshape(other.shape)

    view_as = reshape_as

    def t(self) -> "Tensor":
        """The transpose of a matrix (tensors of 0 or 1 dimensions are returned as they are)."""
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but got shape {self.shape}; "
                               "use transpose(dim0, dim1) or .mT")
        return self.permute(*reversed(range(self.ndim)))

    def index_select(self, dim: int, index) -> "Tensor":
        """The slices at `index` (1-D integer tensor) along `dim`."""
        d = axis_of(self.ndim, dim, "index_select")
        return self[(slice(None),) * d + (index_key(index),)]

    def masked_select(self, mask) -> "Tensor":
        """The elements where `mask` is True, as a 1-D tensor (mask broadcasts against x)."""
        mask = np.broadcast_to(index_key(mask), self.shape)
        return self[mask]

    def clamp_min(self, min) -> "Tensor":
        return self.clamp(min=min)

    def clamp_max(self, max) -> "Tensor":
        return self.clamp(max=max)

    # composites (composite/): built from the primitives, no backward of their own
    mean, var, std, logsumexp, softmax = reductions.mean, reductions.var, reductions.std, reductions.logsumexp, \
        reductions.softmax
    min, amin, prod, norm = reductions.min, reductions.amin, reductions.prod, reductions.norm
    cumsum, cumprod = reductions.cumsum, reductions.cumprod
    transpose, unsqueeze, squeeze, flatten = movement.transpose, movement.unsqueeze, movement.squeeze, \
        movement.flatten
    split, chunk, select, unbind, narrow = movement.split, movement.chunk, movement.select, movement.unbind, \
        movement.narrow
    flip, roll, repeat, tile = movement.flip, movement.roll, movement.repeat, movement.tile
    gather, sort, topk, median = indexing.gather, indexing.sort, indexing.topk, indexing.median
    scatter, scatter_add, masked_fill = indexing.scatter, indexing.scatter_add, indexing.masked_fill
    diagonal, diag, trace, tril, triu = indexing.diagonal, indexing.diag, indexing.trace, indexing.tril, \
        indexing.triu
    dot, outer, mm, bmm, cross = products.dot, products.outer, products.mm, products.bmm, products.cross
    minimum, lerp, square, rsqrt, reciprocal = elementwise.minimum, elementwise.lerp, elementwise.square, \
        elementwise.rsqrt, elementwise.reciprocal
    log10, log2, log1p, expm1, exp2 = elementwise.log10, elementwise.log2, elementwise.log1p, elementwise.expm1, \
        elementwise.exp2

    # not differentiable: NumPy computes them and the result is a constant (PyTorch's
    # gradient of floor, round, sign, ... is 0 almost everywhere anyway)
    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        """The indices that sort x along dim (equal values keep their order)."""
        if self.ndim == 0:
            return Tensor._wrap(np.zeros((), dtype=np.int64))
        d = axis_of(self.ndim, dim, "argsort")
        if descending:  # sort x reversed, read the order backwards, map the positions back:
            order = np.argsort(np.flip(self._data, d), axis=d, kind="stable")  # equal values keep their order
            return Tensor._wrap(self.shape[d] - 1 - np.flip(order, d))
        return Tensor._wrap(np.argsort(self._data, axis=d, kind="stable"))

    floor = lambda self: Tensor._wrap(np.floor(self._data))  # noqa: E731
    ceil = lambda self: Tensor._wrap(np.ceil(self._data))  # noqa: E731
    trunc = lambda self: Tensor._wrap(np.trunc(self._data))  # noqa: E731
    sgn = lambda self: self.sign()  # noqa: E731
    count_nonzero = lambda self, dim=None: Tensor._wrap(np.asarray(np.count_nonzero(self._data, axis=dim)))  # noqa

    logical_not = lambda self: Tensor._wrap(np.logical_not(self._data))  # noqa: E731
    logical_and = lambda self, other: self._compare(np.logical_and, other)  # noqa: E731
    logical_or = lambda self, other: self._compare(np.logical_or, other)  # noqa: E731
    logical_xor = lambda self, other: self._compare(np.logical_xor, other)  # noqa: E731

    def nonzero(self, *, as_tuple: bool = False):
        """The indices of the non-zero elements: an (n, ndim) int64 tensor, or with as_tuple=True one
        1-D index tensor per dimension (what x[...] takes)."""
        found = np.nonzero(np.atleast_1d(self._data))
        if as_tuple:
            return tuple(Tensor._wrap(i.astype(np.int64)) for i in found)
        return Tensor._wrap(np.stack(found, axis=1).astype(np.int64) if self.ndim else
                            np.zeros((int(bool(self._data)), 0), dtype=np.int64))

    argwhere = lambda self: self.nonzero()  # noqa: E731

    def bincount(self, weights=None, minlength: int = 0) -> "Tensor":
        """How often each value 0, 1, 2, ... occurs in a 1-D non-negative integer tensor (or the sum of
        `weights` there)."""
        if self.ndim != 1 or not np.issubdtype(self.dtype, np.integer):
            raise RuntimeError(f"bincount: expects a 1-D integer tensor, got {self.dtype} of shape {self.shape}")
        weights = weights._data if isinstance(weights, Tensor) else weights
        return Tensor._wrap(np.bincount(self._data, weights=weights, minlength=minlength))

    def round(self, decimals: int = 0) -> "Tensor":
        """Round half to even (as PyTorch and NumPy): 0.5 -> 0, 1.5 -> 2."""
        return Tensor._wrap(np.round(self._data, decimals))

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        """|x - other| <= atol + rtol * |other|, elementwise."""
        other = other._data if isinstance(other, Tensor) else other
        return Tensor._wrap(np.isclose(self._data, other, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """True when isclose holds everywhere."""
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def equal(self, other) -> bool:
        """True when both have the same shape and the same values."""
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
               dim: int | None = None):
        """The distinct values (sorted), and optionally where each element went (inverse) and how
        often each value occurs (counts)."""
        axis = None if dim is None else axis_of(self.ndim, dim, "unique")
        values, inverse, counts = np.unique(self._data, return_inverse=True, return_counts=True, axis=axis)
        out = [Tensor._wrap(values)]
        if return_inverse:
            out.append(Tensor._wrap(inverse.reshape(self.shape if axis is None else -1).astype(np.int64)))
        if return_counts:
            out.append(Tensor._wrap(counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> "Tensor":  # noqa: A002
        """Counts in `bins` equal bins over [min, max] (the data's own range when both are 0);
        values outside are ignored. Float, as PyTorch's."""
        low, high = float(min), float(max)
        if low == high == 0:
            low, high = (float(self._data.min()), float(self._data.max())) if self._data.size else (0.0, 0.0)
        if low == high:
            low, high = low - 1, high + 1
        counts, _ = np.histogram(self._data, bins=bins, range=(low, high))
        return Tensor._wrap(counts.astype(self.dtype if is_float(self.dtype) else DEFAULT_FLOAT))

    def histogram(self, bins=100, *, range=None, weight=None, density: bool = False):  # noqa: A002
        """(hist, bin_edges): `bins` equal bins over `range` (the data's range by default), or the
        given bin edges; weights and density as NumPy's histogram."""
        bins = bins._data if isinstance(bins, Tensor) else bins
        weight = weight._data if isinstance(weight, Tensor) else weight
        hist, edges = np.histogram(self._data, bins=bins, range=range, weights=weight, density=density)
        return return_types.histogram(Tensor._wrap(hist.astype(self.dtype)), Tensor._wrap(edges.astype(self.dtype)))


def lift(x, like: Tensor | None = None):
    """Tensors and Python numbers as they are; other data becomes a constant tensor
    (in `like`'s dtype when both are floating)."""
    if isinstance(x, (Tensor, numbers.Number)):
        return x
    return Tensor._wrap(as_constant(x, None if like is None else like._data))


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False,
           name: str | None = None) -> Tensor:
    """Make a tensor from data (copied), like torch.tensor: NumPy arrays and tensors keep their dtype,
    Python floats become float32 and ints int64. `name` labels it in graph drawings and traces."""
    check_device(device, "tensor")
    out = Tensor._wrap(to_array(data, dtype))
    out.name = name
    return out.requires_grad_() if requires_grad else out


def size_of(size: tuple) -> tuple:
    """new_zeros(2, 3) and new_zeros((2, 3)) mean the same."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(n) for n in size)


class LegacyTensorType(type):
    """The metaclass of FloatTensor, LongTensor, ...: calling one makes a Tensor of its dtype
    (LongTensor([1, 2]) is int64, FloatTensor(2, 3) a 2x3 float32), and isinstance(x, LongTensor)
    asks whether x is an int64 tensor, as PyTorch's legacy tensor types do."""

    def __call__(cls, *data, device=None) -> Tensor:
        return Tensor(*data, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype


def legacy_type(name: str, dtype) -> LegacyTensorType:
    doc = f"{name}(data or sizes): a {np.dtype(dtype)} tensor."
    return LegacyTensorType(name, (), {"dtype": np.dtype(dtype), "__doc__": doc})


FloatTensor = legacy_type("FloatTensor", np.float32)
DoubleTensor = legacy_type("DoubleTensor", np.float64)
HalfTensor = legacy_type("HalfTensor", np.float16)
LongTensor = legacy_type("LongTensor", np.int64)
IntTensor = legacy_type("IntTensor", np.int32)
ShortTensor = legacy_type("ShortTensor", np.int16)
CharTensor = legacy_type("CharTensor", np.int8)
ByteTensor = legacy_type("ByteTensor", np.uint8)
BoolTensor = legacy_type("BoolTensor", np.bool_)
LEGACY_TYPES = (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
                BoolTensor)
