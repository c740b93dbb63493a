"""Lesson 3: the forward pass of an MLP, layer by layer.

A [784, 128, 64, 10] multi-layer perceptron, the classic MNIST network:
each nn.Linear maps a (batch, n_in) matrix to (batch, n_out), each ReLU
keeps the shape. The script feeds a random batch through the layers one at
a time and prints each shape and parameter count, then draws the graph that
autograd recorded with viz.save_graph.

The code: tinygrad_edu/curriculum/forward.py (make_mlp, then run's layer-by-layer loop).

    python examples/03_forward.py
"""

from tinygrad_edu.curriculum import forward


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = forward.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    print(f"shapes: {' -> '.join(str(s) for s in result['shapes'])}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
