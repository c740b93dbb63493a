"""tinygrad_edu.viz: see what autograd does.

    draw_graph / save_graph    the computation graph (Graphviz); retain_grads to see every gradient
    trace_backward             the backward pass, step by step, printed and returned as records
    step_backward              the backward pass to click through, one engine step at a time (HTML)
    show                       a lesson's figures inline in a notebook (their paths elsewhere)
    plot_*                     matplotlib figures for the lessons (loss, decision boundary, ...)
"""

from ..autograd import Mode
from ..tracing import trace_backward
from .graph import draw_graph, retain_grads, save_graph
from .plots import (
    confusion_matrix,
    plot_activations,
    plot_confusion,
    plot_decision_boundary,
    plot_descent,
    plot_grad_flow,
    plot_grad_norms,
    plot_images,
    plot_loss,
    plot_predictions,
)
from .show import show
from .stepper import Stepper, step_backward

# Drawing boxes around each module's ops needs every node to know its module: from the moment
# viz is imported, nn.Module.__call__ records that (it costs nothing before).
Mode.record_modules = True

__all__ = [
    "draw_graph", "save_graph", "retain_grads", "trace_backward", "step_backward", "Stepper", "show",
    "plot_loss", "plot_decision_boundary", "plot_predictions", "plot_activations", "plot_descent",
    "plot_grad_flow", "plot_grad_norms", "plot_confusion", "plot_images", "confusion_matrix",
]
