"""Module backward hooks (nn/backward_hooks.py): register_full_backward_hook and its pre-hook, as Grad-CAM
uses them. Expected values are written out from the formulas, and compared with torch where installed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

RNG = np.random.default_rng(0)
W, B, X = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal((4, 3))


def linear(lib):
    layer = lib.nn.Linear(3, 2, dtype=lib.float64)
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(W))
        layer.bias.copy_(lib.tensor(B))
    return layer


def run(lib) -> dict:
    """What the hooks see and do on Linear, loss = sum(y ** 2)."""
    layer, seen = linear(lib), {}
    handle = layer.register_full_backward_hook(lambda m, gi, go: seen.update(module=m, gi=gi, go=go))
    x = lib.tensor(X, requires_grad=True)
    (layer(x) ** 2).sum().backward()
    seen["x.grad"] = x.grad.numpy()
    handle.remove()
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 0.5,))  # halves grad_output
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 3,))  # triples grad_input
    x.grad = None
    (layer(x) ** 2).sum().backward()
    seen["x.grad changed"] = x.grad.numpy()
    return seen


def test_hooks_see_and_replace_the_gradients():
    seen = run(tg)
    y = X @ W.T + B
    assert isinstance(seen["module"], tg.nn.Linear) and len(seen["gi"]) == 1 and len(seen["go"]) == 1
    np.testing.assert_allclose(seen["go"][0].numpy(), 2 * y, rtol=1e-12)
    np.testing.assert_allclose(seen["gi"][0].numpy(), 2 * y @ W, rtol=1e-12)
    np.testing.assert_allclose(seen["x.grad"], 2 * y @ W, rtol=1e-12)
    np.testing.assert_allclose(seen["x.grad changed"], 3 * 0.5 * 2 * y @ W, rtol=1e-12)


def test_hooks_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = run(tg), run(torch)
    for key in ("x.grad", "x.grad changed"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12)
    np.testing.assert_allclose(ours["go"][0].numpy(), theirs["go"][0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours["gi"][0].numpy(), theirs["gi"][0].numpy(), rtol=1e-12)


def test_grad_cam_reads_a_conv_layers_output_gradient():
    """No input requires grad (an image): the hook fires at the outputs, with grad_input (None,), and
    PyTorch's warning; the weights still get their gradients."""
    model = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3), tg.nn.ReLU())
    kept = {}
    model[0].register_full_backward_hook(lambda m, gi, go: kept.update(gi=gi, go=go[0]))
    image = tg.randn(1, 1, 5, 5)
    out = model(image)
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        out.sum().backward()
    assert kept["gi"] == (None,) and tuple(kept["go"].shape) == (1, 2, 3, 3)
    np.testing.assert_array_equal(kept["go"].numpy(), (out.detach().numpy() > 0).astype(np.float32))
    assert model[0].weight.grad is not None


def test_no_hooks_no_nodes_and_a_wrong_count_is_named():
    layer = tg.nn.Linear(3, 2)
    x = tg.randn(4, 3, requires_grad=True)
    assert layer(x).grad_fn.name() == "AddmmBackward0"  # nothing added without hooks
    handle = layer.register_full_backward_hook(lambda m, gi, go: None)
    assert layer(x).grad_fn.name() == "BackwardHookFunctionBackward"  # PyTorch's node name
    handle.remove()
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="returned 2 gradients for 1 inputs"):
        layer(x).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tg.no_grad():
            layer(x)  # no graph, no hooks to run
