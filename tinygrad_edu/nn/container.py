"""Sequential, ModuleList and ModuleDict: modules that hold modules; ParameterList and
ParameterDict: modules that hold parameters (registered under "0", "1"... or their keys)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterable, Iterator

from ..tensor import Tensor
from .module import Module, Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def index_of(container: Module, idx: int) -> str:
    """The key of the idx-th child (negative counts from the end), with a clear IndexError."""
    n = len(container._modules)
    if not -n <= idx < n:
        raise IndexError(f"{type(container).__name__}: index {idx} is out of range for {n} modules")
    return list(container._modules)[idx % n]


class _Indexed(Module):
    """What Sequential and ModuleList share: children kept in order, reached by position."""

    takes_any_input = True  # Sequential's first layer (perhaps the learner's) says what it takes

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(index_of(self, idx), module)

    def __delitem__(self, idx) -> None:
        keys = list(self._modules)[idx] if isinstance(idx, slice) else [index_of(self, idx)]
        for key in keys:
            del self._modules[key]
        kept = list(self._modules.values())  # numbered again from 0, as PyTorch does (names are lost)
        self._modules.clear()
        self._modules.update((str(i), module) for i, module in enumerate(kept))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> "_Indexed":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "_Indexed":
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> "_Indexed":
        """Put module at position index, the ones from there on moving up one (as PyTorch's, by number)."""
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"{type(self).__name__}.insert: index {index} is out of range for {n} modules")
        index = index + n if index < 0 else index
        for i in range(n, index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module
        return self

    def pop(self, key):
        """Take out and return the module (or a slice of them) at key."""
        taken = self[key]
        del self[key]
        return taken


class Sequential(_Indexed):
    """Modules applied one after the other: Sequential(a, b)(x) = b(a(x)).

    Also Sequential(OrderedDict(name=module, ...)) for named children.
    Indexing gives a module, slicing a new Sequential (keeping the names).
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (dict, OrderedDict)):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[index_of(self, idx)]

    def __add__(self, other: "Sequential") -> "Sequential":
        """A new Sequential of self's modules, then other's (the same module objects, numbered again)."""
        return Sequential(*self, *sequential_operand(self, other))

    def __iadd__(self, other: "Sequential") -> "Sequential":
        return self.extend(list(sequential_operand(self, other)))

    def __mul__(self, times: int) -> "Sequential":
        """self's modules `times` times over: the same module objects, so their parameters are shared."""
        return Sequential(*(list(self) * repeat_count(self, times)))

    __rmul__ = __mul__

    def __imul__(self, times: int) -> "Sequential":
        return self.extend(list(self) * (repeat_count(self, times) - 1))


def sequential_operand(sequential: Sequential, other) -> Sequential:
    """PyTorch adds a Sequential only to a Sequential (its ValueError)."""
    if not isinstance(other, Sequential):
        raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
    return other


def repeat_count(sequential: Sequential, times) -> int:
    """A positive int, as PyTorch's Sequential * n wants it (its TypeError and ValueError)."""
    if not isinstance(times, int):
        raise TypeError(f"unsupported operand type(s) for *: {type(sequential)} and {type(times)}")
    if times <= 0:
        raise ValueError(f"Non-positive multiplication factor {times} for {type(sequential)}")
    return times


class ModuleList(_Indexed):
    """A list of modules whose parameters the parent registers (a plain list would hide them)."""

    def __init__(self, modules: Iterable[Module] | None = None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[index_of(self, idx)]

    def __add__(self, other: Iterable[Module]) -> "ModuleList":
        """A new ModuleList of self's modules, then other's (any iterable of modules)."""
        return ModuleList([*self, *other])

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def forward(self, *args):
        raise NotImplementedError("ModuleList has no forward: iterate over it and call each module")

    def __repr__(self) -> str:
        """PyTorch's: a run of children that print alike is one entry, "(0-5): 6 x TransformerEncoderLayer(...)"."""
        runs = []  # [first position, last position, text]
        for position, module in enumerate(self):
            text = repr(module).replace("\n", "\n  ")
            if runs and runs[-1][2] == text:
                runs[-1][1] = position
            else:
                runs.append([position, position, text])
        if not runs:
            return f"{type(self).__name__}()"
        lines = []
        for first, last, text in runs:
            if first == last:
                lines.append(f"({first}): {text}")
            else:
                lines.append(f"({first}-{last}): {last - first + 1} x {text}")
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters the parent registers."""

    takes_any_input = True  # no forward: calling it says so

    def __init__(self, modules: dict | None = None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def update(self, modules) -> None:
        for key, module in (modules.items() if hasattr(modules, "items") else modules):
            self[key] = module

    def forward(self, *args):
        raise NotImplementedError("ModuleDict has no forward: look modules up by key and call them")


def as_parameter(value, container: str) -> Parameter:
    """A Parameter stays; a plain Tensor becomes one (sharing its data), as PyTorch's containers do."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{container}: expected an nn.Parameter or a Tensor, got {type(value).__name__}. "
                    "Hint: nn.Parameter(tg.tensor(...))")


def parameter_line(key: str, param: Parameter, type_name: str) -> str:
    """PyTorch's line for one entry of a ParameterList or ParameterDict repr."""
    size = "x".join(str(n) for n in param.shape)
    return f"  ({key}): Parameter containing: [{type_name} of size {size}]"


class ParameterList(Module):
    """A list of Parameters that the parent module registers (a plain list would hide them from
    parameters() and the optimizer). Keys "0", "1"... in state_dict, as PyTorch's."""

    takes_any_input = True  # no forward: calling it says so

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList(list(self._parameters.values())[idx])
        return self._parameters[self.key_of(idx)]

    def __setitem__(self, idx: int, param) -> None:
        self.register_parameter(self.key_of(idx), as_parameter(param, "ParameterList"))

    def key_of(self, idx: int) -> str:
        n = len(self._parameters)
        if not -n <= idx < n:
            raise IndexError(f"ParameterList: index {idx} is out of range for {n} parameters")
        return str(idx % n)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __iadd__(self, params) -> "ParameterList":
        return self.extend(params)

    def append(self, param) -> "ParameterList":
        self.register_parameter(str(len(self)), as_parameter(param, "ParameterList"))
        return self

    def extend(self, params) -> "ParameterList":
        for param in params:
            self.append(param)
        return self

    def extra_repr(self) -> str:
        return "\n".join(parameter_line(key, param, str(param.dtype)) for key, param in self._parameters.items())

    def forward(self, *args):
        raise NotImplementedError("ParameterList has no forward: use its parameters in your module's forward")


class ParameterDict(Module):
    """A dict of Parameters that the parent module registers; state_dict keys are its keys."""

    takes_any_input = True  # no forward: calling it says so

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        return self._parameters[key]

    def __setitem__(self, key: str, param) -> None:
        self.register_parameter(key, as_parameter(param, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()

    def get(self, key: str, default=None):
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        return self._parameters.pop(key)

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters) -> None:
        for key, param in (parameters.items() if hasattr(parameters, "items") else parameters):
            self[key] = param

    def extra_repr(self) -> str:
        return "\n".join(parameter_line(key, param, param.type()) for key, param in self._parameters.items())

    def forward(self, *args):
        raise NotImplementedError("ParameterDict has no forward: look parameters up by key in your module's forward")
