"""Exercise custom_op: a new primitive for autograd, written like the library's own ops.

    tinygrad-edu check custom_op custom_op.py        (grade this file)

SiLU (also called swish) is x times its own sigmoid:

    silu(x) = x * sigmoid(x),        sigmoid(x) = 1 / (1 + exp(-x))

Autograd knows it once you give it two things, as every op in tinygrad_edu/ops.py does
(and as torch.autograd.Function does in PyTorch):

  forward(ctx, x)              computes the value from the input tensor x, and keeps what
                               backward needs: ctx.save_for_backward(x)
  backward(ctx, grad_output)   gets dL/dy for the output and returns dL/dx for the input:
                               x, = ctx.saved_tensors;  return grad_output * (dy/dx)

Work out dy/dx yourself (the product rule, and sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))).
Write backward with tensor operations (x.sigmoid(), *, +, -), not NumPy: then autograd can
differentiate your backward again, for second derivatives (gradgradcheck checks that).

Use it as  y = SiLU.apply(x);  y.sum().backward();  x.grad
"""

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function


class SiLU(Function):
    @staticmethod
    def forward(ctx, x):
        """y = x * sigmoid(x), for a tensor x of any shape; save what backward needs."""
        raise NotImplementedError("TODO 1: the value in SiLU.forward")

    @staticmethod
    def backward(ctx, grad_output):
        """dL/dx = grad_output * dy/dx, from the tensors forward saved."""
        raise NotImplementedError("TODO 2: the derivative in SiLU.backward")


if __name__ == "__main__":
    from tinygrad_edu.autograd.gradcheck import gradcheck, gradgradcheck
    x = tg.randn(5, dtype=tg.float64, requires_grad=True)
    y = SiLU.apply(x)
    y.sum().backward()
    print("x     ", x.detach().numpy())
    print("y     ", y.detach().numpy())
    print("dy/dx ", x.grad.numpy())
    print("gradcheck", gradcheck(SiLU.apply, (x,)), " gradgradcheck", gradgradcheck(SiLU.apply, (x,)))
