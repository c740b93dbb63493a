"""The from-scratch curriculum, one module per lesson.

Each lesson module has `run(quick=False, out_dir=None, seed=0, log=print,
progress_bar=False, ...) -> dict`; the scripts in examples/, the
`tinygrad-edu` command and the tour all call it. Lessons import their
modules lazily, so listing them costs nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Lesson:
    number: int
    module: str      # tinygrad_edu.curriculum.<module>
    example: str     # the script in examples/
    command: str     # the tinygrad-edu subcommand
    title: str
    summary: str     # one or two sentences for the tour

    def load(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    @property
    def folder(self) -> str:
        return self.example[:-3]


LESSONS = [
    Lesson(1, "perceptron", "01_perceptron.py", "perceptron", "The perceptron",
           "One neuron, z = x·w + b, thresholded at 0. Rosenblatt's rule learns OR and AND without any "
           "derivative; the same model trained by gradient descent (sigmoid and cross-entropy, gradients "
           "from autograd) finds a separating line too. Left: the rule's hard step; right: gradient "
           "descent's probability."),
    Lesson(2, "activations", "02_activations.py", "activations", "Activation functions",
           "Sigmoid, tanh, ReLU, leaky ReLU and GELU with their derivatives, computed by autograd and "
           "checked against the closed forms. Note sigmoid's slope never exceeds 0.25."),
    Lesson(3, "forward", "03_forward.py", "forward", "The forward pass",
           "A [784, 128, 64, 10] MLP: each Linear layer maps (B, n_in) to (B, n_out). The graph is what "
           "autograd recorded for one example."),
    Lesson(4, "backprop", "04_backprop_xor.py", "backprop", "Backpropagation by hand",
           "The [2, 4, 1] sigmoid network on XOR written out in NumPy, the chain rule layer by layer, "
           "trained side by side with autograd: their gradients agree at every step."),
    Lesson(5, "descent", "05_gradient_descent.py", "gd", "Gradient descent",
           "The landscape (w1 - 2)² + 2(w2 + 1)²: small steps crawl, large ones zig-zag; momentum and "
           "Adam on the same picture."),
    Lesson(6, "vanishing", "06_vanishing_exploding.py", "gradients", "Vanishing and exploding gradients",
           "Gradient norm per layer in a deep sigmoid network (it vanishes towards the input) and a ReLU "
           "one (it does not); a badly initialised network explodes and clip_grad_norm_ tames it."),
    Lesson(7, "xor", "07_simple_nn_xor.py", "xor", "The exercise: SimpleNN solves XOR",
           "SimpleNN(2, 4, 1) with forward, backward (autograd) and train: the loss curve, predictions vs "
           "targets, the curved decision boundary a single perceptron cannot draw, and the graph."),
    Lesson(8, "digits", "08_digits.py", "digits", "Real data: handwritten digits",
           "An MLP and a small CNN on the 8x8 digits with a DataLoader and Adam: test accuracy, the "
           "confusion matrix and the images the CNN got wrong."),
    Lesson(9, "graph", "09_graph_and_trace.py", "graph", "The graph and the backward trace",
           "c = a·b + a drawn before and after backward; the trace shows the two gradients reaching a "
           "being added. Then a tiny network's graph with parameter names."),
    Lesson(10, "higher_order", "10_higher_order.py", "newton", "Higher-order gradients",
           "Differentiate the gradient (create_graph=True): Hessian-vector products, and one Newton step "
           "that lands exactly on the quadratic's minimum."),
]

BY_COMMAND = {lesson.command: lesson for lesson in LESSONS}
