# %% [markdown]
# # Lesson 6: vanishing and exploding gradients, and gradient clipping
#
# Backpropagation multiplies one factor per layer on its way from the loss back to the input:
# the layer's weights (W^T) times its activation's derivative. Whether those factors are below or
# above 1 decides what the early layers receive.
#
# - **Vanishing.** Sigmoid's derivative is at most 0.25, and with PyTorch's default initialisation
#   the weights do not make up for it: through ten sigmoid layers the gradient reaching the first
#   layer is orders of magnitude smaller than at the last. The early layers barely learn.
# - **Steady.** ReLU's derivative is 1 where a unit is active, and He (Kaiming) initialisation,
#   weights ~ N(0, 2 / fan_in), is the scale at which each layer keeps the gradient's size.
# - **Exploding.** A tanh network whose weights are too large, N(0, 10^2 / width): tanh keeps every
#   activation between -1 and 1, so the forward pass stays bounded, but on the way back each layer
#   multiplies the gradient by about 2 (large W^T times a tanh' that is not small enough; the table's
#   "growth per layer" column gives the average factor). The gradient grows layer by layer towards
#   the input; one SGD step would throw the first layers far away.
#
# `clip_grad_norm_(parameters, max_norm)` rescales all gradients together so their total norm is at
# most max_norm, keeping their direction:
#
#     g <- g * min(1, max_norm / ||g||)
#
# All the networks are float64, so even the deep ones (`--depth 30`) stay finite.
#
# Run it: `tinygrad-edu gradients` (or `--depth 30`) or `python examples/06_vanishing_exploding.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn, viz
from tinygrad_edu.curriculum.common import Log, out_folder, table

WIDTH = 64
EXPLODING_GAIN = 10.0  # weights ~ N(0, gain^2 / width): far above tanh's stable scale, gain 1

# %% [markdown]
# ## Three deep networks and their gradient per layer

# %%
def deep_network(activation: type, depth: int = 10, width: int = WIDTH, init: str = "default") -> nn.Sequential:
    """`depth` Linear layers with `activation` between them, in float64. init: "default" (PyTorch's
    Linear), "he" (kaiming_normal_ for ReLU), or "large" (N(0, EXPLODING_GAIN^2 / width), zero bias)."""
    layers = []
    for i in range(depth):
        linear = nn.Linear(width, width)
        if init == "he":
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        elif init == "large":
            nn.init.normal_(linear.weight, std=EXPLODING_GAIN / np.sqrt(width))
            nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < depth - 1:
            layers.append(activation())
    return nn.Sequential(*layers).double()


def weight_grad_norms(model: nn.Module) -> list[float]:
    """The gradient norm of each Linear layer's weight, input side first."""
    return [float(np.linalg.norm(p.grad.numpy())) for name, p in model.named_parameters() if name.endswith("weight")]


def backward_once(model: nn.Module, x: tg.Tensor) -> list[float]:
    """One backward of a simple loss, mean(output^2); returns weight_grad_norms."""
    model.zero_grad()
    model(x).pow(2).mean().backward()
    return weight_grad_norms(model)


def growth_per_layer(norms: list[float]) -> float:
    """How much the gradient norm grows per layer from the output back to the input (geometric mean of
    layer i's norm / layer i+1's norm). Below 1: it shrinks towards the input. Layers whose norm
    underflowed to 0 (a very deep sigmoid network) are left out."""
    norms = np.asarray(norms)
    both = (norms[:-1] > 0) & (norms[1:] > 0)
    return float(np.exp(np.mean(np.log(norms[:-1][both] / norms[1:][both]))))

# %% [markdown]
# ## Run the lesson
#
# The figure puts all four on one log axis, so sizes can be compared across networks: the sigmoid
# line falls towards the input, the ReLU line stays level, the exploding line climbs towards the
# input, and the clipped line is the exploding one moved down, all at once, to a total norm of 1.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        depth: int = 10) -> dict:
    if depth < 2:
        raise ValueError(f"gradients: depth must be at least 2, got {depth}: one Linear layer has no activation "
                         "in it, and the growth from layer to layer needs two layers to measure")
    tg.manual_seed(seed)
    out = out_folder(out_dir, "gradients")
    x = tg.randn(64, WIDTH, dtype=tg.float64)
    nets = {"sigmoid (vanishing)": deep_network(nn.Sigmoid, depth),
            "ReLU, He init (steady)": deep_network(nn.ReLU, depth, init="he"),
            f"tanh, weights N(0, {EXPLODING_GAIN:g}²/width) (exploding)": deep_network(nn.Tanh, depth, init="large")}
    norms = {name: backward_once(model, x) for name, model in nets.items()}
    growth = {name: growth_per_layer(n) for name, n in norms.items()}
    rows = [[name, n[0], n[-1], n[0] / n[-1], growth[name]] for name, n in norms.items()]
    log(f"Gradient norms in a {depth}-layer network, first (input) layer vs last:")
    result_table = table(["network", "first layer", "last layer", "first / last", "growth per layer"], rows, log)
    underflowed = {name: sum(v == 0 for v in n) for name, n in norms.items() if 0 in n}
    for name, count in underflowed.items():
        log(f"{name}: in {count} layers the gradient is below float64's smallest number and shows as 0.")

    exploding = list(nets.values())[-1]
    max_norm = 1.0
    total = float(np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in exploding.parameters())))
    if not np.isfinite(total):
        raise ValueError(f"gradients: at depth {depth} the exploding network's gradient overflows even float64 "
                         f"(norm {total}); no clipping can rescale an infinite norm. Use a smaller --depth "
                         f"(up to a few hundred layers).")
    before = float(nn.utils.clip_grad_norm_(exploding.parameters(), max_norm))
    after = float(np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in exploding.parameters())))
    clipped = weight_grad_norms(exploding)
    log(f"Exploding case: the total gradient norm is {before:.3g}; clip_grad_norm_(max_norm={max_norm}) "
        f"multiplies every gradient by {max_norm / before:.3g}, so the total norm becomes {after:.3g} and the "
        f"direction is unchanged.")

    figure = out / "grad_norms.png"
    viz.plot_grad_norms({**norms, f"exploding, after clip_grad_norm_(max_norm={max_norm:g})": clipped},
                        title=f"Gradient norm per layer, {depth}-layer networks, one shared log axis", save=figure)
    sigmoid, exploding_growth = list(growth.values())[0], list(growth.values())[2]
    caption = (f"All four on one log axis, input on the left. Sigmoid's gradient shrinks {1 / sigmoid:.1f}x per layer "
               f"towards the input (vanishing); ReLU with He init stays level; the large-weight tanh network's grows "
               f"{exploding_growth:.1f}x per layer (exploding); clipping moves that whole line down to total norm "
               f"{max_norm:g}, same shape.")
    return {"captions": {figure.name: caption}, "norms": norms, "clipped_norms": clipped, "growth": growth,
            "ratio": {name: n[0] / n[-1] for name, n in norms.items()},
            "clip_before": before, "clip_after": after, "max_norm": max_norm,
            "table": result_table, "figures": [figure]}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
