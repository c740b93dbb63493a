"""The autograd machinery: the op protocol, the backward engine and the grad modes.

A Tensor made by an op that needs gradients holds the op's ctx as its graph
node in `tensor._ctx` (public name: `grad_fn`). The node holds the op's
`inputs` and what its forward saved. That is the whole graph: the engine,
the graph renderer and the backward tracer all read it.

There are no reference cycles: a node never holds its own output tensor, so
a graph is freed the moment its last tensor is dropped.

- function.py  Function (PyTorch's custom-op protocol) and TensorBase
- engine.py    run_backward, grad, hooks
- mode.py      no_grad, enable_grad, set_grad_enabled, detect_anomaly, set_detect_anomaly
- functional.py  jacobian, hessian, vjp, jvp, hvp, vhp (PyTorch's torch.autograd.functional)
- gradcheck.py   gradcheck, gradgradcheck: autograd's derivatives against finite differences

This package imports nothing from the rest of tinygrad_edu.
"""

from . import (
    functional as functional,  # jacobian, hessian, vjp, jvp, hvp, vhp: tinygrad_edu.autograd.functional, as torch's
)
from .engine import (
    RemovableHandle,
    backward,
    backward_observers,
    grad,
    retain,
    run_backward,
    seed_gradient,
    topological_order,
    unbroadcast,
)
from .function import Function, TensorBase
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .mode import (
    Mode,
    check_finite,
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    module_stack,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
    user_frame,
)
from .variable import Variable as Variable  # PyTorch's pre-0.4 name: returns a Tensor

__all__ = [
    "Function", "no_grad", "inference_mode", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "run_backward", "grad", "backward", "TensorBase",
    "gradcheck", "gradgradcheck", "GradcheckError",
    # for the rest of the package: the engine's helpers and the switches every op reads
    "RemovableHandle", "retain", "seed_gradient", "topological_order", "unbroadcast", "Mode", "check_finite",
    "module_stack", "user_frame", "backward_observers",
]
