"""nn.functional without torch: activations and norms against their formulas written out in NumPy."""


import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

RNG = np.random.default_rng(2)


def test_leaky_relu_slope_at_zero_is_negative_slope():
    # PyTorch: x > 0 ? x : negative_slope * x, so at 0 the slope is negative_slope.
    x = tg.tensor([0.0, -1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = F.leaky_relu(x, 0.2)
    np.testing.assert_array_equal(y.data, [0.0, -0.2, 2.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.2, 0.2, 1.0])
