"""Grader of backprop: the learner's NeuralNetwork.backward(y), layer by layer, against autograd.

The same network is built from the learner's params with tinygrad_edu tensors;
loss.backward() gives every gradient. The learner's gradients are compared in
the order backpropagation makes them (dW_L, db_L, dW_{L-1}, ...), so the first
wrong one is where the mistake enters, and the message names it, its element,
the expected and the got value, and what a constant factor between them means.
Two shapes are checked, [2, 4, 1] and [3, 5, 4, 1] (two hidden layers, so the
loop over layers is exercised), then the network must learn XOR with them.
"""

from __future__ import annotations

import numpy as np

import tinygrad_edu as tg

from .grading import CheckResult, common_factor, factor_hint, find_target, first_difference, fmt, to_numpy

NAME = "backprop"
SUMMARY = "backward(y) of a deep ReLU network by hand, checked layer by layer against autograd"

SHAPES = ([2, 4, 1], [3, 5, 4, 1])
BATCH = 6


def autograd_gradients(params: dict, num_layers: int, X: np.ndarray, y: np.ndarray) -> tuple:
    """(A_L, {'dW1': ..., 'db1': ...}) for the BCE loss, from tinygrad_edu's autograd."""
    leaves = {name: tg.tensor(np.array(value, dtype=np.float64), requires_grad=True) for name, value in params.items()}
    A = tg.tensor(X)
    for layer in range(1, num_layers + 1):
        Z = A @ leaves[f"W{layer}"] + leaves[f"b{layer}"]
        A = Z.sigmoid() if layer == num_layers else Z.relu()
    target = tg.tensor(y)
    loss = -(target * A.log() + (1 - target) * (1 - A).log()).mean()
    loss.backward()
    return A.detach().numpy(), {f"d{name}": leaf.grad.numpy() for name, leaf in leaves.items()}


def grade(target, report: CheckResult, seconds: float = 60.0) -> None:
    cls = find_target(report, target, "NeuralNetwork", seconds=seconds)
    if cls is None:
        return
    rng = np.random.default_rng(0)
    for sizes in SHAPES:
        name = f"gradients of NeuralNetwork({sizes})"
        if not report.ok():
            report.skip(name, "runs once the checks above pass")
            continue
        X = rng.standard_normal((BATCH, sizes[0]))
        y = rng.integers(0, 2, (BATCH, sizes[-1])).astype(np.float64)
        with report.check(name, seconds) as line:
            check_gradients(cls, sizes, X, y, line)
    if not report.ok():
        report.skip("training on XOR", "runs once the gradients are right")
        return
    with report.check("training on XOR", seconds) as line:
        check_training(cls, line)


def check_gradients(cls, sizes, X, y, line) -> None:
    net = cls(sizes, seed=1)
    L = len(sizes) - 1
    params = {name: to_numpy(value) for name, value in net.params.items()}
    output = to_numpy(net.forward(X))
    expected_output, expected = autograd_gradients(params, L, X, y)
    if output.shape != expected_output.shape or not np.allclose(output, expected_output):
        line.fail("forward gives a different output than the network described in the docstring",
                  "the exercise is backward only: get a fresh forward with `tinygrad-edu exercise backprop`.")
    returned = net.backward(y)
    grads = net.gradients
    if isinstance(returned, dict) and returned is not grads and not all(key in grads for key in expected):
        line.fail(f"backward returned the gradients {sorted(returned)}, but self.gradients has "
                  f"{sorted(grads) or 'nothing'}",
                  "update_weights reads self.gradients: fill it (self.gradients['dW1'] = ...), then return it.")
    checked = []
    for layer in range(L, 0, -1):
        for kind in ("W", "b"):
            key = f"d{kind}{layer}"
            want = expected[key]
            if key not in grads:
                hint = "keep each gradient under its name: self.gradients['dW1'], self.gradients['db1'], ..."
                if kind == "b":
                    hint = (f"the bias gradient is missing: db{layer} is the sum of dZ{layer} over the samples, "
                            f"shape {params[f'b{layer}'].shape}.")
                missing = [k for k in expected if k not in grads]
                if kind == "W" and layer < L and f"db{layer}" not in grads and all(
                        k in grads for k in expected if int(k[2:]) > layer):
                    below = sorted({int(k[2:]) for k in missing})
                    hint = (f"the gradients of layer{'s' if len(below) > 1 else ''} "
                            f"{', '.join(map(str, below))} are missing and those above are there: the loop over "
                            f"the layers stops too early; it runs from L down to 1, range(L, 0, -1).")
                line.fail(f"self.gradients has no '{key}' (it has {sorted(grads)})", hint)
            if not isinstance(grads[key], np.ndarray):
                line.fail(f"{key} is a {type(grads[key]).__name__}, not a NumPy array",
                          f"keep the array itself (update_weights computes W -= learning_rate * {key}), no .tolist().")
            got = to_numpy(grads[key])
            if got.shape != want.shape:
                hint = f"{key} has the shape of b{layer}: sum over the samples with keepdims=True." if kind == "b" \
                    else f"{key} has the shape of W{layer}, {want.shape}: A{layer - 1}^T dZ{layer}."
                line.fail(f"{key} has shape {got.shape}, expected {want.shape}", hint)
            where = first_difference(want, got, rtol=1e-5, atol=1e-10)
            if where is not None:
                right = f" ({', '.join(checked)} {'is' if len(checked) == 1 else 'are'} right)" if checked else ""
                line.fail(f"{key}{list(where)} is wrong: expected {fmt(want[where])}, got {fmt(got[where])}{right}",
                          gradient_hint(key, kind, layer, L, want, got, checked, whole_factor(expected, grads)))
            checked.append(key)
    line.note(f"{', '.join(checked)} match autograd")


def whole_factor(expected: dict, grads: dict) -> float | None:
    """c when every gradient is c times autograd's (a slip in dZ_L, which every gradient goes through), else None."""
    keys = [key for key in expected if key in grads and np.shape(to_numpy(grads[key])) == expected[key].shape]
    if len(keys) != len(expected):
        return None
    return common_factor([expected[key] for key in keys], [to_numpy(grads[key]) for key in keys])


def gradient_hint(key: str, kind: str, layer: int, L: int, want: np.ndarray, got: np.ndarray, checked: list,
                  everywhere: float | None = None) -> str:
    """The hint for the first wrong gradient, `key`; `everywhere` is the factor every gradient is off by, if one is."""
    if not np.any(got):
        return f"{key} is all zeros: it is never computed (is the bias gradient forgotten?)."
    c = common_factor(want, got)
    if c is not None and everywhere is not None and np.isclose(c, everywhere, rtol=1e-2):
        return factor_hint(c, BATCH)
    if c is not None:  # this gradient has the factor, not all of them: a slip in its own line
        factor = f"{c:.4g}"
        if np.isclose(c, -1):
            factor = "-1: the sign is flipped"
        elif np.isclose(c, 1 / BATCH):
            factor = f"1/{BATCH} = 1/m: a mean over the samples, or an extra / m"
        elif np.isclose(c, BATCH):
            factor = f"{BATCH} = m: a sum where dZ{L}'s 1/m is undone"
        return (f"{key} is off by a factor {factor}, and not every gradient is, so the slip is in the line that "
                f"computes {key} itself (one in dZ{L} = (A{L} - y) / m would scale every gradient): "
                + (f"{key} = A{layer - 1}^T dZ{layer}." if kind == "W" else
                   f"{key} is the sum of dZ{layer} over the samples (axis 0), with no 1/m of its own."))
    if checked:
        up, here = layer + 1, layer
        return (f"the gradients of layer {up} are right, so the mistake is on the way from layer {up} back to layer "
                f"{here}: dA{here} = dZ{up} W{up}^T, then dZ{here} = dA{here} * relu'(Z{here}) (1 where Z{here} > 0).")
    if kind == "b":
        return f"db{layer} is the sum of dZ{layer} over the samples (axis 0)."
    return f"at the output, dZ{L} = (A{L} - y) / m; then dW{L} = A{L - 1}^T dZ{L}."


def check_training(cls, line) -> None:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = cls([2, 8, 1], seed=0)
    losses = net.train(X, y, epochs=2000, learning_rate=0.5)
    predictions = to_numpy(net.forward(X)).ravel()
    if not np.all((predictions > 0.5) == (y.ravel() > 0.5)):
        line.fail(f"after 2000 epochs the predictions are {np.round(predictions, 2).tolist()} for [0, 1, 1, 0] "
                  f"(loss {fmt(losses[0])} -> {fmt(losses[-1])})",
                  "backward must read this step's cache (the last forward), not an older one.")
    line.note(f"NeuralNetwork([2, 8, 1]) learns XOR: loss {fmt(losses[0])} -> {fmt(losses[-1])}")
