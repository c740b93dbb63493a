"""Lesson 4: backpropagation written out by hand, checked against autograd.

A [2, 4, 1] network with sigmoid units learns XOR with the mean squared
error. `NeuralNetwork` (in tinygrad_edu/curriculum/backprop.py) does
everything in NumPy: forward, the chain rule layer by layer in backward,
and the update. At every training step the script also asks autograd for
the same gradients, and reports the largest difference: rounding error.

The code: tinygrad_edu/curriculum/backprop.py (NeuralNetwork is the class to read).

    python examples/04_backprop_xor.py
"""

from tinygrad_edu.curriculum import backprop


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = backprop.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    print(f"hand-written vs autograd gradients: largest difference {result['max_grad_diff']:.1e}; "
          f"XOR solved: {result['solved']}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
