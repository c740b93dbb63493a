"""Stochastic gradient descent, with momentum, dampening, weight decay and Nesterov."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, check_hyper, check_implementation

__all__ = ["SGD"]


class SGD(Optimizer):
    """SGD, PyTorch's formulation (momentum buffer b, gradient g, parameter x):

        g = g + weight_decay * x
        b = g                                  (first step)
        b = momentum * b + (1 - dampening) * g (later steps)
        g = g + momentum * b   if nesterov else   g = b
        x = x - lr * g

    With momentum=0 this is plain gradient descent, x = x - lr * g.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None):
        check_hyper("learning rate", lr)
        check_hyper("momentum", momentum)
        check_hyper("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening")
        check_implementation("SGD", foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"momentum_buffer": "optional buffer"}

    def initial_state(self, param: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {}  # the buffer is made by the first step with momentum (and none without)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        momentum = group["momentum"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()  # a copy: the buffer is updated in place
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * grad
