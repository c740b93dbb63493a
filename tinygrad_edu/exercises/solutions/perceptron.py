"""Reference solution of perceptron: Rosenblatt's rule, w += lr (y - y_hat) x, b += lr (y - y_hat)."""

import numpy as np


class Perceptron:
    def __init__(self, n_inputs, learning_rate=0.1):
        self.w = np.zeros(n_inputs)
        self.b = 0.0
        self.learning_rate = learning_rate

    def predict(self, x):
        return 1 if np.dot(x, self.w) + self.b > 0 else 0

    def update(self, x, y):
        error = y - self.predict(x)
        self.w = self.w + self.learning_rate * error * np.asarray(x, dtype=float)
        self.b = self.b + self.learning_rate * error
        return error

    def fit(self, X, y, epochs=20):
        mistakes = []
        for _ in range(epochs):
            wrong = sum(self.update(x, target) != 0 for x, target in zip(X, y))
            mistakes.append(int(wrong))
            if wrong == 0:
                break
        return mistakes
