"""Lesson 1: the perceptron, trained two ways.

A perceptron is one neuron: a weighted sum of the inputs plus a bias,
thresholded at zero. Rosenblatt's learning rule (1958) trains it without any
calculus: when an example is wrong, nudge the weights towards it,

    w <- w + lr * (target - prediction) * x

It learns OR and AND perfectly, because a straight line separates their 1s
from their 0s. Then the same Perceptron module is trained the modern way:
a sigmoid instead of the step, a cross-entropy loss, and gradients from
autograd (loss.backward()), stepped by optim.SGD.

The code: tinygrad_edu/curriculum/perceptron.py (Perceptron, train_perceptron_rule, train_gradient_descent).

    python examples/01_perceptron.py       (TINYGRAD_EDU_QUICK=1 for a quick run)
"""

from tinygrad_edu.curriculum import perceptron


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = perceptron.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    for gate, acc in result["accuracy"].items():
        print(f"{gate}: perceptron rule {acc['rule']:.0%}, gradient descent {acc['gradient_descent']:.0%}")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
