"""Grader of sgd_momentum: the learner's sgd_step against tinygrad_edu.optim.SGD, step by step.

Each setting (plain, momentum, dampening, Nesterov, weight decay, all together)
runs five steps on the same parameter and gradients through the learner's
function and through optim.SGD. The first step that differs is named, and the
learner's result is compared with the usual slips (dampening on the first step,
the learning rate inside the buffer, an average instead of a sum, Nesterov
forgotten, weight decay with the wrong sign) to say which one it is.
"""

from __future__ import annotations

import functools

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import optim

from .grading import CheckResult, find_target, first_difference

NAME = "sgd_momentum"
SUMMARY = "one step of SGD with momentum, dampening, Nesterov and weight decay, checked against optim.SGD"

SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.8, dampening=0.3),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.1, weight_decay=0.05),
    dict(lr=0.05, momentum=0.7, weight_decay=0.1, nesterov=True),
]
STEPS = 5


def reference_steps(x0: np.ndarray, grads: list, setting: dict) -> list:
    """The parameter after each step, by tinygrad_edu.optim.SGD."""
    param = tg.tensor(x0.copy(), requires_grad=True)
    optimizer = optim.SGD([param], **setting)
    out = []
    for g in grads:
        param.grad = tg.tensor(g.copy())
        optimizer.step()
        out.append(param.detach().numpy().copy())
    return out


def slip_steps(x0: np.ndarray, grads: list, setting: dict, slip: str) -> list:
    """The parameter after each step with one known slip in the formulas."""
    lr, m = setting["lr"], setting.get("momentum", 0.0)
    d, wd, nesterov = setting.get("dampening", 0.0), setting.get("weight_decay", 0.0), setting.get("nesterov", False)
    x, buf, out = x0.copy(), None, []
    for g in grads:
        decay = (-wd if slip == "decay sign" else wd) * x
        if slip != "decay after momentum":
            g = g + decay
        if m != 0:
            old = buf
            if buf is None:
                buf = (1 - d) * g if slip == "damp first" else g
            elif slip == "average":
                buf = m * buf + (1 - m) * g
            elif slip == "no dampening":
                buf = m * buf + g
            elif slip == "dampening for 1 - dampening":
                buf = m * buf + d * g
            else:
                buf = m * buf + (1 - d) * g
            if nesterov and slip == "nesterov old buffer":
                g = g + m * (buf if old is None else old)
            elif nesterov and slip != "nesterov ignored":
                g = g + m * buf
            else:
                g = buf
        if slip == "decay after momentum":
            g = g + decay
        if slip == "sign":
            x = x + lr * g
        else:
            x = x - lr * g
        out.append(x)
    return out


SLIPS = {
    "sign": "the step goes uphill: x = x - lr * g (minus).",
    "damp first": "on the first step the buffer is the gradient itself, b = g, without (1 - dampening).",
    "average": "that is an average, b = momentum b + (1 - momentum) g; PyTorch's buffer is "
               "b = momentum b + (1 - dampening) g (a sum when dampening = 0).",
    "no dampening": "dampening is ignored: later steps use b = momentum b + (1 - dampening) g.",
    "nesterov ignored": "with nesterov=True the step uses g + momentum * b, not b.",
    "decay sign": "weight decay adds to the gradient: g = g + weight_decay * x.",
    "dampening for 1 - dampening": "the buffer takes (1 - dampening) of the new gradient, b = momentum b + "
                                   "(1 - dampening) g, not dampening g.",
    "nesterov old buffer": "with nesterov=True the step is g + momentum * b with this step's buffer, after b is "
                           "updated, not the previous step's.",
    "decay after momentum": "weight decay goes into the gradient first, g = g + weight_decay * x, before the "
                            "momentum buffer is updated with g (here it is added after the buffer, to the step only).",
}


def grade(target, report: CheckResult, seconds: float = 60.0) -> None:
    step = find_target(report, target, "sgd_step", seconds=seconds)
    if step is None:
        return
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((2, 3))
    grads = [rng.standard_normal((2, 3)) for _ in range(STEPS)]
    steps = [(", ".join(f"{k}={v}" for k, v in setting.items()),
              functools.partial(check_setting, step, setting, x0, grads)) for setting in SETTINGS]
    report.run_in_order(steps, seconds)


def check_setting(step, setting: dict, x0, grads, line) -> None:
    expected = reference_steps(x0, grads, setting)
    x, state, got, given = x0.copy(), {}, [], []
    for n, g in enumerate(grads):
        g_copy = g.copy()
        given.append(g_copy)
        x = step(x.copy(), g_copy, state, **setting)
        if x is None:
            line.fail("sgd_step returned None", "return the new parameter, param - lr * g.")
        x = np.array(x, dtype=float)
        if not np.array_equal(g_copy, g):
            line.fail("sgd_step changed the gradient array it was given",
                      "work on a copy: g = grad + weight_decay * param makes a new array.")
        # An earlier step's gradient changed now: the buffer kept that array itself (b = g) and is updated in place.
        changed = [k for k in range(n) if not np.array_equal(given[k], grads[k])]
        if changed:
            line.fail(f"step {n + 1} changed the gradient array given to step {changed[0] + 1}",
                      "the momentum buffer is that gradient array itself (b = g, no copy), and updating the buffer "
                      "in place (b *= momentum) changes it: start the buffer from a copy, b = g.copy().")
        if x.shape != x0.shape:
            line.fail(f"sgd_step returned shape {x.shape} for a parameter of shape {x0.shape}")
        got.append(x)
    for n, (e, g) in enumerate(zip(expected, got)):
        where = first_difference(e, g)
        if where is None:
            continue
        what = "the first step" if n == 0 else f"step {n + 1}"
        hint = next((SLIPS[slip] for slip in SLIPS
                     if np.allclose(slip_steps(x0, grads, setting, slip)[n], g, rtol=1e-6, atol=1e-9)), "")
        if not hint and n > 0 and setting.get("momentum"):
            hint = "the first step is right, so look at the buffer: keep it in state['momentum_buffer'] and " \
                   "update it on every later step."
        line.fail(f"{what} differs from optim.SGD: param{list(where)} is {g[where]:.6g}, expected {e[where]:.6g}",
                  hint or "compare each line with the formulas in the docstring.")
    line.note(f"{STEPS} steps agree with optim.SGD")
