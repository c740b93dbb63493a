"""Exercise simple_nn: a 2-layer neural network from scratch that learns XOR.

    tinygrad-edu check simple_nn simple_nn.py        (grade this file)

Fill in the four TODOs of SimpleNN. Write it in NumPy (the weights are NumPy
arrays and you write the gradients yourself) or with tinygrad_edu tensors
(requires_grad=True, loss.backward(), then update under tg.no_grad()).

Your choices:
  - the hidden activation: sigmoid, tanh or ReLU;
  - the loss: the mean squared error, L = mean((y_hat - y)^2), or the binary
    cross-entropy, L = -mean(y log y_hat + (1 - y) log(1 - y_hat)) (then the
    output must be a sigmoid);
  - the output: a sigmoid, y_hat = sigmoid(h W2 + b2); with the MSE it may also
    be linear, y_hat = h W2 + b2.

Whatever you choose, the update in `backward` must be the gradient of the loss
that `train` reports. The grader measures that gradient itself (by nudging
every weight and calling your forward) and tells you if your step belongs to
a different loss.

Shapes: X is (N, input_size), one sample per row; y is (N, output_size). For
XOR, y is [[0], [1], [1], [0]], shape (4, 1); a flat [0, 1, 1, 0] of shape (4,)
would broadcast against y_hat (4, 1) into a (4, 4) table of differences.
"""

import numpy as np


class SimpleNN:
    """input -> hidden (activation of your choice) -> output (a sigmoid; with the MSE, a sigmoid or none).

    >>> net = SimpleNN(2, 4, 1, learning_rate=1.0)
    >>> losses = net.train(X, y, epochs=5000)
    >>> net.forward(X)          # close to [[0], [1], [1], [0]]
    """

    def __init__(self, input_size, hidden_size, output_size, learning_rate):
        """Make the weights and keep the learning rate.

        Keep the weights as attributes (self.W1, self.b1, self.W2, self.b2) or in a
        dict self.params, as NumPy arrays or tinygrad_edu tensors:
          W1 (input_size, hidden_size), b1 (hidden_size,) or (1, hidden_size)
          W2 (hidden_size, output_size), b2 (output_size,) or (1, output_size)
        Start the W's random (np.random.randn(...) works for XOR) and the b's at zero.
        """
        self.learning_rate = learning_rate
        raise NotImplementedError("TODO 1: make the weights W1, b1, W2, b2 in SimpleNN.__init__")

    def forward(self, X):
        """Return the predictions y_hat, shape (N, output_size), for X of shape (N, input_size).

        h = activation(X W1 + b1), y_hat = sigmoid(h W2 + b2): a sigmoid output, which the
        cross-entropy needs; with the MSE the output may also be linear, y_hat = h W2 + b2.
        Keep what backward needs (h, y_hat, ...) as attributes.
        """
        raise NotImplementedError("TODO 2: the forward pass in SimpleNN.forward")

    def backward(self, X, y):
        """One step of gradient descent: compute dL/dW for every weight, then W -= learning_rate * dL/dW.

        Call it after forward(X). By the chain rule, from the output back:
          dL/dy_hat (your loss's derivative)  ->  through the output's sigmoid (if it has one)
          ->  dL/dW2 = h^T dL/dz2, dL/db2 = sum over samples of dL/dz2
          ->  dL/dh = dL/dz2 W2^T  ->  through the hidden activation  ->  dL/dW1, dL/db1
        """
        raise NotImplementedError("TODO 3: the gradients and the update in SimpleNN.backward")

    def train(self, X, y, epochs):
        """Repeat forward, loss, backward `epochs` times; return the list of the losses (floats).

        The loss of each epoch is computed from that epoch's forward pass, before the update.
        Targets given flat, y = [0, 1, 1, 0] of shape (4,), must not broadcast against y_hat (4, 1):
        reshape them to one column first, y = y.reshape(len(X), -1) (or raise an error).
        """
        raise NotImplementedError("TODO 4: the training loop in SimpleNN.train")


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)  # shape (4, 1): one column, like y_hat
    net = SimpleNN(2, 4, 1, learning_rate=1.0)
    losses = net.train(X, y, epochs=5000)
    print("loss:", losses[0], "->", losses[-1])
    print("predictions:", np.round(np.asarray(net.forward(X)).ravel(), 3))
