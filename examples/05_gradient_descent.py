"""Lesson 5: gradient descent on a landscape you can see.

f(w1, w2) = (w1 - 2)^2 + 2 (w2 + 1)^2 has its minimum at (2, -1). Starting
from (-2, 2), plain SGD with three learning rates (too small, good, nearly
too big), SGD with momentum and Adam each take 100 steps, with gradients
from autograd. The plot shows their paths over the contour lines.

The code: tinygrad_edu/curriculum/descent.py (loss_fn and descend).

    python examples/05_gradient_descent.py
"""

from tinygrad_edu.curriculum import descent


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = descent.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    for name, point in result["final_points"].items():
        print(f"{name:>26}: ends at ({point[0]:.3f}, {point[1]:.3f})")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
