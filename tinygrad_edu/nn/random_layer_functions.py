"""The layers whose training forward draws random numbers besides dropout's (re-exported by nn.functional):
alpha_dropout and feature_alpha_dropout, the dropout of self-normalising (SELU) networks, and rrelu, the
leaky ReLU whose negative slope is drawn at random in training.

A module of their own because they are one idea: noise drawn from the library's generator
(tinygrad_edu.manual_seed makes them reproducible) and used as a constant, so the derivative is that of
an affine map, x * m + b, whatever was drawn: d/dx = m. Out of training, alpha dropout is the identity
and rrelu a leaky_relu with the mean slope (lower + upper) / 2.

Alpha dropout (Klambauer et al. 2017): dropping to 0 would shift the mean and variance SELU keeps at
0 and 1, so a dropped unit is set to SELU's negative saturation value -alpha', alpha' = scale * alpha =
1.7581, and an affine map a * x + b, with a = 1 / sqrt((alpha'**2 p + 1)(1 - p)) and
b = a * alpha' * p, brings the mean back to 0 and the variance to 1 for a standard normal input:
    kept:    a * x + a * alpha' * p          dropped:   a * alpha' * (p - 1)
"""

from __future__ import annotations

import math

import numpy as np

from ..piecewise_ops import LeakyRelu
from ..random import generator
from ..tensor import Tensor
from .activation_functions import SELU_ALPHA, SELU_SCALE, applied, floating_only
from .dropout_functions import channel_dropout_shape

__all__ = ["alpha_dropout", "feature_alpha_dropout", "rrelu", "rrelu_"]

SELU_SATURATION = SELU_ALPHA * SELU_SCALE  # alpha' = 1.7580993408473766: SELU's limit at -inf is -alpha'


def dropped_to_saturation(input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple,  # noqa: A002
                          name: str) -> Tensor:
    """a * x + a * alpha' * p where a Bernoulli(1 - p) draw of mask_shape (broadcast over input) keeps,
    a * alpha' * (p - 1) where it drops (PyTorch's _dropout_impl with alpha_dropout=True)."""
    if not 0 <= p <= 1:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input._data.size == 0:
        return input
    if p == 1:
        return applied(input, lambda x: x * 0, inplace, name)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}: result type Float can't be cast to the desired output type "
                           f"{input.dtype.legacy_name}. Hint: convert first with x.float()")
    keep = generator().random(mask_shape) >= p
    a = 1 / math.sqrt((SELU_SATURATION ** 2 * p + 1) * (1 - p))
    scale = (keep * a).astype(input._data.dtype)
    shift = ((keep - 1.0) * (SELU_SATURATION * a) + SELU_SATURATION * a * p).astype(input._data.dtype)
    return applied(input, lambda x: x * scale + shift, inplace, name)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:  # noqa: A002
    """Drop each element with probability p to SELU's saturation, then restore mean 0 and variance 1
    (see the module docstring); the identity when not training, which is the default here, as in PyTorch."""
    return dropped_to_saturation(input, p, training, inplace, tuple(input.shape), "alpha_dropout")


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Tensor:
    """alpha_dropout with one draw per (sample, channel), shared by the positions after dim 1 (as
    dropout2d is to dropout). The input needs at least 2 dims; dim 1 is always the channel, as in PyTorch."""
    shape = channel_dropout_shape(input, 1, "feature_alpha_dropout")
    return dropped_to_saturation(input, p, training, inplace, shape, "feature_alpha_dropout")


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
          inplace: bool = False) -> Tensor:
    """x where x > 0, slope * x elsewhere. Training: a slope drawn from U(lower, upper) for each element
    (Xu et al. 2015); the derivative there is that slope (at x = 0 too: PyTorch's kernel tests x <= 0).
    Not training: leaky_relu with the mean slope (lower + upper) / 2, whose slope at 0 is that slope too."""
    floating_only(input, "rrelu")
    if lower > upper:
        raise RuntimeError(f"rrelu: Lower bound should be less than or equal to the upper bound (got lower={lower}, "
                           f"upper={upper})")
    if not training:
        slope = (lower + upper) / 2
        return applied(input, lambda x: LeakyRelu.apply(x, negative_slope=slope), inplace, "rrelu")
    drawn = generator().uniform(lower, upper, tuple(input.shape))
    slopes = np.where(input._data <= 0, drawn, 1.0).astype(input._data.dtype)
    return applied(input, lambda x: x * slopes, inplace, "rrelu")


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:  # noqa: A002
    """rrelu in place (inplace=True)."""
    return rrelu(input, lower, upper, training, inplace=True)
