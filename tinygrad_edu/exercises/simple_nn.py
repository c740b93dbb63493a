"""Grader of simple_nn: a learner's SimpleNN(input_size, hidden_size, output_size, learning_rate).

The learner may write NumPy or tinygrad_edu, any hidden activation, MSE or
cross-entropy, and keep the weights under any names. So the grader assumes
nothing about the inside; it measures:

1. the weights: every float array or Tensor attribute (or entry of a dict
   attribute such as `params`) whose shape fits a layer of the network;
2. forward's output shape, for several batch sizes (3 and 4 are skipped until it is right);
3. one training step. `train(X, y, epochs=1)` reports a loss L and moves the
   weights by a step s. The grader finds which loss L is (MSE, BCE, with or
   without the 1/N mean, with or without a 1/2) by recomputing each from the
   learner's own forward output, then measures the true gradient g of that
   loss by central differences, nudging one weight at a time and calling the
   learner's forward:  g_j = (L(w + eps e_j) - L(w - eps e_j)) / (2 eps).
   Gradient descent must give s = -learning_rate * g for every weight. When it
   does not, the step is compared with the gradients of the other losses, to
   say which loss it belongs to (the tutorial's `dz2 = y_hat - y` reported with
   the MSE is the summed cross-entropy's gradient, the mean one's with a 1/N).
   A factor shared by every weight that should move (a sign, a 2, a 1/N, the learning rate) is the whole
   network's slip (the loss's derivative, the update); otherwise the wrong weights are named from the output back
   (W2, b2, W1, b1), and those off by one factor are told it is in their own lines. Then train(X, y, 2) must be
   two runs of train(X, y, 1) (a forward made once, before the loop over epochs, shows only there), and train
   must leave the X it is given as it is;
4. flat targets [0, 1, 1, 0] of shape (4,) train exactly as [[0], [1], [1], [0]]
   (or are refused with an error), instead of broadcasting to a (4, 4) table;
5. XOR is solved (every prediction within 0.3 of its target); 6. inputs it never saw get the answer of their corner.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np

import tinygrad_edu as tg

from .grading import PASS, CheckResult, Failed, common_factor, factor_hint, find_target, fmt
from .simple_nn_network import Learner, layer_of, output_first

NAME = "simple_nn"
SUMMARY = "a 2-layer network from scratch (forward, backward, train) that learns XOR"

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)
# Near each corner: the answer of the corner. (The centre is undecided, so it is not asked.)
NEW_X = np.array([[0.1, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.9], [0.05, 0.95]], dtype=np.float32)
NEW_Y = np.array([0, 1, 1, 0, 1])

STEP_LR = 0.3          # not 1/2, 2 or 1/4, so a missing learning rate is not mistaken for another factor
HIDDEN = 5             # a size unlike 1, 2 and 4, so every weight's shape says which layer it is
XOR_EPOCHS, XOR_CHUNK, XOR_LRS, XOR_HIDDEN, XOR_SEEDS = 4000, 250, (1.0, 0.3, 0.1), 8, (0, 1)


# ---------------------------------------------------------------- the losses a step may belong to

def _bce(y_hat, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


LOSSES = {  # key: (what to call it, the loss of the predictions)
    "mse": ("the mean squared error, mean((y_hat - y)^2)", lambda p, y: np.mean((p - y) ** 2)),
    "sse": ("the summed squared error, sum((y_hat - y)^2), the MSE without its 1/N",
            lambda p, y: np.sum((p - y) ** 2)),
    "half_mse": ("half the mean squared error, mean((y_hat - y)^2) / 2", lambda p, y: np.mean((p - y) ** 2) / 2),
    "half_sse": ("half the summed squared error, sum((y_hat - y)^2) / 2", lambda p, y: np.sum((p - y) ** 2) / 2),
    "bce": ("the binary cross-entropy, -mean(y log y_hat + (1 - y) log(1 - y_hat))",
            lambda p, y: np.mean(_bce(p, y))),
    "bce_sum": ("the summed binary cross-entropy, the BCE without its 1/N", lambda p, y: np.sum(_bce(p, y))),
}


# What backward starts from, for the loss train reports (N = the number of elements of y).
DERIVATIVES = {
    "mse": "for the MSE, dL/dy_hat = 2 (y_hat - y) / N, then through the output's activation",
    "sse": "for the summed squared error, dL/dy_hat = 2 (y_hat - y), then through the output's activation",
    "half_mse": "for half the MSE, dL/dy_hat = (y_hat - y) / N, then through the output's activation",
    "half_sse": "for half the summed squared error, dL/dy_hat = y_hat - y, then through the output's activation",
    "bce": "for the cross-entropy with a sigmoid output, dL/dz2 = (y_hat - y) / N, z2 being the sigmoid's input",
    "bce_sum": "for the summed cross-entropy with a sigmoid output, dL/dz2 = y_hat - y",
}


def all_losses(y_hat: np.ndarray, y: np.ndarray) -> dict:
    """Every candidate loss of these predictions (NaN where it is undefined: BCE outside (0, 1))."""
    values = {}
    for key, (_, loss) in LOSSES.items():
        with np.errstate(all="ignore"):
            values[key] = float(loss(y_hat, y))
    return values


def numerical_gradients(learner: Learner, X, y, eps: float) -> dict:
    """d(loss)/d(weight) for every candidate loss, by central differences on the learner's forward."""
    start = learner.read()
    grads = {key: [np.zeros_like(w) for w in start] for key in LOSSES}
    for i, weight in enumerate(learner.weights):
        flat = start[i].ravel()
        for j in range(flat.size):
            nudged = flat.copy()
            values = []
            for sign in (1, -1):
                nudged[j] = flat[j] + sign * eps
                weight.write(nudged.reshape(start[i].shape))
                values.append(all_losses(learner.forward(X), y))
            weight.write(start[i])
            for key in LOSSES:
                grads[key][i].flat[j] = (values[0][key] - values[1][key]) / (2 * eps)
    return grads


def step_matches(steps: list, expected: list, rtol: float = 2e-2) -> list:
    """For each weight: does the step equal the expected step (to rtol of that weight's largest element)?"""
    return [bool(np.all(np.abs(s - e) <= rtol * np.abs(e).max() + 1e-7)) and np.isfinite(s).all()
            for s, e in zip(steps, expected)]


# ---------------------------------------------------------------- the checks

def grade(target, report: CheckResult, seconds: float = 60.0) -> None:
    cls = find_target(report, target, "SimpleNN", seconds=seconds)
    if cls is None:
        return
    sizes = (2, HIDDEN, 1)
    learner = None
    with report.check("weights") as line:
        learner = Learner(cls, sizes, STEP_LR)
        check_weights(learner, line)
    if not report.ok():
        learner = None
    shapes = None
    for name, run in (("forward shapes", check_forward), ("one training step", check_step),
                      ("flat targets", check_flat_targets)):
        if learner is None:
            report.skip(name, "runs once the weights are found")
            continue
        if shapes is not None and shapes.status != PASS:
            # Both measure the loss of forward's output against y (N, 1): with the wrong shape, what they
            # would say (a chain rule, a (4, 4) table) is not what is wrong.
            report.skip(name, "runs once the checks above pass")
            continue
        with report.check(name, seconds) as line:
            run(cls, learner, line)
        if name == "forward shapes":
            shapes = line
    if not report.ok():
        report.skip("XOR solved", "runs once the checks above pass")
        report.skip("new inputs", "runs once XOR is solved")
        return
    trained = None
    with report.check("XOR solved", seconds) as line:
        trained = check_xor(cls, line)
    if not report.ok():
        report.skip("new inputs", "runs once XOR is solved")
        return
    with report.check("new inputs", seconds) as line:
        check_new_inputs(trained, line)


def check_weights(learner: Learner, line) -> None:
    sizes = learner.sizes
    if not learner.weights:
        line.fail(f"SimpleNN{sizes + (STEP_LR,)} has no weights the grader can find",
                  "keep them as attributes (self.W1 = np.random.randn(input_size, hidden_size)) or in a dict "
                  "self.params, as NumPy float arrays or tinygrad_edu tensors.")
    shapes = [tuple(w.get().shape) for w in learner.weights]
    if not any(sizes[0] in s for s in shapes if len(s) == 2) or not any(len(s) == 2 and sizes[1] in s
                                                                       for s in shapes):
        line.fail(f"found only {', '.join(f'{w.label} {s}' for w, s in zip(learner.weights, shapes))}: "
                  f"no weight matrix from the {sizes[0]} inputs to the {sizes[1]} hidden units",
                  "W1 should have shape (input_size, hidden_size).")
    line.note("found " + ", ".join(f"{w.label} {s}" for w, s in zip(learner.weights, shapes)))


def check_forward(cls, learner: Learner, line) -> None:
    rng = np.random.default_rng(0)
    for n in (4, 7, 1):
        X = rng.random((n, 2)).astype(np.float32)
        before = learner.read()
        y_hat = learner.forward(X)
        if y_hat.shape != (n, 1):
            hint = ("return one row per sample: y_hat from h W2 + b2 (through a sigmoid, or none with the MSE) with "
                    "W2 (hidden_size, output_size).")
            if y_hat.shape == (1, n) or y_hat.shape == (n,):
                hint = "keep samples in rows, shape (N, output_size), like y; no transpose, no flattening."
            line.fail(f"forward(X) with X of shape {X.shape} returned shape {y_hat.shape}, expected {(n, 1)}", hint)
        if not np.isfinite(y_hat).all():
            line.fail(f"forward(X) returned {y_hat.ravel()[:4]} (NaN or inf) for X of shape {X.shape}")
        if any(not np.array_equal(a, b) for a, b in zip(before, learner.read())):
            line.fail("forward changed the weights", "forward only computes; the update belongs in backward.")
    line.note("(4, 2) -> (4, 1), (7, 2) -> (7, 1), (1, 2) -> (1, 1)")


def check_step(cls, learner: Learner, line) -> None:
    """On XOR's 4 samples, then on 6 random ones (a batch size written in as 4 shows there)."""
    check_one_step(learner, XOR_X, XOR_Y, line)
    rng = np.random.default_rng(0)
    X, y = rng.random((6, 2)).astype(np.float32), rng.integers(0, 2, (6, 1)).astype(np.float32)
    try:
        check_one_step(learner, X, y, line)
    except Failed:
        line.message = f"on a batch of 6 samples (XOR's 4 passed): {line.message}"
        raise
    check_second_epoch(learner, XOR_X, XOR_Y, line)


def check_second_epoch(learner: Learner, X: np.ndarray, y: np.ndarray, line) -> None:
    """train(X, y, 2) must be two runs of train(X, y, 1): each epoch its own forward, loss and step."""
    start = learner.read()
    first = learner.train(X, y, 1)
    middle = learner.read()
    again = learner.train(X, y, 1)
    expected = learner.read()
    learner.write(start)
    both = learner.train(X, y, 2)
    got = learner.read()
    if len(both) != 2:
        line.fail(f"train(X, y, epochs=2) returned {len(both)} losses, expected 2",
                  "append one loss per epoch and return the list.")
    if np.isclose(both[1], again[0], rtol=1e-4) and all(np.allclose(a, b, rtol=1e-4, atol=1e-7)
                                                        for a, b in zip(got, expected)):
        return
    if np.isclose(both[1], first[0], rtol=1e-6) and not np.isclose(again[0], first[0], rtol=1e-4):
        line.fail(f"train(X, y, epochs=2) reported the same loss {fmt(both[1])} in both epochs, though the first "
                  f"step moved the weights (from there the loss is {fmt(again[0])})",
                  "call forward inside the loop over epochs: each epoch's loss and step come from its own forward "
                  "pass, not from one made before the loop.")
    moved = max(float(np.abs(a - b).max()) for a, b in zip(middle, start))
    line.fail(f"the second epoch of train(X, y, epochs=2) is not one epoch started from the weights after the first "
              f"(loss {fmt(both[1])}, expected {fmt(again[0])}; the first step moved the weights by up to "
              f"{fmt(moved)})",
              "each epoch runs forward on the current weights, then backward with that forward's values; look for "
              "values kept from an earlier epoch.")


def check_one_step(learner: Learner, X: np.ndarray, y: np.ndarray, line) -> None:
    start = learner.read()
    losses = learner.train(X, y, 1)
    if len(losses) != 1:
        line.fail(f"train(X, y, epochs=1) returned {len(losses)} losses, expected 1",
                  "append one loss per epoch and return the list.")
    if learner.changed_X:
        line.fail("train changed the inputs X it was given (in place: X /= ..., X -= ...), so it trains on other "
                  "inputs than forward(X) is asked about",
                  "leave X as it is; if you scale the inputs, do it in a new array, and in forward too.")
    reported = losses[0]
    after = learner.read()
    for w, a, b in zip(learner.weights, start, after):
        if a.shape != b.shape:
            line.fail(f"one step of train changed the shape of {w.label} from {a.shape} to {b.shape}",
                      "a gradient must have its weight's shape; check the shapes of y and y_hat (both (N, 1)).")
    steps = [b - a for a, b in zip(start, after)]

    # Which loss is the reported number? Recompute each candidate from the learner's forward at the start.
    learner.write(start)
    candidates = all_losses(learner.forward(X), y)
    kind = min((key for key in LOSSES if np.isfinite(candidates[key])),
               key=lambda key: abs(candidates[key] - reported) / max(abs(reported), 1e-12))
    if not np.isclose(candidates[kind], reported, rtol=1e-3, atol=1e-7):
        learner.write(after)
        later = all_losses(learner.forward(X), y)
        learner.write(start)
        if any(np.isclose(v, reported, rtol=1e-3) for v in later.values() if np.isfinite(v)):
            line.fail(f"train reported {fmt(reported)}, the loss after the update, not before it",
                      "compute the loss from this epoch's forward pass, before backward changes the weights.")
        line.fail(f"train reported the loss {fmt(reported)}, but your forward's output gives "
                  f"MSE {fmt(candidates['mse'])}, BCE {fmt(candidates['bce'])}",
                  "report the loss of this epoch's forward pass, mean((y_hat - y)^2) or the cross-entropy.")
    eps = 1e-3 if any(w.is_float32() for w in learner.weights) else 1e-5
    grads = numerical_gradients(learner, X, y, eps)
    lr = learner.learning_rate
    expected = [-lr * g for g in grads[kind]]
    # float64 differences are good to ~1e-9; float32 ones (eps 1e-3, rounding 6e-8) to ~1e-3 of the step.
    rtol = 1e-2 if eps > 1e-5 else 1e-4
    ok = step_matches(steps, expected, rtol)
    if all(ok):
        line.note(f"train reports {LOSSES[kind][0].split(',')[0]}, and the step is -learning_rate x its gradient "
                  f"for every weight")
        return

    # The step belongs to another loss: say which (the tutorial's mix-up lands here).
    for other in LOSSES:
        other_steps = [-lr * g for g in grads[other]]
        if other != kind and np.isfinite(candidates[other]) and all(step_matches(steps, other_steps, rtol)):
            line.fail(f"your update is the gradient of {LOSSES[other][0]}, but train reports {LOSSES[kind][0]}",
                      "report the loss your backward differentiates, or change backward to the derivative of "
                      f"the loss you report ({DERIVATIVES[kind]}).")
    # One factor for every weight that should move, each measured on its own scale: the learning rate, a sign, a 2
    # or a 1/N in what they all go through (dL/dy_hat, the update). Only then is it the whole network's slip.
    together = common_factor(expected, steps)
    if together is not None:
        if np.isclose(together, 1 / lr, rtol=1e-3):
            line.fail(f"every step is {together:.4g} times the expected one, which is 1 / learning_rate",
                      "multiply the gradient by self.learning_rate in the update.")
        fixed = next((v for v in (0.001, 0.01, 0.1, 0.5) if np.isclose(together * lr, v, rtol=1e-3)), None)
        if fixed is not None:
            line.fail(f"every weight moved {together:.4g} times -learning_rate x the gradient of {LOSSES[kind][0]}: "
                      f"the step size is {fixed:g}, not the learning_rate {lr} given to SimpleNN",
                      "step by the learning_rate argument SimpleNN is given (keep it on self, use it in the "
                      "update), not a number written in.")
        line.fail(f"every weight moved {together:.4g} times -learning_rate x the gradient of {LOSSES[kind][0]}",
                  factor_hint(together, len(X)))
    # Weight by weight, from the output back, as backpropagation computes them: the first wrong one is where
    # the mistake enters (a slip at the output makes every weight below it wrong too).
    order = output_first(learner)
    wrong = [learner.weights[k].label for k in order if not ok[k]]
    right = [learner.weights[k].label for k in order if ok[k]]
    how_many = f"all {len(ok)} weights are" if not right else \
        f"{len(wrong)} of the {len(ok)} weights {'is' if len(wrong) == 1 else 'are'}"
    tally = f"{how_many} wrong: {', '.join(wrong)}" + (f"; {', '.join(right)} moved right" if right else "")
    i = next(k for k in order if not ok[k])
    w = learner.weights[i]
    if not np.any(steps[i]):
        line.fail(f"{w.label} did not move, though the gradient of the loss with respect to it is "
                  f"{np.array2string(grads[kind][i].ravel()[:3], precision=4)}... ({tally})",
                  f"backward must update {w.label} too" + (" (did you forget the bias gradient, the sum of dL/dz "
                                                          "over the samples?)" if steps[i].ndim == 1 or 1 in
                                                          steps[i].shape else "."))
    j = np.unravel_index(np.argmax(np.abs(steps[i] - expected[i])), steps[i].shape)
    moved = (f"{w.label}{list(map(int, j))} moved by {fmt(steps[i][j])}, but -learning_rate x the gradient "
             f"of {LOSSES[kind][0].split(',')[0]} is {fmt(expected[i][j])} ({tally})")
    stale = used_after_update(learner, start, steps, expected, ok, rtol)
    if stale is not None:
        line.fail(moved, f"{', '.join(wrong)} moved by the gradient computed with {stale} as it is after its update: "
                         "that is using a weight after it was updated (update all weights after computing all "
                         "gradients).")
    c = common_factor(expected[i], steps[i])
    if c is not None:
        # Not every weight is off by c (that was said above): the slip is local, in lines only these weights use.
        same = [k for k in order if not ok[k] and (c2 := common_factor(expected[k], steps[k])) is not None
                and np.isclose(c2, c, rtol=1e-2)]
        names, theirs = ", ".join(learner.weights[k].label for k in same), "their gradients" if same[1:] else \
            "its gradient"
        line.fail(f"{names} moved {c:.4g} times -learning_rate x {theirs} ({tally})",
                  local_factor_hint(learner, start, same, c, len(X)))
    layer, last = layer_of(w, tuple(start[i].shape), learner.sizes)[0], len(learner.sizes) - 1
    hint = "follow the chain rule from the loss back to this weight; check each activation's derivative."
    if layer == last:
        hint = ("the output layer's step is already wrong, and backward starts there: check dL/dy_hat (the derivative "
                "of the loss train reports), the output activation's derivative, then the output weights' gradients.")
    elif all(ok[k] for k in order if layer_of(learner.weights[k], tuple(start[k].shape), learner.sizes)[0] == last):
        hint = ("the output layer moved right, so the mistake is on the way back to the hidden layer: dL/dh = "
                "dL/dz2 W2^T, then the hidden activation's derivative.")
    keys = [layer_of(learner.weights[k], tuple(start[k].shape), learner.sizes) for k in range(len(start))]
    if keys[i][1] == 1 and all(ok[k] for k in range(len(ok)) if keys[k] == (layer, 0)):
        # The layer's matrix moved right, so dL/dz of this layer is right: the slip is in the bias's own line.
        hint = (f"the weight matrix of layer {layer} moved right, so dL/dz{layer} is right and the slip is in "
                f"{w.label}'s own gradient: the sum of dL/dz{layer} over the samples (axis 0), one entry per unit.")
        if steps[i].size > 1 and np.allclose(steps[i], steps[i].flat[0]) and not np.allclose(expected[i],
                                                                                            expected[i].flat[0]):
            hint = (f"every entry of {w.label} moved by the same amount, {fmt(steps[i].flat[0])}: its gradient is "
                    f"summed over every axis (np.sum(dz{layer})); sum over the samples only, axis=0, one entry per "
                    "unit.")
    line.fail(moved, hint)


def local_factor_hint(learner: Learner, start: list, same: list, c: float, n: int) -> str:
    """What a factor c means when only the weights `same` (indices, from the output back) have it: a slip in their own
    lines, not in dL/dy_hat or the update every weight goes through (that would scale every weight's step)."""
    keys = [layer_of(learner.weights[k], tuple(start[k].shape), learner.sizes) for k in range(len(start))]
    layers = {keys[k][0] for k in same}
    names = ", ".join(learner.weights[k].label for k in same)
    one = len(same) == 1
    where = (f"only {names} is off, so the slip is in the lines of {names} alone, its gradient or its update" if one
             else f"only {names} are off, so the slip is in their own lines, their gradients or their updates")
    where += " (a slip in the loss's derivative would scale every weight's step)"
    if len(layers) == 1 and not one and {k for k in range(len(keys)) if keys[k][0] in layers} == set(same):
        layer = layers.pop()
        if layer == len(learner.sizes) - 1:
            where = (f"only the output layer's weights ({names}) are off, so the slip is in their gradient or update "
                     "lines (one in dL/dy_hat or dL/dz2 would reach the hidden layer's gradients too)")
        else:
            where = (f"only layer {layer}'s weights ({names}) are off, so the slip is in what they share and the "
                     f"layer above does not: dL/dz{layer} (dL/dh = dL/dz{layer + 1} W{layer + 1}^T, then the "
                     "activation's derivative), or their gradient and update lines")
    that = "that line" if one else "those lines"
    if np.isclose(c, -1):
        what = f"the sign is flipped in {that}: += instead of -= in the update, or a minus in the gradient."
    elif np.isclose(c, 1 / learner.learning_rate, rtol=1e-3):
        what = f"the learning rate is missing from {that}: W -= learning_rate * dW."
    elif np.isclose(c, n):
        what = (f"a factor {n} = N, the number of samples, in {that}: the 1/N the other weights' gradients have is "
                "missing there (or an N is multiplied in).")
    elif np.isclose(c, 1 / n):
        what = (f"a factor 1/{n} = 1/N, an extra 1/N in {that}: a mean over the samples (or a / N) where the 1/N "
                "is already in dL/dy_hat and the sum belongs.")
    elif n != 4 and np.isclose(c, n / 4):
        what = f"a factor {n}/4: the number of samples is written in as 4 (XOR's) in {that}; use len(X)."
    elif np.isclose(c, 2):
        what = f"a factor 2 in {that}: a 2 written in, or the step applied twice."
    elif np.isclose(c, 0.5):
        what = f"a factor 1/2 in {that}: a / 2 written in, or half the step."
    else:
        what = f"a constant {c:.4g} in {that}: look for a missing or extra number."
    return f"{where}; {what}"


def used_after_update(learner: Learner, start: list, steps: list, expected: list, ok: list, rtol: float):
    """The label of the output weight W2 when every wrong weight is one of the hidden layer's and moved by the
    gradient computed with W2 after its update (W2 updated before dW1 was computed from it), else None.

    With one output, dL/dh[:, k] = dL/dz2 W2[k], so each hidden unit k's gradients (W1's column k, b1[k]) are
    the true ones times W2_after[k] / W2_before[k] when the updated W2 is used."""
    sizes = learner.sizes
    if len(sizes) != 3 or sizes[-1] != 1:
        return None
    hidden = sizes[1]
    keys = [layer_of(w, tuple(w.get().shape), sizes) for w in learner.weights]
    out = [k for k, key in enumerate(keys) if key == (2, 0) and start[k].size == hidden]
    wrong = [k for k in range(len(ok)) if not ok[k]]
    if len(out) != 1 or not wrong or any(keys[k][0] != 1 for k in wrong) or not np.any(steps[out[0]]):
        return None
    before = start[out[0]].ravel()
    if not np.all(np.abs(before) > 1e-6):
        return None
    ratio = (before + steps[out[0]].ravel()) / before
    for k in wrong:
        axis = [a for a, n in enumerate(start[k].shape) if n == hidden]
        if len(axis) != 1:
            return None
        shape = [1] * start[k].ndim
        shape[axis[0]] = hidden
        if not step_matches([steps[k]], [expected[k] * ratio.reshape(shape)], rtol)[0]:
            return None
    return learner.weights[out[0]].label


# How NumPy words a shape clash: an error with one of these came from arithmetic on the wrong shapes.
NUMPY_SHAPE_ERRORS = ("could not be broadcast", "non-broadcastable", "Input operand", "not aligned",
                      "mismatch in its core dimension")


def raised_on_purpose(err: BaseException) -> bool:
    """True when the learner's own code raised it (a shape check), not NumPy or tinygrad_edu doing arithmetic."""
    frames = traceback.extract_tb(err.__traceback__)
    package = str(Path(tg.__file__).resolve().parent)
    if frames and str(Path(frames[-1].filename).resolve()).startswith(package):
        return False  # raised inside the library: an op met the wrong shapes
    return not any(words in str(err) for words in NUMPY_SHAPE_ERRORS)


def check_flat_targets(cls, learner: Learner, line) -> None:
    """y = [0, 1, 1, 0] (shape (4,)) must train like [[0], [1], [1], [0]], or be refused by the learner's check."""
    column, flat = Learner(cls, learner.sizes, STEP_LR), Learner(cls, learner.sizes, STEP_LR)
    flat.write(column.read())
    losses = column.train(XOR_X, XOR_Y, 1)
    if len(losses) != 1:
        line.fail(f"train(X, y, epochs=1) returned {len(losses)} losses, expected 1",
                  "append one loss per epoch and return the list.")
    loss_column = losses[0]
    cause = ("y_hat (4, 1) - y (4,) broadcasts to a (4, 4) table that compares every prediction with every target")
    fix = ("in train, reshape the targets to one column, y = y.reshape(len(X), -1), or raise an error when "
           "y.shape != y_hat.shape (and write XOR's targets as [[0], [1], [1], [0]]).")
    try:
        loss_flat = flat.train(XOR_X, XOR_Y.ravel(), 1)[0]
    except (ValueError, AssertionError, TypeError, IndexError) as err:
        text = str(err)
        if raised_on_purpose(err):
            line.note(f"flat targets of shape (4,) are refused ({type(err).__name__}: {text[:60]}...)")
            return
        line.fail(f"with flat targets y = [0, 1, 1, 0] (shape (4,)) train raised {type(err).__name__}: "
                  f"{text.splitlines()[0]}; the cause: {cause}", fix)
    same = np.isclose(loss_flat, loss_column, rtol=1e-5) and all(
        a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-7) for a, b in zip(column.read(), flat.read()))
    if not same:
        line.fail(f"with flat targets y = [0, 1, 1, 0] (shape (4,)) train reports {fmt(loss_flat)}, with "
                  f"[[0], [1], [1], [0]] (shape (4, 1)) {fmt(loss_column)}: {cause}", fix)
    line.note("flat targets of shape (4,) train as a column (4, 1)")


def check_xor(cls, line):
    """Train in chunks of XOR_CHUNK epochs (train continues from the weights it has) until every prediction
    is within 0.3 of its target, up to XOR_EPOCHS. A few learning rates and seeds are tried, as the right
    rate depends on the learner's choices (a linear output with the MSE wants a smaller one than a sigmoid)."""
    tries = []
    for lr in XOR_LRS:
        for seed in XOR_SEEDS:
            learner = Learner(cls, (2, XOR_HIDDEN, 1), lr, seed)
            losses = []
            while len(losses) < XOR_EPOCHS:
                chunk = learner.train(XOR_X, XOR_Y, XOR_CHUNK)
                if len(chunk) != XOR_CHUNK:
                    line.fail(f"train(X, y, epochs={XOR_CHUNK}) returned {len(chunk)} losses",
                              "return one loss per epoch.")
                losses += chunk
                predictions = learner.forward(XOR_X).ravel()
                if np.all(np.abs(predictions - XOR_Y.ravel()) < 0.3) and losses[-1] < losses[0]:
                    line.note(f"predictions {np.round(predictions, 2).tolist()} after {len(losses)} epochs "
                              f"(learning_rate {lr}, hidden_size {XOR_HIDDEN}, seed {seed}); loss "
                              f"{fmt(losses[0])} -> {fmt(losses[-1])}")
                    return learner
                if not np.isfinite(losses[-1]) or losses[-1] > 10 * losses[0]:
                    break  # diverged: a smaller learning rate next
            tries.append((lr, predictions, losses))
    lr, predictions, losses = tries[0]
    hint = "an output above 0.5 means 1; a network that learns XOR needs random starting weights."
    if np.ptp(predictions) < 1e-3:
        hint = ("every input gets the same answer: if all W's start equal (zeros) every hidden unit learns the same "
                "thing; start them random (and with ReLU, check the units are not all dead).")
    elif not losses[-1] < losses[0]:
        hint = (f"the loss grew, even with learning_rate {XOR_LRS[-1]}: smaller starting weights (randn * 0.5) "
                f"keep the first steps small.")
    line.fail(f"XOR not solved with learning rates {list(XOR_LRS)} and seeds {list(XOR_SEEDS)}: with learning_rate "
              f"{lr}, after {len(losses)} epochs the predictions are {np.round(predictions, 2).tolist()} for targets "
              f"[0, 1, 1, 0] (loss {fmt(losses[0])} -> {fmt(losses[-1])})", hint)


def check_new_inputs(learner: Learner, line) -> None:
    predictions = learner.forward(NEW_X).ravel()
    wrong = [i for i, (p, t) in enumerate(zip(predictions, NEW_Y)) if (p > 0.5) != bool(t)]
    if wrong:
        i = wrong[0]
        line.fail(f"for the new input {NEW_X[i].tolist()} the network says {fmt(predictions[i])}, "
                  f"but it is next to a corner whose answer is {NEW_Y[i]}",
                  "a network that learnt XOR (not just the 4 points) answers like the nearest corner.")
    line.note(", ".join(f"{[round(float(v), 2) for v in x]} -> {p:.2f}" for x, p in zip(NEW_X, predictions)))
