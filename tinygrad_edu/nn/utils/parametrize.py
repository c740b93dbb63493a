"""nn.utils.parametrize: a module's tensor computed from other tensors at each access, PyTorch's way of
constraining a weight (weight norm, spectral norm, orthogonal, positive...).

    parametrize.register_parametrization(linear, "weight", Symmetric())
    linear.weight          # Symmetric()(linear.parametrizations.weight.original), recomputed each time

register_parametrization moves the tensor into `module.parametrizations[name]`, a ParametrizationList
holding the parametrizations and the tensors they start from: `original`, or `original0`, `original1`, ...
when the first parametrization's right_inverse splits the tensor into several (weight norm's g and v).
So the state_dict keys are PyTorch's (`parametrizations.weight.original0`), and the optimizer trains the
originals. Reading `module.weight` finds no attribute of that name, so Module.__getattr__ asks
`module.parametrizations`, which computes it: the one place Module knows of parametrizations.

One difference from PyTorch: PyTorch swaps the module's class for a generated subclass with a property
(`ParametrizedLinear`); nothing here changes a class at run time, so the module keeps its class and only
its repr says "Parametrized", as PyTorch's does.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...autograd import no_grad
from ...tensor import Tensor
from ..container import ModuleDict, ModuleList
from ..module import Module, Parameter

__all__ = ["ParametrizationList", "register_parametrization", "remove_parametrizations", "is_parametrized"]


def register_tensor(module: Module, name: str, tensor: Tensor) -> None:
    """A Parameter as a parameter of `module`, any other tensor as a buffer."""
    if isinstance(tensor, Parameter):
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the tensor(s) the first one starts from:
    `original`, or `original0`, `original1`, ... when right_inverse gives a sequence."""

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False):
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for parametrization in reversed(self):
                if hasattr(parametrization, "right_inverse"):
                    new = parametrization.right_inverse(new)
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(f"'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != original.dtype:
                raise ValueError(f"When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}")
            if new is not original:
                with no_grad():
                    original.copy_(new)  # in place: the optimizer keeps training the same Parameter
            register_tensor(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError(f"'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...)."
                                     f" Got element {i} of the sequence with type {type(part).__name__}.")
                part = part.detach()
                if isinstance(original, Parameter):
                    part = Parameter(part, original.requires_grad)
                register_tensor(self, f"original{i}", part)
        if not unsafe:
            check_unchanged(self(), original)

    def originals(self) -> tuple:
        if self.is_tensor:
            return (self.original,)
        return tuple(getattr(self, f"original{i}") for i in range(self.ntensors))

    def right_inverse(self, value: Tensor) -> None:
        """Set the originals so that the parametrized tensor is `value` (what `module.weight = value` does)."""
        with no_grad():
            for parametrization in reversed(self):
                if not hasattr(parametrization, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(parametrization).__name__} does not implement "
                                       "right_inverse.")
                value = parametrization.right_inverse(value)
            news = (value,) if self.is_tensor else tuple(value)
            for original, new in zip(self.originals(), news):
                original.copy_(new)

    def forward(self) -> Tensor:
        """The parametrized tensor: the first parametrization of the originals, the next of that, ..."""
        parametrizations = list(self)
        value = parametrizations[0](*self.originals())
        for parametrization in parametrizations[1:]:
            value = parametrization(value)
        return value


def check_unchanged(value, original: Tensor) -> None:
    """A parametrization may not change the tensor's type, dtype or shape (unless registered unsafe=True)."""
    if not isinstance(value, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
    for what, before, after in (("dtype", original.dtype, value.dtype),
                                ("shape", tuple(original.shape), tuple(value.shape))):
        if before != after:
            raise ValueError(f"Registering a parametrization may not change the {what} of the tensor, unless the "
                             f"`unsafe` flag is enabled.\nunparametrized {what}: {before}\n"
                             f"parametrized {what}: {after}")


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether `module` has a parametrization (on `tensor_name`, when given)."""
    lists = module._modules.get("parametrizations")
    if not isinstance(lists, ModuleDict):
        return False
    return len(lists) > 0 if tensor_name is None else tensor_name in lists


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make `module.<tensor_name>` the value of `parametrization` (a Module whose forward maps the original
    tensor(s) to it). A second parametrization of the same name is applied after the first. When the
    parametrization has `right_inverse(value)`, the original is right_inverse(current tensor), so the
    tensor keeps its value (weight norm's g and v); otherwise the original is the tensor itself."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        parametrizations = module.parametrizations[tensor_name]
        if not unsafe:
            check_unchanged(parametrization(getattr(module, tensor_name)), getattr(module, tensor_name))
        parametrizations.append(parametrization)
        parametrizations.unsafe |= unsafe
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    original = getattr(module, tensor_name)
    parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
    module.parametrizations[tensor_name] = parametrizations
    return module


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Undo register_parametrization: `tensor_name` becomes a plain parameter (or buffer) again, holding the
    parametrized value (leave_parametrized=True) or the original; the same Parameter object when there was
    one original, so an optimizer made before keeps training it."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                original.copy_(getattr(module, tensor_name))
    elif leave_parametrized:
        value = getattr(module, tensor_name).detach()
        original = Parameter(value, parametrizations.original0.requires_grad) \
            if isinstance(parametrizations.original0, Parameter) else value
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                         "in terms of a sequence of tensors.")
    del module.parametrizations[tensor_name]
    if not is_parametrized(module):
        del module.parametrizations
    register_tensor(module, tensor_name, original)
    return module
