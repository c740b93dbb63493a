# %% [markdown]
# # Lesson 4: backpropagation by hand, checked by autograd and by gradcheck
#
# `NeuralNetworkWithBackprop` is lesson 3's `NeuralNetwork` (ReLU hidden layers, a sigmoid
# output, `params['W1']`, `params['b1']`, ..., `cache`) with two more methods: `backward(X, y)`
# runs the chain rule from the loss back to every weight and stores the result in
# `self.gradients`, and `update_weights(learning_rate)` takes one gradient-descent step.
#
# The loss is binary cross-entropy, averaged over the N examples of the batch:
#
#     L = -mean(y log A + (1 - y) log(1 - A)),     A = sigmoid(Z_L)
#
# and the chain rule, layer by layer from the output back (N examples):
#
#     dZ_L = (A_L - y) / N                       the output layer (see below)
#     dW_i = A_(i-1)^T dZ_i,   db_i = sum of dZ_i over the batch
#     dA_(i-1) = dZ_i W_i^T
#     dZ_(i-1) = dA_(i-1) * relu'(Z_(i-1))       relu' = 1 where Z > 0, else 0
#
# Autograd does exactly this, node by node, from the graph the forward pass recorded. The lesson
# trains the network on XOR with the hand-written gradients and, at every step, asks autograd for
# the same gradients: they agree to float64 rounding.
#
# Run it: `tinygrad-edu backprop` or `python examples/04_backprop_xor.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.autograd import Function
from tinygrad_edu.curriculum import load
from tinygrad_edu.curriculum.common import Log, is_quick, out_folder, progress, show_loss, table

NeuralNetwork = load("forward").NeuralNetwork  # lesson 3's class: examples/03_forward.py

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float64)

# %% [markdown]
# ## The network, with a hand-written backward pass

# %%
class NeuralNetworkWithBackprop(NeuralNetwork):
    """NeuralNetwork plus backward (the chain rule by hand) and update_weights."""

    def __init__(self, layer_sizes: list[int], dtype=tg.float64):
        super().__init__(layer_sizes, dtype=dtype)
        self.gradients = {}

    def loss(self, A: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
        """Binary cross-entropy, the mean over the batch."""
        return -(y * A.log() + (1 - y) * (1 - A).log()).mean()

    def backward(self, X: tg.Tensor, y: tg.Tensor) -> dict:
        """The gradients of the loss for the batch that forward(X) just saw, by the chain rule,
        written with tensor arithmetic under no_grad (autograd does none of it)."""
        n = X.shape[0]
        with tg.no_grad():
            dZ = (self.cache[f"A{self.num_layers}"] - y) / n          # output layer: sigmoid + BCE
            for i in range(self.num_layers, 0, -1):
                A_prev = self.cache[f"A{i - 1}"]
                self.gradients[f"W{i}"] = A_prev.T @ dZ
                self.gradients[f"b{i}"] = dZ.sum(0, keepdim=True)
                if i > 1:
                    dA_prev = dZ @ self.params[f"W{i}"].T
                    dZ = dA_prev * (self.cache[f"Z{i - 1}"] > 0)     # relu'
        return self.gradients

    def update_weights(self, learning_rate: float) -> None:
        """W <- W - learning_rate * dL/dW for every parameter."""
        with tg.no_grad():
            for name, param in self.params.items():
                param -= learning_rate * self.gradients[name]


def autograd_gradients(net: NeuralNetworkWithBackprop, X: tg.Tensor, y: tg.Tensor) -> dict:
    """The same gradients, from autograd: forward records the graph, tg.grad walks it back."""
    loss = net.loss(net.forward(X), y)
    grads = tg.grad(loss, list(net.params.values()))
    return dict(zip(net.params, grads))

# %% [markdown]
# ## Which gradient belongs to which loss? Ask gradcheck
#
# Tutorials often write `dZ = A - y` "for the MSE loss with a sigmoid". It is not: `A - y` comes
# from **binary cross-entropy** through the sigmoid (the sigmoid's derivative cancels against the
# log's). Exactly: `(A - y) / N` is the gradient of the mean BCE over N examples, the loss used
# here, and `A - y` that of the summed BCE. The squared error keeps the sigmoid's derivative
# A (1 - A):
#
#     BCE = -mean(y log A + (1 - y) log(1 - A))   dBCE/dZ = (A - y) / N
#     MSE = mean((A - y)^2)                        dMSE/dZ = 2 (A - y) A (1 - A) / N
#
# This is what `gradcheck` exists to catch. `OutputLayer` below is a custom autograd op: its
# forward computes a loss from the logits Z, its backward is a formula *we* wrote. `gradcheck`
# compares that backward with finite differences of the forward, (L(Z + eps) - L(Z - eps)) / 2 eps.
# Each formula is tried with each loss, and only the right pairs pass.

# %%
LOSSES = {
    "binary cross-entropy": lambda A, y: -(y * np.log(A) + (1 - y) * np.log(1 - A)).mean(),
    "mean squared error": lambda A, y: ((A - y) ** 2).mean(),
}
FORMULAS = {
    "(A - y) / N": lambda A, y: (A - y) / A.size,
    "2 (A - y) A (1 - A) / N": lambda A, y: 2 * (A - y) * A * (1 - A) / A.size,
}


class OutputLayer(Function):
    """Forward: loss(sigmoid(Z), y). Backward: a hand-written dloss/dZ, the formula to be checked.
    (`loss` and `formula` are options, passed by keyword; Z and y are the inputs.)"""

    @staticmethod
    def forward(ctx, Z, y, loss, formula):
        A = 1 / (1 + np.exp(-Z.detach().numpy()))
        ctx.gradient = formula(A, y)        # dloss/dZ as we claim it is
        return tg.tensor(loss(A, y))

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * tg.tensor(ctx.gradient), None   # one gradient per input: Z's, and none for y


def which_gradient_is_which(log: Log = print, seed: int = 0) -> dict:
    """gradcheck every formula against every loss; returns {(formula, loss): passed}."""
    rng = np.random.default_rng(seed)
    Z = tg.tensor(rng.normal(size=(4, 1)), requires_grad=True)
    y = XOR_Y
    passed = {}
    for formula_name, formula in FORMULAS.items():
        for loss_name, loss in LOSSES.items():
            try:
                passed[formula_name, loss_name] = tg.gradcheck(
                    lambda Z, loss=loss, formula=formula: OutputLayer.apply(Z, y, loss=loss, formula=formula), (Z,))
            except tg.GradcheckError:
                passed[formula_name, loss_name] = False
    rows = [[formula] + ["passes" if passed[formula, loss] else "fails" for loss in LOSSES] for formula in FORMULAS]
    log("gradcheck: each hand-written dL/dZ against finite differences of each loss")
    check_table = table(["dL/dZ written as", *LOSSES], rows, log)
    for formula in FORMULAS:
        for loss in LOSSES:
            if passed[formula, loss]:
                log(f"  {formula} is the gradient of the {loss}")
    return {"passed": passed, "table": check_table}

# %% [markdown]
# ## Run the lesson
#
# Train on XOR with the hand-written gradients, comparing them with autograd's at every step.
# The figure shows the agreement: every gradient entry at 20 of the steps, hand against autograd
# (all on the line y = x), and, at every step, the size of the gradient beside the largest
# difference (rounding).

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float = 0.5, hidden: int = 8) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "backprop")
    epochs = epochs or (1000 if is_quick(quick) else 2000)
    net = NeuralNetworkWithBackprop([2, hidden, 1])
    X, y = tg.tensor(XOR_X), tg.tensor(XOR_Y)

    losses, grad_norms, differences, samples = [], [], [], []
    bar = progress(range(epochs), progress_bar, "backprop XOR")
    for epoch in bar:
        auto = autograd_gradients(net, X, y)         # autograd first: its forward fills net.cache
        losses.append(net.loss(net.cache[f"A{net.num_layers}"], y).item())
        hand = net.backward(X, y)                     # the chain rule by hand, from the same cache
        hand_flat = np.concatenate([hand[k].numpy().ravel() for k in net.params])
        auto_flat = np.concatenate([auto[k].numpy().ravel() for k in net.params])
        grad_norms.append(float(np.linalg.norm(auto_flat)))
        differences.append(float(np.abs(hand_flat - auto_flat).max()))
        if epoch % max(1, epochs // 20) == 0:
            samples.append((auto_flat, hand_flat))
        net.update_weights(lr)
        show_loss(bar, losses[-1], 50, epoch)

    preds = net.forward(X).detach().numpy()[:, 0]
    max_diff = max(differences)
    log(f"NeuralNetworkWithBackprop([2, {hidden}, 1]) trained {epochs} epochs with lr={lr}; hand-written "
        f"and autograd gradients compared at every step: largest difference {max_diff:.2e}.")
    rows = [[f"{a:.0f} {b:.0f}", float(p), int(t)] for (a, b), p, t in zip(XOR_X, preds, XOR_Y[:, 0])]
    result_table = table(["x1 x2", "prediction", "target"], rows, log)
    log(f"final loss {losses[-1]:.5f}")
    check = which_gradient_is_which(log, seed)

    figure = out / "hand_vs_autograd.png"
    plot_agreement(samples, grad_norms, differences, figure)
    return {"max_grad_diff": float(max_diff), "grad_norms": grad_norms, "differences": differences,
            "samples": samples, "losses": losses, "predictions": preds,
            "solved": bool(np.all((preds > 0.5) == (XOR_Y[:, 0] > 0.5))), "gradcheck": check["passed"],
            "table": result_table, "check_table": check["table"], "figures": [figure],
            "captions": {figure.name: f"Left: every gradient entry at {len(samples)} of the {epochs} steps, from "
                                      f"the hand-written backward against autograd's, on the line y = x. Right: per "
                                      f"training step, the gradient's size and the "
                                      f"largest difference between the two, {max_diff:.0e}: rounding."}}


def plot_agreement(samples, grad_norms, differences, save):
    """Left: hand-written gradient entries against autograd's. Right: per step, |gradient| and the
    largest |hand - autograd|, on one log axis."""
    plt = viz.plots.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    auto = np.concatenate([a for a, _ in samples])
    hand = np.concatenate([h for _, h in samples])
    low, high = min(auto.min(), hand.min()), max(auto.max(), hand.max())
    left.plot([low, high], [low, high], color="grey", linewidth=1, label="y = x")
    left.scatter(auto, hand, s=14, alpha=0.6, label=f"{len(auto)} gradient entries, {len(samples)} steps")
    left.set_xlabel("autograd: tg.grad(loss, params)")
    left.set_ylabel("by hand: NeuralNetworkWithBackprop.backward")
    left.set_aspect("equal")
    left.set_title("every gradient entry, hand vs autograd")
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    steps = np.arange(len(grad_norms))
    right.plot(steps, grad_norms, label="gradient norm |dL/dθ|")
    exact = np.array(differences) == 0  # a log axis cannot show 0: those steps are left as gaps
    right.plot(steps, np.where(exact, np.nan, differences), label="largest |hand - autograd| (gaps: exactly 0)")
    right.set_yscale("log")
    right.set_xlabel("training step (epoch: the whole batch of 4)")
    right.set_ylabel("size (log scale)")
    right.set_title(f"largest difference {max(differences):.1e}: rounding")
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    return viz.plots.finish(fig, "Backpropagation by hand agrees with autograd", save)

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
