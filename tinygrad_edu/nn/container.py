"""Sequential, ModuleList and ModuleDict: modules that hold modules."""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterable, Iterator

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def index_of(container: Module, idx: int) -> str:
    """The key of the idx-th child (negative counts from the end), with a clear IndexError."""
    n = len(container._modules)
    if not -n <= idx < n:
        raise IndexError(f"{type(container).__name__}: index {idx} is out of range for {n} modules")
    return list(container._modules)[idx % n]


class _Indexed(Module):
    """What Sequential and ModuleList share: children kept in order, reached by position."""

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(index_of(self, idx), module)

    def __delitem__(self, idx) -> None:
        keys = list(self._modules)[idx] if isinstance(idx, slice) else [index_of(self, idx)]
        for key in keys:
            del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> "_Indexed":
        self.add_module(str(len(self)), module)
        return self


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

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for module in modules:
            self.append(module)
        return self

    def forward(self, *args):
        raise NotImplementedError("ModuleList has no forward: iterate over it and call each module")


class ModuleDict(Module):
    """A dict of modules whose parameters the parent registers."""

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
