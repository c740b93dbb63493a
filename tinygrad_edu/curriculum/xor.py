"""Lesson 7, the practical exercise: SimpleNN solves XOR.

XOR is the function no single straight line can separate: (0,0) and (1,1)
give 0, (0,1) and (1,0) give 1. One hidden layer is enough:

    h     = sigmoid(X W1 + b1)          hidden features, shape (N, hidden_size)
    y_hat = sigmoid(h W2 + b2)          the prediction, between 0 and 1
    L     = mean((y_hat - y)^2)         mean squared error

`backward` asks autograd for dL/dW1, dL/db1, dL/dW2, dL/db2 (loss.backward())
and applies plain gradient descent, W <- W - learning_rate * dL/dW.
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg

from .common import Log, is_quick, out_folder, progress, show_loss, table

XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_TARGETS = [[0], [1], [1], [0]]
# Points the network never saw: near each corner, and the centre (where XOR is undecided).
NEW_INPUTS = [[0.1, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.9], [0.5, 0.5]]


class SimpleNN:
    """A one-hidden-layer network trained by gradient descent, with autograd doing the calculus.

    >>> net = SimpleNN(2, 4, 1, learning_rate=2.0)
    >>> losses = net.train(X, y, epochs=2000)
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, learning_rate: float = 2.0):
        # Weights ~ N(0, 1): large enough that the sigmoids start away from their flat middle.
        self.W1 = tg.randn(input_size, hidden_size, requires_grad=True)
        self.b1 = tg.zeros(hidden_size, requires_grad=True)
        self.W2 = tg.randn(hidden_size, output_size, requires_grad=True)
        self.b2 = tg.zeros(output_size, requires_grad=True)
        self.learning_rate = learning_rate

    def parameters(self) -> list[tg.Tensor]:
        return [self.W1, self.b1, self.W2, self.b2]

    def named_parameters(self):
        return zip(("W1", "b1", "W2", "b2"), self.parameters())

    def forward(self, X: tg.Tensor) -> tg.Tensor:
        """X (N, input_size) -> predictions (N, output_size), each in (0, 1)."""
        self.hidden = (X @ self.W1 + self.b1).sigmoid()
        return (self.hidden @ self.W2 + self.b2).sigmoid()

    __call__ = forward

    def loss(self, y_hat: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
        """Mean squared error."""
        return ((y_hat - y) ** 2).mean()

    def backward(self, loss: tg.Tensor) -> None:
        """Gradients by autograd, then one gradient-descent step on every parameter."""
        for p in self.parameters():
            p.grad = None  # gradients accumulate: start each step from zero
        loss.backward()
        with tg.no_grad():  # the update itself must not be recorded in the graph
            for p in self.parameters():
                p -= self.learning_rate * p.grad

    def train(self, X, y, epochs: int = 2000, progress_bar: bool = False) -> list[float]:
        """Forward, loss, backward `epochs` times; returns the loss of every epoch."""
        X, y = as_tensor(X), as_tensor(y)
        losses = []
        bar = progress(range(epochs), progress_bar, "SimpleNN on XOR")
        for epoch in bar:
            loss = self.loss(self.forward(X), y)
            self.backward(loss)
            losses.append(loss.item())
            show_loss(bar, losses[-1], 50, epoch)
        return losses

    def predict(self, X) -> np.ndarray:
        with tg.no_grad():
            return self.forward(as_tensor(X)).numpy()


def as_tensor(data) -> tg.Tensor:
    return data if isinstance(data, tg.Tensor) else tg.tensor(np.asarray(data, dtype=np.float32))


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float = 2.0, hidden: int = 4) -> dict:
    from tinygrad_edu import viz
    tg.manual_seed(seed)
    out = out_folder(out_dir, "xor")
    epochs = epochs or (1500 if is_quick(quick) else 3000)
    X, y = as_tensor(XOR_INPUTS), as_tensor(XOR_TARGETS)

    net = SimpleNN(2, hidden, 1, learning_rate=lr)
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
    viz.plot_loss(losses, title="SimpleNN on XOR: training loss (MSE)", save=figures[0])
    viz.plot_predictions(preds, np.array(XOR_TARGETS)[:, 0], title="Predictions vs targets", save=figures[1])
    viz.plot_decision_boundary(net, X.numpy(), np.array(XOR_TARGETS)[:, 0], title="Decision boundary",
                               save=figures[2])
    loss = net.loss(net.forward(X), y)
    loss.backward(retain_graph=True)  # keep the graph to draw it, gradients and all
    graph = viz.save_graph(loss, out / "graph.svg", names=net)
    figures.append(graph)
    return {"losses": losses, "final_loss": losses[-1], "predictions": preds,
            "solved": bool(np.all((preds > 0.5) == (np.array(XOR_TARGETS)[:, 0] == 1))),
            "new_inputs": NEW_INPUTS, "new_predictions": new_preds, "table": result_table,
            "new_table": new_table, "figures": figures}
