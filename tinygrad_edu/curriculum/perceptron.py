"""Lesson 1: the perceptron, trained two ways.

A perceptron computes a weighted sum and thresholds it:

    z = x . w + b,        y_hat = 1 if z > 0 else 0

Rosenblatt's learning rule needs no derivatives: for each example,

    w <- w + lr * (y - y_hat) * x,       b <- b + lr * (y - y_hat)

which moves the line only when it gets an example wrong. It finds a
separating line whenever one exists (OR and AND have one; XOR does not).

The same model trained by gradient descent swaps the step for a sigmoid
(which has a derivative), and lets autograd compute d(loss)/dw for the
binary cross-entropy loss.
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn

from .common import Log, is_quick, out_folder, table

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {"OR": np.array([0, 1, 1, 1], dtype=np.float32), "AND": np.array([0, 0, 0, 1], dtype=np.float32)}


class Perceptron(nn.Module):
    """One neuron: z = x . w + b. `forward` gives the score z; `predict` thresholds it at 0."""

    def __init__(self, in_features: int = 2):
        super().__init__()
        self.weight = nn.Parameter(tg.zeros(in_features))
        self.bias = nn.Parameter(tg.zeros(()))

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return x @ self.weight + self.bias

    def predict(self, x) -> np.ndarray:
        with tg.no_grad():
            return (self.forward(tg.tensor(x)).numpy() > 0).astype(np.float32)


def train_perceptron_rule(model: Perceptron, X: np.ndarray, y: np.ndarray, lr: float = 0.1,
                          epochs: int = 20) -> list[int]:
    """Rosenblatt's rule, one example at a time, no autograd. Returns the mistakes in each epoch."""
    mistakes = []
    with tg.no_grad():
        for _ in range(epochs):
            wrong = 0
            for x, target in zip(X, y):
                error = target - model.predict(x[None])[0]  # -1, 0 or +1
                if error != 0:
                    model.weight += lr * error * x
                    model.bias += lr * error
                    wrong += 1
            mistakes.append(wrong)
            if wrong == 0:  # every example right: the rule has converged
                break
    return mistakes


def train_gradient_descent(model: Perceptron, X: np.ndarray, y: np.ndarray, lr: float = 1.0,
                           epochs: int = 300) -> list[float]:
    """Sigmoid + binary cross-entropy, gradients from autograd, plain SGD. Returns the losses."""
    from tinygrad_edu import optim
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    X, y = tg.tensor(X), tg.tensor(y)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def line_equation(w: np.ndarray, b: float) -> str:
    """'0.20 x1 + 0.10 x2 - 0.20 > 0': the side of the line the perceptron calls 1."""
    signed = lambda value: f"{'-' if value < 0 else '+'} {abs(value):.2f}"
    return f"{w[0]:.2f} x1 {signed(w[1])} x2 {signed(b)} > 0"


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float | None = None) -> dict:
    from tinygrad_edu import viz
    tg.manual_seed(seed)
    out = out_folder(out_dir, "perceptron")
    gd_epochs = epochs or (200 if is_quick(quick) else 500)
    result, rows, figures, gd_losses = {"accuracy": {}}, [], [], {}
    for gate, y in GATES.items():
        rule_model = Perceptron()
        mistakes = train_perceptron_rule(rule_model, INPUTS, y, lr=lr or 0.1)
        gd_model = Perceptron()
        gd_losses[gate] = train_gradient_descent(gd_model, INPUTS, y, lr=lr or 1.0, epochs=gd_epochs)
        rule_acc = float((rule_model.predict(INPUTS) == y).mean())
        gd_acc = float((gd_model.predict(INPUTS) == y).mean())
        result["accuracy"][gate] = {"rule": rule_acc, "gradient_descent": gd_acc}
        result[f"{gate}_rule_epochs"] = len(mistakes)
        w, b = rule_model.weight.detach().numpy(), rule_model.bias.item()
        rows.append([gate, f"{len(mistakes)} epochs", f"{100 * rule_acc:.0f}%", f"{100 * gd_acc:.0f}%",
                     line_equation(w, b)])
        # Side by side: the rule's hard step (0 or 1), and gradient descent's sigmoid probability.
        figures += [out / f"{gate.lower()}_rule.png", out / f"{gate.lower()}_gradient_descent.png"]
        viz.plot_decision_boundary(lambda x, model=rule_model: (model(x) > 0).float(), INPUTS, y,
                                   title=f"{gate}: perceptron rule", save=figures[-2])
        viz.plot_decision_boundary(lambda x, model=gd_model: model(x).sigmoid(), INPUTS, y,
                                   title=f"{gate}: gradient descent", save=figures[-1])
    log("The perceptron rule (no derivatives) and gradient descent (autograd) on the same model:")
    result["table"] = table(["gate", "rule converged", "rule acc", "GD acc", "rule's line"], rows, log)
    figure = out / "gd_loss.png"
    viz.plot_loss(gd_losses, title="Perceptron by gradient descent: BCE loss", save=figure)
    figures.append(figure)
    result["gd_losses"] = gd_losses
    result["figures"] = figures
    return result
