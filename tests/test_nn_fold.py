"""F.unfold, F.fold, nn.Unfold and nn.Fold: PyTorch's values, gradients (float64), reprs, node names and errors.
Written-out cases here and torch behind importorskip; the registry (tests/registry_lecture_layers.py) gradchecks
both against NumPy loops over the windows."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(11)

CASES = [  # (image shape, options)
    ((2, 3, 5, 6), {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": (2, 1)}),
    ((3, 5, 6), {"kernel_size": 2}),
    ((1, 2, 7, 7), {"kernel_size": 3, "stride": 2, "padding": 2, "dilation": 2}),
]

ERRORS = [  # (function, arguments, PyTorch's message, as this library words it)
    (F.unfold, ((5, 6), 2), r"expected a 3D \(unbatched\) or 4D \(batched\) input, got shape \(5, 6\)"),
    (F.unfold, ((1, 1, 2, 2), 3), r"calculated shape of the array of sliding blocks as \(0, 0\), but its components "
                                  r"must be at least one"),
    (F.unfold, ((1, 1, 4, 4), 2, 1, 0, 0), r"stride should be at least 1"),
    (F.fold, ((1, 5, 20), (5, 6), 2), r"expected size of input's dimension 1 to be divisible by the product of "
                                      r"kernel_size, but got input.size\(1\)=5 and kernel_size=\(2, 2\)"),
    (F.fold, ((1, 12, 19), (5, 6), 2), r"calculated number of sliding blocks 4 \* 5 = 20, but got input.size\(2\)=19"),
    (F.fold, ((1, 1, 12, 20), (5, 6), 2), r"expected a 2D \(unbatched\) or 3D \(batched\) input"),
]


def test_unfold_and_fold_written_out():
    # a 3x3 image 0..8 and 2x2 windows: column l is the l-th window, rows (a, b) in kernel order
    x = tg.arange(9.0, dtype=tg.float64).reshape(1, 1, 3, 3).requires_grad_()
    columns = F.unfold(x, 2)
    np.testing.assert_array_equal(columns.detach().numpy(), [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]])
    columns.sum().backward()  # each pixel's gradient counts the windows it is in
    np.testing.assert_array_equal(x.grad.numpy(), [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]])
    ones = tg.ones(1, 4, 4, dtype=tg.float64, requires_grad=True)
    image = F.fold(ones, (3, 3), 2)  # the adjoint: fold adds every column back, so ones count the overlaps
    np.testing.assert_array_equal(image.detach().numpy(), [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]])
    (image * tg.arange(9.0, dtype=tg.float64).reshape(1, 1, 3, 3)).sum().backward()
    np.testing.assert_array_equal(ones.grad.numpy(), columns.detach().numpy())
    assert columns.grad_fn.name() == "Im2ColBackward0" and image.grad_fn.name() == "Col2ImBackward0"


@pytest.mark.parametrize("shape, options", CASES)
def test_fold_is_unfolds_adjoint_and_a_convolution_is_unfold_then_a_product(shape, options):
    x, columns = RNG.normal(size=shape), RNG.normal(size=F.unfold(tg.zeros(*shape), **options).shape)
    left = (F.unfold(tg.tensor(x), **options) * tg.tensor(columns)).sum().item()
    right = (tg.tensor(x) * F.fold(tg.tensor(columns), shape[-2:], **options)).sum().item()
    assert left == pytest.approx(right, rel=1e-12)
    if len(shape) == 4:
        kernel = options["kernel_size"] if isinstance(options["kernel_size"], tuple) else (options["kernel_size"],) * 2
        weight = tg.tensor(RNG.normal(size=(4, shape[1]) + kernel))
        conv = F.conv2d(tg.tensor(x), weight, stride=options.get("stride", 1), padding=options.get("padding", 0),
                        dilation=options.get("dilation", 1))
        by_hand = (weight.reshape(4, -1) @ F.unfold(tg.tensor(x), **options)).reshape(conv.shape)
        np.testing.assert_allclose(by_hand.numpy(), conv.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape, options", CASES)
def test_unfold_and_fold_match_torch(shape, options):
    torch = pytest.importorskip("torch")
    for ours_fn, theirs_fn, make in (
            (F.unfold, torch.nn.functional.unfold, lambda: RNG.normal(size=shape)),
            (lambda t, **kw: F.fold(t, shape[-2:], **kw), lambda t, **kw: torch.nn.functional.fold(t, shape[-2:], **kw),
             lambda: RNG.normal(size=F.unfold(tg.zeros(*shape), **options).shape))):
        data = make()
        ours_in, theirs_in = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        ours, theirs = ours_fn(ours_in, **options), theirs_fn(theirs_in, **options)
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
        g = RNG.normal(size=tuple(theirs.shape))
        (ours * tg.tensor(g)).sum().backward()
        (theirs * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(ours_in.grad.numpy(), theirs_in.grad.numpy(), rtol=1e-12)


def modules(library):
    return [library.Unfold(2), library.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2)),
            library.Fold((5, 6), 2), library.Fold(4, (2, 3), 1, 0, 2)]


REPRS = ["Unfold(kernel_size=2, dilation=1, padding=0, stride=1)",
         "Unfold(kernel_size=(2, 3), dilation=2, padding=1, stride=(1, 2))",
         "Fold(output_size=(5, 6), kernel_size=2, dilation=1, padding=0, stride=1)",
         "Fold(output_size=4, kernel_size=(2, 3), dilation=1, padding=0, stride=2)"]


def test_layers_reprs_errors_and_values():
    assert [repr(m) for m in modules(nn)] == REPRS
    assert all(m.state_dict() == {} for m in modules(nn))
    x = tg.tensor(RNG.normal(size=(2, 3, 5, 6)))
    np.testing.assert_array_equal(nn.Unfold(2, padding=1)(x).numpy(), F.unfold(x, 2, padding=1).numpy())
    np.testing.assert_array_equal(nn.Fold((5, 6), 2)(F.unfold(x, 2)).numpy(), F.fold(F.unfold(x, 2), (5, 6), 2).numpy())
    for function, (shape, *arguments), message in ERRORS:
        with pytest.raises(RuntimeError, match=message):
            function(tg.zeros(*shape), *arguments)


def test_layers_reprs_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    assert [repr(m) for m in modules(torch.nn)] == REPRS
    for function, (shape, *arguments), _ in ERRORS:
        with pytest.raises((RuntimeError, IndexError)):
            getattr(torch.nn.functional, function.__name__)(torch.zeros(*shape), *arguments)
