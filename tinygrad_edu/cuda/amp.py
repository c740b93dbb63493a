"""tinygrad_edu.cuda.amp: torch.cuda.amp, the old path to automatic mixed precision (tinygrad_edu.amp).

Older scripts write `from torch.cuda.amp import GradScaler, autocast`. PyTorch still runs them, with a
FutureWarning that points to torch.amp, and so does this: the same warning, then torch.amp's behaviour
for device 'cuda' (a warning that CUDA is not available, and a scaler and an autocast that are off).
"""

from __future__ import annotations

import warnings

from .. import amp
from ..dtypes import float16

__all__ = ["autocast", "GradScaler"]


class autocast(amp.autocast):
    """amp.autocast("cuda", ...), with PyTorch's FutureWarning."""

    def __init__(self, enabled: bool = True, dtype=float16, cache_enabled: bool = True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(amp.GradScaler):
    """amp.GradScaler("cuda", ...), with PyTorch's FutureWarning."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)
