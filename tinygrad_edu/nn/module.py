"""Parameter and Module: the building blocks of every network.

A Module registers what you assign to it, in order, the way PyTorch's does:

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 3)                           # a submodule
            self.scale = nn.Parameter(tg.ones(3))               # a parameter
            self.register_buffer("steps", tg.zeros((), dtype=tg.int64))  # state, not trained

`Module.__setattr__` files each value into one of three dicts
(`_parameters`, `_buffers`, `_modules`); `__getattr__` looks in those same
three dicts and nowhere else, so a typo still raises AttributeError.

While a module's forward runs, `forward_stack()` lists the modules that are
inside `__call__` (outermost first). The graph renderer reads it to group the
tensors each module makes.
"""

from __future__ import annotations

import difflib
import sys
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping
from typing import Callable, Iterator

import numpy as np

from ..autograd import Mode, RemovableHandle, module_stack, no_grad
from ..device import CPU_ONLY_HINT, check_device
from ..onramp import to_arguments
from ..tensor import Tensor, tensor
from .backward_hooks import HookedCall
from .layer_checks import NOT_TENSORS, checked_entry, not_a_tensor, not_initialised, takes_a_tensor

__all__ = ["Parameter", "Module", "forward_stack"]


class Parameter(Tensor):
    """A Tensor that is a trainable weight: requires_grad=True, and a Module
    that gets one assigned registers it, so `parameters()` finds it.

    `Parameter(t)` shares t's data (no copy) and is a leaf even when t is the output of an op
    (`nn.Parameter(torch.randn(3, 2, requires_grad=True) * 0.01)`), as PyTorch's: t detached.
    """
    __slots__ = ()

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            data = np.empty(0, dtype=np.float32)
        if not isinstance(data, Tensor):  # an array or a list: keep its dtype, as tensor(data) does
            data = tensor(data)
        super().__init__(data.detach())  # Tensor(t) shares t's memory; detached, it is a leaf
        self.requires_grad_(requires_grad)

    _wrap = staticmethod(Tensor._wrap)  # an op on a Parameter gives a plain Tensor, as in PyTorch

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


# ---------------------------------------------------------------- which modules are running

_forward_stack = module_stack  # the core's list: each graph node records the innermost entry


def forward_stack() -> list:
    """The (name, module) pairs whose forward is running now, outermost first.

    The outermost module is named by its class ("Sequential"); the ones inside
    it by their dotted name relative to it ("0", "block.conv"), the names
    `named_modules()` gives. Read it, don't change it: `Module.__call__`
    pushes before forward and pops after.
    """
    return _forward_stack


def qualified_name(module: "Module") -> str:
    """module's name inside the module that is running now (its class name at the top)."""
    if _forward_stack:
        parent_name, parent = _forward_stack[-1]
        for key, child in parent._modules.items():
            if child is module:
                return key if len(_forward_stack) == 1 else f"{parent_name}.{key}"
    return type(module).__name__


# ---------------------------------------------------------------- Module

class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it did not find, and the ones it did not use."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def warn_if_hidden(module: "Module", name: str, value) -> None:
    """Warn when a plain list, tuple or dict holds modules or parameters: Module registers only what is
    assigned to it directly, so these are invisible to .parameters(), state_dict() and .to(), and an
    optimizer built from model.parameters() never trains them (PyTorch silently does the same)."""
    items = value.values() if isinstance(value, dict) else value
    if not any(isinstance(item, (Module, Parameter)) for item in items):
        return
    if any(isinstance(item, Module) for item in items):
        kind, container = "modules", "ModuleDict" if isinstance(value, dict) else "ModuleList"
        fix = f"Use nn.{container}: self.{name} = nn.{container}(...)"
    else:
        kind, container = "parameters", "ParameterDict" if isinstance(value, dict) else "ParameterList"
        fix = f"Use nn.{container}: self.{name} = nn.{container}(...)"
    warnings.warn(
        f"{type(module).__name__}.{name} is a plain {type(value).__name__} of {kind}: their parameters are "
        f"invisible to .parameters() and state_dict(), so an optimizer built from .parameters() will not "
        f"train them. {fix}", UserWarning, stacklevel=frames_inside_this_file())


def frames_inside_this_file() -> int:
    """How many frames up the stack the first caller outside module.py is (a warning's stacklevel)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    return level


class Module:
    """Base class of every layer and model. Subclass it, call `super().__init__()`,
    assign layers and parameters in `__init__`, and write `forward`.

    `model(x)` calls `forward(x)` (with any hooks around it).
    """

    def __init__(self) -> None:
        set_attr = object.__setattr__
        set_attr(self, "training", True)
        set_attr(self, "_parameters", OrderedDict())
        set_attr(self, "_buffers", OrderedDict())
        set_attr(self, "_non_persistent_buffers", set())
        set_attr(self, "_modules", OrderedDict())
        set_attr(self, "_forward_hooks", [])
        set_attr(self, "_forward_pre_hooks", [])
        set_attr(self, "_backward_hooks", [])
        set_attr(self, "_backward_pre_hooks", [])

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'{type(self).__name__} is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        for hook in self._forward_pre_hooks:
            new = hook(self, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
        if args and type(args[0]) is not Tensor and isinstance(args[0], NOT_TENSORS) \
                and takes_a_tensor(type(self)):  # (a Tensor, the common case, is settled by the first test)
            raise not_a_tensor(self, args[0])
        hooked = None  # with backward hooks: identity nodes around the call that run them (backward_hooks.py)
        if (self._backward_hooks or self._backward_pre_hooks) and Mode.grad_enabled:
            hooked = HookedCall(self, self._backward_hooks, self._backward_pre_hooks)
            args = hooked.wrap_inputs(args)
        if Mode.record_modules:  # tinygrad_edu.viz is in use: let each graph node know its module
            _forward_stack.append((qualified_name(self), self))
            try:
                output = self.forward(*args, **kwargs)
            finally:
                _forward_stack.pop()
        else:
            output = self.forward(*args, **kwargs)
        for hook in self._forward_hooks:
            new = hook(self, args, output)
            if new is not None:
                output = new
        return output if hooked is None else hooked.wrap_outputs(output)

    # ------------------------------------------------------------ registration
    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        if "_parameters" not in d:
            if isinstance(value, (Parameter, Module)):
                raise not_initialised(self)
            object.__setattr__(self, name, value)
            return
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(nn.Parameter or None expected). Wrap it: nn.Parameter(tensor)")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                "(nn.Module or None expected)")
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Tensor or None expected)")
            buffers[name] = value
        elif modules.get("parametrizations") is not None and name in modules["parametrizations"]._modules:
            modules["parametrizations"]._modules[name].right_inverse(value)  # nn.utils.parametrize's originals
        else:
            if type(value) in (list, tuple, dict) and value:
                warn_if_hidden(self, name, value)
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Remove `name` from everywhere but `keep`, so one name lives in exactly one place
        (and a value replaced in `keep` keeps its position there)."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str):
        # Called only when normal lookup fails: look in the three registries, nowhere else.
        d = self.__dict__
        if "_parameters" in d:
            for registry in (d["_parameters"], d["_buffers"], d["_modules"]):
                if name in registry:
                    return registry[name]
            parametrized = d["_modules"].get("parametrizations")
            if parametrized is not None and name in parametrized._modules:  # nn.utils.parametrize: compute it
                return parametrized._modules[name]()
        if name.startswith("__"):
            # Python's own protocols (copy.deepcopy, pickle) probe dunders such as __setstate__
            # on a bare instance whose __init__ never ran: they expect AttributeError.
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        if "_parameters" not in d:
            raise not_initialised(self)
        known = list(d["_parameters"]) + list(d["_buffers"]) + list(d["_modules"]) + list(d)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'.{hint}")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "_parameters" not in self.__dict__:
            raise not_initialised(self)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be an nn.Parameter or None, "
                            f"not {type(param).__name__}")
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register state that is not trained (running means, counters). It is in state_dict()
        unless persistent=False, and moves with .to(dtype) like a parameter does."""
        if "_buffers" not in self.__dict__:
            raise not_initialised(self)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None, not {type(tensor).__name__}")
        if "." in name or not name:
            raise KeyError(f"register_buffer: buffer name {name!r} must be non-empty and contain no '.'")
        self._forget(name, keep=self._buffers)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        if "_modules" not in self.__dict__:
            raise not_initialised(self)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module subclass")
        self._forget(name, keep=self._modules)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------ walking the tree
    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        """(dotted name, module) for this module ("") and every module below it, each once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path `target`, e.g. model.get_parameter("encoder.0.weight")."""
        return self._get_named(target, "_parameters", "parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path `target`, e.g. model.get_buffer("bn.running_mean")."""
        return self._get_named(target, "_buffers", "buffer")

    def _get_named(self, target: str, where: str, kind: str):
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in getattr(module, where):
            raise AttributeError(f"get_{kind}: {type(module).__name__} has no {kind} {name!r} (looking for "
                                 f"{target!r}); it has {list(getattr(module, where))}")
        return getattr(module, where)[name]

    def get_submodule(self, target: str) -> "Module":
        """The module at dotted path `target` ("" is self), e.g. model.get_submodule("encoder.0")."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules:
                raise AttributeError(f"get_submodule: {type(module).__name__} has no submodule {part!r} "
                                     f"(looking for {target!r}); it has {list(module._modules)}")
            module = module._modules[part]
        return module

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry: str, prefix: str, recurse: bool):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or id(value) in seen:  # shared: yield it once
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ("0.weight", ...); a shared parameter comes once.

        Layers appended to a plain list after it was assigned (`self.layers = []`, then
        `self.layers.append(nn.Linear(...))`) are looked for here too, and named in a warning."""
        for module in (self.modules() if recurse else [self]):
            for name, value in module.__dict__.items():
                if type(value) in (list, tuple, dict) and value and name[0] != "_":
                    warn_if_hidden(module, name, value)
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # ------------------------------------------------------------ modes and bulk changes
    def train(self, mode: bool = True) -> "Module":
        """Training mode (dropout drops, batch norm uses batch statistics); returns self."""
        if not isinstance(mode, bool):
            raise ValueError("train: mode must be True or False")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: train(False). It does not turn gradients off; use no_grad() for that."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter (None, or zeros with set_to_none=False)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad = Tensor._wrap(np.zeros_like(param._data))

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call fn on every submodule (children first) and then on self; returns self.
        Typical use: a custom weight initialisation."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self, *args, dtype=None, device=None, non_blocking: bool = False) -> "Module":
        """Convert floating parameters and buffers to `dtype` in place (e.g. float64 for gradcheck);
        returns the module. module.to("cpu") and module.to(device) accept the CPU, the only device
        (see tinygrad_edu.device); "cuda" raises an error with the device-agnostic idiom."""
        dtype, device = to_arguments(args, dtype, device)
        check_device(device, "Module.to")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"Module.to: only floating point dtypes are accepted, got {dtype}")
        for stored in list(self.parameters()) + list(self.buffers()):
            if np.issubdtype(stored.dtype, np.floating):
                stored._data = stored._data.astype(dtype)
                if stored.grad is not None:
                    stored.grad = Tensor._wrap(stored.grad._data.astype(dtype))
        return self

    def cpu(self) -> "Module":
        """The module itself: everything is on the CPU."""
        return self

    def cuda(self, device=None) -> "Module":
        raise RuntimeError(f"Module.cuda: there is no GPU here. {CPU_ONLY_HINT} Then model.to(device) works "
                           "everywhere.")

    def double(self) -> "Module":
        return self.to(np.float64)

    def float(self) -> "Module":  # noqa: A003 -- PyTorch's name
        return self.to(np.float32)

    def half(self) -> "Module":
        return self.to(np.float16)

    def type(self, dst_type) -> "Module":  # noqa: A003 -- PyTorch's name
        """The floating parameters and buffers cast to dst_type (module.type(torch.float64))."""
        return self.to(dst_type)

    # ------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook) -> RemovableHandle:
        """hook(module, args) runs before forward; returning a value replaces the args."""
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook) -> RemovableHandle:
        """hook(module, args, output) runs after forward; returning a value replaces the output."""
        self._forward_hooks.append(hook)
        return RemovableHandle(self._forward_hooks, hook)

    def register_full_backward_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_input, grad_output) runs when backward has the gradients of the module's
        tensor inputs (grad_input) and outputs (grad_output); a returned tuple replaces grad_input.
        Grad-CAM's way to get a layer's output gradient (backward_hooks.py)."""
        self._backward_hooks.insert(0, hook) if prepend else self._backward_hooks.append(hook)
        return RemovableHandle(self._backward_hooks, hook)

    def register_full_backward_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_output) runs when backward reaches the module's outputs; a returned
        tuple replaces grad_output."""
        self._backward_pre_hooks.insert(0, hook) if prepend else self._backward_pre_hooks.append(hook)
        return RemovableHandle(self._backward_pre_hooks, hook)

    def register_backward_hook(self, hook) -> RemovableHandle:
        """PyTorch's older form, deprecated there: here it is register_full_backward_hook (PyTorch's old
        hook saw the gradients of the module's last op's inputs, which its docs call a bug)."""
        return self.register_full_backward_hook(hook)

    # ------------------------------------------------------------ state_dict
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Every parameter and persistent buffer by dotted name: a module's own parameters,
        then its own buffers, then its children's, as PyTorch orders them. Values are
        detached Tensors sharing memory with the model (keep_vars=True gives the
        Parameters themselves)."""
        result = OrderedDict()
        for module_prefix, module in self.named_modules(prefix=prefix, remove_duplicate=False):
            dot = module_prefix + "." if module_prefix else ""
            for name, param in module._parameters.items():
                if param is not None:
                    result[dot + name] = param if keep_vars else param.detach()
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    result[dot + name] = buffer if keep_vars else buffer.detach()
        return result

    def load_state_dict(self, state_dict, strict: bool = True) -> _IncompatibleKeys:
        """Copy the values in `state_dict` into this model's parameters and buffers.

        All or nothing: every entry is checked first (missing and unexpected keys
        when strict; always the shape, the dtype and that the value is a Tensor or
        array), every problem is reported in one error, and nothing is copied unless
        all of it loads. (PyTorch copies the entries that fit before it raises.)
        Returns (missing_keys, unexpected_keys).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = []
        if strict and missing:
            errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
        copies = []  # (target, array): made only once every entry has passed
        for key, target in own.items():
            if key in state_dict:
                array, problem = checked_entry(key, state_dict[key], target)
                if problem:
                    errors.append(problem)
                else:
                    copies.append((target, array))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors)
                               + "\nNothing was loaded: the model is unchanged. Hint: the checkpoint must come "
                                 "from the same architecture; strict=False ignores missing and unexpected keys "
                                 "(not shapes or dtypes).")
        with no_grad():
            for target, array in copies:  # same shape, and a cast that cannot fail: these copies cannot raise
                target.copy_(array.astype(target.dtype, copy=False))
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in repr (e.g. 'in_features=2, ...')."""
        return ""

    def __repr__(self) -> str:
        extra_lines = self.extra_repr().split("\n") if self.extra_repr() else []
        child_lines = []
        for name, module in self._modules.items():
            text = repr(module).replace("\n", "\n  ")
            child_lines.append(f"({name}): {text}")
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        parametrized = "Parametrized" if "parametrizations" in self._modules else ""  # PyTorch's name for it
        return f"{parametrized}{type(self).__name__}({body})"
