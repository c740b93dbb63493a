"""LazyLinear and UninitializedParameter: a Linear layer that reads in_features from its first input, so a
network is written with output sizes only (Dive into Deep Learning builds its networks so).

Until the first call the weight and bias are UninitializedParameters: Parameters with no numbers yet,
whose shape cannot be read. The first call gives them their shapes and draws them as Linear does
(`materialize`, then `reset_parameters`), and then, as in PyTorch, each object becomes an instance of
the ordinary class, its `cls_to_become`: the parameters are Parameters and the layer a Linear, so code
that checks `type(layer) == nn.Linear` (d2l's init functions) sees one. No class changes here; the same
objects change class, so an optimizer made from `parameters()` before the first call trains them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..autograd import no_grad
from ..device import check_device
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .linear import Linear
from .module import Module, Parameter

__all__ = ["UninitializedParameter", "LazyLinear"]

NO_SHAPE_YET = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
                "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
                "`forward` to initialize the parameters before accessing their attributes.")


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet: no numbers, its shape refused, until materialize(shape)."""
    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device=None, dtype=None):
        check_device(device, "UninitializedParameter")
        super().__init__(np.empty(0, dtype=get_default_dtype() if dtype is None else dtype), requires_grad)

    @property
    def shape(self):
        raise RuntimeError(NO_SHAPE_YET)

    def size(self, dim=None):
        raise RuntimeError(NO_SHAPE_YET)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the parameter `shape` (numbers left to an init function) and make it a Parameter."""
        dtype = self._data.dtype if dtype is None else dtype
        self._data = np.empty(tuple(shape), dtype=dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class LazyLinear(Linear):
    """Linear(in_features, out_features) with in_features read from the last dim of the first input."""
    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None):
        check_device(device, "LazyLinear")
        Module.__init__(self)  # not Linear's: there is nothing to draw yet
        self.in_features, self.out_features = 0, out_features
        self.weight = UninitializedParameter(dtype=dtype)
        self.bias = UninitializedParameter(dtype=dtype) if bias else None

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(param, UninitializedParameter) for param in self._parameters.values())

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:  # noqa: A002
        """Shape the parameters for `input`'s last dim, draw them as Linear does, and become a Linear."""
        if input.ndim == 0:
            raise IndexError(f"LazyLinear: the input is 0-d (one number); it needs a last dim of features to take "
                             f"in_features from. Hint: give shape (features,) or (batch, features), got "
                             f"{tuple(input.shape)}")
        self.in_features = input.shape[-1]
        with no_grad():
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        self.__class__ = self.cls_to_become

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        self.initialize_parameters(input)
        return Linear.forward(self, input)  # (self is a Linear now: super() would refuse it)

    def load_state_dict(self, state_dict, strict: bool = True):
        """Shape the parameters as the loaded weight (becoming a Linear), then load: PyTorch keeps the layer
        lazy with in_features=0 until its first call, which gives the same numbers."""
        weight = state_dict.get("weight") if isinstance(state_dict, Mapping) else None
        if weight is not None and self.has_uninitialized_params():
            features = tuple(weight.shape)[-1]
            self.initialize_parameters(Tensor._wrap(np.empty((0, features), dtype=self.weight._data.dtype)))
        return Module.load_state_dict(self, state_dict, strict)
