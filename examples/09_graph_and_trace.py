# %% [markdown]
# # Lesson 9: look at the graph, then watch backward walk it
#
# Every op on tensors that require grad records a node: its inputs and what it saved for the
# backward pass. `draw_graph` draws that structure; after `backward()` the same picture shows each
# tensor's gradient.
#
# In c = a * b + a the tensor a is used twice, so two paths lead from c back to a, and the chain
# rule adds them: dc/da = b + 1. `trace_backward` prints the engine's steps in order and shows where
# two incoming gradients are summed.
#
# Run it: `tinygrad-edu graph` or `python examples/09_graph_and_trace.py`.

# %%
from __future__ import annotations

import tinygrad_edu as tg
from tinygrad_edu import nn, viz
from tinygrad_edu.curriculum.common import Log, out_folder, save_graph

# %% [markdown]
# ## The expression

# %%

def expression() -> tuple[tg.Tensor, tg.Tensor, tg.Tensor]:
    """a = 2, b = -3, c = a * b + a: dc/da = b + 1 = -2, dc/db = a = 2."""
    a = tg.Tensor(2.0, requires_grad=True, name="a")
    b = tg.Tensor(-3.0, requires_grad=True, name="b")
    c = a * b + a
    c.name = "c"
    return a, b, c


# %% [markdown]
# ## Run the lesson
#
# The expression's graph before and after backward, the engine's steps printed in order, then a
# tiny network's graph with its parameter names.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "graph")
    a, b, c = expression()
    figures = [save_graph(c, out / "expression_before.svg", log=log)]
    log("c = a * b + a with a = 2, b = -3. The backward pass, step by step:")
    # retain_graph=True keeps the graph's saved values, so it can still be drawn after backward.
    records = viz.trace_backward(c, retain_graph=True, print_fn=log)
    figures.append(save_graph(c, out / "expression_after.svg", log=log))
    log(f"a.grad = {a.grad.item()} (= b + 1: two paths add up), b.grad = {b.grad.item()} (= a)")

    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x, target = tg.randn(4, 2), tg.randn(4, 1)
    loss = nn.functional.mse_loss(net(x), target)
    loss.name = "loss"
    # top to bottom: the network's chain of ops is long, and drawn left to right it is ~1700 pt wide
    figures.append(save_graph(loss, out / "network_before.svg", log=log, names=net, rankdir="TB"))
    loss.backward(retain_graph=True)
    figures.append(save_graph(loss, out / "network_after.svg", log=log, names=net, rankdir="TB"))
    log(f"A tiny network Linear(2, 3) -> Tanh -> Linear(3, 1) with MSE: loss = {loss.item():.4f}; "
        "its graph before and after backward is drawn with parameter names and gradients.")
    what = ["c = a * b + a before backward: values only. a feeds two ops, so two paths lead back to it.",
            f"The same graph after backward: a's gradient is the sum of its two paths, b + 1 = {a.grad.item():g}.",
            "The tiny network before backward: each module's ops in a box named after the module.",
            "The same network after backward: every parameter carries its gradient."]
    captions = {figure.name: text for figure, text in zip(figures, what)}
    return {"a_grad": a.grad.item(), "b_grad": b.grad.item(), "trace": records, "figures": figures,
            "captions": captions}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
