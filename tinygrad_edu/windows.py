"""Window functions, as torch.hann_window & co.: the tapers a short-time Fourier transform multiplies
each frame by, and that audio and signal-processing lectures plot.

A module of its own because they are a family: each is a formula in n = 0 .. N-1 over one length,
    hann      0.5 - 0.5 cos(2 pi n / N)
    hamming   alpha - beta cos(2 pi n / N)                  (alpha 0.54, beta 0.46)
    blackman  0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)
    bartlett  1 - |2 n / N - 1|
    kaiser    I0(beta sqrt(1 - (2 n / N - 1)^2)) / I0(beta)    (I0: the modified Bessel function, np.i0)
with N = window_length - 1 for a symmetric window (periodic=False: it starts and ends on the same
value) and N = window_length for a periodic one (the default: one period of a periodic signal, as the
STFT wants; PyTorch's rule, the symmetric window one longer, without its last value). A window of
length 1 is [1.]. They are computed in float64 with NumPy and cast to `dtype` (the default dtype,
float32, unless given), so they can differ from PyTorch's, which computes in `dtype`, by about one
float32 rounding (PyTorch's float32 blackman starts at -3e-08 where this one has 1e-17).
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from .creation import make
from .tensor import Tensor

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def positions(window_length: int, periodic: bool, dtype, op: str) -> np.ndarray | None:
    """2 n / N for n = 0 .. window_length-1 (the fraction of the way through the window, times 2), or
    None when the window is empty or a single 1."""
    if not isinstance(window_length, int) or isinstance(window_length, bool):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got window_length={window_length}")
    chosen = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not chosen.is_floating_point:
        raise RuntimeError(f"{op} expects floating point dtypes, got: {chosen}")
    if window_length <= 1:
        return None
    span = window_length if periodic else window_length - 1
    return 2.0 * np.arange(window_length) / span


def window(values, window_length: int, dtype, requires_grad: bool, device, op: str) -> Tensor:
    if values is None:
        values = np.ones(window_length)
    return make(values, dtype or dtypes.get_default_dtype(), requires_grad, device, op)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                requires_grad: bool = False) -> Tensor:
    """0.5 - 0.5 cos(2 pi n / N): a raised cosine that is 0 at the ends."""
    x = positions(window_length, periodic, dtype, "hann_window")
    values = None if x is None else 0.5 - 0.5 * np.cos(np.pi * x)
    return window(values, window_length, dtype, requires_grad, device, "hann_window")


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    """alpha - beta cos(2 pi n / N): hann's shape lifted off zero (alpha = beta = 0.5 is hann)."""
    x = positions(window_length, periodic, dtype, "hamming_window")
    values = None if x is None else alpha - beta * np.cos(np.pi * x)
    return window(values, window_length, dtype, requires_grad, device, "hamming_window")


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    requires_grad: bool = False) -> Tensor:
    """0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N): lower side lobes than hann, a wider main lobe."""
    x = positions(window_length, periodic, dtype, "blackman_window")
    values = None if x is None else 0.42 - 0.5 * np.cos(np.pi * x) + 0.08 * np.cos(2 * np.pi * x)
    return window(values, window_length, dtype, requires_grad, device, "blackman_window")


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    requires_grad: bool = False) -> Tensor:
    """1 - |2 n / N - 1|: a triangle, 0 at the ends and 1 in the middle."""
    x = positions(window_length, periodic, dtype, "bartlett_window")
    values = None if x is None else 1.0 - np.abs(x - 1.0)
    return window(values, window_length, dtype, requires_grad, device, "bartlett_window")


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None, layout=None,
                  device=None, requires_grad: bool = False) -> Tensor:
    """I0(beta sqrt(1 - (2 n / N - 1)^2)) / I0(beta): beta trades main-lobe width for side-lobe height."""
    x = positions(window_length, periodic, dtype, "kaiser_window")
    values = None if x is None else np.i0(beta * np.sqrt(np.clip(1.0 - (x - 1.0) ** 2, 0.0, None))) / np.i0(beta)
    return window(values, window_length, dtype, requires_grad, device, "kaiser_window")
