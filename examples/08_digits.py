"""Lesson 8: real data. An MLP and a CNN read handwritten digits.

The 8x8 digits bundled with scikit-learn (1797 images, no download), a
DataLoader for shuffled mini-batches, Adam, cross-entropy, a progress bar.
Then the test accuracy of both models, the CNN's confusion matrix, and the
test images it got wrong.

The code: tinygrad_edu/curriculum/digits.py (make_mlp, DigitCNN and train).

    python examples/08_digits.py           (TINYGRAD_EDU_QUICK=1: five epochs)
"""

from tinygrad_edu.curriculum import digits


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = digits.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    for name, accuracy in result["accuracy"].items():
        print(f"{name}: {accuracy:.1%} test accuracy")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
