"""Lesson 2: activation functions and their derivatives, from autograd.

A network without a non-linearity between its layers collapses into one
linear map. The usual choices and their derivatives (the closed forms):

    sigmoid(x) = 1 / (1 + e^-x)          sigmoid'(x) = s (1 - s), at most 0.25
    tanh(x)                               tanh'(x)    = 1 - tanh(x)^2
    relu(x)    = max(0, x)                relu'(x)    = 1 if x > 0 else 0
    leaky_relu = x if x > 0 else 0.01 x   leaky'(x)   = 1 if x > 0 else 0.01
    gelu(x)    = x Phi(x)                 gelu'(x)    = Phi(x) + x phi(x)

Here autograd computes each derivative (one backward through the function)
and the lesson checks it against the closed form.
"""

from __future__ import annotations

import math

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.nn import functional as F

from .common import Log, out_folder, table

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]


def normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def closed_form_derivative(name: str, x: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-x))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(x) ** 2
    if name == "relu":
        return (x > 0).astype(x.dtype)
    if name == "leaky_relu":
        return np.where(x > 0, 1.0, 0.01)
    if name == "gelu":
        return normal_cdf(x) + x * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    raise ValueError(f"closed_form_derivative: unknown activation {name!r}; known: {NAMES}")


def autograd_derivative(name: str, x: np.ndarray) -> np.ndarray:
    """d activation(x)/dx at every point: one backward through sum(activation(x)),
    since each output depends only on its own input."""
    xt = tg.tensor(x, requires_grad=True)
    (dx,) = tg.grad(getattr(F, name)(xt).sum(), xt)
    return dx.numpy()


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False) -> dict:
    from tinygrad_edu import viz
    out = out_folder(out_dir, "activations")
    # float64 so the comparison is limited by the maths, not by float32 rounding; avoid x = 0 exactly,
    # where relu has no derivative (autograd uses 0 there, as PyTorch does).
    x = np.linspace(-4, 4, 400, dtype=np.float64)
    errors, rows = {}, []
    for name in NAMES:
        errors[name] = float(np.abs(autograd_derivative(name, x) - closed_form_derivative(name, x)).max())
        peak = float(closed_form_derivative(name, x).max())
        rows.append([name, errors[name], peak])
    log("Derivatives by autograd vs the closed forms, on 400 points in [-4, 4]:")
    result_table = table(["activation", "max |autograd - closed form|", "largest slope"], rows, log)
    log("sigmoid's slope is never above 0.25: stack ten sigmoid layers and the gradient shrinks "
        "by at least 0.25^10 (lesson 6).")
    figure = out / "activations.png"
    viz.plot_activations(NAMES, save=figure)
    return {"max_error": errors, "table": result_table, "figures": [figure]}
