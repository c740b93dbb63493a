"""Lesson 2: activation functions, and their derivatives from autograd.

Sigmoid, tanh, ReLU, leaky ReLU and GELU: the non-linearities that make a
stack of layers more than one big matrix. Training needs their derivatives;
autograd computes them (one backward pass through f(x).sum()), and this
script checks each one against the closed form from a calculus book, then
plots every function beside its derivative.

The code: tinygrad_edu/curriculum/activations.py (closed_form_derivative vs autograd_derivative).

    python examples/02_activations.py
"""

from tinygrad_edu.curriculum import activations


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = activations.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    worst = max(result["max_error"].values())
    print(f"autograd matches every closed-form derivative to within {worst:.1e}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
