"""Dropout and its channel forms (re-exported by nn.functional): dropout, dropout1d, dropout2d, dropout3d.

A module of its own because the channel forms are one idea with dropout: draw a keep-mask, multiply
by it scaled by 1/(1-p). They differ only in the mask's shape: dropout draws one coin per element,
the channel forms one per (sample, channel) and broadcast it over the spatial positions, so a whole
feature map is zeroed at once (neighbouring pixels are correlated, so zeroing single ones hardly
regularises a conv net; Tompson et al. 2015). The mask is a constant, so the derivative is the
multiplication's: d(x * m)/dx = m.
"""

from __future__ import annotations

import warnings

from ..random import generator
from ..tensor import Tensor
from .activation_functions import applied

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d"]


def masked_dropout(input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple,  # noqa: A002
                   name: str) -> Tensor:
    """input * keep / (1 - p), keep a Bernoulli(1 - p) array of mask_shape (broadcast over input)."""
    if not 0 <= p <= 1:
        raise ValueError(f"{name}: probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return applied(input, lambda x: x * 0, inplace, name)
    if not input.dtype.is_floating_point:  # the 1/(1-p) scale is a float, as PyTorch says
        raise RuntimeError(f"{name}: result type Float can't be cast to the desired output type "
                           f"{input.dtype.legacy_name}. Hint: convert first with x.float()")
    keep = generator().random(mask_shape) >= p
    return applied(input, lambda x: x * (keep / (1 - p)).astype(x.dtype), inplace, name)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero each element with probability p and scale the rest by 1/(1-p), so the
    expected value is unchanged; the identity when not training. inplace=True changes the input."""
    return masked_dropout(input, p, training, inplace, tuple(input.shape), "dropout")


def channel_dropout_shape(input: Tensor, channel_dim: int, name: str) -> tuple:  # noqa: A002
    """The mask shape of a channel dropout: the input's dims up to channel_dim (included), 1 after it."""
    if input.ndim < channel_dim + 1:
        raise RuntimeError(f"{name}: Feature dropout requires at least 2 dimensions in the input, got shape "
                           f"{tuple(input.shape)}")
    return tuple(input.shape[:channel_dim + 1]) + (1,) * (input.ndim - channel_dim - 1)


def channel_dropout(input: Tensor, p: float, training: bool, inplace: bool, channel_dim: int,  # noqa: A002
                    name: str) -> Tensor:
    """Zero whole channels: one coin per index of the dims up to channel_dim (included), shared by
    the dims after it (PyTorch's feature_dropout). channel_dim is 1 for a batched input, 0 for an
    unbatched one, which must then have at least that one dim."""
    return masked_dropout(input, p, training, inplace, channel_dropout_shape(input, channel_dim, name), name)


def warn_unless_channel_shaped(input: Tensor, spatial: int) -> None:  # noqa: A002
    """PyTorch's deprecation warning for dropout2d/3d on an input of other than (N,) C + `spatial` dims."""
    if input.ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"dropout{spatial}d: Received a {input.ndim}-D input to dropout{spatial}d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior and silence this "
                      f"warning, please use dropout instead. Note that dropout{spatial}d exists to provide "
                      f"channel-wise dropout on inputs with {spatial} spatial dimensions, a channel dimension, and "
                      f"an optional batch dimension (i.e. {spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero each channel of an (N, C, L) or unbatched (C, L) input with probability p, scale the rest by 1/(1-p)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return channel_dropout(input, p, training, inplace, input.ndim - 2, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero each channel of an (N, C, H, W) input with probability p, scale the rest by 1/(1-p).
    As PyTorch's, a 3-D input is read as (N, C, L), not as an unbatched (C, H, W), with its warning."""
    warn_unless_channel_shaped(input, 2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return channel_dropout(input, p, training, inplace, 1, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero each channel of an (N, C, D, H, W) or unbatched (C, D, H, W) input with probability p,
    scale the rest by 1/(1-p)."""
    warn_unless_channel_shaped(input, 3)
    return channel_dropout(input, p, training, inplace, 1 if input.ndim == 5 else 0, "dropout3d")
