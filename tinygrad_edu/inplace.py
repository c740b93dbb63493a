"""In-place ops: x.add_(y), x += y, x[key] = value, x.sin_(), x.uniform_(), ...

Outside the graph (nothing requires grad, or under no_grad) they write into the tensor's
NumPy array: what optimizers and nn.init do. Inside it they are recorded, as in PyTorch: the
op runs on a copy of the old value, the tensor's history moves onto the new node ("rebases"),
and its version counter goes up, so that a graph which saved the old value can tell it
changed. A slice of a tensor in the graph writes through to its base.

InPlaceMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept here
because the rules for changing memory under a graph are a topic of their own.
"""

from __future__ import annotations

import numpy as np

from . import division_ops, movement_ops, ops
from .arrays import index_key, torch_order
from .autograd import Mode, TensorBase
from .dtypes import get_default_dtype, refuse_bool_operands, result_type
from .errors import broadcast_error, index_error
from .rng import numpy_rng

OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "floor_divide": "//", "remainder": "%"}


def inplace_error(name: str, tensor, value, err: Exception) -> RuntimeError:
    """Why NumPy refused to write the result into the tensor, in the tensor's terms: an in-place op keeps
    the tensor's shape and dtype, so a result that is larger, or float for an int tensor, cannot go there."""
    start = f"{name}: cannot update a tensor of shape {tuple(tensor.shape)} and dtype {tensor.dtype} in place"
    fix = f"Hint: make a new tensor instead: x = x {OPERATORS.get(name.rstrip('_'), 'op')} y"
    if "broadcast" in str(err):
        try:
            shape = np.broadcast_shapes(tensor._data.shape, np.shape(value))
        except ValueError:
            return broadcast_error(name, (tuple(tensor.shape), tuple(np.shape(value))))
        return RuntimeError(f"{start}: the result would have shape {shape}, and an in-place op keeps the "
                            f"tensor's shape. {fix}")
    if "cast" in str(err):  # NumPy: "Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') ..."
        result = result_type(tensor, value)
        if name == "div_" and not result.is_floating_point:  # true division of integers gives floats
            result = get_default_dtype()
        return RuntimeError(f"{start}: the result would be {result}, and an in-place op keeps the tensor's "
                            f"dtype. {fix}, or convert it first: x = x.float()")
    return RuntimeError(f"{start} with {np.shape(value)}: {err}")


class InPlaceMethods:
    """Tensor's in-place methods (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    def _inplace(self, name: str, other, op, numpy_op):
        """Change self in place to op(self, other).

        Outside the graph (nothing requires grad, or under no_grad) NumPy writes into
        the array itself (`numpy_op(array, other)`): what optimizers do. Inside it,
        as in PyTorch, the op is recorded on the old value and self's history moves
        onto it (`record_inplace`).
        """
        if Mode.grad_enabled and (self.requires_grad or (isinstance(other, TensorBase) and other.requires_grad)):
            self._record_inplace(name, lambda old: op(old, other))
            return self
        value = other._data if isinstance(other, TensorBase) else other
        try:
            numpy_op(self._data, value)
        except (TypeError, ValueError) as err:
            raise inplace_error(name, self, value, err) from None
        self._changed()
        return self

    def _rewritten(self, name: str, other, compute):
        """self = compute(self, other) in place, for an op that has only an out-of-place form (scatter)."""
        def on_arrays(array, value):
            value = self._wrap(value) if isinstance(value, np.ndarray) else value
            np.copyto(array, compute(self._wrap(array), value)._data, casting="same_kind")
        return self._inplace(name, other, compute, on_arrays)

    def scatter_(self, dim: int, index, src=None, *, value=None, reduce=None):
        return self._rewritten("scatter_", src, lambda x, s: x.scatter(dim, index, s, value=value, reduce=reduce))

    def scatter_add_(self, dim: int, index, src):
        return self._rewritten("scatter_add_", src, lambda x, s: x.scatter_add(dim, index, s))

    def index_add_(self, dim: int, index, source, *, alpha=1):
        return self._rewritten("index_add_", source, lambda x, s: x.index_add(dim, index, s, alpha=alpha))

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
        # A reshape (view, squeeze, unsqueeze: conv1d's and the 1-D pools' outputs) holds all its base's
        # elements: it is changed as a slice of them all, base[...], read back in the view's shape.
        whole = shares_memory and isinstance(ctx, movement_ops.Reshape) and not ctx.copied
        if shares_memory and not whole and not isinstance(ctx, movement_ops.GetItem):
            raise RuntimeError(
                f"{name}: in-place change of a {ctx.name()} view of a tensor in the graph is not supported; "
                "change the tensor itself, or make the view a copy first with .clone()")
        old = self._snapshot()
        new = compute(old)
        if new.shape != self.shape:
            raise RuntimeError(f"{name}: the result has shape {tuple(new.shape)} but the tensor changed in "
                               f"place has shape {tuple(self.shape)}; an in-place op cannot change the shape")
        if whole:
            base = ctx.inputs[0]
            base[...] = new.reshape(base.shape)
            self._before = old
            self._ctx, self.requires_grad = base.reshape(self.shape)._ctx, True
            return
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

    def _snapshot(self):
        """Self before an in-place change: its history, and a copy of its value (PyTorch, too,
        keeps the original when the op's derivative needs it: x *= w needs the old x)."""
        old = self._wrap(self._data.copy())
        old._ctx, old.requires_grad, old._before = self._ctx, self.requires_grad, self._before
        return old

    def _changed(self) -> None:
        """Self's memory was changed in place: graphs that saved it must be able to tell."""
        self._bump_version()
        if self._ctx is not None and self._ctx.output is self._data:
            self._ctx.output = None  # the op saved this very array as its output: now it is stale

    def add_(self, other, alpha=1):
        other = other if alpha == 1 else other * alpha
        return self._inplace("add_", other, ops.Add.apply, lambda a, b: np.add(a, b, out=a))

    def sub_(self, other, alpha=1):
        other = other if alpha == 1 else other * alpha
        refuse_bool_operands("Sub", (self._data, other._data if isinstance(other, TensorBase) else other))
        return self._inplace("sub_", other, ops.Sub.apply, lambda a, b: np.subtract(a, b, out=a))

    def mul_(self, other):
        return self._inplace("mul_", other, ops.Mul.apply, lambda a, b: np.multiply(a, b, out=a))

    def div_(self, other, *, rounding_mode=None):
        if rounding_mode is None:
            return self._inplace("div_", other, ops.Div.apply, lambda a, b: np.divide(a, b, out=a))
        return self._divide_("div_", other, division_ops.rounded_division(rounding_mode))

    def _divide_(self, name: str, other, op):
        """x = op(x, other) in place for a rounded division (division_ops.py): outside a graph its
        value is written back in x's dtype, which an int // float refuses, as PyTorch."""
        return self._inplace(name, other, op.apply,
                             lambda a, b: np.copyto(a, op.numpy_function(a, b, name), casting="same_kind"))

    floor_divide_ = lambda self, other: self._divide_("floor_divide_", other, division_ops.FloorDivide)  # noqa: E731
    remainder_ = lambda self, other: self._divide_("remainder_", other, division_ops.Remainder)  # noqa: E731
    fmod_ = lambda self, other: self._divide_("fmod_", other, division_ops.Fmod)  # noqa: E731

    def copy_(self, src):
        return self._inplace("copy_", src, lambda old, new: movement_ops.IndexPut.apply(old, new, key=...), np.copyto)

    def fill_(self, value):
        return self._inplace("fill_", value, lambda old, new: movement_ops.IndexPut.apply(old, new, key=...), np.copyto)

    def zero_(self):
        return self.fill_(0)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_
    __ifloordiv__, __imod__ = floor_divide_, remainder_

    def _apply_(self, name: str, op, *operands):
        """x.f_(): x = f(x) in place, for any out-of-place method f (sin_, exp_, clamp_, ...):
        recorded in the graph like add_, or written into the array outside it. Recorded too when
        one of the `operands` f also reads requires grad (PyTorch records x.addcmul_(a, b) then)."""
        if Mode.grad_enabled and (self.requires_grad or any(isinstance(t, TensorBase) and t.requires_grad
                                                            for t in operands)):
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

    sin_ = lambda self: self._apply_("sin_", lambda t: t.sin())  # noqa: E731
    cos_ = lambda self: self._apply_("cos_", lambda t: t.cos())  # noqa: E731
    exp_ = lambda self: self._apply_("exp_", lambda t: t.exp())  # noqa: E731
    log_ = lambda self: self._apply_("log_", lambda t: t.log())  # noqa: E731
    sqrt_ = lambda self: self._apply_("sqrt_", lambda t: t.sqrt())  # noqa: E731
    abs_ = lambda self: self._apply_("abs_", lambda t: t.abs())  # noqa: E731
    neg_ = lambda self: self._apply_("neg_", lambda t: t.neg())  # noqa: E731
    tanh_ = lambda self: self._apply_("tanh_", lambda t: t.tanh())  # noqa: E731
    sigmoid_ = lambda self: self._apply_("sigmoid_", lambda t: t.sigmoid())  # noqa: E731
    relu_ = lambda self: self._apply_("relu_", lambda t: t.relu())  # noqa: E731
    pow_ = lambda self, exponent: self._apply_("pow_", lambda t: t.pow(exponent))  # noqa: E731
    clamp_ = lambda self, min=None, max=None: self._apply_("clamp_", lambda t: t.clamp(min, max))  # noqa: E731
    masked_fill_ = lambda self, mask, value: self._apply_(  # noqa: E731
        "masked_fill_", lambda t: t.masked_fill(mask, value))

    def _reshape_(self, op):
        """unsqueeze_/squeeze_: self becomes a view of its own memory with a new shape (no value changes,
        so no version bump); ops that used self before see its old shape and history (self._before)."""
        old = self._wrap(self._data)
        old._ctx, old.requires_grad, old._before = self._ctx, self.requires_grad, self._before
        old._counter = self._counter
        new = op(old)
        if new.requires_grad:
            self._before = old
        self._data, self._ctx, self.requires_grad, self._counter = new._data, new._ctx, new.requires_grad, new._counter
        return self

    def unsqueeze_(self, dim: int):
        return self._reshape_(lambda t: t.unsqueeze(dim))

    def squeeze_(self, dim=None):
        return self._reshape_(lambda t: t.squeeze(dim))

    def _fill_random_(self, name: str, draw):
        """uniform_, normal_: fill with random numbers from the library's generator (or generator=)."""
        if Mode.grad_enabled and self.requires_grad and self._ctx is None:
            raise RuntimeError(f"{name}: a leaf Variable that requires grad is being used in an in-place "
                               "operation. Fill it inside `with no_grad():` (as nn.init does).")
        return self.copy_(self._wrap(draw(self.shape).astype(self._data.dtype)))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator=None):
        return self._fill_random_("uniform_", lambda shape: numpy_rng(generator, "uniform_").uniform(a, b, shape))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None):
        return self._fill_random_("normal_", lambda shape: numpy_rng(generator, "normal_").normal(mean, std, shape))

    def __setitem__(self, key, value) -> None:
        """x[key] = value: an in-place write. In the graph it is recorded (IndexPut), as in PyTorch."""
        key = index_key(key)
        order = torch_order(key, self._data.ndim)
        if order is not None:  # value comes in PyTorch's order of the result's dims: put it in NumPy's
            if not isinstance(value, TensorBase):
                value = self._wrap(np.asarray(value, dtype=self._data.dtype))
            numpy_shape = self._data[key].shape
            value = value.expand(tuple(numpy_shape[i] for i in order)).permute(tuple(np.argsort(order)))
        if Mode.grad_enabled and (self.requires_grad or (isinstance(value, TensorBase) and value.requires_grad)):
            self._record_inplace("__setitem__", lambda old: movement_ops.IndexPut.apply(old, value, key=key))
            return
        try:
            self._data[key] = value._data if isinstance(value, TensorBase) else value
        except IndexError as err:
            raise index_error("__setitem__", self.shape, err) from None
        except (ValueError, TypeError) as err:
            raise RuntimeError(f"__setitem__: cannot write a value of shape {np.shape(value)} into "
                               f"tensor{list(self.shape)}[{key!r}]: {err}") from None
        self._changed()
