"""Reference solution of backprop: the backward pass written out (graded by the tests).

NeuralNetwork(layer_sizes), e.g. NeuralNetwork([2, 4, 1]), keeps its weights in
self.params: W1, b1, W2, b2, ... with W_l of shape (n_{l-1}, n_l) and b_l (1, n_l).
For X of shape (m, n_0), one sample per row, forward computes (A0 = X):

    Z_l = A_{l-1} W_l + b_l
    A_l = relu(Z_l)       for the hidden layers, l < L
    A_L = sigmoid(Z_L)    for the output layer

and keeps A0, Z1, A1, ..., Z_L, A_L in self.cache. The loss is the binary
cross-entropy, averaged over the m samples:

    L = -(1/m) sum(y log A_L + (1 - y) log(1 - A_L))

backward(y) fills self.gradients with dW1, db1, ..., dW_L, db_L
(the derivatives of L, each of its parameter's shape) and returns the dict.
Everything else is written for you. The grader compares each gradient with
autograd's, from the last layer back, and names the first one that is wrong.

The chain rule, from the output back:
    dZ_L = A_L - y, divided by m       (sigmoid and cross-entropy together)
    dW_l = A_{l-1}^T dZ_l,   db_l = the sum of dZ_l over the samples (keep shape (1, n_l))
    dA_{l-1} = dZ_l W_l^T
    dZ_{l-1} = dA_{l-1} * relu'(Z_{l-1}),   relu'(z) = 1 where z > 0, else 0
"""

import numpy as np


def relu(z):
    return np.maximum(0, z)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, layer_sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.layer_sizes = list(layer_sizes)
        self.num_layers = len(layer_sizes) - 1
        self.params = {}
        for layer in range(1, self.num_layers + 1):
            fan_in = layer_sizes[layer - 1]
            self.params[f"W{layer}"] = rng.standard_normal((fan_in, layer_sizes[layer])) * np.sqrt(2 / fan_in)
            self.params[f"b{layer}"] = np.zeros((1, layer_sizes[layer]))
        self.cache = {}
        self.gradients = {}

    def forward(self, X):
        self.cache = {"A0": X}
        A = X
        for layer in range(1, self.num_layers + 1):
            Z = A @ self.params[f"W{layer}"] + self.params[f"b{layer}"]
            A = sigmoid(Z) if layer == self.num_layers else relu(Z)
            self.cache[f"Z{layer}"], self.cache[f"A{layer}"] = Z, A
        return A

    def compute_loss(self, y):
        A = np.clip(self.cache[f"A{self.num_layers}"], 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))

    def backward(self, y):
        m = y.shape[0]
        L = self.num_layers
        dZ = (self.cache[f"A{L}"] - y) / m
        for layer in range(L, 0, -1):
            self.gradients[f"dW{layer}"] = self.cache[f"A{layer - 1}"].T @ dZ
            self.gradients[f"db{layer}"] = dZ.sum(axis=0, keepdims=True)
            if layer > 1:
                dA = dZ @ self.params[f"W{layer}"].T
                dZ = dA * (self.cache[f"Z{layer - 1}"] > 0)
        return self.gradients

    def update_weights(self, learning_rate):
        for layer in range(1, self.num_layers + 1):
            self.params[f"W{layer}"] -= learning_rate * self.gradients[f"dW{layer}"]
            self.params[f"b{layer}"] -= learning_rate * self.gradients[f"db{layer}"]

    def train(self, X, y, epochs=1000, learning_rate=0.5):
        losses = []
        for _ in range(epochs):
            self.forward(X)
            losses.append(self.compute_loss(y))
            self.backward(y)
            self.update_weights(learning_rate)
        return losses


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork([2, 8, 1])
    losses = net.train(X, y, epochs=2000)
    print("loss:", losses[0], "->", losses[-1])
    print("predictions:", np.round(net.forward(X).ravel(), 3))
