"""Lesson 6: vanishing and exploding gradients, and gradient clipping.

Backpropagation multiplies one local derivative per layer. Sigmoid's is at
most 0.25, so through ten sigmoid layers the gradient reaching the first
layer is many orders of magnitude smaller than at the last: the early
layers barely learn (vanishing). ReLU's derivative is 1 where it is active,
and with He (Kaiming) initialisation the gradient keeps its size.

Weights that are too large do the opposite: activations and gradients
grow by a constant factor at every layer, and the gradient norm reaches
millions (exploding): one step would throw the weights far away. `clip_grad_norm_` rescales all
gradients together so their total norm is at most max_norm:

    g <- g * min(1, max_norm / ||g||)
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn

from .common import Log, out_folder, table


def deep_network(activation: type, depth: int = 10, width: int = 32, init_gain: float | None = None) -> nn.Sequential:
    """`depth` Linear layers with `activation` between them. With init_gain, weights ~ N(0, gain^2 / width)."""
    layers = []
    for i in range(depth):
        linear = nn.Linear(width, width)
        if init_gain is not None:
            nn.init.normal_(linear.weight, std=init_gain / np.sqrt(width))
        elif activation is nn.ReLU:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        layers.append(linear)
        if i < depth - 1:
            layers.append(activation())
    return nn.Sequential(*layers)


def layer_grad_norms(model: nn.Module, x: tg.Tensor) -> list[float]:
    """One backward of a simple loss; the gradient norm of each Linear layer's weight, input side first."""
    model.zero_grad()
    model(x).pow(2).mean().backward()
    return [float(np.linalg.norm(p.grad.numpy())) for name, p in model.named_parameters() if name.endswith("weight")]


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        depth: int = 10) -> dict:
    from tinygrad_edu import viz
    tg.manual_seed(seed)
    out = out_folder(out_dir, "gradients")
    x = tg.randn(64, 32)
    nets = {"sigmoid": deep_network(nn.Sigmoid, depth), "relu": deep_network(nn.ReLU, depth),
            "exploding": deep_network(nn.ReLU, depth, init_gain=3.0)}
    norms, figures = {}, []
    for name, model in nets.items():
        norms[name] = layer_grad_norms(model, x)
        figure = out / f"grad_flow_{name}.png"
        viz.plot_grad_flow(model, title=f"Gradient norm per layer: {name}", save=figure)
        figures.append(figure)
    rows = [[name, n[0], n[-1], n[0] / n[-1]] for name, n in norms.items()]
    log(f"Gradient norms in a {depth}-layer network, first (input) layer vs last:")
    result_table = table(["network", "first layer", "last layer", "first / last"], rows, log)

    exploding = nets["exploding"]
    max_norm = 1.0
    before = float(nn.utils.clip_grad_norm_(exploding.parameters(), max_norm))
    after = float(np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in exploding.parameters())))
    log(f"Exploding case: total gradient norm {before:.3g}; clip_grad_norm_(max_norm={max_norm}) "
        f"rescales it to {after:.3g}.")
    return {"norms": norms, "ratio": {name: n[0] / n[-1] for name, n in norms.items()},
            "clip_before": before, "clip_after": after, "max_norm": max_norm,
            "table": result_table, "figures": figures}
