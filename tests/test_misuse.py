"""Misuse the library as learners do: each slip gets an error that names the op, the shapes and the
fix, instead of a silent wrong answer, another op's name or a traceback from deep inside NumPy.

Each rule is written out torch-free; where torch is installed, a twin checks that PyTorch refuses too.
"""

import pytest

import tinygrad_edu as tg

# ---------------------------------------------------------------- gather, scatter, index_select


def grid():
    return tg.arange(6.0).reshape(2, 3)


def test_gather_refuses_a_negative_index_instead_of_reading_from_the_end():
    with pytest.raises(RuntimeError, match=r"^gather: index -1 is out of bounds for dimension 1 with size 3 "
                                           r"\(valid: 0 to 2; negative indices are refused"):
        grid().gather(1, tg.tensor([[-1], [0]]))


def test_gather_names_itself_when_the_index_is_larger_than_the_input_off_dim():
    with pytest.raises(RuntimeError, match=r"^gather: index of shape \(3, 1\) is larger than the input \(2, 3\) "
                                           r"in a dimension other than dim 1"):
        grid().gather(1, tg.tensor([[0], [0], [1]]))


def test_scatter_names_the_bad_index_not_the_largest():
    with pytest.raises(RuntimeError, match=r"^scatter: index -1 is out of bounds for dimension 1 with size 3"):
        tg.zeros(2, 3).scatter(1, tg.tensor([[0], [-1]]), 1.0)


@pytest.mark.parametrize("index,bad", [([-1], -1), ([0, 3], 3)])
def test_index_select_refuses_positions_outside_the_dim_in_its_own_name(index, bad):
    with pytest.raises(IndexError, match=rf"^index_select: index {bad} is out of range for dim 0 of a tensor of "
                                         r"shape \(3,\) \(valid: 0 to 2"):
        tg.arange(3.0).index_select(0, tg.tensor(index))


def test_index_select_still_selects_and_keeps_the_dim_for_a_0d_index():
    assert grid().index_select(1, tg.tensor([2, 0])).tolist() == [[2.0, 0.0], [5.0, 3.0]]
    assert tg.arange(3.0).index_select(0, tg.tensor(1)).tolist() == [1.0]


def test_gather_and_index_select_with_negative_positions_fail_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.arange(6.0).reshape(2, 3).gather(1, torch.tensor([[-1], [0]]))
    with pytest.raises(IndexError):
        torch.arange(3.0).index_select(0, torch.tensor([-1]))
    assert torch.arange(3.0).index_select(0, torch.tensor(1)).tolist() == [1.0]
