"""Tensor: a NumPy array that remembers how it was made.

Every differentiable method goes through one entry point, `apply(Op, ...)`,
which runs the op's NumPy forward and, when a gradient will be needed,
links the result to a graph node. Composite ops (mean, var, softmax, ...)
are written from primitives in composite.py and bound here as methods.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from . import composite, dtypes, ops, printing
from .autograd import (
    RemovableHandle,
    _Mode,
    check_finite,
    grad,
    module_stack,
    retain,
    run_backward,
    seed_gradient,
    user_frame,
)
from .composite import axes_of, axis_of
from .dtypes import Size
from .tracing import trace_backward

__all__ = ["Tensor", "tensor", "apply", "grad"]

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


def is_float(dtype) -> bool:
    return np.issubdtype(dtype, np.floating)


def apply(op: type, *inputs, **options) -> "Tensor":
    """Run primitive `op` on `inputs` (Tensors or Python numbers): the one entry point.

    The node is linked into the graph only when grad mode is on and some
    input requires grad; otherwise the result is a plain constant. This runs
    for every op, so it is kept lean.
    """
    node = op()
    arrays, needs, versions = [], [], []
    for x in inputs:
        if isinstance(x, Tensor):
            arrays.append(x._data)
            needs.append(x.requires_grad)
            versions.append(x._counter[0])
        else:  # not a tensor: a constant. A Python number keeps the tensor's dtype in NumPy.
            if type(x) not in (float, int):  # (checked first: the common case, on every op)
                if isinstance(x, np.generic):
                    x = x.item()  # a NumPy scalar counts as a plain number, as in PyTorch
                elif not isinstance(x, numbers.Number):
                    x = constant(x, inputs)  # a list or an array
            arrays.append(x)
            needs.append(False)
            versions.append(None)
    arrays = dtypes.promote(op.__name__, arrays)  # PyTorch's type promotion, for every op
    token = dtypes.quiet_numpy()  # nan and inf without NumPy's RuntimeWarnings, as PyTorch
    try:
        out = node.forward(*arrays, **options)
    except (ValueError, IndexError) as err:
        raise shape_error(op, inputs, err) from None
    finally:
        dtypes.restore_numpy(token)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    result = Tensor.__new__(Tensor)
    result._data = out
    result._grad = result._ctx = result._hooks = result.name = None
    # A view (reshape, transpose, basic indexing) shares its input's memory, so it shares
    # its version counter too: changing either in place is seen by graphs that saved the other.
    result._counter = inputs[0]._counter if op.makes_view and out.base is not None else [0]
    result.requires_grad = requires_grad = _Mode.grad_enabled and True in needs
    if requires_grad:
        node.parents = inputs
        node.needs_input_grad = needs
        node.versions = versions if op.reads_inputs else None
        node.hooks = node.retained = node.trace = None
        node.module = module_stack[-1] if module_stack else None
        result._ctx = node
        if _Mode.anomaly:
            anomaly_check(node, out)
    return result


def anomaly_check(node, out) -> None:
    node.trace = user_frame()
    check_finite(out, "output (forward)", node)


def shape_error(op, inputs, err) -> Exception:
    """The error for an op (a class, or a public name) that NumPy refused: names the op and shapes."""
    shapes = " and ".join(str(x._data.shape) if isinstance(x, Tensor) else repr(x) for x in inputs)
    name = op if isinstance(op, str) else op.__name__.lower()
    if isinstance(err, IndexError):  # stays an IndexError, as in PyTorch
        return index_error(name, inputs[0]._data.shape, err)
    if "broadcast" in str(err):
        return RuntimeError(f"{name}: shapes {shapes} cannot be broadcast together. {composite.BROADCAST_HINT}")
    return RuntimeError(f"{name}: invalid arguments for shape {shapes}: {err}")


def index_error(name: str, shape: tuple, err: Exception) -> IndexError:
    """An out-of-range index, for reads (x[5]) and writes (x[5] = 1.) alike:
    "getitem: index 5 is out of range for a tensor of shape (3,) (dim 0 has size 3, ...)"."""
    text = str(err)
    words = text.split()
    if text.startswith("index ") and "axis" in words and "size" in words:  # NumPy's "index 5 is out of bounds..."
        index, axis, size = words[1], words[words.index("axis") + 1], words[-1]
        return IndexError(f"{name}: index {index} is out of range for a tensor of shape {tuple(shape)} "
                          f"(dim {axis} has size {size}, so valid indices are {-int(size)} to "
                          f"{int(size) - 1})")
    return IndexError(f"{name}: invalid index for a tensor of shape {tuple(shape)}: {text}")


def check_grad(tensor: "Tensor", grad) -> None:
    """`x.grad = g` must give a Tensor of x's shape and dtype, as PyTorch checks."""
    if not isinstance(grad, Tensor):
        raise TypeError(f"grad: assigned grad expected to be a Tensor or None but got grad of type "
                        f"{type(grad).__name__}")
    if grad._data.shape != tensor._data.shape:
        raise RuntimeError(f"grad: assigned grad has data of a different size: the tensor has shape "
                           f"{tensor._data.shape}, the grad {grad._data.shape}. Give a gradient of the "
                           "tensor's own shape (zeros_like(x)).")
    if grad._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"grad: assigned grad has data of a different type: the tensor is "
                           f"{tensor.dtype}, the grad {grad.dtype}. Convert it: g.to(x.dtype)")


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


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """
    __slots__ = ("_data", "_grad", "requires_grad", "_ctx", "_counter", "_hooks", "name", "__weakref__")
    __array_priority__ = 1000  # numpy_array * tensor calls Tensor.__rmul__

    def __init__(self, data, dtype=None, requires_grad: bool = False, name: str | None = None):
        self._data = to_array(data, dtype)
        self._grad = None
        self.requires_grad = False
        self._ctx = None
        self._counter = [0]
        self._hooks = None
        self.name = name
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array: np.ndarray) -> "Tensor":
        """A constant around an existing array, no copy: the fast path for ops."""
        t = cls.__new__(cls)
        t._data = array
        t._grad = t._ctx = t._hooks = t.name = None
        t.requires_grad = False
        t._counter = [0]
        return t

    @property
    def grad(self) -> "Tensor | None":
        """The gradient backward accumulated here (None until then). Assigning checks it is a
        Tensor (or None) of this tensor's shape and dtype, as PyTorch does."""
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            check_grad(self, value)
        self._grad = value

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
    mT = property(composite.matrix_transpose, doc="The last two axes swapped (2 or more dimensions).")

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

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("numpy: can't call numpy() on a tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

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
        t._counter = self._counter
        return t

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (shared with its views)."""
        return self._counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        self._counter[0] = value

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
            grads = run_backward([self], [gradient], retain_graph, create_graph, inputs, True)
            for t, g in zip(inputs, grads):
                if g is not None:
                    g = g if create_graph else g.detach()
                    t.grad = g if t.grad is None else t.grad + g
            return
        run_backward([self], [gradient], retain_graph, create_graph)

    # ------------------------------------------------------------ in-place ops
    def _check_inplace(self, op: str, other=None) -> None:
        if not _Mode.grad_enabled:
            if self._ctx is not None and getattr(self._ctx, "saved", None) is self._data:
                raise RuntimeError(
                    f"{op}: {self._ctx.name()} saved this tensor (its output) for the backward "
                    "pass; changing it in place would make the gradient wrong. "
                    "Use an out-of-place op, or .detach().clone() it first.")
            return
        if self.requires_grad and self._ctx is None:
            raise RuntimeError(
                f"{op}: a leaf Variable that requires grad is being used in an in-place operation. "
                "Update parameters inside `with no_grad():` (that is what optimizers do).")
        if self.requires_grad or (isinstance(other, Tensor) and other.requires_grad):
            raise RuntimeError(
                f"{op}: in-place ops on tensors that are part of the graph are not supported by "
                "tinygrad_edu (they would rewrite the graph). Write the out-of-place form, "
                "e.g. y = y + 1 instead of y += 1.")

    def _inplace(self, op: str, ufunc, other) -> "Tensor":
        self._check_inplace(op, other)
        other = other._data if isinstance(other, Tensor) else other
        try:
            ufunc(self._data, other, out=self._data)
        except (TypeError, ValueError) as err:
            raise RuntimeError(f"{op}: cannot update a tensor of shape {tuple(self.shape)} and dtype "
                               f"{self.dtype} in place with {np.shape(other)}: {err}") from None
        self._counter[0] += 1
        return self

    def add_(self, other, alpha=1) -> "Tensor":
        return self._inplace("add_", np.add, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1) -> "Tensor":
        return self._inplace("sub_", np.subtract, other if alpha == 1 else other * alpha)

    def mul_(self, other) -> "Tensor":
        return self._inplace("mul_", np.multiply, other)

    def div_(self, other) -> "Tensor":
        return self._inplace("div_", np.divide, other)

    def copy_(self, src) -> "Tensor":
        return self._inplace("copy_", lambda a, b, out: np.copyto(out, b), src)

    def fill_(self, value) -> "Tensor":
        return self._inplace("fill_", lambda a, b, out: np.copyto(out, b), value)

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    # ------------------------------------------------------------ arithmetic
    def add(self, other, alpha=1) -> "Tensor":
        return apply(ops.Add, self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1) -> "Tensor":
        return apply(ops.Sub, self, other if alpha == 1 else other * alpha)

    def mul(self, other) -> "Tensor":
        return apply(ops.Mul, self, other)

    def div(self, other) -> "Tensor":
        return apply(ops.Div, self, other)

    def pow(self, exponent) -> "Tensor":
        return apply(ops.Pow, self, exponent)

    def matmul(self, other) -> "Tensor":
        return apply(ops.MatMul, self, other)

    def neg(self) -> "Tensor":
        return apply(ops.Neg, self)

    __add__ = __radd__ = add
    __sub__, __mul__, __rmul__, __truediv__, __pow__, __matmul__, __neg__ = sub, mul, mul, div, pow, matmul, neg

    def __rsub__(self, other):
        return apply(ops.Sub, other, self)

    def __rtruediv__(self, other):
        return apply(ops.Div, other, self)

    def __rpow__(self, other):
        return apply(ops.Pow, other, self)

    def __rmatmul__(self, other):
        return apply(ops.MatMul, other, self)

    # ------------------------------------------------------------ elementwise
    def exp(self):
        return apply(ops.Exp, self)

    def log(self):
        return apply(ops.Log, self)

    def sqrt(self):
        return apply(ops.Sqrt, self)

    def abs(self):
        return apply(ops.Abs, self)

    __abs__ = abs

    def sin(self):
        return apply(ops.Sin, self)

    def cos(self):
        return apply(ops.Cos, self)

    def tanh(self):
        return apply(ops.Tanh, self)

    def sigmoid(self):
        return apply(ops.Sigmoid, self)

    def relu(self):
        return apply(ops.Relu, self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise ValueError("clamp: give at least one of min and max")
        if isinstance(min, Tensor) or isinstance(max, Tensor):  # tensor bounds get gradients too
            out = self if min is None else self.maximum(min)
            return out if max is None else out.minimum(max)
        return apply(ops.Clamp, self, low=min, high=max)

    clip = clamp

    def maximum(self, other):
        return apply(ops.Maximum, self, other)

    def where(self, condition, other):
        """`x.where(cond, y)`: x where cond is True, else y (PyTorch's Tensor.where)."""
        return apply(ops.Where, condition, self, other)

    def astype(self, dtype):
        dtype = dtypes.to_dtype(dtype).dtype
        return self if self._data.dtype == dtype else apply(ops.Cast, self, dtype=dtype)

    def to(self, *args, dtype=None, **kwargs):
        """t.to(dtype), t.to(other_tensor) (its dtype) or t.to("cpu"): a converted tensor
        (the same tensor when nothing changes). CPU is the only device."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            else:
                try:
                    dtype = dtypes.to_dtype(arg)
                except TypeError:  # not a dtype, so a device: "cpu", "cuda:0", device("cpu")
                    kwargs["device"] = arg
        device = kwargs.pop("device", None)
        device = getattr(device, "type", device)
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"to: tinygrad_edu runs on the CPU only, so device {device!r} is not "
                               "available; leave the tensor on 'cpu'")
        return self if dtype is None else self.astype(dtype)

    def type(self, dtype=None):
        """Without an argument, PyTorch's type name ('tinygrad_edu.FloatTensor'); else .to(dtype)."""
        if dtype is None:
            return f"tinygrad_edu.{self.dtype.legacy_name}Tensor"
        return self.astype(dtype)

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

    def clone(self):
        """A copy that stays in the graph (gradient passes straight through)."""
        return apply(ops.Cast, self, dtype=self.dtype)

    # ------------------------------------------------------------ not differentiable: constants
    def _compare(self, ufunc, other, name: str = "", reverse: bool = False) -> "Tensor":
        other_array = other._data if isinstance(other, Tensor) else other
        left, right = (other_array, self._data) if reverse else (self._data, other_array)
        try:
            return Tensor._wrap(np.asarray(ufunc(left, right)))
        except ValueError as err:
            raise shape_error(name, (self, other), err) from None

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
        return apply(ops.Sum, self, axes=axes_of(self._data.shape, dim, axis, "sum"), keepdim=keepdim or bool(keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest value over `dim`. Returns values only (PyTorch's max(dim) also
        returns indices: use argmax for those). `x.max(y)` with a tensor is maximum."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return apply(ops.Max, self, axes=axes_of(self._data.shape, dim, axis, "max"), keepdim=keepdim or bool(keepdims))

    def log_softmax(self, dim: int = -1):
        """x - logsumexp(x) along dim, stable for logits of 1e3 and more (a primitive for speed)."""
        if self.ndim == 0:
            return self - self  # one element is its whole distribution: log 1 = 0
        dim = axis_of(self._data.shape, dim, "log_softmax")
        if self._data.size == 0:  # no max to shift by; the composite handles the empty case
            return self - self.logsumexp(dim, keepdim=True)
        return apply(ops.LogSoftmax, self, dim=axis_of(self._data.shape, dim, "log_softmax"))

    # composites (composite.py): built from the primitives above, no backward of their own
    mean, min, minimum, var, std = composite.mean, composite.min, composite.minimum, composite.var, composite.std
    logsumexp, softmax = composite.logsumexp, composite.softmax
    transpose, unsqueeze, squeeze, flatten = composite.transpose, composite.unsqueeze, composite.squeeze, \
        composite.flatten
    split, chunk = composite.split, composite.chunk

    # ------------------------------------------------------------ movement
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        try:
            shape = tuple([operator.index(n) for n in shape])
        except TypeError:
            raise TypeError(f"reshape: the shape must be ints, got {tuple(shape)!r}") from None
        return apply(ops.Reshape, self, shape=shape)

    view = reshape

    def permute(self, *dims):
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        n = self.ndim
        axes = tuple([axis_of(self._data.shape, d, "permute") for d in dims])  # range-checked, no wrapping
        if sorted(axes) != list(range(n)):
            raise RuntimeError(f"permute: {tuple(dims)} is not an ordering of the {n} "
                               f"dimensions of a tensor of shape {tuple(self.shape)}")
        return apply(ops.Permute, self, axes=axes)

    def expand(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        return apply(ops.Expand, self, shape=shape)

    def __getitem__(self, key):
        return apply(ops.GetItem, self, key=index_key(key))

    def __setitem__(self, key, value) -> None:
        """x[key] = value: an in-place write, allowed where other in-place ops are."""
        self._check_inplace("__setitem__", value)
        try:
            self._data[index_key(key)] = value._data if isinstance(value, Tensor) else value
        except ValueError as err:
            raise RuntimeError(f"__setitem__: cannot write a value of shape {np.shape(value)} into "
                               f"tensor{list(self.shape)}[{key!r}]: {err}") from None
        self._counter[0] += 1

    def _add_at(self, shape, key):
        """zeros(shape) with self added at key: the gradient of indexing (see ops.AddAt)."""
        return apply(ops.AddAt, self, shape=shape, key=key)

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
        return apply(ops.Pad, self, widths=tuple(widths), value=value)


def constant(data, inputs) -> np.ndarray:
    """Array-like data given to an op (a list, a NumPy array): an array, in the dtype of the
    op's first floating tensor when both are floating, so [0.5, 1.5] does not turn float32 into float64."""
    array = np.asarray(data)
    like = next((x for x in inputs if isinstance(x, Tensor)), None)
    if like is not None and is_float(like.dtype) and is_float(array.dtype):
        return array.astype(like.dtype, copy=False)
    return array


def lift(x, like: Tensor | None = None):
    """Tensors and Python numbers as they are; other data becomes a constant tensor
    (in `like`'s dtype when both are floating)."""
    if isinstance(x, (Tensor, numbers.Number)):
        return x
    return Tensor._wrap(constant(x, (like,)))


def tensor(data, dtype=None, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """Make a tensor from data (copied), like torch.tensor. `name` labels it in graph drawings and traces."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, name=name)
