"""The plots: each returns a Figure, save= writes a PNG, and the numbers drawn are the right ones."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.viz.plots import evaluate_on_grid, pyplot

plt = pyplot()
from matplotlib.figure import Figure  # noqa: E402 -- after the backend is chosen

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def quadratic(w):
    return (w[0] - 2) ** 2 + 2 * (w[1] + 1) ** 2


def trained_grads():
    """A tiny MLP of tensors after one backward, as (name, parameter) pairs."""
    rng = np.random.default_rng(0)
    W1 = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b1 = tg.tensor(np.zeros(4), requires_grad=True)
    W2 = tg.tensor(rng.normal(size=(4, 1)), requires_grad=True)
    ((tg.tensor(rng.normal(size=(6, 3))) @ W1 + b1).sigmoid() @ W2).pow(2).mean().backward()
    return [("W1", W1), ("b1", b1), ("W2", W2)]


CASES = {
    "loss": lambda save: viz.plot_loss([3.0, 2.0, 1.5, 1.0], save=save),
    "predictions": lambda save: viz.plot_predictions(tg.tensor([0.1, 0.9, 0.8, 0.2]), [0, 1, 1, 0], save=save),
    "decision_boundary": lambda save: viz.plot_decision_boundary(
        lambda x: x[:, 0:1], [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], resolution=30, save=save),
    "activations": lambda save: viz.plot_activations(("relu",), points=21, save=save),
    "descent": lambda save: viz.plot_descent(quadratic, np.array([[-2.0, 2.0], [2.0, -1.0]]), resolution=20,
                                             save=save),
    "grad_flow": lambda save: viz.plot_grad_flow(trained_grads(), save=save),
    "grad_norms": lambda save: viz.plot_grad_norms({"a": [1e-3, 1e-1, 1.0], "b": [5.0, 2.0, 1.0]}, save=save),
    "confusion": lambda save: viz.plot_confusion([0, 1, 1], [0, 1, 0], save=save),
    "images": lambda save: viz.plot_images(np.random.default_rng(0).random((3, 4, 4)), [1, 2, 3], save=save),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_returns_a_figure_and_saves_a_png(name, tmp_path):
    path = tmp_path / f"{name}.png"
    fig = CASES[name](path)
    assert isinstance(fig, Figure)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert fig.number not in plt.get_fignums()  # saved figures are closed in pyplot
    assert isinstance(CASES[name](None), Figure)


def test_plot_loss_draws_the_values_one_line_per_label():
    fig = viz.plot_loss({"sgd": [4.0, 2.0, 1.0], "adam": np.array([3.0, 1.0])}, logy=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["sgd", "adam"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0])
    assert ax.get_yscale() == "log"


def test_activation_derivatives_from_autograd_equal_the_closed_forms():
    names = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")
    fig = viz.plot_activations(names, points=41)
    for ax, name in zip(fig.axes, names):
        x = ax.lines[1].get_xdata()
        derivative = ax.lines[1].get_ydata()
        s = 1 / (1 + np.exp(-x))
        phi = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
        closed = {"sigmoid": s * (1 - s), "tanh": 1 - np.tanh(x) ** 2, "relu": (x > 0) * 1.0,
                  "leaky_relu": np.where(x > 0, 1.0, 0.01),
                  "gelu": phi + x * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)}[name]
        away_from_kink = np.abs(x) > 1e-9  # relu's derivative at exactly 0 is a convention
        np.testing.assert_allclose(derivative[away_from_kink], closed[away_from_kink], atol=1e-6, err_msg=name)
        assert ax.get_title() == name


def test_unknown_activation_explains():
    with pytest.raises(ValueError, match="unknown activation 'swish2'"):
        viz.plot_activations("swish2")


def test_confusion_counts():
    preds = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1]])  # scores: argmax
    targets = tg.tensor([0, 1, 1, 2])
    expected = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 0]])
    np.testing.assert_array_equal(viz.confusion_matrix(preds, targets), expected)
    fig = viz.plot_confusion(preds, targets)
    cells = [int(t.get_text()) for t in fig.axes[0].texts]
    assert cells == expected.ravel().tolist()
    assert "accuracy 50.0%" in fig.axes[0].get_title()
    assert viz.confusion_matrix([0], [0], num_classes=4).shape == (4, 4)


def test_decision_boundary_is_where_the_probability_is_one_half():
    # A score model (outputs outside [0, 1]): sigmoid(4 * (x1 - 0.5)) is 1/2 on the line x1 = 0.5.
    fig = viz.plot_decision_boundary(lambda t: (t[:, 0:1] - 0.5) * 4, np.array([[0, 0], [1, 1]]), [0, 1],
                                     resolution=41)
    ax = fig.axes[0]
    boundary = ax.collections[1]  # contourf first, then the 0.5 line
    vertices = np.concatenate([p.vertices for p in boundary.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 0.5, atol=1e-6)


def test_decision_boundary_of_a_linear_step_is_drawn_as_its_exact_line():
    # A hard step of z = x1 + 2 x2 - 1 with line=(w, b): one straight black line, w . x + b = 0, no traced contour.
    w, b = np.array([1.0, 2.0]), -1.0
    fig = viz.plot_decision_boundary(lambda t: ((t[:, 0:1] + 2 * t[:, 1:2] - 1) > 0).float(),
                                     np.array([[0, 0], [1, 1]]), [0, 1], resolution=23, line=(w, b))
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # the two filled regions, the points: no contour line
    (line,) = [artist for artist in ax.lines if artist.get_color() == "black"]
    points = np.array([line._xy1, line._xy2])  # an AxLine: two points, drawn straight across the axes
    np.testing.assert_allclose(points @ w + b, 0, atol=1e-12)
    regions = ax.collections[0]  # the filled regions split exactly along the line
    edge = [v for path in regions.get_paths() for v in path.vertices
            if abs(v @ w + b) < 1e-9 and ax.get_xlim()[0] < v[0] < ax.get_xlim()[1]]
    assert len(edge) > 2


def test_decision_boundary_calls_a_module_or_forward_and_checks_x():
    nn = pytest.importorskip("tinygrad_edu.nn")

    class Forward:  # not callable: only .forward
        def forward(self, x):
            return x[:, :1]

    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert isinstance(viz.plot_decision_boundary(nn.Linear(2, 3), X, [0, 2], resolution=10), Figure)
    assert isinstance(viz.plot_decision_boundary(Forward(), X, [0, 1], resolution=10), Figure)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got \(2, 3\)"):
        viz.plot_decision_boundary(Forward(), np.zeros((2, 3)), [0, 1])


def test_descent_surface_and_paths():
    w1, w2 = np.meshgrid(np.linspace(-1, 3, 7), np.linspace(-2, 1, 5))
    expected = (w1 - 2) ** 2 + 2 * (w2 + 1) ** 2
    np.testing.assert_allclose(evaluate_on_grid(quadratic, w1, w2), expected)  # all points in one call
    np.testing.assert_allclose(evaluate_on_grid(lambda w: ((w - 1) ** 2).sum(), w1, w2),  # point by point
                               (w1 - 1) ** 2 + (w2 - 1) ** 2)
    paths = {"a": np.array([[-2.0, 2.0], [0.0, 0.0], [2.0, -1.0]]), "b": [[-2.0, 2.0], [1.0, -1.0]]}
    ax = viz.plot_descent(quadratic, paths, resolution=15).axes[0]
    drawn = {line.get_label(): np.column_stack([line.get_xdata(), line.get_ydata()]) for line in ax.lines}
    np.testing.assert_array_equal(drawn["a"], paths["a"])
    np.testing.assert_array_equal(drawn["b"], paths["b"])


def test_grad_flow_bars_are_the_gradient_norms():
    pairs = trained_grads()
    ax = viz.plot_grad_flow(pairs).axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    expected = [np.linalg.norm(pairs[0][1].grad._data), np.linalg.norm(pairs[2][1].grad._data)]
    np.testing.assert_allclose(heights, expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["W1", "W2"]  # 1-D b1 left out
    assert ax.get_yscale() == "log"
    assert len(viz.plot_grad_flow(pairs, biases=True).axes[0].patches) == 3
    with pytest.raises(ValueError, match="no parameter has a gradient yet"):
        viz.plot_grad_flow([tg.tensor(np.ones((2, 2)), requires_grad=True)])


def test_grad_flow_of_a_module():
    nn = pytest.importorskip("tinygrad_edu.nn")
    net = nn.Sequential(nn.Linear(3, 3), nn.Sigmoid(), nn.Linear(3, 1))
    net(tg.randn(4, 3)).sum().backward()
    ax = viz.plot_grad_flow(net).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.weight", "2.weight"]


def test_images_grid_and_captions():
    images = np.arange(5 * 16, dtype=np.float64).reshape(5, 16)  # flat rows of 4x4 images
    fig = viz.plot_images(images, tg.tensor([1, 2, 3, 4, 5]), preds=[1, 0, 3, 0, 5], ncols=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 6 and len(shown) == 5
    np.testing.assert_array_equal(shown[1].images[0].get_array(), images[1].reshape(4, 4))
    colors = [ax.title.get_color() for ax in shown]
    assert [c == "red" for c in colors] == [False, True, False, True, False]
    assert shown[1].get_title() == "2 → 0"
    strings = viz.plot_images(images[:2].reshape(2, 1, 4, 4), ["3 read as 5", "7 read as 1"])
    assert strings.axes[0].get_title() == "3 read as 5"
    with pytest.raises(ValueError, match="not square"):
        viz.plot_images(np.zeros((2, 10)), [0, 1])


def test_predictions_need_matching_lengths():
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        viz.plot_predictions([1, 2, 3], [1, 2])


def test_agg_backend_without_a_display():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    code = ("import matplotlib; from tinygrad_edu import viz; viz.plot_loss([1, 2]); "
            "print(matplotlib.get_backend().lower())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "agg"


def test_grad_norms_share_one_log_axis_and_leave_out_what_a_log_cannot_show():
    norms = {"vanishing": [1e-9, 1e-4, 0.3], "exploding": [5e3, 60.0, 4.0], "dead": [0.0, float("inf"), 2.0]}
    fig = viz.plot_grad_norms(norms)
    (ax,) = fig.axes  # one axis for all: comparable
    assert ax.get_yscale() == "log"
    lines = ax.lines
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [5e3, 60.0, 4.0])
    assert np.isnan(lines[2].get_ydata()[:2]).all() and lines[2].get_ydata()[2] == 2.0
    assert "2 layers at 0 or not finite" in lines[2].get_label()


def test_descent_marks_the_minimum_and_keeps_equal_aspect():
    ax = viz.plot_descent(quadratic, {"a": [[-2.0, 2.0], [1.0, 0.0]]}, minimum=(2.0, -1.0), resolution=15).axes[0]
    assert ax.get_aspect() == 1.0
    lines = {line.get_label(): line for line in ax.lines}
    assert list(lines["minimum (2, -1)"].get_xydata()[0]) == [2.0, -1.0]
    low, high = ax.get_xlim()
    assert low < 2.0 < high  # the view includes the minimum, though no path reaches it
