"""Exercise perceptron: Rosenblatt's learning rule.

    tinygrad-edu check perceptron perceptron.py        (grade this file)

A perceptron computes a weighted sum and thresholds it:

    z = x . w + b,        y_hat = 1 if z > 0 else 0

and learns, one example at a time, by

    w <- w + lr * (y - y_hat) * x
    b <- b + lr * (y - y_hat)

No derivatives: when y_hat is right, y - y_hat = 0 and nothing moves; when it is
wrong, the line moves towards the example. Fill in TODO 1 (predict) and TODO 2
(update); `fit` is written for you.
"""

import numpy as np


class Perceptron:
    def __init__(self, n_inputs, learning_rate=0.1):
        self.w = np.zeros(n_inputs)
        self.b = 0.0
        self.learning_rate = learning_rate

    def predict(self, x):
        """1 if x . w + b > 0 else 0, for one example x of shape (n_inputs,). (Exactly 0 gives 0.)"""
        raise NotImplementedError("TODO 1: the prediction in Perceptron.predict")

    def update(self, x, y):
        """One step of the rule for the example (x, y), y being 0 or 1: change self.w and self.b.

        Return the error y - y_hat (-1, 0 or 1).
        """
        raise NotImplementedError("TODO 2: the learning rule in Perceptron.update")

    def fit(self, X, y, epochs=20):
        """Go over the examples until one epoch makes no mistake; return the mistakes of each epoch."""
        mistakes = []
        for _ in range(epochs):
            wrong = sum(self.update(x, target) != 0 for x, target in zip(X, y))
            mistakes.append(int(wrong))
            if wrong == 0:
                break
        return mistakes


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y_or = np.array([0, 1, 1, 1])
    p = Perceptron(2)
    print("mistakes per epoch:", p.fit(X, y_or))
    print("predictions:", [p.predict(x) for x in X], "targets:", y_or.tolist())
