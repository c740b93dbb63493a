"""NVIDIA's cuDNN: not available. Scripts set these flags for reproducibility on GPUs;
here they are plain attributes that change nothing (NumPy on the CPU is deterministic)."""

enabled = True
deterministic = False
benchmark = False


def is_available() -> bool:
    return False
