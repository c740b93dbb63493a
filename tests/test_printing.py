"""Tensors print as PyTorch prints them (printing.py).

The expected strings below are PyTorch 2.x's output, written out (with `torch.` read as
`tinygrad_edu.`), so CI without torch checks the same thing; where torch is installed,
generated tensors are printed by both and compared.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg

WRITTEN_OUT = [
    (lambda: tg.tensor([1.0, 2.5]), "tensor([1.0000, 2.5000])"),
    (lambda: tg.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda: tg.tensor([-1.0, 20.0]), "tensor([-1., 20.])"),
    (lambda: tg.tensor([0.0, 0.0]), "tensor([0., 0.])"),
    (lambda: tg.tensor(3.5), "tensor(3.5000)"),
    (lambda: tg.tensor(3.0), "tensor(3.)"),
    (lambda: tg.tensor([1e-5, 1e3]), "tensor([1.0000e-05, 1.0000e+03])"),
    (lambda: tg.tensor([1e9, 2.0]), "tensor([1.0000e+09, 2.0000e+00])"),
    (lambda: tg.tensor([float("nan"), 1.5, float("inf")]), "tensor([   nan, 1.5000,    inf])"),
    (lambda: tg.tensor([float("nan"), 1.0]), "tensor([nan, 1.])"),
    (lambda: tg.tensor([[1.0, -2.5], [3.25, 4.0]]), "tensor([[ 1.0000, -2.5000],\n        [ 3.2500,  4.0000]])"),
    (lambda: tg.tensor([1, 2, 30]), "tensor([ 1,  2, 30])"),
    (lambda: tg.tensor([True, False]), "tensor([ True, False])"),
    (lambda: tg.tensor([1, 2], dtype=tg.int32), "tensor([1, 2], dtype=tinygrad_edu.int32)"),
    (lambda: tg.tensor([1.0, 2.0], dtype=tg.float64), "tensor([1., 2.], dtype=tinygrad_edu.float64)"),
    (lambda: tg.tensor([0.5], dtype=tg.float16), "tensor([0.5000], dtype=tinygrad_edu.float16)"),
    (lambda: tg.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: tg.zeros(0), "tensor([])"),
    (lambda: tg.zeros(0, dtype=tg.int64), "tensor([], dtype=tinygrad_edu.int64)"),
    (lambda: tg.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: tg.arange(30.0) / 7,
     "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
     "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
     "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
     "        3.8571, 4.0000, 4.1429])"),
    (lambda: tg.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (lambda: tg.ones(2, 1, 2), "tensor([[[1., 1.]],\n\n        [[1., 1.]]])"),
    (lambda: tg.arange(1200.0).reshape(40, 30),
     "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 2.7000e+01, 2.8000e+01,\n"
     "         2.9000e+01],\n"
     "        [3.0000e+01, 3.1000e+01, 3.2000e+01,  ..., 5.7000e+01, 5.8000e+01,\n"
     "         5.9000e+01],\n"
     "        [6.0000e+01, 6.1000e+01, 6.2000e+01,  ..., 8.7000e+01, 8.8000e+01,\n"
     "         8.9000e+01],\n"
     "        ...,\n"
     "        [1.1100e+03, 1.1110e+03, 1.1120e+03,  ..., 1.1370e+03, 1.1380e+03,\n"
     "         1.1390e+03],\n"
     "        [1.1400e+03, 1.1410e+03, 1.1420e+03,  ..., 1.1670e+03, 1.1680e+03,\n"
     "         1.1690e+03],\n"
     "        [1.1700e+03, 1.1710e+03, 1.1720e+03,  ..., 1.1970e+03, 1.1980e+03,\n"
     "         1.1990e+03]])"),
]


@pytest.mark.parametrize("index", range(len(WRITTEN_OUT)))
def test_repr_matches_pytorchs_written_out(index):
    make, expected = WRITTEN_OUT[index]
    assert repr(make()) == expected


def test_written_out_strings_are_pytorchs():
    """The table above is what torch prints (checked where torch is installed)."""
    torch = pytest.importorskip("torch")
    for make, expected in WRITTEN_OUT:
        ours = make()
        theirs = torch.from_numpy(ours._data.copy()).requires_grad_(ours.requires_grad)
        assert repr(theirs).replace("torch.", "tinygrad_edu.") == expected


def test_grad_fn_is_the_nodes_name():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"  # PyTorch's name for the node
    assert repr(y.sum()) == "tensor(6., grad_fn=<SumBackward0>)"


def test_a_long_suffix_goes_on_its_own_line_as_pytorch():
    x = tg.tensor(np.linspace(0.5, 9.5, 9), requires_grad=True)
    assert repr(x) == ("tensor([0.5000, 1.6250, 2.7500, 3.8750, 5.0000, 6.1250, 7.2500, 8.3750, 9.5000],\n"
                       "       dtype=tinygrad_edu.float64, requires_grad=True)")


def test_format_spec_on_a_0d_tensor_formats_its_number():
    assert f"{tg.tensor(3.14159):.2f}" == "3.14"
    assert f"loss {tg.tensor([2.5]).sum():.4f}" == "loss 2.5000"
    assert f"{tg.tensor(7):>4}" == "   7"
    assert f"{tg.tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        f"{tg.tensor([1.5]):.2f}"  # as PyTorch: only 0-d tensors take a format spec


def same_suffix_lines(text: str) -> str:
    """Our dtype names are 7 characters longer than torch's (tinygrad_edu. vs torch.), so a
    suffix can move to its own line in one and not the other: compare with suffixes joined."""
    return re.sub(r",\n *(dtype=|requires_grad=|grad_fn=)", r", \1", text.replace("torch.", "tinygrad_edu."))


floats = st.floats(allow_nan=True, allow_infinity=True, width=32)
magnitudes = st.sampled_from([1e-7, 1e-3, 1.0, 1e2, 1e5, 1e9])


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_repr_matches_torch_on_generated_tensors(data):
    torch = pytest.importorskip("torch")
    kind = data.draw(st.sampled_from(["float32", "float64", "int64", "int32", "bool", "whole"]))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6))
    if kind == "bool":
        array = data.draw(hnp.arrays(np.bool_, shape))
    elif kind in ("int64", "int32"):
        array = data.draw(hnp.arrays(kind, shape, elements=st.integers(-10 ** 6, 10 ** 6)))
    elif kind == "whole":
        array = data.draw(hnp.arrays(np.float32, shape, elements=st.integers(-300, 300).map(float)))
    else:
        scale = data.draw(magnitudes)
        array = data.draw(hnp.arrays(kind, shape, elements=floats)) * np.asarray(scale, dtype=kind)
    requires_grad = kind in ("float32", "float64") and data.draw(st.booleans())
    ours = tg.tensor(array, requires_grad=requires_grad)
    theirs = torch.from_numpy(np.array(array)).requires_grad_(requires_grad)
    assert same_suffix_lines(repr(ours)) == same_suffix_lines(repr(theirs)), array


@settings(max_examples=30, deadline=None)
@given(side=st.integers(1, 40), columns=st.integers(1, 40))
def test_repr_matches_torch_on_large_and_wide_tensors(side, columns):
    torch = pytest.importorskip("torch")
    array = np.random.default_rng(side * 100 + columns).standard_normal((side, columns)).astype(np.float32)
    array = (array * 10.0 ** np.random.default_rng(side).integers(-3, 4)).astype(np.float32)
    assert repr(tg.tensor(array)) == repr(torch.from_numpy(array))
