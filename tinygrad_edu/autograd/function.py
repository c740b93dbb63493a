"""Function: PyTorch's protocol for an op, and the one way a graph node is made.

Every op, the library's and yours, is a subclass written the way PyTorch
teaches custom ops (`torch.autograd.Function`):

    class Mul(Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, grad_output):
            x, y = ctx.saved_tensors
            return grad_output * y, grad_output * x

    z = Mul.apply(a, b)

`apply` runs `forward` and, when a gradient will be needed, keeps `ctx` as the
graph node of the result (`z.grad_fn`). The node is the ctx: it holds the op's
`inputs`, `needs_input_grad`, what forward saved, and any option forward put
on it (`ctx.dim = dim`). `backward` returns one gradient per positional input
(None where `ctx.needs_input_grad[i]` is False or the input is not a tensor),
written with Tensor ops so that the engine can record it (create_graph=True)
and differentiate it again.

Forward may also return a tuple, as in PyTorch: several outputs, and backward gets one gradient
per output (`several_outputs` and `OutputOf` below).

One difference from PyTorch, and why: the library's own primitives (ops.py, movement_ops.py)
set `numpy_forward = True`. Their forward receives the inputs' NumPy arrays and
returns an array, because they are where the computing happens: a primitive
cannot compute with Tensor ops, which would call the primitive again. Your op's
forward receives Tensors, as in PyTorch, and runs with recording off.

A primitive whose backward is only arithmetic (+ - * / on grad_output and what it saved:
Mul, Div, Sub, Neg) also sets `arithmetic_backward = True`. A plain backward (no
create_graph) then runs that same backward on the NumPy arrays: the same formula, without
the cost of a whole op call per product; recorded, it runs on Tensors (engine.on_arrays).

Saving for backward: `ctx.save_for_backward(...)` takes the inputs (or, in a
primitive, their arrays), the output, or anything else. `ctx.saved_tensors`
gives them back as Tensors still in the graph, so a backward written with
them can be differentiated again; it raises if one of them was changed in
place since (the version counters), as PyTorch does.

This module knows tensors only through `TensorBase`, the slots every Tensor
has; tensor.py builds the user's Tensor on top of it.
"""

from __future__ import annotations

import functools
import itertools
import numbers
import operator
import warnings

import numpy as np

from ..dtypes import promote, quiet_numpy, restore_numpy
from ..errors import BROADCAST_HINT, index_error
from .mode import Mode, check_finite, module_stack, no_grad, user_frame
from .saved_names import SavedNames

__all__ = ["Function", "TensorBase", "version_error", "as_constant", "input_key", "FREED_MESSAGE",
           "once_differentiable", "OutputOf", "public_node"]


class TensorBase:
    """What the engine needs of a tensor: its array, its node and its gradient bookkeeping.

    `_counter` is the version counter, a one-element list shared by a tensor and
    its views; it is made only when a view, `detach` or an in-place op needs it
    (a tensor without one is at version 0), so most tensors carry none. Every
    in-place change also sets `last_change`, so that a node made after the latest
    change knows, with one comparison, that none of what it saved has changed.

    `_before` is set by an in-place op recorded in the graph: the tensor as it was
    before (its value and history), for the ops that had already used it.
    """
    __slots__ = ("_data", "_grad", "requires_grad", "_ctx", "_counter", "_hooks", "name", "_before", "__weakref__")

    @classmethod
    def _wrap(cls, array: np.ndarray):
        """A constant around an existing array, no copy: the fast path for ops."""
        t = cls.__new__(cls)
        t._data = array
        t._grad = t._ctx = t._hooks = t.name = t._counter = t._before = None
        t.requires_grad = False
        return t

    @property
    def grad(self):
        """dL/d(this tensor), filled in by backward for leaves that require grad (None before).

        A tensor made by an op (not a leaf) gets no .grad unless you call .retain_grad() on it
        first; reading it then warns, as PyTorch does, because that is a common slip:
        `w = randn(3, 2, requires_grad=True) * 0.01` makes w the output of a multiply."""
        if self._grad is None and self._ctx is not None and self._ctx.retained is None:
            warnings.warn(
                "The .grad attribute of a tensor that is not a leaf is being read; backward fills "
                "in .grad only for leaves (tensors you made, not results of ops). Call .retain_grad() on "
                "it before backward to keep its gradient. If you meant it to be a weight, make it a leaf: "
                "w = (randn(3, 2) * 0.01).requires_grad_() instead of randn(3, 2, requires_grad=True) * 0.01.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, TensorBase):
                raise TypeError(f"grad: assigned grad must be a Tensor or None, not {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"grad: assigned grad has shape {tuple(value._data.shape)} but the tensor "
                                   f"has shape {tuple(self._data.shape)}; they must match")
            if value._data.dtype != self._data.dtype:  # as PyTorch (which has no grad_dtype option here)
                raise RuntimeError(f"grad: assigned grad has dtype {value._data.dtype} but the tensor has dtype "
                                   f"{self._data.dtype}; they must match. Hint: x.grad = g.to(x.dtype)")
        self._grad = value

    @property
    def _version(self) -> int:
        """How many times this tensor's memory was changed in place (shared with its views)."""
        return 0 if self._counter is None else self._counter[0]

    def _bump_version(self) -> None:
        """Record that this tensor's memory was just changed in place."""
        global last_change
        self._shared_counter()[0] += 1
        last_change = next(_SEQUENCE)  # a node made before this must check its saved versions

    def _shared_counter(self) -> list:
        """The version counter, made now if this tensor had none, to be shared with a view."""
        if self._counter is None:
            self._counter = [0]
        return self._counter


class _Output:
    """Marks the op's own output among the saved tensors. The node must not hold its output
    tensor (that would be a reference cycle), so it keeps the array and rebuilds the tensor.
    `index` says which output, for a user's op that returned several (None: the one output)."""

    def __init__(self, index=None, counter=None):
        self.index = index
        self.counter = counter  # of several outputs: that output's version counter, to tell a change in place

    def __repr__(self) -> str:
        return "<the output>"


OUTPUT = _Output()
_JUST_OUTPUT = (OUTPUT,)
_FREED = ("freed",)
_ZEROS = [(0,) * n for n in range(9)]
_VERSIONS: dict = {}  # interned saved_versions of zeros and Nones, as _NEEDS
_NEEDS: dict = {}  # interned needs_input_grad tuples: (True, False) is made once, not once per op
_SEQUENCE = itertools.count(1)  # nodes are numbered in the order they are made
last_change = 0  # the number drawn (from _SEQUENCE) at the latest in-place change of any tensor
_PICKERS: dict = {}  # saved_versions of zeros and Nones -> an itemgetter that puts None where nothing was saved
_NUMBERS = frozenset((float, int))  # (a Python bool goes through promote: x - True is refused there)


def check_versions(node, saved: tuple, versions: tuple) -> None:
    """Raise if a saved tensor was changed in place after the node saved it (its version moved)."""
    for index, (t, version) in enumerate(zip(saved, versions)):
        # A tensor without a counter is at version 0 (see TensorBase): nothing to compare.
        if version is not None and isinstance(t, TensorBase) and t._counter is not None \
                and t._counter[0] != version:
            raise version_error(node, t, version, index)


def picker(versions: tuple):
    """For `saved + (None,)`: each saved item, or the None at the end where nothing was saved.
    Kept for the common versions, zeros and Nones (few patterns), not for others: a tensor changed
    in place at every step would add one entry per step."""
    end = len(versions)
    indices = [end if v is None else i for i, v in enumerate(versions)]
    get = operator.itemgetter(*indices) if end > 1 else lambda items: (items[indices[0]],)  # (one index: no tuple)
    return _PICKERS.setdefault(versions, get) if not any(versions) else get


def _intern(needs: list) -> tuple:
    needs = tuple(needs)
    return _NEEDS.setdefault(needs, needs)

FREED_MESSAGE = (
    "{op}: trying to backward through the graph a second time (or to use its saved "
    "values after they were freed). A backward pass frees what ops saved, to save memory; "
    "call .backward(retain_graph=True) the first time if you need to go through it again, "
    "or recompute the forward pass.")


class Function(SavedNames):  # (SavedNames: grad_fn._saved_self and friends, saved_names.py)
    """Base class of every op. See the module docstring for the protocol."""
    numpy_forward = False   # True for the library's primitives: forward gets and returns NumPy arrays
    makes_view = False      # True when the output may share the input's memory (reshape, indexing)
    arithmetic_backward = False  # True when backward is only + - * / on g and ctx.saved_tensors (Mul): a plain
    #                              backward (no create_graph) then runs it on the NumPy arrays (engine.on_arrays)

    # The node's fields, as class defaults so that a node sets only what it uses.
    inputs = None           # the positional inputs as given: Tensors, or constants (numbers, arrays)
    needs_input_grad = ()
    saved = None            # what save_for_backward kept, resolved by apply (see saved_tensors)
    saved_versions = None   # the saved tensors' versions when saved
    output = None           # the output array, when forward saved it
    hooks = None            # register_hook on the output tensor
    retained = None         # weakref to the output tensor after retain_grad()
    trace = None            # where the op was created, under detect_anomaly
    module = None           # the nn.Module whose forward made it, while one is being recorded
    seq = 0                 # when it was made: tells an input's history before an in-place change from after
    non_differentiable = ()  # what forward passed to mark_non_differentiable (your ops only)
    output_grads = None     # a user's op with several outputs: the gradient of each, gathered (OutputOf)
    materialize_grads = True  # give backward zeros, not None, for an output that got no gradient

    @staticmethod
    def forward(ctx, *inputs, **options):
        raise NotImplementedError("forward(ctx, *inputs): compute the output; "
                                  "save what backward needs with ctx.save_for_backward(...)")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("backward(ctx, grad_output): return one gradient per input of forward")

    # ------------------------------------------------------------ the ctx API
    def save_for_backward(self, *tensors) -> None:
        """Keep these for backward; read them back with `ctx.saved_tensors`."""
        self.saved = tensors

    def mark_non_differentiable(self, *outputs) -> None:
        """Say that forward's output has no gradient (indices, a mask): it comes back as a constant,
        with no node, as in PyTorch. (An op here returns one output, so this marks that one.)"""
        self.non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward gets None (not zeros) for an output that got no gradient, as in PyTorch."""
        self.materialize_grads = value

    @property
    def saved_tensors(self) -> tuple:
        """What forward saved, as Tensors in the graph; raises if one was changed in place since."""
        saved = self.saved
        if saved is _FREED:
            raise RuntimeError(FREED_MESSAGE.format(op=self.name()))
        if saved is None:
            return ()
        if saved is _JUST_OUTPUT and self.output is not None:  # tanh, sigmoid, exp: the common case
            return (self._saved_output(),)
        versions = self.saved_versions
        if versions is not None:
            if self.seq < last_change:  # some tensor was changed in place since this node was made
                check_versions(self, saved, versions)
            if None in versions:  # saved is the inputs tuple, of which forward saved only some
                return (_PICKERS.get(versions) or picker(versions))(saved + (None,))
        if self.output is None:  # no output saved (or it was changed in place: see below)
            for t in saved:  # (a plain loop: a generator costs more than its work here)
                if t is OUTPUT:
                    raise version_error(self, None, 0, 0)
            return saved
        return tuple(self._saved_output(t) if type(t) is _Output else t for t in saved)

    def _saved_output(self, marker=None):
        """The output rebuilt as a tensor; in the graph (its node is this one) when backward is recorded.
        Of several outputs, the one `marker` names, with a node of its own (OutputOf)."""
        first = self.inputs[0]
        if not isinstance(first, TensorBase):
            first = next(t for t in self.inputs if isinstance(t, TensorBase))
        if marker is None or marker.index is None:
            out, node = type(first)._wrap(self.output), self
        else:
            if marker.counter[0]:  # changed in place since forward returned it
                raise version_error(self, None, 0, 0)
            out, node = type(first)._wrap(self.output[marker.index]), OutputOf.make(self, marker.index)
            if marker.index in self.constant_outputs:
                node = None
        if Mode.grad_enabled and node is not None:
            out._ctx, out.requires_grad = node, True
        return out

    def gradients_of_outputs(self) -> list:
        """For backward, one gradient per output of a user's op with several (OutputOf gathered them):
        zeros where an output got none (None with set_materialize_grads(False)) or is not a tensor."""
        grads, self.output_grads = self.output_grads, [None] * len(self.output_grads)
        if not self.materialize_grads:
            return grads
        like = next(t for t in self.inputs if isinstance(t, TensorBase))
        return [like._wrap(np.zeros_like(out)) if g is None and out is not None else g
                for g, out in zip(grads, self.output)]

    @classmethod
    def name(cls) -> str:
        """PyTorch's name for the node: `MulBackward0` for a library op (TanhFunction: `TanhBackward0`),
        `LegendreP3Backward` for your own Function (PyTorch adds no number to a custom Function's node)."""
        return cls.__name__.removesuffix("Function") + "Backward0" if cls.numpy_forward else cls.__name__ + "Backward"

    @property
    def next_functions(self) -> tuple:
        """(node, output number) for each input: the node that made it, an AccumulateGrad for a
        leaf that requires grad, None for a constant; as PyTorch's grad_fn.next_functions."""
        if self.inputs is None:
            return ()
        return tuple(next_edge(x, self) for x in self.inputs)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"

    # ------------------------------------------------------------ making a node
    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on `inputs` (Tensors or constants) and return the output Tensor.

        The ctx becomes the output's graph node only when grad mode is on and some
        input requires grad; otherwise it is dropped and the output is a constant.
        This runs for every op, so it is kept lean.
        """
        ctx = cls.__new__(cls)
        # One pass over the inputs: their arrays, which need a gradient, and whether this is the
        # common case (tensors of one floating dtype, perhaps with Python numbers), which needs no
        # type promotion and no conversion of constants.
        like = dtype = None  # the first tensor input (the output is made like it), and its dtype
        arrays, needs, common = [], [], True
        for x in inputs:
            if isinstance(x, TensorBase):
                array = x._data
                if like is None:
                    like, dtype = x, array.dtype
                elif array.dtype is not dtype:
                    common = False
                arrays.append(array)
                needs.append(x.requires_grad)
            else:
                arrays.append(x)
                needs.append(False)
                common = common and type(x) in _NUMBERS
        if like is None:
            raise TypeError(f"{cls.__name__}.apply: at least one input must be a tensor")
        if not common or dtype.kind != "f":
            inputs, arrays = prepare(cls, inputs, arrays)
        ctx.needs_input_grad = _NEEDS.get(tuple(needs)) or _intern(needs)
        token = quiet_numpy()  # nan and inf without NumPy's RuntimeWarnings, as PyTorch
        try:
            if cls.numpy_forward:
                out = cls.forward(ctx, *arrays, **options)
            else:
                out = custom_forward(ctx, inputs, options)
        except (ValueError, IndexError) as err:
            raise shape_error(cls, inputs, err) from None
        finally:
            restore_numpy(token)
        returned = out  # NumPy gives a 0-d input's result as a scalar: forward may have saved that
        if type(out) is not np.ndarray:
            if type(out) is tuple:  # a user's op with several outputs
                return several_outputs(ctx, inputs, arrays, out, like)
            out = out._data if isinstance(out, TensorBase) else np.asarray(out)
        result = like._wrap(out)
        if cls.makes_view and out.base is not None:
            # A view shares its input's memory, so it shares its version counter too: changing
            # either in place is seen by the graphs that saved the other.
            result._counter = inputs[0]._shared_counter()
        if Mode.grad_enabled and True in ctx.needs_input_grad:
            ctx.inputs, ctx.seq = inputs, next(_SEQUENCE)
            if ctx.saved is not None:
                keep_saved(ctx, inputs, arrays, out, returned)
            if module_stack:
                ctx.module = module_stack[-1]
            result._ctx, result.requires_grad = ctx, True
            if Mode.anomaly:
                ctx.trace = user_frame()
                check_finite(out, "output (forward)", ctx)
        return result


def prepare(cls, inputs, arrays):
    """The uncommon inputs made ready: constants that are not Python numbers converted
    (as_constant), and for a primitive PyTorch's type promotion applied (dtypes.promote)."""
    if not all(isinstance(x, TensorBase) or type(x) in _NUMBERS for x in inputs):
        inputs, arrays = constants(inputs, arrays)
    if cls.numpy_forward:
        arrays = promote(cls.__name__, arrays)
    return inputs, arrays


def custom_forward(ctx, inputs, options):
    """A user's op: forward gets the Tensors themselves and runs with recording off, as in PyTorch."""
    previous, Mode.grad_enabled = Mode.grad_enabled, False
    try:
        out = type(ctx).forward(ctx, *inputs, **options)
    finally:
        Mode.grad_enabled = previous
    if any(out is marked for marked in ctx.non_differentiable):  # no gradient: no node (apply)
        ctx.needs_input_grad = _intern([False] * len(inputs))
    return out


def several_outputs(ctx, inputs, arrays, outs: tuple, like) -> tuple:
    """A user's op whose forward returned a tuple, as PyTorch allows: each tensor in it becomes an
    output tensor (a constant if forward marked it non-differentiable), anything else comes back as
    it is. Each output gets a node of its own, OutputOf (so that each has its own gradient, hooks and
    retain_grad), which hands its gradient on to ctx; ctx's backward then gets one per output."""
    results = tuple(like._wrap(o._data) if isinstance(o, TensorBase) else o for o in outs)
    constant = frozenset(i for i, o in enumerate(outs)
                         if not isinstance(o, TensorBase) or any(o is m for m in ctx.non_differentiable))
    if not Mode.grad_enabled or True not in ctx.needs_input_grad or len(constant) == len(outs):
        return results
    ctx.inputs, ctx.seq = inputs, next(_SEQUENCE)
    ctx.output = tuple(None if r is o else r._data for r, o in zip(results, outs))  # None: not a tensor
    ctx.output_grads, ctx.constant_outputs = [None] * len(outs), constant
    if ctx.saved is not None:  # an output among the saved is kept as a marker, as the one output is
        ctx.saved = tuple(next((_Output(i, results[i]._shared_counter()) for i, o in enumerate(outs)
                                if s is o and isinstance(o, TensorBase)), s) for s in ctx.saved)
        keep_saved(ctx, inputs, arrays, OUTPUT, OUTPUT)
    if module_stack:
        ctx.module = module_stack[-1]
    if Mode.anomaly:
        ctx.trace = user_frame()
        for array in ctx.output:
            if array is not None:
                check_finite(array, "output (forward)", ctx)
    for i, r in enumerate(results):
        if i not in constant:
            r._ctx, r.requires_grad = OutputOf.make(ctx, i), True
    return results


class OutputOf(Function):
    """The node of output `index` of a user's op with several outputs (several_outputs). Its backward
    puts the gradient in the op's slot for that output (`op.output_grads`) and sends a zero to the op
    through its one input, `hub`: a 0-d stand-in for the op's outputs, so that the engine runs the op
    (once, after all its outputs' nodes, which are newer) with what was gathered. To the user it is
    the op: `grad_fn` and `next_functions` show the op itself, as in PyTorch."""
    numpy_forward = True  # (the engine's common case: a tuple of one gradient per input)

    @classmethod
    def make(cls, op, index: int):
        node = cls.__new__(cls)
        like = next(t for t in op.inputs if isinstance(t, TensorBase))
        hub = like._wrap(np.zeros(()))
        hub._ctx, hub.requires_grad = op, True
        node.op, node.index, node.inputs, node.needs_input_grad = op, index, (hub,), (True,)
        node.seq = next(_SEQUENCE)
        return node

    @staticmethod
    def backward(ctx, grad_output):
        # Added, not set: a saved output read in backward has a node of its own (a second derivative)
        gathered, slot = ctx.op.output_grads, ctx.index
        gathered[slot] = grad_output if gathered[slot] is None else gathered[slot] + grad_output
        return (ctx.inputs[0]._wrap(np.zeros(())),)

    def name(self) -> str:
        return self.op.name()


def once_differentiable(backward):
    """PyTorch's decorator for a backward that is not made of Tensor ops (it computes in NumPy,
    say): it runs with recording off, so its gradient is right for a plain backward but cannot be
    differentiated again (under create_graph it does not require grad, and a second `grad` says so).
    One difference: where the incoming gradient itself requires grad, PyTorch hands back a gradient
    whose node raises "trying to differentiate twice"; here it is a constant, and a path through it
    adds nothing to a second derivative."""
    @functools.wraps(backward)
    def run_unrecorded(ctx, *grad_outputs):
        with no_grad():
            return backward(ctx, *grad_outputs)
    return run_unrecorded


def constants(inputs, arrays):
    """Inputs that are neither tensors nor Python numbers become constants (as_constant)."""
    like = next((a for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"), None)
    new_inputs = tuple(x if isinstance(x, TensorBase) or type(x) in (float, int, bool) else as_constant(x, like)
                       for x in inputs)
    return new_inputs, [x._data if isinstance(x, TensorBase) else x for x in new_inputs]


def as_constant(x, like):
    """Data given to an op as a constant: a NumPy scalar becomes a plain number (as in PyTorch),
    a list or an array an array, floating data in the dtype of the floating array `like`
    (so [0.5, 1.5] does not turn float32 into float64)."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, numbers.Number):
        return x
    array = np.asarray(x)
    if like is not None and like.dtype.kind == "f" and array.dtype.kind == "f":
        return array.astype(like.dtype, copy=False)
    return array


def keep_saved(ctx, inputs, arrays, out, returned) -> None:
    """Turn what forward passed to save_for_backward into what backward will read: the input
    tensors themselves (so second derivatives flow through them), OUTPUT for the output, and
    anything else as a constant; with the saved tensors' versions, to check at backward."""
    saved = ctx.saved
    if len(saved) == 1 and (saved[0] is returned or saved[0] is out):  # tanh's (z,)
        ctx.saved, ctx.output, ctx.saved_versions = _JUST_OUTPUT, out, _ZEROS[1]
        return
    if len(saved) <= len(inputs):
        # The common case, Mul's (x, y) or (None, y), Linear's (x, w) of (x, w, b): the inputs
        # tuple itself when forward saved them all (one object less for the cycle collector); a
        # version of None marks an input not saved.
        # (Plain loops: this runs for most ops, and a generator costs more than its work here.)
        versions = []
        for s, x, a in zip(saved, inputs, arrays):
            if s is None:
                versions.append(None)
            elif s is x or s is a:
                counter = x._counter if isinstance(x, TensorBase) else None
                versions.append(0 if counter is None else counter[0])
            else:
                break
        else:
            versions = tuple(versions)
            ctx.saved = inputs if len(saved) == len(inputs) else inputs[:len(saved)]
            ctx.saved_versions = _VERSIONS.setdefault(versions, versions) if not any(versions) else versions
            return
    resolved = tuple(resolve(s, inputs, arrays, out, returned) for s in saved)
    if any(s is OUTPUT for s in resolved):
        ctx.output = out
    ctx.saved = resolved
    versions = tuple(s._version if isinstance(s, TensorBase) else 0 for s in resolved)
    ctx.saved_versions = _ZEROS[len(versions)] if len(versions) < 9 and not any(versions) else versions


def resolve(item, inputs, arrays, out, returned):
    if item is None or type(item) in (float, int, bool):  # Mul saving (None, 2.0): nothing to look up
        return item
    for x, a in zip(inputs, arrays):
        if item is x or (item is a and isinstance(x, TensorBase)):
            return x
    if item is out or item is returned:
        return OUTPUT
    if isinstance(item, np.ndarray):
        tensor_type = type(next(x for x in inputs if isinstance(x, TensorBase)))
        return tensor_type._wrap(item)
    return item


def shape_error(op, inputs, err) -> Exception:
    """NumPy's error from a forward, said with the op's name and the shapes it was given."""
    shapes = " and ".join(str(tuple(x.shape)) if isinstance(x, TensorBase) else repr(x) for x in inputs)
    name = op.__name__.lower()
    if isinstance(err, IndexError):  # stays an IndexError, as in PyTorch
        return index_error(name, inputs[0]._data.shape, err)
    if "broadcast" in str(err):
        return RuntimeError(f"{name}: shapes {shapes} cannot be broadcast together. {BROADCAST_HINT}")
    return RuntimeError(f"{name}: invalid arguments for shape {shapes}: {err}")


def input_key(x, node):
    """Where input `x` of `node` sends its gradient: the node that made x, or x itself for a leaf.
    If x was changed in place (in the graph) after `node` used it, x's history from before."""
    if x._before is None:  # the common case: x was never changed in place in the graph
        return x if x._ctx is None else x._ctx
    while x._before is not None and x._ctx.seq > node.seq:
        x = x._before
    return x._ctx if x._ctx is not None else x


def next_edge(x, node) -> tuple:
    """(the node an input sends its gradient to, which of that node's outputs the input is): its op's
    node, or an AccumulateGrad for a leaf; (None, 0) for a constant."""
    if not isinstance(x, TensorBase) or not x.requires_grad:
        return None, 0
    key = input_key(x, node)
    if isinstance(key, OutputOf):  # output `index` of a user's op with several
        return key.op, key.index
    return (key if isinstance(key, Function) else AccumulateGrad(key)), 0


def public_node(node):
    """The node as the user sees it (`grad_fn`): for an output of a user's op with several, the op."""
    return node.op if isinstance(node, OutputOf) else node


class AccumulateGrad:
    """PyTorch's node for a leaf in `next_functions`: it adds the gradient into `variable.grad`."""

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()

    @staticmethod
    def name() -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad object>"


def version_error(node: Function, tensor, version: int, index: int) -> RuntimeError:
    what = "its output" if tensor is None else f"saved tensor {index} (shape {tuple(tensor.shape)})"
    now = "" if tensor is None else f" is at version {tensor._version}; expected version {version} instead. "
    return RuntimeError(
        f"{node.name()}: one of the variables needed for gradient computation has been "
        f"modified by an inplace operation: {what}{now or ' was changed after the op saved it. '}"
        "Hint: do not change a tensor in place (+=, add_, x[i] = ...) after an op used it, "
        "or use an out-of-place op (x = x + 1) instead.")
