"""Reference solution of sgd_momentum: PyTorch's SGD formulas for one parameter."""

import numpy as np


def sgd_step(param, grad, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    g = np.array(grad, dtype=float)
    if weight_decay != 0:
        g = g + weight_decay * param
    if momentum != 0:
        if "momentum_buffer" not in state:
            buf = g.copy()
        else:
            buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
        state["momentum_buffer"] = buf
        if nesterov:
            g = g + momentum * buf
        else:
            g = buf
    return param - lr * g
