"""Lesson 3: the forward pass of a [784, 128, 64, 10] MLP, layer by layer.

A batch of B flattened 28x28 images is a (B, 784) matrix. Each Linear layer
computes y = x W^T + b, turning (B, n_in) into (B, n_out) with n_in * n_out
weights and n_out biases; ReLU keeps the shape. The last layer gives 10
scores per image (logits), and softmax turns them into probabilities.
"""

from __future__ import annotations

import tinygrad_edu as tg
from tinygrad_edu import nn

from .common import Log, out_folder, table

SIZES = [784, 128, 64, 10]


def make_mlp(sizes: list[int] = SIZES) -> nn.Sequential:
    """Linear, ReLU, Linear, ReLU, ..., Linear (no activation after the last layer: it gives logits)."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        batch_size: int = 32) -> dict:
    from tinygrad_edu import viz
    tg.manual_seed(seed)
    out = out_folder(out_dir, "forward")
    model = make_mlp()
    x = tg.randn(batch_size, SIZES[0])
    rows, shapes = [["input", "", tuple(x.shape), 0]], [tuple(x.shape)]
    for name, layer in model.named_children():
        x = layer(x)
        count = sum(p.numel() for p in layer.parameters())
        rows.append([name, type(layer).__name__, tuple(x.shape), count])
        shapes.append(tuple(x.shape))
    log(f"A batch of {batch_size} inputs through the MLP {SIZES}:")
    result_table = table(["layer", "kind", "output shape", "parameters"], rows, log)
    total = sum(p.numel() for p in model.parameters())
    probs = x.softmax(-1)
    log(f"{total} parameters in all. softmax turns each row of logits into probabilities "
        f"(row 0 sums to {probs[0].sum().item():.4f}).")
    # The graph of one example's forward pass: small enough to read.
    logits = model(tg.randn(1, SIZES[0]))
    graph = viz.save_graph(logits.sum(), out / "graph.svg", show_grads=False, names=model)
    return {"shapes": shapes, "parameters": total, "table": result_table, "figures": [graph]}
