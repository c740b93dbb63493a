"""Module backward hooks: `module.register_full_backward_hook(hook)`, as Grad-CAM and the
gradient-watching lessons use them, and `register_full_backward_pre_hook(hook)`.

`hook(module, grad_input, grad_output)` sees the gradients of the module's outputs (grad_output)
and of its tensor inputs (grad_input: None where an input needs no gradient) once backward has
computed them; a tuple it returns replaces grad_input. A pre-hook, `hook(module, grad_output)`,
sees grad_output first and may replace it.

How, with nothing but the op protocol: while a module has such hooks, its call puts an identity op
(`BackwardHookFunction`, one node for all its tensors) on its inputs before forward and another on its
outputs after. Backward reaches the outputs' node first, with every output's gradient at once
(grad_output), and the inputs' node later, with the gradients forward's graph sent back to the
inputs (grad_input): exactly what flowed through the module. A module without backward hooks
runs as before: its call checks one list.
"""

from __future__ import annotations

import warnings

from ..autograd import Function
from ..tensor import Tensor


class BackwardHookFunction(Function):
    """The identity on a module's tensors (its inputs or its outputs); its backward runs the hooks."""

    @staticmethod
    def forward(ctx, *tensors, call, side):
        ctx.call, ctx.side = call, side
        ctx.set_materialize_grads(False)  # None for an output the loss does not use, as PyTorch's hooks see
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        return ctx.call.outputs_reached(grads) if ctx.side == "outputs" else ctx.call.inputs_reached(grads)


class HookedCall:
    """One call of a module with backward hooks: what its two BackwardHookFunction nodes share."""

    def __init__(self, module, hooks: list, pre_hooks: list):
        self.module, self.hooks, self.pre_hooks = module, list(hooks), list(pre_hooks)
        self.grad_output, self.inputs_need = None, ()

    def wrap_inputs(self, args: tuple) -> tuple:
        """args with each tensor that requires grad passed through one BackwardHookFunction node."""
        places = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.inputs_need = tuple(isinstance(a, Tensor) and a.requires_grad for a in args if isinstance(a, Tensor))
        if not places:
            return args
        passed = BackwardHookFunction.apply(*(args[i] for i in places), call=self, side="inputs")
        passed = passed if isinstance(passed, tuple) else (passed,)
        args = list(args)
        for i, t in zip(places, passed):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, output):
        """The module's output (a tensor, or a tuple or list of them) through one BackwardHookFunction node."""
        outs = list(output) if isinstance(output, (tuple, list)) else [output]
        places = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
        if not places:
            return output
        passed = BackwardHookFunction.apply(*(outs[i] for i in places), call=self, side="outputs")
        passed = passed if isinstance(passed, tuple) else (passed,)
        for i, t in zip(places, passed):
            outs[i] = t
        return type(output)(outs) if isinstance(output, (tuple, list)) else outs[0]

    def outputs_reached(self, grads: tuple) -> tuple:
        for hook in self.pre_hooks:
            new = hook(self.module, grads)
            if new is not None:
                grads = tuple(new) if isinstance(new, (tuple, list)) else (new,)
        self.grad_output = grads
        if not any(self.inputs_need) and self.hooks:  # no input needs a gradient: the hooks run now, grad_input None
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients.", UserWarning, stacklevel=2)
            self.run_hooks((None,) * max(len(self.inputs_need), 1))
        return grads

    def inputs_reached(self, grads: tuple) -> tuple:
        full = iter(grads)  # one per input that requires grad; None for the other tensor inputs
        grad_input = tuple(next(full) if needs else None for needs in self.inputs_need)
        grad_input = self.run_hooks(grad_input)
        return tuple(g for g, needs in zip(grad_input, self.inputs_need) if needs)

    def run_hooks(self, grad_input: tuple) -> tuple:
        for hook in self.hooks:
            new = hook(self.module, grad_input, self.grad_output)
            if new is not None:
                new = tuple(new) if isinstance(new, (tuple, list)) else (new,)
                if len(new) != len(grad_input):
                    raise RuntimeError(f"backward hook of {type(self.module).__name__}: returned {len(new)} "
                                       f"gradients for {len(grad_input)} inputs; return one per tensor input "
                                       "(None where there is none), or None to keep them")
                grad_input = new
        return grad_input
