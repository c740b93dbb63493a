# %% [markdown]
# # Lesson 5: gradient descent on a landscape you can see
#
#     f(w1, w2) = (w1 - 2)^2 + 2 (w2 + 1)^2,    minimum 0 at (2, -1)
#     grad f    = (2 (w1 - 2), 4 (w2 + 1))
#
# Gradient descent repeats `w <- w - lr * grad f(w)`. The gradient points straight uphill, at a
# right angle to the contour line through w, so each step crosses its contour at a right angle
# (the figure draws both axes to the same scale, so the angles look as they are).
#
# Along w2 the curvature is 4, so each step multiplies the distance to the minimum in w2 by
# (1 - 4 lr): a small lr crawls, lr = 0.45 overshoots and zig-zags (1 - 4 * 0.45 = -0.8), and
# lr > 0.5 diverges. Momentum keeps a running velocity that smooths the zig-zag.
#
# Adam divides each coordinate's step by the size of its recent gradients: the step is
# lr * m / sqrt(v), where m is a running mean of the gradient and v of its square. The ratio
# m / sqrt(v) is about 1 in size (while the gradient keeps its sign) however large or small the
# gradient is, so Adam's steps are set by lr, not by the slope: its first steps here are lr = 0.3
# in each coordinate (diagonally, not straight down the slope), and after 30 steps, where the
# gradient is ten times smaller, they are still about 0.1, a third of lr. So with a fixed lr Adam
# arrives with long steps, overshoots and circles the minimum; the circles shrink only slowly, as
# the gradient's swings cancel in m. On this bowl it finishes last after 30 steps. That is why
# Adam is usually given a learning rate that decays over training (a scheduler).
#
# Run it: `tinygrad-edu gd` or `python examples/05_gradient_descent.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import optim, viz
from tinygrad_edu.curriculum.common import Log, out_folder, table

START = (-2.0, 2.0)
MINIMUM = (2.0, -1.0)
VIEW = 3 * float(np.linalg.norm(np.subtract(START, MINIMUM)))  # how far from the minimum a path is drawn

# %% [markdown]
# ## The loss, and one optimizer's path over it
#
# The gradients come from autograd: `loss_fn(w).backward()` fills `w.grad`, and the optimizer's
# `step()` moves w against it.

# %%
def loss_fn(w) -> tg.Tensor:
    """f(w) = (w1 - 2)^2 + 2 (w2 + 1)^2; w is a Tensor of shape (2,)."""
    return (w[0] - 2) ** 2 + 2 * (w[1] + 1) ** 2


def descend(make_optimizer, steps: int, start=START) -> np.ndarray:
    """Run an optimizer from `start`; returns the path, shape (steps + 1, 2)."""
    w = tg.tensor(start, requires_grad=True)
    optimizer = make_optimizer([w])
    path = [w.detach().numpy().copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(w).backward()
        optimizer.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


def what_sgd_does(lr: float, distance: float) -> str:
    """How plain SGD at this lr behaved on f, `distance` from the minimum at the end. Each step multiplies
    the distance to the minimum by 1 - 2 lr along w1 and by 1 - 4 lr along w2 (the curvatures are 2 and 4)."""
    along_w2 = 1 - 4 * lr
    if abs(along_w2) > 1:
        return f"lr={lr:g} diverges (each step multiplies the distance in w2 by 1 - 4 lr = {along_w2:g})"
    if abs(along_w2) == 1:
        return f"lr={lr:g} bounces between two points forever (1 - 4 lr = {along_w2:g})"
    if along_w2 < 0:
        return f"lr={lr:g} zig-zags across the narrow direction (1 - 4 lr = {along_w2:g})"
    if 1 - 2 * lr >= 0.9:
        return f"lr={lr:g} crawls ({distance:.2g} from the minimum at the end)"
    return f"lr={lr:g} heads in without a zig-zag ({distance:.2g} from the minimum at the end)"


def overshot(path: np.ndarray) -> bool:
    """Whether the path went past the minimum in w1 (every run starts at w1 = -2, left of it)."""
    return bool(path[:, 0].max() > MINIMUM[0])


def in_view(path: np.ndarray) -> np.ndarray:
    """The path up to its first point more than VIEW from the minimum, and at least its first step. A
    diverging run (lr > 0.5) ends thousands of units away, and a figure drawn to scale around it
    shrinks everything else to a dot."""
    far = np.linalg.norm(path - MINIMUM, axis=1) > VIEW
    if not far.any():
        return path
    return path[:max(2, int(np.argmax(far)))]


# %% [markdown]
# ## Run the lesson
#
# Five optimizers from the same start, 30 steps each; the table gives where each ended, and the
# figure their paths over the contours, each ending in a star, with the minimum marked. After 30
# steps lr=0.05 is still crawling along the valley; lr=0.45 has zig-zagged into the minimum; Adam
# is still circling it. Adam is then run on, at the same lr, to count the steps it needs to stay
# close.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float | None = None) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "gd")
    steps = epochs or 30  # few enough that the slow ones are still on their way; quick mode changes nothing
    rates = [lr] if lr is not None else [0.05, 0.2, 0.45]
    runs = {f"SGD lr={r}": (lambda params, r=r: optim.SGD(params, lr=r)) for r in rates}
    runs["SGD lr=0.05, momentum=0.8"] = lambda params: optim.SGD(params, lr=0.05, momentum=0.8)
    runs["Adam lr=0.3"] = lambda params: optim.Adam(params, lr=0.3)

    paths = {name: descend(make, steps) for name, make in runs.items()}
    log(f"Each optimizer starts at {START} and takes {steps} steps towards the minimum {MINIMUM}.")
    rows, distances = [], {}
    for name, path in paths.items():
        distance = distances[name] = float(np.linalg.norm(path[-1] - MINIMUM))
        rows.append([name, f"({path[-1][0]:.3f}, {path[-1][1]:.3f})", float(loss_fn(tg.tensor(path[-1])).item()),
                     distance])
    result_table = table(["optimizer", "final w", "final loss", "distance to min"], rows, log)
    adam = paths.get("Adam lr=0.3")
    if adam is not None:
        longer = descend(lambda params: optim.Adam(params, lr=0.3), 300)
        far = np.linalg.norm(longer - MINIMUM, axis=1) > 0.05
        settled = int(np.nonzero(far)[0][-1] + 1)  # the step after which it stays within 0.05
        adam_distance = float(np.linalg.norm(adam[-1] - MINIMUM))
        if overshot(adam):
            where = f"it circles the minimum, {adam_distance:.3f} from it after {steps} steps"
        else:
            where = f"after {steps} steps it has not reached the minimum yet ({adam_distance:.3f} from it)"
        log(f"Adam's steps do not shrink with the gradient: with lr fixed at 0.3 {where}, and stays within 0.05 "
            f"only from step {settled} on.")
    figure = out / "descent.png"
    drawn = {name: in_view(path) for name, path in paths.items()}
    viz.plot_descent(loss_fn, drawn, minimum=MINIMUM, save=figure,
                     title=r"Gradient descent on $f(w) = (w_1 - 2)^2 + 2\,(w_2 + 1)^2$")
    sgd = ", ".join(what_sgd_does(r, distances[f"SGD lr={r}"]) for r in rates)  # the rates this run used
    caption = (f"{steps} steps of each optimizer from {START}, drawn to scale: each plain SGD step (no momentum) "
               f"leaves its contour at a right angle. {sgd}; ")
    momentum = paths["SGD lr=0.05, momentum=0.8"]
    if overshot(momentum):
        caption += "momentum overshoots and curls in"
    else:
        caption += f"momentum has not reached the minimum yet, {np.linalg.norm(momentum[-1] - MINIMUM):.2g} from it"
    for name, path in drawn.items():
        if len(path) < len(paths[name]):
            caption += (f"; {name} is drawn for its first {len(path) - 1} of {steps} steps, until it is more than "
                        f"{VIEW:g} from the minimum")
    if adam is not None:
        if overshot(adam):
            where = f", then overshoots and circles the minimum, {adam_distance:.3f} away at the end"
        else:
            where = f" and has not reached the minimum yet, {adam_distance:.3f} from it at the end"
        caption += (f"; Adam's step is lr·m/√v, set by lr, not by the gradient's size, so it heads off "
                    f"diagonally{where} (with lr fixed it stays within 0.05 only from step {settled} on)")
    caption += ". Each path ends in a star; the minimum (2, -1) is the red cross."
    return {"paths": paths, "final_points": {n: p[-1] for n, p in paths.items()},
            "adam_settles_after": settled if adam is not None else None,
            "table": result_table, "figures": [figure], "captions": {figure.name: caption}}

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
