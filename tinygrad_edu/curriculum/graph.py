"""Lesson 9: look at the graph, then watch backward walk it.

Every op on tensors that require grad records a node: its inputs (parents)
and what it saved for the backward pass. `draw_graph` draws that structure;
after `backward()` the same picture shows each tensor's gradient.

In c = a * b + a the tensor a is used twice, so two paths lead from c back to
a, and the chain rule adds them: dc/da = b + 1. `trace_backward` prints the
engine's steps in order and shows where two incoming gradients are summed.
"""

from __future__ import annotations

import tinygrad_edu as tg
from tinygrad_edu import nn

from .common import Log, out_folder


def expression() -> tuple[tg.Tensor, tg.Tensor, tg.Tensor]:
    """a = 2, b = -3, c = a * b + a: dc/da = b + 1 = -2, dc/db = a = 2."""
    a = tg.Tensor(2.0, requires_grad=True, name="a")
    b = tg.Tensor(-3.0, requires_grad=True, name="b")
    c = a * b + a
    c.name = "c"
    return a, b, c


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False) -> dict:
    from tinygrad_edu import viz
    tg.manual_seed(seed)
    out = out_folder(out_dir, "graph")
    a, b, c = expression()
    figures = [viz.save_graph(c, out / "expression_before.svg")]
    log("c = a * b + a with a = 2, b = -3. The backward pass, step by step:")
    # retain_graph=True keeps the graph's saved values, so it can still be drawn after backward.
    records = viz.trace_backward(c, retain_graph=True, print_fn=log)
    figures.append(viz.save_graph(c, out / "expression_after.svg"))
    log(f"a.grad = {a.grad.item()} (= b + 1: two paths add up), b.grad = {b.grad.item()} (= a)")

    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x, target = tg.randn(4, 2), tg.randn(4, 1)
    loss = nn.functional.mse_loss(net(x), target)
    loss.name = "loss"
    figures.append(viz.save_graph(loss, out / "network_before.svg", names=net))
    loss.backward(retain_graph=True)
    figures.append(viz.save_graph(loss, out / "network_after.svg", names=net))
    log(f"A tiny network Linear(2, 3) -> Tanh -> Linear(3, 1) with MSE: loss = {loss.item():.4f}; "
        "its graph before and after backward is drawn with parameter names and gradients.")
    return {"a_grad": a.grad.item(), "b_grad": b.grad.item(), "trace": records, "figures": figures}
