# %% [markdown]
# # Lesson 2: activation functions and their derivatives
#
# A network without a non-linearity between its layers collapses into one linear map: two
# matrices multiplied are one matrix. The usual choices, and their derivatives in closed form:
#
#     sigmoid(x)    = 1 / (1 + e^-x)          sigmoid'(x) = s (1 - s), at most 0.25
#     tanh(x)                                 tanh'(x)    = 1 - tanh(x)^2
#     relu(x)       = max(0, x)               relu'(x)    = 1 if x > 0 else 0
#     leaky_relu(x) = x if x > 0 else 0.1 x   leaky'(x)   = 1 if x > 0 else 0.1
#     gelu(x)       = x Phi(x)                gelu'(x)    = Phi(x) + x phi(x)
#
# (Phi is the normal distribution's CDF, phi its density. PyTorch's leaky ReLU slope defaults
# to 0.01; this lesson uses 0.1 so the leak can be seen.)
#
# Autograd computes each derivative with one backward pass, and the lesson checks it against the
# closed form: the dots on the figure are the formulas above, the dashed line is autograd.
#
# Run it: `tinygrad-edu activations` or `python examples/02_activations.py`.

# %%
from __future__ import annotations

import math

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.curriculum.common import Log, out_folder, table
from tinygrad_edu.nn import functional as F

LEAK = 0.1  # leaky ReLU's slope for x < 0

# %% [markdown]
# ## The activations and their closed-form derivatives

# %%
ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    f"leaky_relu (slope {LEAK})": lambda x: F.leaky_relu(x, LEAK),
    "gelu": F.gelu,
}


def normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def sigmoid_derivative(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


CLOSED_FORMS = {
    "sigmoid": sigmoid_derivative,
    "tanh": lambda x: 1 - np.tanh(x) ** 2,
    "relu": lambda x: (x > 0).astype(np.float64),
    f"leaky_relu (slope {LEAK})": lambda x: np.where(x > 0, 1.0, LEAK),
    "gelu": lambda x: normal_cdf(x) + x * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi),
}

# %% [markdown]
# ## The same derivatives from autograd
#
# `f(x)` is applied to a whole grid of x at once. Each output depends only on its own input, so
# one backward through `f(x).sum()` gives df(x_i)/dx_i at every point.

# %%
def autograd_derivative(fn, x: np.ndarray) -> np.ndarray:
    """d fn(x)/dx at every point of x, by one backward pass."""
    xt = tg.tensor(x, requires_grad=True)
    (dx,) = tg.grad(fn(xt).sum(), xt)
    return dx.numpy()

# %% [markdown]
# ## Run the lesson
#
# The grid is float64, so the comparison is limited by the maths, not float32 rounding, and it
# avoids x = 0, where relu has no derivative (autograd uses 0 there, as PyTorch does). The last
# panel puts ReLU and leaky ReLU together for x < 0: ReLU is flat (its gradient is 0, a "dead"
# unit learns nothing), leaky ReLU keeps a slope of 0.1.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False) -> dict:
    out = out_folder(out_dir, "activations")
    x = np.linspace(-4, 4, 400, dtype=np.float64)
    errors, rows = {}, []
    for name, fn in ACTIVATIONS.items():
        closed = CLOSED_FORMS[name](x)
        errors[name] = float(np.abs(autograd_derivative(fn, x) - closed).max())
        rows.append([name, errors[name], float(closed.max())])
    log("Derivatives by autograd vs the closed forms, on 400 points in [-4, 4]:")
    result_table = table(["activation", "max |autograd - closed form|", "largest slope"], rows, log)
    log("sigmoid's slope is never above 0.25: through ten sigmoid layers, the ten slopes together multiply "
        "the gradient by at most 0.25^10 ≈ 1e-6; the weights multiply in too, so unless they are large "
        "the gradient vanishes (lesson 6).")

    fig = viz.plot_activations(list(ACTIVATIONS.items()), closed_forms=CLOSED_FORMS,
                               title="Activations f, and f' from autograd (dashed) over the closed form (dots)")
    ax = fig.axes[len(ACTIVATIONS)]  # the grid's spare sixth panel: relu and leaky relu side by side
    ax.axis("on")
    near = np.linspace(-2, 1, 301)
    ax.plot(near, F.relu(tg.tensor(near)).numpy(), linewidth=2.5, label="relu: flat, gradient 0")
    ax.plot(near, F.leaky_relu(tg.tensor(near), LEAK).numpy(), "--", linewidth=2,
            label=f"leaky_relu: slope {LEAK}")
    ax.annotate(f"leaky: {LEAK} x", xy=(-1.5, -1.5 * LEAK), xytext=(-1.9, 0.5),
                arrowprops={"arrowstyle": "->"})
    ax.set_title("relu vs leaky_relu for x < 0")
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    figure = out / "activations.png"
    fig.savefig(figure, dpi=100)
    viz.plots.pyplot().close(fig)
    caption = (f"Each activation (solid), its derivative from autograd (dashed) and the closed form (dots), which "
               f"agree to {max(errors.values()):.0e}. Sigmoid's slope peaks at 0.25; the last panel shows leaky "
               f"ReLU's slope {LEAK} for x < 0, where ReLU is flat.")
    return {"max_error": errors, "table": result_table, "figures": [figure], "captions": {figure.name: caption}}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
