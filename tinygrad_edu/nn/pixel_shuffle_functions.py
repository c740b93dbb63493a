"""F.pixel_shuffle and F.pixel_unshuffle: moving values between the channel dim and the two spatial
dims (sub-pixel convolution, Shi et al. 2016). Each is a reshape, a permute and a reshape, so their
gradient is the inverse rearrangement, which the engine already knows from those three ops."""

from __future__ import annotations

from ..tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle"]


def check_factor(x: Tensor, factor: int, name: str, factor_name: str) -> None:
    if x.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {x.ndim} "
                           f"dimension(s). Hint: the input is (*, C, H, W)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {factor_name}, but got {factor}")


def pixel_shuffle(x: Tensor, upscale_factor: int) -> Tensor:
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r), r = upscale_factor:
    out[..., c, h * r + i, w * r + j] = x[..., c * r * r + i * r + j, h, w]."""
    r = upscale_factor
    check_factor(x, r, "pixel_shuffle", "upscale_factor")
    *batch, channels, height, width = x.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    k = len(batch)
    blocks = x.reshape(*batch, channels // (r * r), r, r, height, width)
    order = tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2)  # (c, h, i, w, j)
    return blocks.permute(order).reshape(*batch, channels // (r * r), height * r, width * r)


def pixel_unshuffle(x: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H * r, W * r) -> (*, C * r * r, H, W), r = downscale_factor: the inverse of pixel_shuffle."""
    r = downscale_factor
    check_factor(x, r, "pixel_unshuffle", "downscale_factor")
    *batch, channels, height, width = x.shape
    for dim_name, dim, size in (("height", -2, height), ("width", -1, width)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {dim_name} to be divisible by downscale_factor, but "
                               f"input.size({dim})={size} is not divisible by {r}")
    k = len(batch)
    blocks = x.reshape(*batch, channels, height // r, r, width // r, r)  # (c, h, i, w, j)
    order = tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3)  # (c, i, j, h, w)
    return blocks.permute(order).reshape(*batch, channels * r * r, height // r, width // r)
