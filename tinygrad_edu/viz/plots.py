"""Figures for the lessons, with matplotlib. Each function returns the Figure and takes `save=path`.

Inputs may be Tensors, NumPy arrays or lists. With `save=`, the figure is written
(the format from the extension) and closed in pyplot, so a script that makes
many figures does not pile them up; it is still returned. Nothing here calls
plt.show(): in Jupyter the returned figure shows itself once as the cell's value
(it is closed in pyplot, so the inline backend does not draw it again; assign it
and end the cell with `fig` to show it later); in a script call plt.show() yourself.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Callable

import matplotlib
import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor, tensor
from .progress import in_notebook

__all__ = ["plot_loss", "plot_decision_boundary", "plot_predictions", "plot_activations", "plot_descent",
           "plot_grad_flow", "plot_grad_norms", "plot_confusion", "plot_images", "confusion_matrix"]


def pyplot():
    """matplotlib.pyplot, switched to the Agg backend (files only) when there is no display
    and nobody chose a backend yet (no MPLBACKEND, pyplot not imported)."""
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                              or os.environ.get("WAYLAND_DISPLAY"))
        if headless:
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def as_numpy(x) -> np.ndarray:
    """A Tensor (its values, no grad), an array or a list as a NumPy array."""
    if isinstance(x, Tensor):
        return np.asarray(x._data)
    return np.asarray(x)


def finish(fig, title: str | None, save) -> "matplotlib.figure.Figure":
    """Title, tidy layout, and (with save=) write the file. The figure is closed in pyplot when
    saved, and always in a notebook: there the returned Figure shows itself once as the cell's
    value, where an open one would be drawn a second time by the inline backend."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=100)
    if save is not None or in_notebook():
        pyplot().close(fig)
    return fig


def labelled(series) -> dict:
    """A dict {label: values} stays; one series becomes {None: values}."""
    return dict(series) if isinstance(series, dict) else {None: series}


# ---------------------------------------------------------------- training curves

def plot_loss(losses, title: str | None = "Training loss", xlabel: str = "epoch", logy: bool = False,
              save=None):
    """The loss per step: a list (or array/Tensor), or a dict {label: list} for several curves."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, values in labelled(losses).items():
        values = as_numpy(values).astype(np.float64).ravel()
        ax.plot(np.arange(len(values)), values, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    if isinstance(losses, dict):
        ax.legend()
    return finish(fig, title, save)


def plot_predictions(preds, targets, title: str | None = "Predictions vs targets", save=None):
    """Each sample's prediction beside its target, with a line for the error between them."""
    preds, targets = as_numpy(preds).astype(np.float64).ravel(), as_numpy(targets).astype(np.float64).ravel()
    if preds.shape != targets.shape:
        raise ValueError(f"plot_predictions: {preds.size} predictions but {targets.size} targets; "
                         "pass one prediction per target.")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    index = np.arange(len(preds))
    ax.vlines(index, np.minimum(preds, targets), np.maximum(preds, targets), colors="#cc4444", alpha=0.6,
              label="error")
    ax.scatter(index, targets, s=90, facecolors="none", edgecolors="black", label="target", zorder=3)
    ax.scatter(index, preds, s=40, color="#1f77b4", label="prediction", zorder=4)
    ax.set_xlabel("sample")
    ax.set_ylabel("value")
    ax.set_xticks(index if len(index) <= 20 else ax.get_xticks())
    ax.grid(alpha=0.3)
    ax.legend()
    return finish(fig, title, save)


# ---------------------------------------------------------------- models on a grid

def grid_over(points: np.ndarray, resolution: int, margin: float = 0.25):
    """A resolution x resolution grid covering the points plus a margin of their span."""
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.5)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    return np.meshgrid(xs, ys)


def plot_decision_boundary(model: Callable, X, y, resolution: int = 200, title: str | None = "Decision boundary",
                           save=None, line=None):
    """What a 2-input classifier predicts everywhere near the data, with the data on top.

    `model` is any callable Tensor (N, 2) -> Tensor (an nn.Module, or an
    object with .forward). One output column: a probability when all outputs
    lie in [0, 1], else a score turned into one by sigmoid; the boundary is
    drawn where it is 0.5. A model whose outputs are only 0 and 1 (a hard
    step) gets two flat regions and no colour bar: it gives no probability.
    Several columns: the class with the largest output. Both axes have the
    same scale, so distances and angles in the plane look as they are.

    `line=(w, b)` says the model is linear, its boundary the line w·x + b = 0
    (w has 2 numbers): the line is then drawn exactly, straight across the
    view, and a hard step's two regions are split along it, instead of both
    being traced on the grid (a step traced on a grid has visible kinks).
    """
    X, y = as_numpy(X).astype(np.float64), as_numpy(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (N, 2), got {X.shape}; "
                         "the picture is a plane, so the model must take 2 inputs.")
    predict = model if callable(model) else model.forward
    gx, gy = grid_over(X, resolution)
    grid = Tensor(np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32))
    with no_grad():
        out = as_numpy(predict(grid)).astype(np.float64).reshape(grid.shape[0], -1)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    if out.shape[1] == 1:
        p = out[:, 0]
        if p.min() < 0 or p.max() > 1:
            p = 1 / (1 + np.exp(-p))
        hard = bool(np.isin(p, (0.0, 1.0)).all())
        p = p.reshape(gx.shape)
        if line is not None:
            w, b = np.asarray(as_numpy(line[0]), dtype=np.float64).ravel(), float(as_numpy(line[1]))
            score = w[0] * gx + w[1] * gy + b  # exactly linear: its 0-level edge on the grid is the line itself
        if hard:  # a step: class 0 or class 1, nothing in between
            regions = (score, [-np.inf, 0.0, np.inf]) if line is not None else (p, [-0.5, 0.5, 1.5])
            ax.contourf(gx, gy, regions[0], levels=regions[1], colors=["#9ec5e8", "#f0a9a0"], alpha=0.75)
        else:
            filled = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75)
            fig.colorbar(filled, ax=ax, label="P(class 1)")
        if line is not None:
            ax.set_xlim(gx.min(), gx.max())
            ax.set_ylim(gy.min(), gy.max())
            on_line = -b * w / (w @ w)  # the line's point nearest the origin; (-w2, w1) runs along it
            ax.axline(on_line, on_line + [-w[1], w[0]], color="black", linewidth=1.5)
        else:
            ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.5)
    else:
        classes = out.argmax(axis=1).reshape(gx.shape)
        colors = [plt.cm.tab10(k % 10) for k in range(out.shape[1])]
        ax.contourf(gx, gy, classes, levels=np.arange(out.shape[1] + 1) - 0.5, colors=colors, alpha=0.35)
    cmap, limits = ("RdBu_r", (0, 1)) if out.shape[1] == 1 else ("tab10", (0, 9))
    points = ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=limits[0], vmax=limits[1], edgecolors="black",
                        s=60, zorder=3)
    if len(np.unique(y)) <= 10:
        ax.legend(*points.legend_elements(), title="label", loc="best", fontsize=8)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal")
    return finish(fig, title, save)


def evaluate_on_grid(loss_fn: Callable, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """loss_fn at every grid point. First tried in one call on a (2, M) Tensor (loss_fn
    written as w[0], w[1] then computes all M points at once); else point by point."""
    points = np.stack([w1.ravel(), w2.ravel()])
    with no_grad():
        try:
            values = as_numpy(loss_fn(tensor(points)))
            if values.shape == (points.shape[1],):
                return values.reshape(w1.shape)
        except (ValueError, RuntimeError, IndexError, TypeError):
            pass
        values = [float(as_numpy(loss_fn(tensor(points[:, i])))) for i in range(points.shape[1])]
    return np.array(values).reshape(w1.shape)


def plot_descent(loss_fn: Callable, paths, resolution: int = 80, levels: int = 30,
                 title: str | None = "Gradient descent", minimum=None, save=None):
    """Contours of a 2-parameter loss with the path(s) an optimizer took.

    `loss_fn` takes a Tensor w of shape (2,) and returns the loss. `paths` is
    one (steps, 2) array of visited points, or a dict {label: path}. Each path
    ends in a star of its colour; `minimum=(w1, w2)` marks the minimum. Both
    axes have the same scale, so each gradient step, which points straight
    down the slope, crosses its contour at a right angle as it does on paper.
    The view covers every path (and the minimum) plus a margin.
    """
    paths = {label: as_numpy(p).astype(np.float64).reshape(-1, 2) for label, p in labelled(paths).items()}
    points = list(paths.values()) + ([np.asarray(minimum, dtype=np.float64).reshape(1, 2)] if minimum is not None
                                     else [])
    w1, w2 = grid_over(np.concatenate(points), resolution, margin=0.2)
    surface = evaluate_on_grid(loss_fn, w1, w2)
    plt = pyplot()
    # The figure takes the view's shape: equal axes in a fixed-size figure would leave empty bands.
    span_w1, span_w2 = np.ptp(w1), np.ptp(w2)
    scale = min(5.4 / span_w1, 5.4 / span_w2)  # inches per unit, the longer side 5.4 in
    fig, ax = plt.subplots(figsize=(max(span_w1 * scale, 3.5) + 1.2, max(span_w2 * scale, 2.5) + 1.3))
    finite = surface[np.isfinite(surface)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 100:
        contour_levels = np.geomspace(finite.min(), finite.max(), levels)  # a long range reads better in log steps
    else:
        contour_levels = levels
    ax.contour(w1, w2, surface, levels=contour_levels, cmap="viridis", linewidths=0.8)
    for label, path in paths.items():
        line, = ax.plot(path[:, 0], path[:, 1], "o-", markersize=3, linewidth=1.3, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "*", markersize=13, color=line.get_color(), markeredgecolor="black",
                markeredgewidth=0.5, zorder=4)
    start = next(iter(paths.values()))[0]
    ax.plot(start[0], start[1], "ks", markersize=7, label="start")
    ax.plot([], [], "*", markersize=11, color="grey", markeredgecolor="black", markeredgewidth=0.5,
            label="end of a path (its colour)")
    if minimum is not None:
        ax.plot(minimum[0], minimum[1], "x", markersize=14, markeredgewidth=3, color="red",
                label=f"minimum ({minimum[0]:g}, {minimum[1]:g})", zorder=3)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    return finish(fig, title, save)


# ---------------------------------------------------------------- activations

def activation_function(name: str) -> Callable:
    """An activation by name: nn.functional's version when there is one, else the Tensor method."""
    try:
        from ..nn import functional
    except ImportError:
        functional = None
    fn = getattr(functional, name, None) or getattr(Tensor, name, None)
    if fn is None:
        raise ValueError(f"plot_activations: unknown activation {name!r}; try sigmoid, tanh, relu, "
                         "leaky_relu or gelu (any name in nn.functional or a Tensor method).")
    return fn


def plot_activations(names=("sigmoid", "tanh", "relu", "leaky_relu", "gelu"), x_range=(-4.0, 4.0),
                     points: int = 401, title: str | None = "Activations and their derivatives (by autograd)",
                     closed_forms: dict | None = None, ncols: int = 3, save=None):
    """Each activation f and its derivative f', one panel each, `ncols` panels to a row.

    `names` holds activation names (nn.functional's, or Tensor methods) or
    (label, function) pairs, e.g. ("leaky_relu, slope 0.1", lambda x: F.leaky_relu(x, 0.1)).
    f' comes from autograd, not a formula: one backward through sum(f(x))
    over the whole grid gives df(x_i)/dx_i at every point, because each
    output depends on its own input only. `closed_forms` {label: g} draws
    g(x) (NumPy in, NumPy out) as dots over autograd's curve, to compare.
    """
    names = [names] if isinstance(names, str) else list(names)
    x = np.linspace(x_range[0], x_range[1], points)
    plt = pyplot()
    cols = max(1, min(ncols, len(names)))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.1 * rows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    for ax, entry in zip(axes.flat, names):
        label, fn = entry if isinstance(entry, tuple) else (entry, activation_function(entry))
        xt = tensor(x, requires_grad=True)
        y = fn(xt)
        y.sum().backward()
        ax.plot(x, y._data, label="f(x)")
        ax.plot(x, xt.grad._data, "--", label="f'(x), autograd")
        if closed_forms and label in closed_forms:
            every = slice(None, None, max(1, points // 25))
            ax.plot(x[every], np.asarray(closed_forms[label](x[every])), "o", markersize=3.5, color="black",
                    label="f'(x), closed form")
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.axvline(0, color="grey", linewidth=0.5)
        ax.set_title(label)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    return finish(fig, title, save)


# ---------------------------------------------------------------- gradients

def named_grads(model) -> list[tuple[str, Tensor]]:
    """(name, parameter) pairs from a Module (named_parameters()), pairs, or plain tensors."""
    if hasattr(model, "named_parameters"):
        return list(model.named_parameters())
    pairs = []
    for i, item in enumerate(model):
        pairs.append(item if isinstance(item, tuple) else (f"param {i}", item))
    return pairs


def plot_grad_flow(model, biases: bool = False, title: str | None = "Gradient norm per layer", save=None):
    """The norm of each parameter's gradient, input side on the left, on a log scale.

    Vanishing gradients show as bars that shrink towards the input by orders
    of magnitude; exploding ones as bars that grow. `model` is a Module or
    (name, parameter) pairs; 1-D parameters (biases) are left out unless
    `biases=True`. Call it after loss.backward().
    """
    pairs = [(name, p) for name, p in named_grads(model) if biases or p.ndim > 1]
    with_grads = [(name, float(np.linalg.norm(p.grad._data))) for name, p in pairs if p.grad is not None]
    if not with_grads:
        raise ValueError("plot_grad_flow: no parameter has a gradient yet. Call loss.backward() first "
                         "(and pass biases=True if the model has only 1-D parameters).")
    labels, norms = zip(*with_grads)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(max(5, 0.5 * len(labels) + 2), 4))
    positions = np.arange(len(norms))
    shown = np.where(np.array(norms) > 0, norms, np.nan)  # log scale: a zero norm cannot be drawn
    ax.bar(positions, shown, color="#4c72b0")
    ax.set_yscale("log")
    ax.set_xticks(positions)
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("gradient norm (log scale)")
    ax.grid(alpha=0.3, axis="y")
    return finish(fig, title, save)


def plot_grad_norms(norms: dict, title: str | None = "Gradient norm per layer", save=None):
    """Several networks' gradient norms per layer on ONE log axis, so they can be compared.

    `norms` is {label: [norm of layer 1 (input side), ..., norm of the last layer]}.
    One line per network, layer 1 on the left. A norm of 0 (or inf/nan)
    cannot sit on a log axis: it is left out of its line, and the legend
    says how many were left out.
    """
    plt = pyplot()
    depth = max(len(values) for values in norms.values())
    fig, ax = plt.subplots(figsize=(min(12.0, max(7.0, 0.25 * depth + 4)), 4.8))
    markers = "osD^v<>"
    for k, (label, values) in enumerate(norms.items()):
        values = as_numpy(values).astype(np.float64)
        drawable = np.isfinite(values) & (values > 0)
        if not drawable.all():
            label = f"{label} ({int((~drawable).sum())} layers at 0 or not finite, not drawn)"
        ax.plot(np.arange(1, len(values) + 1), np.where(drawable, values, np.nan), label=label,
                marker=markers[k % len(markers)] if depth <= 40 else None, markersize=4)
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input; the last = next to the loss)")
    ax.set_ylabel("gradient norm of the layer's weight (log scale)")
    ax.set_xticks(np.arange(1, depth + 1, max(1, depth // 15)))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return finish(fig, title, save)


# ---------------------------------------------------------------- classification

def class_indices(values) -> np.ndarray:
    """Labels as ints; a 2-D array of scores becomes the argmax of each row."""
    values = as_numpy(values)
    if values.ndim == 2 and values.shape[1] > 1:
        values = values.argmax(axis=1)
    return values.ravel().astype(np.int64)


def confusion_matrix(preds, targets, num_classes: int | None = None) -> np.ndarray:
    """counts[t, p] = how many samples of true class t were predicted as p (scores are argmaxed)."""
    preds, targets = class_indices(preds), class_indices(targets)
    if preds.shape != targets.shape:
        raise ValueError(f"confusion_matrix: {preds.size} predictions but {targets.size} targets")
    n = num_classes or int(max(preds.max(initial=0), targets.max(initial=0))) + 1
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (targets, preds), 1)
    return counts


def plot_confusion(preds, targets, num_classes: int | None = None, class_names=None,
                   title: str | None = "Confusion matrix", save=None):
    """The confusion matrix with the count in each cell: rows are true classes, columns predictions."""
    counts = confusion_matrix(preds, targets, num_classes)
    n = counts.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1.0 + 0.5 * n, 0.8 + 0.5 * n))
    ax.imshow(counts, cmap="Blues")
    for t in range(n):
        for p in range(n):
            dark = counts[t, p] > counts.max() / 2
            ax.text(p, t, str(counts[t, p]), ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xticklabels(names)
    ax.set_yticklabels(names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(f"accuracy {accuracy:.1%}", fontsize=9)
    return finish(fig, title, save)


def captions(labels) -> list[str]:
    """Labels as text: class indices (scores are argmaxed; 3.0 shows as 3) or any strings."""
    values = as_numpy(labels)
    if values.ndim == 2 and values.shape[1] > 1:
        values = values.argmax(axis=1)
    if values.dtype.kind == "f" and np.all(values == np.round(values)):
        values = values.astype(np.int64)
    return [str(v) for v in values.ravel()]


def plot_images(images, labels, preds=None, ncols: int = 8, title: str | None = None, save=None):
    """A grid of small grayscale images captioned with their labels (and predictions, red when wrong).

    `images` is (N, H, W), (N, 1, H, W) or (N, H*W) with square images;
    `labels` are class indices or any captions (strings).
    """
    images = as_numpy(images).astype(np.float64)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"plot_images: rows of {images.shape[1]} pixels are not square images; "
                             "pass images of shape (N, H, W).")
        images = images.reshape(-1, side, side)
    if images.ndim != 3:
        raise ValueError(f"plot_images: expected images of shape (N, H, W), got {images.shape}")
    labels = captions(labels)
    preds = None if preds is None else captions(preds)
    n = len(images)
    cols = max(1, min(ncols, n))
    rows = max(1, math.ceil(n / cols))
    plt = pyplot()
    # At least 6 inches wide, whatever the count, so a title fits above even two images.
    fig, axes = plt.subplots(rows, cols, figsize=(max(6.0, 1.3 * cols), 1.5 * rows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        if preds is None:
            ax.set_title(labels[i], fontsize=8)
        else:
            ax.set_title(f"{labels[i]} → {preds[i]}", fontsize=11, color="black" if labels[i] == preds[i] else "red")
    return finish(fig, title, save)
