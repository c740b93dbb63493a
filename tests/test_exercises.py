"""Exercises: the reference solutions pass, the skeletons fail, and each usual mistake fails with its message.

Wrong solutions are made from the reference by one textual edit (`mutate` checks the edit applies),
so each test shows the mistake it makes next to the message the grader must give.
"""

from pathlib import Path

import pytest

from tinygrad_edu.cli import main
from tinygrad_edu.exercises import EXERCISES, check, skeleton

PACKAGE = Path(__file__).resolve().parents[1] / "tinygrad_edu" / "exercises"


def solution_text(name: str) -> str:
    return (PACKAGE / "solutions" / f"{name}.py").read_text()


def mutate(tmp_path, name: str, *edits) -> Path:
    """The reference solution with each (old, new) edit applied: a learner's wrong solution."""
    text = solution_text(name)
    for old, new in edits:
        assert old in text, f"the edit {old!r} does not apply to solutions/{name}.py"
        text = text.replace(old, new)
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return path


def failures(result) -> str:
    return "\n".join(str(line) for line in result.lines if line.status == "FAIL")


def assert_never_shows_solution(result, name: str) -> None:
    code = [line.strip() for line in solution_text(name).splitlines()]
    shown = str(result) + result._repr_html_()
    for line in code:
        if len(line) > 25 and not line.startswith(("def ", "class ", '"""', "#", "import", "return")):
            assert line not in shown, f"the grader printed a line of the solution: {line}"


# ---------------------------------------------------------------- every exercise

@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_solution_passes(name):
    result = check(name, PACKAGE / "solutions" / f"{name}.py")
    assert result.passed, str(result)
    assert all(line.status == "PASS" for line in result.lines) and len(result.lines) >= 3


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_untouched_skeleton_fails_with_its_todo(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(skeleton(name))
    result = check(name, path)
    assert not result.passed
    assert "not implemented yet: fill in TODO" in failures(result)
    assert all(line.status in ("FAIL", "SKIP") for line in result.lines[1:])  # nothing after it passes


# ---------------------------------------------------------------- simple_nn

SIMPLE_NN_UPDATES = [("self.W1 -= self.learning_rate * dW1", "self.W1 += self.learning_rate * dW1"),
                     ("self.b1 -= self.learning_rate * db1", "self.b1 += self.learning_rate * db1"),
                     ("self.W2 -= self.learning_rate * dW2", "self.W2 += self.learning_rate * dW2"),
                     ("self.b2 -= self.learning_rate * db2", "self.b2 += self.learning_rate * db2")]


@pytest.mark.parametrize("edits, message", [
    # The tutorial's mix-up: dz2 = y_hat - y (the cross-entropy's gradient) while train reports the MSE.
    ([("dz2 = d_y_hat * self.y_hat * (1 - self.y_hat)", "dz2 = (self.y_hat - y) / len(X)")],
     "your update is the gradient of the binary cross-entropy, -mean(y log y_hat + (1 - y) log(1 - y_hat)), "
     "but train reports the mean squared error"),
    # The same without the 1/N: the summed cross-entropy's gradient.
    ([("dz2 = d_y_hat * self.y_hat * (1 - self.y_hat)", "dz2 = self.y_hat - y")],
     "your update is the gradient of the summed binary cross-entropy, the BCE without its 1/N, but train reports "
     "the mean squared error"),
    # The other way round: the cross-entropy reported, the MSE's gradient applied.
    ([("return float(np.mean((self.y_hat - y) ** 2))",
       "return float(-np.mean(y * np.log(self.y_hat) + (1 - y) * np.log(1 - self.y_hat)))")],
     "your update is the gradient of the mean squared error, mean((y_hat - y)^2), but train reports the binary "
     "cross-entropy"),
    # Every update's sign flipped: the whole network's factor -1, and its hint.
    (SIMPLE_NN_UPDATES, "every weight moved -1 times -learning_rate x the gradient of the mean squared error, "
     "mean((y_hat - y)^2) Hint: the sign is flipped: check the order of a difference"),
    ([("d_y_hat = 2 * (self.y_hat - y) / y.size", "d_y_hat = (self.y_hat - y) / y.size")],
     "your update is the gradient of half the mean squared error"),
    ([("d_y_hat = 2 * (self.y_hat - y) / y.size", "d_y_hat = 2 * (self.y_hat - y)")],
     "your update is the gradient of the summed squared error, sum((y_hat - y)^2), the MSE without its 1/N"),
    ([("self.b2 -= self.learning_rate * db2", "pass")], "b2 did not move"),
    ([("self.b1 -= self.learning_rate * db1", "pass")], "did you forget the bias gradient"),
    ([(f"self.{w} -= self.learning_rate * d{w}", f"self.{w} -= d{w}") for w in ("W1", "b1", "W2", "b2")],
     "1 / learning_rate"),
    ([("(dz2 @ self.W2.T) * self.h * (1 - self.h)", "(dz2 @ self.W2.T) * self.h")],
     "(2 of the 4 weights are wrong: W1, b1; W2, b2 moved right) Hint: the output layer moved right, so the mistake "
     "is on the way back to the hidden layer"),
    # The output sigmoid's derivative left out: reported from the output back, W2 first, with every wrong weight.
    ([("dz2 = d_y_hat * self.y_hat * (1 - self.y_hat)", "dz2 = d_y_hat")],
     "W2[3, 0] moved by -0.156801, but -learning_rate x the gradient of the mean squared error is -0.0165527 (all 4 "
     "weights are wrong: W2, b2, W1, b1) Hint: the output layer's step is already wrong, and backward starts there"),
    # Almost right: W1's gradient computed with W2 after its update. Not "1 times ... a missing constant".
    ([("        dz1 = (dz2 @ self.W2.T) * self.h * (1 - self.h)\n        dW1 = X.T @ dz1\n"
       "        db1 = dz1.sum(axis=0)\n", ""),
      ("        self.W1 -= self.learning_rate * dW1\n        self.b1 -= self.learning_rate * db1\n"
       "        self.W2 -= self.learning_rate * dW2\n        self.b2 -= self.learning_rate * db2\n",
       "        self.W2 -= self.learning_rate * dW2\n        self.b2 -= self.learning_rate * db2\n"
       "        dz1 = (dz2 @ self.W2.T) * self.h * (1 - self.h)\n        dW1 = X.T @ dz1\n"
       "        db1 = dz1.sum(axis=0)\n        self.W1 -= self.learning_rate * dW1\n"
       "        self.b1 -= self.learning_rate * db1\n")],
     "(2 of the 4 weights are wrong: W1, b1; W2, b2 moved right) Hint: W1, b1 moved by the gradient computed with W2 "
     "as it is after its update: that is using a weight after it was updated (update all weights after computing all "
     "gradients)."),
    ([("        y = np.asarray(y).reshape(len(X), -1)  # flat targets (N,) would broadcast against y_hat (N, 1)\n",
       "")], "broadcasts to a (4, 4) table"),
    ([("losses.append(self.loss(y))\n            self.backward(X, y)",
       "self.backward(X, y)\n            self.forward(X)\n            losses.append(self.loss(y))")],
     "the loss after the update"),
    ([("return self.y_hat", "return self.y_hat.T")], "keep samples in rows"),
    # Right for XOR's 4 samples only: the batch size written in.
    ([("d_y_hat = 2 * (self.y_hat - y) / y.size", "d_y_hat = 2 * (self.y_hat - y) / 4")],
     "on a batch of 6 samples (XOR's 4 passed): every weight moved 1.5 times -learning_rate x the gradient of the "
     "mean squared error, mean((y_hat - y)^2) Hint: off by a factor 6/4: the number of samples is written in as 4"),
    # b1's gradient summed over every axis: W1 moved right, so not "on the way back to the hidden layer".
    ([("db1 = dz1.sum(axis=0)", "db1 = dz1.sum()")],
     "(1 of the 4 weights is wrong: b1; W2, b2, W1 moved right) Hint: every entry of b1 moved by the same amount"),
    # forward once, before the loop: every epoch's step is the first one's. Said in the step check, not later as
    # "if all W's start equal (zeros)" when XOR is not learnt.
    ([("        for _ in range(epochs):\n            self.forward(X)\n",
       "        self.forward(X)\n        for _ in range(epochs):\n")],
     "reported the same loss 0.379769 in both epochs, though the first step moved the weights"),
    ([("        losses = []\n", "        X -= 0.5\n        losses = []\n")], "train changed the inputs X it was given"),
    ([("self.learning_rate = learning_rate", "self.learning_rate = 0.1")],
     "the step size is 0.1, not the learning_rate 0.3 given to SimpleNN"),
])
def test_simple_nn_wrong_solution_fails_with_its_message(tmp_path, edits, message):
    result = check("simple_nn", mutate(tmp_path, "simple_nn", *edits))
    assert not result.passed
    assert message in failures(result), str(result)
    assert not any(line.status == "PASS" and line.name in ("XOR solved", "new inputs") for line in result.lines)
    assert_never_shows_solution(result, "simple_nn")


# A factor in some weights only: a slip in their own lines, not the whole network's (the derivative of the square
# counted twice, a sign in y_hat - y, a missing 1/N in dL/dy_hat would scale every weight's step).
SIMPLE_NN_LOCAL_FACTORS = [
    ([("dW2 = self.h.T @ dz2", "dW2 = 2 * self.h.T @ dz2")],
     "W2 moved 2 times -learning_rate x its gradient (1 of the 4 weights is wrong: W2; b2, W1, b1 moved right) Hint: "
     "only W2 is off, so the slip is in the lines of W2 alone, its gradient or its update (a slip in the loss's "
     "derivative would scale every weight's step); a factor 2 in that line"),
    ([("db1 = dz1.sum(axis=0)", "db1 = -dz1.sum(axis=0)")],
     "b1 moved -1 times -learning_rate x its gradient (1 of the 4 weights is wrong: b1; W2, b2, W1 moved right) Hint: "
     "only b1 is off, so the slip is in the lines of b1 alone, its gradient or its update (a slip in the loss's "
     "derivative would scale every weight's step); the sign is flipped in that line: += instead of -= in the "
     "update, or a minus in the gradient."),
    ([("self.b1 -= self.learning_rate * db1", "self.b1 += self.learning_rate * db1")],
     "b1 moved -1 times -learning_rate x its gradient (1 of the 4 weights is wrong: b1; W2, b2, W1 moved right)"),
    # The hidden activation's derivative with the wrong sign, s (s - 1): W1 and b1, the layer that uses it.
    ([("(dz2 @ self.W2.T) * self.h * (1 - self.h)", "(dz2 @ self.W2.T) * self.h * (self.h - 1)")],
     "W1, b1 moved -1 times -learning_rate x their gradients (2 of the 4 weights are wrong: W1, b1; W2, b2 moved "
     "right) Hint: only layer 1's weights (W1, b1) are off, so the slip is in what they share and the layer above "
     "does not: dL/dz1"),
    ([("dW2 = self.h.T @ dz2", "dW2 = 2 * self.h.T @ dz2"), ("db2 = dz2.sum(axis=0)", "db2 = 2 * dz2.sum(axis=0)")],
     "W2, b2 moved 2 times -learning_rate x their gradients (2 of the 4 weights are wrong: W2, b2; W1, b1 moved "
     "right) Hint: only the output layer's weights (W2, b2) are off"),
    ([("db2 = dz2.sum(axis=0)", "db2 = dz2.mean(axis=0)")],
     "b2 moved 0.25 times -learning_rate x its gradient (1 of the 4 weights is wrong: b2; W2, W1, b1 moved right) "
     "Hint: only b2 is off, so the slip is in the lines of b2 alone, its gradient or its update (a slip in the loss's "
     "derivative would scale every weight's step); a factor 1/4 = 1/N, an extra 1/N in that line"),
    ([("self.W2 -= self.learning_rate * dW2", "self.W2 -= dW2")],
     "W2 moved 3.333 times -learning_rate x its gradient (1 of the 4 weights is wrong: W2; b2, W1, b1 moved right) "
     "Hint: only W2 is off, so the slip is in the lines of W2 alone, its gradient or its update (a slip in the loss's "
     "derivative would scale every weight's step); the learning rate is missing from that line"),
]


@pytest.mark.parametrize("edits, message", SIMPLE_NN_LOCAL_FACTORS)
def test_simple_nn_a_factor_in_some_weights_is_named_as_theirs_not_the_networks(tmp_path, edits, message):
    result = check("simple_nn", mutate(tmp_path, "simple_nn", *edits))
    text = failures(result)
    assert message in text, str(result)
    for whole in ("every weight moved", "every step is", "the derivative of the square", "check the order of a "
                  "difference", "1/learning_rate", "the mean's 1/N is missing"):
        assert whole not in text, str(result)
    assert_never_shows_solution(result, "simple_nn")


@pytest.mark.parametrize("scale, message", [
    ("2", "every weight moved 2 times -learning_rate x the gradient of the binary cross-entropy, -mean(y log y_hat + "
     "(1 - y) log(1 - y_hat)) Hint: off by a factor 2: the derivative of the square is counted twice"),
    ("-1", "every weight moved -1 times -learning_rate x the gradient of the binary cross-entropy, -mean(y log y_hat "
     "+ (1 - y) log(1 - y_hat)) Hint: the sign is flipped: check the order of a difference"),
])
def test_simple_nn_a_factor_in_every_weight_is_the_whole_networks(tmp_path, scale, message):
    # Every gradient doubled (or negated): the whole-network message, not one weight's.
    path = tmp_path / "mine.py"
    path.write_text(TINYGRAD_SIMPLE_NN.replace("SCALE", scale))
    text = failures(check("simple_nn", path))
    assert message in text and " is off" not in text and " are off" not in text, text


def test_a_factor_of_some_parts_is_not_a_factor_of_the_whole():
    import numpy as np

    from tinygrad_edu.exercises.grading import common_factor
    W2, b2, W1, b1 = np.array([0.5, -1.0, 2.0]), np.array([0.8]), np.array([1e-4, -3e-4, 2e-4]), np.array([-2e-4])
    expected = [W2, b2, W1, b1]
    assert common_factor(expected, [2 * W2, 2 * b2, 2 * W1, 2 * b1]) == 2
    assert common_factor(expected, [-W2, -b2, -W1, -b1]) == -1
    # W1 and b1 are a thousandth of W2: joined together they fit any factor, each on its own scale only 1.
    assert common_factor(np.concatenate(expected), np.concatenate([2 * W2, 2 * b2, W1, b1])) == 2
    assert common_factor(expected, [2 * W2, 2 * b2, W1, b1]) is None
    assert common_factor(expected, [2 * W2, b2, 2 * W1, 2 * b1]) is None
    assert common_factor(expected, [2 * W2, -b2, 2 * W1, 2 * b1]) is None
    # A part that should not move must not; one that need not move may stay.
    assert common_factor(expected + [np.zeros(2)], [2 * W2, 2 * b2, 2 * W1, 2 * b1, np.zeros(2)]) == 2
    assert common_factor(expected + [np.zeros(2)], [2 * W2, 2 * b2, 2 * W1, 2 * b1, np.ones(2)]) is None


def test_a_factor_close_to_1_is_not_a_constant_factor():
    import numpy as np

    from tinygrad_edu.exercises.grading import common_factor
    expected = np.array([0.5, -1.0, 2.0, 0.25])
    assert common_factor(expected, 0.98 * expected) is None and common_factor(expected, 1.0 * expected) is None
    assert common_factor(expected, 2 * expected) == 2 and common_factor(expected, -expected) == -1


@pytest.mark.parametrize("learner, order", [
    (PACKAGE / "solutions" / "simple_nn.py", ["W2", "b2", "W1", "b1"]),
    (Path(__file__).parent / "exercise_learners" / "module_tanh_bce.py",
     ["out.weight", "out.bias", "hidden.weight", "hidden.bias"]),
    (Path(__file__).parent / "exercise_learners" / "numpy_relu_linear_mse.py",
     ["params['W2']", "params['b2']", "params['W1']", "params['b1']"]),
])
def test_simple_nn_weights_are_reported_from_the_output_back(learner, order):
    from tinygrad_edu.exercises.grading import load_module
    from tinygrad_edu.exercises.simple_nn_network import Learner, output_first
    found = Learner(load_module(learner).SimpleNN, (2, 5, 1), 0.3)
    assert [found.weights[k].label for k in output_first(found)] == order


def test_simple_nn_training_step_is_skipped_when_forward_shapes_fail(tmp_path):
    # forward returns (4,): the step's check would measure a broadcast (4, 4) loss and blame the chain rule.
    result = check("simple_nn", mutate(tmp_path, "simple_nn", ("return self.y_hat", "return self.y_hat.ravel()")))
    assert [line.status for line in result.lines] == ["PASS", "PASS", "FAIL", "SKIP", "SKIP", "SKIP", "SKIP"]
    assert str(result.lines[2]).startswith("FAIL forward shapes: forward(X) with X of shape (4, 2) returned shape (4,)")
    assert str(result.lines[3]) == "SKIP one training step: runs once the checks above pass"
    assert str(result.lines[4]) == "SKIP flat targets: runs once the checks above pass"


def test_simple_nn_no_losses_is_said_by_every_check_that_reads_them(tmp_path):
    # range(1, epochs) runs no epoch for epochs=1: both checks say so (not an IndexError from the grader's own [0]).
    none = ("for _ in range(epochs):", "for _ in range(1, epochs):")
    result = check("simple_nn", mutate(tmp_path, "simple_nn", none))
    text = failures(result)
    assert text.count("train(X, y, epochs=1) returned 0 losses, expected 1") == 2 and "IndexError" not in text, text


def test_simple_nn_flat_target_message_names_the_fix(tmp_path):
    edit = ("y = np.asarray(y).reshape(len(X), -1)", "pass")
    line = next(line for line in check("simple_nn", mutate(tmp_path, "simple_nn", edit)).lines
                if line.name == "flat targets")
    assert line.status == "FAIL" and "shape (4,)" in line.message and "y.reshape(len(X), -1)" in line.hint


TINYGRAD_SIMPLE_NN = '''
import numpy as np
import tinygrad_edu as tg


class SimpleNN:
    """tinygrad_edu tensors, tanh hidden layer, binary cross-entropy, autograd for the gradients."""

    def __init__(self, input_size, hidden_size, output_size, learning_rate):
        self.params = {"first": tg.randn(input_size, hidden_size, requires_grad=True),
                       "first_bias": tg.zeros(1, hidden_size, requires_grad=True),
                       "second": tg.randn(hidden_size, output_size, requires_grad=True),
                       "second_bias": tg.zeros(1, output_size, requires_grad=True)}
        self.lr = learning_rate

    def forward(self, X):
        p = self.params
        return ((X @ p["first"] + p["first_bias"]).tanh() @ p["second"] + p["second_bias"]).sigmoid()

    def backward(self, X, y):
        y_hat = self.forward(X)
        loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()
        for p in self.params.values():
            p.grad = None
        loss.backward()
        with tg.no_grad():
            for p in self.params.values():
                p -= SCALE * self.lr * p.grad
        return loss.item()

    def train(self, X, y, epochs):
        y = y.reshape(len(X), -1)
        return [self.backward(X, y) for _ in range(epochs)]
'''


def test_simple_nn_in_tinygrad_with_any_names_and_cross_entropy_passes(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(TINYGRAD_SIMPLE_NN.replace("SCALE", "1"))
    result = check("simple_nn", path)
    assert result.passed, str(result)
    assert "params['first'] (2, 5)" in str(result) and "binary cross-entropy" in str(result)


@pytest.mark.parametrize("learner, found", [
    ("numpy_relu_linear_mse.py", "params['W1'] (2, 5), params['b1'] (1, 5)"),
    ("module_tanh_bce.py", "hidden.weight (5, 2), hidden.bias (5,), out.weight (1, 5), out.bias (1,)"),
])
def test_simple_nn_other_learners_choices_pass(learner, found):
    result = check("simple_nn", Path(__file__).parent / "exercise_learners" / learner)
    assert result.passed, str(result)
    assert found in str(result)


def test_simple_nn_skeleton_says_one_thing_about_the_output_and_the_grader_accepts_it(tmp_path):
    # The class docstring and forward's agree: a sigmoid output, or (with the MSE) none.
    namespace = {}
    exec(skeleton("simple_nn"), namespace)
    cls = namespace["SimpleNN"]
    assert cls.__doc__.splitlines()[0] == ("input -> hidden (activation of your choice) -> output (a sigmoid; with the "
                                           "MSE, a sigmoid or none).")
    assert "y_hat = sigmoid(h W2 + b2): a sigmoid output, which the\n        cross-entropy needs; with the MSE the " \
           "output may also be linear, y_hat = h W2 + b2." in cls.forward.__doc__
    linear = mutate(tmp_path, "simple_nn",
                    ("self.y_hat = sigmoid(self.h @ self.W2 + self.b2)", "self.y_hat = self.h @ self.W2 + self.b2"),
                    ("dz2 = d_y_hat * self.y_hat * (1 - self.y_hat)", "dz2 = d_y_hat"))
    result = check("simple_nn", linear)
    assert result.passed, str(result)


def test_simple_nn_weights_rebound_by_the_update_are_followed(tmp_path):
    edits = [(f"self.{w} -= self.learning_rate * d{w}", f"self.{w} = self.{w} - self.learning_rate * d{w}")
             for w in ("W1", "b1", "W2", "b2")]
    result = check("simple_nn", mutate(tmp_path, "simple_nn", *edits))
    assert result.passed, str(result)


def test_simple_nn_in_tinygrad_with_a_step_too_large_fails(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(TINYGRAD_SIMPLE_NN.replace("SCALE", "3"))
    assert "every weight moved 3 times -learning_rate x the gradient of the binary cross-entropy" in failures(
        check("simple_nn", path))


def test_a_module_or_a_class_and_the_notebook_display():
    import importlib
    assert check("perceptron", importlib.import_module("tinygrad_edu.exercises.solutions.perceptron")).passed
    result = check("simple_nn", importlib.import_module("tinygrad_edu.exercises.solutions.simple_nn").SimpleNN)
    assert result.passed
    lines = repr(result).splitlines()
    assert lines[0].startswith("PASS load SimpleNN") and lines[-1] == "simple_nn: all 7 checks passed."
    html = result._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == len(result.lines) and "XOR solved" in html


def test_an_endless_train_is_stopped_and_reported(tmp_path):
    path = mutate(tmp_path, "simple_nn", ("for _ in range(epochs):", "while True:"))
    result = check("simple_nn", path, seconds=0.3)
    line = next(line for line in result.lines if line.name == "one training step")
    assert line.status == "FAIL" and "still running after 0.3 s" in line.message


def test_slow_top_level_code_is_stopped_with_its_own_hint(tmp_path):
    path = tmp_path / "perceptron.py"
    path.write_text("import time\nwhile True:\n    time.sleep(0.01)\n")
    line = check("perceptron", path, seconds=0.3).lines[0]
    assert line.status == "FAIL" and line.message == "still running after 0.3 s"
    assert 'if __name__ == "__main__":' in line.hint


def test_the_time_limit_is_not_swallowed_by_except_exception(tmp_path):
    path = mutate(tmp_path, "perceptron", ("        return 1 if np.dot(x, self.w) + self.b > 0 else 0",
                                           "        while True:\n            try:\n                np.dot(x, self.w)\n"
                                           "            except Exception:\n                pass"))
    line = check("perceptron", path, seconds=0.3).lines[1]
    assert line.name == "predict" and line.status == "FAIL" and line.message == "still running after 0.3 s"


def test_a_syntax_error_names_the_line(tmp_path):
    path = mutate(tmp_path, "simple_nn", ("def forward(self, X):", "def forward(self, X)"))
    line = path.read_text().splitlines().index("    def forward(self, X)") + 1
    result = check("simple_nn", path)
    assert not result.passed and f"simple_nn.py, line {line}: syntax error: expected ':'" in failures(result)


def test_an_error_in_the_learners_code_names_their_line(tmp_path):
    path = mutate(tmp_path, "simple_nn", ("self.h = sigmoid(X @ self.W1 + self.b1)", "self.h = sigmoid(X @ self.W2)"))
    line = path.read_text().splitlines().index("        self.h = sigmoid(X @ self.W2)") + 1
    text = failures(check("simple_nn", path))
    assert "your code raised ValueError" in text and f"simple_nn.py, line {line}, in forward" in text


# ---------------------------------------------------------------- backprop

@pytest.mark.parametrize("edit, message", [
    (('dZ = (self.cache[f"A{L}"] - y) / m', 'dZ = (y - self.cache[f"A{L}"]) / m'),
     "dW2[0, 0] is wrong: expected 0.109873, got -0.109873 Hint: the sign is flipped"),
    (('dZ = (self.cache[f"A{L}"] - y) / m', 'dZ = self.cache[f"A{L}"] - y'), "the mean's 1/N is missing"),
    (('self.gradients[f"db{layer}"] = dZ.sum(axis=0, keepdims=True)', 'pass'),
     "self.gradients has no 'db2' (it has ['dW1', 'dW2']) Hint: the bias gradient is missing"),
    (('self.gradients[f"db{layer}"] = dZ.sum(axis=0, keepdims=True)', 'self.gradients[f"db{layer}"] = 0 * dZ[:1]'),
     "is wrong: expected -0.0990215, got 0 (dW2 is right) Hint: db2 is all zeros"),
    (('dZ = dA * (self.cache[f"Z{layer - 1}"] > 0)', 'dZ = dA'),
     "dW1[0, 0] is wrong: expected 0.0337279, got 0.0622079 (dW2, db2 are right) Hint: the gradients of layer 2 "
     "are right, so the mistake is on the way from layer 2 back to layer 1"),
    (('dZ.sum(axis=0, keepdims=True)', 'dZ.sum(axis=0)'), "db2 has shape (1,), expected (1, 1)"),
    # a factor in one gradient's own line is that line's, not the loss's (which would scale every gradient)
    (('self.gradients[f"dW{layer}"] = self.cache[f"A{layer - 1}"].T @ dZ',
      'self.gradients[f"dW{layer}"] = 2 * self.cache[f"A{layer - 1}"].T @ dZ'),
     "Hint: dW2 is off by a factor 2, and not every gradient is, so the slip is in the line that computes dW2 itself"),
    (('dZ.sum(axis=0, keepdims=True)', 'dZ.mean(axis=0, keepdims=True)'),
     "(dW2 is right) Hint: db2 is off by a factor 1/6 = 1/m: a mean over the samples, or an extra / m, and not "
     "every gradient is, so the slip is in the line that "
     "computes db2 itself (one in dZ2 = (A2 - y) / m would scale every gradient): db2 is the sum of dZ2 over the "
     "samples (axis 0), with no 1/m of its own."),
    # The loop over layers one short: layer 1's gradients are missing, and the loop is named, not their names.
    (("for layer in range(L, 0, -1):", "for layer in range(L, 1, -1):"),
     "self.gradients has no 'dW1' (it has ['dW2', 'db2']) Hint: the gradients of layer 1 are missing and those above "
     "are there: the loop over the layers stops too early"),
    # The gradients in a dict of backward's own: returned, but update_weights reads self.gradients.
    ([('        L = self.num_layers\n',
       '        L = self.num_layers\n        self.gradients = {}\n        grads = {}\n'),
      ('self.gradients[f"dW{layer}"] =', 'grads[f"dW{layer}"] ='), ('self.gradients[f"db{layer}"] =',
                                                                  'grads[f"db{layer}"] ='),
      ("        return self.gradients\n\n    def update", "        return grads\n\n    def update")],
     "backward returned the gradients ['dW1', 'dW2', 'db1', 'db2'], but self.gradients has nothing Hint: "
     "update_weights reads self.gradients"),
    (('self.cache[f"A{layer - 1}"].T @ dZ', '(self.cache[f"A{layer - 1}"].T @ dZ).tolist()'),
     "dW2 is a list, not a NumPy array"),
    (('self.gradients[f"dW{layer}"]', 'self.gradients[f"W{layer}"]'),
     "self.gradients has no 'dW2' (it has ['W1', 'W2', 'db1', 'db2']) Hint: keep each gradient under its name"),
])
def test_backprop_wrong_solution_names_the_first_wrong_gradient(tmp_path, edit, message):
    edits = edit if isinstance(edit, list) else [edit]
    result = check("backprop", mutate(tmp_path, "backprop", *edits))
    assert not result.passed
    assert message in failures(result), str(result)
    assert_never_shows_solution(result, "backprop")


def test_backprop_checks_every_layer_of_a_deeper_network(tmp_path):
    # Right for one hidden layer, wrong below the second: only the [3, 5, 4, 1] network shows it.
    relu_grad = 'dZ = dA * (self.cache[f"Z{layer - 1}"] > 0)'
    edit = (relu_grad, relu_grad + " * (1 + (layer == 3))")
    result = check("backprop", mutate(tmp_path, "backprop", edit))
    assert [line.status for line in result.lines] == ["PASS", "PASS", "FAIL", "SKIP"]
    assert "dW2" in result.lines[2].message and "dW3, db3 are right" in result.lines[2].message


# ---------------------------------------------------------------- perceptron

@pytest.mark.parametrize("edit, message", [
    (("self.w = self.w + self.learning_rate * error", "self.w = self.w + error"),
     "changed w by [0.5, 1.0], expected [0.125, 0.25] Hint: the learning rate is missing"),
    (("self.b = self.b + self.learning_rate * error", "self.b = self.b + error"),
     "changed b by 1, expected 0.25 Hint: the learning rate is missing from the bias update"),
    (("self.b = self.b + self.learning_rate * error", "pass"), "b did not move"),
    (("error = y - self.predict(x)", "error = self.predict(x) - y"),
     "changed w by [-0.125, -0.25], expected [0.125, 0.25] Hint: the sign is flipped"),
    # The error term left out: right for the first case, so not a sign flip; w moves when the prediction is right.
    (("self.w = self.w + self.learning_rate * error * np.asarray(x, dtype=float)",
      "self.w = self.w + self.learning_rate * np.asarray(x, dtype=float)"),
     "(predicted 1 for a 0 (z = 0.25)) changed w by [0.25, 0.125], expected [-0.25, -0.125] Hint: w moved by lr * x "
     "in every case, even when the prediction was right (update(x=[1.0, 0.0], y=1) changed w by [0.25, 0.0]): the "
     "error term (y - y_hat) is missing, w += lr * (y - y_hat) * x."),
    (("self.b = self.b + self.learning_rate * error", "self.b = self.b + self.learning_rate"),
     "changed b by 0.25, expected -0.25 Hint: b moved by lr in every case, even when the prediction was right "
     "(update(x=[1.0, 0.0], y=1) changed b by 0.25): the error term (y - y_hat) is missing, b += lr * (y - y_hat)."),
    (("error = y - self.predict(x)", "error = y - (np.dot(x, self.w) + self.b)"), "with the raw score z"),
    (("> 0 else 0", ">= 0 else 0"), "at exactly z = 0 the answer is 0"),
    # The bias left out of predict: named in predict, not blamed on the update that reads it.
    (("np.dot(x, self.w) + self.b > 0", "np.dot(x, self.w) > 0"),
     "predict([0.0, 0.0]) with w = [0.5, -1.0], b = 0.25 (z = 0.25) returned 0, expected 1 Hint: that is the answer "
     "without the bias"),
    # The bias moved with x: an array, named as such (not a TypeError from the grader's float()).
    (("self.b = self.b + self.learning_rate * error", "self.b = self.b + self.learning_rate * error * x"),
     "made b an array of shape (2,), expected () Hint: the bias is one number"),
    (("self.w = self.w + self.learning_rate * error", "self.w = self.w + self.learning_rate * y"),
     "Hint: that is lr * y * x, with the target y"),
    (("self.w = self.w + self.learning_rate * error", "self.w = self.w + 0.1 * error"),
     "Hint: w moved by 0.1 * (y - y_hat) * x: the step size is 0.1, not the perceptron's learning rate (0.25)"),
    (("self.w = self.w + self.learning_rate * error * np.asarray(x, dtype=float)",
      "x *= self.learning_rate * error\n        self.w = self.w + x"),
     "changed the x it was given to [0.125, 0.25] Hint: x is the caller's example"),
])
def test_perceptron_wrong_rule_fails_with_its_message(tmp_path, edit, message):
    result = check("perceptron", mutate(tmp_path, "perceptron", edit))
    assert not result.passed and message in failures(result), str(result)


def test_perceptron_changing_x_in_place_leaves_the_graders_inputs_alone(tmp_path):
    # Graded twice in one kernel: a first file that changes its x in place (here only inside fit, so the update
    # check passes) must not change the inputs the next file's fit is graded on.
    in_fit = mutate(tmp_path, "perceptron", ("zip(X, y))", "zip(X, y))\n            X *= 0"))
    result = check("perceptron", in_fit)
    assert "fit on OR changed the inputs X it was given" in failures(result), str(result)
    assert check("perceptron", PACKAGE / "solutions" / "perceptron.py").passed


# ---------------------------------------------------------------- sgd_momentum

@pytest.mark.parametrize("edit, setting, message", [
    (('buf = momentum * state["momentum_buffer"] + (1 - dampening) * g',
      'buf = momentum * state["momentum_buffer"] + (1 - momentum) * g'), "lr=0.1, momentum=0.9",
     "step 2 differs from optim.SGD"),
    (('buf = momentum * state["momentum_buffer"] + (1 - dampening) * g',
      'buf = momentum * state["momentum_buffer"] + (1 - momentum) * g'), "lr=0.1, momentum=0.9",
     "that is an average"),
    (("buf = g.copy()", "buf = (1 - dampening) * g"), "dampening=0.3",
     "the first step differs from optim.SGD: param[0, 0] is 0.0800902, expected 0.0605302 Hint: on the first step "
     "the buffer is the gradient itself"),
    (("g = g + momentum * buf", "g = buf"), "nesterov=True", "with nesterov=True the step uses g + momentum * b"),
    (("g = g + weight_decay * param", "g = g - weight_decay * param"), "weight_decay=0.05",
     "weight decay adds to the gradient"),
    (('        state["momentum_buffer"] = buf\n', ""), "lr=0.1, momentum=0.9", "keep it in state['momentum_buffer']"),
    (("return param - lr * g", "return param + lr * g"), "lr=0.1", "the step goes uphill"),
    (('buf = momentum * state["momentum_buffer"] + (1 - dampening) * g',
      'buf = momentum * state["momentum_buffer"] + g'), "dampening=0.3", "dampening is ignored"),
    (('buf = momentum * state["momentum_buffer"] + (1 - dampening) * g',
      'buf = momentum * state["momentum_buffer"] + dampening * g'), "lr=0.1, momentum=0.9",
     "step 2 differs from optim.SGD: param[0, 0] is -0.12203, expected 0.110473 Hint: the buffer takes (1 - dampening) "
     "of the new gradient"),
    # Nesterov with last step's buffer: a Nesterov slip, not "keep the buffer in state".
    ([('        state["momentum_buffer"] = buf\n        if nesterov:\n            g = g + momentum * buf',
       '        old = state.get("momentum_buffer", buf)\n        state["momentum_buffer"] = buf\n        if nesterov:\n'
       '            g = g + momentum * old')], "nesterov=True",
     "Hint: with nesterov=True the step is g + momentum * b with this step's buffer"),
    ([("    if weight_decay != 0:\n        g = g + weight_decay * param\n", ""),
      ("    return param - lr * g", "    return param - lr * (g + weight_decay * param)")], "weight_decay=0.1",
     "Hint: weight decay goes into the gradient first"),
    # PyTorch's buf.mul_(momentum).add_(g) in NumPy, with the first buffer the gradient itself: every step is right,
    # but the caller's gradient of step 1 is changed by step 2.
    ([("g = np.array(grad, dtype=float)", "g = grad"), ("buf = g.copy()", "buf = g"),
      ('buf = momentum * state["momentum_buffer"] + (1 - dampening) * g',
       'buf = state["momentum_buffer"]\n            buf *= momentum\n            buf += (1 - dampening) * g')],
     "lr=0.1, momentum=0.9", "step 2 changed the gradient array given to step 1 Hint: the momentum buffer is that "
     "gradient array itself (b = g, no copy)"),
])
def test_sgd_momentum_wrong_formula_fails_with_its_message(tmp_path, edit, setting, message):
    edits = edit if isinstance(edit, list) else [edit]
    result = check("sgd_momentum", mutate(tmp_path, "sgd_momentum", *edits))
    line = next(line for line in result.lines if line.status == "FAIL")
    assert setting in line.name and message in str(line), str(result)


def test_sgd_momentum_reference_agrees_with_the_formulas_written_out():
    """Torch-free twin of the optim.SGD comparison: two steps of momentum + Nesterov + decay by hand."""
    import numpy as np

    from tinygrad_edu.exercises.solutions.sgd_momentum import sgd_step
    x, state = np.array([1.0, -2.0]), {}
    g1, g2 = np.array([0.5, 0.25]), np.array([-1.0, 2.0])
    x1 = sgd_step(x, g1, state, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)
    d1 = g1 + 0.1 * x                          # [0.6, 0.05]; b = d1
    assert np.allclose(x1, x - 0.1 * (d1 + 0.9 * d1))
    x2 = sgd_step(x1, g2, state, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)
    d2 = g2 + 0.1 * x1
    b2 = 0.9 * d1 + d2
    assert np.allclose(x2, x1 - 0.1 * (d2 + 0.9 * b2))


# ---------------------------------------------------------------- custom_op

SILU_GRAD = "return grad_output * s * (1 + x * (1 - s))"


@pytest.mark.parametrize("edit, check_name, message", [
    ((SILU_GRAD, "return grad_output * s"), "gradcheck",
     "at x = -3, SiLU.backward with grad_output = 1 returns 0.0474259, but central differences of your forward give "
     "dy/dx = -0.0881041 Hint: that is sigmoid(x) alone, the first term of the product rule"),
    ((SILU_GRAD, "return grad_output * s * (1 - s)"), "gradcheck", "that is the sigmoid's derivative s (1 - s)"),
    ((SILU_GRAD, "return s * (1 + x * (1 - s))"), "gradcheck", "grad_output is left out"),
    ((SILU_GRAD, "return -grad_output * s * (1 + x * (1 - s))"), "gradcheck", "the sign is flipped"),
    # The product rule's terms subtracted: named as that slip, not as a flipped sign.
    ((SILU_GRAD, "return grad_output * (s - x * s * (1 - s))"), "gradcheck",
     "returns 0.182956, but central differences of your forward give dy/dx = -0.0881041 Hint: that is s - x s': "
     "the product rule adds its two terms, d(x s)/dx = s + x s'."),
    # No known slip: the hint gives the right value at the point (not the learner's own wrong one).
    ((SILU_GRAD, "return grad_output * (s + x * s)"), "gradcheck",
     "returns -0.0948517, but central differences of your forward give dy/dx = -0.0881041 Hint: work out "
     "d(x sigmoid(x))/dx with the product rule and sigmoid' = s (1 - s); at x = -3 it is -0.0881041."),
    # Right first derivative, computed in NumPy: autograd cannot differentiate it again.
    ((SILU_GRAD, "import numpy as np\n        import tinygrad_edu as tg\n        a = x.detach().numpy()\n"
                 "        sn = 1 / (1 + np.exp(-a))\n        return grad_output * tg.tensor(sn * (1 + a * (1 - sn)))"),
     "gradgradcheck", "backward must be built from tensor operations"),
    ([("ctx.save_for_backward(x)", "ctx.x = x"), ("x, = ctx.saved_tensors", "x = ctx.x")], "the graph node",
     "keep x for backward with ctx.save_for_backward(x)"),
    (("return x * x.sigmoid()", "return x.sigmoid()"), "forward",
     "silu(-3) is 0.0474259, expected -0.142278 Hint: that is sigmoid(x); silu multiplies it by x"),
    # sigmoid' = s (1 - s) written with x: named, not "work out the product rule".
    ((SILU_GRAD, "return grad_output * (s + x * x * (1 - x))"), "gradcheck",
     "Hint: that is s + x * x (1 - x): sigmoid' = s (1 - s) is written with the sigmoid's value s"),
    # The right value, computed in place on x: forward changed x, which is said (not "silu(-0.142) is wrong").
    (("return x * x.sigmoid()", "x *= x.sigmoid()\n        return x"), "forward",
     "SiLU.apply(x) changed its input x in place"),
    # The sigmoid computed in forward and saved: backward is tensor ops, yet the second derivative is wrong, and
    # the hint says why (a constant to autograd), not "not NumPy, not .detach()".
    ([("ctx.save_for_backward(x)\n        return x * x.sigmoid()",
       "s = x.sigmoid()\n        ctx.save_for_backward(x, s)\n        return x * s"),
      ("x, = ctx.saved_tensors\n        s = x.sigmoid()", "x, s = ctx.saved_tensors")], "gradgradcheck",
     "Hint: forward saved a tensor it computed (such as s = x.sigmoid()): forward is not recorded"),
])
def test_custom_op_wrong_solution_fails_with_its_message(tmp_path, edit, check_name, message):
    edits = edit if isinstance(edit, list) else [edit]
    result = check("custom_op", mutate(tmp_path, "custom_op", *edits))
    line = next(line for line in result.lines if line.status == "FAIL")
    assert line.name == check_name and message in str(line), str(result)


def test_custom_op_under_another_name_is_found(tmp_path):
    result = check("custom_op", mutate(tmp_path, "custom_op", ("class SiLU(Function):", "class MySwish(Function):")))
    assert result.passed and result.lines[0].message == "found MySwish"


def test_custom_op_is_a_node_like_the_librarys_own():
    import numpy as np

    import tinygrad_edu as tg
    from tinygrad_edu.exercises.solutions.custom_op import SiLU
    x = tg.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = SiLU.apply(x)
    assert y.grad_fn.name() == "SiLUBackward" and y.grad_fn.saved_tensors[0] is x
    (y * y).sum().backward()  # the op inside a larger graph
    s = 1 / (1 + np.exp(-x.detach().numpy()))
    silu, dsilu = x.detach().numpy() * s, s * (1 + x.detach().numpy() * (1 - s))
    assert np.allclose(x.grad.numpy(), 2 * silu * dsilu)


# ---------------------------------------------------------------- README's "Exercises" section

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_transcript_is_what_the_grader_prints(tmp_path, capsys):
    """README's sample run, `tinygrad-edu check simple_nn simple_nn.py` on the learner it describes, line by line."""
    text = README.read_text()
    block = text[text.index("$ tinygrad-edu check simple_nn simple_nn.py\n"):]
    shown = block[:block.index("```")].splitlines()[1:]
    path = tmp_path / "simple_nn.py"
    path.write_text((Path(__file__).parent / "exercise_learners" / "readme_first_run.py").read_text())
    assert main(["check", "simple_nn", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == shown
    # The setup as README words it: the tutorial's dZ2 = A2 - y without a 1/N, hence the summed cross-entropy;
    # with the 1/N (README's remark under the transcript), the mean one.
    assert "dZ2 = self.A2 - y\n" in path.read_text() and "the summed binary cross-entropy" in shown[3]
    path.write_text(path.read_text().replace("dZ2 = self.A2 - y\n", "dZ2 = (self.A2 - y) / len(X)\n"))
    assert "FAIL one training step: your update is the gradient of the binary cross-entropy, -mean(" in str(
        check("simple_nn", path))


def test_readme_says_where_the_solutions_are_and_that_messages_never_show_them():
    text = " ".join(README.read_text().split())
    assert "The grader never shows a solution:" not in text
    assert "The grader's messages never show a solution's code" in text
    assert ("Reference solutions do ship, one per exercise, in `tinygrad_edu/exercises/solutions/` (`NAME.py`; the "
            "test suite grades them): they are for teachers, and for you to compare with after trying.") in text
    assert all((PACKAGE / "solutions" / f"{name}.py").is_file() for name in EXERCISES)


# ---------------------------------------------------------------- the commands

def test_exercise_lists_every_exercise_one_line_each(capsys):
    assert main(["exercise"]) == 0
    out = capsys.readouterr().out.splitlines()
    for name in EXERCISES:
        assert sum(line.split()[0] == name for line in out if line.strip()) == 1


def test_exercise_writes_the_skeleton_and_refuses_to_overwrite(tmp_path, capsys):
    assert main(["exercise", "simple_nn", "--out", str(tmp_path)]) == 0
    path = tmp_path / "simple_nn.py"
    assert path.read_text() == skeleton("simple_nn") and str(path) in capsys.readouterr().out
    path.write_text("# my work")
    assert main(["exercise", "simple_nn", "--out", str(tmp_path)]) == 1
    assert "exists already" in capsys.readouterr().err and path.read_text() == "# my work"
    assert main(["exercise", "simple_nn", "--out", str(tmp_path), "--force"]) == 0
    assert path.read_text() == skeleton("simple_nn")


def test_check_prints_one_line_per_check_and_sets_the_exit_code(tmp_path, capsys):
    assert main(["check", "perceptron", str(PACKAGE / "solutions" / "perceptron.py")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:-1]] == ["PASS"] * 4 and out[-1] == "perceptron: all 4 checks passed."
    wrong = mutate(tmp_path, "perceptron", ("self.b = self.b + self.learning_rate * error", "pass"))
    assert main(["check", "perceptron", str(wrong)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:-1]] == ["PASS", "PASS", "FAIL", "SKIP"]
    assert out[2].startswith("FAIL update: ") and "Hint: b did not move" in out[2]
    assert main(["check", "perceptron", str(tmp_path / "missing.py")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_python_dash_m_check_in_a_terminal(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "sgd_momentum.py"
    path.write_text(skeleton("sgd_momentum"))
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu", "check", "sgd_momentum", str(path)],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 1 and done.stderr == ""
    assert "FAIL lr=0.1: not implemented yet: fill in TODO 1: the SGD step in sgd_step" in done.stdout


def test_check_in_a_jupyter_kernel_shows_a_table_and_stops_an_endless_loop(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    endless = mutate(tmp_path, "simple_nn", ("for _ in range(epochs):", "while True:"))
    cells = [
        "from tinygrad_edu.exercises import check\n"
        f"exec(open({str(PACKAGE / 'solutions' / 'perceptron.py')!r}).read())  # the class, defined in the notebook\n"
        "check('perceptron', Perceptron)",
        f"check('simple_nn', {str(endless)!r}, seconds=0.5)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(__file__).resolve().parents[1])}}).execute()
    first, second = (cell.outputs[0]["data"] for cell in notebook.cells)
    assert first["text/html"].startswith("<table>") and "perceptron: all 4 checks passed." in first["text/plain"]
    assert "FAIL one training step: still running after 0.5 s" in second["text/plain"]
