"""A target that requires grad, as PyTorch 2.13 treats it: soft_margin_loss refuses it (PyTorch has
no derivative of that loss for its labels), every other loss here takes it and gives the target its
gradient. The twin without torch: the refusal and its message, and each target's gradient against
finite differences (gradcheck); with torch, the same refusals and the same gradients as PyTorch's.
Also the target dtypes binary_cross_entropy (only the input's) and its logits form (floats) accept."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

X = [[0.2, -0.4, 0.9], [0.1, 0.3, -0.5]]
SIGNS = [[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]
PROBABILITIES = [[0.2, 0.5, 0.9], [0.1, 0.3, 0.6]]

# name: (call(F, input, target), input, target); the target is the one that requires grad
LOSSES = {
    "mse_loss": (lambda F, x, t: F.mse_loss(x, t), X, PROBABILITIES),
    "l1_loss": (lambda F, x, t: F.l1_loss(x, t), X, PROBABILITIES),
    "smooth_l1_loss": (lambda F, x, t: F.smooth_l1_loss(x, t), X, PROBABILITIES),
    "huber_loss": (lambda F, x, t: F.huber_loss(x, t), X, PROBABILITIES),
    "binary_cross_entropy": (lambda F, x, t: F.binary_cross_entropy(x, t), PROBABILITIES, PROBABILITIES),
    "binary_cross_entropy_with_logits": (lambda F, x, t: F.binary_cross_entropy_with_logits(x, t), X, PROBABILITIES),
    "cross_entropy with probabilities": (lambda F, x, t: F.cross_entropy(x, t), X, PROBABILITIES),
    "kl_div": (lambda F, x, t: F.kl_div(x, t, reduction="batchmean"), X, PROBABILITIES),
    "kl_div(log_target=True)": (lambda F, x, t: F.kl_div(x, t, reduction="batchmean", log_target=True), X, X),
    "margin_ranking_loss": (lambda F, x, t: F.margin_ranking_loss(x, x * 0.5, t), X, SIGNS),
    "triplet_margin_loss": (lambda F, x, t: F.triplet_margin_loss(x, x * 0.5, t), X, PROBABILITIES),
    "soft_margin_loss": (lambda F, x, t: F.soft_margin_loss(x, t), X, SIGNS),
}
REFUSED = {"soft_margin_loss"}  # PyTorch 2.13: "not differentiable with respect to argument 'target'"
ACCEPTED = sorted(set(LOSSES) - REFUSED)


def leaves(lib, name):
    _, x, t = LOSSES[name]
    return (lib.tensor(x, dtype=lib.float64, requires_grad=True), lib.tensor(t, dtype=lib.float64, requires_grad=True))


def test_soft_margin_loss_refuses_a_target_that_requires_grad_naming_the_fix():
    x, t = leaves(tg, "soft_margin_loss")
    for call in (lambda: F.soft_margin_loss(x, t), lambda: F.soft_margin_loss(x.detach(), t, reduction="none"),
                 lambda: tg.nn.SoftMarginLoss()(x, t)):
        with pytest.raises(RuntimeError, match=r"soft_margin_loss: .*not differentiable with respect to argument "
                                               r"'target'.*Hint: pass target.detach\(\)"):
            call()
    with tg.no_grad():  # no graph is made: PyTorch computes the loss then
        assert F.soft_margin_loss(x, t).item() == pytest.approx(np.log1p(np.exp(-np.array(SIGNS) * X)).mean())
    F.soft_margin_loss(x, t.detach()).backward()
    assert x.grad is not None


@pytest.mark.parametrize("name", ACCEPTED)
def test_the_other_losses_give_the_target_its_gradient(name):
    call = LOSSES[name][0]
    x, t = leaves(tg, name)
    assert tg.gradcheck(lambda target: call(F, x.detach(), target), (t,))


@pytest.mark.parametrize("name", list(LOSSES))
def test_refusals_and_target_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    call = LOSSES[name][0]
    theirs, ours = leaves(torch, name), leaves(tg, name)
    if name in REFUSED:
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
            call(torch.nn.functional, *theirs)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
            call(F, *ours)
        return
    call(torch.nn.functional, *theirs).backward()
    call(F, *ours).backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


# The DCGAN slip: labels made as full((N,), 1) are int64. (lib: the target's dtype, refused or not)
BCE_TARGET_DTYPES = {"float32": False, "float64": True, "int64": True, "bool": True}
BCE_WITH_LOGITS_TARGET_DTYPES = {"float32": False, "float64": False, "int64": True, "bool": True}


def bce_calls(lib, dtype_name):
    x = lib.tensor([0.5, 0.2], requires_grad=True)
    target = lib.tensor([1, 0]).to(getattr(lib, dtype_name))
    F_ = lib.nn.functional
    return (lambda: F_.binary_cross_entropy(x, target), lambda: lib.nn.BCELoss()(x, target)), \
           (lambda: F_.binary_cross_entropy_with_logits(x, target),)


@pytest.mark.parametrize("dtype_name", list(BCE_TARGET_DTYPES))
def test_bce_refuses_a_target_of_another_dtype_naming_the_fix(dtype_name):
    plain, with_logits = bce_calls(tg, dtype_name)
    for calls, refused, message in ((plain, BCE_TARGET_DTYPES, r"binary_cross_entropy: the target's dtype .*"
                                     r"differs from the input's .*float32.*Hint: .*full\(\(N,\), 1.0\)"),
                                    (with_logits, BCE_WITH_LOGITS_TARGET_DTYPES,
                                     r"binary_cross_entropy_with_logits: the target must be floating point")):
        for call in calls:
            if refused[dtype_name]:
                with pytest.raises(RuntimeError, match=message):
                    call()
            else:
                assert np.isfinite(call().item())


@pytest.mark.parametrize("dtype_name", list(BCE_TARGET_DTYPES))
def test_bce_target_dtypes_refused_as_torch_refuses_them(dtype_name):
    torch = pytest.importorskip("torch")
    for lib in (torch, tg):
        plain, with_logits = bce_calls(lib, dtype_name)
        for calls, refused in ((plain, BCE_TARGET_DTYPES), (with_logits, BCE_WITH_LOGITS_TARGET_DTYPES)):
            for call in calls:
                if refused[dtype_name]:
                    with pytest.raises(RuntimeError):
                        call()
                else:
                    call()
