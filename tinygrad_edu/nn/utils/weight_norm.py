"""nn.utils.weight_norm and remove_weight_norm: weight norm the older way, still in many tutorials and
checkpoints (PyTorch deprecates it for nn.utils.parametrizations.weight_norm, and warns; so does this).

The weight w = g * v / ||v|| (see parametrizations.py) is replaced by two parameters, `weight_g` and
`weight_v` (the state_dict keys of old checkpoints), and a forward pre-hook recomputes `module.weight`, a
plain tensor attribute, from them before each forward.
"""

from __future__ import annotations

import warnings

from ..module import Module, Parameter
from .parametrizations import norm_except_dim, weight_normed

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


class WeightNorm:
    """The forward pre-hook: module.<name> = <name>_v * <name>_g / ||<name>_v||."""

    def __init__(self, name: str, dim: int):
        self.name, self.dim = name, dim

    def compute_weight(self, module: Module):
        return weighted(module, self.name, self.dim)

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weighted(module: Module, name: str, dim: int):
    return weight_normed(getattr(module, name + "_v"), getattr(module, name + "_g"), dim)


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Replace module.<name> by <name>_g (its norm over every dim but `dim`; dim=None or -1: over all) and
    <name>_v (its direction, the old weight itself), recombined before each forward."""
    warnings.warn("`nn.utils.weight_norm` is deprecated in favor of `nn.utils.parametrizations.weight_norm`.",
                  FutureWarning, stacklevel=2)
    for hook in module._forward_pre_hooks:
        if isinstance(hook, WeightNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
    dim = -1 if dim is None else dim
    weight = getattr(module, name)
    del module._parameters[name]
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))  # the same numbers, shared
    hook = WeightNorm(name, dim)
    setattr(module, name, hook.compute_weight(module))
    module.register_forward_pre_hook(hook)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo weight_norm: module.<name> becomes one parameter again, holding g * v / ||v||."""
    for hook in module._forward_pre_hooks:
        if isinstance(hook, WeightNorm) and hook.name == name:
            weight = hook.compute_weight(module).detach()
            delattr(module, name)
            del module._parameters[name + "_g"], module._parameters[name + "_v"]
            setattr(module, name, Parameter(weight))
            module._forward_pre_hooks.remove(hook)
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
