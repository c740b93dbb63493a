"""Grader of perceptron: Rosenblatt's rule, w <- w + lr (y - y_hat) x, b <- b + lr (y - y_hat).

The learner's predict and update are run from set weights on three examples
(one predicted too low, one too high, one right) and the change of w and b is
compared with the rule. A wrong change is matched against the usual slips (no
learning rate, no error term, the sign flipped, the bias left out, the raw score
z used instead of the prediction) to say which one it is, judged on all three
cases together. Then fit must learn OR and AND.
"""

from __future__ import annotations

import numpy as np

from .grading import CheckResult, find_target

NAME = "perceptron"
SUMMARY = "Rosenblatt's rule: predict, and w += lr (y - y_hat) x, b += lr (y - y_hat)"

LR, W, B = 0.25, np.array([0.5, -1.0]), 0.25
CASES = [  # x, y, the prediction at (W, B), what the case is
    (np.array([0.5, 1.0]), 1, 0, "predicted 0 for a 1 (z = -0.5)"),
    (np.array([1.0, 0.5]), 0, 1, "predicted 1 for a 0 (z = 0.25)"),
    (np.array([1.0, 0.0]), 1, 1, "predicted right (z = 0.75)"),
]
GATES = {"OR": [0, 1, 1, 1], "AND": [0, 0, 0, 1]}
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def grade(target, report: CheckResult, seconds: float = 60.0) -> None:
    cls = find_target(report, target, "Perceptron", seconds=seconds)
    if cls is None:
        return
    steps = (("predict", check_predict), ("update", check_update), ("fit learns OR and AND", check_fit))
    report.run_in_order(steps, seconds, cls)


def fresh(cls, w=W, b=B):
    p = cls(2, learning_rate=LR)
    p.w, p.b = np.array(w, dtype=float), float(b)
    return p


def check_predict(cls, line) -> None:
    # [0, 0] with b = 0.25: only the bias makes the answer 1 (every other case would pass without b).
    for w, b, x, expected in ((W, B, [1.0, 0.0], 1), (W, B, [0.0, 1.0], 0), (W, B, [1.0, 1.0], 0),
                              (W, B, [0.0, 0.0], 1), ([0.5, -0.5], 0.0, [1.0, 1.0], 0),
                              ([0.0, 0.0], 0.0, [1.0, 0.0], 0)):
        given = np.array(x)
        got = fresh(cls, w, b).predict(given)
        z = float(np.dot(x, w) + b)
        w = [float(v) for v in w]
        if not np.array_equal(given, x):
            line.fail(f"predict({x}) changed the x it was given to {given.tolist()}",
                      "predict only reads x: compute z = x . w + b into a new name, never x *= ... or x += ...")
        if not np.isscalar(got) and np.ndim(got) != 0:
            line.fail(f"predict({x}) returned {got!r}, not one number", "return 1 or 0 for one example.")
        if float(got) not in (0.0, 1.0):
            line.fail(f"predict({x}) with w = {w}, b = {b} returned {float(got):g}, not 0 or 1",
                      "threshold the score: 1 if z > 0 else 0.")
        if float(got) != expected:
            hint = "z = x . w + b; the answer is 1 only when z > 0."
            if z == 0:
                hint = "at exactly z = 0 the answer is 0: use z > 0, not z >= 0."
            elif (np.dot(x, w) > 0) == bool(got):
                hint = f"that is the answer without the bias (x . w = {float(np.dot(x, w)):g}): z = x . w + b."
            line.fail(f"predict({x}) with w = {w}, b = {b} (z = {z:g}) returned {float(got):g}, "
                      f"expected {expected}", hint)
    line.note("1 when x . w + b > 0, else 0 (also at exactly 0)")


def check_update(cls, line) -> None:
    # Every case is run first, so that a wrong change is judged against all three: `w += lr * x` is right for
    # the first case, looks like a flipped sign in the second, and moves w in the third, where nothing should move.
    runs = []
    for x, y, y_hat, what in CASES:
        p = fresh(cls)
        given = x.copy()
        error = p.update(given, y)
        setup = f"update(x={x.tolist()}, y={y}) from w = {W.tolist()}, b = {B}, lr = {LR} ({what})"
        if not np.array_equal(given, x):
            line.fail(f"{setup} changed the x it was given to {given.tolist()}",
                      "x is the caller's example (fit passes the rows of X, which would change for every later "
                      "epoch): compute lr * (y - y_hat) * x into a new array, never x *= ...")
        for name, value in (("w", p.w), ("b", p.b)):
            if np.shape(value) != np.shape(W if name == "w" else B):
                line.fail(f"{setup} made {name} an array of shape {np.shape(value)}, expected "
                          f"{np.shape(W if name == 'w' else B)}",
                          "the bias is one number: b += lr * (y - y_hat), with no x (the bias's input is always 1)."
                          if name == "b" else "w has one entry per input: w += lr * (y - y_hat) * x.")
        runs.append((x, y, y - y_hat, what, np.asarray(p.w, dtype=float) - W, float(p.b) - B, error))
    for x, y, e, what, dw, db, error in runs:
        setup = f"update(x={x.tolist()}, y={y}) from w = {W.tolist()}, b = {B}, lr = {LR} ({what})"
        if e == 0:
            if np.any(dw) or db:
                hint = ("the error is y - y_hat with y_hat the 0/1 prediction (not the score z), so a right "
                        "answer moves nothing.")
                if all(np.allclose(dw_, LR * x_) for x_, _, _, _, dw_, _, _ in runs):
                    hint = error_term_missing("w", runs)
                elif all(np.isclose(db_, LR) for *_, db_, _ in runs):
                    hint = error_term_missing("b", runs)
                line.fail(f"{setup} changed w by {dw.tolist()} and b by {db:g}, though the prediction was right",
                          hint)
        else:
            line_w, line_b = LR * e * x, LR * e
            if not np.allclose(dw, line_w):
                line.fail(f"{setup} changed w by {dw.tolist()}, expected {line_w.tolist()}", w_hint(dw, e, x, y, runs))
            if not np.isclose(db, line_b):
                line.fail(f"{setup} changed b by {db:g}, expected {line_b:g}", b_hint(db, e, runs))
        if error is None or float(error) != e:
            line.fail(f"{setup} returned {error!r}, expected the error y - y_hat = {e}",
                      "return y - y_hat (fit counts the mistakes with it).")
    line.note("w and b move by lr (y - y_hat) x and lr (y - y_hat), and not at all when the prediction is right")


def error_term_missing(name: str, runs) -> str:
    """The hint for `w += lr * x` (or `b += lr`): the same move in every case, the right one included."""
    x, y, _, _, dw, db, _ = next(run for run in runs if run[2] == 0)
    moved = f"changed w by {dw.tolist()}" if name == "w" else f"changed b by {db:g}"
    rule = "w += lr * (y - y_hat) * x" if name == "w" else "b += lr * (y - y_hat)"
    return (f"{name} moved by {'lr * x' if name == 'w' else 'lr'} in every case, even when the prediction was right "
            f"(update(x={x.tolist()}, y={y}) {moved}): the error term (y - y_hat) is missing, {rule}.")


def w_hint(dw, e, x, y, runs) -> str:
    if all(np.allclose(dw_, LR * x_) for x_, _, _, _, dw_, _, _ in runs):
        return error_term_missing("w", runs)
    if np.allclose(dw, e * x):
        return "the learning rate is missing: w += lr * (y - y_hat) * x."
    if all(np.allclose(dw_, -LR * e_ * x_) for x_, _, e_, _, dw_, _, _ in runs):
        return "the sign is flipped: the error is y - y_hat (target minus prediction), and it is added to w."
    if all(np.allclose(dw_, LR * y_ * x_) for x_, y_, _, _, dw_, _, _ in runs):
        return "that is lr * y * x, with the target y: the rule uses the error, w += lr * (y - y_hat) * x."
    if not any(np.any(dw_) for *_, dw_, _, _ in runs):
        return "w did not move: update self.w."
    if not np.any(dw):
        return (f"w did not move, though the prediction was wrong (y - y_hat = {e}): the change is "
                "lr * (y - y_hat) * x.")
    rate = [float(np.median(dw_[x_ != 0] / (e_ * x_[x_ != 0]))) for x_, _, e_, _, dw_, _, _ in runs if e_ != 0]
    if np.allclose(rate, rate[0]) and all(np.allclose(dw_, rate[0] * e_ * x_) for x_, _, e_, _, dw_, _, _ in runs):
        return (f"w moved by {rate[0]:g} * (y - y_hat) * x: the step size is {rate[0]:g}, not the perceptron's "
                f"learning rate ({LR}); use self.learning_rate, not a number written in.")
    z = float(np.dot(x, W) + B)
    if np.allclose(dw, LR * (y - z) * x):
        return "that is lr (y - z) x with the raw score z: use the prediction y_hat (0 or 1) instead."
    return "the change of w is lr * (y - y_hat) * x, one entry per input."


def b_hint(db, e, runs) -> str:
    if db == 0:
        return "b did not move: the bias learns too, b += lr * (y - y_hat)."
    if all(np.isclose(db_, LR) for *_, db_, _ in runs):
        return error_term_missing("b", runs)
    if np.isclose(db, e):
        return "the learning rate is missing from the bias update: b += lr * (y - y_hat)."
    if all(np.isclose(db_, -LR * e_) for _, _, e_, _, _, db_, _ in runs):
        return "the sign is flipped: b += lr * (y - y_hat)."
    return "the change of b is lr * (y - y_hat) (no x: the bias's input is always 1)."


def check_fit(cls, line) -> None:
    notes = []
    for gate, y in GATES.items():
        p = cls(2, learning_rate=0.1)
        X = INPUTS.copy()  # a copy: code that changes its x in place must not change the grader's inputs
        mistakes = p.fit(X, np.array(y), epochs=50)
        if not np.array_equal(X, INPUTS):
            line.fail(f"fit on {gate} changed the inputs X it was given to {X.tolist()}",
                      "update (or predict) changes x in place (x *= ..., x += ...): compute into a new array.")
        predictions = [int(p.predict(x)) for x in INPUTS]
        if predictions != y:
            line.fail(f"after fit on {gate} the predictions are {predictions}, targets {y} "
                      f"(mistakes per epoch: {list(mistakes)[:10]})",
                      "fit repeats update over the examples; with the rule right, OR and AND are learnt in a few "
                      "epochs.")
        notes.append(f"{gate} in {len(mistakes)} epochs")
    line.note(", ".join(notes))
