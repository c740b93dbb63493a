"""Exercise sgd_momentum: one step of SGD with momentum, as torch.optim.SGD does it.

    tinygrad-edu check sgd_momentum sgd_momentum.py        (grade this file)

For a parameter x with gradient g, PyTorch's SGD (and tinygrad_edu.optim.SGD) does:

    g = g + weight_decay * x                     (when weight_decay != 0)
    when momentum != 0:
        b = g                                    on the first step (no dampening here)
        b = momentum * b + (1 - dampening) * g   on every later step
        g = g + momentum * b    if nesterov   else   g = b
    x = x - lr * g

b is the momentum buffer: it lives from one step to the next, in `state`.
Fill in TODO 1. The grader runs your function for several steps with several
settings and compares every step with tinygrad_edu.optim.SGD.
"""

import numpy as np


def sgd_step(param, grad, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """One SGD step for one parameter; returns the new parameter (a NumPy array of param's shape).

    param, grad: NumPy arrays of the same shape (do not change grad).
    state: a dict that is empty before the first step; keep the momentum buffer in
           state["momentum_buffer"] so that the next call finds it.
    """
    raise NotImplementedError("TODO 1: the SGD step in sgd_step")


if __name__ == "__main__":
    x, state = np.array([1.0, -2.0]), {}
    for step in range(3):
        grad = 2 * x  # the gradient of sum(x^2)
        x = sgd_step(x, grad, state, lr=0.1, momentum=0.9)
        print(step, x)
