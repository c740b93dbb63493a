"""The on-ramp: Tensor methods that PyTorch code calls and that need no op of their own.

Devices (x.device, x.to("cpu"), x.cpu(), x.cuda() with an explanation), the new_* makers,
questions about memory layout (stride, is_contiguous, contiguous, view: the rules are
layout.py's), and names PyTorch has for what other methods do (t, view_as, expand_as,
index_select, masked_select, clamp_min). With
them, code written for PyTorch runs unchanged; none adds anything to learn about autograd.

OnRampMethods is a base class of Tensor (tensor.py): these are Tensor's methods, kept apart
so that tensor.py shows the core.
"""

from __future__ import annotations

import numpy as np

from . import dtypes, layout, movement_ops
from .arrays import index_key, shape_argument, size_of, to_array
from .autograd import TensorBase
from .device import CPU, CPU_ONLY_HINT, check_device
from .device import device as device_type
from .dims import axis_of


def to_arguments(args: tuple, dtype, device) -> tuple:
    """(dtype, device) from the positional arguments of x.to(...) or module.to(...), as PyTorch
    reads them: a tensor gives its dtype; a string, an int or a device is the device; anything
    else is a dtype."""
    for arg in args:
        if isinstance(arg, TensorBase):
            dtype = arg.dtype
        elif isinstance(arg, (str, int, device_type)) and not isinstance(arg, bool):
            device = arg
        else:
            dtype = arg
    return dtype, device


class OnRampMethods:
    """Tensor's methods for PyTorch's wider API (a base class of Tensor: `self` is a Tensor)."""
    __slots__ = ()

    # Devices: only the CPU exists (device.py). Dtype casts go through astype, so the graph sees them.
    device = property(lambda self: CPU, doc="Where the tensor lives: always device(type='cpu').")
    is_cuda = property(lambda self: False, doc="False: tinygrad_edu runs on the CPU only.")
    is_cpu = property(lambda self: True, doc="True: tinygrad_edu runs on the CPU only.")

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False, copy: bool = False,
           memory_format=None):
        """x.to("cpu"), x.to(float64), x.to(other) (other's dtype), x.to("cpu", float64): a cast
        (differentiable) or x itself when nothing changes (copy=True always copies). The one
        device is the CPU; "cuda" and the like raise an error with the device-agnostic idiom."""
        dtype, device = to_arguments(args, dtype, device)
        check_device(device, "to")
        out = self if dtype is None else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def cpu(self, memory_format=None):
        """x itself: every tensor is on the CPU."""
        return self

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None):
        raise RuntimeError(f"cuda: there is no GPU here. {CPU_ONLY_HINT} Then x.to(device) works everywhere.")

    def pin_memory(self, device=None):
        """x itself (pinned memory speeds up copies to a GPU; there is none)."""
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False):
        """A new tensor from `data` (copied) in this tensor's dtype unless dtype= is given."""
        return self._new(to_array(data, dtype or self.dtype), device, requires_grad, "new_tensor")

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad: bool = False):
        array = np.full(size_of((size,)), fill_value, dtype=dtype or self.dtype)
        return self._new(array, device, requires_grad, "new_full")

    def _new(self, array: np.ndarray, device, requires_grad: bool, op: str):
        check_device(device, op)
        out = self._wrap(array)
        return out.requires_grad_() if requires_grad else out

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False):
        return self.new_full(size_of(size), 0, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False):
        return self.new_full(size_of(size), 1, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad: bool = False):
        """Zeros (PyTorch leaves the memory uninitialised)."""
        return self.new_full(size_of(size), 0, dtype, device, requires_grad)

    def data_ptr(self) -> int:
        """The address of the first element: equal for tensors that share memory from the same start."""
        return self._data.__array_interface__["data"][0]

    def stride(self, dim: int | None = None):
        """How many elements to step in memory to move one place along each dimension."""
        strides = layout.strides_of(self._data)
        return strides if dim is None else strides[axis_of(self.ndim, dim, "stride")]

    def is_contiguous(self, memory_format=layout.contiguous_format) -> bool:
        """True when the elements lie in memory row by row, as a fresh tensor's do (PyTorch's
        rule, layout.py): False for x.t(), a permute, a slice with steps, an expand."""
        return layout.is_contiguous(self._data, memory_format)

    def contiguous(self, memory_format=layout.contiguous_format):
        """x itself when it is contiguous (in `memory_format`), else a copy laid out so
        (recorded: CloneBackward0, the gradient passes straight through)."""
        if layout.is_contiguous(self._data, memory_format):
            return self
        order = layout.memory_order(self.ndim, memory_format, "contiguous")
        return movement_ops.Contiguous.apply(self, order=order)

    def view(self, *shape):
        """The same memory seen in a new shape (-1: worked out), never a copy: PyTorch's error
        when the strides cannot express the new shape (after x.t(), a permute...), where
        reshape would copy. x.view(dtype) reads the same bytes as another dtype (not
        differentiable: the result is outside the graph, as in PyTorch)."""
        if len(shape) == 1 and isinstance(shape[0], (dtypes.dtype, np.dtype, type)):
            return self._view_as_dtype(dtypes.to_dtype(shape[0]))
        return movement_ops.Reshape.apply(self, shape=shape_argument(shape, "view"), view=True)

    def _view_as_dtype(self, dtype):
        """PyTorch's rules: the same shape when the element sizes agree; otherwise the last dim
        must be contiguous and it grows or shrinks by the ratio of the sizes."""
        array, mine = self._data, dtypes.of_array(self._data)
        if dtype.itemsize != mine.itemsize:
            what = f"to view {mine.legacy_name} as {dtype.legacy_name} (different element sizes)"
            if array.ndim == 0:
                raise RuntimeError(f"self.dim() cannot be 0 {what}")
            if self.stride(-1) != 1:
                raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {self.stride(-1)}")
            ratio = dtype.itemsize // mine.itemsize
            if ratio and array.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {array.shape[-1]}")
        return self._wrap(array.view(dtype.dtype))

    def expand_as(self, other):
        return self.expand(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def view_as(self, other):
        return self.view(other.shape)

    def t(self):
        """The transpose of a matrix (tensors of 0 or 1 dimensions are returned as they are)."""
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but got shape {self.shape}; "
                               "use transpose(dim0, dim1) or .mT")
        return movement_ops.Transpose.apply(self, axes=tuple(reversed(range(self.ndim))), method="t")

    def index_select(self, dim: int, index):
        """The slices at `index` (1-D integer tensor) along `dim`."""
        d = axis_of(self.ndim, dim, "index_select")
        key = np.asarray(index_key(index)).reshape(-1)  # a 0-d index picks one slice and keeps the dim, as PyTorch's
        size = self.shape[d] if self.ndim else 1
        if key.dtype.kind not in "iu" or np.ndim(index) > 1:
            raise IndexError(f"index_select: index must be a 1-D integer tensor, got {key.dtype} of shape "
                             f"{tuple(np.shape(index))}. Hint: index.long(), or index.reshape(-1)")
        if key.size and not 0 <= key.min() <= key.max() < size:  # NumPy would read -1 as the last slice
            bad = int(key[(key < 0) | (key >= size)].flat[0])
            raise IndexError(f"index_select: index {bad} is out of range for dim {dim} of a tensor of shape "
                             f"{tuple(self.shape)} (valid: 0 to {size - 1}; negative indices are refused, "
                             "as in PyTorch)")
        return self[(slice(None),) * d + (key,)]

    def index_add(self, dim: int, index, source, *, alpha=1):
        """x with the slices of `source` (times alpha) added at `index` (1-D integer tensor) along `dim`;
        repeated indices add up. index_select's adjoint: source's gradient is g.index_select(dim, index)."""
        d = axis_of(self.ndim, dim, "index_add")
        key = index_key(index)
        size = self.shape[d]
        if key.ndim != 1 or key.dtype.kind not in "iu" or (key.size and not 0 <= key.min() <= key.max() < size):
            raise IndexError(f"index_add: index must be a 1-D integer tensor of positions 0..{size - 1} "
                             f"along dim {dim}; got {key.dtype} of shape {key.shape}"
                             + (f", values {key.min()}..{key.max()}" if key.size and key.ndim == 1 else ""))
        return self + movement_ops.AddAt.apply(source * alpha if alpha != 1 else source, shape=self.shape,
                                               key=(slice(None),) * d + (key,))

    def masked_select(self, mask):
        """The elements where `mask` is True, as a 1-D tensor (mask broadcasts against x)."""
        mask = np.broadcast_to(index_key(mask), self.shape)
        return self[mask]

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)
