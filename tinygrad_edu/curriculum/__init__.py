"""The from-scratch curriculum: the list of lessons, and where their code lives.

Each lesson is one file in the repository's `examples/` folder (`examples/07_simple_nn_xor.py`),
and that file is the lesson: its text, its classes, the `run()` that trains and draws. The
`tinygrad-edu <command>` line, the tour page and the tests all run that same file; there is no
second copy of a lesson inside the package.

How the package finds those files, in every way it can be installed:

- From a checkout or an editable install (`pip install -e .`), `examples/` sits beside the
  `tinygrad_edu/` folder: `Path(tinygrad_edu.__file__).parent.parent / "examples"`.
- A normal install (`pip install .`, a wheel) has no repository around it, so `setup.py` maps the
  package `tinygrad_edu.lessons` onto the folder `examples/` (setuptools' `package_dir`): the wheel
  carries the very same files as `site-packages/tinygrad_edu/lessons/`.

`lesson_dir()` looks in those two places; `Lesson.load()` imports the file by its path
(importlib's `spec_from_file_location`) as the module `tinygrad_edu.lessons.<name>`, once, so
every caller gets the same module and the same classes.

Every lesson file has `run(quick=False, out_dir=None, seed=0, log=print, progress_bar=False, ...)`
returning a dict: the numbers the lesson claims, its tables, and `figures`, the files it wrote.
The files are written in Jupyter's percent format (`# %%` code cells, `# %% [markdown]` text
cells), so each one is also a notebook.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent.parent  # the tinygrad_edu folder


def lesson_dir() -> Path:
    """The folder that holds the lesson files: tinygrad_edu/lessons (a normal install) or the
    repository's examples/ (a checkout or an editable install)."""
    for folder in (PACKAGE / "lessons", PACKAGE.parent / "examples"):
        if (folder / LESSONS[0].example).is_file():
            return folder
    raise FileNotFoundError(f"the lesson files ({LESSONS[0].example}, ...) are in neither {PACKAGE / 'lessons'} "
                            f"nor {PACKAGE.parent / 'examples'}; reinstall tinygrad-edu (pip install .)")


@dataclass(frozen=True)
class Lesson:
    number: int
    name: str        # the module name: tinygrad_edu.lessons.<name>
    example: str     # the file in examples/
    command: str     # the tinygrad-edu subcommand
    title: str
    summary: str     # one or two sentences for the tour

    @property
    def module(self) -> str:
        return f"tinygrad_edu.lessons.{self.name}"

    @property
    def path(self) -> Path:
        return lesson_dir() / self.example

    def load(self) -> ModuleType:
        """The lesson's file as a module, imported once (later calls return the same module)."""
        if self.module in sys.modules:
            return sys.modules[self.module]
        spec = importlib.util.spec_from_file_location(self.module, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module] = module  # before running it: dataclasses and pickling look it up there
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[self.module]
            raise
        return module

    @property
    def folder(self) -> str:
        return self.example[:-3]


LESSONS = [
    Lesson(1, "perceptron", "01_perceptron.py", "perceptron", "The perceptron",
           "One neuron, z = x·w + b, thresholded at 0. Rosenblatt's rule learns OR and AND without any "
           "derivative, and stops with every point at least a margin away from its line; the same neuron "
           "trained by gradient descent (sigmoid and cross-entropy, gradients from autograd) finds a "
           "separating line too. Left: the rule's hard step; right: gradient descent's probability."),
    Lesson(2, "activations", "02_activations.py", "activations", "Activation functions",
           "Sigmoid, tanh, ReLU, leaky ReLU and GELU with their derivatives: autograd's drawn over the "
           "closed forms, which agree to rounding. Note sigmoid's slope never exceeds 0.25."),
    Lesson(3, "forward", "03_forward.py", "forward", "The forward pass",
           "NeuralNetwork([784, 128, 64, 10]): ReLU hidden layers, a sigmoid output, params['W1'], "
           "params['b1'], ... Each layer maps (B, n_in) to (B, n_out). The graph is what autograd "
           "recorded for one example."),
    Lesson(4, "backprop", "04_backprop_xor.py", "backprop", "Backpropagation by hand",
           "NeuralNetworkWithBackprop on XOR: the chain rule written out in NumPy, checked against autograd "
           "at every step. Gradcheck settles which output gradient belongs to which loss: (A - y) / N is the "
           "mean binary cross-entropy's (A - y the summed one's), 2 (A - y) A (1 - A) / N the mean squared "
           "error's."),
    Lesson(5, "descent", "05_gradient_descent.py", "gd", "Gradient descent",
           "The landscape (w1 - 2)² + 2(w2 + 1)², drawn to scale: each plain SGD step is perpendicular to its "
           "contour; small steps crawl, large ones zig-zag; momentum curls in; Adam, whose steps are set by lr "
           "rather than by the gradient, circles the minimum at a fixed lr."),
    Lesson(6, "vanishing", "06_vanishing_exploding.py", "gradients", "Vanishing and exploding gradients",
           "Gradient norm per layer on one shared log axis: a deep sigmoid network's gradient vanishes "
           "towards the input, a ReLU network's keeps its size, and a network with too-large weights "
           "explodes layer by layer; clip_grad_norm_ brings the exploding one back to norm 1."),
    Lesson(7, "xor", "07_simple_nn_xor.py", "xor", "The exercise: SimpleNN solves XOR",
           "SimpleNN(2, 4, 1, learning_rate) with forward, backward(X, y) and train(X, y, epochs): the loss "
           "curve, predictions vs targets, the curved decision boundary a single perceptron cannot draw, "
           "new inputs, and the graph."),
    Lesson(8, "digits", "08_digits.py", "digits", "Real data: handwritten digits",
           "An MLP and a small CNN on the 8x8 digits with a DataLoader and Adam: the loss per mini-batch, "
           "test accuracy, the confusion matrix and the images the CNN got wrong."),
    Lesson(9, "graph", "09_graph_and_trace.py", "graph", "The graph and the backward trace",
           "c = a·b + a drawn before and after backward; the trace shows the two gradients reaching a "
           "being added. Then a tiny network's graph with parameter names."),
    Lesson(10, "higher_order", "10_higher_order.py", "newton", "Higher-order gradients",
           "Differentiate the gradient (create_graph=True): Hessian-vector products, and one Newton step "
           "that lands exactly on the quadratic's minimum."),
]

BY_COMMAND = {lesson.command: lesson for lesson in LESSONS}
BY_NAME = {lesson.name: lesson for lesson in LESSONS}


def load(name: str) -> ModuleType:
    """A lesson's module by its name or command: load("xor").SimpleNN."""
    lesson = BY_NAME.get(name) or BY_COMMAND.get(name)
    if lesson is None:
        raise KeyError(f"no lesson {name!r}; lessons: {', '.join(BY_NAME)}")
    return lesson.load()
