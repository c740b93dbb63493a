# %% [markdown]
# # Lesson 10: gradients of gradients
#
# Backward is written with Tensor operations, so with `create_graph=True` the gradient is itself a
# graph and can be differentiated again:
#
#     g = grad(f, w, create_graph=True)       # g = df/dw, a function of w
#     Hv = grad(g @ v, w)                      # d(g . v)/dw = H v, the Hessian-vector product
#
# For f(w) = (w1 - 2)^2 + 2 (w2 + 1)^2 the gradient is (2(w1 - 2), 4(w2 + 1)) and the Hessian the
# constant diag(2, 4). Newton's method steps w <- w - H^-1 g; on a quadratic that one step lands
# exactly on the minimum (2, -1), where gradient descent needs many small steps.
#
# Run it: `tinygrad-edu newton` or `python examples/10_higher_order.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.curriculum.common import Log, out_folder

MINIMUM = (2.0, -1.0)


# %% [markdown]
# ## Hessian-vector products and a Newton step

# %%
def quadratic(w: tg.Tensor) -> tg.Tensor:
    """f(w) = (w1 - 2)^2 + 2 (w2 + 1)^2, minimum 0 at (2, -1)."""
    return (w[0] - 2) ** 2 + 2 * (w[1] + 1) ** 2


def hvp(f, w: tg.Tensor, v: tg.Tensor) -> tg.Tensor:
    """The Hessian-vector product H(w) v by double backward, without ever forming H."""
    (g,) = tg.grad(f(w), w, create_graph=True)
    (hv,) = tg.grad((g * v).sum(), w)
    return hv


def hessian(f, w: tg.Tensor) -> np.ndarray:
    """The full Hessian, one column per basis vector: H e_i = hvp(e_i)."""
    n = w.numel()
    return np.stack([hvp(f, w, tg.tensor(np.eye(n)[i], dtype=w.dtype)).numpy() for i in range(n)], axis=1)


def newton_step(f, w: tg.Tensor) -> tg.Tensor:
    """w - H^-1 g: the minimum of the quadratic model of f around w."""
    (g,) = tg.grad(f(w), w)
    step = np.linalg.solve(hessian(f, w), g.numpy())
    return tg.tensor(w.detach().numpy() - step, dtype=w.dtype, requires_grad=True)


# %% [markdown]
# ## Run the lesson
#
# The gradient, a Hessian-vector product, the whole Hessian, one Newton step, and gradient descent
# from the same start for comparison.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        start=(-3.0, 2.5), gd_lr: float = 0.1) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "newton")
    w = tg.tensor(start, dtype=np.float64, requires_grad=True)

    (g,) = tg.grad(quadratic(w), w)
    log(f"f(w) at w = {tuple(start)}: {quadratic(w).item():.3f}; gradient (autograd) {g.numpy().round(4)}")
    v = tg.tensor([1.0, 1.0], dtype=np.float64)
    hv = hvp(quadratic, w, v)
    log(f"Hessian-vector product H v for v = (1, 1), by double backward: {hv.numpy().round(6)} "
        "(exact: (2, 4))")
    H = hessian(quadratic, w)
    log(f"Hessian from two HVPs:\n{H.round(6)}")

    w_newton = newton_step(quadratic, w)
    log(f"One Newton step w - H^-1 g lands on {w_newton.detach().numpy().round(8)}; "
        f"f there = {quadratic(w_newton).item():.2e}")

    # Gradient descent from the same start, for comparison: how many steps to get as close?
    # Each step multiplies the distance to the minimum by 1 - 2 lr along w1 and 1 - 4 lr along w2,
    # so from lr = 0.5 on it never settles: it is stopped after 1000 steps, or once it has gone far.
    point = np.array(start, dtype=np.float64)
    gd_path = [point.copy()]
    start_distance = np.linalg.norm(point - MINIMUM)
    while np.abs(point - MINIMUM).max() > 1e-3 and len(gd_path) <= 1000 \
            and np.linalg.norm(point - MINIMUM) <= 1e6 * start_distance:
        wt = tg.tensor(point, requires_grad=True)
        (gt,) = tg.grad(quadratic(wt), wt)
        point = point - gd_lr * gt.numpy()
        gd_path.append(point.copy())
    gd_steps = len(gd_path) - 1
    reached = bool(np.abs(point - MINIMUM).max() <= 1e-3)
    if reached:
        log(f"Gradient descent (lr={gd_lr}) needs {gd_steps} steps to get within 1e-3.")
        gd_caption = f"gradient descent (lr={gd_lr}) curves in over {gd_steps} steps"
    else:
        distance = np.linalg.norm(point - MINIMUM)
        gd_caption = (f"gradient descent (lr={gd_lr}) is still {distance:.3g} from the minimum after {gd_steps} steps "
                      f"(each step multiplies the distance along w2 by 1 - 4 lr = {1 - 4 * gd_lr:g})")
        log(f"Gradient descent (lr={gd_lr}) never gets within 1e-3: it is still "
            f"{distance:.3g} from the minimum after {gd_steps} steps (each step multiplies "
            f"the distance along w1 by 1 - 2 lr = {1 - 2 * gd_lr:g} and along w2 by 1 - 4 lr = {1 - 4 * gd_lr:g}).")
    # A run that goes far away is drawn until it leaves the view around the start, so the figure stays to scale.
    drawn = gd_path
    far = [i for i, p in enumerate(gd_path) if np.linalg.norm(p - MINIMUM) > 2 * start_distance]
    if far:
        drawn = gd_path[:max(far[0], 2)]  # at least its first step
        gd_caption += f", drawn for its first {len(drawn) - 1} step" + ("s" if len(drawn) > 2 else "")

    paths = {f"gradient descent, lr={gd_lr}": np.array(drawn),
             "Newton (one step)": np.array([start, w_newton.detach().numpy()])}
    figure = out / "newton.png"
    viz.plot_descent(quadratic, paths, minimum=MINIMUM, save=figure,
                     title=r"Newton vs gradient descent on $f(w) = (w_1 - 2)^2 + 2\,(w_2 + 1)^2$")
    return {"hvp": hv.numpy(), "hessian": H, "newton_point": w_newton.detach().numpy(),
            "gd_steps": gd_steps, "gd_reached": reached, "figures": [figure],
            "captions": {figure.name: f"From {tuple(start)}: {gd_caption}; Newton's one step, w - H^-1 g, goes "
                                      "straight to the minimum (2, -1), because f is exactly quadratic."}}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
