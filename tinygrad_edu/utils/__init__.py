"""tinygrad_edu.utils: PyTorch's torch.utils path; `utils.data` holds datasets and the DataLoader."""

from . import data

__all__ = ["data"]
