"""A learner's first simple_nn, as README's "Exercises" shows it: the tutorial's backward (dZ2 = A2 - y, taken
literally: no 1/N), the mean squared error reported by train, and the targets used as given (no reshape)."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class SimpleNN:
    def __init__(self, input_size, hidden_size, output_size, learning_rate):
        self.learning_rate = learning_rate
        self.W1 = np.random.randn(input_size, hidden_size)
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size)
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.Z1 = X @ self.W1 + self.b1
        self.A1 = sigmoid(self.Z1)
        self.Z2 = self.A1 @ self.W2 + self.b2
        self.A2 = sigmoid(self.Z2)
        return self.A2

    def backward(self, X, y):
        dZ2 = self.A2 - y
        dW2 = self.A1.T @ dZ2
        db2 = np.sum(dZ2, axis=0, keepdims=True)
        dZ1 = dZ2 @ self.W2.T * self.A1 * (1 - self.A1)
        dW1 = X.T @ dZ1
        db1 = np.sum(dZ1, axis=0, keepdims=True)
        self.W2 -= self.learning_rate * dW2
        self.b2 -= self.learning_rate * db2
        self.W1 -= self.learning_rate * dW1
        self.b1 -= self.learning_rate * db1

    def train(self, X, y, epochs):
        losses = []
        for _ in range(epochs):
            y_hat = self.forward(X)
            losses.append(np.mean((y_hat - y) ** 2))
            self.backward(X, y)
        return losses
