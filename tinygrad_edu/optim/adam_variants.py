"""Adamax, NAdam and RAdam: Adam's moments with another norm, a Nesterov look-ahead, or a warm-up.

Apart from adam.py so that each update rule stays short enough to read next to
its formula; all three keep Adam's `exp_avg` (the mean of g) under Adam's name.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .optimizer import Optimizer, check_hyper, check_implementation, counted_step, first_step

__all__ = ["Adamax", "NAdam", "RAdam"]


def check_adam_options(name: str, lr, betas, eps, weight_decay, foreach, capturable, differentiable) -> None:
    check_hyper("learning rate", lr)
    check_hyper("epsilon", eps)
    check_hyper("beta parameter at index 0", betas[0], 0.0, 1.0)
    check_hyper("beta parameter at index 1", betas[1], 0.0, 1.0)
    check_hyper("weight_decay", weight_decay)
    check_implementation(name, foreach=foreach, capturable=capturable, differentiable=differentiable)


def decay_weights(param: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
    """Weight decay as an L2 penalty on the gradient, or decoupled (AdamW's x *= 1 - lr * wd).
    Returns the gradient to use (after maximize's sign flip)."""
    if group["maximize"]:
        grad = -grad
    weight_decay = group["weight_decay"]
    if weight_decay != 0:
        if group.get("decoupled_weight_decay", False):
            param *= 1 - group["lr"] * weight_decay
        else:
            grad = grad + weight_decay * param
    return grad


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7): Adam with the infinity norm in place of the root mean square:

        g = g + weight_decay * x
        m = m + (1 - beta1) * (g - m)
        u = max(beta2 * u, |g| + eps)
        x = x - lr / (1 - beta1^t) * m / u
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False):
        check_adam_options("Adamax", lr, betas, eps, weight_decay, foreach, capturable, differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"step": "step", "exp_avg": "buffer", "exp_inf": "buffer"}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        step = counted_step(state)
        grad = decay_weights(param, grad, group)
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        param -= group["lr"] / (1 - beta1 ** step) * (exp_avg / exp_inf)


class NAdam(Optimizer):
    """NAdam (Dozat): Adam with Nesterov momentum, whose beta1 warms up by momentum_decay (psi):

        mu_t = beta1 * (1 - 0.96^(t * psi) / 2),   P_t = mu_1 * ... * mu_t
        m = m + (1 - beta1) * (g - m);   v = beta2 * v + (1 - beta2) * g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        x = x - lr * (1 - mu_t) / (1 - P_t) * g / d - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d

    Weight decay is an L2 penalty on g, or decoupled (x *= 1 - lr * wd) with decoupled_weight_decay.
    P_t ('mu_product') is kept in float32, as PyTorch keeps it, so the steps agree to the last digits;
    load_state_dict casts it to the parameter's dtype, as PyTorch's does.
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False):
        check_adam_options("NAdam", lr, betas, eps, weight_decay, foreach, capturable, differentiable)
        check_hyper("momentum_decay", momentum_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"step": "step", "mu_product": "count", "exp_avg": "buffer", "exp_avg_sq": "buffer"}

    def initial_state(self, param: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": first_step(), "mu_product": np.ones((), np.float32), "exp_avg": np.zeros_like(param),
                "exp_avg_sq": np.zeros_like(param)}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), psi = group["lr"], group["betas"], group["momentum_decay"]
        step = counted_step(state)
        grad = decay_weights(param, grad, group)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        # P_t keeps its dtype: float32 from the first step, the parameter's once loaded (as in PyTorch).
        kind = np.asarray(state["mu_product"]).dtype.type
        mu_product = state["mu_product"] = np.asarray(state["mu_product"] * kind(mu), dtype=kind)
        mu_product_next = float(mu_product) * mu_next
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = np.sqrt(exp_avg_sq / (1 - beta2 ** step))
        denom += group["eps"]
        param += (-lr * (1.0 - mu) / (1.0 - float(mu_product))) * (grad / denom)
        param += (-lr * mu_next / (1.0 - mu_product_next)) * (exp_avg / denom)


class RAdam(Optimizer):
    """RAdam (Liu et al.): Adam whose adaptive step is switched on only once the variance of v's
    estimate is tractable (rho_t > 5), and then scaled by the rectification r_t:

        rho_inf = 2 / (1 - beta2) - 1,   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        m_hat = m / (1 - beta1^t)
        x = x - lr * m_hat                                                       (rho_t <= 5)
        x = x - lr * m_hat * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)           (rho_t > 5)
        r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))

    Weight decay is an L2 penalty on g, or decoupled (x *= 1 - lr * wd) with decoupled_weight_decay.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        check_adam_options("RAdam", lr, betas, eps, weight_decay, foreach, capturable, differentiable)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def state_spec(self, group: dict[str, Any]) -> dict[str, str]:
        return {"step": "step", "exp_avg": "buffer", "exp_avg_sq": "buffer"}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2) = group["lr"], group["betas"]
        step = counted_step(state)
        grad = decay_weights(param, grad, group)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / (np.sqrt(exp_avg_sq) + group["eps"])
            param -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            param -= bias_corrected_exp_avg * lr
