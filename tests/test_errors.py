"""Errors that teach: each names the op, the shapes and a way out."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


def test_matmul_inner_dimensions():
    with pytest.raises(RuntimeError, match=r"matmul: \(2, 3\) @ \(4, 5\): inner dimensions 3 and 4 differ"):
        tg.ones(2, 3) @ tg.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"matmul: \(3,\) @ \(2, 5\)"):
        tg.ones(3) @ tg.ones(2, 5)
    with pytest.raises(RuntimeError, match="at least 1 dimension"):
        tg.tensor(2.0) @ tg.ones(2)


@pytest.mark.parametrize("op, name", [(lambda a, b: a + b, "add"), (lambda a, b: a * b, "mul"),
                                      (lambda a, b: a - b, "sub"), (lambda a, b: a / b, "div"),
                                      (lambda a, b: a.maximum(b), "maximum")])
def test_broadcast_mismatch_names_op_and_shapes(op, name):
    with pytest.raises(RuntimeError, match=rf"{name}: shapes \(2, 3\) and \(4,\) cannot be broadcast.*Hint"):
        op(tg.ones(2, 3), tg.ones(4))


def test_reshape_element_count():
    """PyTorch's wording (a learner searches for it), then the hint."""
    with pytest.raises(RuntimeError, match=r"reshape: shape '\[4\]' is invalid for input of size 6\. The number"):
        tg.ones(2, 3).reshape(4)
    with pytest.raises(RuntimeError, match=r"view: shape '\[5, -1\]' is invalid for input of size 12"):
        tg.arange(12).view(5, -1)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        tg.arange(12).view(-1, -1)


def test_bad_dim():
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor of shape \(2, 3\) "
                                         r"\(expected a dim in \[-2, 1\]\)"):
        tg.ones(2, 3).sum(2)


def test_permute_not_an_ordering():
    with pytest.raises(RuntimeError, match=r"permute: \(0, 0\) is not an ordering"):
        tg.ones(2, 3).permute(0, 0)


def test_cat_shapes():
    with pytest.raises(RuntimeError, match=r"cat: .*\(2, 3\) and \(2, 4\)"):
        tg.cat([tg.ones(2, 3), tg.ones(2, 4)], 0)


def test_split_sizes_must_add_up():
    with pytest.raises(RuntimeError, match=r"split: sizes \[1, 1\] add up to 2.*has 3"):
        tg.ones(3).split([1, 1])


def test_item_on_many_elements():
    with pytest.raises(RuntimeError, match=r"item: a tensor with 3 elements.*\.sum\(\)"):
        tg.ones(3).item()


def test_bool_of_many_elements():
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tg.ones(3) > 0)


def test_gradient_shape_mismatch():
    x = tg.ones(2, requires_grad=True)
    shape3 = r"(\(3,\)|tinygrad_edu\.Size\(\[3\]\))"  # the engine's message may still print a Size
    with pytest.raises(RuntimeError, match=rf"gradient has shape {shape3} but the output has shape"):
        (x * 2).backward(tg.ones(3))


def test_retain_grad_and_hook_on_constant():
    with pytest.raises(RuntimeError, match="doesn't require grad"):
        tg.ones(2).retain_grad()
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tg.ones(2).register_hook(print)


def test_grad_of_non_graph_tensor():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.grad(tg.ones(1).sum(), tg.ones(1, requires_grad=True))


def test_gradcheck_reports_input_element_and_values():
    from tinygrad_edu import GradcheckError
    from tinygrad_edu.autograd import Function

    class WrongSquare(Function):
        """z = x**2 with a deliberately wrong derivative (3x instead of 2x)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x

    x = tg.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match=r"input 0 element \(0,\).*analytic 3 vs numeric 2"):
        tg.gradcheck(WrongSquare.apply, (x,))
    assert tg.gradcheck(lambda t: t * t, (x,))


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad=True"):
        tg.gradcheck(lambda t: t * 2, (tg.ones(2),))


def test_clamp_needs_a_bound():
    with pytest.raises(ValueError, match="clamp: give at least one"):
        tg.ones(2).clamp()


def test_inplace_dtype_mismatch():
    x = tg.tensor([1, 2])
    with pytest.raises(RuntimeError,
                       match=r"add_: cannot update a tensor of shape \(2,\) and dtype (tinygrad_edu\.)?int64"):
        x.add_(0.5)
    assert x.tolist() == [1, 2]  # bad input loses nothing


def test_tensor_from_nonsense():
    with pytest.raises(TypeError, match="cannot make a tensor"):
        tg.tensor({"a": 1})
    assert np.isfinite(tg.ones(1)._data).all()


def test_dim_errors_name_the_op():
    with pytest.raises(IndexError, match="unsqueeze: dim 5 is out of range"):
        tg.ones(2, 3, 4).unsqueeze(5)
    with pytest.raises(IndexError, match="transpose: dim 5 is out of range"):
        tg.ones(2, 3, 4).transpose(0, 5)
    with pytest.raises(RuntimeError, match=r"mT: needs a tensor of at least 2 dimensions, got shape \(2,\)"):
        tg.ones(2).mT
    with pytest.raises(RuntimeError, match="flatten: start_dim 2 cannot come after end_dim 1"):
        tg.ones(2, 3, 4).flatten(2, 1)
    with pytest.raises(RuntimeError, match="chunk: expects at least a 1-dimensional tensor"):
        tg.tensor(1.0).chunk(2)


def test_index_out_of_range_is_an_index_error():
    with pytest.raises(IndexError,
                       match=r"getitem: index 5 is out of range for a tensor of shape \(3,\) \(dim 0 has size 3"):
        tg.ones(3)[5]


def test_mean_of_ints_and_random_ints_say_so():
    with pytest.raises(RuntimeError, match=r"mean: the input is tinygrad_edu\.int64.*\.float\(\)"):
        tg.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match=r"randn: .*floating dtype, not tinygrad_edu\.int64"):
        tg.randn_like(tg.tensor([1, 2]))


def test_where_of_two_numbers_is_float32():
    assert tg.where(tg.tensor([True, False]), 1.0, 0.0).dtype == np.float32


def test_expand_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"expand: cannot expand shape \(2, 3\) to \(4, 3\)"):
        tg.ones(2, 3).expand(4, 3)


def test_failed_inplace_and_setitem_change_nothing():
    x = tg.tensor([1.0, 2.0, 3.0])
    message = r"__setitem__: index 5 is out of range for a tensor of shape \(3,\) \(dim 0 has size 3"
    with pytest.raises(IndexError, match=message):
        x[5] = 1.0
    with pytest.raises(RuntimeError, match=r"__setitem__: cannot write a value of shape \(2,\)"):
        x[:] = [1.0, 2.0]
    with pytest.raises(RuntimeError, match=r"add_: cannot update a tensor of shape \(3,\)"):
        x += tg.ones(2, 3)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])
    assert x._version == 0
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = w * 1.0
    with pytest.raises(RuntimeError, match=r"add_: the result has shape \(2, 3\)"):
        h += tg.ones(2, 3)   # in the graph: the result is computed first, then refused
    np.testing.assert_array_equal(h.detach().numpy(), [1.0, 2.0, 3.0])
    assert h.grad_fn.name() == "MulBackward0" and h._version == 0
