"""Adadelta: an update whose size needs no learning rate, from two running averages."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, check_hyper, check_implementation, counted_step

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler), PyTorch's formulation, with gradient g:

        g = g + weight_decay * x
        s = rho * s + (1 - rho) * g^2                         (running mean of g^2)
        d = sqrt(u + eps) / sqrt(s + eps) * g                 (u: running mean of d^2 so far)
        u = rho * u + (1 - rho) * d^2
        x = x - lr * d

    The ratio of the two roots gives d the units of x, so lr=1.0 (the default) is the paper's method.
    """

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False):
        check_hyper("learning rate", lr)
        if not isinstance(rho, (int, float)) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho!r} (it must be in [0, 1])")
        check_hyper("epsilon", eps)
        check_hyper("weight_decay", weight_decay)
        check_implementation("Adadelta", foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"step": "step", "square_avg": "buffer", "acc_delta": "buffer"}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        counted_step(state)  # (the update does not read it)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta
