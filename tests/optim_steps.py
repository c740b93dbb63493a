"""The optimizer tests' common loop: one float64 parameter stepped through a gradient sequence by an
optimizer, ours or PyTorch's (the same code: both take `tensor(array, requires_grad=True)` and `.grad`)."""

import numpy as np


def stepped(make_optimizer, tensor, x0, grads):
    """`tensor` is tinygrad_edu.tensor or torch.tensor. Returns the optimizer, the parameter, and the
    parameter's value after each step."""
    p = tensor(np.array(x0, copy=True), requires_grad=True)
    opt = make_optimizer([p])
    history = []
    for g in grads:
        p.grad = tensor(g)
        opt.step()
        history.append(p.detach().numpy().copy())
    return opt, p, history
