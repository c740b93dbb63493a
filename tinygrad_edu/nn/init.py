"""Weight initialisation, PyTorch's formulas (torch.nn.init).

Each function overwrites the tensor's values in place (under no_grad, so it
works on Parameters), draws from the library's generator (so manual_seed
makes it reproducible), or from `generator=` when one is given, and returns the tensor.

fan_in = size(1) * receptive field, fan_out = size(0) * receptive field, where the
receptive field is the product of the dims after the first two (kh * kw for a
conv weight, 1 for a Linear weight of shape (out, in)).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..autograd import no_grad
from ..creation import tensor as as_tensor
from ..random import numpy_rng
from ..tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "zeros_", "ones_", "constant_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


def fill(tensor: Tensor, values) -> Tensor:
    with no_grad():
        tensor.copy_(np.asarray(values, dtype=tensor.dtype))
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh,
    sqrt(2) for relu, sqrt(2 / (1 + a**2)) for leaky_relu with slope a (default 0.01),
    3/4 for selu."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out can not be computed for a tensor with fewer than 2 dimensions "
                         f"(shape {tuple(tensor.shape)})")
    receptive_field = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Values drawn from U(a, b)."""
    return fill(tensor, numpy_rng(generator, "uniform_").uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Values drawn from N(mean, std**2)."""
    return fill(tensor, numpy_rng(generator, "normal_").normal(mean, std, tensor.shape))


def normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator=None) -> Tensor:
    """Values drawn from N(mean, std**2) truncated to [a, b]. a and b are values, not numbers of stds:
    trunc_normal_(w, std=0.02) cuts at +-2, 100 stds out, so nothing. Drawn as PyTorch draws them, by
    the inverse CDF: u uniform in [2 Phi(alpha) - 1, 2 Phi(beta) - 1] with alpha = (a - mean) / std,
    beta = (b - mean) / std, then mean + std sqrt(2) erfinv(u), clamped to [a, b] against rounding."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    low, high = 2 * normal_cdf((a - mean) / std) - 1, 2 * normal_cdf((b - mean) / std) - 1
    u = as_tensor(numpy_rng(generator, "trunc_normal_").uniform(low, high, tensor.shape))  # float64
    return fill(tensor, (u.erfinv() * (std * math.sqrt(2.0)) + mean).clamp(a, b))


def constant_(tensor: Tensor, val: float) -> Tensor:
    return fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def is_empty(tensor: Tensor) -> bool:
    """A tensor with no elements (Linear(0, 2), Conv2d(3, 4, 0)) has no fan to scale by:
    initialising it does nothing, with PyTorch's warning (which PyTorch gives in kaiming_* only)."""
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    if tensor.numel() == 0:  # nothing to draw; PyTorch's xavier and orthogonal say nothing (kaiming warns)
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    if tensor.numel() == 0:
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al., 2015); gain from
    calculate_gain(nonlinearity, a). nn.Linear uses a = sqrt(5), giving bound = 1/sqrt(fan_in)."""
    if is_empty(tensor):
        return tensor
    bound = math.sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """N(0, std**2) with std = gain / sqrt(fan)."""
    if is_empty(tensor):
        return tensor
    return normal_(tensor, 0.0, kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """A (semi-)orthogonal matrix (rows flattened: shape (size 0, the rest)) times gain (Saxe et al., 2013),
    as PyTorch makes it: Q of the QR of a standard normal matrix, its columns' signs set by R's diagonal."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = numpy_rng(generator, "orthogonal_").normal(0.0, 1.0, (rows, cols))
    q, r = np.linalg.qr(flat.T if rows < cols else flat)
    q = q * np.sign(np.diag(r))
    return fill(tensor, gain * (q.T if rows < cols else q).reshape(tensor.shape))


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (a 2-D tensor only): a Linear layer that passes its input through."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """A convolution kernel (3-5 dims) that passes each input channel through to its output channel:
    1 at the kernel's centre for channel d of each group, 0 elsewhere."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = tensor.shape[0] // groups
    values = np.zeros(tuple(tensor.shape))
    centre = tuple(n // 2 for n in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            values[(g * per_group + d, d, *centre)] = 1.0
    return fill(tensor, values)


def calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    """fan_in or fan_out (calculate_fan_in_and_fan_out), as `mode` names it (kaiming's choice)."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out (kaiming init's mode=)")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


# PyTorch's private names, which tutorials call (a layer's reset_parameters, written out)
_calculate_fan_in_and_fan_out, _calculate_correct_fan = calculate_fan_in_and_fan_out, calculate_correct_fan
__all__ += ["orthogonal_", "eye_", "dirac_"]
