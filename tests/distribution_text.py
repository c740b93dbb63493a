"""Shared by the distributions' tests: code run against tinygrad_edu or torch, and PyTorch's text as this
library prints it."""


def build(lib, code: str, **names):
    """`code` evaluated with `lib` (tinygrad_edu or torch), its distributions and `names` in scope."""
    return eval(code, {"lib": lib, **names, **vars(lib.distributions)})


def ours_text(pytorch_text: str) -> str:
    """PyTorch's text as this library prints it: its shapes are tinygrad_edu.Size."""
    return pytorch_text.replace("torch.Size", "tinygrad_edu.Size")
