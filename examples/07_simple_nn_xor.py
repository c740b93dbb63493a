"""Lesson 7, the practical exercise: a SimpleNN that solves XOR.

    from tinygrad_edu.curriculum.xor import SimpleNN

    net = SimpleNN(input_size=2, hidden_size=4, output_size=1, learning_rate=2.0)
    losses = net.train(X, y, epochs=3000)     # forward, MSE loss, backward, update
    net.predict([[0.9, 0.1]])                 # close to 1

SimpleNN keeps four tensors (W1, b1, W2, b2). `forward` is two layers of
sigmoid(x W + b); `backward` calls loss.backward() so autograd fills each
.grad, then steps W <- W - learning_rate * W.grad under no_grad(). Read it
in tinygrad_edu/curriculum/xor.py: the class is under sixty lines.

The script trains it on the four XOR points, prints predictions against
targets, tries new points near the corners and the centre, and saves the
loss curve, predictions vs targets, the decision boundary and the graph.

The code: tinygrad_edu/curriculum/xor.py (SimpleNN is the class to read).

    python examples/07_simple_nn_xor.py    (or: tinygrad-edu xor)
"""

from tinygrad_edu.curriculum import xor


def main(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the lesson (quick: fewer epochs; TINYGRAD_EDU_QUICK=1 does the same); returns its results."""
    result = xor.run(quick=quick, out_dir=out_dir, seed=seed, progress_bar=True)
    print(f"XOR solved: {result['solved']} (final loss {result['final_loss']:.5f})")
    print("figures:", ", ".join(str(path) for path in result["figures"]))
    return result


if __name__ == "__main__":
    main()
