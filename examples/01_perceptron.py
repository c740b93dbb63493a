# %% [markdown]
# # Lesson 1: the perceptron, trained two ways
#
# A perceptron is one neuron: a weighted sum of the inputs plus a bias, thresholded at zero,
#
#     z = x . w + b,        prediction = 1 if z > 0 else 0
#
# Rosenblatt's learning rule (1958) trains it without any calculus: when an example is wrong,
# nudge the weights towards it,
#
#     error = target - prediction          (-1, 0 or +1)
#     w <- w + learning_rate * error * x,   b <- b + learning_rate * error
#
# It learns OR and AND, because a straight line separates their 1s from their 0s (XOR has no
# such line: lesson 7). Then the same neuron is trained the modern way: a sigmoid instead of the
# step, a cross-entropy loss, and gradients from autograd (`loss.backward()`), stepped by SGD.
#
# Run it: `tinygrad-edu perceptron` or `python examples/01_perceptron.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn, optim, viz
from tinygrad_edu.curriculum.common import Log, is_quick, out_folder, table

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {"OR": np.array([0, 1, 1, 1], dtype=np.float32), "AND": np.array([0, 0, 0, 1], dtype=np.float32)}

# %% [markdown]
# ## The perceptron and its rule
#
# `Perceptron(n_inputs, learning_rate)` keeps a weight per input and one bias. The weights start
# small and random (`randn * 0.01`), not at zero: started at zero, the first line the rule finds
# can pass exactly through a training point (OR's line through (0, 0)), which the strict `z > 0`
# then calls 0 by a hair.
#
# The rule here also asks for a **margin**: an example counts as learnt only when its score is on
# the right side by more than `margin` (`signed * z > margin`, with signed = +1 for class 1 and -1
# for class 0). A wrong example is nudged exactly as in Rosenblatt's rule; a right one that sits
# too close to the line is nudged the same way. When an epoch passes without a nudge, every point
# is at least `margin / |w|` away from the line, and training stops.

# %%
class Perceptron:
    """One neuron: z = x . w + b. `forward` gives the score z, `predict` thresholds it at 0,
    `train` runs the perceptron rule. (A plain class, as in the tutorial: an nn.Module already
    has a `train(mode)` method, which this `train(X, y, epochs)` would hide.)"""

    def __init__(self, n_inputs: int, learning_rate: float = 0.1, margin: float = 0.05):
        self.weight = (tg.randn(n_inputs) * 0.01).requires_grad_()
        self.bias = tg.zeros((), requires_grad=True)
        self.learning_rate = learning_rate
        self.margin = margin

    def parameters(self) -> list[tg.Tensor]:
        return [self.weight, self.bias]

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        return x @ self.weight + self.bias

    __call__ = forward

    def predict(self, X) -> np.ndarray:
        """0 or 1 for each row of X: the step function of the score."""
        with tg.no_grad():
            return (self.forward(tg.tensor(np.asarray(X, dtype=np.float32))).numpy() > 0).astype(np.float32)

    def train(self, X, y, epochs: int = 100) -> list[int]:
        """The perceptron rule, one example at a time, no autograd. Returns the number of nudges in
        each epoch; stops early after an epoch with none (every point right, beyond the margin)."""
        X, y = np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.float32)
        nudges_per_epoch = []
        with tg.no_grad():
            for _ in range(epochs):
                nudges = 0
                for x, target in zip(X, y):
                    signed = 1.0 if target == 1 else -1.0      # = target - prediction when wrong
                    score = float(self.forward(tg.tensor(x)).item())
                    if signed * score <= self.margin:          # wrong, or right but too close
                        self.weight += self.learning_rate * signed * x
                        self.bias += self.learning_rate * signed
                        nudges += 1
                nudges_per_epoch.append(nudges)
                if nudges == 0:
                    break
        return nudges_per_epoch


def distance_to_line(model: Perceptron, X: np.ndarray) -> np.ndarray:
    """How far each point is from the line x . w + b = 0: |z| / |w|."""
    w, b = model.weight.detach().numpy(), model.bias.item()
    return np.abs(X @ w + b) / np.linalg.norm(w)


def line_equation(model: Perceptron) -> str:
    """'0.20 x1 + 0.10 x2 - 0.20 > 0': the side of the line the perceptron calls 1."""
    w, b = model.weight.detach().numpy(), model.bias.item()
    signed = lambda value: f"{'-' if value < 0 else '+'} {abs(value):.2f}"
    return f"{w[0]:.2f} x1 {signed(w[1])} x2 {signed(b)} > 0"

# %% [markdown]
# ## The same neuron, by gradient descent
#
# The step has no useful derivative (it is 0 almost everywhere), so gradient descent swaps it for
# a sigmoid: sigmoid(z) is read as P(class 1). The loss is binary cross-entropy,
# `nn.BCEWithLogitsLoss()` (sigmoid and cross-entropy in one stable formula); `loss.backward()`
# fills `weight.grad` and `bias.grad`, and SGD steps against them.

# %%
def train_gradient_descent(model: Perceptron, X: np.ndarray, y: np.ndarray, lr: float = 1.0,
                           epochs: int = 300) -> list[float]:
    """Sigmoid + binary cross-entropy, gradients from autograd, plain SGD. Returns the losses."""
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

# %% [markdown]
# ## Run the lesson
#
# For OR and AND: the rule, then gradient descent, each from a fresh neuron. The table gives each
# line and the distance from it to the closest point; the figures show the hard step beside the
# sigmoid's probability, and the loss curves.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float | None = None) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "perceptron")
    gd_epochs = epochs or (200 if is_quick(quick) else 500)
    result, rows, figures, gd_losses, models = {"accuracy": {}, "margin": {}}, [], [], {}, {}
    for gate, y in GATES.items():
        rule_model = Perceptron(n_inputs=2, learning_rate=lr or 0.1)
        nudges = rule_model.train(INPUTS, y, epochs=100)
        gd_model = Perceptron(n_inputs=2)
        gd_losses[gate] = train_gradient_descent(gd_model, INPUTS, y, lr=lr or 1.0, epochs=gd_epochs)
        models[gate] = (rule_model, gd_model)
        rule_acc = float((rule_model.predict(INPUTS) == y).mean())
        gd_acc = float((gd_model.predict(INPUTS) == y).mean())
        margins = {"rule": float(distance_to_line(rule_model, INPUTS).min()),
                   "gradient_descent": float(distance_to_line(gd_model, INPUTS).min())}
        result["accuracy"][gate] = {"rule": rule_acc, "gradient_descent": gd_acc}
        result["margin"][gate] = margins
        result[f"{gate}_rule_epochs"] = len(nudges)
        rows.append([gate, f"{len(nudges)} epochs", f"{100 * rule_acc:.0f}%", line_equation(rule_model),
                     margins["rule"], f"{100 * gd_acc:.0f}%", margins["gradient_descent"]])
    log("The perceptron rule (no derivatives) and gradient descent (autograd) on the same neuron:")
    result["table"] = table(["gate", "rule stopped after", "rule acc", "rule's line", "closest point",
                             "GD acc", "GD closest point"], rows, log)

    for gate, y in GATES.items():
        # Side by side: the rule's hard step (0 or 1), and gradient descent's sigmoid probability.
        rule_model, gd_model = models[gate]
        margins = result["margin"][gate]
        figures += [out / f"{gate.lower()}_rule.png", out / f"{gate.lower()}_gradient_descent.png"]
        # line=(w, b): the boundary x . w + b = 0 is drawn as the exact straight line it is.
        viz.plot_decision_boundary(lambda x, model=rule_model: (model(x) > 0).float(), INPUTS, y,
                                   title=f"{gate}, perceptron rule: {line_equation(rule_model)}\n"
                                         f"closest point {margins['rule']:.2f} from the line",
                                   save=figures[-2], line=(rule_model.weight, rule_model.bias))
        viz.plot_decision_boundary(lambda x, model=gd_model: model(x).sigmoid(), INPUTS, y,
                                   title=f"{gate}, gradient descent: sigmoid(z) = P(class 1)\n"
                                         f"closest point {margins['gradient_descent']:.2f} from the line",
                                   save=figures[-1], line=(gd_model.weight, gd_model.bias))
    figure = out / "gd_loss.png"
    viz.plot_loss(gd_losses, title="Perceptron by gradient descent: BCE loss", xlabel="epoch (all 4 examples)",
                  save=figure)
    figures.append(figure)
    result["gd_losses"] = gd_losses
    result["figures"] = figures
    result["captions"] = {"gd_loss.png": "Gradient descent's cross-entropy loss for OR and AND, one step per "
                                         "epoch of all four examples: it keeps falling as the line moves away "
                                         "from the points."}
    for gate in GATES:
        result["captions"][f"{gate.lower()}_rule.png"] = (
            f"{gate} by the perceptron rule: a hard step, class 0 or 1 and nothing between (so no probability "
            f"scale). Every point is off the line; the closest is {result['margin'][gate]['rule']:.2f} away.")
        result["captions"][f"{gate.lower()}_gradient_descent.png"] = (
            f"{gate} by gradient descent: the colour is sigmoid(z), the probability of class 1, and the black line "
            f"is where it is 0.5; the closest point is {result['margin'][gate]['gradient_descent']:.2f} away.")
    return result

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
