"""Adagrad: per-coordinate learning rates that shrink with the sum of squared gradients."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, as_tensors, check_hyper, check_implementation, counted_step, first_step

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), PyTorch's formulation. At step t, with gradient g:

        g = g + weight_decay * x
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g^2                       (s starts at initial_accumulator_value)
        x = x - clr * g / (sqrt(s) + eps)
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None):
        check_hyper("learning rate", lr)
        check_hyper("lr_decay", lr_decay)
        check_hyper("weight_decay", weight_decay)
        check_hyper("initial_accumulator_value", initial_accumulator_value)
        check_hyper("epsilon", eps)
        check_implementation("Adagrad", foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # PyTorch's Adagrad fills its state at once: step 0 and the sums
            for p in group["params"]:
                self.state[p].update(as_tensors(self.initial_state(p._data, group)))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"step": "step", "sum": "buffer"}

    def initial_state(self, param: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": first_step(), "sum": np.full_like(param, group["initial_accumulator_value"])}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        step = counted_step(state)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        std = np.sqrt(state["sum"])
        std += group["eps"]
        param -= clr * (grad / std)
