"""Tensor: a NumPy array that remembers how it was made.

Every differentiable method calls one op through the one entry point,
`Op.apply(...)` (autograd/function.py), which runs the op's forward and, when
a gradient will be needed, keeps the op's ctx as the result's graph node.
Composite ops (mean, var, softmax, ...) are written from primitives in
composite/ and bound here as methods.

This file holds the core: the array and its attributes, dtypes and casts,
autograd (backward, hooks, detach) and the differentiable methods. Five
families of methods are written in modules of their own and come in as base
classes: in-place ops (inplace.py), methods whose result is a constant
(constant_ops.py), the rest of PyTorch's API that code expects (onramp.py), more math
(math_methods.py, special_methods.py) and random draws (random_methods.py); nansum, nan_to_num, kron, cov... are
composite/statistics.py's StatisticsMethods; movedim, unflatten, repeat_interleave, diff, unfold... are
composite/arrangement.py's ArrangementMethods; quantile, kthvalue, cummax... composite/order_statistics.py's.
How data becomes an array is arrays.py.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from . import division_ops, dtypes, movement_ops, ops, piecewise_ops, printing
from .arrays import index_key, is_float, legacy_array, shape_argument, to_array, torch_order
from .autograd import RemovableHandle, TensorBase, grad, retain
from .autograd import backward as autograd_backward
from .autograd.function import as_constant, public_node
from .composite import elementwise, indexing, movement, products, reductions
from .composite.arrangement import ArrangementMethods
from .composite.order_statistics import OrderStatisticsMethods
from .composite.statistics import StatisticsMethods
from .constant_ops import ConstantMethods
from .device import CPU_ONLY_HINT, check_device
from .dims import axes_of, axis_of
from .dtypes import Size
from .inplace import InPlaceMethods
from .linalg_methods import LinalgMethods
from .math_methods import MathMethods
from .onramp import OnRampMethods
from .random_methods import RandomMethods
from .special_methods import SpecialMethods
from .tracing import trace_backward

__all__ = ["Tensor", "tensor", "grad", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor",
           "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


class Tensor(InPlaceMethods, ConstantMethods, OnRampMethods, MathMethods, RandomMethods, StatisticsMethods,
             ArrangementMethods, SpecialMethods, OrderStatisticsMethods, LinalgMethods, TensorBase):
    """An n-dimensional array with reverse-mode automatic differentiation.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """
    __module__ = "tinygrad_edu"  # type(x) prints <class 'tinygrad_edu.Tensor'>, as PyTorch's <class 'torch.Tensor'>
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
        if len(data) == 1 and isinstance(data[0], Tensor) and self._data is data[0]._data:
            self._counter = data[0]._shared_counter()  # Tensor(t) shares t's memory, so its version counter too
            if data[0].requires_grad:  # and t's graph, as PyTorch: a view of t (AliasBackward0)
                alias = movement_ops.Alias.apply(data[0])
                self._data, self._ctx, self.requires_grad = alias._data, alias._ctx, True
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
    grad_fn = property(lambda self: public_node(self._ctx),
                       doc="The graph node that made this tensor (None for leaves).")
    retains_grad = property(lambda self: self._ctx is not None and self._ctx.retained is not None
                            and self._ctx.retained() is self,
                            doc="True after retain_grad() on a non-leaf (a leaf keeps .grad anyway: False).")
    @property
    def T(self):  # noqa: N802 -- PyTorch's name
        """All axes reversed; on other than 2 dims PyTorch warns (once) that this is deprecated."""
        if self._data.ndim != 2:
            movement.warn_reversed_transpose()
        return self.permute(*reversed(range(self.ndim)))

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

    def numpy(self, force: bool = False) -> np.ndarray:
        """The NumPy array itself (no copy: changing one changes the other). A tensor that requires
        grad refuses unless force=True (then a detached copy, as PyTorch's force does)."""
        if self.requires_grad and not force:
            raise RuntimeError("numpy: can't call numpy() on a tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data.copy() if force else self._data

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

    __hash__ = object.__hash__  # == compares elementwise (constant_ops.py): hash by identity, as PyTorch

    def __array__(self, dtype=None, copy=None):
        """np.array(t), and what matplotlib does with a tensor: refused while t requires grad, as PyTorch's
        (the array would leave the graph unnoticed): t.detach() first."""
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead (np.array and matplotlib call it too).")
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

    def detach_(self) -> "Tensor":
        """detach() in place: self leaves the graph (no grad_fn, requires_grad False), its data kept; what
        truncated backpropagation through time does to an RNN's hidden state between batches. A view of a
        tensor in the graph refuses, as in PyTorch (detach() makes the view's own copy of the link)."""
        ctx = self._ctx  # a view shares its base's version counter (in-place ops read it the same way)
        if (ctx is not None and ctx.makes_view and ctx.inputs is not None and self._counter is not None
                and self._counter is getattr(ctx.inputs[0], "_counter", None) and not getattr(ctx, "copied", False)):
            raise RuntimeError("detach_: can't detach views in-place. Use detach() instead")
        self._ctx, self._before, self.requires_grad = None, None, False
        return self

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
        autograd_backward([self], [gradient], retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------ arithmetic
    def add(self, other, alpha=1) -> "Tensor":
        return ops.Add.apply(self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1) -> "Tensor":
        return ops.Sub.apply(self, other if alpha == 1 else other * alpha)

    def mul(self, other) -> "Tensor":
        return ops.Mul.apply(self, other)

    def div(self, other, *, rounding_mode=None) -> "Tensor":
        """x / y; rounding_mode='trunc' rounds the quotient toward 0 and 'floor' toward -inf, and then
        integers stay integers (division_ops.py; the gradient of a rounded quotient is 0)."""
        if rounding_mode is None:
            return ops.Div.apply(self, other)
        return division_ops.rounded_division(rounding_mode).apply(self, other)

    def floor_divide(self, other) -> "Tensor":
        """x // y, rounded toward -inf (Python's //). No derivative, as in PyTorch (division_ops.py)."""
        return division_ops.FloorDivide.apply(self, other)

    def remainder(self, other) -> "Tensor":
        """x % y = x - y * floor(x / y), with the sign of y (Python's %)."""
        return division_ops.Remainder.apply(self, other)

    def fmod(self, other) -> "Tensor":
        """x - y * trunc(x / y), with the sign of x (C's fmod)."""
        return division_ops.Fmod.apply(self, other)

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

    __floordiv__, __mod__, divide = floor_divide, remainder, div

    def __rfloordiv__(self, other):
        return division_ops.FloorDivide.apply(other, self)

    def __rmod__(self, other):
        return division_ops.Remainder.apply(other, self)

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

    def sign(self):
        """-1, 0 or 1 (0 at nan, as PyTorch), with gradient 0 (piecewise_ops.Sign)."""
        return piecewise_ops.Sign.apply(self)

    def sgn(self):
        return piecewise_ops.Sgn.apply(self)

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
        return piecewise_ops.Relu.apply(self)

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

    # ------------------------------------------------------------ dtypes
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

    def clone(self, memory_format=None):
        """A copy that stays in the graph (gradient passes straight through)."""
        return ops.Clone.apply(self)

    # ------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Sum over `dim` (int or tuple; None for all), in `dtype` if given (x cast first, as PyTorch).
        NumPy's axis/keepdims work too."""
        if dtype is not None:
            return self.to(dtype).sum(dim, keepdim, axis=axis, keepdims=keepdims).to(dtype)  # (ints stay `dtype`)
        return ops.Sum.apply(self, axes=axes_of(self._data.shape, dim, axis, "sum"), keepdim=keepdim or bool(keepdims))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest value: x.max() one value; x.max(dim) the named tuple (values, indices) along
        dim, as PyTorch; x.max(y) with a tensor is maximum. Where several elements tie, x.max(dim)
        gives the gradient to the index it returns, x.max() shares it between them (PyTorch's rules)."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return reductions.extreme(self, "max", dim, keepdim, axis, keepdims)

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest value over `dim` (an int, a tuple, or None for all): values only."""
        return ops.Max.apply(self, axes=axes_of(self._data.shape, dim, axis, "amax"), keepdim=keepdim or bool(keepdims),
                             op="amax")

    def log_softmax(self, dim: int = -1, *, axis=None):
        """x - logsumexp(x) along dim, stable for logits of 1e3 and more (a primitive for speed)."""
        dim = dim if axis is None else axis
        if self.ndim == 0:
            return self - self  # one element is its whole distribution: log 1 = 0
        dim = axis_of(self._data.shape, dim, "log_softmax")
        if self._data.size == 0:  # no max to shift by; the composite handles the empty case
            return self - self.logsumexp(dim, keepdim=True)
        return ops.LogSoftmaxFunction.apply(self, dim=dim)

    # ------------------------------------------------------------ movement
    def reshape(self, *shape):
        """x with a new shape: a view of x's memory when its strides allow one, else a copy
        (view, in onramp.py, never copies)."""
        return movement_ops.Reshape.apply(self, shape=shape_argument(shape, "reshape"))

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
        key = index_key(key)
        out = movement_ops.GetItem.apply(self, key=key)
        order = torch_order(key, self._data.ndim)  # None, but for an int apart from an index array
        return out if order is None else out.permute(order)

    def pad(self, pad, value: float = 0.0):
        """PyTorch's F.pad order: (left, right) for the last dim, then (top, bottom) for the one
        before, and so on."""
        if len(pad) % 2 or len(pad) // 2 > self.ndim:
            raise RuntimeError(f"pad: {tuple(pad)} must hold a (before, after) pair for each of at "
                               f"most {self.ndim} trailing dimensions")
        widths, crop = [(0, 0)] * self.ndim, [slice(None)] * self.ndim
        for i in range(len(pad) // 2):
            dim, before, after = self.ndim - 1 - i, int(pad[2 * i]), int(pad[2 * i + 1])
            widths[dim] = (max(before, 0), max(after, 0))
            if before < 0 or after < 0:  # a negative amount crops, as in PyTorch: cut first, pad the rest
                size = self._data.shape[dim]
                if size + min(before, 0) + min(after, 0) < 0:
                    raise RuntimeError(f"pad: the input size {size} (dim {dim}) with padding ({before}, {after}) "
                                       "would be negative; a negative amount crops, at most the whole size")
                crop[dim] = slice(-min(before, 0), size + min(after, 0))
        x = self if all(c == slice(None) for c in crop) else self[tuple(crop)]
        return movement_ops.Pad.apply(x, widths=tuple(widths), value=value)

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
    gather, sort, topk = indexing.gather, indexing.sort, indexing.topk  # median: OrderStatisticsMethods
    scatter, scatter_add, masked_fill = indexing.scatter, indexing.scatter_add, indexing.masked_fill
    diagonal, diag, trace, tril, triu = indexing.diagonal, indexing.diag, indexing.trace, indexing.tril, \
        indexing.triu
    dot, outer, mm, bmm, cross = products.dot, products.outer, products.mm, products.bmm, products.cross
    minimum, lerp, square, rsqrt, reciprocal = elementwise.minimum, elementwise.lerp, elementwise.square, \
        elementwise.rsqrt, elementwise.reciprocal
    log10, log2, log1p, expm1, exp2 = elementwise.log10, elementwise.log2, elementwise.log1p, elementwise.expm1, \
        elementwise.exp2


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
    if isinstance(data, Tensor):  # PyTorch's warning: the copy leaves the graph, which a learner may not expect
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    out = Tensor._wrap(to_array(data, dtype))
    out.name = name
    return out.requires_grad_() if requires_grad else out


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
