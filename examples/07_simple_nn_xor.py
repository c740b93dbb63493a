# %% [markdown]
# # Lesson 7, the exercise: SimpleNN solves XOR
#
# XOR is the function no single straight line can separate: (0, 0) and (1, 1) give 0, (0, 1) and
# (1, 0) give 1, so the perceptron of lesson 1 cannot learn it. One hidden layer is enough:
#
#     hidden = sigmoid(X W1 + b1)          hidden features, shape (N, hidden_size)
#     output = sigmoid(hidden W2 + b2)     the prediction, between 0 and 1, shape (N, output_size)
#     loss   = mean((output - y)^2)        mean squared error
#
# `SimpleNN(input_size, hidden_size, output_size, learning_rate)` is the exercise's class:
#
#     net = SimpleNN(input_size=2, hidden_size=4, output_size=1, learning_rate=2.0)
#     losses = net.train(X, y, epochs=3000)     # forward, backward, repeat; returns the losses
#     net.forward(X)                            # the predictions
#
# `backward(X, y)` asks autograd for dloss/dW1, dloss/db1, dloss/dW2, dloss/db2 (`loss.backward()`)
# and takes one gradient-descent step, `W <- W - learning_rate * dloss/dW`. Lesson 4 wrote that
# gradient by hand; here autograd does the calculus. Targets have one row per example, like the
# predictions: `y = [[0], [1], [1], [0]]`, shape (4, 1).
#
# Run it: `tinygrad-edu xor` or `python examples/07_simple_nn_xor.py`.

# %%
from __future__ import annotations

from pathlib import Path

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.curriculum.common import Log, is_quick, out_folder, progress, save_graph, show_loss, table

XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_TARGETS = [[0], [1], [1], [0]]
# Points the network never saw: near each corner, and the centre (where XOR is undecided).
NEW_INPUTS = [[0.1, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.9], [0.5, 0.5]]

# %% [markdown]
# ## The network

# %%
class SimpleNN:
    """A one-hidden-layer network trained by gradient descent, with autograd doing the calculus."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int, learning_rate: float = 2.0):
        # Weights ~ N(0, 1): large enough that the sigmoids start away from their flat middle.
        self.W1 = tg.randn(input_size, hidden_size, requires_grad=True)
        self.b1 = tg.zeros(hidden_size, requires_grad=True)
        self.W2 = tg.randn(hidden_size, output_size, requires_grad=True)
        self.b2 = tg.zeros(output_size, requires_grad=True)
        self.learning_rate = learning_rate
        self.output = None

    def parameters(self) -> list[tg.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2]

    def forward(self, X) -> tg.Tensor:
        """X (N, input_size) -> predictions (N, output_size), each in (0, 1); kept as self.output."""
        X = as_tensor(X)
        self.hidden = (X @ self.W1 + self.b1).sigmoid()
        self.output = (self.hidden @ self.W2 + self.b2).sigmoid()
        return self.output

    __call__ = forward

    def loss(self, output: tg.Tensor, y) -> tg.Tensor:
        """Mean squared error, after checking that y has one row per prediction."""
        y = as_tensor(y)
        if y.shape != output.shape:
            raise ValueError(
                f"SimpleNN: the targets y have shape {tuple(y.shape)} but the predictions have shape "
                f"{tuple(output.shape)}; output - y would broadcast to "
                f"{np.broadcast_shapes(tuple(output.shape), tuple(y.shape))} and compare every prediction with "
                f"every target. Give one row per example, like the predictions: y = [[0], [1], [1], [0]] "
                f"(or y.reshape(-1, {output.shape[-1]})).")
        return ((output - y) ** 2).mean()

    def backward(self, X, y) -> float:
        """The loss of the last forward(X) against y; its gradients by autograd; one gradient-descent
        step on every parameter. Returns the loss."""
        if self.output is None:
            self.forward(X)
        loss = self.loss(self.output, y)
        for p in self.parameters():
            p.grad = None        # gradients accumulate: start each step from zero
        loss.backward()
        with tg.no_grad():       # the update itself must not be recorded in the graph
            for p in self.parameters():
                p -= self.learning_rate * p.grad
        self.output = None       # the weights moved: that output is stale now
        return loss.item()

    def train(self, X, y, epochs: int = 2000, progress_bar: bool = False) -> list[float]:
        """forward, backward `epochs` times; returns the loss of every epoch."""
        X, y = as_tensor(X), as_tensor(y)
        losses = []
        bar = progress(range(epochs), progress_bar, "SimpleNN on XOR")
        for epoch in bar:
            self.forward(X)
            losses.append(self.backward(X, y))
            show_loss(bar, losses[-1], 50, epoch)
        return losses

    def predict(self, X) -> np.ndarray:
        """Predictions as a NumPy array, without recording a graph."""
        with tg.no_grad():
            return self.forward(X).numpy()


def as_tensor(data) -> tg.Tensor:
    return data if isinstance(data, tg.Tensor) else tg.tensor(np.asarray(data, dtype=np.float32))

# %% [markdown]
# ## Run the lesson
#
# Train on the four XOR points, print predictions against targets, try new points near the corners
# and in the centre, and draw the loss curve, the predictions against the targets, the decision
# boundary (curved: no straight line does it), and the graph of the trained network's loss.

# %%
def class_regions(net: SimpleNN, X) -> tuple[int, int]:
    """How many separate regions of class 1 and of class 0 the decision-boundary figure shows
    (counted on the figure's own grid)."""
    from scipy import ndimage
    gx, gy = viz.plots.grid_over(np.asarray(X, dtype=np.float64), 200)
    p = net.predict(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
    return ndimage.label(p > 0.5)[1], ndimage.label(p <= 0.5)[1]


def plateau_epochs(losses) -> int:
    """How many epochs the loss spent within 0.01 of 0.25, the MSE when every output is 0.5."""
    return int(np.sum(np.abs(np.asarray(losses) - 0.25) < 0.01))


def loss_caption(losses, solved: bool) -> str:
    """What the loss curve shows, read from the losses: whether it sat on the plateau at 0.25 (it does for
    some seeds and not for others) and whether training solved XOR."""
    epochs, stuck = len(losses), plateau_epochs(losses)
    if stuck >= 50:
        shape = f"it sits on a plateau near 0.25 (every output near 0.5) for {stuck} epochs, then drops"
        if solved:
            shape += " once the hidden units split the points"
    else:
        shape = f"no long plateau this time (within 0.01 of 0.25 for only {stuck} epochs): it falls from the start"
    if solved:
        end = f"it ends at {losses[-1]:.4f}"
    else:
        end = (f"it ends at {losses[-1]:.4f} with XOR not solved (see the table): try another --seed or more "
               "--hidden units")
    return f"The mean squared error over {epochs} epochs: {shape}; {end}."


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float = 2.0, hidden: int = 4) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "xor")
    epochs = epochs or (1500 if is_quick(quick) else 3000)
    X, y = as_tensor(XOR_INPUTS), as_tensor(XOR_TARGETS)

    net = SimpleNN(input_size=2, hidden_size=hidden, output_size=1, learning_rate=lr)
    losses = net.train(X, y, epochs, progress_bar=progress_bar)
    preds = net.predict(X)[:, 0]

    log(f"SimpleNN(2, {hidden}, 1, learning_rate={lr}) trained for {epochs} epochs on XOR.")
    rows = [[f"{a} {b}", float(p), t[0], "yes" if (p > 0.5) == (t[0] == 1) else "NO"]
            for (a, b), p, t in zip(XOR_INPUTS, preds, XOR_TARGETS)]
    result_table = table(["x1 x2", "prediction", "target", "correct"], rows, log)
    log(f"final loss {losses[-1]:.5f}")
    new_preds = net.predict(NEW_INPUTS)[:, 0]
    log("New inputs (near the corners and the centre):")
    new_table = table(["x1 x2", "prediction"], [[f"{a} {b}", float(p)] for (a, b), p in zip(NEW_INPUTS, new_preds)],
                      log)

    figures = [out / "loss.png", out / "predictions.png", out / "decision_boundary.png"]
    viz.plot_loss(losses, title="SimpleNN on XOR: training loss (MSE)", xlabel="epoch (all 4 examples)",
                  save=figures[0])
    viz.plot_predictions(preds, np.array(XOR_TARGETS)[:, 0], title="Predictions vs targets", save=figures[1])
    viz.plot_decision_boundary(net, X.numpy(), np.array(XOR_TARGETS)[:, 0], title="Decision boundary",
                               save=figures[2])
    X.name, y.name = "X", "y"
    loss = net.loss(net.forward(X), y)
    loss.name = "loss"
    loss.backward(retain_graph=True)  # keep the graph to draw it, gradients and all
    names = {net.W1: "W1", net.b1: "b1", net.W2: "W2", net.b2: "b2"}
    figures.append(save_graph(loss, out / "graph.svg", log=log, names=names, rankdir="TB"))  # top to bottom
    solved = bool(np.all((preds > 0.5) == (np.array(XOR_TARGETS)[:, 0] == 1)))
    ones, zeros = class_regions(net, X.numpy())
    if (ones, zeros) == (2, 1):
        shape = ("class 1 (red) is two separate regions, around (0, 1) and around (1, 0), each cut off by a "
                 "curved line, and class 0 (blue) is one region joining (0, 0) to (1, 1) through the centre")
    elif (ones, zeros) == (1, 2):
        shape = ("class 0 (blue) is two separate regions, around (0, 0) and around (1, 1), each cut off by a "
                 "curved line, and class 1 (red) is one region joining (0, 1) to (1, 0) through the centre")
    else:
        shape = f"class 1 (red) is {ones} separate region(s) and class 0 (blue) {zeros}"
    if solved:
        verdict = "No single straight line can split the plane this way."
    else:
        verdict = "XOR is not solved: at least one of the four points is on the wrong side of the line."
    captions = {
        "loss.png": loss_caption(losses, solved),
        "predictions.png": "Each XOR point's prediction (dot) beside its target (circle); the red bar is the error.",
        "decision_boundary.png": f"What the trained network predicts everywhere in the square: the black lines are "
                                 f"P = 0.5; {shape}. {verdict}",
        Path(figures[-1]).name: "The graph of the trained network's loss on the four XOR points, after one backward "
                                "(no update follows): the inputs X and y, the weights W1, b1, W2, b2, every op and the "
                                "loss, each tensor with its value and gradient."}
    return {"captions": captions, "losses": losses, "final_loss": losses[-1], "predictions": preds,
            "solved": solved,
            "new_inputs": NEW_INPUTS, "new_predictions": new_preds, "table": result_table,
            "new_table": new_table, "figures": figures}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
