"""Lesson 4: backpropagation by hand, then by autograd, and a check that they agree.

The network is [2, 4, 1]: h = sigmoid(x W1 + b1), y_hat = sigmoid(h W2 + b2),
trained on XOR with the mean squared error L = mean((y_hat - y)^2).

By hand, the chain rule runs from the loss back to each weight (N samples):

    dL/dy_hat = 2 (y_hat - y) / N
    delta2    = dL/dy_hat * y_hat (1 - y_hat)      (sigmoid' = s (1 - s))
    dL/dW2    = h^T delta2,    dL/db2 = sum(delta2)
    delta1    = (delta2 W2^T) * h (1 - h)
    dL/dW1    = x^T delta1,    dL/db1 = sum(delta1)

Autograd does exactly this, node by node, from the graph the forward pass
recorded. Both versions start from the same weights and take the same steps;
their gradients agree to float64 rounding at every step.
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg

from .common import Log, is_quick, out_folder, progress, show_loss, table

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """A [2, hidden, 1] sigmoid network written out in NumPy: forward, backward and update by hand."""

    def __init__(self, input_size: int = 2, hidden_size: int = 4, output_size: int = 1,
                 learning_rate: float = 1.0, rng: np.random.Generator | None = None):
        rng = rng or np.random.default_rng(0)
        self.W1 = rng.normal(0.0, 1.0, (input_size, hidden_size))
        self.b1 = np.zeros(hidden_size)
        self.W2 = rng.normal(0.0, 1.0, (hidden_size, output_size))
        self.b2 = np.zeros(output_size)
        self.learning_rate = learning_rate

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.X = X
        self.h = sigmoid(X @ self.W1 + self.b1)
        self.y_hat = sigmoid(self.h @ self.W2 + self.b2)
        return self.y_hat

    def loss(self, y: np.ndarray) -> float:
        return float(np.mean((self.y_hat - y) ** 2))

    def backward(self, y: np.ndarray) -> dict:
        """The chain rule, layer by layer (see the module docstring); returns the gradients."""
        d_y_hat = 2 * (self.y_hat - y) / y.size
        delta2 = d_y_hat * self.y_hat * (1 - self.y_hat)
        delta1 = (delta2 @ self.W2.T) * self.h * (1 - self.h)
        return {"W1": self.X.T @ delta1, "b1": delta1.sum(0), "W2": self.h.T @ delta2, "b2": delta2.sum(0)}

    def step(self, grads: dict) -> None:
        for name, g in grads.items():
            setattr(self, name, getattr(self, name) - self.learning_rate * g)


def autograd_gradients(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """The same network in tinygrad_edu; loss.backward() fills every parameter's .grad."""
    W1, b1, W2, b2 = (tg.tensor(params[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2"))
    y_hat = ((tg.tensor(X) @ W1 + b1).sigmoid() @ W2 + b2).sigmoid()
    loss = ((y_hat - tg.tensor(y)) ** 2).mean()
    loss.backward()
    return loss.item(), {"W1": W1.grad.numpy(), "b1": b1.grad.numpy(), "W2": W2.grad.numpy(), "b2": b2.grad.numpy()}


def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float = 2.0, hidden: int = 4) -> dict:
    from tinygrad_edu import viz
    out = out_folder(out_dir, "backprop")
    epochs = epochs or (1500 if is_quick(quick) else 3000)
    net = NeuralNetwork(2, hidden, 1, lr, np.random.default_rng(seed))

    losses, max_diff = [], 0.0
    bar = progress(range(epochs), progress_bar, "backprop XOR")
    for epoch in bar:
        net.forward(XOR_X)
        grads = net.backward(XOR_Y)
        params = {k: getattr(net, k) for k in grads}
        loss, auto = autograd_gradients(params, XOR_X, XOR_Y)
        max_diff = max(max_diff, max(np.abs(grads[k] - auto[k]).max() for k in grads))
        losses.append(loss)
        net.step(grads)
        show_loss(bar, loss, 50, epoch)

    preds = net.forward(XOR_X)
    log(f"Trained {epochs} epochs with lr={lr}; the hand-written and the autograd gradients were "
        f"compared at every step: largest difference {max_diff:.2e}.")
    rows = [[f"{a:.0f} {b:.0f}", float(p), int(t)] for (a, b), p, t in zip(XOR_X, preds[:, 0], XOR_Y[:, 0])]
    result_table = table(["x1 x2", "prediction", "target"], rows, log)
    log(f"final loss {losses[-1]:.5f}")
    figure = out / "loss.png"
    viz.plot_loss(losses, title="XOR, NumPy backprop (MSE)", save=figure)
    return {"max_grad_diff": float(max_diff), "losses": losses, "predictions": preds[:, 0],
            "solved": bool(np.all((preds[:, 0] > 0.5) == (XOR_Y[:, 0] > 0.5))),
            "table": result_table, "figures": [figure]}
