"""Reference solution of custom_op: SiLU as a Function.

    y = x s,  s = sigmoid(x)
    dy/dx = s + x s (1 - s) = s (1 + x (1 - s))      (the product rule)
"""

from tinygrad_edu.autograd import Function


class SiLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x.sigmoid()

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        return grad_output * s * (1 + x * (1 - s))
