"""NVIDIA's cuDNN: not available. Scripts set these flags for reproducibility on GPUs;
here they are plain attributes that change nothing (NumPy on the CPU is deterministic)."""

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available() -> bool:
    return False
