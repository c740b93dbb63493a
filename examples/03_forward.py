# %% [markdown]
# # Lesson 3: the forward pass, layer by layer
#
# `NeuralNetwork([784, 128, 64, 10])` is a multi-layer perceptron for 28x28 images: 784 inputs,
# hidden layers of 128 and 64 units, 10 outputs. Layer i keeps a weight matrix `params['Wi']` of
# shape (n_in, n_out) and a bias `params['bi']` of shape (1, n_out). For a batch of B inputs,
# one row each, the forward pass computes layer by layer
#
#     Z_i = A_(i-1) W_i + b_i          (B, n_in) @ (n_in, n_out) -> (B, n_out)
#     A_i = relu(Z_i)                  hidden layers
#     A_L = sigmoid(Z_L)               the output layer: each output between 0 and 1
#
# with A_0 = X. `forward` keeps every Z_i and A_i in `self.cache`: backpropagation (lesson 4)
# needs them. The weights start as `randn * sqrt(2 / n_in)` (He initialisation: the scale at
# which a ReLU layer keeps its input's size, lesson 6) and the biases at zero.
#
# The parameters are tinygrad_edu tensors with `requires_grad=True`, so autograd records the
# forward pass as a graph: the picture at the end is that graph for one example.
#
# Run it: `tinygrad-edu forward` or `python examples/03_forward.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.curriculum.common import Log, out_folder, save_graph, table

SIZES = [784, 128, 64, 10]

# %% [markdown]
# ## The network

# %%
class NeuralNetwork:
    """A fully connected network: ReLU hidden layers, a sigmoid output layer."""

    def __init__(self, layer_sizes: list[int], dtype=tg.float32):
        self.layer_sizes = list(layer_sizes)
        self.num_layers = len(layer_sizes) - 1          # layers of weights
        self.params = {}
        for i in range(1, len(layer_sizes)):
            n_in, n_out = layer_sizes[i - 1], layer_sizes[i]
            self.params[f"W{i}"] = (tg.randn(n_in, n_out, dtype=dtype) * np.sqrt(2 / n_in)).requires_grad_()
            self.params[f"b{i}"] = tg.zeros(1, n_out, dtype=dtype, requires_grad=True)
        self.cache = {}

    def forward(self, X: tg.Tensor) -> tg.Tensor:
        """X (B, layer_sizes[0]) -> A_L (B, layer_sizes[-1]); every Z_i and A_i kept in self.cache."""
        A = X
        self.cache = {"A0": X}
        for i in range(1, self.num_layers + 1):
            Z = A @ self.params[f"W{i}"] + self.params[f"b{i}"]
            A = Z.sigmoid() if i == self.num_layers else Z.relu()
            self.cache[f"Z{i}"], self.cache[f"A{i}"] = Z, A
        return A

    __call__ = forward

    def parameter_names(self) -> dict:
        """{tensor: 'W1', ...}: names for the graph picture."""
        return {tensor: name for name, tensor in self.params.items()}

# %% [markdown]
# ## Run the lesson
#
# A random batch goes through; the table lists each step's output shape and how many numbers
# (weights and biases) the step owns.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        batch_size: int = 32) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "forward")
    net = NeuralNetwork(SIZES)
    X = tg.randn(batch_size, SIZES[0])
    output = net.forward(X)
    rows, shapes = [["A0 = X", "input", tuple(X.shape), 0]], [tuple(X.shape)]
    for i in range(1, net.num_layers + 1):
        W, b = net.params[f"W{i}"], net.params[f"b{i}"]
        activation = "sigmoid" if i == net.num_layers else "relu"
        rows.append([f"Z{i} = A{i - 1} @ W{i} + b{i}", f"W{i} {tuple(W.shape)}", tuple(net.cache[f"Z{i}"].shape),
                     W.numel() + b.numel()])
        rows.append([f"A{i} = {activation}(Z{i})", "", tuple(net.cache[f"A{i}"].shape), 0])
        shapes += [tuple(net.cache[f"Z{i}"].shape), tuple(net.cache[f"A{i}"].shape)]
    log(f"A batch of {batch_size} inputs through NeuralNetwork({SIZES}):")
    result_table = table(["step", "weights", "output shape", "parameters"], rows, log)
    total = sum(p.numel() for p in net.params.values())
    log(f"{total} parameters in all. Every output is a sigmoid, between 0 and 1: row 0 is "
        f"{[round(float(v), 2) for v in output[0].detach().numpy()]}")
    # The graph of one example's forward pass: small enough to read.
    x_one = tg.randn(1, SIZES[0])
    x_one.name = "x"
    graph = save_graph(net.forward(x_one).sum(), out / "graph.svg", log=log, show_grads=False,
                       names=net.parameter_names(), rankdir="TB")  # top to bottom: a long chain stays readable
    caption = ("What autograd recorded for one example: x (1, 784) times W1 plus b1, relu, and so on to the "
               "sigmoid of the last layer, then a sum of the 10 outputs (the root drawn), with the shape of every "
               "tensor.")
    return {"shapes": shapes, "parameters": total, "output": output.detach().numpy(), "table": result_table,
            "figures": [graph], "captions": {graph.name: caption}}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
