"""NVIDIA's CUDA backend: not built. nanoGPT's first lines set
`torch.backends.cuda.matmul.allow_tf32 = True`; here `matmul` holds PyTorch's flags (with its
defaults) as plain attributes that change nothing: a float32 matmul is NumPy's float32 matmul."""

from types import SimpleNamespace

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built() -> bool:
    return False
