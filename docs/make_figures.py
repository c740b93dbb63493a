"""Make the small PNGs the README shows, from the curriculum's own code.

    python docs/make_figures.py

Writes docs/loss.png, docs/decision_boundary.png, docs/activations.png and
docs/graph.png (the last needs Graphviz's `dot`). Each is kept small (low dpi,
small size) so the repository stays light.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 -- after choosing the backend
import numpy as np  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import viz  # noqa: E402
from tinygrad_edu.curriculum import load  # noqa: E402

DOCS = Path(__file__).resolve().parent
xor, activations, expression = load("xor"), load("activations"), load("graph").expression


def save_small(figure, name: str, size=(4.6, 3.3), dpi: int = 80) -> None:
    figure.set_size_inches(*size)
    figure.savefig(DOCS / name, dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    print(f"docs/{name}: {(DOCS / name).stat().st_size // 1024} KB")


def main() -> None:
    tg.manual_seed(0)
    net = xor.SimpleNN(2, 4, 1, learning_rate=2.0)
    losses = net.train(xor.XOR_INPUTS, xor.XOR_TARGETS, epochs=3000)
    X, y = np.array(xor.XOR_INPUTS, dtype=np.float32), np.array(xor.XOR_TARGETS)[:, 0]
    save_small(viz.plot_loss(losses, title="SimpleNN on XOR: loss"), "loss.png")
    save_small(viz.plot_decision_boundary(net, X, y, title="XOR: decision boundary"), "decision_boundary.png")
    save_small(viz.plot_activations(list(activations.ACTIVATIONS.items()), closed_forms=activations.CLOSED_FORMS),
               "activations.png", size=(10.8, 6.2))

    a, b, c = expression()
    c.backward(retain_graph=True)  # keep the graph so it can be drawn with its gradients
    graph = viz.draw_graph(c)
    graph.attr(dpi="72")
    graph.render(outfile=str(DOCS / "graph.png"), cleanup=True)
    print(f"docs/graph.png: {(DOCS / 'graph.png').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
