"""Lesson 6: vanishing and exploding gradients, and gradient clipping.

Backpropagation multiplies one local derivative per layer. In a deep
sigmoid network (sigmoid' <= 0.25) the gradient shrinks on its way to the
first layer; in a ReLU network with He initialisation it keeps its size.
With weights drawn too large it explodes instead, and
nn.utils.clip_grad_norm_ rescales it to a chosen norm.

The code: tinygrad_edu/curriculum/vanishing.py (deep_network and layer_grad_norms).

    python examples/06_vanishing_exploding.py
"""

from tinygrad_edu.curriculum import vanishing


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = vanishing.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    for name, ratio in result["ratio"].items():
        print(f"{name:>10}: first-layer / last-layer gradient norm = {ratio:.3g}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
