"""A learner's simple_nn: an nn.Module with two nn.Linear, tanh, sigmoid, binary cross-entropy by autograd."""
import tinygrad_edu as tg
from tinygrad_edu import nn


class SimpleNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, learning_rate):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.lr = learning_rate
    def forward(self, X):
        return self.out(self.hidden(X).tanh()).sigmoid()
    def backward(self, X, y):
        loss = nn.functional.binary_cross_entropy(self.forward(X), y)
        self.zero_grad()
        loss.backward()
        with tg.no_grad():
            for p in self.parameters():
                p -= self.lr * p.grad
        return loss.item()
    def train(self, X, y, epochs):
        y = y.reshape(len(X), 1)
        return [self.backward(X, y) for _ in range(epochs)]
