"""Reference solution of simple_nn: NumPy, sigmoid hidden layer, mean squared error.

    L = mean((y_hat - y)^2)         over the N x output_size elements
    dL/dy_hat = 2 (y_hat - y) / (N * output_size)
    dz2 = dL/dy_hat * y_hat (1 - y_hat)            (sigmoid' = s (1 - s))
    dW2 = h^T dz2,  db2 = sum(dz2, axis 0)
    dz1 = (dz2 W2^T) * h (1 - h)
    dW1 = X^T dz1,  db1 = sum(dz1, axis 0)
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class SimpleNN:
    def __init__(self, input_size, hidden_size, output_size, learning_rate):
        self.learning_rate = learning_rate
        self.W1 = np.random.randn(input_size, hidden_size)
        self.b1 = np.zeros(hidden_size)
        self.W2 = np.random.randn(hidden_size, output_size)
        self.b2 = np.zeros(output_size)

    def forward(self, X):
        self.h = sigmoid(X @ self.W1 + self.b1)
        self.y_hat = sigmoid(self.h @ self.W2 + self.b2)
        return self.y_hat

    def loss(self, y):
        return float(np.mean((self.y_hat - y) ** 2))

    def backward(self, X, y):
        d_y_hat = 2 * (self.y_hat - y) / y.size
        dz2 = d_y_hat * self.y_hat * (1 - self.y_hat)
        dW2 = self.h.T @ dz2
        db2 = dz2.sum(axis=0)
        dz1 = (dz2 @ self.W2.T) * self.h * (1 - self.h)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0)
        self.W1 -= self.learning_rate * dW1
        self.b1 -= self.learning_rate * db1
        self.W2 -= self.learning_rate * dW2
        self.b2 -= self.learning_rate * db2

    def train(self, X, y, epochs):
        y = np.asarray(y).reshape(len(X), -1)  # flat targets (N,) would broadcast against y_hat (N, 1)
        losses = []
        for _ in range(epochs):
            self.forward(X)
            losses.append(self.loss(y))
            self.backward(X, y)
        return losses
