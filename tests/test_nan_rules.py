"""Where nan and inf meet a max or a softmax, the results are PyTorch's: max_pool's index (and so its
gradient) goes to a window's last nan, and log_softmax of a row with +inf is all nan."""

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

NAN, INF = float("nan"), float("inf")
WINDOWS = [  # one 2x2 window, and the index PyTorch returns (its gradient goes there)
    ([[NAN, 1.0], [2.0, 3.0]], 0),
    ([[1.0, NAN], [NAN, 3.0]], 2),  # two nans: the last
    ([[NAN, 1.0], [NAN, 3.0]], 2),
    ([[1.0, 2.0], [3.0, 4.0]], 3),
    ([[4.0, 2.0], [4.0, 1.0]], 0),  # a tie: the first
]


def pool(lib, functional, rows):
    x = lib.tensor(np.array(rows)[None, None], requires_grad=True)
    y, index = functional.max_pool2d(x, 2, return_indices=True)
    y.sum().backward()
    return index.flatten().tolist(), x.grad.flatten().tolist()


@pytest.mark.parametrize("rows, expected", WINDOWS)
def test_max_pool_sends_a_nan_window_to_its_last_nan(rows, expected):
    index, grad = pool(tg, F, rows)
    assert index == [expected]
    assert grad == [1.0 if k == expected else 0.0 for k in range(4)]


@pytest.mark.parametrize("rows, expected", WINDOWS)
def test_max_pool_nan_windows_match_torch(rows, expected):
    torch = pytest.importorskip("torch")
    assert pool(tg, F, rows) == pool(torch, torch.nn.functional, rows)


ROWS = [  # a row, and its log_softmax as PyTorch gives it
    ([INF, 1.0], [NAN, NAN]),
    ([-INF, -INF], [NAN, NAN]),
    ([-INF, 1.0], [-INF, 0.0]),
]


@pytest.mark.parametrize("row, expected", ROWS)
def test_log_softmax_of_infinite_rows(row, expected):
    np.testing.assert_array_equal(tg.tensor([row]).log_softmax(1).numpy()[0], expected)


@pytest.mark.parametrize("row, expected", ROWS)
def test_log_softmax_of_infinite_rows_matches_torch(row, expected):
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(tg.tensor([row]).log_softmax(1).numpy(), torch.tensor([row]).log_softmax(1).numpy())
